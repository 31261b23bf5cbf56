import { Executor, ExecutorRun, TaskResult } from "../model/executor";
import { WorkerPool } from "../pool/worker-pool";
import { TaskEnd, WorkerLoss } from "../pool/pool-worker";
import { spawnProcess, spawnThread } from "../pool/worker-handle";

/** %%threads and %%processes: the same pool and task protocol over a thread or a process port. */
export class PoolExecutor implements Executor {
  private readonly pool: WorkerPool;

  /** `workerScript`: the compiled task worker, when not the one this package ships. */
  constructor(
    private readonly kind: "threads" | "processes",
    workerScript?: string,
  ) {
    const spawn = kind === "threads" ? spawnThread : spawnProcess;
    this.pool = new WorkerPool((limits) => spawn(limits, workerScript));
  }

  async run(job: ExecutorRun): Promise<TaskResult[]> {
    const program = job.program;
    if (!program) throw new Error("a pool executor needs the task body as a program");
    const { tracker } = job;
    const results: TaskResult[] = new Array(job.tasks.length);
    const resultOf = (i: number, end: TaskEnd) => taskResult(i, end, tracker.task(i).where, job.memoryMb);
    let running = true;
    /** Each worker's last report of its memory: a worker's figure replaces its earlier one, and stands until then. */
    const memory = new Map<string, number>();
    const basis = this.kind === "threads" ? "thread-heap" : "process-rss";
    await this.pool.run(
      {
        program,
        tasks: job.tasks,
        workers: job.workers,
        fresh: job.fresh,
        limits: { memoryMb: job.memoryMb },
        signal: job.signal,
      },
      {
        queued: (i) => tracker.update(i, { queued_ms: tracker.ms(), status: "queued" }),
        spawned: (i, startupMs) => tracker.update(i, { startup_ms: startupMs }),
        started: (i, where, slot, at) =>
          tracker.update(i, { where, slot, start_ms: tracker.ms(at), status: "running" }),
        output: (i, name, text) => job.output.write(i, name, text),
        ended: (i, end) => {
          job.output.endTask(i);
          const result: TaskResult = end.status === "cancelled" ? { status: "cancelled" } : resultOf(i, end);
          results[i] = result;
          const at = "at" in end ? tracker.ms(end.at) : tracker.ms();
          const cpu = "cpu_ms" in end ? end.cpu_ms : null;
          if ("memory_bytes" in end && end.memory_bytes !== undefined) {
            memory.set(tracker.task(i).where, end.memory_bytes);
            let total = 0;
            for (const bytes of memory.values()) total += bytes;
            tracker.memory({ basis, units: memory.size, total_bytes: total });
          }
          tracker.update(i, { end_ms: at, status: result.status, cpu_ms: cpu });
        },
        late: (i, end) => {
          const result = resultOf(i, end);
          if (result.status !== "error" && result.status !== "crashed") return;
          job.output.write(
            i,
            "stderr",
            `${result.error.ename}: ${result.error.evalue} (after the task had returned)\n`,
          );
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
  const stderr = "stderrTail" in end.cause ? stderrLines(end.cause.stderrTail) : [];
  return {
    status: "crashed",
    error: { ename: "WorkerCrashed", evalue: lossMessage(end.cause, where, memoryMb), traceback: stderr },
  };
}

/** Worded without the task's number: the cell's error puts `[task i]` before it. */
function lossMessage(cause: WorkerLoss, where: string, memoryMb: number | undefined): string {
  const worker = `its worker${where ? ` (${where})` : ""}`;
  switch (cause.kind) {
    case "process-exit":
      return `the task called process.exit(${cause.code}), which ends its worker`;
    case "out-of-memory":
      return memoryMb === undefined
        ? "the task ran out of memory: its worker reached Node's default heap limit (this cell set no --memory); --memory 2g raises it, if the machine has that much"
        : `the task ran out of memory: its worker reached the --memory ${memoryMb}mb limit this cell set; raise --memory, or make each task hold less`;
    case "signal":
      return `${worker} was killed by ${cause.signal}`;
    case "exited":
      return `${worker} exited with code ${cause.code}`;
    case "failed":
      return `${worker} crashed: ${cause.message}`;
    case "unsent":
      return `the task could not be sent to its worker: ${cause.message}`;
  }
}

/** The last lines a worker process wrote straight to its stderr: often the only account of a crash. */
const STDERR_LINES = 6;

/** V8's native stack after a fatal error: addresses in the node binary, nothing a learner can use. */
const NATIVE_FRAME = /^\s*\d+: 0x[0-9a-f]+|^-+ Native stack trace -+$/;

function stderrLines(tail: string | undefined): string[] {
  const lines = (tail ?? "")
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "" && !NATIVE_FRAME.test(l));
  if (lines.length === 0) return [];
  return [
    "its process's stderr ended with:",
    ...lines.slice(-STDERR_LINES).map((l) => `  ${l.length > 200 ? l.slice(0, 199) + "…" : l}`),
  ];
}
