/**
 * The deep check of a value shipped to workers: everything inside it, not just the top, must mean
 * the same after a structured clone, or be put back on arrival, or be refused before any task
 * starts with its path and what to do. Values come from the notebook's vm context, whose built-ins
 * are not this realm's: they are told apart with util.types and native constructors, never instanceof.
 */
import { types } from "util";
import { Reattach } from "../model/task-protocol";
import { CaptureError } from "./capture-error";
import { child, PathNode, renderPath, stepsOf } from "./value-path";

/**
 * A function from the notebook, held for its identity and its source text and never called here:
 * `Function` is what `typeof x === "function"` narrows to, and no call signature fits every cell's function.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- see above
export type CellFunction = Function;

export interface WalkNotebook {
  kind: "threads" | "processes";
  /** The name of the notebook class whose prototype this is, if it is one. */
  classOf(proto: object): string | undefined;
  /** The source of a notebook class, by name. */
  classSource(name: string): string;
  /** The notebook name a function is known by, if it is a top-level one. */
  functionName(fn: CellFunction): string | undefined;
}

/** Where a walk starts: how its root is named in messages. */
export interface WalkRoot {
  /** How the notebook writes it: `pts`, or `pts[3]` for an item of `--map pts`. */
  label: string;
  /** Said after a nested path: "'pts' defined in cell [3]", "an item of --map pts". */
  origin?: string;
  /** How the root itself is named in a message, e.g. "'pts' (defined in cell [3])". */
  describe: string;
}

type Judged = { reattach?: Reattach["proto"] } | { refuse: string; fix: string };

/**
 * One walk over one or more roots that are copied together (a copy keeps what they share), so an
 * object met again is not looked at twice and is put back once, by its first path.
 */
export class ValueWalk {
  /** Notebook classes whose instances were found: the worker must re-create them. */
  readonly classes = new Set<string>();
  private found: Reattach[] = [];
  private seen = new Set<object>();
  private readonly judged = new Map<object | null, Judged>();

  constructor(private readonly notebook: WalkNotebook) {}

  /** What to put back, over every walk of roots copied together. */
  get reattach(): Reattach[] {
    return this.found;
  }

  /** Walk a value copied on its own (a task's item), sharing nothing with the roots walked so far. */
  walkAlone(value: unknown, root: WalkRoot): Reattach[] {
    const [seen, found] = [this.seen, this.found];
    [this.seen, this.found] = [new Set(), []];
    try {
      this.walk(value, root);
      return this.found;
    } finally {
      [this.seen, this.found] = [seen, found];
    }
  }

  walk(value: unknown, root: WalkRoot, at: PathNode = {}): void {
    const stack: [unknown, PathNode][] = [[value, at]];
    const refuse = (node: PathNode, what: string, fix: string): never => {
      const where =
        node === at ? root.describe : `'${renderPath(root.label, node, at)}'${root.origin ? ` (${root.origin})` : ""}`;
      throw new CaptureError(`${where} ${what}. ${fix}`);
    };
    while (stack.length) {
      const [v, node] = stack.pop()!;
      if (typeof v === "symbol")
        refuse(node, "is a symbol; symbols cannot be copied to a worker", "Use a string instead.");
      if (typeof v === "function") refuse(node, ...this.functionInside(v));
      if (v === null || typeof v !== "object" || this.seen.has(v)) continue;
      this.seen.add(v);
      if (types.isProxy(v))
        refuse(node, "is a Proxy, which a copy cannot reproduce", "Pass the object it wraps instead.");
      const judged = this.judge(v);
      if ("refuse" in judged) refuse(node, judged.refuse, judged.fix);
      else if (judged.reattach !== undefined) this.found.push({ at: stepsOf(node), proto: judged.reattach });
      this.contents(v, node, stack, refuse);
    }
  }

  /** Push what is inside `v` that could still hold objects; leaves (numbers, bytes, dates) are not looked at. */
  private contents(
    v: object,
    node: PathNode,
    stack: [unknown, PathNode][],
    refuse: (n: PathNode, what: string, fix: string) => never,
  ): void {
    const isObjectLike = (x: unknown) =>
      (x !== null && typeof x === "object") || typeof x === "function" || typeof x === "symbol";
    if (Array.isArray(v)) {
      // Index by index, without a path per element: a million numbers take milliseconds.
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (isObjectLike(x)) stack.push([x, child(node, i)]);
      }
      return;
    }
    if (types.isMap(v) || types.isSet(v)) {
      const own = Reflect.ownKeys(v);
      if (own.length) {
        refuse(
          node,
          `has properties of its own (${own.map(String).join(", ")}), which a copy of a ${types.isMap(v) ? "Map" : "Set"} leaves out`,
          "Keep them in a plain object next to it.",
        );
      }
      let n = 0;
      if (types.isMap(v)) {
        for (const [k, x] of Map.prototype.entries.call(v) as IterableIterator<[unknown, unknown]>) {
          if (isObjectLike(k)) stack.push([k, child(node, { entry: n, of: "key" })]);
          if (isObjectLike(x)) stack.push([x, child(node, { entry: n, of: "value" }, k)]);
          n++;
        }
      } else {
        for (const x of Set.prototype.values.call(v) as IterableIterator<unknown>) {
          if (isObjectLike(x)) stack.push([x, child(node, { entry: n, of: "element" })]);
          n++;
        }
      }
      return;
    }
    if (ArrayBuffer.isView(v) || types.isAnyArrayBuffer(v)) {
      const buffer = ArrayBuffer.isView(v) ? v.buffer : v;
      if (this.notebook.kind === "processes" && types.isSharedArrayBuffer(buffer)) {
        refuse(
          node,
          "holds a SharedArrayBuffer",
          "Processes do not share memory with the kernel: use %%threads, or copy it into an ArrayBuffer.",
        );
      }
      return;
    }
    if (types.isDate(v) || types.isRegExp(v) || types.isBoxedPrimitive(v) || types.isNativeError(v)) return;
    for (const key of Reflect.ownKeys(v)) {
      if (typeof key === "symbol") {
        refuse(node, `has a property keyed by ${String(key)}, which a copy leaves out`, "Key it by a string instead.");
      }
      const d = Reflect.getOwnPropertyDescriptor(v, key)!;
      const at = child(node, key as string);
      if (d.get || d.set) {
        refuse(
          at,
          "is a getter or setter; a copy would run it once in the kernel and ship what it returned as plain data",
          "Make it a method, or a getter of a class defined in a cell (class getters travel with the class).",
        );
      }
      if (!d.enumerable) refuse(at, "is not enumerable, and a copy leaves it out", "Make it an ordinary property.");
      if (isObjectLike(d.value)) stack.push([d.value, at]);
    }
  }

  private functionInside(fn: CellFunction): [string, string] {
    const name = this.notebook.functionName(fn);
    const fix = name
      ? `It is the notebook's '${name}': call ${name} by name in the task, or keep a key in the data and look the function up there.`
      : "Define it at the top level of a cell and call it by name in the task.";
    return ["is a function; a copy of data cannot carry functions", fix];
  }

  /** Whether an object keeps its meaning through a copy, by its prototype (judged once per prototype). */
  private judge(v: object): Judged {
    const proto = Object.getPrototypeOf(v) as object | null;
    const known = this.judged.get(proto);
    if (known) return known;
    const judged = this.judgeFresh(v, proto);
    this.judged.set(proto, judged);
    return judged;
  }

  private judgeFresh(v: object, proto: object | null): Judged {
    if (proto === null) return Array.isArray(v) || !isOrdinary(v) ? {} : { reattach: null };
    const ctor = ownConstructor(proto);
    if (ctor && isNative(ctor) && isStandardFor(v, ctor.name)) return {};
    if (Buffer.isBuffer(v) && proto === Buffer.prototype) return { reattach: { builtin: "Buffer" } };
    const name = this.notebook.classOf(proto);
    if (name !== undefined) {
      if (uncloneable(v))
        return {
          refuse: `is a ${name}, built on a ${builtinBase(v)}, which cannot be copied`,
          fix: "Create it inside the task instead.",
        };
      const privateIn = this.privateMembers(proto);
      if (privateIn) {
        return {
          refuse: `is a ${name}, whose class ${privateIn} has #private members that a copy cannot carry`,
          fix: "Use ordinary properties (TypeScript's `private` keyword is fine), or create the object inside the task.",
        };
      }
      this.classes.add(name);
      return { reattach: { class: name } };
    }
    const cls = ctor?.name || "an unnamed class";
    const o = v as { pipe?: unknown; on?: unknown };
    if (typeof o.pipe === "function" || typeof o.on === "function") {
      return {
        refuse: `is a stream, socket or event emitter (${cls}), which lives in the kernel`,
        fix: "Open it inside the task instead.",
      };
    }
    return {
      refuse: `is an instance of ${cls}, which a copy would turn into a plain object without its methods`,
      fix: "Pass its data (strings, numbers, plain objects) and re-create it inside the task, or define the class in a cell.",
    };
  }

  /** The first class in the prototype chain, defined in the notebook, that declares #private members. */
  private privateMembers(proto: object): string | undefined {
    for (let p: object | null = proto; p; p = Object.getPrototypeOf(p) as object | null) {
      const name = this.notebook.classOf(p);
      if (name === undefined) return undefined;
      if (PRIVATE_MEMBER.test(this.notebook.classSource(name))) return name;
    }
    return undefined;
  }
}

/** `#x` in class source (`#x = 1`, `this.#x`, `#m() {`), but not in a string such as "#fff". */
const PRIVATE_MEMBER = /(?:^|[^\w$"'`#])#[A-Za-z_$][\w$]*/m;

function ownConstructor(proto: object): CellFunction | undefined {
  const d = Reflect.getOwnPropertyDescriptor(proto, "constructor");
  return d && typeof d.value === "function" ? (d.value as CellFunction) : undefined;
}

function isNative(fn: CellFunction): boolean {
  return /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
}

/** An object without the internal slots of an array, a collection, a buffer, a date, … */
function isOrdinary(v: object): boolean {
  return !(
    types.isMap(v) ||
    types.isSet(v) ||
    ArrayBuffer.isView(v) ||
    types.isAnyArrayBuffer(v) ||
    types.isDate(v) ||
    types.isRegExp(v) ||
    types.isBoxedPrimitive(v) ||
    types.isNativeError(v) ||
    uncloneable(v)
  );
}

/** Built-ins a structured clone refuses, even under a notebook class. */
function uncloneable(v: object): boolean {
  return (
    types.isWeakMap(v) ||
    types.isWeakSet(v) ||
    types.isPromise(v) ||
    types.isGeneratorObject(v) ||
    types.isModuleNamespaceObject(v) ||
    types.isExternal(v) ||
    types.isSymbolObject(v) ||
    types.isKeyObject(v)
  );
}

function builtinBase(v: object): string {
  if (types.isWeakMap(v)) return "WeakMap";
  if (types.isWeakSet(v)) return "WeakSet";
  if (types.isPromise(v)) return "Promise";
  return "built-in object";
}

/** Whether a native constructor's name is the one a clone rebuilds this object as. */
function isStandardFor(v: object, name: string): boolean {
  if (Array.isArray(v)) return name === "Array";
  if (types.isMap(v)) return name === "Map";
  if (types.isSet(v)) return name === "Set";
  if (types.isDate(v)) return name === "Date";
  if (types.isRegExp(v)) return name === "RegExp";
  if (types.isSymbolObject(v)) return false;
  if (types.isBoxedPrimitive(v)) return ["Number", "String", "Boolean", "BigInt"].includes(name);
  if (types.isNativeError(v)) return /Error$/.test(name);
  if (types.isDataView(v)) return name === "DataView";
  if (types.isTypedArray(v)) return name === Object.prototype.toString.call(v).slice(8, -1);
  if (types.isAnyArrayBuffer(v)) return name === "ArrayBuffer" || name === "SharedArrayBuffer";
  return name === "Object" && isOrdinary(v);
}
