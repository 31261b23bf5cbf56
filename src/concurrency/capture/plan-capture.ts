import { types } from "util";
import { serialize } from "v8";
import { CapturedName } from "../task-protocol";
import { CaptureError } from "./capture-error";
import { exportsReferences } from "./notebook-references";
import { CELL_API } from "../../interpreter/runtime/cell-globals";

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
}

const where = (info: NotebookNameInfo, name: string) => {
  const cell = info.cellOf(name);
  return cell === undefined ? `'${name}'` : `'${name}' (defined in cell [${cell}])`;
};

/**
 * Decide how each notebook name a task body reads reaches the worker: imports are repeated,
 * functions and classes re-created from their source (with what they read, recursively), data
 * copied. Anything that cannot travel is refused here, before a single task has started.
 */
export async function planCapture(req: CaptureRequest): Promise<CapturedName[]> {
  // The kernel's own API (sleep, display, …) is provided in every worker; a notebook's own
  // definition under the same name is a notebook name like any other.
  const isKernelApi = (n: string) => Object.prototype.hasOwnProperty.call(CELL_API, n) && req.values[n] === CELL_API[n];
  const has = (n: string) =>
    !isKernelApi(n) && (Object.prototype.hasOwnProperty.call(req.values, n) || req.info.importOf(n) !== undefined);
  const roots = req.share ?? exportsReferences(req.js).filter((n) => !req.ignore.includes(n) && has(n));
  if (req.share) {
    const missing = req.share.filter((n) => !has(n));
    if (missing.length) throw new CaptureError(`--share names ${missing.map((n) => `'${n}'`).join(", ")}, which no cell has defined`);
  }
  const planned = new Map<string, CapturedName>();
  const queue = [...roots];
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
      checkData(req, name, value);
      planned.set(name, { name, kind: "data", value });
    }
  }
  // Imports first, then data, then functions and classes in the order the notebook defined them.
  const order = Object.keys(req.values);
  const rank = (c: CapturedName) => (c.kind === "import" ? 0 : c.kind === "data" ? 1 : 2);
  return [...planned.values()].sort((a, b) => rank(a) - rank(b) || order.indexOf(a.name) - order.indexOf(b.name));
}

function functionSource(info: NotebookNameInfo, name: string, fn: Function): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(source)) {
    throw new CaptureError(
      `${where(info, name)} is a native or bound function, which has no source to re-create in a worker. ` +
        "Define a plain function at the top level of a cell instead, or call it outside the magic.",
    );
  }
  if (/^(async\s+)?[\w$]+\s*\(/.test(source) && !/^(async\s+)?function\b/.test(source)) {
    throw new CaptureError(`${where(info, name)} is a method taken off an object; wrap it in a top-level function to use it in a worker.`);
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
    if (!needed.includes(n) && !(Object.prototype.hasOwnProperty.call(CELL_API, n) && req.values[n] === CELL_API[n])) needed.push(n);
  }
  return needed;
}

function checkData(req: CaptureRequest, name: string, value: unknown): void {
  const what = where(req.info, name);
  if (typeof value === "symbol") throw new CaptureError(`${what} is a symbol; symbols cannot be copied to a worker. Use a string instead.`);
  if (value !== null && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (typeof v.pipe === "function" || typeof v.on === "function") {
      throw new CaptureError(`${what} is a stream, socket or event emitter, which lives in the kernel. Open it inside the task instead.`);
    }
    if (req.kind === "processes" && holdsSharedMemory(value)) {
      throw new CaptureError(`${what} holds a SharedArrayBuffer. Processes do not share memory with the kernel: use %%threads, or copy it into an ArrayBuffer.`);
    }
  }
  if (value !== null && typeof value === "object" && !isPlainData(value)) {
    const cls = (Object.getPrototypeOf(value) as { constructor?: { name?: string } }).constructor?.name ?? "a class";
    throw new CaptureError(
      `${what} is an instance of ${cls}; a worker would get a plain copy without its methods. ` +
        `Pass its data (e.g. { ...${name} }) and re-create it inside the task, or return plain values.`,
    );
  }
  try {
    if (req.kind === "processes") serialize(value);
    else structuredClone(value);
  } catch (e) {
    throw new CaptureError(`${what} cannot be copied to a worker: ${e instanceof Error ? e.message : String(e)}. Pass plain data (objects, arrays, Maps, typed arrays) instead.`);
  }
}

function holdsSharedMemory(value: unknown): boolean {
  if (types.isSharedArrayBuffer(value)) return true;
  if (ArrayBuffer.isView(value)) return types.isSharedArrayBuffer(value.buffer);
  return false;
}

/** Objects whose copies mean the same thing on the other side: no prototype of the notebook's own. */
function isPlainData(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype || Array.isArray(value)) return true;
  return (
    types.isMap(value) || types.isSet(value) || types.isDate(value) || types.isRegExp(value) ||
    types.isNativeError(value) || ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value) ||
    types.isBoxedPrimitive(value)
  );
}
