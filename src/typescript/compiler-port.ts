/**
 * How the kernel reaches its compiler: a port carries CompilerRequests one way and CompilerResponses
 * the other, and says once when the other side has gone. The compiler thread (today's default) and
 * the compiler process started from a snapshot (compiler-process-port.ts) differ only here, so
 * the TypeScriptCompiler does not know which one answers it.
 */
import { Worker } from "worker_threads";
import * as path from "path";
import type { CompilerRequest, CompilerResponse } from "./compiler-protocol";

export interface CompilerPortEvents {
  message(response: CompilerResponse): void;
  /** The compiler has gone: it crashed, exited, or could not be started. Called at most once. */
  exit(reason: Error): void;
}

export interface CompilerPort {
  /** `thread` or `process`: what answers, for logs and tests. */
  readonly kind: "thread" | "process";
  send(request: CompilerRequest): void;
  /** Ends the compiler; resolves once it has gone. */
  close(): Promise<void>;
}

/** Opens a port; the compiler behind it says it is ready with a `ready` response. */
export type OpenCompilerPort = (events: CompilerPortEvents) => CompilerPort;

/** Measured on the idle kernel: 4 MB gave 252 MiB RSS after warm-up against 273 MiB with V8's default. */
const COMPILER_YOUNG_GENERATION_MB = 4;

/** The compiler on a worker thread of the kernel, which loads TypeScript afresh (compiler-worker.ts). */
export const openCompilerThread: OpenCompilerPort = (events) => {
  const worker = new Worker(path.join(__dirname, "compiler-worker.js"), {
    // The language service's garbage is short-lived and its program long-lived: a young generation
    // kept small leaves about 20 MB less resident between cells, for no measurable compile time.
    resourceLimits: { maxYoungGenerationSizeMb: COMPILER_YOUNG_GENERATION_MB },
  });
  // The compiler thread must never keep a finished kernel process alive.
  worker.unref();
  let gone = false;
  const exit = (reason: Error) => {
    if (gone) return;
    gone = true;
    events.exit(reason);
  };
  worker.on("message", (response: CompilerResponse) => events.message(response));
  worker.on("error", (e) => exit(new Error(`TypeScript compiler thread crashed: ${e.message}`)));
  worker.on("exit", (code) => exit(new Error(`TypeScript compiler thread exited (code ${code})`)));
  return {
    kind: "thread",
    send: (request) => worker.postMessage(request),
    close: async () => {
      gone = true;
      await worker.terminate();
    },
  };
};
