import { randomUUID } from "crypto";
import { ControlRequests, ControlRequestType, Replies, ShellRequests, ShellRequestType } from "../protocol/content";
import { Envelope } from "../protocol/message";
import { answer, Identity } from "../protocol/build";
import { Delivery, IncomingChannel, KernelTransport } from "../protocol/transport-contract";
import { Interpreter } from "../protocol/interpreter-contract";
import { toErrorContent } from "../protocol/kernel-error";
import { IopubPublisher } from "./publisher";
import { StdinBroker } from "./stdin-broker";
import { History } from "./history";
import { aborted, failed } from "./replies";
import { kernelInfo } from "./kernel-info";
import { ExecuteHandler } from "./execute";
import { InfoHandlers } from "./info-handlers";
import { log } from "../shared/log";
import { clearIdleInterrupt, InterruptGate, markBusy, markIdle } from "../shared/interrupt-gate";

type Handlers<Requests, K extends keyof Requests> = {
  [P in K]: (request: Envelope<Requests[P]>, channel: IncomingChannel) => Promise<void> | void;
};

export interface KernelOptions {
  /** Called once a shutdown_request has been answered; the host then tears the process down. */
  onShutdown(restart: boolean): void;
  /** Marked busy for the length of each execute_request (see shared/interrupt-gate.ts). */
  interruptGate?: InterruptGate;
}

/**
 * The kernel core: owns the wire-level bookkeeping (busy/idle around every request, the shell
 * queue, execution counts, aborting after an error) and delegates language work to the Interpreter.
 */
export class Kernel {
  readonly identity: Identity = { session: randomUUID(), username: "kernel" };
  private readonly publisher: IopubPublisher;
  private readonly stdin: StdinBroker;
  private readonly history = new History();
  private readonly execute: ExecuteHandler;
  private readonly info: InfoHandlers;
  private readonly shellQueue: { envelope: Envelope; channel: IncomingChannel }[] = [];
  private draining = false;
  private readonly deliveries = new WeakMap<Envelope, Delivery>();
  /** msg_ids of queued execute_requests to answer `aborted` after an error (stop_on_error). */
  private readonly toAbort = new Set<string>();

  private readonly shellHandlers: Handlers<ShellRequests, ShellRequestType>;
  private readonly controlHandlers: Handlers<ControlRequests, ControlRequestType>;

  constructor(
    private readonly interpreter: Interpreter,
    private readonly transport: KernelTransport,
    private readonly options: KernelOptions,
  ) {
    this.publisher = new IopubPublisher(this.identity, this.identity.session, (e) => transport.send("iopub", e));
    this.stdin = new StdinBroker(this.identity, (e) => transport.send("stdin", e));
    this.execute = new ExecuteHandler(interpreter, this.publisher, this.stdin, this.history);
    this.info = new InfoHandlers(interpreter, this.history);
    this.shellHandlers = {
      execute_request: (r, ch) => this.runExecute(r, ch),
      kernel_info_request: (r, ch) => this.reply(ch, r, "kernel_info_reply", kernelInfo(interpreter)),
      complete_request: async (r, ch) =>
        this.reply(ch, r, "complete_reply", await this.info.complete(r.message.content)),
      inspect_request: async (r, ch) => this.reply(ch, r, "inspect_reply", await this.info.inspect(r.message.content)),
      is_complete_request: async (r, ch) =>
        this.reply(ch, r, "is_complete_reply", await this.info.isComplete(r.message.content)),
      history_request: (r, ch) => this.reply(ch, r, "history_reply", this.info.history(r.message.content)),
      comm_info_request: (r, ch) => this.reply(ch, r, "comm_info_reply", { status: "ok", comms: {} }),
      comm_open: (r) => this.refuseComm(r),
      comm_msg: (r) => log(`comm_msg for unknown comm ${String(r.message.content.comm_id)} ignored`),
      comm_close: () => undefined,
    };
    this.controlHandlers = {
      kernel_info_request: (r, ch) => this.reply(ch, r, "kernel_info_reply", kernelInfo(interpreter)),
      interrupt_request: (r, ch) => {
        // A SIGINT the transport raised into a running script has already stopped it; stopping
        // again here could hit the next queued cell instead. Only a held interrupt (the cell was
        // waiting outside a script) needs the core to end its waits.
        const delivery = this.deliveries.get(r)?.interrupt;
        if (delivery === "held") this.interrupt();
        // Found nothing running; any stray loop it was meant for has stopped by now, since this
        // thread is free to read it.
        if (delivery === "idle" && this.options.interruptGate) clearIdleInterrupt(this.options.interruptGate);
        this.reply(ch, r, "interrupt_reply", { status: "ok" });
      },
      shutdown_request: (r, ch) => {
        const restart = r.message.content.restart === true;
        this.reply(ch, r, "shutdown_reply", { status: "ok", restart });
        // handle() publishes this request's one idle as soon as we return; tear down only once
        // the reply and that idle are on the wire.
        setImmediate(() => {
          void this.transport
            .flush()
            .catch((e: unknown) => log(`flush before shutdown: ${String(e)}`))
            .then(() => this.options.onShutdown(restart));
        });
      },
    };
  }

  start(): void {
    this.publisher.publish(undefined, "status", { execution_state: "starting" });
  }

  interrupt(): void {
    this.interpreter.interrupt();
    this.stdin.cancelAll();
  }

  receive(channel: IncomingChannel, envelope: Envelope, delivery?: Delivery): void {
    if (delivery) this.deliveries.set(envelope, delivery);
    if (channel === "stdin") {
      if (!this.stdin.deliver(envelope)) log(`unexpected ${envelope.message.header.msg_type} on stdin ignored`);
      return;
    }
    if (channel === "control") {
      void this.handle(channel, envelope);
      return;
    }
    this.shellQueue.push({ envelope, channel });
    void this.drainShell();
  }

  private async drainShell(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.shellQueue.shift(); next; next = this.shellQueue.shift()) {
        await this.handle(next.channel, next.envelope);
      }
    } finally {
      this.draining = false;
    }
  }

  private async handle(channel: IncomingChannel, request: Envelope): Promise<void> {
    const type = request.message.header.msg_type;
    const table = (channel === "control" ? this.controlHandlers : this.shellHandlers) as unknown as Record<
      string,
      ((r: Envelope, ch: IncomingChannel) => Promise<void> | void) | undefined
    >;
    const handler = Object.prototype.hasOwnProperty.call(table, type) ? table[type] : undefined;
    if (!handler) {
      log(`unknown message type '${type}' on ${channel} ignored`);
      return;
    }
    const parent = request.message.header;
    this.publisher.publish(parent, "status", { execution_state: "busy" });
    try {
      if (this.toAbort.delete(parent.msg_id)) {
        this.reply(channel, request, "execute_reply", aborted());
      } else {
        await handler(request, channel);
      }
    } catch (e) {
      log(`${type} failed: ${e instanceof Error ? e.stack : String(e)}`);
      const replyType = type.replace(/_request$/, "_reply");
      if (replyType !== type)
        this.sendReply(channel, request, replyType, failed(toErrorContent(e, `answering ${type}`)));
    } finally {
      this.publisher.publish(parent, "status", { execution_state: "idle" });
    }
  }

  private async runExecute(request: Envelope<ShellRequests["execute_request"]>, channel: IncomingChannel) {
    const gate = this.options.interruptGate;
    if (gate) markBusy(gate);
    try {
      const { reply, metadata, stopOnError } = await this.execute.run(request);
      this.reply(channel, request, "execute_reply", reply, metadata);
      if (stopOnError) await this.abortQueuedExecutes();
    } finally {
      if (gate) markIdle(gate);
    }
  }

  private async abortQueuedExecutes(): Promise<void> {
    // Requests the client sent before it saw this error are still crossing from the transport;
    // the round trip of a flush brings them into the queue before we decide what to abort.
    await this.transport.flush();
    for (const q of this.shellQueue) {
      if (q.envelope.message.header.msg_type === "execute_request") this.toAbort.add(q.envelope.message.header.msg_id);
    }
  }

  private refuseComm(request: Envelope<ShellRequests["comm_open"]>): void {
    const { comm_id, target_name } = request.message.content;
    log(`comm_open for unknown target '${String(target_name)}': closing comm ${String(comm_id)}`);
    this.publisher.publish(request.message.header, "comm_close", { comm_id: String(comm_id), data: {} });
  }

  private reply<R extends keyof Replies>(
    channel: IncomingChannel,
    request: Envelope<unknown>,
    type: R,
    content: Replies[R],
    metadata: Record<string, unknown> = {},
  ) {
    this.sendReply(channel, request, type, content, metadata);
  }

  private sendReply(
    channel: IncomingChannel,
    request: Envelope<unknown>,
    type: string,
    content: unknown,
    metadata: Record<string, unknown> = {},
  ) {
    this.publisher.flush();
    this.transport.send(channel, answer(this.identity, request, type, content, metadata));
  }
}
