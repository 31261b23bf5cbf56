import { IopubContents, IopubType } from "../protocol/content";
import { Envelope, Header } from "../protocol/message";
import { Identity, newMessage } from "../protocol/build";

/** Flush buffered stream text at least this often, even while a cell blocks the thread. */
const STREAM_FLUSH_MS = 30;
/** …and whenever this much text has piled up. */
const STREAM_FLUSH_BYTES = 64 * 1024;

interface PendingStream {
  parent: Header;
  name: "stdout" | "stderr";
  chunks: string[];
  size: number;
  since: number;
}

/**
 * The one way onto iopub. Stream text is coalesced per (parent, stream) and always flushed before
 * any other message, so clients see output in the order the cell produced it, and `idle` is never
 * overtaken by output that was produced before it.
 */
export class IopubPublisher {
  private pending: PendingStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStreamAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly identity: Identity,
    private readonly kernelId: string,
    private readonly send: (envelope: Envelope<unknown>) => void,
  ) {}

  publish<T extends IopubType>(
    parent: Header | undefined,
    msgType: T,
    content: IopubContents[T],
    metadata: Record<string, unknown> = {},
  ): void {
    this.flush();
    this.sendNow(parent, msgType, content, metadata);
  }

  stream(parent: Header, name: "stdout" | "stderr", text: string): void {
    if (text.length === 0) return;
    const p = this.pending;
    if (p && (p.parent.msg_id !== parent.msg_id || p.name !== name)) this.flush();
    const now = performance.now();
    // The first write after a quiet spell goes out at once: the cell may be about to block the
    // thread (a long loop, sleepSync), and then no timer could send it. Bursts still coalesce.
    if (!this.pending && now - this.lastStreamAt >= STREAM_FLUSH_MS) {
      this.lastStreamAt = now;
      this.sendNow(parent, "stream", { name, text }, {});
      return;
    }
    this.pending ??= { parent, name, chunks: [], size: 0, since: now };
    this.pending.chunks.push(text);
    this.pending.size += text.length;
    if (this.pending.size >= STREAM_FLUSH_BYTES || now - this.pending.since >= STREAM_FLUSH_MS) {
      this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), STREAM_FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.lastStreamAt = performance.now();
    this.sendNow(p.parent, "stream", { name: p.name, text: p.chunks.join("") }, {});
  }

  private sendNow(parent: Header | undefined, msgType: string, content: unknown, metadata: Record<string, unknown>) {
    const message = newMessage(this.identity, msgType, content, parent ?? {}, metadata);
    this.send({ identities: [Buffer.from(`kernel.${this.kernelId}.${msgType}`)], message });
  }
}
