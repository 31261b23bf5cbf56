/**
 * When the transport worker may raise SIGINT for an `interrupt_request`.
 *
 * A signal is only safe while a `vm` script with `breakOnSigint` is actually running. Node takes
 * the process's SIGINT listeners away just before such a script starts and gives them back just
 * after it ends; a signal landing in either gap gets the default action and kills the kernel, and
 * one landing as the watchdog is armed can be lost, leaving the cell spinning. Interrupting right
 * after an execute_request (what every "stop this loop" test does) hits those gaps readily.
 *
 * The gate is one shared Int32 cell that the worker and the main thread move through the states
 * below with compare-and-swap, so the worker signals only a script that cannot leave before the
 * signal lands, and an interrupt that arrives before the script starts is kept for it.
 */

export const GateState = {
  /** Nothing to interrupt; an interrupt_request is only forwarded. */
  Idle: 0,
  /** The core is handling a request, but no interruptible script is running. */
  Busy: 1,
  /** Inside a breakOnSigint script: the worker may signal. */
  Running: 2,
  /** The worker has raised SIGINT; the script must not leave until it lands. */
  Signalled: 3,
  /**
   * Interrupted while busy outside a script; the next script entry throws at once, and so does
   * the next loop iteration of cell code (see runtime/loop-checks.ts).
   */
  Pending: 4,
  /**
   * Interrupted while no request ran. Only loop checks act on it, stopping a loop that a stray
   * timer of an earlier cell spins; the core sets it back to Idle when it reads the request.
   */
  IdlePending: 5,
} as const;

/** States at or above this one ask loop checks in cell code to throw. */
export const LOOPS_STOP_AT = GateState.Pending;

/**
 * The global function, on the thread that runs cells, that raises the flag its loop checks read
 * (runtime/loop-checks.ts); the transport calls it there once it has set one of those states.
 */
export const RAISE_LOOP_STOP = Symbol.for("ts-concurrency-kernel.raise-loop-stop");

export type GateState = (typeof GateState)[keyof typeof GateState];

/** Shared between threads; pass it to `startKernelTransport` and to the code that runs cells. */
export type InterruptGate = Int32Array;

export function createInterruptGate(): InterruptGate {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

export function gateState(gate: InterruptGate): GateState {
  return Atomics.load(gate, 0) as GateState;
}

/** Main thread, around a request: Busy when it starts, Idle when its reply has gone. */
export function markBusy(gate: InterruptGate): void {
  Atomics.store(gate, 0, GateState.Busy);
}

export function markIdle(gate: InterruptGate): void {
  Atomics.store(gate, 0, GateState.Idle);
}

/** Main thread, on reading an interrupt_request that found nothing running. */
export function clearIdleInterrupt(gate: InterruptGate): void {
  Atomics.compareExchange(gate, 0, GateState.IdlePending, GateState.Idle);
}

/** Worker side: what to do about an interrupt_request that just arrived. */
export function requestInterrupt(gate: InterruptGate): "signal" | "pending" | "nothing" {
  for (;;) {
    const state = Atomics.load(gate, 0);
    if (state === GateState.Running) {
      if (Atomics.compareExchange(gate, 0, GateState.Running, GateState.Signalled) === GateState.Running)
        return "signal";
    } else if (state === GateState.Busy) {
      if (Atomics.compareExchange(gate, 0, GateState.Busy, GateState.Pending) === GateState.Busy) return "pending";
    } else if (state === GateState.Idle) {
      if (Atomics.compareExchange(gate, 0, GateState.Idle, GateState.IdlePending) === GateState.Idle) return "nothing";
    } else {
      return "nothing";
    }
    // The main thread moved between the load and the swap; look again.
  }
}

/**
 * JavaScript to run first inside the breakOnSigint script, where `gate` is an expression naming
 * the gate in the script's scope. It must run inside the script: marking Running any earlier
 * would invite a signal before Node is ready for it.
 */
export function gateEntrySource(
  gate: string,
  interrupted = 'new Error("interrupted before the cell started")',
): string {
  return (
    `if (Atomics.compareExchange(${gate}, 0, ${GateState.Busy}, ${GateState.Running}) === ${GateState.Pending} || ` +
    `Atomics.compareExchange(${gate}, 0, ${GateState.Idle}, ${GateState.Running}) === ${GateState.Pending}) ` +
    `throw ${interrupted};`
  );
}

/**
 * JavaScript for a `finally` at the end of the script's synchronous part. If a signal is already
 * on its way, the script waits for it here, where it is caught as an interruption, instead of
 * leaving and letting it strike after Node has restored the default action.
 */
export function gateExitSource(gate: string): string {
  return (
    `if (Atomics.compareExchange(${gate}, 0, ${GateState.Running}, ${GateState.Busy}) === ${GateState.Signalled}) ` +
    `for (;;) {}`
  );
}
