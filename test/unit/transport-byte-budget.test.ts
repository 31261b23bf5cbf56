import { describe, expect, it } from "@jest/globals";
import { Worker } from "worker_threads";
import { charge, chargeFor, createByteBudget, outstanding, refund } from "../../src/shared/byte-budget";

const LIMITS = { high: 1000, low: 400, stallMs: 10_000 };

/** A consumer on another thread: refunds `amount` in `steps` after `delayMs`, recording when. */
function consumer(budget: Int32Array, amount: number, steps: number, delayMs: number) {
  const refunded = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData: { budget, refunded, amount, steps, delayMs } } = require("worker_threads");
     const wait = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
     wait(delayMs);
     for (let k = 0; k < steps; k++) {
       wait(20);
       Atomics.add(refunded, 0, amount / steps);
       Atomics.sub(budget, 0, amount / steps);
       Atomics.notify(budget, 0);
     }`,
    { eval: true, workerData: { budget, refunded, amount, steps, delayMs } },
  );
  return { refunded, exited: new Promise((resolve) => worker.once("exit", resolve)) };
}

describe("byte budget", () => {
  it("charges and refunds the same amount", () => {
    const budget = createByteBudget();
    const a = charge(budget, 300, LIMITS);
    const b = charge(budget, 200.4, LIMITS);
    expect([a, b]).toEqual([300, 201]);
    expect(outstanding(budget)).toBe(501);
    refund(budget, a);
    refund(budget, b);
    expect(outstanding(budget)).toBe(0);
    expect(chargeFor(2 ** 40)).toBeLessThan(2 ** 31);
  });

  it("lets the producer run on while the consumer keeps up", () => {
    const budget = createByteBudget();
    for (let k = 0; k < 10; k++) charge(budget, 100, LIMITS);
    expect(outstanding(budget)).toBe(1000);
  });

  it("holds the producer above the high mark until another thread has brought it down to the low one", async () => {
    const budget = createByteBudget();
    charge(budget, 1200, LIMITS);
    const { refunded, exited } = consumer(budget, 1200, 4, 100);
    charge(budget, 50, LIMITS);
    // Released only once outstanding fell to 400 or less: at least two of four steps of 300.
    expect(Atomics.load(refunded, 0)).toBeGreaterThanOrEqual(600);
    await exited;
    expect(outstanding(budget)).toBe(50);
  });

  it("gives up waiting on a consumer that makes no progress", () => {
    const budget = createByteBudget();
    charge(budget, 5000, LIMITS);
    const started = Date.now();
    charge(budget, 1, { ...LIMITS, stallMs: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(outstanding(budget)).toBe(5001);
  });
});
