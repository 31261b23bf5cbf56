/** The program goes to a worker once per cell; a short task's start rides on its end. */
import { PoolWorker } from "../../src/concurrency/pool/pool-worker";
import { tasksAhead } from "../../src/concurrency/pool/worker-pool";
import { HeldStart } from "../../src/concurrency/worker/held-start";
import { WorkerExit, WorkerHandle } from "../../src/concurrency/pool/worker-handle";
import { FromWorker, TaskProgram, ToWorker } from "../../src/concurrency/model/task-protocol";

function fakeHandle() {
  const sent: ToWorker[] = [];
  let listener: (m: FromWorker) => void = () => undefined;
  let exit!: (e: WorkerExit) => void;
  const handle: WorkerHandle = {
    limits: {},
    send: (m) => void sent.push(m),
    onMessage: (l) => void (listener = l),
    exited: new Promise<WorkerExit>((resolve) => (exit = resolve)),
    kill: async () => exit({ kind: "signal", signal: "SIGTERM" }),
  };
  return { handle, sent, reply: (m: FromWorker) => listener(m), exit: (e: WorkerExit) => exit(e) };
}

const program: TaskProgram = {
  js: "exports.body = async () => 1;",
  bodyVar: "body",
  filename: "Cell[1] task body",
  names: [],
  itemReattach: [undefined, [{ at: [], proto: { class: "Point" } }]],
};
const callbacks = { started: jest.fn(), output: jest.fn(), late: jest.fn() };
const task = (i: number) => ({ i, n: 2, id: `t${i}`, item: {} });

describe("PoolWorker", () => {
  it("sends a program once, then only its id with each task, with that task's item shape, and drops it once", async () => {
    const { handle, sent, reply } = fakeHandle();
    const worker = new PoolWorker(handle);
    const first = worker.run(task(0), 7, program, callbacks);
    const second = worker.run(task(1), 7, program, callbacks);
    // The tasks go once the caller has given all it had at that moment: together, in one message.
    expect(sent.map((m) => m.type)).toEqual(["program"]);
    await Promise.resolve();
    expect(sent.map((m) => m.type)).toEqual(["program", "run"]);
    expect(sent[0]).not.toHaveProperty("body.itemReattach");
    expect(sent[1]).toEqual({
      type: "run",
      program: 7,
      tasks: [
        { id: first.id, task: task(0) },
        { id: second.id, task: task(1), itemReattach: [{ at: [], proto: { class: "Point" } }] },
      ],
    });
    reply({ type: "done", id: first.id, value: 1, at: 5n, cpu_ms: 0.1, memory_bytes: 0, started: 4n });
    expect(callbacks.started).toHaveBeenCalledWith(4n);
    await expect(first.end).resolves.toMatchObject({ status: "ok", value: 1 });
    worker.drop(7);
    worker.drop(7);
    expect(sent.filter((m) => m.type === "drop")).toEqual([{ type: "drop", program: 7 }]);
    reply({ type: "done", id: second.id, value: 2, at: 6n, cpu_ms: null, memory_bytes: 0 });
    await expect(second.end).resolves.toMatchObject({ status: "ok", value: 2 });
  });

  it("fails the task it was running at once when the worker dies, and returns the ones it had not started", async () => {
    const { handle, exit } = fakeHandle();
    const worker = new PoolWorker(handle);
    const a = worker.run(task(0), 1, program, callbacks);
    const b = worker.run(task(1), 1, program, callbacks);
    const c = worker.run(task(0), 1, program, callbacks);
    exit({ kind: "exited", code: 1 });
    await expect(Promise.all([a.end, b.end, c.end])).resolves.toEqual([
      { status: "crashed", cause: { kind: "exited", code: 1 } },
      { status: "returned" },
      { status: "returned" },
    ]);
  });

  it("returns every task it held after the worker said it was going, and ends the one that said so", async () => {
    const { handle, exit, reply } = fakeHandle();
    const worker = new PoolWorker(handle);
    const a = worker.run(task(0), 1, program, callbacks);
    const b = worker.run(task(1), 1, program, callbacks);
    reply({ type: "exiting", id: a.id, code: 3 });
    expect(worker.alive).toBe(false);
    exit({ kind: "exited", code: 3 });
    await expect(Promise.all([a.end, b.end])).resolves.toEqual([
      { status: "crashed", cause: { kind: "process-exit", code: 3 } },
      { status: "returned" },
    ]);
  });
});

describe("tasksAhead", () => {
  it.each([
    [undefined, 0],
    [2_000_000n, 0],
    [1_000_000n, 0],
    [900_000n, 2],
    [250_000n, 4],
    [100_000n, 10],
    [5_000n, 16],
    [0n, 16],
  ])("after a task of %p ns keeps %p sent ahead: about a millisecond of work, never after a long task", (ns, n) => {
    expect(tasksAhead(ns)).toBe(n);
  });
});

describe("HeldStart", () => {
  it("posts starts while tasks are long, holds them after a short one, and lets a waiting task show", async () => {
    const posted: bigint[] = [];
    const starts = new HeldStart((m) => posted.push(m.at));
    starts.begin(1, 0n);
    expect(posted).toEqual([0n]);
    expect(starts.end(1, 0n, 5_000_000n)).toEqual({});
    starts.begin(2, 10n);
    expect(posted).toEqual([0n, 10n]);
    expect(starts.end(2, 10n, 20n)).toEqual({});
    starts.begin(3, 30n);
    expect(starts.end(3, 30n, 40n)).toEqual({ started: 30n });
    starts.begin(4, 50n);
    starts.yielded();
    await new Promise((resolve) => setImmediate(resolve));
    expect(posted).toEqual([0n, 10n, 50n]);
    expect(starts.end(4, 50n, 60n)).toEqual({});
    starts.begin(5, 70n);
    starts.release();
    expect(posted).toEqual([0n, 10n, 50n, 70n]);
  });
});
