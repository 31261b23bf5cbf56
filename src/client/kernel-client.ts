import { randomUUID } from "crypto";
import { Identity, newMessage } from "../protocol/build";
import { ShellRequests } from "../protocol/content";
import { Channel, Envelope, Message } from "../protocol/message";
import { ClientTransport, openClientTransport } from "../transport/client-transport";
import { ConnectionInfo } from "../protocol/transport-contract";
import { PendingRequests, RequestOutcome, Tracked } from "./pending-requests";

export type { RequestOutcome } from "./pending-requests";

/** A request on its way: the message that went out, and what has come back for it. */
export interface InFlight extends Tracked {
  message: Message;
}

export interface ConnectOptions {
  session?: string;
  username?: string;
  /** How long to wait for the kernel to answer on shell and iopub; default 30 s. */
  timeoutMs?: number;
  /** Gives up connecting, e.g. because the kernel process died. */
  signal?: AbortSignal;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Wait for the request's `status: idle` as well as its reply; default true. */
  awaitIdle?: boolean;
  metadata?: Record<string, unknown>;
}

export type ExecuteOptions = Partial<ShellRequests["execute_request"]> & { timeoutMs?: number };

export type StdinHandler = (request: Message) => string | Promise<string>;

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** A deliberately small Jupyter client: one session, requests correlated by msg_id. */
export class KernelClient {
  private readonly transport: ClientTransport;
  private readonly pending = new PendingRequests();
  private readonly iopubListeners = new Set<(message: Message) => void>();
  /** Handshake probes: their replies and iopub traffic are the client's own and never surface. */
  private readonly probes = new Set<string>();
  private stdinHandler?: StdinHandler;
  private rejected = 0;
  private closed = false;
  private probeState: { reply?: Message; iopubSeen: boolean; onProgress?: () => void } = { iopubSeen: false };

  private constructor(
    readonly connection: ConnectionInfo,
    readonly identity: Identity,
  ) {
    this.transport = openClientTransport(connection, {
      onMessage: (channel, envelope) => this.dispatch(channel, envelope),
      onRejected: () => {
        this.rejected += 1;
      },
    });
  }

  /**
   * Connects and waits until the kernel both replies on shell and is heard on iopub. A SUB socket
   * misses whatever is published before its subscription reaches the kernel, so requests sent
   * earlier could lose their first outputs; probing until iopub answers closes that gap.
   */
  static async connect(connection: ConnectionInfo, options: ConnectOptions = {}): Promise<KernelClient> {
    const client = new KernelClient(connection, {
      session: options.session ?? randomUUID(),
      username: options.username ?? "kernel-client",
    });
    try {
      await client.handshake(options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, options.signal);
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** The kernel_info_reply received while connecting. */
  get kernelInfo(): Message {
    return this.probeState.reply!;
  }

  /** Messages dropped because their signature or framing was wrong. */
  get rejectedCount(): number {
    return this.rejected;
  }

  send(
    channel: "shell" | "control",
    msgType: string,
    content: object,
    metadata: Record<string, unknown> = {},
  ): Message {
    const message = newMessage(this.identity, msgType, content as Record<string, unknown>, {}, metadata);
    this.transport.send(channel, message);
    return message;
  }

  /** Resolves with the reply and, unless `awaitIdle` is false, everything up to the request's idle status. */
  request(
    channel: "shell" | "control",
    msgType: string,
    content: object,
    options: RequestOptions = {},
  ): Promise<RequestOutcome> {
    return this.start(channel, msgType, content, options).done;
  }

  /** Like `request`, but hands back the request message and the iopub received so far while it runs. */
  start(channel: "shell" | "control", msgType: string, content: object, options: RequestOptions = {}): InFlight {
    const message = newMessage(this.identity, msgType, content as Record<string, unknown>, {}, options.metadata ?? {});
    if (this.closed) {
      return {
        message,
        done: Promise.reject(new Error(`client is closed; cannot send ${msgType}`)),
        received: () => [],
      };
    }
    const tracked = this.pending.track(channel, message, {
      timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      awaitIdle: options.awaitIdle ?? true,
    });
    this.transport.send(channel, message);
    return { message, ...tracked };
  }

  execute(code: string, options: ExecuteOptions = {}): Promise<RequestOutcome> {
    return this.startExecute(code, options).done;
  }

  /** `allow_stdin` defaults to whether a stdin handler is registered. */
  startExecute(code: string, options: ExecuteOptions = {}): InFlight {
    const { timeoutMs, ...fields } = options;
    const content: ShellRequests["execute_request"] = {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: this.stdinHandler !== undefined,
      stop_on_error: true,
      ...fields,
    };
    return this.start("shell", "execute_request", content, { timeoutMs });
  }

  /** Every iopub message except the client's own handshake traffic. Returns an unsubscribe function. */
  onIopub(listener: (message: Message) => void): () => void {
    this.iopubListeners.add(listener);
    return () => this.iopubListeners.delete(listener);
  }

  /**
   * Answers the kernel's `input_request`s. Without a handler, or when it fails, the kernel gets an
   * empty string rather than waiting forever for a person who is not there.
   */
  onStdinRequest(handler: StdinHandler): () => void {
    this.stdinHandler = handler;
    return () => {
      if (this.stdinHandler === handler) this.stdinHandler = undefined;
    };
  }

  /** The next iopub message (arriving after this call) that satisfies `predicate`. */
  waitForIopub(
    predicate: (message: Message) => boolean,
    timeoutMs: number,
    description = "a matching iopub message",
  ): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      const unsubscribe = this.onIopub((message) => {
        if (!predicate(message)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(message);
      });
    });
  }

  /** Fails every request still waiting, e.g. because the kernel process is known to be dead. */
  failPending(reason: string): void {
    this.pending.failAll(reason);
  }

  heartbeat(timeoutMs: number): Promise<boolean> {
    return this.transport.ping(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending.failAll("client closed");
    // A kernel that has gone away never drains the queue, so give it a moment and no more.
    await Promise.race([this.transport.flush(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    this.transport.close();
  }

  private handshake(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      let probeTimer: NodeJS.Timeout | undefined;
      let delay = 100;
      const probe = () => {
        const message = newMessage(this.identity, "kernel_info_request", {});
        this.probes.add(message.header.msg_id);
        this.transport.send("shell", message);
        // Back off so a kernel that is slow to start is not met by hundreds of queued probes.
        probeTimer = setTimeout(probe, delay);
        delay = Math.min(delay * 1.25, 1000);
      };
      const finish = (error?: Error) => {
        clearTimeout(probeTimer);
        clearTimeout(deadline);
        signal?.removeEventListener("abort", onAbort);
        this.probeState.onProgress = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new Error("connect aborted"));
      const deadline = setTimeout(() => {
        const missing = [
          ...(this.probeState.reply ? [] : ["a kernel_info_reply on shell"]),
          ...(this.probeState.iopubSeen ? [] : ["an iopub message answering kernel_info_request"]),
        ];
        finish(
          new Error(`timed out after ${timeoutMs} ms connecting to the kernel, waiting for ${missing.join(" and ")}`),
        );
      }, timeoutMs);
      this.probeState.onProgress = () => {
        if (this.probeState.reply && this.probeState.iopubSeen) finish();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort);
      probe();
    });
  }

  private dispatch(channel: Channel, { message }: Envelope): void {
    const parentId = (message.parent_header as { msg_id?: string }).msg_id ?? "";
    if (this.probes.has(parentId)) {
      if (channel === "iopub") this.probeState.iopubSeen = true;
      else this.probeState.reply ??= message;
      this.probeState.onProgress?.();
      return;
    }
    switch (channel) {
      case "shell":
      case "control":
        this.pending.reply(message);
        return;
      case "iopub":
        this.pending.iopub(message);
        for (const listener of [...this.iopubListeners]) {
          try {
            listener(message);
          } catch (error) {
            process.stderr.write(`[kernel-client] iopub listener threw: ${(error as Error).message}\n`);
          }
        }
        return;
      case "stdin":
        if (message.header.msg_type === "input_request") void this.answerInput(message);
        return;
    }
  }

  private async answerInput(request: Message): Promise<void> {
    let value = "";
    try {
      if (this.stdinHandler) value = await this.stdinHandler(request);
    } catch (error) {
      process.stderr.write(`[kernel-client] stdin handler failed, answering "": ${(error as Error).message}\n`);
    }
    if (this.closed) return;
    const reply = newMessage(this.identity, "input_reply", { value }, request.header);
    this.transport.send("stdin", reply);
  }
}
