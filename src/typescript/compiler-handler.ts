/**
 * What the compiler does with each CompilerRequest, whichever side of which port it lives on: the
 * compiler thread (compiler-worker.ts) and the compiler process started from a snapshot
 * (compiler-snapshot-entry.ts) answer with this same function.
 */
import type * as TS from "typescript";
import type {
  CompilerRequest,
  CompilerResponse,
  CompilerResults,
  ConvertResult,
  QuickInfoResult,
} from "./compiler-protocol";
import { expandShorthands, freeIdentifiers, importedNames } from "./source-analysis";
import { hasTopLevelAwait } from "./top-level-await";
import { completeness } from "./completeness";
import type { CellConverter } from "./cell-converter";

export type CompilerHandler = (req: CompilerRequest) => CompilerResponse;

export function createCompilerHandler(ts: typeof TS, converter: CellConverter): CompilerHandler {
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

  return (req) => {
    try {
      return { id: req.id, ok: true, result: handle(req) };
    } catch (e) {
      return { id: req.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  };
}
