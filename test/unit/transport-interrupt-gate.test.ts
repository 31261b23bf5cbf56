import { describe, expect, it } from "@jest/globals";
import { runInNewContext } from "vm";
import {
  createInterruptGate,
  gateEntrySource,
  gateExitSource,
  GateState,
  gateState,
  InterruptGate,
  markBusy,
  markIdle,
  clearIdleInterrupt,
  requestInterrupt,
} from "../../src/shared/interrupt-gate";

function gateIn(state: GateState): InterruptGate {
  const gate = createInterruptGate();
  Atomics.store(gate, 0, state);
  return gate;
}

const run = (source: string, gate: InterruptGate, options: { timeout?: number } = {}) =>
  runInNewContext(source, { gate, Atomics }, options);

describe("requestInterrupt (the worker's side)", () => {
  it.each([
    [GateState.Running, "signal", GateState.Signalled],
    [GateState.Busy, "pending", GateState.Pending],
    // Nothing the core runs, but loop checks stop a stray timer's loop (runtime/loop-checks.ts).
    [GateState.Idle, "nothing", GateState.IdlePending],
    [GateState.IdlePending, "nothing", GateState.IdlePending],
    [GateState.Signalled, "nothing", GateState.Signalled],
    [GateState.Pending, "nothing", GateState.Pending],
  ] as const)("from state %i answers %s", (from, decision, to) => {
    const gate = gateIn(from);
    expect(requestInterrupt(gate)).toBe(decision);
    expect(gateState(gate)).toBe(to);
  });
});

describe("the script's side", () => {
  it("enters from Busy or Idle and leaves to Busy", () => {
    for (const from of [GateState.Busy, GateState.Idle]) {
      const gate = gateIn(from);
      expect(run(`${gateEntrySource("gate")} Atomics.load(gate, 0)`, gate)).toBe(GateState.Running);
      run(gateExitSource("gate"), gate);
      expect(gateState(gate)).toBe(GateState.Busy);
    }
  });

  it("refuses to start once an interrupt is pending", () => {
    const gate = gateIn(GateState.Pending);
    expect(() => run(gateEntrySource("gate"), gate)).toThrow("interrupted before the cell started");
  });

  it("does not leave while a signal is on its way", () => {
    // A vm timeout stands in for the SIGINT that would end the wait in a kernel.
    const gate = gateIn(GateState.Signalled);
    expect(() => run(gateExitSource("gate"), gate, { timeout: 50 })).toThrow(/timed out/);
  });

  it("an interrupt that found nothing running is cleared once the core reads it, and only then", () => {
    const gate = gateIn(GateState.IdlePending);
    clearIdleInterrupt(gate);
    expect(gateState(gate)).toBe(GateState.Idle);
    for (const state of [GateState.Busy, GateState.Pending, GateState.Running]) {
      const other = gateIn(state);
      clearIdleInterrupt(other);
      expect(gateState(other)).toBe(state);
    }
  });

  it("is reset by the core around each request", () => {
    const gate = gateIn(GateState.Signalled);
    markBusy(gate);
    expect(gateState(gate)).toBe(GateState.Busy);
    markIdle(gate);
    expect(gateState(gate)).toBe(GateState.Idle);
  });
});
