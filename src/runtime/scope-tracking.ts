/**
 * How a cell's scope (cell-scope.ts) follows the async work the cell starts, at bare-Node speed.
 *
 * Node 24's AsyncLocalStorage follows promises through V8's continuation data, at no measured
 * cost. Node 20's (and 22's, by default) follows them through V8's promise hooks, and while any
 * promise hook is installed every `await` in the process leaves V8's fast path: 200,000 awaits
 * took 4.4× bare `node` in a cell (issue 14). Node's own resources (timers, immediates, ticks,
 * queued microtasks, I/O requests) carry the scope without promise hooks, through the async_hooks
 * `init` that AsyncLocalStorage also installs. So on those versions the kernel removes V8's
 * promise hooks once AsyncLocalStorage is enabled, and puts the scope back itself where a promise
 * would have carried it:
 *
 * - cell code resuming after an `await`: the compiler gives every async function of a cell a
 *   keeper (typescript/await-scope-transform.ts), taken on entry, called after each wait;
 * - a `.then` callback: Promise.prototype.then hands its caller's scope to the callback;
 * - an unhandled rejection: Node asks `process.domain` where a promise rejected without a
 *   handler belongs, at the moment it rejects, and hands the rejection to it;
 * - anything else that resumes after an await (an npm package's async function): the scope of
 *   the cell that started last, the one in front.
 *
 * A keeper writes the scope where AsyncLocalStorage reads it: on the resource Node runs the
 * continuation in (see Place), so that what the continuation starts carries the scope too.
 */
import { AsyncLocalStorage, executionAsyncResource } from "async_hooks";
import { CellScope, cellScope } from "./cell-scope";
import { installIdentityKeeper, installKeeper, keepNothing } from "./await-keeper";

export type ScopeTracking =
  /** Node 24: AsyncLocalStorage follows promises by itself, cheaply. */
  | "async-context-frames"
  /** Node 20 and 22: keepers, `then` and `process.domain` instead of V8's promise hooks. */
  | "keepers"
  /** AsyncLocalStorage with V8's promise hooks: where removing them is not possible. */
  | "promise-hooks";

type Keeper = <T>(value?: T) => T | undefined;
type SetPromiseHooks = (...hooks: undefined[]) => void;

const KEEPER = Symbol("keeper");
const REJECTIONS = Symbol("rejections");
type Tracked = CellScope & { [KEEPER]?: Keeper; [REJECTIONS]?: DomainLike };

/**
 * Where a keeper writes: the resource Node runs the current microtask in, and AsyncLocalStorage's
 * key on it. Mostly that is the top level, known once read; between timers (or immediates) that
 * expire together Node runs microtasks inside the timers' own scope, so the stack's depth says
 * which (a typed array read, where asking Node each time cost 25 ns an await).
 */
interface Place {
  key: symbol;
  depth: Uint32Array;
  depthIndex: number;
  top?: Record<symbol, unknown>;
}
let place: Place | undefined;
let tracking: ScopeTracking | undefined;

/** Install whatever makes scopes follow async work on this thread; says which mechanism that is. */
export function trackCellScopes(): ScopeTracking {
  if (tracking) return tracking;
  const key = (cellScope as unknown as { kResourceStore?: unknown }).kResourceStore;
  const binding = asyncWrapBinding();
  const setPromiseHooks = binding?.setPromiseHooks as SetPromiseHooks | undefined;
  const depth = binding?.async_hook_fields;
  const depthIndex = (binding?.constants as Record<string, number> | undefined)?.kStackLength;
  if (typeof key !== "symbol") {
    installIdentityKeeper();
    return (tracking = "async-context-frames");
  }
  if (typeof setPromiseHooks !== "function" || !(depth instanceof Uint32Array) || typeof depthIndex !== "number") {
    installIdentityKeeper();
    return (tracking = "promise-hooks");
  }
  // Enabled and removed in one synchronous run: a promise job that started with the hooks in
  // place and ended without them would leave Node's stack of async ids unbalanced (it aborts).
  cellScope.enterWith(undefined as never);
  const nodeHooks = (binding!.getPromiseHooks as (() => unknown[]) | undefined)?.();
  setPromiseHooks(undefined, undefined, undefined, undefined);
  if (nodeHooks) giveBackForOtherStorages(() => setPromiseHooks(...(nodeHooks as undefined[])));
  const here: Place = (place = { key, depth, depthIndex });
  installKeeper(keep);
  followThen();
  routeRejections();
  // A microtask of the top level, where no resource is entered, finds the top level's resource.
  void Promise.resolve().then(() => {
    if (depth[depthIndex] === 0) here.top = executionAsyncResource() as Record<symbol, unknown>;
  });
  return (tracking = "keepers");
}

/**
 * A notebook's own AsyncLocalStorage has no keepers: the first time one is used, V8's promise
 * hooks come back, for good (correct before fast). Node copes with hooks that appear while a
 * promise callback runs; it is their disappearing mid-callback that it cannot take.
 */
function giveBackForOtherStorages(restoreHooks: () => void): void {
  const proto = AsyncLocalStorage.prototype as unknown as Record<"run" | "enterWith", (...a: unknown[]) => unknown>;
  let restored = false;
  for (const method of ["run", "enterWith"] as const) {
    const original = proto[method];
    proto[method] = function (this: AsyncLocalStorage<unknown>, ...args: unknown[]) {
      if (this !== cellScope && !restored) {
        restored = true;
        restoreHooks();
        tracking = "promise-hooks";
      }
      return original.apply(this, args);
    };
  }
}

/**
 * The cell that starts now is the one in front: continuations nothing else places (an npm
 * package's async function resuming) run in its scope. A no-op where promises carry the scope.
 */
export function enterForeground(scope: CellScope): void {
  if (place?.top) place.top[place.key] = scope;
}

/** The resource the code running now is in: what AsyncLocalStorage reads and writes the scope on. */
function resourceNow(p: Place): Record<symbol, unknown> {
  return p.top !== undefined && p.depth[p.depthIndex] === 0
    ? p.top
    : (executionAsyncResource() as Record<symbol, unknown>);
}

/** The scope of the code running now: cellScope.getStore() without its cost per call. */
function scopeNow(p: Place): Tracked | undefined {
  return resourceNow(p)[p.key] as Tracked | undefined;
}

/** Make `scope` the one the code running now (a microtask) is in. */
function enter(p: Place, scope: CellScope): void {
  resourceNow(p)[p.key] = scope;
}

/** What an async function of a cell takes on entry (the global AWAIT_KEEPER_NAME). */
function keep(): Keeper {
  if (place === undefined) return keepNothing;
  // Read directly: an async function may be called 200,000 times.
  const scope = scopeNow(place);
  if (scope === undefined) return keepNothing;
  // One keeper per scope, made once: an async function called 200,000 times allocates none.
  return (scope[KEEPER] ??= restorer(place, scope));
}

function restorer(p: Place, scope: CellScope): Keeper {
  return (value) => {
    enter(p, scope);
    return value;
  };
}

/** `.then(f, r)` runs `f` or `r` in the scope `.then` was called in, as a promise hook would. */
function followThen(): void {
  const then = Promise.prototype.then;
  const inScope = (scope: CellScope, callback: unknown) =>
    typeof callback !== "function"
      ? callback
      : (value: unknown) => {
          enter(place!, scope);
          return (callback as (v: unknown) => unknown)(value);
        };
  Promise.prototype.then = function <T, R1, R2>(
    this: Promise<T>,
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const scope = place === undefined ? undefined : scopeNow(place);
    if (scope === undefined) return then.call(this, onFulfilled, onRejected) as Promise<R1 | R2>;
    return then.call(this, inScope(scope, onFulfilled) as never, inScope(scope, onRejected) as never) as Promise<
      R1 | R2
    >;
  };
}

/**
 * The part of a domain that Node (and the few packages that look for one, to bind callbacks to
 * it) use: an unhandled rejection is `emit`ted to it, in place of the process's event.
 */
interface DomainLike {
  emit(event: string, reason: unknown): boolean;
  bind<F>(callback: F): F;
  run<T>(fn: () => T): T;
  enter(): void;
  exit(): void;
}

/**
 * Node reads `process.domain` when a promise rejects with no handler, in the scope of the code
 * that rejected it, and later emits the rejection to what it read. Without promise hooks that is
 * the one moment the owner of the rejection is known: `process.domain` answers with the scope
 * then, and the process's own `unhandledRejection` event is raised in it.
 */
function routeRejections(): void {
  let assigned: unknown = null;
  Object.defineProperty(process, "domain", {
    configurable: true,
    enumerable: true,
    get() {
      if (assigned !== null) return assigned;
      const scope = cellScope.getStore() as Tracked | undefined;
      return scope === undefined ? null : (scope[REJECTIONS] ??= rejectionsOf(scope));
    },
    set(value: unknown) {
      assigned = value ?? null;
    },
  });
}

function rejectionsOf(scope: CellScope): DomainLike {
  return {
    emit: (event, reason) =>
      // The promise is not passed to a domain; the kernel's handler needs only the reason.
      event === "error" && cellScope.run(scope, () => process.emit("unhandledRejection", reason, undefined as never)),
    bind: (callback) => callback,
    run: (fn) => fn(),
    enter: () => undefined,
    exit: () => undefined,
  };
}

function asyncWrapBinding(): Record<string, unknown> | undefined {
  try {
    // The one way to V8's promise hooks from outside Node's internals; used only on versions
    // whose internals no longer change.
    const quiet = process.noDeprecation;
    // Node 20 warns on the kernel's stderr (DEP0111) for a use that is deliberate and said here.
    process.noDeprecation = true;
    try {
      return (process as unknown as { binding(name: string): Record<string, unknown> }).binding("async_wrap");
    } finally {
      process.noDeprecation = quiet;
    }
  } catch {
    return undefined;
  }
}
