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
  /**
   * On-CPU time of the task; null when it cannot be measured honestly ("CPU n/a"). In a pool
   * worker, of its thread or process; for tasks that follow each other at once it runs from the
   * last task's end, so it also holds the worker taking in the task (microseconds).
   */
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
  /** What the tasks held in memory, when it was measured. */
  memory?: MemoryUse;
  /** A note shown under the summary, e.g. "interrupted: 2 tasks cancelled". */
  note?: string;
  /**
   * Cores that other programs kept busy while the cell ran (the machine's busy share from
   * /proc/stat minus the kernel's own CPU and its processes' tasks), when it could be read.
   */
  others_busy_cores?: number;
}

/**
 * What the tasks held in memory, measured only where it is cheap: never by a sampling loop.
 * - "kernel-heap" (%%serial, %%async): growth of the kernel thread's V8 used heap from the cell's
 *   start to the moment all tasks had started (%%async: all pending at once; %%serial: the largest
 *   growth seen at a task's end, one task at a time), garbage not yet collected included.
 * - "thread-heap" (%%threads): each worker thread's V8 heap (total_heap_size), as the thread
 *   reported it at the end of its last task (read at most every 25 ms).
 * - "process-rss" (%%processes): each worker process's resident memory (RSS), as the process
 *   reported it at the end of its last task (read at most every 25 ms).
 */
export interface MemoryUse {
  basis: "kernel-heap" | "thread-heap" | "process-rss";
  /** How many tasks (kernel-heap) or workers (thread-heap, process-rss) the total is spread over. */
  units: number;
  total_bytes: number;
  /** The kernel process's RSS at the end minus at the start: threads this cell started show here. */
  kernel_rss_delta_bytes: number;
}

/** What one unit of a MemoryUse is: a task on the kernel thread, a worker thread or a worker process. */
export function memoryUnit(memory: MemoryUse): "task" | "thread" | "process" {
  return memory.basis === "kernel-heap" ? "task" : memory.basis === "thread-heap" ? "thread" : "process";
}

/** Per task (kernel-heap) or per worker, in bytes. */
export function memoryEach(memory: MemoryUse): number {
  return memory.units > 0 ? memory.total_bytes / memory.units : 0;
}

/**
 * The per-task timings as columns (see task-columns.ts): one object per task made `metadata.timing`
 * of a 10,000-task cell 1.4 MB; columns keep a saved notebook light.
 */
export interface TaskColumns {
  /** How many tasks; task i is entry i of every column given as an array. */
  count: number;
  where: StringColumn;
  status: StringColumn<TaskStatus>;
  queued_ms: NumberColumn;
  start_ms: NumberColumn;
  end_ms: NumberColumn;
  cpu_ms: NumberColumn;
  startup_ms: NumberColumn;
}

/** One value that every task has, or one per task. Times are rounded to 0.01 ms (0.1 ms beyond 1,000 tasks). */
export type NumberColumn = number | null | (number | null)[];
/** One value that every task has, or the distinct values and, per task, the index of its value. */
export type StringColumn<T extends string = string> = T | { values: T[]; index: number[] };

/** The raw timings stored in an output's metadata (`metadata.timing`). */
export interface TimingMetadata {
  executor: ExecutorKind;
  wall_ms: number;
  cpu_ms: number | null;
  cpu_covers?: "thread";
  memory?: MemoryUse;
  others_busy_cores?: number;
  tasks: TaskColumns;
}
