/** The words around the timeline: header, summary lines and legend, shared by every rendering. */
import { ExecutorKind, TaskStatus, TimingReport } from "../model/timing";
import { formatMs, formatPercent, formatRatio, plural } from "./format";
import { Layout, Mark, MARKS, SegmentKind } from "./lanes";
import { Summary } from "./summary";
import { memoryLine } from "./memory";

export const EXECUTOR_NAMES: Record<ExecutorKind, string> = {
  threads: "worker_threads",
  processes: "child processes",
  async: "async (event loop, 1 thread)",
  serial: "serial (main thread)",
};

/** How each kind of segment is drawn in text; the other renderings use colours instead. */
export const GLYPHS: Record<SegmentKind, string> = {
  queued: "·",
  startup: "░",
  cpu: "█",
  shared: "▒",
  waiting: "─",
  unknown: "═",
  between: "─",
  slice: "█",
};

export interface Header {
  title: string;
  executor: string;
  /** "running…" while the cell runs, else empty. */
  state: string;
}

export function header(report: TimingReport): Header {
  return { title: report.title, executor: EXECUTOR_NAMES[report.executor], state: report.finished ? "" : "running…" };
}

export function headerLine(report: TimingReport): string {
  const h = header(report);
  return `${h.title} — ${h.executor}${h.state ? ` · ${h.state}` : ""}`;
}

export function summaryLines(report: TimingReport, s: Summary): string[] {
  const lines: string[] = [];
  const busy = s.coresBusy === null ? "" : ` (${s.coresBusy.toFixed(2)} of ${plural(report.cores, "core")} busy)`;
  const covers = report.cpu_covers === "thread" ? " on the whole kernel thread, all tasks" : "";
  const cpu = s.cpu_ms === null ? "CPU n/a" : `CPU ${formatMs(s.cpu_ms)}${covers}${busy}`;
  const wall = `wall ${formatMs(s.wall_ms)}${report.finished ? "" : " so far"}`;
  lines.push(`${wall} · Σ task ${formatMs(s.task_ms)} · ${cpu}`);
  const gain = gainLine(report, s);
  if (gain) lines.push(gain);
  if (s.reading) lines.push(s.reading);
  const statuses = statusLine(report, s);
  if (statuses) lines.push(statuses);
  if (report.note) lines.push(report.note);
  const load = loadLine(report);
  if (load) lines.push(load);
  const memory = memoryLine(report);
  if (memory) lines.push(memory);
  return lines;
}

function gainLine(report: TimingReport, s: Summary): string | null {
  if (report.executor === "serial" && report.finished) return "serial baseline for speedups";
  if (!s.speedup) {
    const unfinished = report.tasks.length - (s.statuses.get("ok") ?? 0);
    if (!report.finished || unfinished === 0) return null;
    return `no speedup: ${unfinished} of ${plural(report.tasks.length, "task")} did not finish ok`;
  }
  const { value, basis } = s.speedup;
  const parts = [
    basis === "serial"
      ? `speedup ${formatRatio(value)} vs serial`
      : basis === "cpu"
        ? `speedup ${formatRatio(value)} Σcpu/wall`
        : `overlap ${formatRatio(value)} Σtask/wall`,
  ];
  const e = s.efficiency;
  if (e) {
    const perCore = e.perCore === null ? "" : `, ${formatPercent(e.perCore)} of ${plural(e.cores, "core")}`;
    parts.push(`efficiency ${formatPercent(e.perWorker)} of ${plural(e.workers, "worker")}${perCore}`);
  }
  return parts.join(" · ");
}

/** From this many cores kept busy by other programs, a run had visibly less of the machine. */
export const LOADED_MACHINE_CORES = 0.5;

function loadLine(report: TimingReport): string | null {
  const others = report.others_busy_cores;
  if (others === undefined || others < LOADED_MACHINE_CORES) return null;
  return (
    `meanwhile other programs kept ${others.toFixed(1)} of ${plural(report.cores, "core")} busy: ` +
    "this run had less of the machine than a quiet one gives"
  );
}

const DONE: TaskStatus[] = ["ok", "error", "crashed", "cancelled", "abandoned"];

function statusLine(report: TimingReport, s: Summary): string | null {
  const count = (status: TaskStatus) => s.statuses.get(status) ?? 0;
  const n = report.tasks.length;
  const marked = (["error", "crashed", "cancelled", "abandoned"] as Mark[])
    .filter((m) => count(m) > 0)
    .map((m) => `${count(m)} ${MARKS[m].symbol} ${m}`);
  if (!report.finished) {
    const done = DONE.reduce((sum, status) => sum + count(status), 0);
    const parts = [`${done} of ${plural(n, "task")} done`];
    if (count("running") > 0) parts.push(`${count("running")} running`);
    if (count("queued") > 0) parts.push(`${count("queued")} queued`);
    return [...parts, ...marked].join(" · ");
  }
  if (marked.length === 0 && count("ok") === n) return null;
  return `${plural(n, "task")}: ${[`${count("ok")} ok`, ...marked].join(" · ")}`;
}

export interface LegendEntry {
  key: SegmentKind | Mark;
  text: string;
}

/** Legend lines: entries for what this report draws, and for marks only when some appear. */
export function legend(report: TimingReport, layout: Layout): LegendEntry[][] {
  const kinds = new Set(layout.lanes.flatMap((l) => l.segments.map((s) => s.kind)));
  const marks = new Set(layout.lanes.flatMap((l) => l.marks.map((m) => m.mark)));
  const lines: LegendEntry[][] = [];
  if (kinds.has("slice") || kinds.has("between")) {
    lines.push([
      { key: "slice", text: "on the CPU (this task holds the one JS thread)" },
      { key: "between", text: "waiting (timer / I/O / queued behind other tasks)" },
    ]);
  }
  if (kinds.has("cpu") || kinds.has("shared") || kinds.has("waiting")) {
    lines.push([
      { key: "cpu", text: "≥75% of a core" },
      { key: "shared", text: "35–75% (sharing a core)" },
      { key: "waiting", text: "mostly waiting (timer / I/O)" },
    ]);
  }
  const extra: LegendEntry[] = [];
  if (kinds.has("unknown")) {
    // Under %%async per-task CPU is left unmeasured on purpose (a clock read around every callback
    // made await-heavy tasks hundreds of times slower), which is not the same as unmeasurable.
    const unknown =
      report.cpu_covers === "thread"
        ? "running (per-task CPU not measured: tasks share the one thread; CPU above is the thread's)"
        : "CPU n/a (cannot be measured here)";
    extra.push({ key: "unknown", text: report.finished ? unknown : "CPU not known yet" });
  }
  if (kinds.has("startup")) {
    const how = report.executor === "processes" ? "fork + Node bootstrap" : "new thread + Node bootstrap";
    extra.push({ key: "startup", text: `starting the executor (${how})` });
  }
  if (kinds.has("queued")) extra.push({ key: "queued", text: "queued (waiting for a free worker)" });
  if (extra.length > 0) lines.push(extra);
  const present = (Object.keys(MARKS) as Mark[]).filter((m) => marks.has(m));
  if (present.length > 0) lines.push(present.map((m) => ({ key: m, text: MARKS[m].meaning })));
  return lines;
}

export function isMark(key: SegmentKind | Mark): key is Mark {
  return key in MARKS;
}
