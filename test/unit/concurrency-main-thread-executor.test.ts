/** %%serial and %%async in-process: the real MainThreadExecutor with a recorder in place of the report. */
import { describe, expect, it } from "@jest/globals";
import { MainThreadExecutor } from "../../src/concurrency/executors/main-thread-executor";
import { ExecutorRun } from "../../src/concurrency/model/executor";
import { TaskInput } from "../../src/concurrency/model/task-protocol";
import { TaskOutput } from "../../src/concurrency/model/task-output";
import { deferred } from "../support/fake-interpreter";
import { CollectedOutput, RecordingTracker, taskInputs } from "../support/task-recorder";

type Body = (task: TaskInput & { signal: AbortSignal }) => unknown;

function job(body: Body, n: number, signal = new AbortController().signal) {
  const tracker = new RecordingTracker();
  const run: ExecutorRun = {
    tasks: taskInputs(Array.from({ length: n }, (_, i) => i * 10)),
    workers: 1,
    fresh: false,
    signal,
    tracker,
    output: new TaskOutput(new CollectedOutput(), false),
    body,
  };
  return { run, tracker };
}

/** A task body that waits until aborted, then fails as a cancelled task does. */
const untilAborted: Body = ({ signal }) =>
  new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));

describe("MainThreadExecutor (serial)", () => {
  const serial = new MainThreadExecutor("serial");

  it("runs one task after another, returning each value at its index with its own CPU time", async () => {
    const order: string[] = [];
    const { run, tracker } = job(async (task) => {
      order.push(`start ${task.i}`);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(`end ${task.i}`);
      return (task.item as number) + 1;
    }, 3);
    expect(await serial.run(run)).toEqual([1, 11, 21].map((value) => ({ status: "ok", value })));
    expect(order).toEqual(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2"]);
    for (let i = 1; i < 3; i++) expect(tracker.task(i).start_ms!).toBeGreaterThanOrEqual(tracker.task(i - 1).end_ms!);
    for (let i = 0; i < 3; i++) expect(tracker.task(i)).toMatchObject({ where: "main", slot: 0, status: "ok" });
    expect(tracker.task(0).cpu_ms).toEqual(expect.any(Number));
    expect(tracker.threadCpuMs).toBeUndefined();
  });

  it("gives the event loop a turn between long tasks that never await, so a live report can redraw", async () => {
    let timerRanBeforeTask = -1;
    let started = 0;
    setTimeout(() => (timerRanBeforeTask = started), 0);
    const { run } = job(() => {
      started++;
      const until = performance.now() + 120;
      while (performance.now() < until);
      return null;
    }, 3);
    await serial.run(run);
    expect(timerRanBeforeTask).toBeGreaterThan(0);
    expect(timerRanBeforeTask).toBeLessThan(3);
  });

  it("fails only the task that throws", async () => {
    const { run } = job((task) => {
      if (task.i === 1) throw new TypeError("no good");
      return task.i;
    }, 3);
    const results = await serial.run(run);
    expect(results[0]).toEqual({ status: "ok", value: 0 });
    expect(results[1]).toMatchObject({ status: "error", error: { ename: "TypeError", evalue: "no good" } });
    expect(results[2]).toEqual({ status: "ok", value: 2 });
  });

  it("on abort, cancels the running task and starts none of the rest", async () => {
    const controller = new AbortController();
    const { run, tracker } = job(untilAborted, 3, controller.signal);
    const done = serial.run(run);
    await tracker.running(0);
    controller.abort();
    expect(await done).toEqual([{ status: "cancelled" }, { status: "cancelled" }, { status: "cancelled" }]);
    expect(tracker.task(1).start_ms).toBeNull();
  });
});

describe("MainThreadExecutor (async)", () => {
  const async = new MainThreadExecutor("async");

  it("starts every task before any ends, so their waits overlap, and reports the thread's CPU for the run", async () => {
    const gate = deferred();
    const started: number[] = [];
    const { run, tracker } = job(async (task) => {
      started.push(task.i);
      await gate.promise;
      return task.i;
    }, 3);
    const done = async.run(run);
    await tracker.running(0, 1, 2);
    expect(started).toEqual([0, 1, 2]);
    gate.resolve();
    expect(await done).toEqual([0, 1, 2].map((value) => ({ status: "ok", value })));
    expect(tracker.threadCpuMs).toEqual(expect.any(Number));
    for (let i = 0; i < 3; i++) {
      expect(tracker.task(i).cpu_ms).toBeNull();
      expect(tracker.task(i).sync_ms).toEqual(expect.any(Number));
    }
  });

  it("ends a task whose body never awaits when its body returns, so its lane shows its own turn on the thread", async () => {
    const busy = (ms: number) => {
      for (const until = performance.now() + ms; performance.now() < until;);
    };
    const { run, tracker } = job(async () => busy(15), 3);
    await async.run(run);
    for (let i = 0; i < 3; i++) {
      const t = tracker.task(i);
      expect(t.end_ms! - t.start_ms!).toBeGreaterThanOrEqual(14);
      expect(t.end_ms! - t.start_ms!).toBeLessThan(t.sync_ms! + 1);
      // It held the thread the whole time, and its lane draws that as its one slice.
      expect(t.on_cpu).toEqual([[t.start_ms, t.end_ms]]);
    }
    // One after another on the one thread: each ends before the next starts, not all at the last end.
    for (let i = 1; i < 3; i++) expect(tracker.task(i - 1).end_ms!).toBeLessThanOrEqual(tracker.task(i).start_ms!);
  });

  it("ends a task that awaits when its outcome arrives, after its synchronous part", async () => {
    const gate = deferred();
    const { run, tracker } = job(async () => {
      await Promise.resolve();
      await gate.promise;
    }, 2);
    const done = async.run(run);
    await tracker.running(0, 1);
    await new Promise((resolve) => setImmediate(resolve));
    const opened = tracker.ms();
    gate.resolve();
    await done;
    for (let i = 0; i < 2; i++) {
      expect(tracker.task(i).end_ms!).toBeGreaterThanOrEqual(opened);
      expect(tracker.task(i).on_cpu).toBeUndefined();
    }
  });

  it("on abort, cancels the tasks that honour the signal and leaves the ones that cannot stop as abandoned", async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => undefined);
    const { run, tracker } = job((task) => (task.i === 1 ? never : untilAborted(task)), 3, controller.signal);
    const done = async.run(run);
    await tracker.running(0, 1, 2);
    controller.abort();
    expect(await done).toEqual([{ status: "cancelled" }, { status: "abandoned" }, { status: "cancelled" }]);
    expect(tracker.task(1).status).toBe("abandoned");
  });
});
