/**
 * What the kernel's main thread and the TypeScript compiler thread say to each other.
 * The compiler lives on its own thread so that loading it (about a second) never delays
 * `kernel_info`, and a slow type check never stops output or interrupts from flowing.
 */

import type { ImportedName } from "./source-analysis";
import type { LineMap } from "../runtime/source-map";

export interface CellDiagnostic {
  /** Zero-based, relative to the cell's own text. */
  line: number;
  character: number;
  message: string;
  code: number;
  /** Set when the problem is in another file (an imported module), not in the cell. */
  fileName?: string;
}

export type ConvertResult =
  | { kind: "diagnostics"; diagnostics: CellDiagnostic[] }
  | {
      kind: "converted";
      /** CommonJS-style JavaScript reading and writing notebook names through `exports`. */
      js: string;
      /** Where each line of `js` came from in the cell (empty when no map was made). */
      lineMap: LineMap;
      /** Declarations of every notebook name after this cell (the next cell's context). */
      declarations: string;
      lastExpressionVar?: string;
      hasTopLevelAwait: boolean;
      /** Transpiled local `.ts` modules the cell imports, by absolute path. */
      sideOutputs: { path: string; data: string }[];
      /** Names the cell binds by importing, so workers can import them again. */
      imports: ImportedName[];
    };

export interface CompletionResult {
  start: number;
  end: number;
  matches: string[];
}

export interface QuickInfoResult {
  /** The signature or type, e.g. `const x: number`. */
  signature: string;
  documentation: string;
  tags: { name: string; text: string }[];
  start: number;
  length: number;
}

export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

export interface CompilerRequests {
  convert: { declarations: string; code: string };
  complete: { declarations: string; code: string; position: number };
  inspect: { declarations: string; code: string; position: number };
  isComplete: { code: string };
  freeIdentifiers: { source: string };
}

export interface CompilerResults {
  convert: ConvertResult;
  complete: CompletionResult;
  inspect: QuickInfoResult | null;
  isComplete: Completeness;
  freeIdentifiers: string[];
}

export type CompilerRequestKind = keyof CompilerRequests;

export type CompilerRequest = {
  [K in CompilerRequestKind]: { id: number; kind: K; args: CompilerRequests[K] };
}[CompilerRequestKind];

export type CompilerResponse =
  | { id: number; ok: true; result: CompilerResults[CompilerRequestKind] }
  | { id: number; ok: false; error: string }
  | { id: -1; ok: true; ready: true };
