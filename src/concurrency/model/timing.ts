/**
 * What a concurrency magic measured, as a plain value. Executors fill it in while tasks run;
 * `report/` renders it (pure: this value in, a MIME bundle out). All times are milliseconds on
 * one clock (process.hrtime.bigint() on the kernel side), relative to the start of the cell.
 */

export type ExecutorKind = "serial" | "async" | "threads" | "processes";

export type TaskStatus =
  | "queued"
  | "running"
  | "ok"
  | "error"
  /** Its worker crashed or exited while it ran. */
  | "crashed"
  /** Stopped by an interrupt or by --timeout. */
  | "cancelled"
  /** An async task still pending when the cell was interrupted: it cannot be stopped, only left. */
  | "abandoned";

export interface TaskTiming {
  i: number;
  /** Where it ran: "main", "thread 3" (threadId), "pid 12345". */
  where: string;
  /** Which executor slot ran it (0-based); tasks on one slot share a lane when lanes are per worker. */
  slot: number;
  queued_ms: number;
  start_ms: number | null;
  end_ms: number | null;
  /** On-CPU time of the task; null when it cannot be measured honestly ("CPU n/a"). */
  cpu_ms: number | null;
  /** Time to start the worker that was spawned for this task, if one was. It precedes start_ms. */
  startup_ms: number | null;
  status: TaskStatus;
  /** Intervals [from, to] the task held the CPU (for %%async: its slices of the one JS thread). */
  on_cpu?: [number, number][];
  /**
   * %%async: how long the task's synchronous part, up to its first await, held the one thread.
   * Its later callbacks are not timed (that costs every await), so this is a lower bound.
   */
  sync_ms?: number;
}

export interface TimingReport {
  executor: ExecutorKind;
  /** One line the user recognises, e.g. "%%threads -n 4". */
  title: string;
  /** Number of cores this kernel may use (cgroup-aware). */
  cores: number;
  /** Pool size: how many tasks could run at once. */
  workers: number;
  /** Cell wall time so far (or in total once finished). */
  wall_ms: number;
  /** CPU time of all tasks together; null if any task's CPU is unknown. */
  cpu_ms: number | null;
  /**
   * "thread" when cpu_ms is the kernel thread's CPU over the whole run (%%async: its tasks share
   * the thread, and per-task figures cost too much to take), so it also holds the kernel's own work.
   */
  cpu_covers?: "thread";
  tasks: TaskTiming[];
  finished: boolean;
  /** Wall time of the last %%serial run of the same body, when there was one. */
  serial_wall_ms?: number;
  /** A note shown under the summary, e.g. "interrupted: 2 tasks cancelled". */
  note?: string;
}

/** The raw timings stored in an output's metadata (`metadata.timing`). */
export interface TimingMetadata {
  executor: ExecutorKind;
  wall_ms: number;
  cpu_ms: number | null;
  cpu_covers?: "thread";
  tasks: Pick<TaskTiming, "i" | "where" | "queued_ms" | "start_ms" | "end_ms" | "cpu_ms" | "startup_ms" | "status">[];
}
