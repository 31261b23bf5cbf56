/**
 * Entry point of the compiler thread: owns the cell converter and answers CompilerRequests.
 * Everything that loads the TypeScript compiler happens here, off the kernel's main thread.
 */
import { parentPort } from "worker_threads";
import type * as TS from "typescript";
import type { CompilerRequest, CompilerResponse } from "./compiler-protocol";
import { loopChecks } from "./loop-checks-transform";
import { awaitScopes } from "./await-scope-transform";
import { defaultCacheDirSetting, openCacheDir } from "../shared/cache-dir";
import { openCodeCache } from "../shared/code-cache";
import { kernelVersion } from "../shared/versions";
import { log } from "../shared/log";
import { loadTypeScript } from "./load-typescript";
import { CellConverter } from "./cell-converter";
import { createCompilerHandler } from "./compiler-handler";

if (!parentPort) throw new Error("compiler-worker must run as a worker thread");
const port = parentPort;

// Compiling TypeScript's 8 MB of JavaScript is a good part of loading it; V8 can keep the result (issue 12).
const codeCache = openCodeCache(openCacheDir(defaultCacheDirSetting(kernelVersion(), log)), log);
const ts: typeof TS = loadTypeScript(codeCache);
// The converter fixes the notebook's folder (the kernel's working directory) when it is made.
const handle = createCompilerHandler(ts, new CellConverter(ts, process.cwd(), [loopChecks(ts), awaitScopes(ts)]));

let answered = false;
port.on("message", (req: CompilerRequest) => {
  const response = handle(req);
  // After the first request, when V8 has compiled what building a program and converting a cell
  // need, so the cache holds all of it; before answering it, because a kernel shut down right after
  // its first cell ends this thread at once. Tens of ms, once per new cache.
  if (!answered) codeCache.save();
  answered = true;
  port.postMessage(response);
});
port.postMessage({ id: -1, ok: true, ready: true } satisfies CompilerResponse);
