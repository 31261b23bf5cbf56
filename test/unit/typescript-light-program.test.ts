import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CellConverter } from "../../src/typescript/cell-converter";
import { loadTypeScript } from "../../src/typescript/load-typescript";
import { CELL_GLOBALS_DECLARATIONS } from "../../src/runtime/cell-globals-decl";

const ts = loadTypeScript();

/** Messages of a conversion's problems, or [] when it compiled. */
const problems = (r: { diagnostics: { message: string }[] }) => r.diagnostics.map((d) => d.message);

/**
 * Cells are checked without `@types/node` until one needs it (issue 12): the light program may only
 * ever accept what the full one accepts, with the same types, and never reject what it accepts.
 */
describe("the light program (cells checked before Node's types are loaded)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "light-program-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fresh = () => new CellConverter(ts, dir);

  it("answers a first typed cell, and the kernel's own globals, without Node's types", () => {
    const c = fresh();
    const r = c.convert(CELL_GLOBALS_DECLARATIONS, "const x: number = 1; x + 1");
    expect(problems(r)).toEqual([]);
    expect(r.declarations).toContain("declare const x: number;");
    expect(c.convert(CELL_GLOBALS_DECLARATIONS + r.declarations, "display.text(String(x))").diagnostics).toEqual([]);
    expect(c.hasNodeTypes).toBe(false);
  });

  it("reports a type error in the first cell as the full program does", () => {
    const light = fresh();
    const full = fresh();
    full.convert("", "console.log(0)");
    expect(full.hasNodeTypes).toBe(true);
    const code = "const s: string = 1;\nlet n: number = 'a'";
    expect(problems(light.convert(CELL_GLOBALS_DECLARATIONS, code))).toEqual(
      problems(full.convert(CELL_GLOBALS_DECLARATIONS, code)),
    );
    expect(light.hasNodeTypes).toBe(true);
  });

  it("loads Node's types for a cell that uses them, and keeps them", () => {
    const c = fresh();
    expect(problems(c.convert("", "const a = 1"))).toEqual([]);
    expect(problems(c.convert("", "console.log(process.pid); setTimeout(() => Buffer.from('x'), 1)"))).toEqual([]);
    expect(c.hasNodeTypes).toBe(true);
    expect(problems(c.convert("", "const b = 2"))).toEqual([]);
    expect(c.hasNodeTypes).toBe(true);
  });

  it("never lets a Node type in earlier declarations turn into any", () => {
    const c = fresh();
    // `b` is a Buffer: the light program cannot resolve it, and must not accept a wrong use of it.
    const declarations = "declare const b: Buffer;\n";
    expect(problems(c.convert(declarations, "b.notAMethod()"))).toEqual([
      "Property 'notAMethod' does not exist on type 'Buffer<ArrayBufferLike>'.",
    ]);
    expect(problems(c.convert(declarations, "b.length + 1"))).toEqual([]);
  });

  it("gives a task's signal the full program's AbortSignal", () => {
    const c = fresh();
    const declarations = CELL_GLOBALS_DECLARATIONS + "declare const task: Task;\n";
    expect(problems(c.convert(declarations, "task.signal.throwIfAborted(); task.signal.reason"))).toEqual([]);
    expect(c.hasNodeTypes).toBe(false);
    expect(problems(c.convert(declarations, "task.signal.notThere"))).toEqual([
      "Property 'notThere' does not exist on type 'AbortSignal'.",
    ]);
  });

  it("completes a bare name with Node's types from the first request", () => {
    const c = fresh();
    expect(c.complete("", "cons", 4).candidates).toContain("console");
    expect(c.hasNodeTypes).toBe(true);
  });

  it("answers members and notebook names from the light program, at once, and Node's names from the full one", () => {
    const c = fresh();
    expect(c.complete("", "Math.", 5).candidates).toEqual(expect.arrayContaining(["abs", "acos", "ceil"]));
    const declarations = "declare const greeting: string;";
    expect(
      c
        .inspect(declarations, "greeting", 3)
        ?.displayParts?.map((p) => p.text)
        .join(""),
    ).toContain("greeting: string");
    expect(c.hasNodeTypes).toBe(false);
    expect(c.complete("", "process.", 8).candidates).toContain("argv");
    expect(c.hasNodeTypes).toBe(true);
  });

  it("inspects a Node name with Node's types", () => {
    const c = fresh();
    expect(
      c
        .inspect("", "process", 3)
        ?.displayParts?.map((p) => p.text)
        .join(""),
    ).toContain("process");
    expect(c.hasNodeTypes).toBe(true);
  });

  it("checks cells that import with Node's types", () => {
    const c = fresh();
    expect(problems(c.convert("", 'import * as os from "os";\nos.cpus().length'))).toEqual([]);
    expect(c.hasNodeTypes).toBe(true);
  });
});
