/**
 * The concurrency magics against baselines measured in the same run. Each baseline sample is
 * taken right before the magic sample it is compared with, so the machine's background noise
 * falls on both alike. Every cell and spawn is bounded; a series stops at its first failure.
 */
import { loadavg } from "os";
import { KernelClient } from "../src/client/kernel-client";
import { TimingMetadata } from "../src/concurrency/model/timing";
import { bareProcessStartup, bareThreadStartup, Measured, poolWorkerScript, READY_SCRIPT } from "./bare-spawn";
import { fromColumns } from "../src/concurrency/model/task-columns";
import { finalTiming, taskDurations, unfinishedTasks } from "./cell-timing";
import { CellLimits, runCell } from "./cell-runs";
import { bareRoundTrips } from "./bare-round-trip";
import { MagicPlan, MagicResults, PerTaskSeries, StartupSeries } from "./magic-results";
import { Series } from "./series";

export interface MagicLimits {
  /** A trivial cell or a spawn. */
  cellMs: number;
  /** A CPU-bound cell, which on a loaded machine may take many times its quiet duration. */
  cpuCellMs: number;
  /** The session's first cell, which waits for the compiler. */
  firstCellMs: number;
  interruptMs: number;
}

/** Written for this bench: trial division, so the work grows with the numbers counted. */
const PRIME_HELPERS = [
  "function isPrime(n: number): boolean {",
  "  if (n < 2) return false;",
  "  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;",
  "  return true;",
  "}",
  "function countPrimes(a: number, b: number): number {",
  "  let found = 0;",
  "  for (let x = a; x < b; x++) if (isPrime(x)) found++;",
  "  return found;",
  "}",
].join("\n");

type Progress = (text: string) => void;

export async function magicCases(
  client: KernelClient,
  plan: MagicPlan,
  limits: MagicLimits,
  results: MagicResults,
  progress: Progress,
): Promise<void> {
  results.loadAtStart = loadavg();
  const cells: CellLimits = { cellMs: limits.cellMs, interruptMs: limits.interruptMs };
  const first = await runCell(client, "1+1", { ...cells, cellMs: limits.firstCellMs });
  if (first.kind === "failed") {
    results.problems.push(`the session's first 1+1 failed: ${first.problem}`);
    return;
  }
  try {
    await startupCase(client, plan, cells, "threads", results.threadStartup, progress);
    await startupCase(client, plan, cells, "processes", results.processStartup, progress);
    await dispatchCase(client, plan, cells, results, progress);
    await cpuCase(client, plan, { ...cells, cellMs: limits.cpuCellMs }, results, progress);
    await asyncCase(client, plan, cells, results, progress);
    await perTaskCase(client, plan, cells, "threads", results.threadPerTask, progress);
    await perTaskCase(client, plan, cells, "processes", results.processPerTask, progress);
  } finally {
    results.loadAtEnd = loadavg();
  }
}

async function startupCase(
  client: KernelClient,
  plan: MagicPlan,
  limits: CellLimits,
  magic: "threads" | "processes",
  series: StartupSeries,
  progress: Progress,
): Promise<void> {
  progress(`magics: ${plan.startups} bare spawns and %%${magic} --fresh cells, alternating`);
  const spawn = magic === "threads" ? bareThreadStartup : bareProcessStartup;
  const code = `%%${magic} --fresh -n 1\nreturn task.i;`;
  const workerScript = poolWorkerScript();
  const takes: [Series, () => Promise<Measured>][] = [
    [series.bare, () => spawn(READY_SCRIPT, limits.cellMs)],
    [series.script, () => spawn(workerScript, limits.cellMs)],
    [series.magic, async () => fromTiming(await timedCell(client, code, limits), startupOf)],
  ];
  for (let k = 0; k < plan.startupWarmUp; k++) {
    for (const [s, take] of takes) if (!(await warmUp(s, take))) return;
  }
  for (let k = 0; k < plan.startups; k++) {
    for (const [s, take] of takes) if (!record(s, await take())) return;
  }
}

async function dispatchCase(
  client: KernelClient,
  plan: MagicPlan,
  limits: CellLimits,
  results: MagicResults,
  progress: Progress,
): Promise<void> {
  const { plain, magic } = results.dispatch;
  progress(`magics: ${plan.dispatchWarmUp} warm-up + ${plan.dispatchTrips} pairs of 1+1 and %%threads -n 4 --quiet`);
  const trip = async (code: string): Promise<Measured> => {
    const run = await runCell(client, code, limits);
    return run.kind === "ok" ? { ms: run.toIdleMs } : run;
  };
  const plainCell = () => trip("1+1");
  // The first of these spawns the pool's four threads; the warm-up leaves them idle and waiting.
  const magicCell = () => trip("%%threads -n 4 --quiet\nreturn task.i;");
  for (let k = 0; k < plan.dispatchWarmUp; k++) {
    if (!(await warmUp(plain, plainCell)) || !(await warmUp(magic, magicCell))) return;
  }
  for (let k = 0; k < plan.dispatchTrips; k++) {
    if (!record(plain, await plainCell()) || !record(magic, await magicCell())) return;
  }
}

async function cpuCase(
  client: KernelClient,
  plan: MagicPlan,
  limits: CellLimits,
  results: MagicResults,
  progress: Progress,
): Promise<void> {
  const { cpu } = results;
  const defined = await runCell(client, PRIME_HELPERS, limits);
  if (defined.kind === "failed") {
    cpu.serial.problem = `defining isPrime and countPrimes failed: ${defined.problem}`;
    return;
  }
  // Equal work per task: the speedup then measures the pool, not how unevenly primes thin out.
  const body = `return countPrimes(${plan.cpuSpan}, 2 * ${plan.cpuSpan});`;
  const pool = `-n ${plan.cpuTasks} -w ${plan.cpuWorkers}`;
  const variants: { name: string; series: Series; code: string }[] = [
    { name: "%%serial", series: cpu.serial, code: `%%serial -n ${plan.cpuTasks}\n${body}` },
    { name: "%%threads", series: cpu.threads, code: `%%threads ${pool}\n${body}` },
    { name: "%%processes", series: cpu.processes, code: `%%processes ${pool}\n${body}` },
  ];
  const wall = async (code: string): Promise<Measured> => fromTiming(await timedCell(client, code, limits), wallOf);
  // Warm-ups fill each pool to its size, so the measured runs spawn nothing.
  for (let k = 0; k < plan.cpuWarmUp; k++) {
    for (const variant of variants) {
      progress(`magics: CPU-bound warm-up ${variant.name}`);
      if (!(await warmUp(variant.series, () => wall(variant.code)))) return;
    }
  }
  for (let k = 0; k < plan.cpuRuns; k++) {
    for (const variant of variants) {
      const cell = await timedCell(client, variant.code, limits);
      const sample = fromTiming(cell, wallOf);
      if (!record(variant.series, sample)) return;
      progress(
        `magics: CPU-bound run ${k + 1}/${plan.cpuRuns} ${variant.name}: ${Math.round(variant.series.values[k])} ms`,
      );
      // The serial run's own task times bound what any pool could make of this workload.
      if (variant.name === "%%serial" && cell.kind === "ok") {
        const durations = taskDurations(cell.timing);
        if (durations.every((d): d is number => d !== undefined)) cpu.serialTaskMs.push(durations);
      }
    }
  }
}

async function asyncCase(
  client: KernelClient,
  plan: MagicPlan,
  limits: CellLimits,
  results: MagicResults,
  progress: Progress,
): Promise<void> {
  progress(`magics: ${plan.asyncWarmUp} warm-up + ${plan.asyncRuns} %%async cells of sleep(${plan.asyncSleepMs})`);
  const code = `%%async -n 4\nawait sleep(${plan.asyncSleepMs});`;
  const cell = async (): Promise<Measured> => fromTiming(await timedCell(client, code, limits), wallOf);
  for (let k = 0; k < plan.asyncWarmUp; k++) if (!(await warmUp(results.asyncSleep, cell))) return;
  for (let k = 0; k < plan.asyncRuns; k++) if (!record(results.asyncSleep, await cell())) return;
}

/**
 * What a pool adds per task: a cell of many trivial tasks less a cell of one, per extra task, on
 * warm workers. Its baseline is as many round trips over as many bare echo workers, each sample
 * taken right before the pair of cells it is compared with.
 */
async function perTaskCase(
  client: KernelClient,
  plan: MagicPlan,
  limits: CellLimits,
  magic: "threads" | "processes",
  series: PerTaskSeries,
  progress: Progress,
): Promise<void> {
  const n = plan.perTaskTasks;
  progress(
    `magics: ${plan.perTaskWarmUp} warm-up + ${plan.perTaskRuns} bare echoes and %%${magic} -n ${n} / -n 1 cells, alternating`,
  );
  const cell = (tasks: number) => `%%${magic} -n ${tasks} -w ${plan.perTaskWorkers}\nreturn task.i;`;
  const bare = () => bareRoundTrips(magic, plan.perTaskWorkers, n, limits.cellMs);
  const perTask = async (): Promise<Measured> => {
    const many = fromTiming(await timedCell(client, cell(n), limits), wallOf);
    if (!("ms" in many)) return many;
    const one = fromTiming(await timedCell(client, cell(1), limits), wallOf);
    return "ms" in one ? { ms: (many.ms - one.ms) / (n - 1) } : one;
  };
  for (let k = 0; k < plan.perTaskWarmUp; k++) {
    if (!(await warmUp(series.bare, bare)) || !(await warmUp(series.magic, perTask))) return;
  }
  for (let k = 0; k < plan.perTaskRuns; k++) {
    if (!record(series.bare, await bare()) || !record(series.magic, await perTask())) return;
  }
}

type TimedCell = { kind: "ok"; timing: TimingMetadata } | { kind: "failed"; problem: string };

/** A concurrency cell's final report, provided every one of its tasks ended ok. */
async function timedCell(client: KernelClient, code: string, limits: CellLimits): Promise<TimedCell> {
  const run = await runCell(client, code, limits);
  if (run.kind === "failed") return run;
  const timing = finalTiming(run.iopub);
  if (!timing) return { kind: "failed", problem: "the cell published no timing report" };
  const unfinished = unfinishedTasks(timing);
  return unfinished ? { kind: "failed", problem: unfinished } : { kind: "ok", timing };
}

function fromTiming(cell: TimedCell, pick: (timing: TimingMetadata) => Measured): Measured {
  return cell.kind === "ok" ? pick(cell.timing) : { problem: cell.problem };
}

function wallOf(timing: TimingMetadata): Measured {
  return { ms: timing.wall_ms };
}

function startupOf(timing: TimingMetadata): Measured {
  const startup = fromColumns(timing.tasks)[0]?.startup_ms;
  return startup === null || startup === undefined
    ? { problem: "task 0 has no startup_ms: no worker was spawned for it" }
    : { ms: startup };
}

/** Adds a sample, or stops the series with the reason; false means stop. */
function record(series: Series, sample: Measured): boolean {
  if ("ms" in sample) {
    series.values.push(sample.ms);
    return true;
  }
  series.problem = sample.problem;
  return false;
}

async function warmUp(series: Series, take: () => Promise<Measured>): Promise<boolean> {
  const sample = await take();
  if ("ms" in sample) return true;
  series.problem = `warm-up: ${sample.problem}`;
  return false;
}
