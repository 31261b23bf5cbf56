import { AsyncLocalStorage } from "async_hooks";
import { CellOutput } from "../protocol/interpreter-contract";
import { ErrorFields } from "../protocol/content";

/**
 * What code running on behalf of a cell needs to know about that cell. It travels with the
 * cell's async work (timers, promises, callbacks), which is how output printed by a timer a cell
 * started still reaches that cell after it has finished.
 */
export interface CellScope {
  readonly output: CellOutput;
  /** Aborted when the cell is interrupted. */
  readonly signal: AbortSignal;
  /** Inside a %%serial or %%async task: where failures of work the task started go. */
  readonly task?: TaskFaultSink;
}

/**
 * How code a %%serial or %%async task started (a timer, an unawaited promise, a process.exit
 * call) reaches that task when it fails.
 */
export interface TaskFaultSink {
  readonly i: number;
  /** Fail the task from outside its await chain; false once the task has ended. */
  fail(error: ErrorFields): boolean;
}

/**
 * The one AsyncLocalStorage of the kernel. On Node 20 every enabled instance adds its own work to
 * every promise the process creates (200,000 awaits in bare node: 23 ms, 67 ms with one instance
 * enabled, 115 ms with two; Node 24 shows no difference), so whatever must travel with a cell's
 * async work travels here, together.
 */
export const cellScope = new AsyncLocalStorage<CellScope>();

export function currentScope(): CellScope | undefined {
  return cellScope.getStore();
}
