/**
 * The live report's tracker: its first drawing is not part of the cell's wall time, and a report
 * it draws again shows the tasks as they moved.
 */
import { describe, expect, it } from "@jest/globals";
import { ReportTracker, ReportView } from "../../src/interpreter/magics/report-tracker";
import { TimingReport } from "../../src/concurrency/model/timing";

/** A view whose first drawing keeps the thread busy for `firstDrawMs`, as a large report's does. */
class SlowFirstDraw implements ReportView {
  readonly walls: number[] = [];

  constructor(private readonly firstDrawMs: number) {}

  show(report: TimingReport): void {
    this.walls.push(report.wall_ms);
    if (this.walls.length > 1) return;
    const until = performance.now() + this.firstDrawMs;
    while (performance.now() < until) {
      // Busy, like rendering: the clock runs on while the thread draws.
    }
  }
}

const INIT = { executor: "threads" as const, title: "%%threads -n 2", cores: 2, workers: 2, tasks: 2 };

describe("ReportTracker", () => {
  it("starts the cell's clock after the first drawing, so the drawing is not in the wall time", () => {
    const view = new SlowFirstDraw(50);
    const tracker = new ReportTracker(view, INIT);
    tracker.start();
    expect(view.walls).toHaveLength(1);
    // The 50 ms drawing is behind the clock's start: what follows is timed from after it.
    expect(tracker.ms()).toBeLessThan(25);
    const final = tracker.finish();
    expect(final.wall_ms).toBeLessThan(25);
    expect(view.walls).toHaveLength(2);
  });

  it("times tasks from the same start as the wall", () => {
    const view = new SlowFirstDraw(30);
    const tracker = new ReportTracker(view, INIT);
    tracker.start();
    tracker.update(0, { start_ms: tracker.ms(), status: "running" });
    tracker.update(0, { end_ms: tracker.ms(), status: "ok", cpu_ms: 0 });
    const final = tracker.finish();
    expect(final.tasks[0].start_ms!).toBeLessThan(15);
    expect(final.tasks[0].end_ms!).toBeLessThanOrEqual(final.wall_ms);
  });

  it("with no view (--quiet) draws nothing and still times the cell", () => {
    const tracker = new ReportTracker(undefined, INIT);
    tracker.start();
    expect(tracker.finish()).toMatchObject({ finished: true });
  });
});
