/**
 * An Interpreter scripted per test: each cell's code names what it does, so kernel-core tests
 * can drive every path of the protocol without a compiler. It records what the core asked of it.
 */
import {
  Completion,
  ExecuteOutcome,
  ExecuteRequest,
  ExpressionValue,
  Inspection,
  Interpreter,
  IsCompleteStatus,
  CellOutput,
} from "../../src/protocol/interpreter-contract";

/** What a scripted cell does; `signal` is aborted when the core interrupts the interpreter. */
export type Cell = (request: ExecuteRequest, signal: AbortSignal) => Promise<ExecuteOutcome> | ExecuteOutcome;

export class FakeInterpreter implements Interpreter {
  readonly language = {
    name: "fake",
    version: "0.0.1",
    mimetype: "text/x-fake",
    file_extension: ".fake",
    codemirror_mode: "fake",
    pygments_lexer: "text",
    nbconvert_exporter: "script",
  };
  readonly banner = "a scripted interpreter";
  readonly executed: ExecuteRequest[] = [];
  interrupts = 0;
  shutdowns = 0;

  /** Code → behaviour; code not listed runs and returns nothing. */
  readonly cells = new Map<string, Cell>();
  evaluate: (expressions: Record<string, string>, output: CellOutput) => Promise<Record<string, ExpressionValue>> =
    async (expressions) =>
      Object.fromEntries(
        Object.entries(expressions).map(([k, v]) => [k, { status: "ok", data: { "text/plain": v }, metadata: {} }]),
      );
  complete: (code: string, cursor: number) => Promise<Completion> = async (_code, cursor) => ({
    matches: [],
    cursorStart: cursor,
    cursorEnd: cursor,
  });
  inspect: (code: string, cursor: number, detailLevel: 0 | 1) => Promise<Inspection> = async () => ({
    found: false,
    data: {},
  });
  isComplete: (code: string) => Promise<IsCompleteStatus> = async () => ({ status: "complete" });

  private running: AbortController | undefined;
  private readonly startWatchers = new Map<string, (r: ExecuteRequest) => void>();

  async execute(request: ExecuteRequest): Promise<ExecuteOutcome> {
    this.executed.push(request);
    const controller = new AbortController();
    this.running = controller;
    this.startWatchers.get(request.code)?.(request);
    try {
      const cell = this.cells.get(request.code);
      return cell ? await cell(request, controller.signal) : { kind: "ok" };
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  /** Resolves when the core starts running a cell with this code. */
  started(code: string): Promise<ExecuteRequest> {
    const seen = this.executed.find((r) => r.code === code);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.startWatchers.set(code, resolve));
  }

  interrupt(): void {
    this.interrupts++;
    this.running?.abort();
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}

export function ok(text?: string): ExecuteOutcome {
  return text === undefined ? { kind: "ok" } : { kind: "ok", result: { data: { "text/plain": text }, metadata: {} } };
}

export function failure(ename: string, evalue = ""): ExecuteOutcome {
  return { kind: "error", error: { ename, evalue, traceback: [`${ename}: ${evalue}`] } };
}

/** A cell that runs until the core interrupts it, then fails as an interrupted cell does. */
export const untilInterrupted: Cell = (_request, signal) =>
  new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(failure("KeyboardInterrupt", "Interrupted by the user")), {
      once: true,
    }),
  );

/** A promise and its resolver, for cells that wait until the test lets them go on. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
