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
  private readonly items: Buffer[][] = [];
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

  push(frames: Buffer[]): void {
    this.items.push(frames);
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
      const frames = this.items[this.head];
      this.head += 1;
      try {
        await this.sink.send(frames);
      } catch (error) {
        this.onSendError(error, this.label);
      }
      this.settled += 1;
      this.compact();
      this.release();
    }
    this.pumping = false;
  }

  private compact(): void {
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
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

function reportSendError(error: unknown, label: string): void {
  logTransport(`send on ${label} failed, message lost: ${error instanceof Error ? error.message : String(error)}`);
}
