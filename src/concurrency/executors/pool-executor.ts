import { Executor, ExecutorRun, TaskResult } from "../executor";
import { WorkerPool } from "../pool/worker-pool";
import { TaskEnd, WorkerLoss } from "../pool/pool-worker";
import { spawnProcess, spawnThread } from "../pool/worker-handle";

/** %%threads and %%processes: the same pool and task protocol over a thread or a process port. */
export class PoolExecutor implements Executor {
  private readonly pool: WorkerPool;

  constructor(kind: "threads" | "processes") {
    this.pool = new WorkerPool(kind === "threads" ? spawnThread : spawnProcess);
  }

  async run(job: ExecutorRun): Promise<TaskResult[]> {
    const program = job.program;
    if (!program) throw new Error("a pool executor needs the task body as a program");
    const { tracker } = job;
    const results: TaskResult[] = new Array(job.tasks.length);
    const resultOf = (i: number, end: TaskEnd) => taskResult(i, end, tracker.task(i).where, job.memoryMb);
    let running = true;
    await this.pool.run(
      { program, tasks: job.tasks, workers: job.workers, fresh: job.fresh, limits: { memoryMb: job.memoryMb }, signal: job.signal },
      {
        queued: (i) => tracker.update(i, { queued_ms: tracker.ms(), status: "queued" }),
        spawned: (i, startupMs) => tracker.update(i, { startup_ms: startupMs }),
        started: (i, where, slot, at) => tracker.update(i, { where, slot, start_ms: tracker.ms(at), status: "running" }),
        output: (i, name, text) => job.output.write(i, name, text),
        ended: (i, end) => {
          job.output.endTask(i);
          const result: TaskResult = end.status === "cancelled" ? { status: "cancelled" } : resultOf(i, end);
          results[i] = result;
          const at = "at" in end ? tracker.ms(end.at) : tracker.ms();
          const cpu = "cpu_ms" in end ? end.cpu_ms : null;
          tracker.update(i, { end_ms: at, status: result.status, cpu_ms: cpu });
        },
        late: (i, end) => {
          const result = resultOf(i, end);
          if (result.status !== "error" && result.status !== "crashed") return;
          job.output.write(i, "stderr", `${result.error.ename}: ${result.error.evalue} (after the task had returned)\n`);
          // While the cell still runs, a task whose leftovers failed is not a success.
          if (running && results[i]?.status === "ok") {
            results[i] = result;
            tracker.update(i, { status: result.status });
          }
        },
      },
    );
    running = false;
    return results;
  }

  dispose(): Promise<void> {
    return this.pool.dispose();
  }
}

/** A task's end as the notebook reports it: a lost worker is worded by why it went. */
function taskResult(i: number, end: TaskEnd, where: string, memoryMb: number | undefined): TaskResult {
  if (end.status === "ok") return { status: "ok", value: end.value };
  if (end.status === "error") return { status: "error", error: end.error };
  return { status: "crashed", error: { ename: "WorkerCrashed", evalue: lossMessage(i, end.cause, where, memoryMb), traceback: [] } };
}

function lossMessage(i: number, cause: WorkerLoss, where: string, memoryMb: number | undefined): string {
  const its = `task ${i}: its worker${where ? ` (${where})` : ""}`;
  switch (cause.kind) {
    case "process-exit":
      return `task ${i} called process.exit(${cause.code})`;
    case "out-of-memory":
      return `task ${i} ran out of memory (${memoryMb === undefined ? "Node's default heap limit; --memory sets one" : `limit ${memoryMb} MB`})`;
    case "signal":
      return `${its} was killed by ${cause.signal}`;
    case "exited":
      return `${its} exited with code ${cause.code}`;
    case "failed":
      return `${its} crashed: ${cause.message}`;
    case "unsent":
      return `task ${i} could not be sent to its worker: ${cause.message}`;
  }
}
