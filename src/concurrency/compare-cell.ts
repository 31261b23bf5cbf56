import { CellOutput, ExecuteOutcome } from "../interpreter/interpreter";
import { ConcurrentCell, ConcurrentCellHost, runConcurrentCell } from "./concurrent-cell";
import { ExecutorKind, TimingReport } from "./timing";
import { formatMs } from "./report/format";

const MODELS: ExecutorKind[] = ["serial", "async", "threads", "processes"];

interface Row {
  model: ExecutorKind;
  wall_ms: number;
  cpu_ms: number | null;
  speedup: number | null;
}

/**
 * %%compare: the same body under every model, serial first so that the others have a baseline,
 * each with its live report, then one table that puts their wall times side by side.
 */
export async function runCompareCell(
  host: ConcurrentCellHost,
  cell: Omit<ConcurrentCell, "executor">,
  output: CellOutput,
  interrupt: AbortSignal,
): Promise<ExecuteOutcome> {
  const rows: Row[] = [];
  for (const model of MODELS) {
    let report: TimingReport | undefined;
    const outcome = await runConcurrentCell(
      host,
      { ...cell, executor: model, title: `${cell.title} → %%${model}` },
      output,
      interrupt,
      (r) => (report = r),
    );
    if (outcome.kind === "error") return outcome;
    const serial = rows[0]?.wall_ms;
    rows.push({
      model,
      wall_ms: report!.wall_ms,
      cpu_ms: report!.cpu_ms,
      speedup: serial === undefined ? 1 : serial / report!.wall_ms,
    });
  }
  output.display(comparisonBundle(cell.title, rows), { comparison: rows });
  return { kind: "ok", result: { data: { "text/plain": rows.map((r) => `${r.model}: ${formatMs(r.wall_ms)}`).join(", ") }, metadata: {} } };
}

function comparisonBundle(title: string, rows: Row[]) {
  const cells = rows.map((r) => [
    `%%${r.model}`,
    formatMs(r.wall_ms),
    r.cpu_ms === null ? "n/a" : formatMs(r.cpu_ms),
    r.speedup === null ? "" : `${r.speedup.toFixed(2)}×`,
  ]);
  const head = ["model", "wall", "CPU", "speedup vs serial"];
  const widths = head.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k].length)));
  const line = (c: string[]) => c.map((x, k) => x.padEnd(widths[k])).join("  ").trimEnd();
  const text = [`${title}: the same body under each model`, line(head), ...cells.map(line)].join("\n");
  const td = (x: string, bold = false) =>
    `<td style="padding:2px 10px;text-align:right;font-family:monospace${bold ? ";font-weight:bold" : ""}">${x}</td>`;
  const best = Math.min(...rows.map((r) => r.wall_ms));
  const html =
    `<div style="font-size:12px"><div style="margin:4px 0">${escapeHtml(title)}: the same body under each model</div>` +
    `<table style="border-collapse:collapse"><tr>${head.map((h) => `<th style="padding:2px 10px;text-align:right">${h}</th>`).join("")}</tr>` +
    rows.map((r, k) => `<tr>${cells[k].map((c) => td(c, r.wall_ms === best)).join("")}</tr>`).join("") +
    `</table></div>`;
  return { "text/plain": text, "text/html": html };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
