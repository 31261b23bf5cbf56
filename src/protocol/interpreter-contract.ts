/**
 * The seam between the kernel core and a language: the core owns the protocol bookkeeping
 * (counts, status, replies, history), an Interpreter only runs code and answers questions about it.
 */
import { ErrorFields, MimeBundle } from "./content";

/** Where everything a cell produces goes; the core binds one to each request. */
export interface CellOutput {
  stream(name: "stdout" | "stderr", text: string): void;
  display(data: MimeBundle, metadata: Record<string, unknown>, displayId?: string): void;
  updateDisplay(data: MimeBundle, metadata: Record<string, unknown>, displayId: string): void;
  clearOutput(wait: boolean): void;
  /** Rejects with a clear error when the client did not allow stdin. */
  requestInput(prompt: string, password: boolean): Promise<string>;
}

export interface ExecuteRequest {
  code: string;
  executionCount: number;
  silent: boolean;
  output: CellOutput;
}

export type ExecuteOutcome =
  | { kind: "ok"; result?: { data: MimeBundle; metadata: Record<string, unknown> } }
  | { kind: "error"; error: ErrorFields };

export type ExpressionValue =
  { status: "ok"; data: MimeBundle; metadata: Record<string, unknown> } | ({ status: "error" } & ErrorFields);

export interface Completion {
  matches: string[];
  /** UTF-16 offsets into the code; the core converts to the protocol's code points. */
  cursorStart: number;
  cursorEnd: number;
}

export interface Inspection {
  found: boolean;
  data: MimeBundle;
}

export type IsCompleteStatus =
  { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

export interface LanguageDescription {
  name: string;
  version: string;
  mimetype: string;
  file_extension: string;
  codemirror_mode: string;
  pygments_lexer: string;
  nbconvert_exporter: string;
}

export interface Interpreter {
  /** Known without loading the compiler, so `kernel_info` is answered at once. */
  readonly language: LanguageDescription;
  readonly banner: string;
  execute(request: ExecuteRequest): Promise<ExecuteOutcome>;
  evaluate(expressions: Record<string, string>, output: CellOutput): Promise<Record<string, ExpressionValue>>;
  /** `cursor` is a UTF-16 offset into `code`. */
  complete(code: string, cursor: number): Promise<Completion>;
  inspect(code: string, cursor: number, detailLevel: 0 | 1): Promise<Inspection>;
  isComplete(code: string): Promise<IsCompleteStatus>;
  /** Stop whatever the current cell is waiting on; synchronous code is stopped by SIGINT itself. */
  interrupt(): void;
  shutdown(): Promise<void>;
}
