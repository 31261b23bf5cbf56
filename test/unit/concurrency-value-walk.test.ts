/**
 * The deep check of shipped values, and the worker's half: a copy of what passed, with the
 * prototypes given back. Notebook values are made in a vm context, as the kernel's are, so their
 * built-ins are another realm's.
 */
import { serialize } from "v8";
import { createContext, runInContext } from "vm";
import { ValueWalk, WalkNotebook } from "../../src/concurrency/capture/value-walk";
import { reattach } from "../../src/concurrency/worker/reattach";
import { Reattach } from "../../src/concurrency/model/task-protocol";

const context = createContext({ URL, Buffer });
const notebook = (code: string): Record<string, unknown> =>
  runInContext(`(() => { ${code} })()`, context) as Record<string, unknown>;

const defs = notebook(`
  class Point { constructor(x, y) { this.x = x; this.y = y; } norm() { return Math.hypot(this.x, this.y); } }
  class Point3 extends Point { constructor(x, y, z) { super(x, y); this.z = z; } }
  class Path extends Array { length2() { return this.length * 2; } }
  class Registry extends Map { size2() { return this.size * 2; } }
  class Secret { #key = 1; reveal() { return this.#key; } }
  function helper() { return 1; }
  return { Point, Point3, Path, Registry, Secret, helper };
`);

function notebookOf(kind: "threads" | "processes" = "threads"): WalkNotebook {
  const classes = new Map<object, string>();
  for (const [name, v] of Object.entries(defs))
    if (/^class\b/.test(String(v))) classes.set((v as { prototype: object }).prototype, name);
  return {
    kind,
    classOf: (proto) => classes.get(proto),
    classSource: (name) => String(defs[name]),
    functionName: (fn) => Object.keys(defs).find((n) => defs[n] === fn),
  };
}

/** Walk one captured name the way planCapture does: its first step is the name. */
function walkName(name: string, value: unknown, kind: "threads" | "processes" = "threads"): ValueWalk {
  const walk = new ValueWalk(notebookOf(kind));
  walk.walk(
    value,
    { label: name, describe: `'${name}' (defined in cell [3])`, origin: `'${name}' defined in cell [3]` },
    { step: name, parent: {} },
  );
  return walk;
}

const refusal = (name: string, value: unknown, kind: "threads" | "processes" = "threads") => {
  try {
    walkName(name, value, kind);
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
};

describe("ValueWalk", () => {
  it("names the path to what cannot travel, in the notebook's own notation", () => {
    const data = notebook(`
      return {
        cfg: { handlers: new Map([["x", () => 1]]) },
        obj: { items: [1, 2, { fn() {} }] },
        tags: new Set(["a", Symbol("s")]),
        keyed: new Map([[{ id: 1 }, { deep: [Symbol("k")] }]]),
        odd: { "two words": { f: helper } },
      };
      function helper() {}
    `);
    expect(refusal("cfg", data.cfg)).toMatch(
      /^'cfg\.handlers\.get\("x"\)' \('cfg' defined in cell \[3\]\) is a function/,
    );
    expect(refusal("obj", data.obj)).toMatch(/^'obj\.items\[2\]\.fn' .* is a function/);
    expect(refusal("tags", data.tags)).toMatch(/^'\[\.\.\.tags\]\[1\]' .* is a symbol/);
    expect(refusal("keyed", data.keyed)).toMatch(/^'\[\.\.\.keyed\.values\(\)\]\[0\]\.deep\[0\]' .* is a symbol/);
    expect(refusal("odd", data.odd)).toMatch(/^'odd\["two words"\]\.f' .* is a function/);
    expect(refusal("fns", { run: defs.helper })).toMatch(/It is the notebook's 'helper': call helper by name/);
  });

  it("refuses getters, symbol keys, hidden properties, proxies and #private members", () => {
    const data = notebook(`
      const hidden = {}; Object.defineProperty(hidden, "h", { value: 1 });
      return { lazy: { a: 1, get twice() { return 2 * this.a; } }, symKey: { [Symbol("s")]: 1 }, hidden, proxy: new Proxy({}, {}) };
    `);
    expect(refusal("lazy", data.lazy)).toMatch(/^'lazy\.twice' .* is a getter or setter; a copy would run it once/);
    expect(refusal("symKey", data.symKey)).toMatch(
      /^'symKey' \(defined in cell \[3\]\) has a property keyed by Symbol\(s\)/,
    );
    expect(refusal("hidden", data.hidden)).toMatch(/^'hidden\.h' .* is not enumerable/);
    expect(refusal("proxy", [data.proxy])).toMatch(/^'proxy\[0\]' .* is a Proxy/);
    const Secret = defs.Secret as new () => object;
    expect(refusal("secret", { s: new Secret() })).toMatch(
      /^'secret\.s' .* is a Secret, whose class Secret has #private members/,
    );
  });

  it("keeps the built-ins a structured clone keeps, and refuses those whose prototype it drops", () => {
    const kept =
      notebook(`return [new Date(0), /x/g, new Map([[1, [2]]]), new Set([3]), new Float64Array(4), new DataView(new ArrayBuffer(2)),
      new ArrayBuffer(8), new Number(1), new String("s"), 10n, new TypeError("t"), Object.create(null), [[[]]]];`);
    expect(refusal("kept", kept)).toBe("accepted");
    expect(refusal("url", { at: new URL("http://example.com/") })).toMatch(
      /^'url\.at' .* is an instance of URL, which a copy would turn into a plain object/,
    );
    expect(refusal("weak", [new WeakMap()])).toMatch(/^'weak\[0\]' .* is an instance of WeakMap/);
    const registry = new (defs.Registry as new () => Map<unknown, unknown> & { label?: string })();
    registry.label = "x";
    expect(refusal("registry", registry)).toMatch(
      /^'registry' .* has properties of its own \(label\), which a copy of a Map leaves out/,
    );
  });

  it("refuses a SharedArrayBuffer for processes only", () => {
    const shared = { counts: new Int32Array(new SharedArrayBuffer(8)) };
    expect(refusal("shared", shared, "processes")).toMatch(
      /^'shared\.counts' .* holds a SharedArrayBuffer.*use %%threads/,
    );
    expect(refusal("shared", shared, "threads")).toBe("accepted");
  });

  it("marks notebook class instances (also of classes extending Array and Map), Buffers and null prototypes to put back", () => {
    const { Point, Point3, Path, Registry } = defs as Record<string, new (...a: number[]) => object>;
    const path = new Path();
    (path as unknown as number[]).push(1, 2);
    const value = {
      p: new Point(3, 4),
      q: [new Point3(1, 2, 2)],
      path,
      reg: new Registry(),
      buf: Buffer.from("hi"),
      dict: Object.create(null),
    };
    const walk = walkName("v", value);
    expect(walk.reattach).toEqual<Reattach[]>([
      { at: ["v", "dict"], proto: null },
      { at: ["v", "buf"], proto: { builtin: "Buffer" } },
      { at: ["v", "reg"], proto: { class: "Registry" } },
      { at: ["v", "path"], proto: { class: "Path" } },
      { at: ["v", "q", 0], proto: { class: "Point3" } },
      { at: ["v", "p"], proto: { class: "Point" } },
    ]);
    expect([...walk.classes].sort()).toEqual(["Path", "Point", "Point3", "Registry"]);
  });

  it("walks cycles and shared references once, and a copy put back keeps them", () => {
    const { Point } = defs as Record<string, new (...a: number[]) => { norm(): number }>;
    const shared = new Point(3, 4);
    const ring: Record<string, unknown> = {
      a: shared,
      b: [shared],
      m: new Map([[shared, shared]]),
      s: new Set([shared]),
    };
    ring.self = ring;
    const walk = walkName("ring", ring);
    expect(walk.reattach).toHaveLength(1);
    const copy = structuredClone({ ring }) as { ring: typeof ring };
    reattach(copy, walk.reattach, (proto) =>
      proto && "class" in proto ? (defs[proto.class] as { prototype: object }).prototype : null,
    );
    const r = copy.ring as {
      a: { norm(): number };
      b: unknown[];
      m: Map<unknown, unknown>;
      s: Set<unknown>;
      self: unknown;
    };
    expect(r.a.norm()).toBe(5);
    expect(r.b[0]).toBe(r.a);
    expect([...r.m.keys()][0]).toBe(r.a);
    expect([...r.s][0]).toBe(r.a);
    expect(r.self).toBe(r);
  });

  it("puts back objects found through Map keys, Map values and Set elements", () => {
    const { Point } = defs as Record<string, new (...a: number[]) => { norm(): number }>;
    const value = {
      m: new Map<unknown, unknown>([
        ["k", { at: new Point(6, 8) }],
        [new Point(5, 12), 0],
      ]),
      s: new Set([1, new Point(8, 15)]),
    };
    const walk = walkName("value", value);
    const copy = structuredClone({ value }) as { value: typeof value };
    const protos = new Map<string, object>([["Point", (Point as unknown as { prototype: object }).prototype]]);
    reattach(copy, walk.reattach, (proto) => (proto && "class" in proto ? protos.get(proto.class)! : null));
    const m = copy.value.m;
    expect((m.get("k") as { at: { norm(): number } }).at.norm()).toBe(10);
    expect(([...m.keys()][1] as { norm(): number }).norm()).toBe(13);
    expect(([...copy.value.s][1] as { norm(): number }).norm()).toBe(17);
  });

  it("checks a million numbers and a large typed array in less time than copying them takes", () => {
    // Measured against the copy the data gets anyway, in the same run: the machine may be loaded.
    const numbers = notebook("return Array.from({ length: 1e6 }, (_, i) => i * 1.5);");
    const floats = new Float64Array(1e6);
    const best = (f: () => void) => {
      let min = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        f();
        min = Math.min(min, performance.now() - t0);
      }
      return min;
    };
    const walk = best(() => {
      walkName("numbers", numbers);
      walkName("floats", floats);
    });
    const copy = best(() => serialize([numbers, floats]));
    expect(walk).toBeLessThan(copy);
  });
});
