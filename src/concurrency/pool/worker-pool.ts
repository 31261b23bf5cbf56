import { TaskInput, TaskProgram } from "../model/task-protocol";
import { PoolWorker, TaskEnd } from "./pool-worker";
import { WorkerHandle, WorkerLimits } from "./worker-handle";

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
    try {
      await Promise.all(
        Array.from({ length: slots }, (_, slot) =>
          this.runSlot(slot, queue, byIndex, { ...job, programId, used }, events),
        ),
      );
    } finally {
      for (const w of used) w.drop(programId);
    }
  }

  /** Kill every worker, busy or idle (shutdown, restart). */
  async dispose(): Promise<void> {
    const all = [...this.idle, ...this.busy];
    this.idle = [];
    this.busy.clear();
    await Promise.all(all.map((w) => w.kill()));
  }

  private async runSlot(
    slot: number,
    queue: number[],
    tasks: Map<number, TaskInput>,
    job: PoolRun & { programId: number; used: Set<PoolWorker> },
    events: PoolTaskEvents,
  ): Promise<void> {
    let worker: PoolWorker | undefined;
    let where = "";
    // One listener for the slot, not one per task: it stops whichever task the slot is running.
    let running: PoolWorker | undefined;
    const onAbort = () => void running?.kill();
    job.signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        if (job.signal.aborted) {
          events.ended(i, { status: "cancelled" });
          continue;
        }
        if (!worker || !worker.alive) {
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
        if (job.signal.aborted) {
          events.ended(i, { status: "cancelled" });
          continue;
        }
        const [w, at] = [worker, where];
        job.used.add(w);
        const { end } = w.run(tasks.get(i)!, job.programId, job.program, {
          started: (startedAt) => events.started(i, at, slot, startedAt),
          output: (name, text) => events.output(i, name, text),
          late: (ended) => events.late(i, ended),
        });
        running = w;
        const result = await end;
        running = undefined;
        if (job.signal.aborted && result.status === "crashed") {
          events.ended(i, { status: "cancelled" });
        } else {
          events.ended(i, result);
        }
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
