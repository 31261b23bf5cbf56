import { Worker } from "worker_threads";
import { fork, ChildProcess } from "child_process";
import * as path from "path";
import { writeSync } from "fs";
import { FromWorker, ToWorker } from "../model/task-protocol";
import { taskOutputReceived } from "../model/task-output";
import { createByteBudget } from "../../shared/byte-budget";
import { ownChild } from "../../shared/own-processes";

/** Why a worker went away, as a value: the pool words it for each task the worker still held. */
export type WorkerExit = (
  | { kind: "exited"; code: number }
  | { kind: "signal"; signal: NodeJS.Signals }
  | { kind: "out-of-memory" }
  | { kind: "failed"; message: string }
) & {
  /** The end of what a process wrote to its own stderr (V8's fatal errors, say), for the notebook. */
  stderrTail?: string;
};

export interface WorkerLimits {
  /** The heap limit (V8's old generation) in megabytes; Node's default when absent. */
  memoryMb?: number;
}

/**
 * A thread or a process behind one small interface: the pool and the task protocol do not know
 * which they have. `exited` settles once, with the reason, when the worker goes away.
 */
export interface WorkerHandle {
  readonly limits: WorkerLimits;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  readonly exited: Promise<WorkerExit>;
  /** Stop it now, whatever it is doing. */
  kill(): Promise<void>;
}

/** The compiled task worker beside this file; tests name the built one, as they run from the sources. */
const SCRIPT = path.join(__dirname, "..", "worker", "task-worker.js");
/** A process gets this long to exit on SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 300;
/** What V8 prints before it aborts a process whose heap is full; nothing else tells that abort apart. */
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit/;
/** How much of a child's stderr is kept to look for that. */
const STDERR_TAIL = 4096;
/**
 * A child's stderr ends after its exit event; how long to wait for the end before deciding why it
 * died (a grandchild holding the pipe open would otherwise hold the decision up for good).
 */
const CLOSE_WAIT_MS = 500;

/**
 * V8 adds its young generation (three semi-spaces' worth) to the old-generation cap, and Node 24's
 * V8 sizes it from the machine, not the cap: `--memory 64mb` gave a 256 MB heap there (112 MB on
 * Node 20). A semi-space of a sixteenth of the cap (1 to 16 MB) keeps the heap near what was asked
 * on every Node.
 */
function semiSpaceMb(memoryMb: number): number {
  return Math.min(16, Math.max(1, Math.round(memoryMb / 16)));
}

export function spawnThread(limits: WorkerLimits = {}, script = SCRIPT): WorkerHandle {
  // A thread's prints cross a MessagePort that never pushes back; the budget is how it waits for us.
  const outputBudget = createByteBudget();
  const worker = new Worker(script, {
    stdout: false,
    stderr: false,
    workerData: { outputBudget },
    ...(limits.memoryMb === undefined
      ? {}
      : {
          resourceLimits: {
            maxOldGenerationSizeMb: limits.memoryMb,
            maxYoungGenerationSizeMb: 2 * semiSpaceMb(limits.memoryMb),
          },
        }),
  });
  worker.on("message", (m: FromWorker) => {
    if (m.type === "output") taskOutputReceived(outputBudget, m.text);
  });
  const exited = new Promise<WorkerExit>((resolve) => {
    let error: Error | undefined;
    worker.on("error", (e) => (error ??= e));
    worker.once("exit", (code) => {
      if (!error) resolve({ kind: "exited", code });
      else if ((error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY") resolve({ kind: "out-of-memory" });
      else resolve({ kind: "failed", message: `${error.name}: ${error.message}` });
    });
  });
  return {
    limits,
    send: (m) => worker.postMessage(m),
    onMessage: (l) => worker.on("message", l),
    exited,
    kill: async () => {
      await worker.terminate();
    },
  };
}

export function spawnProcess(limits: WorkerLimits = {}, script = SCRIPT): WorkerHandle {
  const execArgv =
    limits.memoryMb === undefined
      ? process.execArgv
      : [
          ...process.execArgv,
          `--max-old-space-size=${limits.memoryMb}`,
          `--max-semi-space-size=${semiSpaceMb(limits.memoryMb)}`,
        ];
  // 'advanced' serialization: the JSON default silently turns Map, Set, Date and typed arrays into wrong values.
  const child: ChildProcess = fork(script, [], {
    serialization: "advanced",
    execArgv,
    stdio: ["ignore", "inherit", "pipe", "ipc"],
  });
  ownChild(child);
  let stderrTail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL);
    // The child's own diagnostics still belong on the kernel's stderr, as when it was inherited.
    try {
      writeSync(2, chunk);
    } catch {
      // A closed stderr must not take the kernel down.
    }
  });
  const exited = new Promise<WorkerExit>((resolve) => {
    const settle = (code: number | null, signal: NodeJS.Signals | null) => {
      if (signal && OUT_OF_MEMORY.test(stderrTail)) resolve({ kind: "out-of-memory", stderrTail });
      else if (signal) resolve({ kind: "signal", signal, stderrTail });
      else resolve({ kind: "exited", code: code ?? 0, stderrTail });
    };
    child.once("exit", (code, signal) => setTimeout(() => settle(code, signal), CLOSE_WAIT_MS).unref());
    child.once("close", settle);
    // "on": a failed kill or send can raise a second error, and an unheard one would throw here.
    child.on("error", (e) => resolve({ kind: "failed", message: e.message }));
  });
  return {
    limits,
    send: (m) => {
      if (child.connected) child.send(m);
    },
    onMessage: (l) => child.on("message", (m) => l(m as FromWorker)),
    exited,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), TERM_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
