import { TaskInput, TaskProgram } from "../model/task-protocol";
import { PoolWorker, Returned, TaskEnd } from "./pool-worker";
import { WorkerHandle, WorkerLimits } from "./worker-handle";

/**
 * After a short task, a slot keeps its worker supplied with more, so the worker goes on to the
 * next while news of the last one is on its way: a round trip per task otherwise costs as much as
 * the task. How many: about SENT_AHEAD_NS of work at the last task's pace (2 to MAX_AHEAD), topped
 * up in one message once half have gone, since each message costs about as much as a tiny task.
 * Only after a short task (SHORT_TASK_NS): a long one sent ahead would wait behind the other while
 * another slot may stand idle, and at most about SENT_AHEAD_NS of short ones can.
 */
const SHORT_TASK_NS = 1_000_000n;
const SENT_AHEAD_NS = 1_000_000;
const MIN_AHEAD = 2;
const MAX_AHEAD = 16;

/** How many tasks to keep sent ahead of the running one, after a task that took `ns`; 0 after a long one. */
export function tasksAhead(ns: bigint | undefined): number {
  if (ns === undefined || ns >= SHORT_TASK_NS) return 0;
  return Math.max(MIN_AHEAD, Math.min(MAX_AHEAD, Math.floor(SENT_AHEAD_NS / Math.max(1, Number(ns)))));
}

export interface PoolTaskEvents {
  queued(i: number): void;
  /** A worker was spawned for task i: it became ready at `readyAt`, `startupMs` after spawning. */
  spawned(i: number, startupMs: number): void;
  started(i: number, where: string, slot: number, at: bigint): void;
  output(i: number, name: "stdout" | "stderr", text: string): void;
  ended(i: number, end: TaskEnd | { status: "cancelled" }): void;
  /** Task i had ended when something it left running failed or exited its worker. */
  late(i: number, end: TaskEnd): void;
}

export interface PoolRun {
  program: TaskProgram;
  tasks: TaskInput[];
  workers: number;
  fresh: boolean;
  limits: WorkerLimits;
  /** Aborted on interrupt or timeout: running tasks' workers are killed, queued tasks never start. */
  signal: AbortSignal;
}

/**
 * A pool of thread or process workers kept warm across cells. Each cell's tasks are spread over
 * `workers` slots; a slot reuses an idle worker or spawns one, and replaces a worker that died.
 * The warm workers all have the limits of the last cell: a cell asking for other limits replaces them.
 */
export class WorkerPool {
  private static nextProgram = 1;
  private idle: PoolWorker[] = [];
  /** Counts disposals: a run started before one sends no task again to a new worker. */
  private disposals = 0;
  private readonly busy = new Set<PoolWorker>();

  constructor(private readonly spawn: (limits: WorkerLimits) => WorkerHandle) {}

  async run(job: PoolRun, events: PoolTaskEvents): Promise<void> {
    await this.drainIdle((w) => job.fresh || w.handle.limits.memoryMb !== job.limits.memoryMb);
    const queue = job.tasks.map((t) => t.i);
    for (const i of queue) events.queued(i);
    const byIndex = new Map(job.tasks.map((t) => [t.i, t]));
    const slots = Math.max(1, Math.min(job.workers, job.tasks.length));
    // The program goes to each worker with its first task of this cell, and is dropped after the last.
    const programId = WorkerPool.nextProgram++;
    const used = new Set<PoolWorker>();
    const disposals = this.disposals;
    const over = () => job.signal.aborted || this.disposals !== disposals;
    try {
      await Promise.all(
        Array.from({ length: slots }, (_, slot) =>
          this.runSlot(slot, queue, byIndex, { ...job, programId, used, over }, events),
        ),
      );
    } finally {
      for (const w of used) w.drop(programId);
    }
  }

  /** Kill every worker, busy or idle (shutdown, restart). */
  async dispose(): Promise<void> {
    this.disposals++;
    const all = [...this.idle, ...this.busy];
    this.idle = [];
    this.busy.clear();
    await Promise.all(all.map((w) => w.kill()));
  }

  private async runSlot(
    slot: number,
    queue: number[],
    tasks: Map<number, TaskInput>,
    job: PoolRun & { programId: number; used: Set<PoolWorker>; over: () => boolean },
    events: PoolTaskEvents,
  ): Promise<void> {
    let worker: PoolWorker | undefined;
    let where = "";
    /** Tasks sent to the slot's worker and not yet ended, oldest first: the worker runs them in this order. */
    const inFlight: { i: number; end: Promise<TaskEnd | Returned>; startedAt?: bigint }[] = [];
    /** How many tasks to keep sent ahead of the running one (after a short task), before they are needed. */
    let ahead = 0;
    // One listener for the slot, not one per task: it stops whatever the slot's worker is running.
    const onAbort = () => void (inFlight.length ? worker?.kill() : undefined);
    job.signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        // Topped up once half of those sent ahead have gone: the tasks added here go as one message.
        const refill = inFlight.length <= ahead / 2;
        while (refill && inFlight.length < 1 + ahead) {
          const i = queue.shift();
          if (i === undefined) break;
          if (job.over()) {
            events.ended(i, { status: "cancelled" });
            continue;
          }
          if (!worker || !worker.alive) {
            // A worker that is going keeps its last tasks; they end before the slot takes another.
            if (inFlight.length) {
              queue.unshift(i);
              break;
            }
            if (worker) this.busy.delete(worker);
            worker = this.idle.pop();
            while (worker && !worker.alive) worker = this.idle.pop();
            if (!worker) {
              const t0 = performance.now();
              worker = new PoolWorker(this.spawn(job.limits));
              this.busy.add(worker);
              await worker.ready;
              events.spawned(i, performance.now() - t0);
            }
            this.busy.add(worker);
            where = await worker.ready;
          }
          // Stopped while a worker was starting: an abort already fired would never reach this task.
          if (job.over()) {
            events.ended(i, { status: "cancelled" });
            continue;
          }
          const [w, at] = [worker, where];
          job.used.add(w);
          // Its start, once the worker says it: how long it ran decides whether the next is sent ahead.
          const task: { startedAt?: bigint } = {};
          const { end } = w.run(tasks.get(i)!, job.programId, job.program, {
            started: (startedAt) => {
              task.startedAt = startedAt;
              events.started(i, at, slot, startedAt);
            },
            output: (name, text) => events.output(i, name, text),
            late: (ended) => events.late(i, ended),
          });
          inFlight.push(Object.assign(task, { i, end }));
        }
        // Still in flight while awaited: an abort then stops its worker.
        const oldest = inFlight[0];
        if (!oldest) break;
        const result = await oldest.end;
        inFlight.shift();
        if (result.status === "returned") {
          // Its worker went before starting it, and every task sent after it: back to the front
          // of the queue, for this slot's next worker or another slot, as if never sent.
          queue.unshift(oldest.i, ...inFlight.map((t) => t.i));
          inFlight.length = 0;
          continue;
        }
        events.ended(oldest.i, job.signal.aborted && result.status === "crashed" ? { status: "cancelled" } : result);
        ahead =
          result.status !== "crashed" && oldest.startedAt !== undefined ? tasksAhead(result.at - oldest.startedAt) : 0;
      }
    } finally {
      job.signal.removeEventListener("abort", onAbort);
    }
    if (worker) {
      this.busy.delete(worker);
      if (worker.alive) this.idle.push(worker);
    }
  }

  private async drainIdle(which: (w: PoolWorker) => boolean): Promise<void> {
    const old = this.idle.filter(which);
    this.idle = this.idle.filter((w) => !which(w));
    await Promise.all(old.map((w) => w.kill()));
  }
}
