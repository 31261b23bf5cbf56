/**
 * Decides what the timeline shows: one lane per task, or past MAX_TASK_LANES tasks one lane per
 * worker slot with its tasks as segments. Renderers only draw what this returns.
 */
import { TimingReport } from "../model/timing";
import { axisEnd } from "./format";
import { Layout, MAX_TASK_LANES, taskLane } from "./lanes";
import { slotLanes } from "./slots";

/** The latest time anything in the report reaches. */
function lastTime(report: TimingReport): number {
  let last = report.wall_ms;
  for (const t of report.tasks) {
    last = Math.max(last, t.queued_ms, t.start_ms ?? 0, t.end_ms ?? 0);
    for (const [, to] of t.on_cpu ?? []) last = Math.max(last, to);
  }
  return last;
}

export function layoutReport(report: TimingReport): Layout {
  const end = axisEnd(lastTime(report));
  // Trackers keep tasks in order; copying and sorting 10,000 on every redraw was garbage for nothing.
  const inOrder = report.tasks.every((t, k) => k === 0 || report.tasks[k - 1].i <= t.i);
  const tasks = inOrder ? report.tasks : [...report.tasks].sort((a, b) => a.i - b.i);
  const perSlot = tasks.length > MAX_TASK_LANES;
  const lanes = perSlot ? slotLanes(report, tasks, end) : tasks.map((t) => taskLane(report, t));
  return { perSlot, end, wall: report.wall_ms, lanes };
}
