/** What a timeline is made of (lanes of segments and marks), and the lane of one task. */
import { TaskStatus, TaskTiming, TimingReport } from "../model/timing";
import { formatMs, percentOf } from "./format";
import { cpuShare, Shade, shadeOf, taskEnd } from "./summary";

export const MAX_TASK_LANES = 32;
/** A task that waited less than this for a worker was dispatched, not queued: nothing is drawn. */
export const QUEUE_VISIBLE_MS = 1;

/**
 * queued: waiting for a free worker · startup: its worker being started · a Shade: running, by CPU
 * share · between: running but off the CPU, under on-CPU slices · slice: holding the CPU (%%async).
 */
export type SegmentKind = "queued" | "startup" | Shade | "between" | "slice";

export interface Segment {
  kind: SegmentKind;
  from: number;
  to: number;
  title: string;
}

export type Mark = "error" | "crashed" | "cancelled" | "abandoned";

export const MARKS: Record<Mark, { symbol: string; meaning: string }> = {
  error: { symbol: "✗", meaning: "error" },
  crashed: { symbol: "⚡", meaning: "worker crashed" },
  cancelled: { symbol: "✂", meaning: "cancelled (interrupt / timeout)" },
  abandoned: { symbol: "…", meaning: "abandoned (still pending when interrupted)" },
};

export interface LaneMark {
  mark: Mark;
  count: number;
  /** Where on the axis to draw it; null when the lane only counts them (lanes per worker). */
  at: number | null;
}

export interface Lane {
  label: string;
  /** Hover text for the whole lane. */
  title: string;
  segments: Segment[];
  marks: LaneMark[];
  /** "0.5 ms → 642 ms", "queued", "1.2 ms → running" */
  span: string;
  /** "cpu 330 ms", "cpu n/a", "cpu …" while unknown yet, or "" for a task that has not started. */
  cpu: string;
}

export interface Layout {
  perSlot: boolean;
  /** The time the axis ends at, in ms (a round number ≥ every time drawn). */
  end: number;
  /** Where the cell's wall time falls on the axis. */
  wall: number;
  lanes: Lane[];
}

export function markOf(status: TaskStatus): Mark | null {
  return status === "error" || status === "crashed" || status === "cancelled" || status === "abandoned" ? status : null;
}

export function cpuText(cpu: number | null): string {
  return cpu === null ? "cpu n/a" : `cpu ${formatMs(cpu)}`;
}

/** The part of a task before its bar: where its worker was being started. */
export function startupFrom(task: TaskTiming): number | null {
  if (task.start_ms === null || task.startup_ms === null || task.startup_ms <= 0) return null;
  return Math.max(0, task.start_ms - task.startup_ms);
}

export function taskLane(report: TimingReport, task: TaskTiming): Lane {
  // A queued task has no place yet: the tracker leaves `where` empty until a worker takes it.
  const name = task.where ? `task ${task.i} · ${task.where}` : `task ${task.i}`;
  const end = taskEnd(task, report);
  const segments: Segment[] = [];
  const waitedUntil = startupFrom(task) ?? task.start_ms ?? report.wall_ms;
  if (poolIsFull(report) && waitedUntil - task.queued_ms >= QUEUE_VISIBLE_MS) {
    const title = `${name}: queued ${formatMs(waitedUntil - task.queued_ms)}, waiting for a free worker`;
    segments.push({ kind: "queued", from: task.queued_ms, to: waitedUntil, title });
  }
  const startupStart = startupFrom(task);
  if (startupStart !== null && task.start_ms !== null) {
    const title = `${name}: starting its worker took ${formatMs(task.start_ms - startupStart)}`;
    segments.push({ kind: "startup", from: startupStart, to: task.start_ms, title });
  }
  if (task.start_ms !== null && end !== null) segments.push(...runSegments(report, task, name, end));
  const mark = markOf(task.status);
  const at = end ?? Math.max(task.queued_ms, report.wall_ms);
  return {
    label: name,
    title: laneTitle(report, task, name, segments),
    segments,
    marks: mark ? [{ mark, count: 1, at }] : [],
    span: spanText(report, task, end),
    cpu: task.start_ms === null ? "" : task.cpu_ms === null && !report.finished ? "cpu …" : cpuText(task.cpu_ms),
  };
}

/**
 * Only a pool smaller than the number of tasks makes tasks wait for a worker; %%serial runs them one
 * after another on purpose, and a short wait before any start is dispatch, not queueing.
 */
function poolIsFull(report: TimingReport): boolean {
  return report.executor !== "serial" && report.workers < report.tasks.length;
}

function runSegments(report: TimingReport, task: TaskTiming, name: string, end: number): Segment[] {
  const start = task.start_ms as number;
  const share = cpuShare(task, report);
  const shareText = share === null ? "CPU share n/a" : `${Math.round(share * 100)}% of a core`;
  const runTitle = `${name}: ${formatMs(start)} → ${formatMs(end)}, ${cpuText(task.cpu_ms)} (${shareText})`;
  if (task.on_cpu === undefined) return [{ kind: shadeOf(share), from: start, to: end, title: runTitle }];
  const segments: Segment[] = [{ kind: "between", from: start, to: end, title: runTitle }];
  for (const [from, to] of task.on_cpu) {
    const a = Math.max(from, start);
    const b = Math.min(to, end);
    if (b < a) continue;
    segments.push({
      kind: "slice",
      from: a,
      to: b,
      title: `${name}: on the CPU for ${formatMs(b - a)} at ${formatMs(a)}`,
    });
  }
  return segments;
}

function spanText(report: TimingReport, task: TaskTiming, end: number | null): string {
  if (task.start_ms === null) return task.status === "queued" ? "queued" : "not started";
  // Once the cell is over, a task without an end was left behind, not still running.
  const to = task.end_ms !== null ? formatMs(end as number) : report.finished ? "pending" : "running";
  return `${formatMs(task.start_ms)} → ${to}`;
}

function laneTitle(report: TimingReport, task: TaskTiming, name: string, segments: Segment[]): string {
  const parts = [`${name}: ${task.status}`, spanText(report, task, taskEnd(task, report)), cpuText(task.cpu_ms)];
  if (task.startup_ms !== null) parts.push(`start-up ${formatMs(task.startup_ms)}`);
  const queued = segments.find((s) => s.kind === "queued");
  if (queued) parts.push(`waited ${formatMs(queued.to - queued.from)} for a worker`);
  return parts.join(", ");
}

/** "0.5 ms → 642 ms · cpu 330 ms" */
export function laneTimes(lane: Lane): string {
  return lane.cpu ? `${lane.span} · ${lane.cpu}` : lane.span;
}

/** What the rich renderings print right of a bar: failures a lane only counts come first. */
export function rightText(lane: Lane): string {
  const counted = lane.marks.filter((m) => m.at === null).map((m) => `${MARKS[m.mark].symbol}×${m.count} `);
  return `${counted.join("")}${laneTimes(lane)}`;
}

/** CSS left/width of an interval, in percent of the axis. */
export function cssSpan(from: number, to: number, end: number, minWidth = 0): { left: string; width: string } {
  const left = percentOf(from, end);
  const width = Math.max(Number(percentOf(to, end)) - Number(left), minWidth);
  return { left, width: String(Number(width.toFixed(2))) };
}
