import { getHeapStatistics } from "v8";
import { Executor, ExecutorRun, TaskResult } from "../model/executor";
import { threadCpuMs } from "../model/cpu-clock";
import { currentScope } from "../../runtime/cell-scope";
import { toErrorFields } from "../../runtime/error-fields";
import { taskCellOutput } from "../model/task-output";
import { runAsTask, TaskFaultSink } from "./main-thread-faults";

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
export class MainThreadExecutor implements Executor {
  constructor(private readonly mode: "serial" | "async") {}

  async run(job: ExecutorRun): Promise<TaskResult[]> {
    const body = job.body;
    if (!body) throw new Error("the main-thread executor needs the task body as a function");
    const { tracker } = job;
    const perTask = this.mode === "serial";
    const results: TaskResult[] = new Array(job.tasks.length);
    const outer = currentScope();
    /** Once the run is over, what its tasks left behind is stray output, no longer a task's outcome. */
    let open = true;
    const runOne = async (index: number): Promise<void> => {
      const task = job.tasks[index];
      if (job.signal.aborted) {
        results[index] = { status: "cancelled" };
        tracker.update(index, { status: "cancelled" });
        return;
      }
      tracker.update(index, { where: "main", slot: 0, start_ms: tracker.ms(), status: "running" });
      const cpu0 = perTask ? threadCpuMs() : null;
      const taskOutput = outer && taskCellOutput(outer.output, job.output, task.i);
      let ended = false;
      // One promise per task, settled by whichever comes first: the body's outcome, or a failure
      // from outside its await chain (then its body, which nothing can stop here, is left behind).
      // No race or wrapper promises: each promise costs the cell-scope hooks, 10,000 times over.
      const result = await new Promise<TaskResult>((settle) => {
        const sink: TaskFaultSink = {
          i: task.i,
          fail: (error) => {
            if (ended || !open) return false;
            settle({ status: "error", error });
            return true;
          },
        };
        const failed = (e: unknown) =>
          settle(job.signal.aborted ? { status: "cancelled" } : { status: "error", error: toErrorFields(e) });
        const run = () => {
          const from = tracker.ms();
          try {
            return body({ ...task, signal: job.signal });
          } finally {
            if (!perTask) tracker.update(index, { sync_ms: tracker.ms() - from });
          }
        };
        try {
          const value = taskOutput ? runAsTask(sink, { output: taskOutput, signal: job.signal }, run) : run();
          Promise.resolve(value).then((v) => settle({ status: "ok", value: v }), failed);
        } catch (e) {
          failed(e);
        }
      });
      ended = true;
      results[index] = result;
      job.output.endTask(task.i);
      const cpu1 = perTask ? threadCpuMs() : null;
      tracker.update(index, {
        end_ms: tracker.ms(),
        status: result.status,
        cpu_ms: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      });
    };

    const runCpu0 = perTask ? null : threadCpuMs();
    const heap0 = usedHeap();
    const heapGrowth = (units: number, grown: number) =>
      tracker.memory({ basis: "kernel-heap", units, total_bytes: Math.max(0, grown) });
    try {
      if (this.mode === "serial") {
        let most = 0;
        for (let k = 0; k < job.tasks.length; k++) {
          await runOne(k);
          most = Math.max(most, usedHeap() - heap0);
          heapGrowth(1, most);
        }
      } else {
        const all = Promise.all(job.tasks.map((_, k) => runOne(k)));
        heapGrowth(job.tasks.length, usedHeap() - heap0);
        await Promise.race([all, aborted(job.signal)]);
        // A loop check aborts the signal from inside the task it stops, just before that task
        // throws; one turn of the event loop lets it settle as cancelled rather than be left.
        if (job.signal.aborted) await new Promise((resolve) => setImmediate(resolve));
        // Async work cannot be stopped from outside: whatever is still pending is left behind.
        job.tasks.forEach((_, k) => {
          if (results[k] === undefined) {
            results[k] = { status: "abandoned" };
            tracker.update(k, { status: "abandoned", end_ms: tracker.ms() });
          }
        });
      }
    } finally {
      open = false;
      if (!perTask) {
        const runCpu1 = threadCpuMs();
        tracker.threadCpu(runCpu0 === null || runCpu1 === null ? null : runCpu1 - runCpu0);
      }
    }
    return results;
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
