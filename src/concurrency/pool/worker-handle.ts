import { Worker } from "worker_threads";
import { fork, ChildProcess } from "child_process";
import * as path from "path";
import { FromWorker, ToWorker } from "../task-protocol";

/**
 * A thread or a process behind one small interface: the pool and the task protocol do not know
 * which they have. `exited` settles once with a human reason when the worker goes away.
 */
export interface WorkerHandle {
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  readonly exited: Promise<string>;
  /** Stop it now, whatever it is doing. */
  kill(): Promise<void>;
}

const SCRIPT = path.join(__dirname, "task-worker.js");
/** A process gets this long to exit on SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 300;

export function spawnThread(): WorkerHandle {
  const worker = new Worker(SCRIPT, { stdout: false, stderr: false });
  const exited = new Promise<string>((resolve) => {
    let error: Error | undefined;
    worker.once("error", (e) => (error = e));
    worker.once("exit", (code) =>
      resolve(error ? `the thread crashed: ${error.name}: ${error.message}` : `the thread exited with code ${code}`),
    );
  });
  return {
    send: (m) => worker.postMessage(m),
    onMessage: (l) => worker.on("message", l),
    exited,
    kill: async () => {
      await worker.terminate();
    },
  };
}

export function spawnProcess(): WorkerHandle {
  // 'advanced' serialization: the JSON default silently turns Map, Set, Date and typed arrays into wrong values.
  const child: ChildProcess = fork(SCRIPT, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) =>
      resolve(signal ? `the process was killed by ${signal}` : `the process exited with code ${code}`),
    );
    child.once("error", (e) => resolve(`the process failed: ${e.message}`));
  });
  return {
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
