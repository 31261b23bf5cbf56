/** What the concurrency-magic cases plan and measure: filled in by the cases, read by the report. */
import type { Series } from "./series";

export interface MagicPlan {
  /** Unmeasured spawns and cells before the start-up series (disk caches, the first compile). */
  startupWarmUp: number;
  startups: number;
  dispatchWarmUp: number;
  dispatchTrips: number;
  cpuWarmUp: number;
  cpuRuns: number;
  /** Tasks each CPU-bound cell runs, and the pool size of its threads and processes variants. */
  cpuTasks: number;
  cpuWorkers: number;
  /** Each CPU-bound task counts primes in a range this wide. */
  cpuSpan: number;
  asyncWarmUp: number;
  asyncRuns: number;
  asyncSleepMs: number;
  /** Per-task overhead: pairs of a -n perTaskTasks and a -n 1 cell of a trivial body, over perTaskWorkers workers. */
  perTaskWarmUp: number;
  perTaskRuns: number;
  perTaskTasks: number;
  perTaskWorkers: number;
}

/** A pool's cost per task against bare round trips over as many bare echo workers, in ms per task. */
export interface PerTaskSeries {
  bare: Series;
  magic: Series;
}

/** Worker start-up three ways, one sample of each in turn. */
export interface StartupSeries {
  /** A script that only says "ready", spawned from the bench. */
  bare: Series;
  /** The kernel's worker script, spawned from the bench: the script's cost without the kernel's. */
  script: Series;
  /** The report's startup_ms of a --fresh cell. */
  magic: Series;
}

export interface MagicResults {
  /** Cores the kernel may use, as its own reports count them. */
  cores: number;
  loadAtStart?: number[];
  loadAtEnd?: number[];
  threadStartup: StartupSeries;
  processStartup: StartupSeries;
  dispatch: { plain: Series; magic: Series };
  cpu: {
    serial: Series;
    threads: Series;
    processes: Series;
    /** Each measured %%serial run's task durations, in task order. */
    serialTaskMs: number[][];
  };
  asyncSleep: Series;
  threadPerTask: PerTaskSeries;
  processPerTask: PerTaskSeries;
  /** Sessions that could not start or failed, in words. */
  problems: string[];
}

export function emptyMagicResults(plan: MagicPlan, cores: number): MagicResults {
  const series = (planned: number): Series => ({ planned, values: [] });
  return {
    cores,
    threadStartup: { bare: series(plan.startups), script: series(plan.startups), magic: series(plan.startups) },
    processStartup: { bare: series(plan.startups), script: series(plan.startups), magic: series(plan.startups) },
    dispatch: { plain: series(plan.dispatchTrips), magic: series(plan.dispatchTrips) },
    cpu: {
      serial: series(plan.cpuRuns),
      threads: series(plan.cpuRuns),
      processes: series(plan.cpuRuns),
      serialTaskMs: [],
    },
    asyncSleep: series(plan.asyncRuns),
    threadPerTask: { bare: series(plan.perTaskRuns), magic: series(plan.perTaskRuns) },
    processPerTask: { bare: series(plan.perTaskRuns), magic: series(plan.perTaskRuns) },
    problems: [],
  };
}
