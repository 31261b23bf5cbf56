import { getHeapStatistics } from "v8";
import { Executor, ExecutorRun, TaskResult } from "../model/executor";
import { threadCpuMs } from "../model/cpu-clock";
import { currentScope } from "../../runtime/cell-scope";
import { MainThreadRun, MainThreadTask } from "./main-thread-task";

/**
 * %%serial and %%async: tasks run on the kernel's own thread and see notebook names directly.
 * Serial awaits each task before starting the next; async starts them all at once, so their
 * waits overlap while their CPU work takes turns on the one thread.
 *
 * CPU is read only at boundaries. Per-callback slices (an async_hooks before/after and a read of
 * the thread's CPU clock around every callback) made 200,000 awaits 340× slower than bare Node
 * (issue #14), bending the very lesson the report is for. A serial task has the thread to itself,
 * so the thread's CPU between its start and end is its own; async tasks share the thread, so the
 * cell reports the thread's CPU over the whole run, labelled as such, and no per-task figure.
 *
 * Memory likewise: the thread's used heap is read at the start, once all async tasks have started
 * (all pending at once, the most they hold together), or at each serial task's end. No sampling loop.
 */
/** How long serial tasks may run back to back before the event loop gets a turn (the live report's rate). */
const TURN_MS = 100;

export class MainThreadExecutor implements Executor {
  constructor(private readonly mode: "serial" | "async") {}

  async run(job: ExecutorRun): Promise<TaskResult[]> {
    if (!job.body) throw new Error("the main-thread executor needs the task body as a function");
    const { tracker } = job;
    const perTask = this.mode === "serial";
    const n = job.tasks.length;
    const base = performance.now() - tracker.ms();
    let left = 0;
    let allEnded = () => {};
    const run: MainThreadRun = {
      job,
      outer: currentScope(),
      perTask,
      results: new Array<TaskResult>(n),
      open: true,
      starting: false,
      now: () => performance.now() - base,
      ended: () => {
        if (--left === 0) allEnded();
      },
    };
    const tasks = new Array<MainThreadTask>(n);
    /**
     * Starts tasks `from` to `to` (exclusive) in one synchronous turn; resolves once all of them
     * have ended. Each is made as it starts: the first starts without waiting for 9,999 others.
     */
    const startAll = (from: number, to: number): Promise<void> => {
      const ended = new Promise<void>((resolve) => (allEnded = resolve));
      left = to - from;
      if (left === 0) allEnded();
      run.starting = true;
      for (let k = from; k < to; k++) (tasks[k] = new MainThreadTask(run, k)).start();
      queueMicrotask(() => (run.starting = false));
      return ended;
    };

    const runCpu0 = perTask ? null : threadCpuMs();
    const heap0 = usedHeap();
    const heapGrowth = (units: number, grown: number) =>
      tracker.memory({ basis: "kernel-heap", units, total_bytes: Math.max(0, grown) });
    try {
      if (perTask) {
        let most = 0;
        let turnAt = performance.now();
        for (let k = 0; k < n; k++) {
          await startAll(k, k + 1);
          most = Math.max(most, usedHeap() - heap0);
          heapGrowth(1, most);
          // Bodies that never await chain through microtasks alone, so no timer would run from the
          // first task to the last: the live report would stay at "0 done" through a long CPU cell.
          // Between tasks, at most every TURN_MS, the event loop gets one turn.
          if (performance.now() - turnAt >= TURN_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            turnAt = performance.now();
          }
        }
      } else {
        const all = startAll(0, n);
        heapGrowth(n, usedHeap() - heap0);
        await Promise.race([all, aborted(job.signal)]);
        // A loop check aborts the signal from inside the task it stops, just before that task
        // throws; one turn of the event loop lets it settle as cancelled rather than be left.
        if (job.signal.aborted) await new Promise((resolve) => setImmediate(resolve));
        // Async work cannot be stopped from outside: whatever is still pending is left behind.
        tasks.forEach((task) => task.abandon());
      }
    } finally {
      run.open = false;
      if (!perTask) {
        const runCpu1 = threadCpuMs();
        tracker.threadCpu(runCpu0 === null || runCpu1 === null ? null : runCpu1 - runCpu0);
      }
    }
    return run.results;
  }

  async dispose(): Promise<void> {
    // Nothing is kept between cells on the kernel's own thread.
  }
}

function usedHeap(): number {
  return getHeapStatistics().used_heap_size;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
