import type { ColdStart } from "./cold-start";
import { count, mib, ms, ratio, seconds } from "./format";
import type { IdleMemory, InterruptRun, StreamRun } from "./kernel-cases";
import type { RoundTrips } from "./round-trips";
import { median, percentile } from "./stats";
import type { Verdict } from "./verdict";

/** Everything measured for one kernel; a case left undefined did not run. */
export interface KernelResults {
  name: string;
  coldStarts: ColdStart[];
  roundTrips?: RoundTrips;
  /** kernel_info round trips: the same path as `1+1` minus compiling and running it. */
  infoTrips?: RoundTrips;
  /** One reading per session, each after the same warm-up: the baseline's idle memory varies by tens of MiB between sessions. */
  memory: IdleMemory[];
  stream?: StreamRun;
  interrupt?: InterruptRun;
  /** The same, for a loop that starts after an await: outside any script a signal could stop. */
  interruptAfterAwait?: InterruptRun;
  /** Sessions that could not start, in words. */
  problems: string[];
}

/** One kernel's entry in a row: the number behind it (for the ratio) and how it reads. */
export interface Figure {
  value?: number;
  text: string;
}

export interface Row {
  label: string;
  ours: Figure;
  baseline: Figure;
  /** What is asked of our kernel; empty for rows that only inform. */
  target: string;
  verdict?: Verdict;
}

export interface Targets {
  /** Our cold start may take at most this fraction of the baseline's. */
  coldStartRatio: number;
  roundTripRatio: number;
  memoryRatio: number;
}

export const TARGETS: Targets = { coldStartRatio: 0.3, roundTripRatio: 1, memoryRatio: 0.7 };

/** How many of each were planned; labels come from here so a run cut short still names its cases. */
export interface PlannedCounts {
  coldStarts: number;
  roundTrips: number;
  infoTrips: number;
  streamLines: number;
  memorySessions: number;
}

const NOT_RUN: Figure = { text: "not run" };

export function buildRows(
  ours: KernelResults,
  baseline: KernelResults,
  plan: PlannedCounts,
  targets: Targets = TARGETS,
): Row[] {
  const row = (label: string, figure: (r: KernelResults) => Figure, limit?: number): Row => {
    const a = figure(ours);
    const b = figure(baseline);
    if (limit === undefined) return { label, ours: a, baseline: b, target: "" };
    const target = `≤ ${limit.toFixed(2)}× baseline`;
    return { label, ours: a, baseline: b, target, verdict: ratioVerdict(a, b, limit) };
  };
  const starts = plan.coldStarts;
  return [
    row(
      `Cold start → first kernel_info_reply (median of ${starts})`,
      (r) => coldFigure(r.coldStarts, (c) => c.toKernelInfoMs),
      targets.coldStartRatio,
    ),
    row(`First 1+1 result after ready (median of ${starts})`, (r) => coldFigure(r.coldStarts, (c) => c.firstResultMs)),
    row(`Spawn → first 1+1 result (median of ${starts})`, (r) => coldFigure(r.coldStarts, spawnToResult)),
    row(
      `1+1 round trip to idle, median (${plan.roundTrips} after warm-up)`,
      (r) => tripFigure(r.roundTrips, median),
      targets.roundTripRatio,
    ),
    row("1+1 round trip to idle, p95", (r) => tripFigure(r.roundTrips, (s) => percentile(s, 95))),
    row(`kernel_info round trip to idle, median (${plan.infoTrips})`, (r) => tripFigure(r.infoTrips, median)),
    {
      label: `${count(plan.streamLines)} console.log lines → idle`,
      ours: streamFigure(ours.stream),
      baseline: streamFigure(baseline.stream),
      target: "all lines arrive, then idle",
      verdict: ours.stream ? (streamComplete(ours.stream) ? "PASS" : "FAIL") : "n/a",
    },
    row(
      `Idle RSS after warm-up (median of ${plan.memorySessions} sessions)`,
      (r) => memoryFigure(r.memory),
      targets.memoryRatio,
    ),
    row("Interrupt busy loop → interrupt_reply", (r) => interruptFigure(r.interrupt, (i) => i.toInterruptReplyMs)),
    row("Interrupt busy loop → execute_reply", (r) => interruptFigure(r.interrupt, (i) => i.toExecuteReplyMs)),
    row("Interrupt a loop after an await → execute_reply", (r) =>
      interruptFigure(r.interruptAfterAwait, (i) => i.toExecuteReplyMs ?? i.signalFallback?.toExecuteReplyMs),
    ),
  ];
}

export function ratioText(row: Row): string {
  return row.ours.value !== undefined && row.baseline.value !== undefined && row.baseline.value > 0
    ? ratio(row.ours.value / row.baseline.value)
    : "—";
}

/** Details that do not fit a cell: raw samples, partial outcomes, how interrupted cells ended. */
export function notes(results: KernelResults): string[] {
  const lines: string[] = [];
  if (results.coldStarts.length) lines.push(...coldNotes(results.coldStarts));
  for (const trips of [results.roundTrips, results.infoTrips]) {
    if (trips) lines.push(tripNote(trips));
  }
  if (results.stream) lines.push(streamNote(results.stream));
  if (results.memory.length) lines.push(memoryNote(results.memory));
  if (results.interrupt) lines.push(interruptNote(results.interrupt));
  if (results.interruptAfterAwait) lines.push(interruptNote(results.interruptAfterAwait, "interrupt after an await"));
  lines.push(...results.problems);
  return lines;
}

function coldNotes(starts: ColdStart[]): string[] {
  const list = (pick: (c: ColdStart) => number | undefined) =>
    starts.map((c) => (pick(c) === undefined ? "—" : Math.round(pick(c)!))).join(", ");
  const problems = new Set(starts.flatMap((c) => (c.problem ? [c.problem] : [])));
  return [
    `cold starts (ms): ${list((c) => c.toKernelInfoMs)}; first 1+1 after ready (ms): ${list((c) => c.firstResultMs)}`,
    ...[...problems].map((problem) => `cold start: ${problem}`),
  ];
}

function streamNote(stream: StreamRun): string {
  const parts = [`${count(stream.lines)} lines in ${count(stream.messages)} stream messages`];
  if (stream.toLastLineMs !== undefined) parts.push(`last line at ${ms(stream.toLastLineMs)}`);
  parts.push(stream.toReplyMs !== undefined ? `execute_reply at ${ms(stream.toReplyMs)}` : "no execute_reply");
  if (stream.toIdleMs !== undefined && stream.toLastLineMs !== undefined) {
    parts.push(`idle ${ms(stream.toIdleMs - stream.toLastLineMs)} after the last line`);
  }
  return `stream: ${parts.join(", ")}`;
}

function interruptNote(run: InterruptRun, label = "interrupt"): string {
  const parts: string[] = [];
  const limit = seconds(run.limitMs);
  if (run.problem) parts.push(run.problem);
  else {
    if (run.toInterruptReplyMs === undefined) parts.push(`no interrupt_reply within ${limit}`);
    if (run.toExecuteReplyMs === undefined) parts.push(`no execute_reply within ${limit}`);
  }
  if (run.signalFallback) {
    const after = run.signalFallback.toExecuteReplyMs;
    const outcome =
      after === undefined ? `did not end the cell within ${limit} either` : `ended the cell after ${ms(after)}`;
    parts.push(`SIGINT (its kernelspec's interrupt mode) ${outcome}`);
  }
  if (run.ending) parts.push(`cell ended with ${run.ending}`);
  if (run.afterwards !== undefined) parts.push(`a 1+1 sent right after got: ${run.afterwards}`);
  return `${label}: ${parts.join("; ")}`;
}

function ratioVerdict(ours: Figure, baseline: Figure, limit: number): Verdict {
  if (ours.value === undefined || baseline.value === undefined || baseline.value <= 0) return "n/a";
  return ours.value / baseline.value <= limit ? "PASS" : "FAIL";
}

/** What a user waits for in all: a kernel that answers early but loads its compiler late gains nothing here. */
function spawnToResult(start: ColdStart): number | undefined {
  return start.toKernelInfoMs !== undefined && start.firstResultMs !== undefined
    ? start.toKernelInfoMs + start.firstResultMs
    : undefined;
}

function coldFigure(starts: ColdStart[], pick: (c: ColdStart) => number | undefined): Figure {
  if (starts.length === 0) return NOT_RUN;
  const values = starts.map(pick).filter((v): v is number => v !== undefined);
  if (values.length === 0) return { text: `timeout/failed ×${starts.length}` };
  const value = median(values);
  const partial = values.length === starts.length ? "" : ` (${values.length}/${starts.length} ok)`;
  return { value, text: ms(value) + partial };
}

function tripFigure(trips: RoundTrips | undefined, statistic: (samples: number[]) => number): Figure {
  if (!trips) return NOT_RUN;
  if (trips.samples.length === 0) return { text: trips.problem ? "no reply" : "no idle" };
  const value = statistic(trips.samples);
  const partial = trips.samples.length < trips.planned ? ` (${trips.samples.length}/${trips.planned} complete)` : "";
  return { value, text: ms(value) + partial };
}

function tripNote(trips: RoundTrips): string {
  const parts = [`${trips.samples.length}/${trips.planned} complete`];
  if (trips.samples.length) {
    parts.push(`min ${ms(Math.min(...trips.samples))}`, `max ${ms(Math.max(...trips.samples))}`);
  }
  if (trips.idleLost) parts.push(`${trips.idleLost} answered but never idle`);
  for (const [status, n] of Object.entries(trips.otherStatuses)) parts.push(`${n} replies with status ${status}`);
  if (trips.problem) parts.push(`stopped: ${trips.problem}`);
  return `${trips.what} round trips: ${parts.join(", ")}`;
}

function streamComplete(run: StreamRun): boolean {
  return run.toIdleMs !== undefined && run.lines === run.expected;
}

function streamFigure(run: StreamRun | undefined): Figure {
  if (!run) return NOT_RUN;
  const lines = `${count(run.lines)}/${count(run.expected)} lines`;
  if (run.toIdleMs === undefined) return { text: `timeout (${seconds(run.limitMs)}), ${lines}` };
  return { value: run.toIdleMs, text: `${ms(run.toIdleMs)}, ${lines}` };
}

function memoryFigure(sessions: IdleMemory[]): Figure {
  if (!sessions.length) return NOT_RUN;
  const value = median(sessions.map((s) => s.totalKiB));
  return { value, text: `${mib(value)} (${sessions[sessions.length - 1].last.root.threads} threads)` };
}

function memoryNote(sessions: IdleMemory[]): string {
  const helpers = Math.max(...sessions.map((s) => s.last.descendants.length));
  const children = helpers ? `; includes up to ${helpers} child process(es) of the kernel` : "";
  return `idle RSS per session: ${sessions.map((s) => mib(s.totalKiB)).join(", ")}${children}`;
}

function interruptFigure(run: InterruptRun | undefined, pick: (r: InterruptRun) => number | undefined): Figure {
  if (!run) return NOT_RUN;
  if (run.problem) return { text: "not measured" };
  const value = pick(run);
  return value === undefined ? { text: `timeout (${seconds(run.limitMs)})` } : { value, text: ms(value) };
}
