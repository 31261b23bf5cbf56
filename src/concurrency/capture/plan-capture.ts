import { CapturedName, Reattach } from "../model/task-protocol";
import { CaptureError } from "./capture-error";
import { exportsReferences } from "./notebook-references";
import { CellFunction, ValueWalk, WalkNotebook } from "./value-walk";
import { CELL_API } from "../../runtime/cell-globals";

export interface NotebookNameInfo {
  /** The execution count of the cell that last defined the name, if known. */
  cellOf(name: string): number | undefined;
  /** How the name was imported, with the specifier already resolved from the notebook's folder. */
  importOf(name: string): Extract<CapturedName, { kind: "import" }> | undefined;
}

export interface CaptureRequest {
  kind: "threads" | "processes";
  /** Compiled task body. */
  js: string;
  /** Names the compiler introduced for the body itself; never captured. */
  ignore: string[];
  /** --share: exactly these names. */
  share?: string[];
  values: Record<string, unknown>;
  info: NotebookNameInfo;
  freeIdentifiers(source: string): Promise<string[]>;
  /** --map: the expression and the items it gave, one per task. */
  items?: { expression: string; values: unknown[] };
}

export interface CapturePlan {
  /** In dependency order: imports, then data, then functions and classes. */
  names: CapturedName[];
  /** Objects inside the data names whose prototypes the worker puts back (first step: the name). */
  reattach: Reattach[];
  /** The same for each --map item, by task index. */
  itemReattach?: (Reattach[] | undefined)[];
}

const where = (info: NotebookNameInfo, name: string) => {
  const cell = info.cellOf(name);
  return cell === undefined ? `'${name}'` : `'${name}' (defined in cell [${cell}])`;
};

/**
 * Decide how each notebook name a task body reads reaches the worker: imports are repeated,
 * functions and classes re-created from their source (with what they read, recursively), data
 * copied and checked all the way down, with the classes of the instances inside it re-created
 * too. Anything that cannot travel is refused here, before a single task has started.
 */
export async function planCapture(req: CaptureRequest): Promise<CapturePlan> {
  // The kernel's own API (sleep, display, …) is provided in every worker; a notebook's own
  // definition under the same name is a notebook name like any other.
  const isKernelApi = (n: string) => Object.prototype.hasOwnProperty.call(CELL_API, n) && req.values[n] === CELL_API[n];
  const has = (n: string) =>
    !isKernelApi(n) && (Object.prototype.hasOwnProperty.call(req.values, n) || req.info.importOf(n) !== undefined);
  const roots = req.share ?? exportsReferences(req.js).filter((n) => !req.ignore.includes(n) && has(n));
  if (req.share) {
    const missing = req.share.filter((n) => !has(n));
    if (missing.length)
      throw new CaptureError(`--share names ${missing.map((n) => `'${n}'`).join(", ")}, which no cell has defined`);
  }
  const planned = new Map<string, CapturedName>();
  const queue = [...roots];
  const walk = new ValueWalk(notebookFor(req));
  const itemReattach = req.items && walkItems(walk, req.items);
  queue.push(...walk.classes);
  while (queue.length) {
    const name = queue.shift()!;
    if (planned.has(name)) continue;
    const imported = req.info.importOf(name);
    if (imported) {
      planned.set(name, imported);
      continue;
    }
    const value = req.values[name];
    if (typeof value === "function") {
      const source = functionSource(req.info, name, value);
      planned.set(name, { name, kind: "function", source });
      for (const n of await outsideNames(req, name, source)) if (!planned.has(n)) queue.push(n);
    } else {
      const cell = req.info.cellOf(name);
      walk.walk(
        value,
        {
          label: name,
          describe: where(req.info, name),
          origin: cell === undefined ? undefined : `'${name}' defined in cell [${cell}]`,
        },
        { step: name, parent: {} },
      );
      planned.set(name, { name, kind: "data", value });
      for (const c of walk.classes) if (!planned.has(c)) queue.push(c);
    }
  }
  // Imports first, then data, then functions and classes in the order the notebook defined them.
  const order = Object.keys(req.values);
  const rank = (c: CapturedName) => (c.kind === "import" ? 0 : c.kind === "data" ? 1 : 2);
  const names = [...planned.values()].sort(
    (a, b) => rank(a) - rank(b) || order.indexOf(a.name) - order.indexOf(b.name),
  );
  return { names, reattach: walk.reattach, ...(itemReattach ? { itemReattach } : {}) };
}

/** Each item is copied on its own, so each is walked on its own; undefined where nothing is put back. */
function walkItems(walk: ValueWalk, items: NonNullable<CaptureRequest["items"]>): (Reattach[] | undefined)[] {
  const label = /^[A-Za-z_$][\w$]*$/.test(items.expression) ? items.expression : `(${items.expression})`;
  return items.values.map((item, i) => {
    if (item === null || (typeof item !== "object" && typeof item !== "function" && typeof item !== "symbol"))
      return undefined;
    const at = `${label}[${i}]`;
    const found = walk.walkAlone(item, {
      label: at,
      describe: `'${at}' (an item of --map ${items.expression})`,
      origin: `an item of --map ${items.expression}`,
    });
    return found.length ? found : undefined;
  });
}

/** What the walk asks of the notebook: its classes by prototype, its functions by identity. */
function notebookFor(req: CaptureRequest): WalkNotebook {
  const classes = new Map<object, string>();
  const functions = new Map<CellFunction, string>();
  for (const [name, value] of Object.entries(req.values)) {
    if (typeof value !== "function") continue;
    functions.set(value, name);
    const proto = (value as { prototype?: unknown }).prototype;
    if (proto !== null && typeof proto === "object" && /^class\b/.test(Function.prototype.toString.call(value)))
      classes.set(proto, name);
  }
  return {
    kind: req.kind,
    classOf: (proto) => classes.get(proto),
    classSource: (name) => Function.prototype.toString.call(req.values[name]),
    functionName: (fn) => functions.get(fn),
  };
}

function functionSource(info: NotebookNameInfo, name: string, fn: CellFunction): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(source)) {
    throw new CaptureError(
      `${where(info, name)} is a native or bound function, which has no source to re-create in a worker. ` +
        "Define a plain function at the top level of a cell instead, or call it outside the magic.",
    );
  }
  if (/^(async\s+)?[\w$]+\s*\(/.test(source) && !/^(async\s+)?function\b/.test(source)) {
    throw new CaptureError(
      `${where(info, name)} is a method taken off an object; wrap it in a top-level function to use it in a worker.`,
    );
  }
  return source;
}

async function outsideNames(req: CaptureRequest, name: string, source: string): Promise<string[]> {
  const free = await req.freeIdentifiers(source);
  const needed: string[] = [];
  for (const id of free) {
    if (id === "exports" || id === "require") continue;
    if (Object.prototype.hasOwnProperty.call(CELL_API, id) && req.values[id] === CELL_API[id]) continue;
    if (Object.prototype.hasOwnProperty.call(req.values, id) || req.info.importOf(id)) needed.push(id);
    else if (!(id in globalThis)) {
      throw new CaptureError(
        `${where(req.info, name)} reads '${id}', which is neither a notebook name nor a global: it closes over a ` +
          `local variable that a worker cannot see. Move '${id}' to the top level of a cell, or pass it in through task.item.`,
      );
    }
  }
  for (const n of exportsReferences(source)) {
    if (!needed.includes(n) && !(Object.prototype.hasOwnProperty.call(CELL_API, n) && req.values[n] === CELL_API[n]))
      needed.push(n);
  }
  return needed;
}
