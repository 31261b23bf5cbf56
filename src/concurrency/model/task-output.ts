import { CellOutput } from "../../protocol/interpreter-contract";
import { WriteCallbacks } from "../../runtime/write-callbacks";
import { BudgetLimits, ByteBudget, charge, chargeFor, refund } from "../../shared/byte-budget";

/** How many of a task's last stderr lines its error repeats, and how much of each. */
const TAIL_LINES = 5;
const TAIL_LINE_CHARS = 200;

/**
 * Task output as the notebook shows it: whole lines prefixed `[task i]`, in arrival order, or
 * (with --group) held back and shown task by task at the end. Partial lines wait per task for
 * their newline, so two tasks printing at once never interleave inside a line.
 */
export class TaskOutput {
  private readonly partial = new Map<string, string>();
  private readonly grouped = new Map<number, { name: "stdout" | "stderr"; text: string }[]>();
  private readonly stderrTails = new Map<number, string[]>();

  constructor(
    private readonly output: CellOutput,
    private readonly group: boolean,
  ) {}

  write(task: number, name: "stdout" | "stderr", text: string): void {
    const key = `${task}:${name}`;
    const buffered = (this.partial.get(key) ?? "") + text;
    const cut = buffered.lastIndexOf("\n");
    if (cut < 0) {
      this.partial.set(key, buffered);
      return;
    }
    const rest = buffered.slice(cut + 1);
    if (rest) this.partial.set(key, rest);
    else this.partial.delete(key);
    this.emit(task, name, buffered.slice(0, cut + 1));
  }

  /** A task ended: its unfinished last line is shown as it is. */
  endTask(task: number): void {
    // Most tasks print nothing: 10,000 ending at once need not build 20,000 keys to find that out.
    if (this.partial.size === 0) return;
    for (const name of ["stdout", "stderr"] as const) {
      const key = `${task}:${name}`;
      const rest = this.partial.get(key);
      if (rest) this.emit(task, name, rest + "\n");
      this.partial.delete(key);
    }
  }

  /** With --group, show everything now, task by task. */
  finish(): void {
    const tasks = [...this.grouped.keys()].sort((a, b) => a - b);
    for (const t of tasks) for (const chunk of this.grouped.get(t)!) this.output.stream(chunk.name, chunk.text);
    this.grouped.clear();
  }

  /** The last lines a task wrote to stderr: a failed task's error repeats them under its frames. */
  stderrTail(task: number): string[] {
    return this.stderrTails.get(task) ?? [];
  }

  private emit(task: number, name: "stdout" | "stderr", lines: string): void {
    if (name === "stderr") this.keepTail(task, lines);
    const text = lines.replace(/^(?=.)/gm, `[task ${task}] `);
    if (!this.group) return this.output.stream(name, text);
    const list = this.grouped.get(task) ?? [];
    list.push({ name, text });
    this.grouped.set(task, list);
  }

  private keepTail(task: number, lines: string): void {
    const tail = this.stderrTails.get(task) ?? [];
    for (const line of lines.split("\n")) {
      if (line.trim() === "") continue;
      tail.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS - 1)}…` : line);
    }
    this.stderrTails.set(task, tail.slice(-TAIL_LINES));
  }
}

/** A cell's output as one task on the kernel's thread sees it: its prints go through `tasks`. */
export function taskCellOutput(cell: CellOutput, tasks: TaskOutput, task: number): CellOutput {
  return {
    stream: (name, text) => tasks.write(task, name, text),
    display: (data, metadata, id) => cell.display(data, metadata, id),
    updateDisplay: (data, metadata, id) => cell.updateDisplay(data, metadata, id),
    clearOutput: (wait) => cell.clearOutput(wait),
    requestInput: (prompt, password) => cell.requestInput(prompt, password),
  };
}

/** A worker sends what a task printed at least this often while the task keeps printing… */
const SEND_AFTER_MS = 30;
/**
 * …and whenever this much has piled up. Small: a thousand times fewer messages than lines is the
 * gain, and smaller chunks keep both what a worker holds and the budget's steps small.
 */
const SEND_AFTER_CHARS = 4 * 1024;
/**
 * How much of a thread's output may wait for the kernel's thread before the task is held back.
 * Each of 8 threads printing flat out can otherwise bury the kernel's thread in messages.
 */
export const TASK_OUTPUT_LIMITS: BudgetLimits = { high: 1 << 20, low: 512 << 10, stallMs: 5000 };

type Send = (id: number, name: "stdout" | "stderr", text: string) => void;

/**
 * The worker side of task output. A message per console.log costs the kernel's thread more to take
 * in than it costs a worker to print, so lines are sent in chunks (coalesced per task and stream,
 * like the kernel's own stream output); and with a `budget` (thread workers), a task that prints
 * faster than the kernel takes it in waits, instead of the difference piling up in the kernel.
 */
export class TaskOutputSender {
  private pending: { id: number; name: "stdout" | "stderr"; chunks: string[]; size: number; since: number } | undefined;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly callbacks = new WriteCallbacks();

  constructor(
    private readonly send: Send,
    private readonly budget?: ByteBudget,
  ) {}

  write(id: number, name: "stdout" | "stderr", text: string, done?: () => void): void {
    if (done) this.callbacks.add(done, undefined);
    if (text.length === 0) return;
    const p = this.pending;
    if (p && (p.id !== id || p.name !== name)) this.flush();
    const now = performance.now();
    // The first line after a quiet spell goes at once: the task may be about to block its thread.
    if (!this.pending && now - this.lastSentAt >= SEND_AFTER_MS) {
      this.lastSentAt = now;
      this.post(id, name, text);
      return;
    }
    this.pending ??= { id, name, chunks: [], size: 0, since: now };
    this.pending.chunks.push(text);
    this.pending.size += text.length;
    if (this.pending.size >= SEND_AFTER_CHARS || now - this.pending.since >= SEND_AFTER_MS) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), SEND_AFTER_MS);
  }

  /** Sends everything held; a task's output must all be sent before its "done". */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const p = this.pending;
    if (p) {
      this.pending = undefined;
      this.lastSentAt = performance.now();
      this.post(p.id, p.name, p.chunks.join(""));
    }
  }

  private post(id: number, name: "stdout" | "stderr", text: string): void {
    if (this.budget) charge(this.budget, text.length, TASK_OUTPUT_LIMITS);
    this.send(id, name, text);
  }
}

/** The kernel's side of a thread's budget: one "output" message taken in. */
export function taskOutputReceived(budget: ByteBudget, text: string): void {
  refund(budget, chargeFor(text.length));
}
