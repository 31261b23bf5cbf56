import { CellOutput } from "../interpreter/interpreter";

/**
 * Task output as the notebook shows it: whole lines prefixed `[task i]`, in arrival order, or
 * (with --group) held back and shown task by task at the end. Partial lines wait per task for
 * their newline, so two tasks printing at once never interleave inside a line.
 */
export class TaskOutput {
  private readonly partial = new Map<string, string>();
  private readonly grouped = new Map<number, { name: "stdout" | "stderr"; text: string }[]>();

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
    this.partial.set(key, buffered.slice(cut + 1));
    this.emit(task, name, buffered.slice(0, cut + 1));
  }

  /** A task ended: its unfinished last line is shown as it is. */
  endTask(task: number): void {
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

  private emit(task: number, name: "stdout" | "stderr", lines: string): void {
    const text = lines.replace(/^(?=.)/gm, `[task ${task}] `);
    if (!this.group) return this.output.stream(name, text);
    const list = this.grouped.get(task) ?? [];
    list.push({ name, text });
    this.grouped.set(task, list);
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
