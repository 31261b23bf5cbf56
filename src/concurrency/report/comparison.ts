/**
 * The one report of a %%compare cell: each model's timing report, stacked in the order they ran
 * on their own clocks, then a table that puts their wall times side by side. Pure, like the
 * single report it is built from.
 */
import { ExecutorKind, memoryEach, memoryUnit, TimingMetadata, TimingReport } from "../model/timing";
import { renderReport } from "./bundle";
import { formatMs, formatRatio } from "./format";
import { escapeHtml } from "./html";
import { memoryPerUnit } from "./memory";

export interface ComparisonRow {
  model: ExecutorKind;
  wall_ms: number;
  cpu_ms: number | null;
  speedup: number | null;
  /** What one unit held (an async or serial task, a thread, a process), as the report's memory line measured it. */
  memory_each_bytes: number | null;
  memory_unit: "task" | "thread" | "process" | null;
}

export interface ComparisonBundle {
  data: { "text/plain": string; "text/html": string; "image/svg+xml"?: string };
  /** `timing` holds one entry per model run so far, in the order they ran (absent for the table alone). */
  metadata: { timing?: TimingMetadata[]; comparison: ComparisonRow[] };
}

/** Rows for the finished runs; speedups against the serial run, when it finished first. */
export function comparisonRows(reports: TimingReport[]): ComparisonRow[] {
  const finished = reports.filter((r) => r.finished);
  const serial = finished.find((r) => r.executor === "serial")?.wall_ms;
  return finished.map((r) => ({
    model: r.executor,
    wall_ms: r.wall_ms,
    cpu_ms: r.cpu_ms,
    speedup: serial === undefined || r.wall_ms <= 0 ? null : serial / r.wall_ms,
    memory_each_bytes: r.memory ? memoryEach(r.memory) : null,
    memory_unit: r.memory ? memoryUnit(r.memory) : null,
  }));
}

/** With `lanes: false` (a --quiet cell) only the heading and the table are drawn. */
export function renderComparison(title: string, reports: TimingReport[], { lanes = true } = {}): ComparisonBundle {
  const bundles = lanes ? reports.map(renderReport) : [];
  const rows = comparisonRows(reports);
  const heading = `${title}: the same body under each model`;
  const table = rows.length ? tableOf(rows, reports) : undefined;
  const text = [heading, ...bundles.map((b) => b.data["text/plain"]), ...(table ? [table.text] : [])].join("\n\n");
  const html =
    `<div style="font-size:12px"><div style="margin:4px 0;font-weight:bold">${escapeHtml(heading)}</div>` +
    bundles.map((b) => `<div style="margin:6px 0 10px">${b.data["text/html"]}</div>`).join("") +
    (table ? table.html : "") +
    `</div>`;
  return {
    data: lanes
      ? {
          "text/plain": text,
          "text/html": html,
          "image/svg+xml": stackSvgs(bundles.map((b) => b.data["image/svg+xml"])),
        }
      : { "text/plain": text, "text/html": html },
    metadata: lanes ? { timing: bundles.map((b) => b.metadata.timing), comparison: rows } : { comparison: rows },
  };
}

const MEMORY_NOTE =
  "memory: what one task on the kernel thread (heap growth), one thread (its V8 heap) or one process (its RSS) held; each report above says how it was read";

function tableOf(rows: ComparisonRow[], reports: TimingReport[]): { text: string; html: string } {
  const finished = reports.filter((r) => r.finished);
  const cells = rows.map((r, k) => [
    `%%${r.model}`,
    formatMs(r.wall_ms),
    r.cpu_ms === null ? "n/a" : formatMs(r.cpu_ms),
    memoryPerUnit(finished[k].memory),
    r.speedup === null ? "" : formatRatio(r.speedup),
  ]);
  const head = ["model", "wall", "CPU", "memory", "speedup vs serial"];
  const widths = head.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k].length)));
  const line = (c: string[]) =>
    c
      .map((x, k) => x.padEnd(widths[k]))
      .join("  ")
      .trimEnd();
  const text = [line(head), ...cells.map(line), MEMORY_NOTE].join("\n");
  const best = Math.min(...rows.map((r) => r.wall_ms));
  const td = (x: string, bold: boolean) =>
    `<td style="padding:2px 10px;text-align:right;font-family:monospace${bold ? ";font-weight:bold" : ""}">${x}</td>`;
  const html =
    `<table style="border-collapse:collapse"><tr>${head.map((h) => `<th style="padding:2px 10px;text-align:right">${h}</th>`).join("")}</tr>` +
    rows.map((r, k) => `<tr>${cells[k].map((c) => td(c, r.wall_ms === best)).join("")}</tr>`).join("") +
    `</table>` +
    `<div style="margin-top:2px;opacity:0.8">${escapeHtml(MEMORY_NOTE)}</div>`;
  return { text, html };
}

/** One SVG for export: the models' drawings one under another, each keeping its own size. */
function stackSvgs(svgs: string[]): string {
  const sizes = svgs.map((svg) => {
    const m = /<svg[^>]*\bwidth="(\d+(?:\.\d+)?)"[^>]*\bheight="(\d+(?:\.\d+)?)"/.exec(svg);
    return m ? { width: Number(m[1]), height: Number(m[2]) } : { width: 0, height: 0 };
  });
  const gap = 8;
  const width = Math.max(0, ...sizes.map((s) => s.width));
  let y = 0;
  const placed = svgs.map((svg, k) => {
    const at = y;
    y += sizes[k].height + gap;
    return svg.replace(/^<svg /, `<svg x="0" y="${at}" `);
  });
  const height = Math.max(0, y - gap);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${placed.join("")}</svg>`;
}
