import { formatDiagnostics } from "../../src/typescript/diagnostics";

const problem = { line: 1, character: 6, message: "Type 'string' is not assignable to type 'number'.", code: 2322 };

describe("formatDiagnostics", () => {
  it("names positions as Cell[n]:line:column, as runtime frames do, with the line and a caret", () => {
    const e = formatDiagnostics('1;\nconst n: number = "a";', [problem], "Cell[3]");
    expect(e.evalue).toBe("Cell[3]:2:7: Type 'string' is not assignable to type 'number'.");
    expect(e.traceback).toEqual([
      "TypeScript found 1 problem(s) in this cell:",
      "Cell[3]:2:7: Type 'string' is not assignable to type 'number'. (TS2322)",
      '    const n: number = "a";',
      "          ^",
    ]);
  });

  it("shifts the printed line for code wrapped with lines of the kernel's own, and names other files by path", () => {
    const e = formatDiagnostics(
      "wrapper {\nconst n: number = 'a';\n}",
      [problem, { ...problem, fileName: "helper.ts", line: 0 }],
      "Cell[4]",
      -1,
    );
    expect(e.evalue).toBe("Cell[4]:1:7: Type 'string' is not assignable to type 'number'. (and 1 more)");
    expect(e.traceback[4]).toBe("helper.ts:1:7: Type 'string' is not assignable to type 'number'. (TS2322)");
  });
});
