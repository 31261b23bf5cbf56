import { join } from "path";
import { Worker } from "worker_threads";
import { Channel, Envelope } from "../protocol/message";
import { BudgetLimits, ByteBudget, charge, createByteBudget } from "../shared/byte-budget";
import { exposureWarning } from "../protocol/connection";
import { InterruptGate } from "../shared/interrupt-gate";
import { ParentWatch } from "../shared/parent-watch";
import { logTransport } from "./log";
import { ConnectionInfo, KernelTransport, TransportHandlers } from "../protocol/transport-contract";
import { SerializedMessage, serializeMessage } from "../protocol/wire";
import { FromWorker, ToWorker, WorkerInit } from "./worker-protocol";

export class TransportClosedError extends Error {
  override name = "TransportClosedError";
}

/** How long `close()` waits for the worker to exit on its own before terminating it. */
const EXIT_GRACE_MS = 3000;

/**
 * How far the main thread may run ahead of the sockets. Stream output arrives in chunks of at most
 * 64 KiB (publisher.ts), so this is a few dozen of them: enough that the transport never starves,
 * little enough that a cell printing without end costs megabytes, not its whole output.
 */
const SEND_LIMITS: BudgetLimits = { high: 4 << 20, low: 2 << 20, stallMs: 5000 };

export interface KernelTransportOptions {
  /**
   * Lets the worker raise SIGINT only while an interruptible script is running (see
   * interrupt-gate.ts). Without it, every interrupt_request raises SIGINT at once.
   */
  interruptGate?: InterruptGate;
  /**
   * End the kernel when the process that started it dies. The transport thread is the one thread
   * user code never blocks, so it does the polling (shared/parent-watch.ts).
   */
  watchParent?: ParentWatch;
  /** The compiled transport worker; defaults to the one beside this file. */
  workerScript?: string;
}

/**
 * Binds the kernel's sockets on a worker thread and resolves once all of them are listening.
 * Rejects, naming the socket and address, when any of them cannot bind.
 */
export async function startKernelTransport(
  connection: ConnectionInfo,
  handlers: TransportHandlers,
  options: KernelTransportOptions = {},
): Promise<KernelTransport> {
  const warning = exposureWarning(connection);
  if (warning) logTransport(`warning: ${warning}`);
  const sendBudget = createByteBudget();
  const parent =
    options.watchParent && process.ppid > 1 ? { ppid: process.ppid, graceMs: options.watchParent.graceMs } : undefined;
  const init: WorkerInit = { connection, interruptGate: options.interruptGate, sendBudget, parent };
  const link = new WorkerTransport(
    new Worker(options.workerScript ?? join(__dirname, "transport-worker.js"), { workerData: init }),
    handlers,
    sendBudget,
    options.watchParent,
  );
  await link.ready;
  return link;
}

class WorkerTransport implements KernelTransport {
  readonly ready: Promise<void>;
  private readonly waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
  private nextId = 1;
  private state: "starting" | "open" | "closing" | "gone" = "starting";
  private closed?: Promise<void>;
  private readonly exited: Promise<number>;

  constructor(
    private readonly worker: Worker,
    private readonly handlers: TransportHandlers,
    private readonly sendBudget: ByteBudget,
    private readonly parentWatch?: ParentWatch,
  ) {
    let settleReady!: { resolve(): void; reject(error: Error): void };
    this.ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
    this.exited = new Promise((resolve) => worker.once("exit", resolve));

    worker.on("message", (message: FromWorker) => {
      switch (message.type) {
        case "ready":
          this.state = "open";
          settleReady.resolve();
          return;
        case "failed":
          this.state = "gone";
          settleReady.reject(new Error(`kernel transport failed to start: ${message.error}`));
          void worker.terminate();
          return;
        case "message":
          this.handlers.onMessage(message.channel, message.envelope, message.delivery);
          return;
        case "done":
          this.waiting.get(message.id)?.resolve();
          this.waiting.delete(message.id);
          return;
        case "orphaned":
          this.parentWatch?.onOrphaned?.();
          return;
      }
    });
    worker.on("error", (error) => this.lost(error, settleReady.reject));
    worker.on("exit", (code) => {
      if (this.state === "closing") this.failWaiting(new TransportClosedError("transport closed"));
      else if (this.state !== "gone") {
        this.lost(new TransportClosedError(`transport worker exited with code ${code}`), settleReady.reject);
      }
      this.state = "gone";
    });
  }

  send(channel: Channel, envelope: Envelope<unknown>): void {
    if (this.state !== "open") {
      logTransport(`dropped ${envelope.message.header.msg_type} for ${channel}: transport is ${this.state}`);
      return;
    }
    const serialized = serializeMessage(envelope.message);
    // Blocks this thread while the worker is far behind: see byte-budget.ts for why nothing else can.
    const charged = charge(this.sendBudget, weight(serialized), SEND_LIMITS);
    const message: ToWorker = { type: "send", channel, identities: envelope.identities, message: serialized, charged };
    this.worker.postMessage(message);
  }

  flush(): Promise<void> {
    if (this.state !== "open") return Promise.resolve();
    return this.ask("flush");
  }

  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    const wasOpen = this.state === "open";
    this.state = "closing";
    const timer = setTimeout(() => void this.worker.terminate(), EXIT_GRACE_MS);
    // The worker drains its queues and closes its sockets before it exits, so its exit is the
    // signal that everything sent has been handed over.
    if (wasOpen) this.ask("close").catch(() => undefined);
    await this.exited;
    clearTimeout(timer);
    this.state = "gone";
  }

  private ask(type: "flush" | "close"): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const message: ToWorker = { type, id };
      this.worker.postMessage(message);
    });
  }

  private failWaiting(error: Error): void {
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }

  /** Like a worker pool losing a worker: everything still waiting fails at once. */
  private lost(error: Error, rejectReady: (error: Error) => void): void {
    const wasOpen = this.state === "open";
    this.state = "gone";
    rejectReady(error);
    this.failWaiting(error);
    if (!wasOpen) return;
    if (this.handlers.onFatal) this.handlers.onFatal(error);
    else logTransport(`fatal: ${error.message}`);
  }
}

/** Roughly what a message holds until it is sent: its JSON text and its binary buffers. */
function weight(message: SerializedMessage): number {
  let bytes = 0;
  for (const part of message.parts) bytes += part.length;
  for (const buffer of message.buffers) bytes += buffer.byteLength;
  return bytes;
}
