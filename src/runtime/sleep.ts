/** Waiting, in cells and in worker tasks alike; kept apart from the display API so workers load fast. */
// Imported, not read from the global: Node defines `globalThis.performance` lazily, loading
// perf_hooks on first use. If that first use is inside a cell and an interrupt lands while the
// module loads, the half-loaded module stays cached and `performance` is undefined for the rest of
// the session. Loading it here, as the kernel starts, closes that window for cells too.
import { performance } from "node:perf_hooks";
import { currentScope } from "./cell-scope";
import { KeyboardInterrupt } from "../shared/interrupt-error";
import { throwIfInterrupted } from "./loop-checks";
import { whenAborted } from "./abort-waiters";

/** How long one blocking wait may last before `sleepSync` lets an interrupt in. */
const SLEEP_SLICE_MS = 50;

/** A promise that settles after `ms`, or rejects at once when the cell is interrupted. */
export function sleep(ms: number): Promise<void> {
  const signal = currentScope()?.signal;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new KeyboardInterrupt());
    const forget = signal
      ? whenAborted(signal, () => {
          clearTimeout(timer);
          reject(new KeyboardInterrupt());
        })
      : undefined;
    const timer = setTimeout(
      () => {
        forget?.();
        resolve();
      },
      Math.max(0, ms),
    );
  });
}

const blocker = new Int32Array(new SharedArrayBuffer(4));

/**
 * Block this thread, like Python's `time.sleep`: nothing else on its event loop runs meanwhile.
 * Waits in short slices so that an interrupt can stop it: SIGINT inside a script, the gate after an await.
 */
export function sleepSync(ms: number): void {
  const end = performance.now() + Math.max(0, ms);
  for (let left = end - performance.now(); left > 0; left = end - performance.now()) {
    throwIfInterrupted();
    Atomics.wait(blocker, 0, 0, Math.min(left, SLEEP_SLICE_MS));
  }
}
