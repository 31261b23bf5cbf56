import * as path from "path";
import { ErrorFields } from "../protocol/content";
import {
  CellOutput,
  Completion,
  ExecuteOutcome,
  ExecuteRequest,
  ExpressionValue,
  Inspection,
  Interpreter,
  IsCompleteStatus,
  LanguageDescription,
} from "../protocol/interpreter-contract";
import {
  CellDiagnostic,
  createTypeScriptEngine,
  formatDiagnostics,
  TypeScriptEngine,
  TypeScriptEngineOptions,
} from "../typescript/engine";
import { CELL_GLOBALS_DECLARATIONS } from "../runtime/cell-globals-decl";
import { display, installCellGlobals } from "../runtime/cell-globals";
import { createTslabCompat } from "../runtime/display-api";
import { CellRequire } from "../runtime/cell-require";
import { CellRunner, CompiledCell } from "../runtime/cell-runner";
import { createNotebookNames } from "../runtime/notebook-names";
import { render } from "../runtime/mime";
import { toErrorFields } from "../runtime/error-fields";
import { KeyboardInterrupt } from "../shared/interrupt-error";
import { kernelVersion } from "../shared/versions";
import { parseCell } from "./magics/magic-registry";
import { KernelError } from "../protocol/kernel-error";
import { BODY_VAR, ConcurrentCellHost, runConcurrentCell, wrapBody } from "./magics/concurrent-cell";
import { Executor } from "../concurrency/model/executor";
import { ExecutorKind } from "../concurrency/model/timing";
import { MainThreadExecutor } from "../concurrency/executors/main-thread-executor";
import { PoolExecutor } from "../concurrency/executors/pool-executor";
import { NotebookRegistry } from "./notebook-registry";
import { cellCompleteness } from "./cell-completeness";
import { runCompareCell } from "./magics/compare-cell";
import { ExpressionResult } from "./magics/map-items";
import { TimingHost, timeCell, timeitCell } from "./timing-magics";
import { InterruptGate } from "../shared/interrupt-gate";

export interface TypeScriptInterpreterOptions {
  /** Where `import` and `require` resolve from: the notebook's folder. */
  rootDir: string;
  /** Shared with the transport so that interrupts only strike where a cell can take them. */
  interruptGate?: InterruptGate;
  /** How the TypeScript compiler starts (the kernel process turns its startup snapshot on). */
  compiler?: TypeScriptEngineOptions;
}

/** TypeScript cells: type-checked against earlier cells by the TypeScript engine, run on this thread. */
export class TypeScriptInterpreter implements Interpreter {
  private readonly compiler: TypeScriptEngine;
  readonly language: LanguageDescription;
  readonly banner: string;

  private readonly names = createNotebookNames();
  private readonly cellRequire: CellRequire;
  private readonly runner: CellRunner;
  /** Declarations of every name the notebook has defined so far, as the compiler wrote them. */
  private declarations = "";
  private readonly registry: NotebookRegistry;
  private readonly executors = new Map<ExecutorKind, Executor>();
  private readonly serialWallMs = new Map<string, number>();
  /** The cell being compiled, until it starts running; an interrupt then cancels it at once. */
  private compiling: { interrupted: boolean; stop(): void } | undefined;

  constructor(options: TypeScriptInterpreterOptions) {
    this.compiler = createTypeScriptEngine(options.compiler);
    this.language = {
      name: "typescript",
      version: this.compiler.version,
      mimetype: "text/typescript",
      file_extension: ".ts",
      codemirror_mode: "typescript",
      pygments_lexer: "typescript",
      nbconvert_exporter: "script",
    };
    this.banner =
      `ts-concurrency-kernel ${kernelVersion()} — TypeScript ${this.language.version} on Node ${process.version}\n` +
      "Cells are type-checked across the notebook; %%threads, %%processes and %%async run a cell as concurrent tasks.";
    const tslab = createTslabCompat(display, {
      tslab: "1.0.22",
      typescript: this.language.version,
      node: process.version,
    });
    this.cellRequire = new CellRequire(path.resolve(options.rootDir), { tslab });
    this.registry = new NotebookRegistry(path.resolve(options.rootDir));
    this.runner = new CellRunner(this.names, this.cellRequire.require, options.interruptGate);
    // The compiler resolves these names to their declarations in the notebook's context, so
    // compiled cells read them from the notebook's names (the process puts global copies beside them).
    installCellGlobals(this.names);
    // Loading the compiler takes about a second; start now, in the background.
    // Its first conversion builds the whole program (seconds on a busy machine): do that too.
    void this.compiler
      .warmUp()
      .then(() => this.compiler.convert(this.context(), "0"))
      .catch(() => undefined);
  }

  async execute(request: ExecuteRequest): Promise<ExecuteOutcome> {
    try {
      return await this.executeParsed(request);
    } catch (e) {
      // The kernel's own refusals (a bad flag, a name a worker cannot get) are the cell's outcome;
      // anything else is left to the kernel core's safety net, which logs its stack.
      if (e instanceof KernelError) return { kind: "error", error: e.toErrorFields() };
      throw e;
    }
  }

  private async executeParsed(request: ExecuteRequest): Promise<ExecuteOutcome> {
    const parsed = parseCell(request.code);
    if (parsed.kind === "text") {
      request.output.stream("stdout", parsed.text + "\n");
      return { kind: "ok" };
    }
    if (parsed.kind === "concurrency") {
      const { executor, ...rest } = parsed;
      const cell = { ...rest, filename: `Cell[${request.executionCount}]` };
      return this.runner.guard(request.output, (signal, within) =>
        executor === "compare"
          ? runCompareCell(this.concurrencyHost(), cell, request.output, signal, within)
          : runConcurrentCell(this.concurrencyHost(), { ...cell, executor }, request.output, signal, within),
      );
    }
    if (parsed.kind === "timing") {
      const { code, line } = parsed;
      return parsed.mode === "time"
        ? timeCell(this.timingHost(), request, code, line)
        : timeitCell(this.timingHost(), request, code, line);
    }
    return this.executeCode(request);
  }

  private async executeCode(request: ExecuteRequest): Promise<ExecuteOutcome> {
    const filename = `Cell[${request.executionCount}]`;
    // Nothing runs while a cell compiles, so an interrupt then stops the cell from starting, and
    // answers at once: the first cell that needs Node's types waits most of a second for them.
    let stop = () => undefined as void;
    const stopped = new Promise<"interrupted">((resolve) => (stop = () => resolve("interrupted")));
    const compiling = { interrupted: false, stop };
    this.compiling = compiling;
    const compile = this.compile(request.code);
    // Left to finish when interrupted; what it says then concerns no cell.
    compile.catch(() => undefined);
    const converted = await Promise.race([compile, stopped]).finally(() => (this.compiling = undefined));
    if (converted === "interrupted" || compiling.interrupted) {
      return { kind: "error", error: toErrorFields(new KeyboardInterrupt("Interrupted before the cell started")) };
    }
    if (converted.kind === "diagnostics") {
      return { kind: "error", error: formatDiagnostics(request.code, converted.diagnostics, filename) };
    }
    this.cellRequire.addTranspiled(converted.sideOutputs);
    try {
      const positions = { map: converted.lineMap, source: request.code };
      await this.runner.run(
        { js: converted.js, hasTopLevelAwait: converted.hasTopLevelAwait, filename, positions },
        request.output,
      );
    } catch (e) {
      // Names the cell declared before it failed do exist now; keep them known to later cells.
      this.declarations = converted.declarations;
      this.registry.record(request.executionCount, converted.js, converted.imports);
      return { kind: "error", error: toErrorFields(e) };
    }
    this.declarations = converted.declarations;
    this.registry.record(request.executionCount, converted.js, converted.imports);
    const value = this.takeLastValue(converted.lastExpressionVar);
    if (value === undefined || request.silent) return { kind: "ok" };
    try {
      return { kind: "ok", result: render(value) };
    } catch (e) {
      return { kind: "error", error: toErrorFields(e) };
    }
  }

  async evaluate(expressions: Record<string, string>, output: CellOutput): Promise<Record<string, ExpressionValue>> {
    const results: Record<string, ExpressionValue> = {};
    for (const [key, expr] of Object.entries(expressions)) {
      results[key] = await this.evaluateOne(expr, output);
    }
    return results;
  }

  async complete(code: string, cursor: number): Promise<Completion> {
    const view = asTypeScript(code);
    if (cursor < view.from) return { matches: [], cursorStart: cursor, cursorEnd: cursor };
    const c = await this.compiler.complete(this.context(), view.code, cursor + view.shift);
    return { matches: c.matches, cursorStart: c.start - view.shift, cursorEnd: c.end - view.shift };
  }

  async inspect(code: string, cursor: number, detailLevel: 0 | 1): Promise<Inspection> {
    const view = asTypeScript(code);
    if (cursor < view.from) return { found: false, data: {} };
    const info = await this.compiler.inspect(this.context(), view.code, cursor + view.shift);
    if (!info) return { found: false, data: {} };
    const parts = [info.signature];
    if (info.documentation) parts.push("", info.documentation);
    if (detailLevel > 0) for (const t of info.tags) parts.push(`@${t.name} ${t.text}`.trimEnd());
    const text = parts.join("\n");
    const markdown =
      "```typescript\n" + info.signature + "\n```" + (info.documentation ? "\n\n" + info.documentation : "");
    return { found: true, data: { "text/plain": text, "text/markdown": markdown } };
  }

  isComplete(code: string): Promise<IsCompleteStatus> {
    return cellCompleteness(code, (typescript) => this.compiler.isComplete(typescript));
  }

  interrupt(): void {
    if (this.compiling) {
      this.compiling.interrupted = true;
      this.compiling.stop();
    }
    this.runner.interrupt();
  }

  async shutdown(): Promise<void> {
    this.runner.interrupt();
    await Promise.all([...this.executors.values()].map((e) => e.dispose().catch(() => undefined)));
    await this.compiler.close();
  }

  private timingHost(): TimingHost {
    return {
      executeCode: (r) => this.executeCode(r),
      compile: (code) => this.compile(code),
      loadOwn: (js, name, script) => this.loadOwn(js, name, script),
      guard: (output, fn) => this.runner.guard(output, fn),
    };
  }

  private executor(kind: ExecutorKind): Executor {
    let e = this.executors.get(kind);
    if (!e) {
      e = kind === "serial" || kind === "async" ? new MainThreadExecutor(kind) : new PoolExecutor(kind);
      this.executors.set(kind, e);
    }
    return e;
  }

  private concurrencyHost(): ConcurrentCellHost {
    return {
      compile: (code) => this.compile(code),
      values: this.names,
      info: this.registry,
      freeIdentifiers: (source) => this.compiler.freeIdentifiers(source),
      evaluate: (expression) => this.evaluateValue(expression),
      loadBody: async (js, filename, positions) => (await this.loadOwn(js, BODY_VAR, { filename, positions })) as never,
      executor: (kind) => this.executor(kind),
      serialWallMs: this.serialWallMs,
    };
  }

  /**
   * Run compiled code that defines `name` (a task body, a %timeit function) and return it. The
   * code's own names stay out of the notebook; everything else reads and writes the notebook.
   */
  private async loadOwn(
    js: string,
    name: string,
    script: Pick<CompiledCell, "filename" | "positions"> = { filename: name },
  ): Promise<unknown> {
    const own: Record<string, unknown> = {};
    const isOwn = (k: string | symbol) => k === name || k === "tsLastExpr" || k === "__esModule";
    const overlay = new Proxy(this.names, {
      get: (t, k) => (typeof k === "string" && k in own ? own[k] : Reflect.get(t, k)),
      set: (t, k, v) => (isOwn(k) ? ((own[k as string] = v), true) : Reflect.set(t, k, v)),
      defineProperty: (t, k, d) => (isOwn(k) ? ((own[k as string] = d.value), true) : Reflect.defineProperty(t, k, d)),
    });
    await this.runner.run({ js, hasTopLevelAwait: false, ...script }, silentOutput, overlay);
    return own[name];
  }

  /** A TypeScript expression's value in the notebook, without touching its declarations. */
  private async evaluateValue(expression: string): Promise<ExpressionResult> {
    const converted = await this.compile(expression);
    if (converted.kind === "diagnostics") return converted;
    await this.runner.run(
      { js: converted.js, hasTopLevelAwait: converted.hasTopLevelAwait, filename: "expression" },
      silentOutput,
    );
    return { kind: "value", value: this.takeLastValue(converted.lastExpressionVar) };
  }

  private context(): string {
    return CELL_GLOBALS_DECLARATIONS + this.declarations;
  }

  private compile(code: string) {
    return this.compiler.convert(this.context(), code);
  }

  private takeLastValue(name: string | undefined): unknown {
    if (!name) return undefined;
    const value = this.names[name];
    delete this.names[name];
    return value;
  }

  private async evaluateOne(expr: string, output: CellOutput): Promise<ExpressionValue> {
    const converted = await this.compile(expr);
    if (converted.kind === "diagnostics")
      return { status: "error", ...formatDiagnostics(expr, converted.diagnostics, "user_expression") };
    try {
      await this.runner.run(
        { js: converted.js, hasTopLevelAwait: converted.hasTopLevelAwait, filename: "user_expression" },
        output,
      );
      const r = render(this.takeLastValue(converted.lastExpressionVar));
      return { status: "ok", data: r.data, metadata: r.metadata };
    } catch (e) {
      const fields: ErrorFields = toErrorFields(e);
      return { status: "error", ...fields };
    }
  }
}

export type { CellDiagnostic };

/** Output of code the kernel runs for itself (a --map expression, loading a task body) goes nowhere. */
const silentOutput: CellOutput = {
  stream: () => undefined,
  display: () => undefined,
  updateDisplay: () => undefined,
  clearOutput: () => undefined,
  requestInput: () => Promise.reject(new Error("input() is not available here")),
};

/**
 * The TypeScript the compiler should see for a cell: a magic cell's body wrapped as the task
 * function (so completion and hover work inside it), with how cursor positions shift.
 */
function asTypeScript(code: string): { code: string; shift: number; from: number } {
  const m = /^\s*%%[^\n]*(\n|$)/.exec(code);
  if (!m) return { code, shift: 0, from: 0 };
  const body = code.slice(m[0].length);
  const wrapped = wrapBody(body);
  const head = wrapped.indexOf("\n") + 1;
  return { code: wrapped, shift: head - m[0].length, from: m[0].length };
}
