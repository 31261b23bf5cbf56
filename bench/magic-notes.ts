/** What the concurrency magics' table cannot hold: raw samples, where start-up goes, what the load allows. Pure. */
import { ms, ratio, signedMs } from "./format";
import type { MagicPlan, MagicResults, StartupSeries } from "./magic-results";
import { MAGIC_TARGETS, MagicTargets, speedupTarget } from "./magic-targets";
import { bestSpeedup } from "./schedule";
import { list, listUs, middle, Series, spread } from "./series";
import { median } from "./stats";

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
