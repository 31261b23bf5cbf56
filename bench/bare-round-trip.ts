/**
 * The baseline for a pool task's overhead: the same number of round trips over the same number of
 * bare echo workers (`new Worker`, or `fork` with serialization "advanced"), each worker taking
 * one message at a time as a pool slot does. Every worker is stopped before this returns.
 */
import { fork } from "child_process";
import { join } from "path";
import { Worker } from "worker_threads";
import { Measured } from "./bare-spawn";
import { reap, watchSpawned } from "./spawned";

const ECHO_SCRIPT = join(__dirname, "echo-script.js");
const EXIT_GRACE_MS = 2000;

interface Echo {
  send(message: unknown): void;
  next(): Promise<unknown>;
  stop(): Promise<void>;
}

/** Wall time per round trip in ms, over `trips` trips spread across `workers` echo workers, after as many unmeasured. */
export async function bareRoundTrips(
  kind: "threads" | "processes",
  workers: number,
  trips: number,
  limitMs: number,
): Promise<Measured> {
  const echoes: Echo[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    for (let w = 0; w < workers; w++) echoes.push(kind === "threads" ? threadEcho() : processEcho());
    const timedOut = new Promise<Measured>((resolve) => {
      timer = setTimeout(
        () => resolve({ problem: `${trips} bare round trips did not finish within ${limitMs} ms` }),
        limitMs,
      );
    });
    const run = async (): Promise<Measured> => {
      await Promise.all(echoes.map((e) => e.next()));
      await spread(echoes, trips);
      const t0 = performance.now();
      await spread(echoes, trips);
      return { ms: (performance.now() - t0) / trips };
    };
    return await Promise.race([run(), timedOut]);
  } catch (e) {
    return { problem: `bare round trips failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    clearTimeout(timer);
    await Promise.all(echoes.map((e) => e.stop()));
  }
}

/** Like a pool: each worker takes the next message once its last one has come back. */
async function spread(echoes: Echo[], trips: number): Promise<void> {
  let sent = 0;
  await Promise.all(
    echoes.map(async (echo) => {
      while (sent < trips) {
        const i = sent++;
        echo.send({ type: "run", id: i, task: { i, n: trips } });
        await echo.next();
      }
    }),
  );
}

/** Messages queue up until asked for, so none is missed between two `next()` calls. */
function inbox(): { push(m: unknown): void; next(): Promise<unknown> } {
  const waiting: ((m: unknown) => void)[] = [];
  const queued: unknown[] = [];
  return {
    push: (m) => (waiting.length ? waiting.shift()!(m) : queued.push(m)),
    next: () => (queued.length ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve))),
  };
}

function threadEcho(): Echo {
  const worker = new Worker(ECHO_SCRIPT, { stdout: false, stderr: false });
  const box = inbox();
  worker.on("message", box.push);
  return {
    send: (m) => worker.postMessage(m),
    next: box.next,
    stop: async () => {
      await worker.terminate();
    },
  };
}

function processEcho(): Echo {
  const spawned = watchSpawned(
    fork(ECHO_SCRIPT, [], { serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"] }),
  );
  const box = inbox();
  spawned.child.on("message", box.push);
  return {
    send: (m) => spawned.child.send(m as object),
    next: box.next,
    stop: async () => {
      if (!spawned.hasExited()) spawned.child.kill("SIGTERM");
      await reap(spawned, EXIT_GRACE_MS);
    },
  };
}
