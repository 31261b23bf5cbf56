/**
 * The names by which compiled cell code keeps its cell's scope across an `await`
 * (typescript/await-scope-transform.ts puts them in; runtime/scope-tracking.ts says why). Kept
 * apart from the tracking itself: the compiler, which only writes the names, loads nothing else.
 */

/** The global each async function of a cell calls once, on entry: it returns the function's keeper. */
export const AWAIT_KEEPER_NAME = "__tsck_keep";
/** The function's local keeper: called with each awaited value, it puts the function's scope back. */
export const AWAIT_KEEPER_LOCAL = "__tsck_k";

/** What a keeper does where no scope is tracked: hands the value on. */
export const keepNothing = <T>(value: T): T => value;

/** Define the global that compiled async functions call on entry; `take` answers with their keeper. */
export function installKeeper(take: () => <T>(value?: T) => T | undefined): void {
  Object.defineProperty(globalThis, AWAIT_KEEPER_NAME, {
    value: take,
    enumerable: false,
    writable: true,
    configurable: true,
  });
}

/**
 * Where nothing is tracked (a worker: one task at a time, no cell to route output to), every async
 * function gets the same keeper, which costs a call.
 */
export function installIdentityKeeper(): void {
  installKeeper(() => keepNothing);
}
