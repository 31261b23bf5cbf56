/** The concurrency magics' rows: each magic against a baseline measured in the same run, judged against its target. Pure. */
import { ms, ratio, signedMs } from "./format";
import type { MagicPlan, MagicResults, PerTaskSeries, StartupSeries } from "./magic-results";
import { MAGIC_TARGETS, MagicTargets, speedupTarget } from "./magic-targets";
import { figure, microseconds, middle, Series } from "./series";
import type { Verdict } from "./verdict";

export interface MagicRow {
  label: string;
  magic: string;
  baseline: string;
  comparison: string;
  target: string;
  verdict?: Verdict;
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
