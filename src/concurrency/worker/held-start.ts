import { FromWorker } from "../model/task-protocol";

/** A task shorter than this (start to end) makes the worker hold its next task's "started". */
const SHORT_NS = 1_000_000n;

type Started = Extract<FromWorker, { type: "started" }>;

/**
 * When a worker's tasks are short, a "started" message of their own costs about as much as the
 * tasks: the start then rides on the task's "done". A held task that goes on to wait shows as
 * running as soon as it yields to the event loop, and anything else the task sends (output, a
 * fault, an exit) sends the start first; only a long synchronous stretch right after short tasks
 * shows as queued until it ends, with its true start time in the final report.
 */
export class HeldStart {
  private held: Started | undefined;
  private timer: NodeJS.Immediate | undefined;
  private lastShort = false;

  constructor(private readonly post: (message: Started) => void) {}

  begin(id: number, at: bigint): void {
    const started: Started = { type: "started", id, at };
    if (this.lastShort) this.held = started;
    else this.post(started);
  }

  /** The body's synchronous part is over: if the task is still running a turn of the loop from now, say so. */
  yielded(): void {
    if (this.held && !this.timer) this.timer = setImmediate(() => this.release());
  }

  /** Send a held start now, before the task's other news. */
  release(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    if (this.held) this.post(this.held);
    this.held = undefined;
  }

  /** Task `id` ended at `at`: its start, when still held, to send with its end. */
  end(id: number, startedAt: bigint, at: bigint): { started?: bigint } {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    const held = this.held?.id === id ? this.held.at : undefined;
    this.held = undefined;
    this.lastShort = at - startedAt < SHORT_NS;
    return held === undefined ? {} : { started: held };
  }
}
