/** The worker pool itself, over real worker threads from the built task worker: events, reuse, limits, disposal. */
import { describe, expect, it } from "@jest/globals";
import { PoolTaskEvents, WorkerPool } from "../../src/concurrency/pool/worker-pool";
import { spawnThread, WorkerHandle, WorkerLimits } from "../../src/concurrency/pool/worker-handle";
import { BUILT_TASK_WORKER } from "../support/built";
import { taskInputs, taskProgram } from "../support/task-recorder";

function pool() {
  const handles: WorkerHandle[] = [];
  const p = new WorkerPool((limits: WorkerLimits) => {
    const h = spawnThread(limits, BUILT_TASK_WORKER);
    handles.push(h);
    return h;
  });
  return { pool: p, handles };
}

function recorder() {
  const events: string[] = [];
  const ends = new Map<number, unknown>();
  const e: PoolTaskEvents = {
    queued: (i) => events.push(`queued ${i}`),
    spawned: (i) => events.push(`spawned ${i}`),
    started: (i, _where, slot) => events.push(`started ${i} on ${slot}`),
    output: (i, name, text) => events.push(`${name} ${i} ${text.trim()}`),
    ended: (i, end) => {
      events.push(`ended ${i}`);
      ends.set(i, end);
    },
    late: (i) => events.push(`late ${i}`),
  };
  return { events, ends, e };
}

const run = (tasks: unknown[], options: { workers?: number; fresh?: boolean; memoryMb?: number } = {}) => ({
  program: taskProgram(
    "async (task) => { console.log('item', task.item); await exports.sleep(20); return task.item; }",
  ),
  tasks: taskInputs(tasks),
  workers: options.workers ?? 1,
  fresh: options.fresh ?? false,
  limits: { memoryMb: options.memoryMb },
  signal: new AbortController().signal,
});

describe("WorkerPool", () => {
  it("queues every task, then runs them on its slot in order, each task's output before its end", async () => {
    const { pool: p } = pool();
    const r = recorder();
    try {
      await p.run(run(["a", "b"]), r.e);
    } finally {
      await p.dispose();
    }
    expect(r.events.filter((x) => !x.startsWith("stdout"))).toEqual([
      "queued 0",
      "queued 1",
      "spawned 0",
      "started 0 on 0",
      "ended 0",
      "started 1 on 0",
      "ended 1",
    ]);
    // A task's start may ride on a later message than its first print; its prints always precede its end.
    for (const [i, item] of ["a", "b"].entries()) {
      const printed = r.events.indexOf(`stdout ${i} item ${item}`);
      expect(printed).toBeGreaterThan(r.events.indexOf(i === 0 ? "spawned 0" : "ended 0"));
      expect(printed).toBeLessThan(r.events.indexOf(`ended ${i}`));
    }
    expect(r.ends.get(1)).toMatchObject({ status: "ok", value: "b" });
  });

  it("reuses idle workers, replaces them for a fresh run or other limits, and kills them all on dispose", async () => {
    const { pool: p, handles } = pool();
    const { e } = recorder();
    try {
      await p.run(run([1, 2], { workers: 2 }), e);
      expect(handles).toHaveLength(2);
      await p.run(run([1, 2], { workers: 2 }), e);
      expect(handles).toHaveLength(2);
      await p.run(run([1, 2], { workers: 2, fresh: true }), e);
      expect(handles).toHaveLength(4);
      await Promise.all(handles.slice(0, 2).map((h) => h.exited));
      await p.run(run([1], { memoryMb: 64 }), e);
      expect(handles).toHaveLength(5);
      expect(handles[4].limits).toEqual({ memoryMb: 64 });
      await Promise.all(handles.slice(2, 4).map((h) => h.exited));
    } finally {
      await p.dispose();
    }
    await expect(handles[4].exited).resolves.toMatchObject({ kind: "exited" });
  });

  it("sends tasks ahead after short ones; a task that ends its worker fails alone, and those sent ahead run once, elsewhere", async () => {
    let sentAhead = 0;
    let largestMessage = 0;
    const p = new WorkerPool((limits: WorkerLimits) => {
      const h = spawnThread(limits, BUILT_TASK_WORKER);
      let inFlight = 0;
      const send = h.send.bind(h);
      h.onMessage((m) => {
        if (m.type === "done" || m.type === "failed" || m.type === "exiting") inFlight--;
      });
      return {
        ...h,
        send: (m) => {
          if (m.type === "run") {
            inFlight += m.tasks.length;
            sentAhead = Math.max(sentAhead, inFlight - 1);
            largestMessage = Math.max(largestMessage, m.tasks.length);
          }
          send(m);
        },
      };
    });
    const r = recorder();
    const tasks = Array.from({ length: 30 }, (_, i) => i);
    try {
      await p.run(
        {
          ...run(tasks),
          program: taskProgram(
            "(task) => { console.log('ran', task.i); if (task.i === 20) process.exit(3); return task.i; }",
          ),
        },
        r.e,
      );
    } finally {
      await p.dispose();
    }
    expect(sentAhead).toBeGreaterThan(0);
    // Tasks of a few microseconds: several go in one message.
    expect(largestMessage).toBeGreaterThan(1);
    for (const i of tasks) {
      expect(r.events.filter((e) => e === `stdout ${i} ran ${i}`)).toHaveLength(1);
      expect(r.ends.get(i)).toEqual(
        i === 20
          ? { status: "crashed", cause: { kind: "process-exit", code: 3 } }
          : expect.objectContaining({ status: "ok", value: i }),
      );
    }
  });

  it("makes a program's task function once per worker, and says the worker's memory once per cell", async () => {
    const { pool: p } = pool();
    const { ends, e } = recorder();
    // The program's top level runs once per instantiation; each task returns that count.
    const program = {
      ...taskProgram("(task) => globalThis.programRuns"),
      js: "globalThis.programRuns = (globalThis.programRuns ?? 0) + 1;\nexports.body = (task) => globalThis.programRuns;",
    };
    const cell = (n: number) => ({ ...run([]), program, tasks: taskInputs(Array.from({ length: n }, (_, i) => i)) });
    try {
      await p.run(cell(20), e);
      const firstCell = [...ends.values()];
      expect(firstCell.map((end) => (end as { value: unknown }).value)).toEqual(Array(20).fill(1));
      // Read at most every 25 ms and sent only when it changed: far fewer figures than tasks.
      const memory = () => [...ends.values()].map((end) => (end as { memory_bytes?: number }).memory_bytes);
      expect(memory()[0]).toBeGreaterThan(0);
      expect(memory().filter((m) => m !== undefined).length).toBeLessThan(10);
      ends.clear();
      // A new cell is a new program: compiled anew, and its first task says the memory again.
      await p.run(cell(3), e);
      expect([...ends.values()].map((end) => (end as { value: unknown }).value)).toEqual([2, 2, 2]);
      expect(memory()[0]).toBeGreaterThan(0);
    } finally {
      await p.dispose();
    }
  });
});
