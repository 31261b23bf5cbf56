import { stripAnsi, wantsColor } from "../../src/app/runner/ansi";
import { CodeCell, Output } from "../../src/app/runner/nbformat";
import { bundleText, renderCell } from "../../src/app/runner/render";

function cell(source: string, outputs: Output[], execution_count: number | null = 3): CodeCell {
  return { cell_type: "code", id: "c1", metadata: {}, source, outputs, execution_count };
}

const RED_TRACEBACK = ["\x1b[31mTypeError\x1b[39m: boom", "    at <cell>:1:1"];

describe("renderCell", () => {
  it("shows the prompt, the indented source and each output", () => {
    const text = renderCell(
      cell("const a = 1;\na * 42\n", [
        { output_type: "stream", name: "stdout", text: "hello" },
        { output_type: "execute_result", execution_count: 3, data: { "text/plain": "42" }, metadata: {} },
      ]),
      false,
    );
    expect(text).toBe("In [3]:\n    const a = 1;\n    a * 42\nhello\nOut[3]: 42\n");
  });

  it("puts a multi-line result on its own lines", () => {
    const text = renderCell(
      cell("m", [
        {
          output_type: "execute_result",
          execution_count: 1,
          data: { "text/plain": "Map(1) {\n  1 => 2\n}" },
          metadata: {},
        },
      ]),
      false,
    );
    expect(text).toContain("Out[1]:\nMap(1) {\n  1 => 2\n}\n");
  });

  it("shows placeholders for bundles a terminal cannot show", () => {
    const text = renderCell(
      cell(
        "plot()",
        [{ output_type: "display_data", data: { "image/png": "iVBOR", "text/html": "<b>" }, metadata: {} }],
        null,
      ),
      false,
    );
    expect(text).toBe("In [ ]:\n    plot()\n[image/png, text/html]\n");
  });

  it("strips escape codes without colour and keeps them with it", () => {
    const failed = cell("boom()", [
      { output_type: "error", ename: "TypeError", evalue: "boom", traceback: RED_TRACEBACK },
    ]);
    expect(renderCell(failed, false)).toBe("In [3]:\n    boom()\nTypeError: boom\n    at <cell>:1:1\n");
    const colored = renderCell(failed, true);
    expect(colored).toContain("\x1b[31mTypeError\x1b[39m: boom");
    expect(colored).toContain("\x1b[2m    boom()\x1b[22m");
  });

  it("falls back to ename: evalue for an error without traceback", () => {
    expect(renderCell(cell("x", [{ output_type: "error", ename: "E", evalue: "v", traceback: [] }]), false)).toBe(
      "In [3]:\n    x\nE: v\n",
    );
  });

  it("colours stderr without adding a blank line", () => {
    const text = renderCell(cell("w", [{ output_type: "stream", name: "stderr", text: "warn\n" }]), true);
    expect(text.endsWith("\x1b[31mwarn\x1b[39m\n")).toBe(true);
  });
});

describe("bundleText", () => {
  it("prefers text/plain", () => {
    expect(bundleText({ "text/html": "<b>x</b>", "text/plain": "x" })).toBe("x");
    expect(bundleText({})).toBe("[empty display]");
  });
});

describe("stripAnsi", () => {
  it("removes colours, cursor moves and hyperlinks but keeps text", () => {
    expect(stripAnsi("\x1b[1;31mred\x1b[0m \x1b[2K\x1b[1Gline")).toBe("red line");
    expect(stripAnsi("\x1b]8;;https://example.org\x07link\x1b]8;;\x07")).toBe("link");
    expect(stripAnsi("plain [1] text")).toBe("plain [1] text");
  });
});

describe("wantsColor", () => {
  it("needs a terminal and no NO_COLOR", () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
  });
});
