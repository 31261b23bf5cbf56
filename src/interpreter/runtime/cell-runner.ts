import * as vm from "vm";
import { CellOutput } from "../interpreter";
import { cellScope } from "./cell-scope";
import { KeyboardInterrupt } from "./interrupt-error";

/** The slot through which a compiled cell receives its `exports` and `require`. */
const CELL_SLOT = Symbol.for("ts-concurrency-kernel.cell");

export interface CompiledCell {
  js: string;
  hasTopLevelAwait: boolean;
  filename: string;
}

interface Running {
  abort: AbortController;
  interrupted: Promise<never>;
  interrupt(): void;
}

/**
 * Runs compiled cells on this thread. Synchronous code runs under `breakOnSigint`, so SIGINT stops
 * even `while (true) {}`; awaited work is raced against the interrupt and its sleeps are aborted.
 */
export class CellRunner {
  private running: Running | undefined;

  constructor(
    private readonly names: Record<string, unknown>,
    private readonly require: NodeJS.Require,
  ) {}

  async run(cell: CompiledCell, output: CellOutput): Promise<void> {
    const running = this.start();
    try {
      await cellScope.run({ output, signal: running.abort.signal }, async () => {
        const completion = this.evaluate(cell);
        if (cell.hasTopLevelAwait) await Promise.race([completion, running.interrupted]);
      });
    } finally {
      if (this.running === running) this.running = undefined;
    }
  }

  interrupt(): void {
    this.running?.interrupt();
  }

  private start(): Running {
    const abort = new AbortController();
    let reject: (e: Error) => void = () => undefined;
    const interrupted = new Promise<never>((_, r) => (reject = r));
    interrupted.catch(() => undefined);
    this.running = {
      abort,
      interrupted,
      interrupt: () => {
        abort.abort();
        reject(new KeyboardInterrupt());
      },
    };
    return this.running;
  }

  private evaluate(cell: CompiledCell): unknown {
    const head = cell.hasTopLevelAwait ? "(async function (exports, require) {" : "(function (exports, require) {";
    const source = `${head}${cell.js}\n})(globalThis[Symbol.for("ts-concurrency-kernel.cell")].exports, globalThis[Symbol.for("ts-concurrency-kernel.cell")].require)`;
    (globalThis as Record<symbol, unknown>)[CELL_SLOT] = { exports: this.names, require: this.require };
    return vm.runInThisContext(source, { filename: cell.filename, breakOnSigint: true });
  }
}
