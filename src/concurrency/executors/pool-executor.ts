import { Executor, ExecutorRun, TaskResult } from "../executor";
import { WorkerPool } from "../pool/worker-pool";
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
    await this.pool.run(
      { program, tasks: job.tasks, workers: job.workers, fresh: job.fresh, signal: job.signal },
      {
        queued: (i) => tracker.update(i, { queued_ms: tracker.ms(), status: "queued" }),
        spawned: (i, startupMs) => tracker.update(i, { startup_ms: startupMs }),
        started: (i, where, slot, at) => tracker.update(i, { where, slot, start_ms: tracker.ms(at), status: "running" }),
        output: (i, name, text) => job.output.write(i, name, text),
        ended: (i, end) => {
          job.output.endTask(i);
          let result: TaskResult;
          if (end.status === "cancelled") result = { status: "cancelled" };
          else if (end.status === "crashed") {
            result = { status: "crashed", error: { ename: "WorkerCrashed", evalue: `task ${i}: ${end.reason}`, traceback: [] } };
          } else if (end.status === "ok") result = { status: "ok", value: end.value };
          else result = { status: "error", error: end.error };
          results[i] = result;
          const at = "at" in end ? tracker.ms(end.at) : tracker.ms();
          const cpu = "cpu_ms" in end ? end.cpu_ms : null;
          tracker.update(i, { end_ms: at, status: result.status, cpu_ms: cpu });
        },
      },
    );
    return results;
  }

  dispose(): Promise<void> {
    return this.pool.dispose();
  }
}
