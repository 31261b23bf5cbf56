/** Reading a concurrency cell's timing report out of its iopub traffic. Pure. */
import { TimingMetadata } from "../src/concurrency/model/timing";
import { Message } from "../src/protocol/message";
import { fromColumns } from "../src/concurrency/model/task-columns";

const REPORT_TYPES = new Set(["display_data", "update_display_data"]);
const ENDED = new Set(["ok", "error", "crashed", "cancelled", "abandoned"]);

/**
 * The report as the cell left it: the last display or update carrying `metadata.timing`. iopub is
 * published in order, so the final redraw is the last one before the reply's idle status.
 */
export function finalTiming(iopub: readonly Message[]): TimingMetadata | undefined {
  for (let k = iopub.length - 1; k >= 0; k--) {
    const message = iopub[k];
    if (!REPORT_TYPES.has(message.header.msg_type)) continue;
    const timing = (message.content.metadata as { timing?: TimingMetadata } | undefined)?.timing;
    if (timing) return timing;
  }
  return undefined;
}

/** Why a report cannot be trusted as a finished run of every task, or undefined when it can. */
export function unfinishedTasks(timing: TimingMetadata): string | undefined {
  const tasks = fromColumns(timing.tasks);
  const open = tasks.filter((task) => !ENDED.has(task.status));
  if (open.length) return `the last report still has ${open.length} task(s) ${open[0].status}`;
  const failed = tasks.filter((task) => task.status !== "ok");
  if (failed.length) return `task ${failed[0].i} ended ${failed[0].status}`;
  return undefined;
}

/** How long each task held its slot (end − start), in task order; undefined for a task that never ran. */
export function taskDurations(timing: TimingMetadata): (number | undefined)[] {
  return fromColumns(timing.tasks).map((task) =>
    task.start_ms !== null && task.end_ms !== null ? task.end_ms - task.start_ms : undefined,
  );
}
