/**
 * %%threads and %%processes in-process: the real PoolExecutor and pool over the built task worker,
 * with a recorder in place of the notebook's report.
 */
import { afterAll, describe, expect, it } from "@jest/globals";
import { PoolExecutor } from "../../src/concurrency/executors/pool-executor";
import { ExecutorRun } from "../../src/concurrency/model/executor";
import { TaskOutput } from "../../src/concurrency/model/task-output";
import { BUILT_TASK_WORKER } from "../support/built";
import { CollectedOutput, RecordingTracker, taskInputs, taskProgram } from "../support/task-recorder";

const executors: PoolExecutor[] = [];
afterAll(() => Promise.all(executors.map((e) => e.dispose())));

function executor(kind: "threads" | "processes"): PoolExecutor {
  const e = new PoolExecutor(kind, BUILT_TASK_WORKER);
  executors.push(e);
  return e;
}

function job(body: string, items: unknown[], options: Partial<ExecutorRun> = {}) {
  const tracker = new RecordingTracker();
  const cell = new CollectedOutput();
  const run: ExecutorRun = {
    tasks: taskInputs(items),
    workers: 2,
    fresh: false,
    signal: new AbortController().signal,
    tracker,
    output: new TaskOutput(cell, false),
    program: taskProgram(body),
    ...options,
  };
  return { run, tracker, cell };
}

describe.each(["threads", "processes"] as const)("PoolExecutor (%s)", (kind) => {
  const pool = executor(kind);
  const where = kind === "threads" ? /^thread \d+$/ : /^pid \d+$/;

  it("returns each task's value at its index, with its output and timings", async () => {
    const { run, tracker, cell } = job(
      "async (task) => { console.log('hello from', task.i); await exports.sleep(5 * (4 - task.i)); return { twice: task.item * 2 }; }",
      [10, 20, 30, 40],
    );
    const results = await pool.run(run);
    expect(results).toEqual([10, 20, 30, 40].map((x) => ({ status: "ok", value: { twice: x * 2 } })));
    for (let i = 0; i < 4; i++) {
      const t = tracker.task(i);
      expect(t).toMatchObject({ status: "ok" });
      expect(t.where).toMatch(where);
      expect([0, 1]).toContain(t.slot);
      expect(t.start_ms).not.toBeNull();
      expect(t.end_ms!).toBeGreaterThanOrEqual(t.start_ms!);
    }
    expect(new Set([0, 1, 2, 3].map((i) => tracker.task(i).where)).size).toBeLessThanOrEqual(2);
    expect(cell.text("stdout").split("\n").filter(Boolean).sort()).toEqual(
      [0, 1, 2, 3].map((i) => `[task ${i}] hello from ${i}`),
    );
  });

  it("reports a task that throws as its error, and the other tasks as they went", async () => {
    const { run } = job(
      "(task) => { if (task.i === 1) throw new RangeError('bad item ' + task.item); return task.item; }",
      ["a", "b", "c"],
    );
    const results = await pool.run(run);
    expect(results[0]).toEqual({ status: "ok", value: "a" });
    expect(results[1]).toMatchObject({ status: "error", error: { ename: "RangeError", evalue: "bad item b" } });
    expect(results[2]).toEqual({ status: "ok", value: "c" });
  });

  const crash =
    kind === "threads"
      ? { body: "process.exit(3)", message: "the task called process.exit(3), which ends its worker" }
      : {
          body: "process.kill(process.pid, 'SIGKILL')",
          // The pid is named only when the task's start reached the pool; a short task's start rides on its end.
          message: /^its worker( \(pid \d+\))? was killed by SIGKILL$/,
        };

  it("fails only the tasks of a worker that dies, with an error that says why, and replaces the worker", async () => {
    const { run, tracker } = job(`(task) => { if (task.i === 1) ${crash.body}; return task.i; }`, [0, 1, 2, 3]);
    const results = await pool.run(run);
    expect(results.map((r) => r.status)).toEqual(["ok", "crashed", "ok", "ok"]);
    const lost = results[1] as { error: { ename: string; evalue: string } };
    expect(lost.error.ename).toBe("WorkerCrashed");
    expect(lost.error.evalue).toEqual(
      typeof crash.message === "string" ? crash.message : expect.stringMatching(crash.message),
    );
    expect(tracker.task(1).status).toBe("crashed");
    const next = job("(task) => task.i", [0, 1]);
    expect((await pool.run(next.run)).map((r) => r.status)).toEqual(["ok", "ok"]);
  });

  it("cancels running tasks (killing their workers) and never starts queued ones when the signal aborts", async () => {
    const controller = new AbortController();
    const { run, tracker } = job("() => { for (;;) {} }", [0, 1, 2, 3], {
      signal: controller.signal,
      fresh: true,
    });
    const done = pool.run(run);
    await tracker.running(0, 1);
    controller.abort();
    const results = await done;
    expect(results).toEqual([0, 1, 2, 3].map(() => ({ status: "cancelled" })));
    expect(tracker.task(2).start_ms).toBeNull();
    expect(tracker.task(3).start_ms).toBeNull();
    const next = job("(task) => task.i", [0, 1]);
    expect(await pool.run(next.run)).toEqual([
      { status: "ok", value: 0 },
      { status: "ok", value: 1 },
    ]);
  });

  it("keeps its workers warm between cells, and starts new ones for a fresh cell", async () => {
    const first = job("() => 0", [0, 1], { fresh: true });
    await pool.run(first.run);
    const warm = job("() => 0", [0, 1]);
    await pool.run(warm.run);
    const fresh = job("() => 0", [0, 1], { fresh: true });
    await pool.run(fresh.run);
    const places = (t: RecordingTracker) => new Set([t.task(0).where, t.task(1).where]);
    expect(places(warm.tracker)).toEqual(places(first.tracker));
    for (const w of places(fresh.tracker)) expect(places(first.tracker).has(w)).toBe(false);
    expect([warm.tracker.task(0).startup_ms, warm.tracker.task(1).startup_ms]).toEqual([null, null]);
    expect(fresh.tracker.task(0).startup_ms).toBeGreaterThan(0);
  });
});
