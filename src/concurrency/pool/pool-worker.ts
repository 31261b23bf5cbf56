import { ErrorFields } from "../../protocol/content";
import { FromWorker, TaskInput, TaskProgram, TaskToRun } from "../model/task-protocol";
import { WorkerExit, WorkerHandle } from "./worker-handle";

/** Why a task lost its worker. */
export type WorkerLoss =
  | WorkerExit
  /** The task's own code called process.exit(code). */
  | { kind: "process-exit"; code: number }
  /** The task could not be handed to the worker. */
  | { kind: "unsent"; message: string };

export type TaskEnd =
  | { status: "ok"; value: unknown; at: bigint; cpu_ms: number | null; memory_bytes?: number }
  | { status: "error"; error: ErrorFields; at: bigint; cpu_ms: number | null; memory_bytes?: number }
  | { status: "crashed"; cause: WorkerLoss };

/**
 * The worker went before it started the task: it runs its tasks one at a time in the order sent,
 * so a task sent ahead behind the one it was running, or any task once it said it was going, never
 * began. The pool sends it again.
 */
export type Returned = { status: "returned" };

export interface TaskCallbacks {
  started(at: bigint): void;
  output(name: "stdout" | "stderr", text: string): void;
  /** Something the task left running failed or exited the worker after the task had ended. */
  late(end: TaskEnd): void;
}

interface Pending {
  callbacks: TaskCallbacks;
  resolve(end: TaskEnd | Returned): void;
}

/** How many ended tasks a worker still routes late output and faults for. */
const ENDED_KEPT = 64;

/**
 * One live worker and the tasks it holds, correlated by id. When the worker goes away every task
 * it still held ends at once: the one it was running as "crashed" with the cause, the ones it had
 * not started as "returned".
 */
export class PoolWorker {
  private static nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Tasks that have ended, for what their timers and promises still do (oldest first). */
  private readonly ended = new Map<number, TaskCallbacks>();
  private exit: WorkerExit | undefined;
  /** Programs this worker has been sent and not yet told to drop. */
  private readonly programs = new Set<number>();
  readonly ready: Promise<string>;
  /** False once the worker has gone or said it is going: it must be given no more tasks. */
  alive = true;
  /** The worker said it is going (a task's exit or fault): it starts none of the tasks it still holds. */
  private leaving = false;
  /** Tasks given since the last message went, sent together once the caller has handed over all it will. */
  private outbox: { program: number; tasks: TaskToRun[] } | undefined;

  constructor(readonly handle: WorkerHandle) {
    let markReady!: (where: string) => void;
    this.ready = new Promise<string>((resolve) => (markReady = resolve));
    handle.onMessage((m: FromWorker) => {
      switch (m.type) {
        case "ready":
          return markReady(m.where);
        case "started":
          return this.pending.get(m.id)?.callbacks.started(m.at);
        case "output":
          return (this.pending.get(m.id)?.callbacks ?? this.ended.get(m.id))?.output(m.name, m.text);
        case "done":
          if (m.started !== undefined) this.pending.get(m.id)?.callbacks.started(m.started);
          return this.settle(
            m.id,
            { status: "ok", value: m.value, at: m.at, cpu_ms: m.cpu_ms, memory_bytes: m.memory_bytes },
            false,
          );
        case "failed":
          if (m.started !== undefined) this.pending.get(m.id)?.callbacks.started(m.started);
          return this.settle(
            m.id,
            { status: "error", error: m.error, at: m.at, cpu_ms: m.cpu_ms, memory_bytes: m.memory_bytes },
            false,
          );
        case "fault":
          if (m.retiring) this.alive = false;
          if (m.retiring) this.leaving = true;
          return this.settle(m.id, { status: "error", error: m.error, at: m.at, cpu_ms: null }, true);
        case "exiting":
          this.alive = false;
          this.leaving = true;
          if (m.id !== null)
            this.settle(m.id, { status: "crashed", cause: { kind: "process-exit", code: m.code } }, true);
          return;
      }
    });
    void handle.exited.then((exit) => {
      this.alive = false;
      this.outbox = undefined;
      this.exit = exit;
      markReady("");
      // The oldest task it held was running, unless the worker had said it was going; it had
      // started none of the others.
      let running = !this.leaving;
      for (const p of this.pending.values()) {
        p.resolve(running ? { status: "crashed", cause: exit } : { status: "returned" });
        running = false;
      }
      this.pending.clear();
    });
  }

  /**
   * Run a task of program `programId`, sending the program first if this worker has not had it.
   * Tasks given in one synchronous stretch go to the worker as one message, at the end of it.
   */
  run(
    task: TaskInput,
    programId: number,
    program: TaskProgram,
    callbacks: TaskCallbacks,
  ): { id: number; end: Promise<TaskEnd | Returned> } {
    const id = PoolWorker.nextId++;
    const end = new Promise<TaskEnd | Returned>((resolve) => {
      if (!this.alive)
        return resolve({
          status: "crashed",
          cause: this.exit ?? { kind: "unsent", message: "its worker was already leaving" },
        });
      this.pending.set(id, { callbacks, resolve });
      try {
        if (!this.programs.has(programId)) {
          this.flush();
          const { itemReattach, ...body } = program;
          this.handle.send({ type: "program", program: programId, body });
          this.programs.add(programId);
        }
      } catch (e) {
        this.pending.delete(id);
        return resolve({ status: "crashed", cause: unsent(e) });
      }
      const itemReattach = program.itemReattach?.[task.i];
      const entry: TaskToRun = { id, task, ...(itemReattach ? { itemReattach } : {}) };
      if (this.outbox?.program !== programId) {
        this.flush();
        this.outbox = { program: programId, tasks: [] };
        queueMicrotask(() => this.flush());
      }
      this.outbox.tasks.push(entry);
    });
    return { id, end };
  }

  /** The cell of program `programId` has ended: the worker may let it go. */
  drop(programId: number): void {
    this.flush();
    if (!this.programs.delete(programId) || !this.alive) return;
    try {
      this.handle.send({ type: "drop", program: programId });
    } catch {
      // A worker that cannot be told is going away, and its programs with it.
    }
  }

  kill(): Promise<void> {
    this.alive = false;
    return this.handle.kill();
  }

  /** Send the tasks given so far; a worker that cannot be sent them has started none of them. */
  private flush(): void {
    const batch = this.outbox;
    this.outbox = undefined;
    if (!batch || batch.tasks.length === 0) return;
    try {
      this.handle.send({ type: "run", program: batch.program, tasks: batch.tasks });
    } catch (e) {
      for (const { id } of batch.tasks) {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.resolve({ status: "crashed", cause: unsent(e) });
      }
    }
  }

  /** The first word about a task ends it; a fault or an exit after that is news about an ended task. */
  private settle(id: number, end: TaskEnd, lateToo: boolean): void {
    const p = this.pending.get(id);
    if (!p) {
      if (lateToo) this.ended.get(id)?.late(end);
      return;
    }
    this.pending.delete(id);
    this.ended.set(id, p.callbacks);
    if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.keys().next().value!);
    p.resolve(end);
  }
}

function unsent(e: unknown): WorkerLoss {
  return { kind: "unsent", message: e instanceof Error ? e.message : String(e) };
}
