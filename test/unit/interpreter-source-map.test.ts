import { describe, expect, it } from "@jest/globals";
import * as ts from "typescript";
import { runInThisContext } from "vm";
import { compose, decodeMappings, lookup, shiftSourceLines } from "../../src/runtime/source-map";
import { CellPositions } from "../../src/runtime/cell-positions";

/** A real emit's map, so the decoder is checked against what TypeScript writes, not against itself. */
function transpile(source: string, options: ts.CompilerOptions = {}) {
  const out = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, sourceMap: true, ...options },
  });
  const js = out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, "");
  return { js, map: decodeMappings((JSON.parse(out.sourceMapText!) as { mappings: string }).mappings) };
}

function lineOf(text: string, needle: string): number {
  return text.split("\n").findIndex((l) => l.includes(needle));
}

describe("source maps", () => {
  const cell = [
    "interface P { x: number }",
    "",
    "const p: P = { x: 1 };",
    "function f(n: number): number {",
    "  throw new Error('boom ' + n);",
    "}",
  ].join("\n");

  it("decodes TypeScript's mappings so a generated line leads back to its cell line", () => {
    const { js, map } = transpile(cell);
    const at = lookup(map, lineOf(js, "throw"), js.split("\n")[lineOf(js, "throw")].indexOf("throw"));
    expect(at).toEqual({ line: 4, column: 2 });
    expect(lookup(map, lineOf(js, "const p"), 0)?.line).toBe(2);
  });

  it("chains two emits into one map (the converter's TypeScript pass, then its CommonJS pass)", () => {
    const first = ts.transpileModule(cell + "\nexport { p, f };", {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true },
    });
    const inner = decodeMappings((JSON.parse(first.sourceMapText!) as { mappings: string }).mappings);
    const esm = first.outputText.slice(0, first.outputText.lastIndexOf("\n//# sourceMappingURL="));
    expect(esm).not.toContain("sourceMappingURL");
    const { js, map: outer } = transpile(esm);
    const chained = compose(outer, inner);
    expect(lookup(chained, lineOf(js, "throw"), 4)?.line).toBe(4);
    // The CommonJS pass adds lines of its own at the top: they come from nowhere in the cell.
    expect(chained[0]).toEqual([]);
  });

  it("moves source lines and drops those that fall before the cell", () => {
    const shifted = shiftSourceLines([[0, 0, 0, 5, 1, 2]], -1);
    expect(shifted).toEqual([[5, 0, 2]]);
  });

  it("rejects a map with characters outside base64", () => {
    expect(() => decodeMappings("AA!A")).toThrow(/bad source map digit/);
  });
});

describe("cell positions in stack traces", () => {
  const cell = ["const a = 1;", "function g(): never {", "  throw new Error('from g');", "}", "g();"].join("\n");

  function stackOf(filename: string, positions: CellPositions, prefix = ""): string {
    const { js, map } = transpile(cell);
    const wrapped = `${prefix}(function () {${js}\n})()`;
    positions.register(filename, { map, source: cell }, wrapped, wrapped.indexOf(js));
    // The script runs in Node's own context, whose Error is not the one jest gives this file.
    const NodeError = runInThisContext("Error") as ErrorConstructor;
    const saved = NodeError.prepareStackTrace;
    NodeError.prepareStackTrace = (e, sites) => positions.formatStack(e, sites);
    try {
      runInThisContext(wrapped, { filename, displayErrors: false });
      throw new Error("the cell did not throw");
    } catch (e) {
      return (e as Error).stack!;
    } finally {
      NodeError.prepareStackTrace = saved;
    }
  }

  it("names the cell's line and column in every frame of the cell, and leaves the wrapper out", () => {
    const stack = stackOf("Cell[7]", new CellPositions(), "let pad = 0;\n");
    const frames = stack.split("\n").filter((l) => l.includes("Cell[7]"));
    expect(stack.split("\n")[0]).toBe("Error: from g");
    expect(frames[0]).toMatch(/at g \(Cell\[7\]:3:9\)$/);
    expect(frames[1]).toMatch(/at Cell\[7\]:5:1$/);
    expect(frames).toHaveLength(2);
  });

  it("quotes the cell line under the first cell frame", () => {
    const positions = new CellPositions();
    const quoted = positions.quote(stackOf("Cell[8]", positions));
    const lines = quoted.split("\n");
    const first = lines.findIndex((l) => l.includes("Cell[8]:3:9"));
    expect(lines[first + 1]).toBe("       3 |   throw new Error('from g');");
    expect(quoted.match(/ \| /g)).toHaveLength(1);
  });

  it("leaves frames of scripts it does not know as V8 wrote them", () => {
    const positions = new CellPositions();
    const stack = "Error: x\n    at h (elsewhere.js:10:3)";
    expect(positions.quote(stack)).toBe(stack);
  });
});
