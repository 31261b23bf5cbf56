import { Message } from "../protocol/message";

/** A finished request: its reply, and every iopub message it caused, in arrival order. */
export interface RequestOutcome {
  reply: Message;
  iopub: Message[];
}

/** A request in flight. */
export interface Tracked {
  done: Promise<RequestOutcome>;
  /** The iopub messages that have arrived for it so far: all there is of a request that never finishes. */
  received(): Message[];
}

export interface TrackOptions {
  timeoutMs: number;
  /** Also wait for `status: idle` on iopub (the kernel's "this request is done"). */
  awaitIdle: boolean;
}

interface Entry {
  request: Message<unknown>;
  channel: string;
  options: TrackOptions;
  reply?: Message;
  iopub: Message[];
  idle: boolean;
  resolve(outcome: RequestOutcome): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Correlates replies and iopub traffic with the request that caused them, by parent msg_id.
 * Shell and iopub are separate sockets, so the reply and the final idle may arrive in either order.
 */
export class PendingRequests {
  private readonly entries = new Map<string, Entry>();

  track(channel: string, request: Message<unknown>, options: TrackOptions): Tracked {
    const iopub: Message[] = [];
    const done = new Promise<RequestOutcome>((resolve, reject) => {
      const id = request.header.msg_id;
      const timer = setTimeout(() => {
        const entry = this.entries.get(id);
        if (!entry) return;
        this.entries.delete(id);
        reject(new Error(`timed out after ${options.timeoutMs} ms waiting for ${describeMissing(entry)}`));
      }, options.timeoutMs);
      this.entries.set(id, { request, channel, options, iopub, idle: false, resolve, reject, timer });
    });
    return { done, received: () => [...iopub] };
  }

  /** Returns false when the message answers no tracked request. */
  reply(message: Message): boolean {
    const entry = this.entryFor(message);
    if (!entry) return false;
    entry.reply = message;
    this.settleIfDone(entry);
    return true;
  }

  iopub(message: Message): boolean {
    const entry = this.entryFor(message);
    if (!entry) return false;
    entry.iopub.push(message);
    if (message.header.msg_type === "status" && message.content.execution_state === "idle") entry.idle = true;
    this.settleIfDone(entry);
    return true;
  }

  failAll(reason: string): void {
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error(`${reason} while waiting for ${describeMissing(entry)}`));
    }
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private entryFor(message: Message): Entry | undefined {
    const parentId = (message.parent_header as { msg_id?: unknown }).msg_id;
    return typeof parentId === "string" ? this.entries.get(parentId) : undefined;
  }

  private settleIfDone(entry: Entry): void {
    if (!entry.reply || (entry.options.awaitIdle && !entry.idle)) return;
    clearTimeout(entry.timer);
    this.entries.delete(entry.request.header.msg_id);
    entry.resolve({ reply: entry.reply, iopub: entry.iopub });
  }
}

function describeMissing(entry: Entry): string {
  const { msg_type: type, msg_id: id } = entry.request.header;
  const missing: string[] = [];
  if (!entry.reply) missing.push(`the ${type.replace(/_request$/, "_reply")} on ${entry.channel}`);
  if (entry.options.awaitIdle && !entry.idle) missing.push("status: idle on iopub");
  return `${missing.join(" and ")} (${type} ${id}, ${entry.iopub.length} iopub message(s) so far)`;
}
