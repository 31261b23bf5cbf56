/**
 * The fidelity rows (issue #14): each workload timed by bare `node` and inside a plain cell and
 * each magic, one sample of each in turn so the machine's noise falls on all alike. The bare side
 * runs the Node that runs the bench, which is also the Node the kernel under test runs on.
 */
import { execFile } from "child_process";
import { KernelClient } from "../src/client/kernel-client";
import { Message } from "../src/protocol/message";
import { Measured } from "./bare-spawn";
import { CellLimits, runCell } from "./cell-runs";
import { bareSource, cellSource, Context, CONTEXTS, WORKLOAD_SOURCE, WORKLOADS } from "./fidelity-workloads";
import type { FidelityPlan, FidelityResults } from "./fidelity-report";
import { scaleCase } from "./fidelity-scale";

type Progress = (text: string) => void;

export async function fidelityCases(
  client: KernelClient,
  plan: FidelityPlan,
  limits: CellLimits,
  results: FidelityResults,
  progress: Progress,
): Promise<void> {
  const defined = await runCell(client, WORKLOAD_SOURCE, limits);
  if (defined.kind === "failed") {
    results.problems.push(`defining the workloads failed: ${defined.problem}`);
    return;
  }
  for (const [w, workload] of WORKLOADS.entries()) {
    const row = results.rows[w];
    const takes: [Context | "bare", () => Promise<Measured>][] = [
      ["bare", () => bareNode(bareSource(workload), limits.cellMs)],
      ...CONTEXTS.map((context): [Context, () => Promise<Measured>] => [
        context,
        () => timedInCell(client, cellSource(context, workload), limits),
      ]),
    ];
    // The first round also fills the pools and lets the compiler see each cell once.
    for (let k = 0; k < plan.warmUp + plan.runs; k++) {
      for (const [name, take] of takes) {
        const series = row[name];
        if (series.problem) continue;
        const sample = await take();
        if (!("ms" in sample)) series.problem = sample.problem;
        else if (k >= plan.warmUp) series.values.push(sample.ms);
      }
      progress(`fidelity: ${workload.label}, round ${k + 1}/${plan.warmUp + plan.runs}`);
    }
  }
  await liveReportCase(client, plan, limits, results, progress);
  await scaleCase(client, plan, limits, results.scale, progress);
}

/**
 * A %%serial CPU cell with its live report against the same cell with --quiet, send → idle, in
 * alternating pairs after one unmeasured pair.
 */
async function liveReportCase(
  client: KernelClient,
  plan: FidelityPlan,
  limits: CellLimits,
  results: FidelityResults,
  progress: Progress,
): Promise<void> {
  const body = `%%serial -n ${plan.liveTasks}`;
  // Defined in the body, so each task starts from fresh code, as in the fidelity rows.
  const code = (flags: string) => `${body}${flags}\n${WORKLOAD_SOURCE}\nreturn cpuLoop(${plan.liveIterations});`;
  const pair: [keyof FidelityResults["live"], string][] = [
    ["live", code("")],
    ["quiet", code(" --quiet")],
  ];
  for (let k = 0; k < 1 + plan.livePairs; k++) {
    const taken: Partial<Record<keyof FidelityResults["live"], number>> = {};
    // Every other pair runs its --quiet cell first: whatever the first cell of a pair pays (a
    // collection of the last pair's garbage, say) falls on both sides alike.
    for (const [name, cell] of k % 2 ? [...pair].reverse() : pair) {
      const run = await runCell(client, cell, limits);
      if (run.kind === "failed") {
        results.live[name].problem = run.problem;
        return;
      }
      taken[name] = run.toIdleMs;
    }
    // Both halves of a pair or neither, so the k-th of each series is one pair.
    if (k > 0) for (const [name] of pair) results.live[name].values.push(taken[name]!);
  }
  progress(`fidelity: live report against --quiet, ${plan.livePairs} pairs`);
}

async function timedInCell(client: KernelClient, code: string, limits: CellLimits): Promise<Measured> {
  const run = await runCell(client, code, limits);
  if (run.kind === "failed") return run;
  const value = resultNumber(run.iopub);
  return value === undefined ? { problem: "the cell's result held no number" } : { ms: value };
}

/** The first number in the cell's execute_result: `123.4` for a plain cell, `[ 123.4 ]` for a magic. */
export function resultNumber(iopub: readonly Message[]): number | undefined {
  const result = iopub.find((m) => m.header.msg_type === "execute_result");
  const text = (result?.content.data as Record<string, string> | undefined)?.["text/plain"];
  const match = text?.match(/-?\d+(\.\d+)?(e[+-]?\d+)?/i);
  return match ? Number(match[0]) : undefined;
}

function bareNode(source: string, limitMs: number): Promise<Measured> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["-e", source], { timeout: limitMs }, (error, stdout, stderr) => {
      const value = Number(stdout);
      if (error || !Number.isFinite(value))
        resolve({ problem: `bare node failed: ${error?.message ?? stderr.trim()}` });
      else resolve({ ms: value });
    });
  });
}
