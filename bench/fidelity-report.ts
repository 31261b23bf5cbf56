/**
 * The fidelity table (issue #14, "the instrument must not bend the lesson"): each workload timed
 * inside a plain cell and each magic, against bare `node` running the same function in the same
 * run. Pure: results in, lines out.
 */
import { ratio } from "./format";
import { CONTEXTS, WORKLOADS } from "./fidelity-workloads";
import { figure, Series } from "./series";
import { median, percentile } from "./stats";
import { renderColumns } from "./table";
import type { Verdict } from "./verdict";
import { emptyScaleResults, ScaleResults, scaleLine, scaleVerdict } from "./fidelity-scale";

export interface FidelityPlan {
  warmUp: number;
  runs: number;
  /** The live-report row: a %%serial cell of this many CPU loops of this many iterations. */
  liveTasks: number;
  liveIterations: number;
  /** Alternating pairs of that cell with its report and with --quiet, after one unmeasured pair. */
  livePairs: number;
}

/** As many live/quiet pairs as a median and a middle half need, fewer for a short run (CI). */
export function livePairsFor(runs: number): number {
  return Math.min(16, Math.max(8, 4 * runs));
}

export type FidelityRow = Record<"bare" | (typeof CONTEXTS)[number], Series>;

export interface FidelityResults {
  node: string;
  rows: FidelityRow[];
  live: { live: Series; quiet: Series };
  scale: ScaleResults;
  problems: string[];
}

/** Inside a cell or a task, a workload may take at most this multiple of bare node. */
export const FIDELITY_RATIO = 1.15;
/** The live report may add at most this share to a %%serial CPU cell. */
export const LIVE_REPORT_RATIO = 1.03;

export function emptyFidelityResults(plan: FidelityPlan, node: string): FidelityResults {
  const series = (): Series => ({ planned: plan.runs, values: [] });
  const row = (): FidelityRow => ({
    bare: series(),
    plain: series(),
    serial: series(),
    async: series(),
    threads: series(),
    processes: series(),
  });
  return {
    node,
    rows: WORKLOADS.map(row),
    live: { live: { planned: plan.livePairs, values: [] }, quiet: { planned: plan.livePairs, values: [] } },
    scale: emptyScaleResults(plan.runs),
    problems: [],
  };
}

const HEADS: Record<(typeof CONTEXTS)[number], string> = {
  plain: "plain cell",
  serial: "%%serial -n 1",
  async: "%%async -n 1",
  threads: "%%threads -n 1",
  processes: "%%processes -n 1",
};

/** One line per workload: bare node, then each context as its median and its ratio to bare node. */
export function fidelitySection(results: FidelityResults, plan: FidelityPlan): string[] {
  const header = [
    "Workload (medians, timed inside)",
    "bare node",
    ...CONTEXTS.map((c) => HEADS[c]),
    "Target",
    "Result",
  ];
  const body = WORKLOADS.map((workload, w) => {
    const row = results.rows[w];
    const bare = middle(row.bare);
    const ratios = CONTEXTS.map((c) => (bare === undefined ? undefined : ratioOf(row[c], bare)));
    return [
      workload.label,
      figure(row.bare),
      ...CONTEXTS.map((c, k) => `${figure(row[c])}${ratios[k] === undefined ? "" : ` (${ratio(ratios[k]!)})`}`),
      `≤ ${ratio(FIDELITY_RATIO)} bare`,
      verdict(ratios, FIDELITY_RATIO),
    ];
  });
  const live = liveRatios(results);
  const liveLine =
    `Live report: %%serial -n ${plan.liveTasks} of cpuLoop(${plan.liveIterations}), send → idle, ` +
    `${plan.livePairs} alternating pairs: ` +
    `${figure(results.live.live)} with the report, ${figure(results.live.quiet)} with --quiet` +
    (live === undefined
      ? ""
      : `; per pair ${ratio(live.median)} (middle half ${ratio(live.lower)}–${ratio(live.upper)}; ` +
        `target ≤ ${ratio(LIVE_REPORT_RATIO)}: ${live.median <= LIVE_REPORT_RATIO ? "PASS" : "FAIL"})`) +
    [results.live.live, results.live.quiet]
      .filter((s) => s.problem)
      .map((s) => `; stopped: ${s.problem}`)
      .join("");
  const stopped = results.rows.flatMap((row, w) =>
    Object.entries(row)
      .filter(([, s]) => s.problem)
      .map(
        ([name, s]) => `${WORKLOADS[w].label}, ${name}: stopped after ${s.values.length}/${s.planned}: ${s.problem}`,
      ),
  );
  return [
    `## Fidelity: the same function in bare node and inside the kernel (Node ${results.node})`,
    "",
    `- Each sample runs the function once unmeasured, then times three runs and keeps the fastest (performance.now() inside the cell or task); ` +
      `${plan.warmUp} warm-up round(s), then ${plan.runs} rounds, one sample of every column in turn`,
    "- Magic cells run with their live report, which redraws on the kernel's thread between task callbacks",
    "",
    renderColumns(header, body),
    "",
    `- ${liveLine}`,
    `- ${scaleLine(results.scale)}`,
    ...[...stopped, ...results.problems].map((p) => `- ${p}`),
  ];
}

/** Each workload's verdict and the live report's, for the bench's summary line. */
export function fidelityVerdicts(results: FidelityResults): { label: string; verdict: Verdict }[] {
  const rows = WORKLOADS.map((workload, w) => {
    const row = results.rows[w];
    const bare = middle(row.bare);
    const ratios = CONTEXTS.map((c) => (bare === undefined ? undefined : ratioOf(row[c], bare)));
    return { label: `fidelity: ${workload.label}`, verdict: verdict(ratios, FIDELITY_RATIO) };
  });
  const live = liveRatios(results);
  const liveVerdict: Verdict = live === undefined ? "n/a" : live.median <= LIVE_REPORT_RATIO ? "PASS" : "FAIL";
  return [
    ...rows,
    { label: "fidelity: live report against --quiet", verdict: liveVerdict },
    { label: "fidelity: 10,000 async waits", verdict: scaleVerdict(results.scale) },
  ];
}

/**
 * Each cell with its report over the --quiet cell run right after it: the pair shares the
 * machine's moment, so the ratio carries less of its noise than two medians would. Their median
 * is judged; the middle half (25th to 75th percentile) shows how far to trust it.
 */
export function liveRatios(results: FidelityResults): { median: number; lower: number; upper: number } | undefined {
  const { live, quiet } = results.live;
  const ratios = live.values.slice(0, quiet.values.length).map((l, k) => l / quiet.values[k]);
  if (ratios.length === 0 || ratios.some((r) => !Number.isFinite(r))) return undefined;
  return { median: median(ratios), lower: percentile(ratios, 25), upper: percentile(ratios, 75) };
}

/** The row's verdict: every context within the ratio; n/a while any lacks a figure. */
function verdict(ratios: (number | undefined)[], limit: number): Verdict {
  if (ratios.some((r) => r === undefined)) return "n/a";
  return ratios.every((r) => r! <= limit) ? "PASS" : "FAIL";
}

function ratioOf(series: Series, bare: number): number | undefined {
  const m = middle(series);
  return m === undefined || bare <= 0 ? undefined : m / bare;
}

function middle(series: Series): number | undefined {
  return series.values.length ? median(series.values) : undefined;
}
