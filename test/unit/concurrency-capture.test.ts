import * as ts from "typescript";
import { PassThrough } from "stream";
import { expandShorthands, freeIdentifiers, importedNames } from "../../src/typescript/source-analysis";
import { planCapture, NotebookNameInfo } from "../../src/concurrency/capture/plan-capture";
import { exportsAssignments, exportsReferences } from "../../src/concurrency/capture/notebook-references";

const info = (cells: Record<string, number> = {}): NotebookNameInfo => ({
  cellOf: (n) => cells[n],
  importOf: (n) => (n === "fs" ? { name: "fs", kind: "import", specifier: "fs", binding: "namespace" } : undefined),
});
const free = async (s: string) => freeIdentifiers(ts, s);

describe("source analysis", () => {
  it("finds what a function reads from outside", () => {
    const src =
      "function countPrimes(a, b) { let c = 0; for (let x = a; x < b; x++) if (isPrime(x)) c++; return c + LIMIT + Math.abs(b); }";
    expect(freeIdentifiers(ts, src).sort()).toEqual(["LIMIT", "Math", "isPrime"]);
  });

  it("ignores property names, parameters and its own name", () => {
    expect(freeIdentifiers(ts, "(o) => o.total + { total: 1 }.total")).toEqual([]);
    expect(freeIdentifiers(ts, "function f(n) { return n ? f(n - 1) : 0 }")).toEqual([]);
  });

  it("lists imported names with their binding", () => {
    expect(
      importedNames(ts, `import * as fs from "fs"; import path, { join as j } from "path"; const os = require("os");`),
    ).toEqual([
      { name: "fs", specifier: "fs", binding: "namespace" },
      { name: "path", specifier: "path", binding: "default" },
      { name: "j", specifier: "path", binding: { named: "join" } },
      { name: "os", specifier: "os", binding: "require" },
    ]);
  });

  it("reads exports references and assignments off compiled code", () => {
    const js = "exports.total = exports.total + exports.step; if (exports.a == 1) exports.b += 2;";
    expect(exportsReferences(js).sort()).toEqual(["a", "b", "step", "total"]);
    expect(exportsAssignments(js).sort()).toEqual(["b", "total"]);
  });
});

describe("planCapture", () => {
  function isPrime(n: number) {
    return n > 1;
  }
  const values: Record<string, unknown> = {
    LIMIT: 10,
    isPrime,
    countPrimes: new Function("return function countPrimes(a) { return isPrime(a) ? LIMIT : 0 }")(),
    sock: new PassThrough(),
    sym: Symbol("s"),
    bound: isPrime.bind(null),
    sab: new Int32Array(new SharedArrayBuffer(8)),
  };

  it("captures a function with what it reads, data and imports, in dependency order", async () => {
    const { names } = await planCapture({
      kind: "threads",
      js: "exports.countPrimes(1) + exports.fs.x",
      ignore: [],
      values,
      info: info(),
      freeIdentifiers: free,
    });
    expect(names.map((n) => [n.name, n.kind])).toEqual([
      ["fs", "import"],
      ["LIMIT", "data"],
      ["isPrime", "function"],
      ["countPrimes", "function"],
    ]);
  });

  it("refuses what cannot travel, naming the variable and its cell", async () => {
    const run = (js: string, kind: "threads" | "processes" = "threads") =>
      planCapture({ kind, js, ignore: [], values, info: info({ sock: 3, sab: 4 }), freeIdentifiers: free });
    await expect(run("exports.sock")).rejects.toThrow(
      /'sock' \(defined in cell \[3\]\) is a stream, socket or event emitter/,
    );
    await expect(run("exports.sym")).rejects.toThrow(/'sym' is a symbol/);
    await expect(run("exports.bound")).rejects.toThrow(/native or bound function/);
    await expect(run("exports.sab", "processes")).rejects.toThrow(
      /'sab' \(defined in cell \[4\]\) holds a SharedArrayBuffer.*use %%threads/,
    );
    await expect(run("exports.sab", "threads").then((p) => p.names)).resolves.toHaveLength(1);
  });

  it("refuses a closure over a local", async () => {
    const make = (k: number) => (x: number) => x + k;
    await expect(
      planCapture({
        kind: "threads",
        js: "exports.addK(1)",
        ignore: [],
        values: { addK: make(2) },
        info: info(),
        freeIdentifiers: free,
      }),
    ).rejects.toThrow(/'addK' reads 'k', which is neither a notebook name nor a global/);
  });
});

describe("expandShorthands", () => {
  it("spells out shorthands naming earlier cells' names, and leaves the cell's own alone", () => {
    expect(expandShorthands(ts, "({ plain, z: 1 })")).toBe("({ plain: plain, z: 1 })");
    expect(expandShorthands(ts, "const own = 1; ({ own, plain })")).toBe("const own = 1; ({ own, plain: plain })");
    expect(expandShorthands(ts, "const { a } = obj;")).toBe("const { a } = obj;");
  });
});
