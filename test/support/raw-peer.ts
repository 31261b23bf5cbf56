/**
 * A bare DEALER on one of the kernel's ports, outside the project's client, so that a test can put
 * any frames at all on the wire (unsigned, re-sent, cut short) and still see the replies that come back.
 */
import * as zmq from "zeromq";
import { Identity, newMessage } from "../../src/protocol/build";
import { Message } from "../../src/protocol/message";
import { bindAddress } from "../../src/protocol/connection";
import { Signer } from "../../src/protocol/signer";
import { ConnectionInfo } from "../../src/protocol/transport-contract";
import { decodeFrames, encodeFrames } from "../../src/protocol/wire";

const SEND_TIMEOUT_MS = 15_000;

interface Waiter {
  resolve(reply: Message): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** An ordinary execute_request's content: visible, recorded, no stdin, and no aborting what follows. */
export function executeContent(code: string): Record<string, unknown> {
  return { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false };
}

export class RawPeer {
  private readonly socket: zmq.Dealer;
  private readonly waiters = new Map<string, Waiter>();
  private readonly replyCounts = new Map<string, number>();
  /** zeromq v6 takes one send at a time per socket; every send waits for the one before. */
  private sending: Promise<void> = Promise.resolve();
  private readonly reading: Promise<void>;

  constructor(
    connection: ConnectionInfo,
    port: number,
    private readonly signer: Signer,
    private readonly identity: Identity,
    routingId?: string,
  ) {
    // A send to a kernel that has died would otherwise wait forever once the queue fills.
    this.socket = new zmq.Dealer({ linger: 0, sendTimeout: SEND_TIMEOUT_MS, ...(routingId ? { routingId } : {}) });
    this.socket.connect(bindAddress(connection, port));
    this.reading = this.read();
  }

  send(frames: Buffer[]): Promise<void> {
    const sent = this.sending.then(() => this.socket.send(frames));
    this.sending = sent.catch(() => undefined);
    return sent;
  }

  signed(message: Message<unknown>): Buffer[] {
    return encodeFrames({ identities: [], message }, this.signer);
  }

  message(msgType: string, content: Record<string, unknown> = {}): Message {
    return newMessage(this.identity, msgType, content);
  }

  /** Resolves with the reply whose parent is `request`; the deadline only keeps a lost reply from hanging the suite. */
  replyTo(request: Message<unknown>, timeoutMs = 30_000): Promise<Message> {
    const id = request.header.msg_id;
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`no reply to ${request.header.msg_type} ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(id, { resolve, reject, timer });
    });
  }

  /** Sends `frames` and waits for the reply to `request` (the message the frames carry). */
  async exchange(request: Message<unknown>, frames = this.signed(request), timeoutMs?: number): Promise<Message> {
    const reply = this.replyTo(request, timeoutMs);
    await this.send(frames);
    return reply;
  }

  /**
   * A signed kernel_info_request, answered only once the kernel has dealt with everything this peer
   * sent before it: the kernel reads one socket in order and answers shell requests in order.
   */
  async sync(timeoutMs?: number): Promise<Message> {
    const probe = this.message("kernel_info_request");
    return this.exchange(probe, this.signed(probe), timeoutMs);
  }

  /** How many correctly signed replies have named `msgId` as their parent. */
  repliesTo(msgId: string): number {
    return this.replyCounts.get(msgId) ?? 0;
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error("raw peer closed"));
    }
    this.waiters.clear();
    this.socket.close();
    await this.reading;
  }

  private async read(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const decoded = decodeFrames(frames, this.signer);
        if (decoded.kind !== "message") continue;
        const parent = (decoded.envelope.message.parent_header as { msg_id?: unknown }).msg_id;
        if (typeof parent !== "string") continue;
        this.replyCounts.set(parent, (this.replyCounts.get(parent) ?? 0) + 1);
        const waiter = this.waiters.get(parent);
        if (waiter) {
          clearTimeout(waiter.timer);
          this.waiters.delete(parent);
          waiter.resolve(decoded.envelope.message);
        }
      }
    } catch {
      // Closing the socket ends the iteration with an error; there is nothing left to read.
    }
  }
}
