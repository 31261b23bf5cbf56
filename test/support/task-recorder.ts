/**
 * What an executor needs around it, without a notebook: a TaskRecorder that keeps every task's
 * timing and lets a test wait for a state, and a CellOutput that keeps what tasks printed.
 */
import { TaskRecorder } from "../../src/concurrency/model/executor";
import { clockNs } from "../../src/concurrency/model/cpu-clock";
import { MemoryUse, TaskTiming } from "../../src/concurrency/model/timing";
import { CellOutput } from "../../src/protocol/interpreter-contract";
import { TaskProgram } from "../../src/concurrency/model/task-protocol";

export class RecordingTracker implements TaskRecorder {
  private readonly t0 = clockNs();
  private readonly timings = new Map<number, TaskTiming>();
  private readonly watchers: { ready(): boolean; resolve(): void }[] = [];
  threadCpuMs: number | null | undefined;

  ms(at: bigint = clockNs()): number {
    return Number(at - this.t0) / 1e6;
  }

  task(i: number): TaskTiming {
    let t = this.timings.get(i);
    if (!t) {
      t = {
        i,
        where: "",
        slot: 0,
        queued_ms: 0,
        start_ms: null,
        end_ms: null,
        cpu_ms: null,
        startup_ms: null,
        status: "queued",
      };
      this.timings.set(i, t);
    }
    return t;
  }

  update(i: number, change: Partial<TaskTiming>): void {
    Object.assign(this.task(i), change);
    for (const w of [...this.watchers]) {
      if (w.ready()) {
        this.watchers.splice(this.watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  threadCpu(ms: number | null): void {
    this.threadCpuMs = ms;
  }

  memoryUse: Omit<MemoryUse, "kernel_rss_delta_bytes"> | undefined;

  memory(use: Omit<MemoryUse, "kernel_rss_delta_bytes">): void {
    this.memoryUse = use;
  }

  /** Resolves once `ready` holds, checked now and after every update. */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ ready, resolve }));
  }

  running(...tasks: number[]): Promise<void> {
    return this.until(() => tasks.every((i) => this.task(i).status === "running"));
  }
}

export class CollectedOutput implements CellOutput {
  readonly streams: { name: "stdout" | "stderr"; text: string }[] = [];

  stream(name: "stdout" | "stderr", text: string): void {
    this.streams.push({ name, text });
  }
  display(): void {}
  updateDisplay(): void {}
  clearOutput(): void {}
  requestInput(): Promise<string> {
    return Promise.reject(new Error("no stdin in executor tests"));
  }

  text(name: "stdout" | "stderr"): string {
    return this.streams
      .filter((s) => s.name === name)
      .map((s) => s.text)
      .join("");
  }
}

/** A task program as the interpreter would ship it: `body` is a function of the task, as JavaScript source. */
export function taskProgram(body: string): TaskProgram {
  return { js: `exports.body = ${body};`, bodyVar: "body", filename: "Cell[1] task body", names: [] };
}

export function taskInputs(items: unknown[]) {
  return items.map((item, i) => ({ i, n: items.length, id: `task-${i}`, item }));
}
