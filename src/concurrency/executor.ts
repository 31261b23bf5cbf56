import { ErrorFields } from "../protocol/content";
import { TaskInput, TaskProgram } from "./task-protocol";
import { ReportTracker } from "./report-tracker";
import { TaskOutput } from "./task-output";

export type TaskResult =
  | { status: "ok"; value: unknown }
  | { status: "error" | "crashed"; error: ErrorFields }
  | { status: "cancelled" | "abandoned" };

/** Everything an executor needs to run one cell's tasks. */
export interface ExecutorRun {
  tasks: TaskInput[];
  workers: number;
  fresh: boolean;
  /** Heap limit of each worker in megabytes (%%threads and %%processes only). */
  memoryMb?: number;
  /** Aborted on interrupt or --timeout. */
  signal: AbortSignal;
  tracker: ReportTracker;
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
