/**
 * Builds the compiler's startup snapshot in the background (issue 12): a child process at the
 * lowest priority runs `node --build-snapshot` on compiler-snapshot-entry.js, after the kernel has
 * given its first result, so that the learner never waits for it; the next kernels start from
 * the blob. One kernel of a room builds it (snapshot-store.ts's lock); a build that failed is not
 * tried again for a while (its failure marker). Measured on Node 20: ~1.5–3.5 s of CPU, 22 MB.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import type { Socket } from "net";
import * as os from "os";
import * as path from "path";
import { SNAPSHOT_NODE_FLAGS } from "./compiler-process-port";
import {
  markFailed,
  pruneUnusedSnapshots,
  recentFailure,
  SnapshotKey,
  SnapshotPaths,
  takeLock,
  writeManifest,
} from "./snapshot-store";
import { ownChild } from "../shared/own-processes";

export type BuildOutcome = "built" | "failed" | "skipped";

export interface SnapshotBuild {
  readonly done: Promise<BuildOutcome>;
  /** Ends a build still running (the kernel is shutting down); resolves once it has gone: no orphaned process. */
  stop(): Promise<void>;
}

/** The entry Node builds the blob from, beside this file in dist/. */
export const SNAPSHOT_ENTRY = path.join(__dirname, "compiler-snapshot-entry.js");
/** Signals that stop a build rather than tell of its failure. */
const STOP_SIGNALS = new Set<string>(["SIGINT", "SIGTERM", "SIGKILL", "SIGHUP"]);
/** Enough of a failed build's stderr to say why. */
const STDERR_KEPT = 2000;

export function buildSnapshot(
  paths: SnapshotPaths,
  key: SnapshotKey,
  log: (line: string) => void,
  options: {
    /** False when the caller waits for the build (the `snapshot` command); a kernel never waits. */
    background?: boolean;
    entry?: string;
  } = {},
): SnapshotBuild {
  const { background = true, entry = SNAPSHOT_ENTRY } = options;
  // Said once, when the attempt failed; a room's other kernels skip without a word.
  const skipped: SnapshotBuild = { done: Promise.resolve("skipped"), stop: async () => undefined };
  if (recentFailure(paths)) return skipped;
  const release = takeLock(paths);
  if (!release) return skipped;

  const partial = `${paths.blob}.${process.pid}.partial`;
  const filesList = `${paths.blob}.${process.pid}.files`;
  removeLeftovers(paths);
  const cleanUp = () => {
    for (const file of [partial, filesList]) fs.rmSync(file, { force: true });
    release();
  };
  try {
    fs.mkdirSync(paths.work, { recursive: true, mode: 0o700 });
  } catch (e) {
    cleanUp();
    log(`compiler snapshot not built: ${String(e)}`);
    return skipped;
  }
  const child = spawn(
    process.execPath,
    [...SNAPSHOT_NODE_FLAGS, "--snapshot-blob", partial, "--build-snapshot", entry],
    {
      // A folder with no packages of its own, as most notebook folders: the warmed program's type roots
      // are then the ones a notebook folder gets, and its parsed files are the ones reused.
      cwd: paths.work,
      env: { ...process.env, TS_CONCURRENCY_KERNEL_SNAPSHOT_FILES: filesList },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  ownChild(child);
  // Nice 19: on a shared server the learners' cells come first.
  try {
    if (child.pid !== undefined) os.setPriority(child.pid, 19);
  } catch {
    // Only slower for others.
  }
  if (background) child.unref();
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_KEPT)));
  if (background) (child.stderr as Socket).unref();

  let stopped = false;
  let finished = false;
  const done = new Promise<BuildOutcome>((resolve) => {
    const finish = (failure: string | undefined) => {
      if (finished) return;
      finished = true;
      if (stopped) {
        // Stopped, not failed: the next kernel may build it.
        cleanUp();
        return resolve("skipped");
      }
      if (failure) {
        markFailed(paths, failure);
        log(`compiler snapshot not built: ${failure}`);
      }
      cleanUp();
      resolve(failure ? "failed" : "built");
    };
    child.on("error", (e) => finish(e.message));
    child.on("exit", (code, signal) => {
      // Stopped from outside (a terminal's Ctrl-C reaches the kernel's whole process group): not a failure.
      if (signal && STOP_SIGNALS.has(signal)) stopped = true;
      if (code !== 0) return finish(`node --build-snapshot ended with ${signal ?? `code ${code}`}: ${stderr.trim()}`);
      try {
        const baked = JSON.parse(fs.readFileSync(filesList, "utf8")) as string[];
        // Node writes it readable by all; like everything in the cache, it is for our user only.
        fs.chmodSync(partial, 0o600);
        fs.renameSync(partial, paths.blob);
        writeManifest(paths, key, baked);
        // A build is rare and already writes here: the moment to clear out what no kernel uses.
        for (const gone of pruneUnusedSnapshots(paths)) log(`removed an unused compiler snapshot: ${gone}`);
        finish(undefined);
      } catch (e) {
        finish(`the built snapshot could not be stored: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  });
  return {
    done,
    stop: async () => {
      stopped = true;
      // Held until it has gone, so that the kernel reaps it before it exits (see compiler-process-port.ts).
      child.ref();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await done;
    },
  };
}

/** What builds that died with their kernel left behind; only the lock's holder may remove them. */
function removeLeftovers(paths: SnapshotPaths): void {
  const prefix = `${path.basename(paths.blob)}.`;
  try {
    for (const name of fs.readdirSync(path.dirname(paths.blob))) {
      if (name.startsWith(prefix) && /\.(partial|files)$/.test(name))
        fs.rmSync(path.join(path.dirname(paths.blob), name), { force: true });
    }
  } catch {
    // Only disk space.
  }
}
