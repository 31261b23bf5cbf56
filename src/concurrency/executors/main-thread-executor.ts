import { Executor, ExecutorRun, TaskResult } from "../executor";
import { CpuSlices } from "./cpu-slices";
import { cellScope, currentScope } from "../../interpreter/runtime/cell-scope";
import { toErrorFields } from "../../interpreter/runtime/error-fields";
import { taskCellOutput } from "../task-output";

/**
 * %%serial and %%async: tasks run on the kernel's own thread and see notebook names directly.
 * Serial awaits each task before starting the next; async starts them all at once, so their
 * waits overlap while their CPU work takes turns on the one thread.
 */
export class MainThreadExecutor implements Executor {
  constructor(private readonly mode: "serial" | "async") {}

  async run(job: ExecutorRun): Promise<TaskResult[]> {
    const body = job.body;
    if (!body) throw new Error("the main-thread executor needs the task body as a function");
    const { tracker } = job;
    const slices = new CpuSlices(() => tracker.ms());
    const results: TaskResult[] = new Array(job.tasks.length);
    const outer = currentScope();
    const runOne = async (index: number): Promise<void> => {
      const task = job.tasks[index];
      if (job.signal.aborted) {
        results[index] = { status: "cancelled" };
        tracker.update(index, { status: "cancelled" });
        return;
      }
      tracker.update(index, { where: "main", slot: 0, start_ms: tracker.ms(), status: "running" });
      const taskOutput = outer && taskCellOutput(outer.output, job.output, task.i);
      let result: TaskResult;
      try {
        const value = await slices.runAs(task.i, () =>
          taskOutput
            ? cellScope.run({ output: taskOutput, signal: job.signal }, () => body({ ...task, signal: job.signal }))
            : body({ ...task, signal: job.signal }),
        );
        result = { status: "ok", value };
      } catch (e) {
        result = job.signal.aborted ? { status: "cancelled" } : { status: "error", error: toErrorFields(e) };
      }
      results[index] = result;
      job.output.endTask(task.i);
      tracker.update(index, {
        end_ms: tracker.ms(),
        status: result.status,
        cpu_ms: slices.cpuOf(task.i),
        on_cpu: slices.of(task.i),
      });
    };

    slices.start();
    try {
      if (this.mode === "serial") {
        for (let k = 0; k < job.tasks.length; k++) await runOne(k);
      } else {
        const all = Promise.all(job.tasks.map((_, k) => runOne(k)));
        await Promise.race([all, aborted(job.signal)]);
        // Async work cannot be stopped from outside: whatever is still pending is left behind.
        job.tasks.forEach((t, k) => {
          if (results[k] === undefined) {
            results[k] = { status: "abandoned" };
            tracker.update(k, { status: "abandoned", end_ms: tracker.ms(), on_cpu: slices.of(t.i), cpu_ms: slices.cpuOf(t.i) });
          }
        });
      }
    } finally {
      slices.stop();
    }
    return results;
  }

  async dispose(): Promise<void> {
    // Nothing is kept between cells on the kernel's own thread.
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
