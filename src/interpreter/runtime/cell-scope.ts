import { AsyncLocalStorage } from "async_hooks";
import { CellOutput } from "../interpreter";

/**
 * What code running on behalf of a cell needs to know about that cell. It travels with the
 * cell's async work (timers, promises, callbacks), which is how output printed by a timer a cell
 * started still reaches that cell after it has finished.
 */
export interface CellScope {
  readonly output: CellOutput;
  /** Aborted when the cell is interrupted. */
  readonly signal: AbortSignal;
}

export const cellScope = new AsyncLocalStorage<CellScope>();

export function currentScope(): CellScope | undefined {
  return cellScope.getStore();
}
