/**
 * The "concurrency magics" table: each magic against a baseline measured in the same run, judged
 * against its target. Pure: results in, lines out.
 */
import { count, ms, ratio } from "./format";
import type { Verdict } from "./report";
import { bestSpeedup } from "./schedule";
import { median, percentile } from "./stats";
import { renderMagicTable } from "./table";

/** Samples of one measurement; a series stops at its first failure, which `problem` explains. */
export interface Series {
  planned: number;
  values: number[];
  problem?: string;
}

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

export interface MagicTargets {
  /** A magic's worker start-up may take at most this multiple of a bare spawn. */
  startupRatio: number;
  /** What a warm 4-task %%threads cell may add to a plain cell's round trip. */
  dispatchOverheadMs: number;
  /** The CPU-bound speedup must reach this share of min(cores, workers). */
  speedupShare: number;
  /** Headroom over the sleep for %%async tasks that all sleep at once. */
  asyncOverMs: number;
  /** A pool task may cost at most this multiple of a bare round trip. */
  perTaskRatio: number;
}

export const MAGIC_TARGETS: MagicTargets = {
  startupRatio: 1.3,
  dispatchOverheadMs: 5,
  speedupShare: 0.9,
  asyncOverMs: 15,
  perTaskRatio: 2,
};

export interface MagicRow {
  label: string;
  magic: string;
  baseline: string;
  comparison: string;
  target: string;
  verdict?: Verdict;
}

/** Percentiles from fewer samples than this would only restate the maximum. */
const P95_FROM = 10;

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

export function speedupTarget(results: MagicResults, plan: MagicPlan, targets: MagicTargets = MAGIC_TARGETS): number {
  return targets.speedupShare * Math.min(results.cores, plan.cpuWorkers);
}

export function buildMagicRows(
  results: MagicResults,
  plan: MagicPlan,
  targets: MagicTargets = MAGIC_TARGETS,
): MagicRow[] {
  const startup = (magic: "threads" | "processes", series: StartupSeries, bareName: string): MagicRow => ({
    label: `%%${magic} --fresh -n 1: worker start-up (median of ${plan.startups})`,
    magic: figure(series.magic),
    baseline: `${bareName}: ${figure(series.bare)}`,
    ...judgeRatio(series.magic, series.bare, targets.startupRatio, "bare spawn"),
  });
  const cpuTitle = `-n ${plan.cpuTasks} -w ${plan.cpuWorkers}`;
  const speedup = (magic: "threads" | "processes", series: Series): MagicRow => ({
    label: `${plan.cpuTasks} CPU-bound tasks, %%${magic} ${cpuTitle}: wall_ms (median of ${plan.cpuRuns})`,
    magic: figure(series),
    baseline: `%%serial -n ${plan.cpuTasks}: ${figure(results.cpu.serial)}`,
    ...judgeSpeedup(series, results.cpu.serial, speedupTarget(results, plan, targets)),
  });
  const asyncLimit = plan.asyncSleepMs + targets.asyncOverMs;
  const perTask = (magic: "threads" | "processes", series: PerTaskSeries, bareName: string): MagicRow => ({
    label:
      `%%${magic} -n ${plan.perTaskTasks} -w ${plan.perTaskWorkers}, return task.i: per-task overhead, ` +
      `(wall − wall of -n 1) / ${plan.perTaskTasks - 1} (median of ${plan.perTaskRuns})`,
    magic: microseconds(series.magic),
    baseline: `${bareName}, ${plan.perTaskWorkers} echo workers: ${microseconds(series.bare)} per round trip`,
    ...judgeRatio(series.magic, series.bare, targets.perTaskRatio, "bare round trip"),
  });
  return [
    startup("threads", results.threadStartup, "new Worker"),
    startup("processes", results.processStartup, "fork"),
    {
      label: `%%threads -n 4 --quiet on a warm pool: send → idle (median of ${plan.dispatchTrips})`,
      magic: figure(results.dispatch.magic),
      baseline: `1+1: ${figure(results.dispatch.plain)}`,
      ...judgeOverhead(results.dispatch.magic, results.dispatch.plain, targets.dispatchOverheadMs),
    },
    speedup("threads", results.cpu.threads),
    speedup("processes", results.cpu.processes),
    {
      label: `%%async -n 4, await sleep(${plan.asyncSleepMs}): wall_ms (median of ${plan.asyncRuns})`,
      magic: figure(results.asyncSleep),
      baseline: "—",
      ...judgeCeiling(results.asyncSleep, plan.asyncSleepMs, asyncLimit),
    },
    perTask("threads", results.threadPerTask, "postMessage"),
    perTask("processes", results.processPerTask, "IPC (advanced serialization)"),
  ];
}

/** The section as printed: heading, conditions, table, and the notes a cell cannot hold. */
export function magicSection(
  results: MagicResults,
  plan: MagicPlan,
  rows: MagicRow[],
  targets: MagicTargets = MAGIC_TARGETS,
): string[] {
  const load = results.loadAtStart;
  const warning = load ? loadWarning(load[0], results.cores) : undefined;
  return [
    "## Concurrency magics",
    "",
    `- Load average (1/5/15 min): ${load ? formatLoad(load) : "—"} at the start of this table, ` +
      `${results.loadAtEnd ? formatLoad(results.loadAtEnd) : "—"} at its end; ${results.cores} usable cores`,
    "- Baselines run in this process, alternating with the magic cells: `new Worker` and " +
      '`fork` (serialization "advanced") of a script that only posts "ready", the same two of a script that echoes ' +
      "each message back (the per-task rows), a plain `1+1` cell, and `%%serial`; " +
      "the kernel's own task-worker.js is spawned the same way to show where extra start-up goes",
    "- Start-up is the report's `startup_ms`; CPU-bound and async rows are its `wall_ms`; " +
      "the `--quiet` row is send → idle as the client sees it",
    ...(warning ? [`- NOTE: ${warning}`] : []),
    "",
    renderMagicTable(rows),
    "",
    ...magicNotes(results, plan, targets).map((note) => `- ${note}`),
  ];
}

/** Why the CPU-bound targets say little on this run, or undefined when the cores are free enough. */
export function loadWarning(load1: number, cores: number): string | undefined {
  if (!(load1 > cores)) return undefined;
  return (
    `the 1-minute load average (${load1.toFixed(2)}) exceeds the ${cores} cores: other processes ` +
    "compete for them, so the CPU-bound speedups cannot show what the magics can do"
  );
}

export function magicNotes(results: MagicResults, plan: MagicPlan, targets: MagicTargets = MAGIC_TARGETS): string[] {
  const notes = [
    ...startupNotes("%%threads", "new Worker", results.threadStartup),
    ...startupNotes("%%processes", "fork", results.processStartup),
    `send → idle samples: 1+1 ${spread(results.dispatch.plain)}; %%threads --quiet ${spread(results.dispatch.magic)}`,
    `CPU-bound wall_ms samples: %%serial ${list(results.cpu.serial)}; %%threads ${list(results.cpu.threads)}; ` +
      `%%processes ${list(results.cpu.processes)}`,
    `%%async wall_ms samples: ${list(results.asyncSleep)}`,
    `per-task overhead samples (µs): %%threads ${listUs(results.threadPerTask.magic)} against postMessage ` +
      `${listUs(results.threadPerTask.bare)}; %%processes ${listUs(results.processPerTask.magic)} against IPC ${listUs(results.processPerTask.bare)}`,
  ];
  const schedule = scheduleNote(results, plan, targets);
  if (schedule) notes.push(schedule);
  const series: [string, Series][] = [
    ["new Worker", results.threadStartup.bare],
    ["new Worker of task-worker.js", results.threadStartup.script],
    ["%%threads --fresh", results.threadStartup.magic],
    ["fork", results.processStartup.bare],
    ["fork of task-worker.js", results.processStartup.script],
    ["%%processes --fresh", results.processStartup.magic],
    ["1+1", results.dispatch.plain],
    ["%%threads --quiet", results.dispatch.magic],
    ["%%serial", results.cpu.serial],
    ["%%threads -w", results.cpu.threads],
    ["%%processes -w", results.cpu.processes],
    ["%%async", results.asyncSleep],
    ["bare postMessage round trips", results.threadPerTask.bare],
    ["%%threads per task", results.threadPerTask.magic],
    ["bare IPC round trips", results.processPerTask.bare],
    ["%%processes per task", results.processPerTask.magic],
  ];
  for (const [name, s] of series)
    if (s.problem) notes.push(`${name}: stopped after ${s.values.length}/${s.planned}: ${s.problem}`);
  notes.push(...results.problems);
  return notes;
}

/**
 * The samples, and where a magic's extra start-up goes: the kernel's worker script spawned from
 * the bench separates what the script costs to load from what the kernel around it adds.
 */
export function startupNotes(magic: string, bareName: string, series: StartupSeries): string[] {
  const lines = [
    `${magic} start-up samples (ms): ${bareName} ${list(series.bare)}; ` +
      `${bareName} of task-worker.js ${list(series.script)}; ${magic} --fresh ${list(series.magic)}`,
  ];
  const [bare, script, magicMs] = [series.bare, series.script, series.magic].map(middle);
  if (bare !== undefined && script !== undefined && magicMs !== undefined) {
    lines.push(
      `${magic} start-up over ${bareName} (medians): ${signedMs(magicMs - bare)}, of which loading task-worker.js ` +
        `${signedMs(script - bare)} (spawned from the bench: ${ms(script)}) and the kernel around it ${signedMs(magicMs - script)}`,
    );
  }
  return lines;
}

/**
 * How fast the CPU-bound cell could be at best: the serial run's own task times handed out in
 * order to the pool's workers. Unequal tasks leave a worker idle at the end, whatever the machine.
 */
export function scheduleNote(
  results: MagicResults,
  plan: MagicPlan,
  targets: MagicTargets = MAGIC_TARGETS,
): string | undefined {
  const runs = results.cpu.serialTaskMs.filter((run) => run.length === plan.cpuTasks);
  if (runs.length === 0) return undefined;
  const tasks = Array.from({ length: plan.cpuTasks }, (_, i) => median(runs.map((run) => run[i])));
  // Compared as printed, so the note never says 1.80× is less than 1.80×.
  const best = Number(bestSpeedup(tasks, plan.cpuWorkers).toFixed(2));
  const target = Number(speedupTarget(results, plan, targets).toFixed(2));
  const verdict =
    best < target ? "more than this workload allows" : `${ratio(best - target)} to spare for the pool's own costs`;
  return (
    `%%serial task times (median per task, ms): ${tasks.map((t) => Math.round(t)).join(", ")}; ` +
    `${plan.cpuWorkers} workers taking them in order reach at best ${ratio(best)} (the target asks ${ratio(target)}: ${verdict})`
  );
}

function judgeRatio(ours: Series, baseline: Series, limit: number, of: string): Judged {
  const target = `≤ ${limit.toFixed(2)}× ${of}`;
  const a = middle(ours);
  const b = middle(baseline);
  if (a === undefined || b === undefined || b <= 0) return { comparison: "—", target, verdict: "n/a" };
  return { comparison: ratio(a / b), target, verdict: a / b <= limit ? "PASS" : "FAIL" };
}

function judgeOverhead(ours: Series, baseline: Series, limitMs: number): Judged {
  const target = `≤ +${ms(limitMs)} over 1+1`;
  const a = middle(ours);
  const b = middle(baseline);
  if (a === undefined || b === undefined) return { comparison: "—", target, verdict: "n/a" };
  return { comparison: `${signedMs(a - b)} per cell`, target, verdict: a - b <= limitMs ? "PASS" : "FAIL" };
}

function judgeSpeedup(parallel: Series, serial: Series, atLeast: number): Judged {
  const target = `≥ ${ratio(atLeast)} speedup`;
  const a = middle(parallel);
  const b = middle(serial);
  if (a === undefined || b === undefined || a <= 0) return { comparison: "—", target, verdict: "n/a" };
  return { comparison: `${ratio(b / a)} speedup`, target, verdict: b / a >= atLeast ? "PASS" : "FAIL" };
}

function judgeCeiling(series: Series, floorMs: number, limitMs: number): Judged {
  const target = `≤ ${ms(limitMs)}`;
  const a = middle(series);
  if (a === undefined) return { comparison: "—", target, verdict: "n/a" };
  return { comparison: `${signedMs(a - floorMs)} over the sleep`, target, verdict: a <= limitMs ? "PASS" : "FAIL" };
}

type Judged = Pick<MagicRow, "comparison" | "target" | "verdict">;

function middle(series: Series): number | undefined {
  return series.values.length ? median(series.values) : undefined;
}

/** Median, the p95 once there are enough samples for it, and how many of the planned samples exist. */
export function figure(series: Series): string {
  if (series.values.length === 0) return series.problem ? "failed" : "not run";
  const p95 = series.values.length >= P95_FROM ? `, p95 ${ms(percentile(series.values, 95))}` : "";
  const partial = series.values.length < series.planned ? ` (${series.values.length}/${series.planned})` : "";
  return `${ms(median(series.values))}${p95}${partial}`;
}

function list(series: Series): string {
  if (series.values.length === 0) return "—";
  return series.values.map((v) => (v < 10 ? v.toFixed(1) : count(v))).join(", ");
}

/** Per-task costs are tens of microseconds: in milliseconds they would all read 0.0. */
function microseconds(series: Series): string {
  if (series.values.length === 0) return series.problem ? "failed" : "not run";
  const partial = series.values.length < series.planned ? ` (${series.values.length}/${series.planned})` : "";
  return `${count(median(series.values) * 1000)} µs${partial}`;
}

function listUs(series: Series): string {
  return series.values.length ? series.values.map((v) => count(v * 1000)).join(", ") : "—";
}

/** Twenty samples read better as their range than listed. */
function spread(series: Series): string {
  if (series.values.length === 0) return "—";
  return `${series.values.length} samples, min ${ms(Math.min(...series.values))}, max ${ms(Math.max(...series.values))}`;
}

function signedMs(value: number): string {
  return value < 0 ? `−${ms(-value)}` : `+${ms(value)}`;
}

function formatLoad(load: number[]): string {
  return load.map((value) => value.toFixed(2)).join(" ");
}
