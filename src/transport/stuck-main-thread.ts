/**
 * Notices an interrupt the main thread cannot hear. SIGINT stops synchronous cell code (vm
 * breakOnSigint), the core stops async waits once it reads the interrupt_request, and loops and
 * functions in cell code check a flag this thread raises (runtime/loop-checks.ts); but code
 * spinning after an await inside code the kernel did not compile (a library's loop) holds the
 * main thread where none of these reach. Terminating that code from here (through the inspector)
 * was tried: Node aborts the whole process when the terminated code ran inside a timer callback.
 * So all that can safely be done is to say so, where the person running the kernel sees it.
 */
import { logTransport } from "./log";

const GRACE_MS = 2000;

export class StuckMainThreadGuard {
  private readonly waiting = new Map<string, NodeJS.Timeout>();

  /** An interrupt_request was forwarded to the main thread. */
  expectReply(requestId: string): void {
    this.cancel(requestId);
    const timer = setTimeout(() => {
      this.waiting.delete(requestId);
      logTransport(
        "an interrupt has not been answered for 2 s: the cell is running code that only a kernel restart can stop " +
          "(work after an await inside code the kernel did not compile, such as a library's loop)",
      );
    }, GRACE_MS);
    timer.unref();
    this.waiting.set(requestId, timer);
  }

  /** The main thread sent a message on control answering `parentId`. */
  replied(parentId: string): void {
    this.cancel(parentId);
  }

  close(): void {
    for (const id of [...this.waiting.keys()]) this.cancel(id);
  }

  private cancel(id: string): void {
    const t = this.waiting.get(id);
    if (t) clearTimeout(t);
    this.waiting.delete(id);
  }
}
