import * as vm from "vm";
import { setMaxListeners } from "events";
import { CellOutput } from "../protocol/interpreter-contract";
import { CellScope, cellScope } from "./cell-scope";
import { enterForeground } from "./scope-tracking";
import { KeyboardInterrupt } from "../shared/interrupt-error";
import { cellPositions, CellSource } from "./cell-positions";
import { onLoopInterrupt } from "./loop-checks";
import { gateEntrySource, gateExitSource, InterruptGate } from "../shared/interrupt-gate";

/** The slot through which a compiled cell receives its `exports` and `require`. */
const CELL_SLOT = Symbol.for("ts-concurrency-kernel.cell");

export interface CompiledCell {
  js: string;
  hasTopLevelAwait: boolean;
  filename: string;
  /** How `js` maps back to the cell, so its stack frames can name cell lines. */
  positions?: CellSource;
}

/** Runs `code` in a cell's scope. */
export type InScope = <T>(code: () => T) => T;

interface Running {
  abort: AbortController;
  interrupted: Promise<never>;
  interrupt(error?: KeyboardInterrupt): void;
}

/**
 * Runs compiled cells on this thread. Synchronous code runs under `breakOnSigint`, so SIGINT stops
 * even `while (true) {}`; awaited work is raced against the interrupt and its sleeps are aborted;
 * loops that spin after an await stop at their loop checks.
 */
export class CellRunner {
  /** What an interrupt stops: a magic cell runs its own short scripts inside its guard. */
  private readonly running = new Set<Running>();

  constructor(
    private readonly names: Record<string, unknown>,
    private readonly require: NodeJS.Require,
    /** Shared with the transport thread, which raises SIGINT only while a script can take it. */
    private readonly gate: InterruptGate | undefined,
  ) {
    onLoopInterrupt((error) => this.interrupt(error));
  }

  /** Run a compiled cell; `names` stands in for the notebook's names when given. */
  async run(cell: CompiledCell, output: CellOutput, names: Record<string, unknown> = this.names): Promise<void> {
    const running = this.start();
    const scope: CellScope = { output, signal: running.abort.signal };
    enterForeground(scope);
    try {
      await cellScope.run(scope, async () => {
        const completion = this.evaluate(cell, names);
        if (cell.hasTopLevelAwait) await Promise.race([completion, running.interrupted]);
      });
    } finally {
      this.running.delete(running);
    }
  }

  /**
   * Run work that stops itself when told: `fn` gets the signal an interrupt aborts, and the cell
   * scope, but is not cut short, so it can still report what it stopped. Where promises do not
   * carry the scope (scope-tracking.ts), `fn` has lost it after its first await: `within` runs
   * cell code in it again.
   */
  async guard<T>(output: CellOutput, fn: (signal: AbortSignal, within: InScope) => Promise<T>): Promise<T> {
    const running = this.start();
    const scope: CellScope = { output, signal: running.abort.signal };
    const within: InScope = (code) => cellScope.run(scope, code);
    enterForeground(scope);
    try {
      return await cellScope.run(scope, () => fn(running.abort.signal, within));
    } finally {
      this.running.delete(running);
    }
  }

  /** `error` is what the interrupted cell fails with, when the interrupt has a place in it. */
  interrupt(error?: KeyboardInterrupt): void {
    for (const r of this.running) r.interrupt(error);
  }

  private start(): Running {
    const abort = new AbortController();
    // Every sleep() of the cell listens to this one signal; many at once is the point of %%async.
    setMaxListeners(0, abort.signal);
    let reject: (e: Error) => void = () => undefined;
    const interrupted = new Promise<never>((_, r) => (reject = r));
    interrupted.catch(() => undefined);
    const running: Running = {
      abort,
      interrupted,
      interrupt: (error) => {
        abort.abort();
        reject(error ?? new KeyboardInterrupt());
      },
    };
    this.running.add(running);
    return running;
  }

  private evaluate(cell: CompiledCell, names: Record<string, unknown>): unknown {
    const head = cell.hasTopLevelAwait ? "(async function (exports, require) {" : "(function (exports, require) {";
    const call = `${head}${cell.js}\n})(__cell.exports, __cell.require)`;
    // The gate lines must run inside the script: only there may the transport raise SIGINT.
    const source = this.gate
      ? `{ const __cell = globalThis[Symbol.for("ts-concurrency-kernel.cell")]; ${gateEntrySource("__cell.gate", "new __cell.Interrupt()")} ` +
        `try { ${call} } finally { ${gateExitSource("__cell.gate")} } }`
      : `{ const __cell = globalThis[Symbol.for("ts-concurrency-kernel.cell")]; ${call} }`;
    if (cell.positions)
      cellPositions.register(cell.filename, cell.positions, source, source.indexOf(call) + head.length);
    (globalThis as Record<symbol, unknown>)[CELL_SLOT] = {
      exports: names,
      require: this.require,
      gate: this.gate,
      Interrupt: KeyboardInterrupt,
    };
    // displayErrors off: Node would prefix the stack with the compiled line, which names no cell position.
    return vm.runInThisContext(source, { filename: cell.filename, breakOnSigint: true, displayErrors: false });
  }
}
