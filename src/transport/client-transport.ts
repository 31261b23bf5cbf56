import { randomUUID } from "crypto";
import * as zmq from "zeromq";
import { Channel, Envelope, Message } from "../protocol/message";
import { bindAddress, isIpv6 } from "../protocol/connection";
import { logTransport } from "./log";
import { SendQueue } from "./send-queue";
import { createSigner } from "../protocol/signer";
import { ConnectionInfo } from "../protocol/transport-contract";
import { decodeFrames, encodeFrames } from "../protocol/wire";

/**
 * The frontend side of the wire, for the project's own client. It lives in the transport seam
 * because only the transport talks to ZeroMQ; correlation of requests and replies is the
 * client's business, not this file's.
 */
export interface ClientTransport {
  send(channel: RequestChannel, message: Message<unknown>): void;
  /** True when the kernel echoed a heartbeat within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
  /** Resolves once everything sent so far has been handed to ZeroMQ. */
  flush(): Promise<void>;
  close(): void;
}

export type RequestChannel = Exclude<Channel, "iopub">;

export interface ClientTransportHandlers {
  /** A verified message from the kernel. */
  onMessage(channel: Channel, envelope: Envelope): void;
  /** A message that failed verification or parsing; it is not delivered. */
  onRejected(channel: Channel, reason: string): void;
}

/** Short, so a client pointed at a dead kernel does not hold its process open on close. */
const LINGER_MS = 200;

export function openClientTransport(connection: ConnectionInfo, handlers: ClientTransportHandlers): ClientTransport {
  const signer = createSigner(connection.signature_scheme, connection.key);
  const options = { linger: LINGER_MS, ipv6: isIpv6(connection) };
  // The kernel addresses stdin requests with the identity of the shell request that caused them,
  // so the shell and stdin sockets must share one routing id.
  const routingId = `client-${randomUUID()}`;
  const sockets = {
    shell: new zmq.Dealer({ ...options, routingId }),
    control: new zmq.Dealer({ ...options, routingId }),
    stdin: new zmq.Dealer({ ...options, routingId }),
    iopub: new zmq.Subscriber(options),
    heartbeat: new zmq.Dealer(options),
  };
  sockets.shell.connect(bindAddress(connection, connection.shell_port));
  sockets.control.connect(bindAddress(connection, connection.control_port));
  sockets.stdin.connect(bindAddress(connection, connection.stdin_port));
  sockets.iopub.connect(bindAddress(connection, connection.iopub_port));
  sockets.heartbeat.connect(bindAddress(connection, connection.hb_port));
  sockets.iopub.subscribe();

  const queues: Record<RequestChannel | "heartbeat", SendQueue> = {
    shell: new SendQueue(sockets.shell, "client shell"),
    control: new SendQueue(sockets.control, "client control"),
    stdin: new SendQueue(sockets.stdin, "client stdin"),
    heartbeat: new SendQueue(sockets.heartbeat, "client heartbeat"),
  };
  let closed = false;

  const receive = async (channel: Channel, socket: zmq.Dealer | zmq.Subscriber) => {
    try {
      for await (const frames of socket) {
        const decoded = decodeFrames(frames, signer);
        try {
          if (decoded.kind === "rejected") handlers.onRejected(channel, decoded.reason);
          else handlers.onMessage(channel, decoded.envelope);
        } catch (error) {
          // One faulty listener must not stop this socket from delivering everything after it.
          logTransport(`client handler for ${channel} threw: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      if (!closed) handlers.onRejected(channel, `receive failed: ${(error as Error).message}`);
    }
  };
  void receive("shell", sockets.shell);
  void receive("control", sockets.control);
  void receive("stdin", sockets.stdin);
  void receive("iopub", sockets.iopub);

  const heartbeat = new HeartbeatProbe((token) =>
    // The empty frame makes a Dealer look like a REQ socket, so both REP and echoing ROUTER
    // kernels answer it.
    queues.heartbeat.push([Buffer.alloc(0), Buffer.from(token)]),
  );
  void (async () => {
    try {
      for await (const frames of sockets.heartbeat) heartbeat.echoed(frames[frames.length - 1].toString());
    } catch {
      // Closing the socket ends the loop; pending pings time out on their own.
    }
  })();

  return {
    send(channel, message) {
      queues[channel].push(encodeFrames({ identities: [], message }, signer));
    },
    ping: (timeoutMs) => (closed ? Promise.resolve(false) : heartbeat.ping(timeoutMs)),
    async flush() {
      await Promise.all(Object.values(queues).map((queue) => queue.drained()));
    },
    close() {
      if (closed) return;
      closed = true;
      heartbeat.cancelAll();
      for (const socket of Object.values(sockets)) socket.close();
    },
  };
}

/** Matches echoes to pings by token, so a late echo of an earlier ping is never mistaken for a fresh one. */
class HeartbeatProbe {
  private readonly waiting = new Map<string, (alive: boolean) => void>();

  constructor(private readonly emit: (token: string) => void) {}

  ping(timeoutMs: number): Promise<boolean> {
    const token = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(token, false), timeoutMs);
      this.waiting.set(token, (alive) => {
        clearTimeout(timer);
        resolve(alive);
      });
      this.emit(token);
    });
  }

  echoed(token: string): void {
    this.settle(token, true);
  }

  cancelAll(): void {
    for (const token of [...this.waiting.keys()]) this.settle(token, false);
  }

  private settle(token: string, alive: boolean): void {
    const done = this.waiting.get(token);
    this.waiting.delete(token);
    done?.(alive);
  }
}
