/**
 * The TypeScript engine: the one thing the layers above (concurrency, interpreter) know of the
 * TypeScript compiler. Everything behind it (which compiler, on which thread, how a cell becomes
 * JavaScript) may change without them noticing.
 *
 * Where the time goes (figures from issue 12, measured on a quiet 2-core machine):
 * - `createTypeScriptEngine()` costs nothing; `version` reads a package.json.
 * - `warmUp()` starts the compiler: from the startup snapshot when one is cached, a process whose
 *   TypeScript is loaded and whose library files are parsed already (~0.2 s to ready); else a
 *   thread that loads TypeScript (~0.3 s), and the first convert builds the program (below).
 * - The first `convert()` creates the program: it parses and binds the declaration files every
 *   cell sees. Until a cell needs Node's types that is TypeScript's `lib` files only (~0.5 s, about
 *   35 MB of heap); the first cell that needs them adds `@types/node` (2.2 MB of text, ~1 s more and
 *   about 40 MB more heap), and so do completion and inspection. That step lives in
 *   `CellProgram.program()` (cell-program.ts): the place to snapshot, cache or make lazier.
 * - Later cells re-parse only the cell and the notebook's declarations and check the cell with a
 *   new type checker: ~5–20 ms for a small cell.
 */
import { createCompilerService } from "./compiler-service";
import type { Completeness, CompletionResult, ConvertResult, QuickInfoResult } from "./compiler-protocol";

export type {
  CellDiagnostic,
  Completeness,
  CompletionResult,
  ConvertResult,
  QuickInfoResult,
} from "./compiler-protocol";
export type { ImportedName, ImportBinding } from "./source-analysis";
export { formatDiagnostics } from "./diagnostics";
export { buildSnapshotNow } from "./compiler-service";

export interface TypeScriptEngine {
  /** The version of the TypeScript compiler that checks cells, known without loading it. */
  readonly version: string;
  /** Start loading the compiler now, so that the first cell does not wait for all of it. */
  warmUp(): Promise<void>;
  /**
   * Type-check `code` as the next cell after `declarations` (the notebook's names so far) and
   * compile it to the JavaScript the kernel runs, or say what is wrong with it.
   */
  convert(declarations: string, code: string): Promise<ConvertResult>;
  /** Completions at `position` in `code`, a cell written after `declarations`. */
  complete(declarations: string, code: string, position: number): Promise<CompletionResult>;
  /** What the name at `position` is (signature, documentation), or null where there is none. */
  inspect(declarations: string, code: string, position: number): Promise<QuickInfoResult | null>;
  /** Whether `code` is ready to run, needs more lines, or cannot be mended by more lines. */
  isComplete(code: string): Promise<Completeness>;
  /** Identifiers a function's JavaScript source reads but does not declare. */
  freeIdentifiers(source: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface TypeScriptEngineOptions {
  /**
   * Start the compiler from a startup snapshot in the user's cache folder when there is a usable
   * one, and build one in the background when there is not (compiler-service.ts). Off, the
   * compiler loads on a thread of this process every time.
   */
  snapshot: boolean;
  /** Why the snapshot is not used or not built, for whoever started the kernel. */
  log: (line: string) => void;
}

export function createTypeScriptEngine(
  options: TypeScriptEngineOptions = { snapshot: false, log: () => undefined },
): TypeScriptEngine {
  return createCompilerService(options);
}
