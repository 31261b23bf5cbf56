/**
 * The baselines for worker start-up: Node's own `new Worker` and `fork` of a script, timed in this
 * process from spawn to the script's first message, as the kernel's pool times its workers. Every
 * worker is stopped before the next measurement starts.
 */
import { fork } from "child_process";
import { join } from "path";
import { Worker } from "worker_threads";
import { builtFile } from "./product";
import { reap, watchSpawned } from "./spawned";

/** One start-up: how long it took, or why there is no number. */
export type Measured = { ms: number } | { problem: string };

/** Does nothing but say "ready": what Node itself costs. */
export const READY_SCRIPT = join(__dirname, "ready-script.js");
/**
 * The kernel's own worker script, whose first message is its "ready": spawned from here it shows
 * how much of a magic's start-up is the script's loading and how much the kernel around it.
 */
export function poolWorkerScript(): string {
  return builtFile("concurrency/worker/task-worker.js");
}
/** A child that ignores SIGTERM this long is killed. */
const EXIT_GRACE_MS = 2000;

export async function bareThreadStartup(script: string, limitMs: number): Promise<Measured> {
  const spawnedAt = performance.now();
  const worker = new Worker(script, { stdout: false, stderr: false });
  const measured = await new Promise<Measured>((resolve) => {
    const timer = setTimeout(() => resolve({ problem: `no "ready" from new Worker within ${limitMs} ms` }), limitMs);
    const settle = (result: Measured) => {
      clearTimeout(timer);
      resolve(result);
    };
    worker.once("message", () => settle({ ms: performance.now() - spawnedAt }));
    worker.once("error", (error) => settle({ problem: `new Worker failed: ${error.message}` }));
    worker.once("exit", (code) => settle({ problem: `the worker exited with code ${code} before "ready"` }));
  });
  await worker.terminate();
  return measured;
}

/** `serialization: "advanced"` as the kernel's process workers use: it decides how the channel is set up. */
export async function bareProcessStartup(script: string, limitMs: number): Promise<Measured> {
  const spawnedAt = performance.now();
  const spawned = watchSpawned(
    fork(script, [], { serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"] }),
  );
  const measured = await new Promise<Measured>((resolve) => {
    const timer = setTimeout(() => resolve({ problem: `no "ready" from fork within ${limitMs} ms` }), limitMs);
    const settle = (result: Measured) => {
      clearTimeout(timer);
      resolve(result);
    };
    spawned.child.once("message", () => settle({ ms: performance.now() - spawnedAt }));
    void spawned.exited.then(() =>
      settle({ problem: `the child exited before "ready": ${spawned.stderr().trim() || "no stderr"}` }),
    );
  });
  if (!spawned.hasExited()) spawned.child.kill("SIGTERM");
  await reap(spawned, EXIT_GRACE_MS);
  return measured;
}
