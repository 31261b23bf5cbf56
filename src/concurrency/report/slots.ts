/**
 * Lanes per worker slot, for reports with too many tasks for a lane each. Each lane is sampled
 * into a bounded number of buckets, so the size of the rendered report does not grow with the
 * number of tasks: neighbouring buckets of the same kind merge into one segment.
 */
import { TaskTiming, TimingReport } from "../model/timing";
import { formatMs, plural } from "./format";
import { cpuText, Lane, LaneMark, Mark, markOf, MAX_TASK_LANES, Segment, SegmentKind, startupFrom } from "./lanes";
import { cpuShare, shadeOf, taskEnd } from "./summary";

/** Buckets over all lanes together: bounds the HTML of any report to well under 100 KB. */
export const BUCKET_BUDGET = 640;
export const MAX_BUCKETS_PER_LANE = 100;
/** A bucket less covered than this stays empty. */
const MIN_COVER = 0.25;
/** A kind covering this much of a bucket takes it, in PRIORITY order; else the kind covering most. */
const MAJORITY = 0.5;
/** CPU use is what the lesson is about: on-CPU time wins over the waiting it interrupts. */
const PRIORITY: SegmentKind[] = ["slice", "cpu", "shared", "unknown", "waiting", "between", "startup"];
const DESCRIBE: Record<SegmentKind, string> = {
  slice: "on the CPU",
  cpu: "≥75% of a core",
  shared: "35–75% of a core",
  unknown: "CPU n/a",
  waiting: "mostly waiting",
  between: "waiting",
  startup: "starting workers",
  queued: "queued",
};

interface Group {
  slots: number[];
  tasks: TaskTiming[];
}

export function slotLanes(report: TimingReport, tasks: TaskTiming[], end: number): Lane[] {
  // A task that has not started has no slot yet (the summary counts it as queued).
  const groups = groupSlots(tasks.filter((t) => t.start_ms !== null));
  if (groups.length === 0) return [];
  const buckets = Math.max(1, Math.min(MAX_BUCKETS_PER_LANE, Math.floor(BUCKET_BUDGET / groups.length)));
  return groups.map((group) => groupLane(report, group, end, buckets));
}

/** One group per slot; past MAX_TASK_LANES slots, neighbouring slots share a lane evenly. */
function groupSlots(tasks: TaskTiming[]): Group[] {
  // %%async runs every task on slot 0: one lane of all the tasks, without regrouping them.
  if (tasks.length === 0) return [];
  if (tasks.every((t) => t.slot === tasks[0].slot)) return [{ slots: [tasks[0].slot], tasks }];
  const bySlot = new Map<number, TaskTiming[]>();
  for (const task of tasks) {
    const list = bySlot.get(task.slot);
    if (list) list.push(task);
    else bySlot.set(task.slot, [task]);
  }
  const slots = [...bySlot.keys()].sort((a, b) => a - b);
  const lanes = Math.min(slots.length, MAX_TASK_LANES);
  const groups: Group[] = [];
  for (let k = 0; k < lanes; k++) {
    const chunk = slots.slice(Math.floor((k * slots.length) / lanes), Math.floor(((k + 1) * slots.length) / lanes));
    groups.push({ slots: chunk, tasks: chunk.flatMap((s) => bySlot.get(s) ?? []) });
  }
  return groups;
}

function groupLabel(group: Group): string {
  const count = plural(group.tasks.length, "task");
  if (group.slots.length > 1) return `slots ${group.slots[0]}–${group.slots[group.slots.length - 1]} · ${count}`;
  const wheres = new Set(group.tasks.map((t) => t.where));
  const name = wheres.size === 1 ? group.tasks[0].where : `slot ${group.slots[0]}`;
  return `${name} · ${count}`;
}

/**
 * Time each kind spends in a task, as intervals handed to `add` (no array per task: a lane of
 * 10,000 tasks is drawn on every live redraw). Together they cover one stretch of time, from its
 * worker's start-up (or its own start) to its end.
 */
function intervals(
  report: TimingReport,
  task: TaskTiming,
  add: (kind: SegmentKind, from: number, to: number) => void,
): void {
  const startup = startupFrom(task);
  const end = taskEnd(task, report);
  if (startup !== null && task.start_ms !== null) add("startup", startup, task.start_ms);
  if (task.start_ms === null || end === null) return;
  if (task.on_cpu === undefined) return add(shadeOf(cpuShare(task, report)), task.start_ms, end);
  add("between", task.start_ms, end);
  for (const [from, to] of task.on_cpu) add("slice", from, to);
}

function groupLane(report: TimingReport, group: Group, end: number, buckets: number): Lane {
  const width = end / buckets;
  const cover = new BucketCover(buckets, width);
  // Each task's stretch of time, for the hover text of the segments it falls in.
  const from = new Float64Array(group.tasks.length).fill(Infinity);
  const to = new Float64Array(group.tasks.length).fill(-Infinity);
  let k = 0;
  const add = (kind: SegmentKind, a: number, b: number) => {
    if (b <= a) return;
    from[k] = Math.min(from[k], a);
    to[k] = Math.max(to[k], b);
    cover.add(kind, a, b);
  };
  for (k = 0; k < group.tasks.length; k++) intervals(report, group.tasks[k], add);
  const kinds = cover.perBucket().map((c) => winner(c, width));
  const segments: Segment[] = [];
  for (let b = 0; b < buckets; b++) {
    const kind = kinds[b];
    if (kind === null) continue;
    const last = segments[segments.length - 1];
    if (last && last.kind === kind && last.to === b * width) last.to = (b + 1) * width;
    else segments.push({ kind, from: b * width, to: (b + 1) * width, title: "" });
  }
  for (const segment of segments) segment.title = segmentTitle(segment, group.tasks, from, to);
  return laneSummary(report, group, segments);
}

/**
 * How long each kind covers each bucket. The buckets a span passes through whole are added as a
 * difference (one entry where it enters, one where it leaves) and summed once at the end, so a
 * lane of 10,000 overlapping async tasks costs a pass over the tasks, not tasks × buckets.
 */
class BucketCover {
  private readonly edges = new Map<SegmentKind, { partial: Float64Array; whole: Float64Array }>();

  constructor(
    private readonly buckets: number,
    private readonly width: number,
  ) {}

  add(kind: SegmentKind, from: number, to: number): void {
    let e = this.edges.get(kind);
    if (!e) {
      e = { partial: new Float64Array(this.buckets), whole: new Float64Array(this.buckets + 1) };
      this.edges.set(kind, e);
    }
    const w = this.width;
    const first = Math.max(0, Math.floor(from / w));
    const last = Math.min(this.buckets - 1, Math.floor(to / w));
    if (first > last) return;
    const overlap = (b: number) => Math.max(0, Math.min(to, (b + 1) * w) - Math.max(from, b * w));
    e.partial[first] += overlap(first);
    if (last === first) return;
    e.partial[last] += overlap(last);
    if (last > first + 1) {
      e.whole[first + 1] += w;
      e.whole[last] -= w;
    }
  }

  perBucket(): Map<SegmentKind, number>[] {
    const out = Array.from({ length: this.buckets }, () => new Map<SegmentKind, number>());
    for (const [kind, { partial, whole }] of this.edges) {
      let running = 0;
      for (let b = 0; b < this.buckets; b++) {
        running += whole[b];
        const v = running + partial[b];
        if (v > 0) out[b].set(kind, v);
      }
    }
    return out;
  }
}

function winner(cover: Map<SegmentKind, number>, width: number): SegmentKind | null {
  let total = 0;
  for (const v of cover.values()) total += v;
  if (Math.min(total, width) < MIN_COVER * width) return null;
  // Overlapping tasks (on the event loop) can cover a bucket many times over: cap at its width.
  const covered = (kind: SegmentKind) => Math.min(cover.get(kind) ?? 0, width);
  const major = PRIORITY.find((kind) => covered(kind) >= MAJORITY * width);
  if (major) return major;
  let best: SegmentKind | null = null;
  for (const kind of PRIORITY) if (best === null || covered(kind) > covered(best)) best = kind;
  return best;
}

function segmentTitle(segment: Segment, tasks: TaskTiming[], from: Float64Array, to: Float64Array): string {
  const ids: number[] = [];
  let sorted = true;
  for (let k = 0; k < tasks.length; k++) {
    if (!(from[k] < segment.to && to[k] > segment.from)) continue;
    if (ids.length > 0 && tasks[k].i < ids[ids.length - 1]) sorted = false;
    ids.push(tasks[k].i);
  }
  if (!sorted) ids.sort((a, b) => a - b);
  const what = `${DESCRIBE[segment.kind]}, ${formatMs(segment.from)} → ${formatMs(segment.to)}`;
  return ids.length === 0 ? what : `${taskList(ids)}: ${what}`;
}

/** "task 3", "tasks 1, 5, 9", "tasks 0–249" when they run on, else "63 tasks (0 … 248)". */
function taskList(ids: number[]): string {
  const first = ids[0];
  const last = ids[ids.length - 1];
  if (ids.length === 1) return `task ${first}`;
  if (ids.length <= 4) return `tasks ${ids.join(", ")}`;
  return last - first + 1 === ids.length ? `tasks ${first}–${last}` : `${ids.length} tasks (${first} … ${last})`;
}

function laneSummary(report: TimingReport, group: Group, segments: Segment[]): Lane {
  let first = Infinity;
  let last = 0;
  let cpu: number | null = 0;
  for (const task of group.tasks) {
    first = Math.min(first, task.start_ms ?? Infinity);
    last = Math.max(last, taskEnd(task, report) ?? 0);
    cpu = cpu === null || task.cpu_ms === null ? null : cpu + task.cpu_ms;
  }
  const unended = group.tasks.some((t) => t.end_ms === null);
  const to = !unended ? formatMs(last) : report.finished ? "pending" : "running";
  const span = `${formatMs(first)} → ${to}`;
  const cpuShown = cpu === null && !report.finished ? "cpu …" : cpuText(cpu);
  const counts = new Map<Mark, number>();
  for (const task of group.tasks) {
    const mark = markOf(task.status);
    if (mark) counts.set(mark, (counts.get(mark) ?? 0) + 1);
  }
  const marks: LaneMark[] = [...counts].map(([mark, count]) => ({ mark, count, at: null }));
  const label = groupLabel(group);
  const failed = marks.map((m) => `${m.count} ${m.mark}`).join(", ");
  return {
    label,
    title: `${label}: ${span}, ${cpuShown}${failed ? `, ${failed}` : ""}`,
    segments,
    marks,
    span,
    cpu: cpuShown,
  };
}
