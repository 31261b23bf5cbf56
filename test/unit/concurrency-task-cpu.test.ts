/** A pool worker's task CPU clock: one reading per task when tasks come back to back, a fresh one after a gap. */
import { describe, expect, it } from "@jest/globals";
import { taskCpuClock } from "../../src/concurrency/worker/task-cpu";
import { clockNs } from "../../src/concurrency/model/cpu-clock";

/** Burn this much of the thread's CPU, so a new reading must differ from an old one. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy on purpose: the clock under test counts CPU, not time.
  }
}

describe.each([
  ["process", false],
  ["thread", true],
] as const)("taskCpuClock (%s)", (_name, isThread) => {
  it("starts a task that follows at once from the last task's end reading, without reading again", () => {
    const clock = taskCpuClock(isThread);
    const at = clockNs();
    const end = clock.end(at);
    expect(end).not.toBeNull();
    spin(20);
    // 0.1 ms after that reading: the same figure, although the thread has run on since.
    expect(clock.start(at + 100_000n)).toBe(end);
  });

  it("reads afresh for a task that starts after a gap, so the gap's work is not the task's", () => {
    const clock = taskCpuClock(isThread);
    const at = clockNs();
    const end = clock.end(at)!;
    spin(20);
    const start = clock.start(at + 5_000_000n)!;
    expect(start - end).toBeGreaterThan(10);
  });

  it("reads afresh for a worker's first task", () => {
    const clock = taskCpuClock(isThread);
    spin(5);
    expect(clock.start(clockNs())).toBeGreaterThan(0);
  });
});
