import { currentScope } from "./cell-scope";
import { createDisplay } from "./display-api";
import { sleep, sleepSync } from "./sleep";

export { sleep, sleepSync };

function scopeOrThrow(what: string) {
  const scope = currentScope();
  if (!scope) throw new Error(`${what} can only be used from code a cell started`);
  return scope;
}

export function input(prompt = ""): Promise<string> {
  return scopeOrThrow("input()").output.requestInput(String(prompt), false);
}

export function password(prompt = ""): Promise<string> {
  return scopeOrThrow("password()").output.requestInput(String(prompt), true);
}

export function clearOutput(opts: { wait?: boolean } = {}): void {
  scopeOrThrow("clearOutput()").output.clearOutput(opts.wait === true);
}

export const display = createDisplay();

/** The kernel's own API as cells see it, by name. */
export const CELL_API: Readonly<Record<string, unknown>> = { display, clearOutput, input, password, sleep, sleepSync };

/** Put the cell API on the global object, where converted cells look names up. */
export function installCellGlobals(target: Record<string, unknown> = globalThis as never): void {
  for (const [name, value] of Object.entries(CELL_API)) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
