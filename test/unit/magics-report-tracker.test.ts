/** When the live report redraws: on its schedule, but not in the middle of a burst of task updates. */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { ReportTracker, ReportView } from "../../src/interpreter/magics/report-tracker";
import { TimingReport } from "../../src/concurrency/model/timing";

function tracked() {
  const shown: number[] = [];
  const view: ReportView = { show: (report: TimingReport) => void shown.push(report.wall_ms) };
  const tracker = new ReportTracker(view, { executor: "async", title: "%%async -n 3", cores: 2, workers: 3, tasks: 3 });
  return { tracker, shown };
}

/** One task update every millisecond for `ms` milliseconds, as a burst of ending timers gives. */
function stream(tracker: ReportTracker, ms: number): void {
  for (let k = 0; k < ms; k++) {
    tracker.update(k % 3, { status: "running" });
    jest.advanceTimersByTime(1);
  }
}

describe("ReportTracker's live redraws", () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("redraws once a quiet spell follows the updates, about 100 ms after the first", () => {
    const { tracker, shown } = tracked();
    tracker.update(0, { status: "running" });
    jest.advanceTimersByTime(150);
    expect(shown).toHaveLength(1);
  });

  it("holds a redraw that falls due while updates stream in until they pause", () => {
    const { tracker, shown } = tracked();
    tracker.update(0, { status: "running" });
    jest.advanceTimersByTime(90);
    stream(tracker, 60);
    expect(shown).toHaveLength(0);
    jest.advanceTimersByTime(10);
    expect(shown).toHaveLength(1);
  });

  it("still redraws within a second past due when the updates never pause", () => {
    const { tracker, shown } = tracked();
    tracker.update(0, { status: "running" });
    stream(tracker, 1200);
    expect(shown.length).toBeGreaterThanOrEqual(1);
  });
});
