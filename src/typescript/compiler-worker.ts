/**
 * Entry point of the compiler thread: owns the cell converter and answers CompilerRequests.
 * Everything that loads the TypeScript compiler happens here, off the kernel's main thread.
 */
import { parentPort } from "worker_threads";
import type * as TS from "typescript";
import {
  CompilerRequest,
  CompilerResponse,
  CompilerResults,
  ConvertResult,
  QuickInfoResult,
} from "./compiler-protocol";
import { expandShorthands, freeIdentifiers, importedNames } from "./source-analysis";
import { loopChecks } from "./loop-checks-transform";
import { hasTopLevelAwait } from "./top-level-await";
import { completeness } from "./completeness";
import { defaultCacheDirSetting, openCacheDir } from "../shared/cache-dir";
import { openCodeCache } from "../shared/code-cache";
import { kernelVersion } from "../shared/versions";
import { log } from "../shared/log";
import { loadTypeScript } from "./load-typescript";
import { CellConverter } from "./cell-converter";

if (!parentPort) throw new Error("compiler-worker must run as a worker thread");
const port = parentPort;

// Compiling TypeScript's 8 MB of JavaScript is a good part of loading it; V8 can keep the result (issue 12).
const codeCache = openCodeCache(openCacheDir(defaultCacheDirSetting(kernelVersion(), log)), log);
const ts: typeof TS = loadTypeScript(codeCache);
// The converter fixes the notebook's folder (the kernel's working directory) when it is made.
const converter = new CellConverter(ts, process.cwd(), [loopChecks(ts)]);

function convert(declarations: string, code: string): ConvertResult {
  const source = expandShorthands(ts, code);
  const r = converter.convert(declarations, source);
  if (r.diagnostics.length > 0) return { kind: "diagnostics", diagnostics: r.diagnostics };
  return {
    kind: "converted",
    js: r.js,
    lineMap: r.lineMap,
    declarations: r.declarations,
    lastExpressionVar: r.lastExpressionVar,
    hasTopLevelAwait: hasTopLevelAwait(ts, source),
    sideOutputs: r.sideOutputs,
    imports: importedNames(ts, code),
  };
}

function inspect(declarations: string, code: string, position: number): QuickInfoResult | null {
  const info = converter.inspect(declarations, code, position);
  // An identifier the checker cannot resolve still gets quick info ("any", of unknown kind).
  if (!info || info.kind === ts.ScriptElementKind.unknown) return null;
  return {
    signature: ts.displayPartsToString(info.displayParts),
    documentation: ts.displayPartsToString(info.documentation),
    tags: (info.tags ?? []).map((t) => ({ name: t.name, text: ts.displayPartsToString(t.text) })),
    start: info.textSpan.start,
    length: info.textSpan.length,
  };
}

function handle(req: CompilerRequest): CompilerResults[CompilerRequest["kind"]] {
  switch (req.kind) {
    case "convert":
      return convert(req.args.declarations, req.args.code);
    case "complete": {
      const c = converter.complete(req.args.declarations, req.args.code, req.args.position);
      return { start: c.start, end: c.end, matches: c.candidates };
    }
    case "inspect":
      return inspect(req.args.declarations, req.args.code, req.args.position);
    case "isComplete":
      return completeness(ts, req.args.code);
    case "freeIdentifiers":
      return freeIdentifiers(ts, req.args.source);
  }
}

let answered = false;
port.on("message", (req: CompilerRequest) => {
  let response: CompilerResponse;
  try {
    response = { id: req.id, ok: true, result: handle(req) };
  } catch (e) {
    response = { id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  // After the first request, when V8 has compiled what building a program and converting a cell
  // need, so the cache holds all of it; before answering it, because a kernel shut down right after
  // its first cell ends this thread at once. Tens of ms, once per new cache.
  if (!answered) codeCache.save();
  answered = true;
  port.postMessage(response);
});
port.postMessage({ id: -1, ok: true, ready: true } satisfies CompilerResponse);
