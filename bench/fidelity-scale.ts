/**
 * The scale row (issue #16): 10,000 concurrent 500 ms waits, the case async exists for. Bare node
 * awaits 10,000 timers with Promise.all; the cell is `%%async -n 10000` of the kernel's `sleep(500)`
 * with its live report, and its figure is the wall time that report shows. Ideal is one wait.
 */
import { execFile } from "child_process";
import { KernelClient } from "../src/client/kernel-client";
import { Measured } from "./bare-spawn";
import { CellLimits, runCell } from "./cell-runs";
import { finalTiming, unfinishedTasks } from "./cell-timing";
import { ms, ratio } from "./format";
import { figure, Series } from "./series";
import type { Verdict } from "./verdict";
import { median } from "./stats";
import type { NumberColumn } from "../src/concurrency/model/timing";

const TASKS = 10_000;
const WAIT_MS = 500;
/** The bound on the cell's wall time: one wait plus 20 %. */
export const SCALE_WALL_MS = 600;

export interface ScaleResults {
  bare: Series;
  cell: Series;
  /**
   * When the last task started, per kept run: the start phase, where the kernel's per-task cost
   * shows (the waits themselves overlap), and what the wall exceeds one wait by, less the burst of endings.
   */
  lastStartMs?: number[];
  /** metadata.timing of the last cell, in bytes of JSON: the saved notebook's share. */
  metadataBytes?: number;
}

export function emptyScaleResults(runs: number): ScaleResults {
  return { bare: { planned: runs, values: [] }, cell: { planned: runs, values: [] } };
}

const BARE_SOURCE =
  `const t = performance.now();` +
  `Promise.all(Array.from({ length: ${TASKS} }, () => new Promise((r) => setTimeout(r, ${WAIT_MS}))))` +
  `.then(() => process.stdout.write(String(performance.now() - t)));`;
const CELL_SOURCE = `%%async -n ${TASKS}\nawait sleep(${WAIT_MS});`;

export async function scaleCase(
  client: KernelClient,
  plan: { warmUp: number; runs: number },
  limits: CellLimits,
  results: ScaleResults,
  progress: (text: string) => void,
): Promise<void> {
  for (let k = 0; k < plan.warmUp + plan.runs; k++) {
    const keep = k >= plan.warmUp;
    if (!results.bare.problem) {
      const bare = await bareNode(limits.cellMs);
      if (!("ms" in bare)) results.bare.problem = bare.problem;
      else if (keep) results.bare.values.push(bare.ms);
    }
    if (!results.cell.problem) {
      const cell = await timedCell(client, limits, results);
      if (!("ms" in cell)) results.cell.problem = cell.problem;
      else if (keep) {
        results.cell.values.push(cell.ms);
        if (cell.lastStartMs !== undefined) (results.lastStartMs ??= []).push(cell.lastStartMs);
      }
    }
    progress(`fidelity: ${TASKS} × ${WAIT_MS} ms waits, round ${k + 1}/${plan.warmUp + plan.runs}`);
  }
}

function lastStart(column: NumberColumn): number | undefined {
  const starts = (Array.isArray(column) ? column : [column]).filter((v): v is number => v !== null);
  return starts.length > 0 ? starts.reduce((a, b) => Math.max(a, b)) : undefined;
}

async function timedCell(
  client: KernelClient,
  limits: CellLimits,
  results: ScaleResults,
): Promise<Measured & { lastStartMs?: number }> {
  const run = await runCell(client, CELL_SOURCE, limits);
  if (run.kind === "failed") return run;
  const timing = finalTiming(run.iopub);
  if (!timing) return { problem: "the cell showed no timing report" };
  const unfinished = unfinishedTasks(timing);
  if (unfinished) return { problem: unfinished };
  results.metadataBytes = Buffer.byteLength(JSON.stringify(timing));
  return { ms: timing.wall_ms, lastStartMs: lastStart(timing.tasks.start_ms) };
}

function bareNode(limitMs: number): Promise<Measured> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", BARE_SOURCE], { timeout: limitMs }, (error, stdout, stderr) => {
      const value = Number(stdout);
      if (error || !Number.isFinite(value))
        resolve({ problem: `bare node failed: ${error?.message ?? stderr.trim()}` });
      else resolve({ ms: value });
    });
  });
}

export function scaleVerdict(results: ScaleResults): Verdict {
  if (results.cell.values.length === 0) return "n/a";
  return median(results.cell.values) <= SCALE_WALL_MS ? "PASS" : "FAIL";
}

export function scaleLine(results: ScaleResults): string {
  const bare = results.bare.values.length ? median(results.bare.values) : undefined;
  const cell = results.cell.values.length ? median(results.cell.values) : undefined;
  const against = bare !== undefined && cell !== undefined && bare > 0 ? ` (${ratio(cell / bare)} bare)` : "";
  const size =
    results.metadataBytes === undefined ? "" : `; metadata.timing ${Math.round(results.metadataBytes / 1000)} kB`;
  const started = results.lastStartMs?.length ? `; all tasks started by ${ms(median(results.lastStartMs))}` : "";
  const problems = [results.bare, results.cell].filter((s) => s.problem).map((s) => `; stopped: ${s.problem}`);
  return (
    `Scale: ${TASKS.toLocaleString("en")} × sleep(${WAIT_MS}) under %%async, wall: ${figure(results.cell)}${against}, ` +
    `bare node ${figure(results.bare)}${started}; target ≤ ${ms(SCALE_WALL_MS)}: ${scaleVerdict(results)}${size}${problems.join("")}`
  );
}
