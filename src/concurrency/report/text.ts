/** text/plain: the timeline as Unicode box lanes, for terminals, nbconvert and the notebook runner. */
import { TimingReport } from "../model/timing";
import { GLYPHS, headerLine, isMark, legend, summaryLines } from "./captions";
import { formatAxisMs } from "./format";
import { Lane, laneTimes, Layout, MARKS } from "./lanes";
import { Summary } from "./summary";

/** Columns of bar between the two "│". */
export const TEXT_BAR_WIDTH = 50;

/** The cells [from, to) an interval covers: at least one, so a short slice stays visible. */
function cells(from: number, to: number, end: number): [number, number] {
  const first = Math.min(TEXT_BAR_WIDTH - 1, Math.max(0, Math.round((from / end) * TEXT_BAR_WIDTH)));
  const last = Math.min(TEXT_BAR_WIDTH, Math.round((to / end) * TEXT_BAR_WIDTH));
  return [first, Math.max(first + 1, last)];
}

export function laneBar(lane: Lane, end: number): string {
  const bar: string[] = new Array(TEXT_BAR_WIDTH).fill(" ");
  let run: [number, number] | null = null;
  for (const segment of lane.segments) {
    let [first, last] = cells(segment.from, segment.to, end);
    if (segment.kind === "between") run = [first, last];
    // An on-CPU slice at the very end of a task must not poke out past its bar.
    if (segment.kind === "slice" && run) {
      first = Math.min(Math.max(first, run[0]), run[1] - 1);
      last = Math.max(first + 1, Math.min(last, run[1]));
    }
    bar.fill(GLYPHS[segment.kind], first, last);
  }
  return bar.join("");
}

function markText(lane: Lane): string {
  return lane.marks.map((m) => (m.at === null ? `${MARKS[m.mark].symbol}×${m.count}` : MARKS[m.mark].symbol)).join(" ");
}

export function renderText(report: TimingReport, layout: Layout, summary: Summary): string {
  const labelWidth = Math.max(0, ...layout.lanes.map((l) => l.label.length));
  const anyMarks = layout.lanes.some((l) => l.marks.length > 0);
  const lines = [headerLine(report)];
  for (const lane of layout.lanes) {
    const marks = markText(lane);
    const prefix = marks ? `${marks} ` : anyMarks ? "  " : "";
    const bar = laneBar(lane, layout.end);
    lines.push(`${lane.label.padEnd(labelWidth)} │${bar}│ ${prefix}${laneTimes(lane)}`);
  }
  const endLabel = formatAxisMs(layout.end);
  const indent = " ".repeat(labelWidth + 2);
  lines.push(`${indent}0${endLabel.padStart(TEXT_BAR_WIDTH - 1)}`);
  lines.push(...summaryLines(report, summary));
  for (const entries of legend(report, layout)) {
    lines.push(entries.map((e) => `${isMark(e.key) ? MARKS[e.key].symbol : GLYPHS[e.key]} ${e.text}`).join("  "));
  }
  return lines.join("\n");
}
