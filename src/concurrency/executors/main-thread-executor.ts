import { Executor, ExecutorRun, TaskResult } from "../executor";
import { CpuSlices } from "./cpu-slices";
import { cellScope, currentScope } from "../../interpreter/runtime/cell-scope";
import { toErrorFields } from "../../interpreter/runtime/error-fields";
import { taskCellOutput } from "../task-output";
import { guardProcessExit, runAsTask, TaskFaultSink } from "./main-thread-faults";

/**
 * %%serial and %%async: tasks run on the kernel's own thread and see notebook names directly.
 * Serial awaits each task before starting the next; async starts them all at once, so their
 * waits overlap while their CPU work takes turns on the one thread.
 */
export class MainThreadExecutor implements Executor {
  constructor(private readonly mode: "serial" | "async") {
    guardProcessExit();
  }

  async run(job: ExecutorRun): Promise<TaskResult[]> {
    const body = job.body;
    if (!body) throw new Error("the main-thread executor needs the task body as a function");
    const { tracker } = job;
    const slices = new CpuSlices(() => tracker.ms());
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
      const taskOutput = outer && taskCellOutput(outer.output, job.output, task.i);
      let ended = false;
      let failFromOutside!: (result: TaskResult) => void;
      const failed = new Promise<TaskResult>((resolve) => (failFromOutside = resolve));
      const sink: TaskFaultSink = {
        i: task.i,
        fail: (error) => {
          if (ended || !open) return false;
          failFromOutside({ status: "error", error });
          return true;
        },
      };
      const settled = (async (): Promise<TaskResult> => {
        try {
          const value = await slices.runAs(task.i, () =>
            runAsTask(sink, () =>
              taskOutput
                ? cellScope.run({ output: taskOutput, signal: job.signal }, () => body({ ...task, signal: job.signal }))
                : body({ ...task, signal: job.signal }),
            ),
          );
          return { status: "ok", value };
        } catch (e) {
          return job.signal.aborted ? { status: "cancelled" } : { status: "error", error: toErrorFields(e) };
        }
      })();
      // A task failed from outside its await chain ends now; its body, which nothing can stop here, is left behind.
      const result = await Promise.race([failed, settled]);
      ended = true;
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
        // A loop check aborts the signal from inside the task it stops, just before that task
        // throws; one turn of the event loop lets it settle as cancelled rather than be left.
        if (job.signal.aborted) await new Promise((resolve) => setImmediate(resolve));
        // Async work cannot be stopped from outside: whatever is still pending is left behind.
        job.tasks.forEach((t, k) => {
          if (results[k] === undefined) {
            results[k] = { status: "abandoned" };
            tracker.update(k, { status: "abandoned", end_ms: tracker.ms(), on_cpu: slices.of(t.i), cpu_ms: slices.cpuOf(t.i) });
          }
        });
      }
    } finally {
      open = false;
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
