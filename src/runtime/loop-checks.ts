/**
 * What lets an interrupt stop a loop that SIGINT cannot reach. SIGINT only stops code inside a
 * `vm` script; code that resumes after an `await`, or in a timer, runs outside one, and while it
 * spins this thread cannot read the interrupt_request either. So the compiler puts a check at the
 * top of every loop body and function body in cell code (typescript/loop-checks-transform.ts).
 *
 * The check reads one global boolean, `false` until an interrupt. V8 treats a global that has
 * never changed as a constant and compiles it out of optimised code, with a dependency that
 * deoptimises that code when the global changes: so the check costs nothing where it matters
 * (a 1e8-iteration loop: 73 ms with it, 72 ms without), where the earlier check, a read of the
 * shared interrupt gate, made the same loop 1.4–2.4× slower (issue #14). The transport thread
 * raises the flag through the inspector (transport/main-thread-nudge.ts), which runs it on this
 * thread at the loop's next interrupt point, even while the loop spins; the loop's frame then
 * deoptimises, reads `true`, and throws a catchable KeyboardInterrupt at the line it was on.
 *
 * Lowering the flag deletes and re-creates it: a global assigned twice is no longer a constant to
 * V8 (the same loop stayed 2.3× slower after a plain `= true; = false`), a re-created one is.
 *
 * Every thread that runs cell code defines the same names; in workers nothing raises the flag, so
 * the checks cost nothing there either. Where the names are missing (a function's source evaluated
 * in a Worker the notebook made itself) the check's `typeof` makes it a no-op.
 */
import { InterruptGate, LOOPS_STOP_AT, RAISE_LOOP_STOP } from "../shared/interrupt-gate";
import { KeyboardInterrupt, KeyboardInterruptInCell } from "../shared/interrupt-error";

export const LOOP_FLAG_NAME = "__tsck_stop";
export const LOOP_STOP_NAME = "__tsck_interrupted";

/** The statement the compiler puts first in every loop and function body, as it prints it. */
export const LOOP_CHECK_SOURCE = `if (typeof ${LOOP_FLAG_NAME} !== "undefined" && ${LOOP_FLAG_NAME}) { ${LOOP_STOP_NAME}(); }`;

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
  define(LOOP_STOP_NAME, checkpoint, false);
  define(RAISE_LOOP_STOP, raise, false);
  lower();
}

/**
 * What an interrupt that a loop check catches does at once on this thread (the cell runner stops
 * its running cells), since the core cannot read the interrupt_request until the loop lets go.
 */
export function onLoopInterrupt(handler: (error: KeyboardInterrupt) => void): void {
  interruptHere = handler;
}

/** For the kernel's own waits that user code can call after an await, like `sleepSync`. */
export function throwIfInterrupted(): void {
  if (installed !== undefined && installed[0] >= LOOPS_STOP_AT) stop();
}

/** What the transport thread runs here, through the inspector, when it has marked the gate. */
function raise(): void {
  define(LOOP_FLAG_NAME, true, true);
}

function lower(): void {
  delete (globalThis as Record<string, unknown>)[LOOP_FLAG_NAME];
  define(LOOP_FLAG_NAME, false, true);
}

/** A check found the flag raised; the gate says whether the interrupt is still wanted. */
function checkpoint(): void {
  lower();
  throwIfInterrupted();
}

function define(name: string | symbol, value: unknown, writable: boolean): void {
  Object.defineProperty(globalThis, name, { value, enumerable: false, writable, configurable: true });
}

function stop(): never {
  const error = new KeyboardInterruptInCell();
  interruptHere(error);
  throw error;
}
