/**
 * `npm run bench`: this kernel against tslab's, with the same client, in one run, then the
 * concurrency magics against bare Node baselines measured in the same process, then the fidelity
 * rows. `--fidelity` runs the fidelity rows alone, for CI to repeat on each Node it supports. It is a report:
 * it exits 0 whether or not targets are met, and 1 only when it could not finish (the overall time
 * limit, a signal, or a fault in the bench itself).
 */
import { mkdtempSync, rmSync } from "fs";
import { arch, availableParallelism, loadavg, platform, tmpdir } from "os";
import { dirname, join } from "path";
import { launchKernel, RunningKernel } from "../src/client/launch";
import { usableCores } from "../src/concurrency/model/cores";
import { coldStart } from "./cold-start";
import { count, loadAverage, ms, seconds } from "./format";
import { idleMemory, interruptBusyLoop, streamLines } from "./kernel-cases";
import { BenchKernel, ourKernel, tslabKernel } from "./kernels";
import { forget, keepTrackOf, removeLeftovers } from "./leftovers";
import { magicCases, MagicLimits } from "./magic-cases";
import { magicSection } from "./magic-report";
import { emptyMagicResults, MagicPlan, MagicResults } from "./magic-results";
import { buildMagicRows } from "./magic-rows";
import { buildRows, KernelResults, notes } from "./report";
import { KERNEL_INFO, ONE_PLUS_ONE, roundTrips } from "./round-trips";
import { renderKernelTable } from "./kernel-table";
import { summaryLine } from "./verdict";
import { runRoom } from "./room";
import { fidelityCases } from "./fidelity-cases";
import {
  emptyFidelityResults,
  FidelityPlan,
  FidelityResults,
  fidelitySection,
  fidelityVerdicts,
  livePairsFor,
} from "./fidelity-report";

/**
 * Both kernels start in an empty folder, as a notebook's would be: started in this checkout, the
 * compiler would also load every @types package the project's own tooling installed.
 */
const NOTEBOOK_DIR = mkdtempSync(join(tmpdir(), "tsck-bench-"));
process.on("exit", () => rmSync(NOTEBOOK_DIR, { recursive: true, force: true }));

const PLAN = {
  coldStarts: 5,
  warmUp: 10,
  roundTrips: 200,
  infoTrips: 100,
  streamLines: 20_000,
  interruptAfterMs: 300,
  rssSettleMs: 1000,
  rssReadings: 5,
  memorySessions: 3,
};

const MAGIC_PLAN: MagicPlan = {
  startupWarmUp: 1,
  startups: 10,
  dispatchWarmUp: 5,
  dispatchTrips: 20,
  cpuWarmUp: 1,
  cpuRuns: 3,
  cpuTasks: 4,
  cpuWorkers: 2,
  cpuSpan: 1_000_000,
  asyncWarmUp: 1,
  asyncRuns: 5,
  asyncSleepMs: 200,
  perTaskWarmUp: 1,
  perTaskRuns: 5,
  perTaskTasks: 1000,
  perTaskWorkers: 2,
};

/** `--runs N`: fewer rounds where time is short (CI runs the rows on two Nodes), more for a closer look. */
function runsFlag(fallback: number): number {
  const at = process.argv.indexOf("--runs");
  if (at < 0) return fallback;
  const runs = Number(process.argv[at + 1]);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
    console.error(`--runs takes a whole number from 1 to 100, not ${JSON.stringify(process.argv[at + 1] ?? "")}`);
    process.exit(2);
  }
  return runs;
}

const FIDELITY_RUNS = runsFlag(5);
/**
 * The live-report cells take ~0.4–0.6 s each, long enough for the report to redraw several times
 * while the tasks run (at 0.1 s a cell, the first and last drawing alone were what the row
 * measured, and a CI run read 1.12×): 12 pairs in CI's three rounds (~13 s), 16 here.
 */
const FIDELITY_PLAN: FidelityPlan = {
  warmUp: 1,
  runs: FIDELITY_RUNS,
  liveTasks: 4,
  liveIterations: 250_000_000,
  livePairs: livePairsFor(FIDELITY_RUNS),
};

/** Every wait is bounded: tslab can leave a request without a reply or an idle status forever. */
const LIMITS = {
  readyMs: 60_000,
  firstResultMs: 60_000,
  roundTripMs: 10_000,
  streamMs: 30_000,
  interruptMs: 5_000,
  overallMs: 10 * 60_000,
};

const MAGIC_LIMITS: MagicLimits = {
  cellMs: 30_000,
  cpuCellMs: 120_000,
  firstCellMs: 60_000,
  interruptMs: 5_000,
};

const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);

const ONLY_FIDELITY = process.argv.includes("--fidelity");
/** Start-up and memory with kernels launched as a notebook server launches them (issue 12), alone. */
const ONLY_ROOM = process.argv.includes("--room");
const ROOM_PLAN = { launches: 5, rooms: [4, 8] };

/**
 * The one way a bench run ends: `report` prints what was measured, when the run completes, hits its
 * overall limit or is stopped by a signal, whichever comes first; then the process exits.
 */
function endWith(report: (complete: boolean) => void): (complete: boolean) => void {
  const finish = (complete: boolean) => {
    report(complete);
    removeLeftovers();
    // Kernels still running are killed by the exit hooks that launchKernel and watchSpawned install.
    process.exit(complete ? 0 : 1);
  };
  setTimeout(() => {
    progress(`overall limit of ${seconds(LIMITS.overallMs)} reached; reporting what was measured`);
    finish(false);
  }, LIMITS.overallMs);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => finish(false));
  return finish;
}

async function main(): Promise<void> {
  if (ONLY_FIDELITY) return fidelityOnly();
  if (ONLY_ROOM) process.exit(await runRoom(ROOM_PLAN));
  const kernels = [ourKernel(), tslabKernel()];
  const results: KernelResults[] = kernels.map((kernel) => ({
    name: kernel.name,
    coldStarts: [],
    memory: [],
    problems: [],
  }));
  const magic = emptyMagicResults(MAGIC_PLAN, usableCores());
  const fidelity = emptyFidelityResults(FIDELITY_PLAN, process.version);
  const loadAtStart = loadavg();
  const finish = endWith((complete) => printReport(kernels, results, magic, fidelity, loadAtStart, complete));

  // Alternating the kernels spreads the machine's background noise over both.
  for (let round = 1; round <= PLAN.coldStarts; round++) {
    for (const [i, kernel] of kernels.entries()) {
      const start = await coldStart(kernel, { readyMs: LIMITS.readyMs, resultMs: LIMITS.firstResultMs }, NOTEBOOK_DIR);
      results[i].coldStarts.push(start);
      progress(
        `cold start ${round}/${PLAN.coldStarts} ${kernel.name}: kernel_info_reply ${optionalMs(start.toKernelInfoMs)}, ` +
          `first 1+1 ${optionalMs(start.firstResultMs)}${start.problem ? ` (${start.problem})` : ""}`,
      );
    }
  }
  for (const [i, kernel] of kernels.entries()) await warmCases(kernel, results[i]);
  for (let session = 2; session <= PLAN.memorySessions; session++) {
    for (const [i, kernel] of kernels.entries()) await memoryCase(kernel, results[i], session);
  }
  for (const [i, kernel] of kernels.entries()) await interruptCases(kernel, results[i]);
  // Its own session, last: a fresh kernel whose pools start empty, as a notebook's would.
  await inSession(kernels[0], magic, (running) =>
    magicCases(running.client, MAGIC_PLAN, MAGIC_LIMITS, magic, progress),
  );
  await inSession(kernels[0], fidelity, (running) =>
    fidelityCases(running.client, FIDELITY_PLAN, FIDELITY_LIMITS, fidelity, progress),
  );
  finish(true);
}

const FIDELITY_LIMITS = { cellMs: MAGIC_LIMITS.cpuCellMs, interruptMs: MAGIC_LIMITS.interruptMs };

/** The fidelity rows alone, in one session of this kernel, under the Node that runs the bench. */
async function fidelityOnly(): Promise<void> {
  const fidelity = emptyFidelityResults(FIDELITY_PLAN, process.version);
  const finish = endWith((complete) => {
    const lines = [
      `- Machine: ${availableParallelism()} cores, ${platform()} ${arch()}, load ${loadAverage(loadavg())} at end`,
      "",
      ...fidelitySection(fidelity, FIDELITY_PLAN),
      "",
      summaryLine(fidelityVerdicts(fidelity), complete),
    ];
    process.stdout.write(lines.join("\n") + "\n");
  });
  await inSession(ourKernel(), fidelity, (running) =>
    fidelityCases(running.client, FIDELITY_PLAN, FIDELITY_LIMITS, fidelity, progress),
  );
  finish(true);
}

async function warmCases(kernel: BenchKernel, result: KernelResults): Promise<void> {
  await inSession(kernel, result, async (running) => {
    progress(`${kernel.name}: ${PLAN.warmUp} warm-up + ${PLAN.roundTrips} round trips`);
    Object.assign(result, await warmUp(running));
    await readIdleMemory(running, result);
    progress(`${kernel.name}: ${count(PLAN.streamLines)} console.log lines`);
    result.stream = await streamLines(running.client, PLAN.streamLines, LIMITS.streamMs);
  });
}

/** A fresh session with the same warm-up, for one more idle-memory reading. */
async function memoryCase(kernel: BenchKernel, result: KernelResults, session: number): Promise<void> {
  await inSession(kernel, result, async (running) => {
    progress(`${kernel.name}: idle memory, session ${session}/${PLAN.memorySessions}`);
    await warmUp(running);
    await readIdleMemory(running, result);
  });
}

async function warmUp(running: RunningKernel): Promise<Pick<KernelResults, "roundTrips" | "infoTrips">> {
  const client = running.client;
  return {
    roundTrips: await roundTrips(client, ONE_PLUS_ONE, PLAN.warmUp, PLAN.roundTrips, LIMITS.roundTripMs),
    // The same trip without compiling or running anything: what the wire and the threads cost.
    infoTrips: await roundTrips(client, KERNEL_INFO, PLAN.warmUp, PLAN.infoTrips, LIMITS.roundTripMs),
  };
}

async function readIdleMemory(running: RunningKernel, result: KernelResults): Promise<void> {
  if (running.child.pid === undefined) return;
  result.memory.push(await idleMemory(running.child.pid, PLAN.rssSettleMs, PLAN.rssReadings));
}

/** A loop that spins once an await has resolved; written without this kernel's globals, so tslab runs it too. */
const LOOP_AFTER_AWAIT = "await new Promise((resolve) => setTimeout(resolve, 1));\nwhile (true) {}";

/** Each in its own session: a kernel that could not be stopped must not spoil the other cases. */
async function interruptCases(kernel: BenchKernel, result: KernelResults): Promise<void> {
  const cases = [
    ["while (true) {}", "interrupt"],
    [LOOP_AFTER_AWAIT, "interruptAfterAwait"],
  ] as const;
  for (const [code, key] of cases) {
    await inSession(kernel, result, async (running) => {
      progress(`${kernel.name}: interrupt of ${code.replace(/\n/g, " ")}`);
      const run = await interruptBusyLoop(running, kernel, PLAN.interruptAfterMs, LIMITS.interruptMs, code);
      result[key] = run;
      // Asking a kernel that is still spinning to shut down only costs the grace period.
      if (run.afterwards === undefined || run.afterwards === "no reply") running.child.kill("SIGKILL");
    });
  }
}

async function inSession(
  kernel: BenchKernel,
  result: { problems: string[] },
  body: (running: RunningKernel) => Promise<void>,
): Promise<void> {
  let running: RunningKernel;
  try {
    running = await launchKernel({ cwd: NOTEBOOK_DIR, argv: kernel.argv, readyTimeoutMs: LIMITS.readyMs });
  } catch (error) {
    result.problems.push(`could not start a session: ${firstLine((error as Error).message)}`);
    return;
  }
  const folder = dirname(running.connectionFile);
  keepTrackOf(folder);
  try {
    await body(running);
  } catch (error) {
    result.problems.push(`session failed: ${firstLine((error as Error).message)}`);
  } finally {
    await running.stop();
    forget(folder);
  }
}

function printReport(
  kernels: BenchKernel[],
  results: KernelResults[],
  magic: MagicResults,
  fidelity: FidelityResults,
  loadAtStart: number[],
  complete: boolean,
): void {
  const [ours, baseline] = results;
  const rows = buildRows(ours, baseline, PLAN);
  const magicRows = buildMagicRows(magic, MAGIC_PLAN);
  const lines = [
    "## ts-concurrency-kernel benchmark",
    "",
    `- Machine: ${availableParallelism()} cores, ${platform()} ${arch()}, Node ${process.version}`,
    `- Load average (1/5/15 min): ${loadAverage(loadAtStart)} at start, ${loadAverage(loadavg())} at end`,
    `- Baseline: ${kernels[1].name}, its own kernel, driven by the same client`,
    `- Plan: ${PLAN.coldStarts} fresh starts each (alternating), ` +
      `${PLAN.warmUp} warm-up + ${PLAN.roundTrips} round trips, ` +
      `${count(PLAN.streamLines)} lines, interrupt ${PLAN.interruptAfterMs} ms into a busy loop, ` +
      `idle memory in ${PLAN.memorySessions} sessions (alternating) after that warm-up`,
    `- Limits: round trip ${seconds(LIMITS.roundTripMs)}, stream ${seconds(LIMITS.streamMs)}, ` +
      `interrupt ${seconds(LIMITS.interruptMs)}, whole run ${seconds(LIMITS.overallMs)}`,
    "",
    renderKernelTable(rows, ours.name, baseline.name),
    "",
    ...results.flatMap((result) => notes(result).map((note) => `- ${result.name}: ${note}`)),
    "",
    ...magicSection(magic, MAGIC_PLAN, magicRows),
    "",
    ...fidelitySection(fidelity, FIDELITY_PLAN),
    "",
    summaryLine([...rows, ...magicRows, ...fidelityVerdicts(fidelity)], complete),
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

function optionalMs(value: number | undefined): string {
  return value === undefined ? "—" : ms(value);
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  removeLeftovers();
  process.exit(1);
});
