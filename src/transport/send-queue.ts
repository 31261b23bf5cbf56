import { logTransport } from "./log";

/** The one thing the queue needs from a ZeroMQ socket. */
export interface FrameSink {
  send(frames: Buffer[]): Promise<void>;
}

/**
 * Sends one message at a time and waits for each send to settle. zeromq v6 allows a single
 * pending send per socket and rejects the rest with EBUSY once the socket is mute, so firing
 * sends without awaiting them silently loses output under load.
 */
export class SendQueue {
  private readonly items: { frames: Buffer[]; settled?: () => void }[] = [];
  private head = 0;
  private pumping = false;
  private pushed = 0;
  private settled = 0;
  /** Sorted by target, because targets are taken from the ever-growing `pushed` counter. */
  private readonly waiters: { target: number; resolve: () => void }[] = [];

  constructor(
    private readonly sink: FrameSink,
    /** Names the socket in diagnostics. */
    private readonly label: string,
    private readonly onSendError: (error: unknown, label: string) => void = reportSendError,
  ) {}

  /** `settled` runs once ZeroMQ has taken the message or refused it: the queue no longer holds it. */
  push(frames: Buffer[], settled?: () => void): void {
    this.items.push({ frames, settled });
    this.pushed += 1;
    if (!this.pumping) void this.pump();
  }

  /** Messages pushed but not yet handed to ZeroMQ. */
  get pending(): number {
    return this.pushed - this.settled;
  }

  /** Resolves once every message pushed before this call has been sent (or has failed and been logged). */
  drained(): Promise<void> {
    if (this.settled >= this.pushed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target: this.pushed, resolve }));
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.head < this.items.length) {
      const { frames, settled } = this.items[this.head];
      // Dropped from the list now, not at the next compaction, so its memory goes when it is sent.
      this.items[this.head] = SENT;
      this.head += 1;
      try {
        await this.sink.send(frames);
      } catch (error) {
        this.onSendError(error, this.label);
      }
      this.settled += 1;
      settled?.();
      this.compact();
      this.release();
    }
    this.pumping = false;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  private release(): void {
    while (this.waiters.length > 0 && this.waiters[0].target <= this.settled) {
      this.waiters.shift()!.resolve();
    }
  }
}

const SENT = { frames: [] as Buffer[] };

function reportSendError(error: unknown, label: string): void {
  logTransport(`send on ${label} failed, message lost: ${error instanceof Error ? error.message : String(error)}`);
}
