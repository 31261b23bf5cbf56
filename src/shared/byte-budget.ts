/**
 * Back-pressure between two threads: the bytes one thread has handed to the other and the other has
 * not yet dealt with, kept in one shared Int32 cell.
 *
 * A cell's `for (…) console.log(i)` never yields, so nothing asynchronous (a promise, a 'drain'
 * event) can ever slow it down; without this, everything it prints piles up in a message queue
 * between threads for as long as the consumer is behind. Blocking the producer's thread briefly
 * with Atomics.wait is the one brake that works on synchronous code.
 *
 * The producer charges each message before handing it over and the consumer refunds the same
 * amount once it is done with it. Each budget has exactly one producer thread.
 */

/** Shared between threads: pass it in workerData or a message, never copy the number out. */
export type ByteBudget = Int32Array;

export interface BudgetLimits {
  /** Above this many outstanding bytes the producer stops… */
  high: number;
  /** …until the consumer has brought them down to this. */
  low: number;
  /**
   * A consumer that has made no progress for this long is taken to be gone or stuck elsewhere:
   * the producer carries on rather than hang the thread for good, and memory grows as before.
   */
  stallMs: number;
}

/** Keeps the Int32 cell far from overflow whatever one message weighs; the refund uses the same figure. */
const MAX_CHARGE = 1 << 28;
/** Wakes the producer now and then, so a stalled consumer is noticed without a notify. */
const POLL_MS = 100;

export function createByteBudget(): ByteBudget {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

export function outstanding(budget: ByteBudget): number {
  return Atomics.load(budget, 0);
}

/**
 * Producer side: waits while the consumer is too far behind, then charges `bytes`. Returns the
 * amount charged, which the consumer must hand back to `refund` exactly.
 */
export function charge(budget: ByteBudget, bytes: number, limits: BudgetLimits): number {
  let owed = Atomics.load(budget, 0);
  if (owed > limits.high) {
    let progressAt = Date.now();
    while (owed > limits.low) {
      Atomics.wait(budget, 0, owed, POLL_MS);
      const current = Atomics.load(budget, 0);
      if (current < owed) progressAt = Date.now();
      else if (Date.now() - progressAt >= limits.stallMs) break;
      owed = current;
    }
  }
  const amount = chargeFor(bytes);
  Atomics.add(budget, 0, amount);
  return amount;
}

/** What `charge` takes for a message of `bytes`, for a consumer that works it out on its own side. */
export function chargeFor(bytes: number): number {
  return Math.min(Math.max(0, Math.ceil(bytes)), MAX_CHARGE);
}

/** Consumer side: `amount` bytes have been dealt with. Wakes a waiting producer. */
export function refund(budget: ByteBudget, amount: number): void {
  if (amount <= 0) return;
  Atomics.sub(budget, 0, amount);
  Atomics.notify(budget, 0);
}
