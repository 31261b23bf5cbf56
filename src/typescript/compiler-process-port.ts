/**
 * The compiler in a child process started from the startup snapshot (compiler-snapshot-entry.ts):
 * a snapshot starts only a process's main thread, hence a process. Requests and responses travel
 * as lines of JSON on its stdin and stdout; its stderr is the kernel's. Closing its stdin ends it,
 * and so does the kernel's death, since that closes the pipe.
 */
import { spawn } from "child_process";
import type { Socket } from "net";
import type { CompilerResponse } from "./compiler-protocol";
import type { OpenCompilerPort } from "./compiler-port";
import { lineReader, toLine } from "./line-messages";
import { ownChild } from "../shared/own-processes";

/**
 * V8 flags the blob is built and started with: they must match, or Node refuses the blob. A small
 * young generation, as for the compiler thread (compiler-port.ts): less resident between cells.
 */
export const SNAPSHOT_NODE_FLAGS = ["--max-semi-space-size=1"];

/**
 * glibc's malloc for the compiler process. Node reads the blob (~22 MB) into memory and keeps V8's
 * part for the life of the process; with glibc's default, which raises its mmap threshold as large
 * blocks come and go, the rest of that read stayed in the heap, resident and never used again. A
 * fixed threshold gives every large block its own mapping, returned to the system when freed, and
 * one arena is enough for a process that runs one request at a time. Measured with four kernels
 * running: 70 → 66 MiB PSS for the compiler process. Environment variables, not code: they must
 * be there before the process's first allocation.
 */
const COMPILER_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: "131072", MALLOC_ARENA_MAX: "1" };

export function openCompilerProcess(blob: string): OpenCompilerPort {
  return (events) => {
    const child = spawn(process.execPath, [...SNAPSHOT_NODE_FLAGS, "--snapshot-blob", blob], {
      cwd: process.cwd(),
      env: { ...process.env, ...COMPILER_MALLOC_ENV },
      stdio: ["pipe", "pipe", "inherit"],
    });
    ownChild(child);
    // Like the compiler thread, the process must never keep a finished kernel alive.
    child.unref();
    // Its pipes are sockets; unref'd, they do not hold the event loop either.
    (child.stdout as Socket).unref();
    (child.stdin as Socket).unref();
    let gone = false;
    const exit = (reason: Error) => {
      if (gone) return;
      gone = true;
      events.exit(reason);
    };
    child.stdout.setEncoding("utf8");
    const read = lineReader((message) => events.message(message as CompilerResponse));
    child.stdout.on("data", (chunk: string) => {
      try {
        read(chunk);
      } catch (e) {
        child.kill("SIGKILL");
        exit(new Error(`TypeScript compiler process sent a garbled message: ${String(e)}`));
      }
    });
    // A write after the process died fails here; its exit reports the death.
    child.stdin.on("error", () => undefined);
    child.on("error", (e) => exit(new Error(`TypeScript compiler process failed: ${e.message}`)));
    child.on("exit", (code, signal) =>
      exit(new Error(`TypeScript compiler process exited (${signal ?? `code ${code}`})`)),
    );
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else {
        child.once("exit", () => resolve());
        child.once("error", () => resolve());
      }
    });
    return {
      kind: "process",
      send: (request) => void child.stdin.write(toLine(request)),
      close: async () => {
        gone = true;
        // Held again until it has gone: a kernel whose last handle it is would otherwise exit first
        // and leave it unreaped (a zombie, where PID 1 does not reap).
        child.ref();
        child.stdin.end();
        child.kill("SIGTERM");
        await exited;
      },
    };
  };
}
