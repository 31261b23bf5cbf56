/**
 * The kernel's sockets, on their own thread. User code runs on the main thread and may block it
 * indefinitely; heartbeats are answered here and interrupts raised from here, so the kernel stays
 * alive and stoppable while a cell spins.
 */
import { MessagePort, parentPort, workerData } from "worker_threads";
import * as zmq from "zeromq";
import { ByteBudget, refund } from "../shared/byte-budget";
import { pollParent } from "../shared/parent-watch";
import { bindAddress, isIpv6 } from "../protocol/connection";
import { gateState, InterruptGate, LOOPS_STOP_AT, requestInterrupt } from "../shared/interrupt-gate";
import { MainThreadNudge } from "./main-thread-nudge";
import { logTransport } from "./log";
import { SendQueue } from "./send-queue";
import { LatestStatus } from "./latest-status";
import { StuckMainThreadGuard } from "./stuck-main-thread";
import { SignatureHistory } from "../protocol/signature-history";
import { createSigner, Signer } from "../protocol/signer";
import { ConnectionInfo, Delivery, IncomingChannel } from "../protocol/transport-contract";
import { decodeFrames, framesFromSerialized } from "../protocol/wire";
import { FromWorker, ToWorker, WorkerInit } from "./worker-protocol";

/** Long enough for a final reply (e.g. shutdown_reply) to leave, short enough not to stall exit. */
const LINGER_MS = 500;

interface Sockets {
  shell: zmq.Router;
  control: zmq.Router;
  stdin: zmq.Router;
  iopub: zmq.XPublisher;
  heartbeat: zmq.Router;
}

type SocketName = keyof Sockets;

function main(port: MessagePort, { connection, interruptGate, sendBudget, parent }: WorkerInit): void {
  const post = (message: FromWorker) => port.postMessage(message);
  if (parent) pollParent(parent.ppid, parent.graceMs, () => post({ type: "orphaned" }));
  let signer: Signer;
  try {
    signer = createSigner(connection.signature_scheme, connection.key);
  } catch (error) {
    post({ type: "failed", error: (error as Error).message });
    return;
  }

  bindAll(connection).then(
    (sockets) => serve(port, post, sockets, signer, interruptGate, sendBudget),
    (error: Error) => post({ type: "failed", error: error.message }),
  );
}

async function bindAll(connection: ConnectionInfo): Promise<Sockets> {
  const options = { linger: LINGER_MS, ipv6: isIpv6(connection) };
  const sockets: Sockets = {
    shell: new zmq.Router(options),
    control: new zmq.Router(options),
    stdin: new zmq.Router(options),
    // A PUB socket silently drops what exceeds its high-water mark, so a subscriber only briefly
    // slower than a printing loop would lose lines. Unlimited here: what reaches the socket is
    // already held back by the send budget (byte-budget.ts); only a subscriber that stops reading
    // altogether leaves its backlog with ZeroMQ.
    // An XPUB, to hear each subscriber join (verbosity "allSubs": every one of them, not only the
    // first to ask for a topic) and tell it the kernel's state (latest-status.ts).
    iopub: new zmq.XPublisher({ ...options, sendHighWaterMark: 0, verbosity: "allSubs" }),
    heartbeat: new zmq.Router(options),
  };
  const ports: Record<SocketName, number> = {
    shell: connection.shell_port,
    control: connection.control_port,
    stdin: connection.stdin_port,
    iopub: connection.iopub_port,
    heartbeat: connection.hb_port,
  };
  try {
    for (const name of Object.keys(sockets) as SocketName[]) {
      const address = bindAddress(connection, ports[name]);
      await sockets[name].bind(address).catch((error: Error) => {
        throw new Error(`cannot bind ${name} socket to ${address}: ${error.message}`);
      });
    }
  } catch (error) {
    for (const socket of Object.values(sockets)) socket.close();
    throw error;
  }
  return sockets;
}

function serve(
  port: MessagePort,
  post: (message: FromWorker) => void,
  sockets: Sockets,
  signer: Signer,
  interruptGate: InterruptGate | undefined,
  sendBudget: ByteBudget,
): void {
  const queues: Record<SocketName, SendQueue> = {
    shell: new SendQueue(sockets.shell, "shell"),
    control: new SendQueue(sockets.control, "control"),
    stdin: new SendQueue(sockets.stdin, "stdin"),
    iopub: new SendQueue(sockets.iopub, "iopub"),
    heartbeat: new SendQueue(sockets.heartbeat, "heartbeat"),
  };
  const drainAll = () => Promise.all(Object.values(queues).map((queue) => queue.drained()));
  const stuck = new StuckMainThreadGuard();
  const nudge = new MainThreadNudge();
  let closing = false;

  // One history for every channel: a message captured on shell must not be replayed on control.
  const history = new SignatureHistory();

  const accept = (channel: IncomingChannel, frames: Buffer[]) => {
    const decoded = decodeFrames(frames, signer, history);
    if (decoded.kind === "rejected") {
      logTransport(`dropped a message on ${channel}: ${decoded.reason}`);
      return;
    }
    // The main thread cannot read this message while user code holds it, but a signal reaches
    // its vm `breakOnSigint` watchdog; the core replies once it is free again. With a gate, the
    // signal is raised only when it is safe (interrupt-gate.ts says why that matters).
    let delivery: Delivery | undefined;
    if (channel === "control" && decoded.envelope.message.header.msg_type === "interrupt_request") {
      const decision = interruptGate ? requestInterrupt(interruptGate) : "signal";
      if (decision === "signal") process.kill(process.pid, "SIGINT");
      // Cell code spinning after an await stops at its loop checks once they look at the gate.
      else if (interruptGate && gateState(interruptGate) >= LOOPS_STOP_AT) nudge.raiseLoopStop();
      delivery = { interrupt: decision === "signal" ? "signalled" : decision === "pending" ? "held" : "idle" };
      stuck.expectReply(decoded.envelope.message.header.msg_id);
    }
    post({ type: "message", channel, envelope: decoded.envelope, delivery });
  };
  const receive = async (channel: IncomingChannel, socket: zmq.Router) => {
    for await (const frames of socket) {
      // A throw here would end this loop, and the channel would go deaf for good; whatever one
      // peer sent, it may cost that peer its message and nothing more.
      try {
        accept(channel, frames);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        logTransport(`dropped a message on ${channel}: cannot deliver it: ${reason}`);
      }
    }
  };
  const echoHeartbeats = async () => {
    for await (const frames of sockets.heartbeat) queues.heartbeat.push(frames);
  };
  const status = new LatestStatus();
  const welcomeSubscribers = async () => {
    for await (const [event] of sockets.iopub) {
      // 1 then the topic: a subscription (0 would be its end).
      if (event?.[0] !== 1) continue;
      const again = status.again();
      if (again) queues.iopub.push(framesFromSerialized(again.identities, again.message, signer));
    }
  };
  const guard = (name: string, loop: Promise<void>) =>
    void loop.catch((error: Error) => {
      if (!closing) logTransport(`receiving on ${name} stopped: ${error.message}`);
    });
  guard("shell", receive("shell", sockets.shell));
  guard("control", receive("control", sockets.control));
  guard("stdin", receive("stdin", sockets.stdin));
  guard("heartbeat", echoHeartbeats());
  guard("iopub subscriptions", welcomeSubscribers());

  port.on("message", (message: ToWorker) => {
    switch (message.type) {
      case "send":
        if (message.channel === "control") stuck.replied(parentId(message.message.parts[1]));
        try {
          const frames = framesFromSerialized(message.identities, message.message, signer);
          if (message.channel === "iopub") status.saw(message.identities, message.message);
          queues[message.channel].push(frames, () => refund(sendBudget, message.charged));
        } catch (error) {
          refund(sendBudget, message.charged);
          logTransport(`cannot frame a message for ${message.channel}: ${(error as Error).message}`);
        }
        return;
      case "flush":
        void drainAll().then(() => post({ type: "done", id: message.id }));
        return;
      case "close":
        closing = true;
        stuck.close();
        nudge.close();
        void drainAll().then(() => {
          for (const socket of Object.values(sockets)) socket.close();
          post({ type: "done", id: message.id });
          port.close();
        });
        return;
      default:
        assertNever(message);
    }
  });
  post({ type: "ready" });
}

function parentId(parentHeaderJson: string): string {
  try {
    return String((JSON.parse(parentHeaderJson) as { msg_id?: unknown }).msg_id ?? "");
  } catch {
    return "";
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown message to the transport worker: ${JSON.stringify(value)}`);
}

if (!parentPort) throw new Error("transport-worker.js must be started as a worker thread");
main(parentPort, workerData as WorkerInit);
