import { ErrorFields } from "../../protocol/content";
import { FromWorker, TaskInput, TaskProgram } from "../task-protocol";
import { WorkerHandle } from "./worker-handle";

export type TaskEnd =
  | { status: "ok"; value: unknown; at: bigint; cpu_ms: number | null }
  | { status: "error"; error: ErrorFields; at: bigint; cpu_ms: number | null }
  | { status: "crashed"; reason: string };

export interface TaskCallbacks {
  started(at: bigint): void;
  output(name: "stdout" | "stderr", text: string): void;
}

interface Pending {
  callbacks: TaskCallbacks;
  resolve(end: TaskEnd): void;
}

/**
 * One live worker and the tasks it holds, correlated by id. When the worker goes away every task
 * it still held ends as "crashed" with the reason, at once.
 */
export class PoolWorker {
  private static nextId = 1;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<string>;
  alive = true;

  constructor(readonly handle: WorkerHandle) {
    let markReady!: (where: string) => void;
    this.ready = new Promise<string>((resolve) => (markReady = resolve));
    handle.onMessage((m: FromWorker) => {
      if (m.type === "ready") return markReady(m.where);
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === "started") p.callbacks.started(m.at);
      else if (m.type === "output") p.callbacks.output(m.name, m.text);
      else {
        this.pending.delete(m.id);
        p.resolve(
          m.type === "done"
            ? { status: "ok", value: m.value, at: m.at, cpu_ms: m.cpu_ms }
            : { status: "error", error: m.error, at: m.at, cpu_ms: m.cpu_ms },
        );
      }
    });
    void handle.exited.then((reason) => {
      this.alive = false;
      markReady("");
      for (const p of this.pending.values()) p.resolve({ status: "crashed", reason });
      this.pending.clear();
    });
  }

  run(task: TaskInput, program: TaskProgram, callbacks: TaskCallbacks): { id: number; end: Promise<TaskEnd> } {
    const id = PoolWorker.nextId++;
    const end = new Promise<TaskEnd>((resolve) => {
      if (!this.alive) return resolve({ status: "crashed", reason: "the worker had already exited" });
      this.pending.set(id, { callbacks, resolve });
      try {
        this.handle.send({ type: "run", id, task, program });
      } catch (e) {
        this.pending.delete(id);
        resolve({ status: "crashed", reason: `the task could not be sent: ${e instanceof Error ? e.message : String(e)}` });
      }
    });
    return { id, end };
  }

  kill(): Promise<void> {
    this.alive = false;
    return this.handle.kill();
  }
}
