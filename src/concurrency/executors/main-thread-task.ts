import { ErrorFields } from "../../protocol/content";
import { CellOutput } from "../../protocol/interpreter-contract";
import { CellScope, cellScope, TaskFaultSink } from "../../runtime/cell-scope";
import { toErrorFields } from "../../runtime/error-fields";
import { ExecutorRun, TaskResult } from "../model/executor";
import { threadCpuMs } from "../model/cpu-clock";
import { taskCellOutput } from "../model/task-output";

/** What every task of one %%serial or %%async run shares. */
export interface MainThreadRun {
  readonly job: ExecutorRun;
  /** The cell's scope around the run; without one (a test), tasks run outside any scope. */
  readonly outer: CellScope | undefined;
  /** %%serial: each task has the thread to itself, so its CPU time is its own. */
  readonly perTask: boolean;
  readonly results: TaskResult[];
  /** Once the run is over, what its tasks left behind is stray output, no longer a task's outcome. */
  open: boolean;
  /**
   * True from the moment tasks start until a microtask queued after the synchronous start has run.
   * A body whose outcome arrives before then had settled when it returned (see `settledOnReturn`).
   */
  starting: boolean;
  /** Milliseconds on the report's clock, from performance.now(): no BigInt per reading. */
  now(): number;
  /** Called once per task, when it has ended one way or another. */
  ended(): void;
}

/**
 * One %%serial or %%async task on the kernel's thread, as one object: it is the task's cell scope
 * (what it prints goes through it, and it is where failures of work the task started go), and its
 * outcome callbacks. An async function, promises and closures per task held ~3.8 kB of heap per
 * pending task (~1.5 kB this way, most of it now the body's own await and sleep), and 10,000
 * pending tasks spent most of their start in the garbage collector (issue #16).
 */
export class MainThreadTask implements CellScope, TaskFaultSink {
  readonly i: number;
  private done = false;
  private startedAt = 0;
  private returnedAt = 0;
  private cpu0: number | null = null;
  private taskOutput: CellOutput | undefined;

  constructor(
    private readonly run: MainThreadRun,
    private readonly index: number,
  ) {
    this.i = run.job.tasks[index].i;
  }

  /** Made on first print: most tasks never print, and need no output of their own. */
  get output(): CellOutput {
    this.taskOutput ??= taskCellOutput(this.run.outer!.output, this.run.job.output, this.i);
    return this.taskOutput;
  }

  get signal(): AbortSignal {
    return this.run.job.signal;
  }

  get task(): TaskFaultSink {
    return this;
  }

  /** Runs the body up to its first await; what follows settles the task through `then`. */
  start(): void {
    const { job, outer, perTask } = this.run;
    if (job.signal.aborted) return this.end({ status: "cancelled" }, null);
    this.startedAt = this.run.now();
    job.tracker.update(this.index, { where: "main", slot: 0, start_ms: this.startedAt, status: "running" });
    this.cpu0 = perTask ? threadCpuMs() : null;
    let value: unknown;
    try {
      value = outer ? cellScope.run(this, callBody, this) : this.callBody();
    } catch (e) {
      this.returned();
      return this.failed(e, true);
    }
    this.returned();
    Promise.resolve(value).then(
      (v) => this.end({ status: "ok", value: v }, this.run.starting),
      (e) => this.failed(e, this.run.starting),
    );
  }

  /** The body, given its task and the signal it may honour to stop early. */
  callBody(): unknown {
    const { job } = this.run;
    const t = job.tasks[this.index];
    return job.body!({ i: t.i, n: t.n, id: t.id, item: t.item, signal: job.signal });
  }

  /** A failure from outside the task's await chain; its body, which nothing can stop here, is left behind. */
  fail(error: ErrorFields): boolean {
    if (this.done || !this.run.open) return false;
    this.end({ status: "error", error }, false);
    return true;
  }

  /** The run is over and this task has not ended: it is left pending. */
  abandon(): void {
    if (this.done) return;
    this.end({ status: "abandoned" }, false);
  }

  private returned(): void {
    this.returnedAt = this.run.now();
  }

  private failed(e: unknown, settledOnReturn: boolean): void {
    const aborted = this.run.job.signal.aborted;
    this.end(aborted ? { status: "cancelled" } : { status: "error", error: toErrorFields(e) }, settledOnReturn);
  }

  /**
   * `settledOnReturn`: the body had finished when it returned, so it ended then, not when its
   * outcome is read. Under %%async the outcomes of bodies that never await are read only after
   * every task's synchronous part has run; timed then, each lane would end at the last task's end.
   * Null: the task never started.
   */
  private end(result: TaskResult, settledOnReturn: boolean | null): void {
    if (this.done) return;
    this.done = true;
    const { job, results, perTask } = this.run;
    results[this.index] = result;
    // Counted down whatever happens while it is written down: the run must not wait for ever.
    try {
      if (settledOnReturn === null) {
        job.tracker.update(this.index, { status: result.status });
      } else {
        job.output.endTask(this.i);
        const cpu1 = perTask ? threadCpuMs() : null;
        job.tracker.update(this.index, {
          end_ms: settledOnReturn ? this.returnedAt : this.run.now(),
          status: result.status,
          cpu_ms: this.cpu0 === null || cpu1 === null ? null : cpu1 - this.cpu0,
          // Read by the verdict once the run is over: written here, with the rest, not in the start loop.
          ...(perTask ? {} : { sync_ms: this.returnedAt - this.startedAt }),
          // An async task that never gave the thread back held it from start to end: its one slice
          // is known exactly, and its lane can say so. A task that awaited has untimed later slices.
          ...(settledOnReturn && !perTask ? { on_cpu: [[this.startedAt, this.returnedAt]] as [number, number][] } : {}),
        });
      }
    } finally {
      this.run.ended();
    }
  }
}

/** For cellScope.run, which passes the task on: no closure per task. */
function callBody(task: MainThreadTask): unknown {
  return task.callBody();
}
