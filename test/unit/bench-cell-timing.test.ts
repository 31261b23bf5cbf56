import { finalTiming, taskDurations, unfinishedTasks } from "../../bench/cell-timing";
import { TaskStatus, TimingMetadata } from "../../src/concurrency/model/timing";
import { toColumns } from "../../src/concurrency/model/task-columns";
import { Message } from "../../src/protocol/message";

function message(msgType: string, content: Record<string, unknown>): Message {
  const header = { msg_id: "m", session: "s", username: "u", date: "", msg_type: msgType, version: "5.3" };
  return { header, parent_header: {}, metadata: {}, content, buffers: [] };
}

function timing(wallMs: number, statuses: TaskStatus[]): TimingMetadata {
  return {
    executor: "threads",
    wall_ms: wallMs,
    cpu_ms: null,
    tasks: toColumns(
      statuses.map((status, i) => ({
        i,
        where: "thread 1",
        queued_ms: 0,
        start_ms: status === "queued" ? null : 10 * i,
        end_ms: status === "queued" || status === "running" ? null : 10 * i + 5,
        cpu_ms: null,
        startup_ms: null,
        status,
      })),
    ),
  };
}

const report = (type: string, t: TimingMetadata) => message(type, { data: {}, metadata: { timing: t }, transient: {} });

describe("finalTiming", () => {
  it("takes the last report before the cell ended, skipping other messages", () => {
    const iopub = [
      message("status", { execution_state: "busy" }),
      report("display_data", timing(0, ["queued"])),
      report("update_display_data", timing(50, ["ok"])),
      message("execute_result", { data: { "text/plain": "[ 0 ]" }, metadata: {} }),
      message("display_data", { data: { "text/plain": "x" }, metadata: {} }),
      message("status", { execution_state: "idle" }),
    ];
    expect(finalTiming(iopub)?.wall_ms).toBe(50);
  });

  it("finds nothing in a cell without a report (--quiet)", () => {
    expect(finalTiming([message("execute_result", { data: {}, metadata: {} })])).toBeUndefined();
  });
});

describe("unfinishedTasks", () => {
  it("accepts a report whose tasks all ended ok", () => {
    expect(unfinishedTasks(timing(50, ["ok", "ok"]))).toBeUndefined();
  });

  it("names tasks still open, then tasks that failed", () => {
    expect(unfinishedTasks(timing(50, ["ok", "running", "queued"]))).toBe(
      "the last report still has 2 task(s) running",
    );
    expect(unfinishedTasks(timing(50, ["ok", "crashed"]))).toBe("task 1 ended crashed");
  });
});

describe("taskDurations", () => {
  it("gives end − start per task, and nothing for a task that never ran", () => {
    expect(taskDurations(timing(50, ["ok", "ok", "queued"]))).toEqual([5, 5, undefined]);
  });
});
