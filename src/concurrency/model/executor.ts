import { ErrorFields } from "../../protocol/content";
import { TaskInput, TaskProgram } from "./task-protocol";
import { MemoryUse, TaskTiming } from "./timing";
import { TaskOutput } from "./task-output";

export type TaskResult =
  | { status: "ok"; value: unknown }
  | { status: "error" | "crashed"; error: ErrorFields }
  | { status: "cancelled" | "abandoned" };

/**
 * Where an executor writes down what its tasks did, on the cell's shared clock. The live report
 * implements it; executors see only this, so they know nothing of how the report is drawn.
 */
export interface TaskRecorder {
  /** Milliseconds since the cell started; `at` (a `clockNs()` reading) defaults to now. */
  ms(at?: bigint): number;
  task(i: number): TaskTiming;
  update(i: number, change: Partial<TaskTiming>): void;
  /** The thread's CPU over the whole run, for tasks that share one thread. */
  threadCpu(ms: number | null): void;
  /** What the tasks held in memory so far; the recorder adds the change in the kernel's RSS. */
  memory(use: Omit<MemoryUse, "kernel_rss_delta_bytes">): void;
}

/** Everything an executor needs to run one cell's tasks. */
export interface ExecutorRun {
  tasks: TaskInput[];
  workers: number;
  fresh: boolean;
  /** Heap limit of each worker in megabytes (%%threads and %%processes only). */
  memoryMb?: number;
  /** Aborted on interrupt or --timeout. */
  signal: AbortSignal;
  tracker: TaskRecorder;
  output: TaskOutput;
  /** For executors on the kernel's thread: the body as a callable. */
  body?: (task: TaskInput & { signal: AbortSignal }) => unknown;
  /** For executors in workers: the body as a program to ship. */
  program?: TaskProgram;
}

/** One interface behind %%serial, %%async, %%threads and %%processes. */
export interface Executor {
  run(job: ExecutorRun): Promise<TaskResult[]>;
  /** Stop and release whatever the executor keeps between cells. */
  dispose(): Promise<void>;
}
