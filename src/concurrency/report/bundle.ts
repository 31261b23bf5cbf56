/** The display bundle of a timing report: pure, so the same report always renders the same bytes. */
import { TimingMetadata, TimingReport } from "../model/timing";
import { toColumns } from "../model/task-columns";
import { renderHtml } from "./html";
import { layoutReport } from "./layout";
import { summarize } from "./summary";
import { renderSvg } from "./svg";
import { renderText } from "./text";

export interface ReportBundle {
  data: { "text/plain": string; "text/html": string; "image/svg+xml": string };
  metadata: { timing: TimingMetadata };
}

export function timingMetadata(report: TimingReport): TimingMetadata {
  return {
    executor: report.executor,
    wall_ms: report.wall_ms,
    cpu_ms: report.cpu_ms,
    ...(report.cpu_covers ? { cpu_covers: report.cpu_covers } : {}),
    ...(report.memory ? { memory: report.memory } : {}),
    ...(report.others_busy_cores !== undefined ? { others_busy_cores: report.others_busy_cores } : {}),
    tasks: toColumns(report.tasks),
  };
}

export function renderReport(report: TimingReport): ReportBundle {
  const layout = layoutReport(report);
  const summary = summarize(report);
  return {
    data: {
      "text/plain": renderText(report, layout, summary),
      "text/html": renderHtml(report, layout, summary),
      "image/svg+xml": renderSvg(report, layout, summary),
    },
    metadata: { timing: timingMetadata(report) },
  };
}
