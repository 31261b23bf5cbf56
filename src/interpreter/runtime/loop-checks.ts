/**
 * What lets an interrupt stop a loop that SIGINT cannot reach. SIGINT only stops code inside a
 * `vm` script; code that resumes after an `await`, or in a timer, runs outside one, and while it
 * spins this thread cannot read the interrupt_request either. So the compiler puts a check at the
 * top of every loop body and function body in cell code (typescript/loop-checks-transform.ts),
 * which reads the interrupt gate the transport thread writes. Measured in a cell, neither costs
 * anything noticeable: a prime count, a tight sum loop and fib(32) ran as fast with checks.
 *
 * The check reads the gate without `Atomics`: in Node 20 `Atomics.load` is a call that made a
 * tight loop fifteen times slower, while a plain read of the shared array costs about a cycle, and
 * V8 does not keep typed-array reads out of a loop, so the transport thread's write is seen.
 *
 * Every thread that runs cell code defines the same names, workers with a gate nobody writes, so
 * a loop costs the same on the kernel's thread and in a worker and speedups stay honest. Where the
 * names are missing (a function's source evaluated in a Worker the notebook made itself) the
 * check's `typeof` makes it a no-op.
 */
import { InterruptGate, LOOPS_STOP_AT } from "../../transport/interrupt-gate";
import { KeyboardInterrupt, KeyboardInterruptInCell } from "./interrupt-error";

export const LOOP_GATE_NAME = "__tsck_gate";
export const LOOP_STOP_NAME = "__tsck_interrupted";

/** The statement the compiler puts first in every loop and function body, as it prints it. */
export const LOOP_CHECK_SOURCE =
  `if (typeof ${LOOP_GATE_NAME} !== "undefined" && ${LOOP_GATE_NAME}[0] >= ${LOOPS_STOP_AT}) { ${LOOP_STOP_NAME}(); }`;

let installed: InterruptGate | undefined;
let interruptHere: (error: KeyboardInterrupt) => void = () => undefined;

/**
 * Define the check's names on this thread; without a gate, one that is never written.
 * `onInterrupt` does at once what the core would do on reading the interrupt_request, which it
 * cannot read until the loop has let go of the thread.
 */
export function installLoopChecks(gate?: InterruptGate, onInterrupt?: (error: KeyboardInterrupt) => void): void {
  installed = gate ?? new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  if (onInterrupt) interruptHere = onInterrupt;
  // Not enumerable, so they stay out of the way of code that lists globals.
  for (const [name, value] of [
    [LOOP_GATE_NAME, installed],
    [LOOP_STOP_NAME, stop],
  ] as const) {
    Object.defineProperty(globalThis, name, { value, enumerable: false, writable: false, configurable: true });
  }
}

/** For the kernel's own waits that user code can call after an await, like `sleepSync`. */
export function throwIfInterrupted(): void {
  if (installed !== undefined && installed[0] >= LOOPS_STOP_AT) stop();
}

function stop(): never {
  const error = new KeyboardInterruptInCell();
  interruptHere(error);
  throw error;
}
