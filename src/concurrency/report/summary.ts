/**
 * The derived numbers under a timing report, and the one-line reading drawn from them. Every
 * threshold is a named constant here so the tests can pin what "CPU-bound" means.
 */
import { ExecutorKind, TaskStatus, TaskTiming, TimingReport } from "../model/timing";
import { formatMs, plural } from "./format";

/** A task at or above this share of a core is drawn solid ("█"). */
export const SOLID_SHARE = 0.75;
/** Between this and SOLID_SHARE a task was sharing a core ("▒"); below it, it mostly waited ("─"). */
export const SHARED_SHARE = 0.35;
/** Below this share of the usable cores kept busy, a run is I/O-bound. */
export const IO_BOUND_BELOW = 0.35;
/** At or above this share of the usable cores kept busy, a run is CPU-bound. */
export const CPU_BOUND_FROM = 0.75;
/**
 * %%async: below this share of the tasks' time spent on the CPU, the run waited, however busy the
 * thread looked against the wall. 10,000 overlapping 500 ms waits keep the thread ~30% busy just
 * starting and ending them, which against the wall alone read as "mixed".
 */
export const ASYNC_IO_BELOW = 0.05;
/** Start-up is worth a mention once the slowest start-up is this share of the wall time. */
export const STARTUP_NOTABLE = 0.1;

export type Shade = "cpu" | "shared" | "waiting" | "unknown";

export interface Speedup {
  value: number;
  /** serial: wall of the %%serial run / wall; cpu: Σ CPU / wall; overlap: Σ task time / wall. */
  basis: "serial" | "cpu" | "overlap";
}

export interface Efficiency {
  workers: number;
  perWorker: number;
  cores: number;
  /** Omitted when above 100 %: waiting, unlike computing, overlaps beyond the number of cores. */
  perCore: number | null;
}

export type Bound = "io" | "cpu" | "mixed" | "blocking" | "unknown";

export interface Summary {
  wall_ms: number;
  /** Σ (end − start) over started tasks; a task still running counts up to wall_ms. */
  task_ms: number;
  cpu_ms: number | null;
  /** cpu / wall: how many cores were busy on average. */
  coresBusy: number | null;
  /** How many tasks could actually run on a core at once: 1 on the main thread. */
  capacity: number;
  bound: Bound | null;
  speedup: Speedup | null;
  efficiency: Efficiency | null;
  reading: string | null;
  /** The slowest worker start-up, when any task had one. */
  maxStartup_ms: number | null;
  /** How many tasks are in each status: counted here once, read by every rendering. */
  statuses: ReadonlyMap<TaskStatus, number>;
}

export function isParallel(executor: ExecutorKind): boolean {
  return executor === "threads" || executor === "processes";
}

/** The bar's end: when it finished, or "now" for a task still running. */
export function taskEnd(task: TaskTiming, report: TimingReport): number | null {
  if (task.start_ms === null) return null;
  return task.end_ms ?? Math.max(task.start_ms, report.wall_ms);
}

/** cpu / (end − start), or null when the CPU time is unknown or the task has not run. */
export function cpuShare(task: TaskTiming, report: TimingReport): number | null {
  const end = taskEnd(task, report);
  if (task.cpu_ms === null || task.start_ms === null || end === null) return null;
  const span = end - task.start_ms;
  return span > 0 ? task.cpu_ms / span : null;
}

export function shadeOf(share: number | null): Shade {
  if (share === null) return "unknown";
  if (share >= SOLID_SHARE) return "cpu";
  return share >= SHARED_SHARE ? "shared" : "waiting";
}

/**
 * Time the tasks held the one JS thread: from a task's on-CPU slices where it has them, else at
 * least the time its synchronous part took. Null when neither is known. A lower bound only makes
 * "blocking" rarer: it needs the thread held for most of the wall time, computing little.
 */
function heldMs(tasks: TaskTiming[]): number | null {
  let held = 0;
  let known = false;
  for (const task of tasks) {
    if (task.on_cpu !== undefined) {
      for (const [from, to] of task.on_cpu) held += Math.max(0, to - from);
      known = true;
    } else if (task.sync_ms !== undefined) {
      held += task.sync_ms;
      known = true;
    }
  }
  return known ? held : null;
}

export function summarize(report: TimingReport): Summary {
  const { tasks, wall_ms: wall, cpu_ms: cpu } = report;
  // One pass over the tasks: a live report of 10,000 is summarised on every redraw.
  let task_ms = 0;
  let maxStartup_ms: number | null = null;
  const statuses = new Map<TaskStatus, number>();
  for (const task of tasks) {
    const end = taskEnd(task, report);
    if (task.start_ms !== null && end !== null) task_ms += Math.max(0, end - task.start_ms);
    if (task.startup_ms !== null) maxStartup_ms = Math.max(maxStartup_ms ?? task.startup_ms, task.startup_ms);
    statuses.set(task.status, (statuses.get(task.status) ?? 0) + 1);
  }
  const capacity = isParallel(report.executor) ? Math.max(1, Math.min(report.cores, report.workers, tasks.length)) : 1;
  const coresBusy = cpu !== null && wall > 0 ? cpu / wall : null;
  const base = { wall_ms: wall, task_ms, cpu_ms: cpu, coresBusy, capacity, maxStartup_ms, statuses };
  if (!report.finished || wall <= 0 || tasks.length === 0) {
    return { ...base, bound: null, speedup: null, efficiency: null, reading: null };
  }
  const bound = boundOf(report, coresBusy, capacity, task_ms);
  const speedup = speedupOf(report, task_ms, bound, statuses);
  const efficiency = speedup && isParallel(report.executor) ? efficiencyOf(report, speedup.value) : null;
  const reading = readingOf(report, bound, maxStartup_ms);
  return { ...base, bound, speedup, efficiency, reading };
}

function boundOf(report: TimingReport, coresBusy: number | null, capacity: number, task_ms: number): Bound {
  if (coresBusy === null || report.cpu_ms === null) return "unknown";
  // On the event loop a task that blocks (a synchronous wait) holds the thread without computing.
  const held = report.executor === "async" ? heldMs(report.tasks) : null;
  if (held !== null && held / report.wall_ms >= CPU_BOUND_FROM && report.cpu_ms / held < SHARED_SHARE) {
    return "blocking";
  }
  if (report.executor === "async" && report.cpu_ms < ASYNC_IO_BELOW * task_ms) return "io";
  const use = coresBusy / capacity;
  if (use < IO_BOUND_BELOW) return "io";
  return use >= CPU_BOUND_FROM ? "cpu" : "mixed";
}

function speedupOf(
  report: TimingReport,
  task_ms: number,
  bound: Bound,
  statuses: ReadonlyMap<TaskStatus, number>,
): Speedup | null {
  if (report.executor === "serial") return null;
  // A run where some tasks failed or were stopped did less work than the run it would be compared to.
  if ((statuses.get("ok") ?? 0) !== report.tasks.length) return null;
  const wall = report.wall_ms;
  if (report.serial_wall_ms !== undefined && report.serial_wall_ms > 0) {
    return { value: report.serial_wall_ms / wall, basis: "serial" };
  }
  // Tasks that block the one thread do not overlap at all: there is nothing to compare.
  if (bound === "blocking") return null;
  // Without a serial run, Σ CPU estimates the serial time only for work that computes; for work
  // that waits, the honest number is how much the tasks overlapped. Async tasks share one thread,
  // so their CPU over the wall is at most 1×: never a speedup, and their overlap is the figure.
  if (report.executor !== "async" && report.cpu_ms !== null && (bound === "cpu" || bound === "mixed")) {
    return { value: report.cpu_ms / wall, basis: "cpu" };
  }
  return { value: task_ms / wall, basis: "overlap" };
}

function efficiencyOf(report: TimingReport, speedup: number): Efficiency {
  const workers = Math.max(1, Math.min(report.workers, report.tasks.length));
  const cores = Math.max(1, report.cores);
  const perCore = speedup / cores;
  return { workers, perWorker: speedup / workers, cores, perCore: perCore <= 1.005 ? perCore : null };
}

function readingOf(report: TimingReport, bound: Bound, maxStartup: number | null): string {
  const main = boundReading(report, bound);
  if (maxStartup === null || maxStartup < STARTUP_NOTABLE * report.wall_ms) return main;
  const share = Math.round((maxStartup / report.wall_ms) * 100);
  return `${main}; starting workers took up to ${formatMs(maxStartup)} (${share}% of wall)`;
}

function boundReading(report: TimingReport, bound: Bound): string {
  const { executor, cores, workers } = report;
  const n = report.tasks.length;
  switch (bound) {
    case "unknown":
      return "CPU n/a: cannot tell computing from waiting";
    case "blocking":
      return "blocked the event loop: tasks held the one thread without computing (a synchronous wait?)";
    case "io":
      if (executor === "async") return "I/O-bound: the waits overlapped on one thread";
      if (executor === "serial") return "I/O-bound: tasks waited one after another";
      return "I/O-bound: cores mostly idle";
    case "mixed":
      if (!isParallel(executor)) return "mixed: the thread was partly idle (waiting between computing)";
      return "mixed: cores partly idle (waiting, start-up or uneven tasks)";
    case "cpu":
      if (executor === "async") return "CPU-bound on one thread: tasks took turns";
      if (executor === "serial") return "CPU-bound on one thread: one task after another";
      if (n <= Math.min(workers, cores)) return "CPU-bound: each task had a core to itself";
      if (workers < cores)
        return `CPU-bound: limited to ${plural(workers, "worker")} (${plural(cores, "core")} available)`;
      return `CPU-bound: limited to ${plural(cores, "core")}`;
  }
}
