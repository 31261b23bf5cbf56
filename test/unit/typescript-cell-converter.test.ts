import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { CellConverter } from "../../src/typescript/cell-converter";
import { loadTypeScript } from "../../src/typescript/load-typescript";

const ts = loadTypeScript();

/** A notebook of cells converted one after another, each against the declarations the last one left. */
class Notebook {
  declarations = "";
  constructor(readonly converter: CellConverter) {}
  run(code: string) {
    const r = this.converter.convert(this.declarations, code);
    if (r.diagnostics.length > 0) return r;
    this.declarations = r.declarations;
    return r;
  }
}

describe("CellConverter (TypeScript 5.9, in-process)", () => {
  let dir: string;
  let converter: CellConverter;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cell-converter-"));
    writeFileSync(join(dir, "helper.ts"), "export const twice = (n: number): number => 2 * n;\n");
    converter = new CellConverter(ts, dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exports the cell's names, reads earlier ones through exports and keeps the last expression", () => {
    const nb = new Notebook(converter);
    expect(nb.run("const a: number = 1;").diagnostics).toEqual([]);
    const r = nb.run("const b = a + 1;\nb * 2");
    expect(r.js).toContain("const b = exports.a + 1;");
    expect(r.js).toContain("exports.b = b;");
    expect(r.lastExpressionVar).toBe("tsLastExpr");
    expect(r.js).toContain("exports.tsLastExpr = b * 2;");
    expect(r.js).not.toContain("use strict");
    expect(r.declarations).toContain("declare const b: number;");
    expect(r.declarations).toContain("declare const a: number;");
  });

  it("lets a later cell declare a name again, with a new type", () => {
    const nb = new Notebook(converter);
    nb.run("const v = 1;\ninterface Shape { n: number }");
    const r = nb.run("const v = 'text';");
    expect(r.declarations).toContain('declare const v = "text";');
    expect(r.declarations).not.toContain("declare const v = 1;");
    expect(r.declarations).toContain("interface Shape");
  });

  it("keeps a class's value, typed any, when a later cell reuses its name for a type", () => {
    const nb = new Notebook(converter);
    nb.run("class Box { size = 1 }");
    const r = nb.run("type Box = { other: string };");
    expect(r.declarations).toContain("let Box: any;");
    expect(r.declarations).not.toContain("declare class Box");
  });

  it("keeps only the bindings a later cell did not redeclare from a shared statement", () => {
    const nb = new Notebook(converter);
    nb.run("const first = 1, second = 2;");
    const r = nb.run("const first = 'again';");
    expect(r.declarations).toMatch(/declare const second = 2;/);
    expect(r.declarations).not.toMatch(/first = 1/);
  });

  it("writes names with leading underscores as the cell spelled them", () => {
    const nb = new Notebook(converter);
    nb.run("const __x = 1;");
    const r = nb.run("__x + 1");
    expect(r.diagnostics).toEqual([]);
    expect(r.js).toContain("exports.__x + 1");
  });

  it("reports problems at the cell's own lines and columns", () => {
    const r = converter.convert("", "const ok = 1;\nconst bad: string = ok;");
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ line: 1, character: 6, code: 2322, message: expect.stringContaining("'number'") }),
    ]);
  });

  it("checks and compiles a local module the cell imports, once per version", () => {
    const r = converter.convert("", 'import { twice } from "./helper";\ntwice(21)');
    expect(r.diagnostics).toEqual([]);
    expect(r.sideOutputs.map((o) => o.path)).toEqual([join(dir, "helper.js")]);
    expect(r.sideOutputs[0].data).toContain("exports.twice");
    expect(converter.convert("", 'import { twice } from "./helper";\ntwice(1)').sideOutputs).toEqual([]);
    expect(converter.convert("", 'import { twice } from "./helper";\ntwice("no")').diagnostics[0]).toMatchObject({
      line: 1,
      code: 2345,
    });
  });

  it("maps every line of the JavaScript it emits back to the cell", () => {
    const r = converter.convert("", "const n = 2;\nlet total = 0;\nfor (let i = 0; i < n; i++) total += i;\ntotal");
    const lines = r.js.split("\n");
    const loop = lines.findIndex((l) => l.startsWith("for"));
    expect(r.lineMap[loop]?.[1]).toBe(2);
  });
});
