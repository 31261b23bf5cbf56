import { CodeCell } from "../../src/app/runner/nbformat";
import { parseNotebook } from "../../src/app/runner/read-notebook";
import { serializeNotebook, splitLines } from "../../src/app/runner/write-notebook";

const v44 = {
  nbformat: 4,
  nbformat_minor: 4,
  metadata: { kernelspec: { name: "ts-concurrency", display_name: "TypeScript (concurrency)" } },
  cells: [
    { cell_type: "markdown", metadata: {}, source: ["# Title\n", "text"], attachments: { "a.png": {} } },
    {
      cell_type: "code",
      metadata: { tags: ["x"] },
      execution_count: 3,
      source: ["const a = 1;\n", "a"],
      outputs: [
        { output_type: "stream", name: "stdout", text: ["line 1\n", "line 2\n"] },
        {
          output_type: "execute_result",
          execution_count: 3,
          metadata: {},
          data: { "text/plain": ["1"], "application/json": { a: [1] } },
        },
      ],
    },
  ],
};

describe("parseNotebook", () => {
  it("joins multi-line fields and gives cells ids", () => {
    const nb = parseNotebook(JSON.stringify(v44), "demo.ipynb");
    expect(nb.cells.map((c) => c.source)).toEqual(["# Title\ntext", "const a = 1;\na"]);
    const code = nb.cells[1] as CodeCell;
    expect(code.outputs[0]).toEqual({ output_type: "stream", name: "stdout", text: "line 1\nline 2\n" });
    expect(code.outputs[1]).toMatchObject({ data: { "text/plain": "1", "application/json": { a: [1] } } });
    expect(nb.cells[0].attachments).toEqual({ "a.png": {} });
    for (const cell of nb.cells) expect(cell.id).toMatch(/^[a-f0-9]{8}$/);
    expect(new Set(nb.cells.map((c) => c.id)).size).toBe(2);
  });

  it("keeps valid ids and replaces duplicates", () => {
    const cells = [
      { cell_type: "raw", id: "keep-me", metadata: {}, source: "" },
      { cell_type: "raw", id: "keep-me", metadata: {}, source: "" },
    ];
    const nb = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }), "x.ipynb");
    expect(nb.cells[0].id).toBe("keep-me");
    expect(nb.cells[1].id).not.toBe("keep-me");
  });

  it("names the file and the cell in every error", () => {
    const parse = (value: unknown) => () => parseNotebook(JSON.stringify(value), "nb.ipynb");
    expect(() => parseNotebook("{", "nb.ipynb")).toThrow(/^nb\.ipynb is not valid JSON/);
    expect(parse([])).toThrow("nb.ipynb is not a notebook");
    expect(parse({ nbformat: 3, cells: [] })).toThrow(/nb\.ipynb is nbformat 3; only nbformat 4 is supported/);
    expect(parse({ cells: [] })).toThrow(/has no nbformat field/);
    expect(parse({ nbformat: 4 })).toThrow('nb.ipynb has no "cells" list');
    expect(parse({ nbformat: 4, cells: [{ cell_type: "code" }] })).toThrow(/cell 1 has no "source"/);
    expect(parse({ nbformat: 4, cells: [{ cell_type: "md", source: "" }] })).toThrow(
      /cell 1 has unknown cell_type "md"/,
    );
    expect(
      parse({
        nbformat: 4,
        cells: [
          { cell_type: "raw", source: "" },
          { cell_type: "code", source: "", outputs: [{ output_type: "x" }] },
        ],
      }),
    ).toThrow(/cell 2 has an output of unknown type "x"/);
  });
});

describe("serializeNotebook", () => {
  it("writes nbformat 4.5 the way Jupyter does", () => {
    const nb = parseNotebook(JSON.stringify(v44), "demo.ipynb");
    const text = serializeNotebook(nb);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe(' "cells": [');

    const written = JSON.parse(text);
    expect(written.nbformat).toBe(4);
    expect(written.nbformat_minor).toBe(5);
    expect(Object.keys(written)).toEqual(["cells", "metadata", "nbformat", "nbformat_minor"]);
    expect(written.cells[0].source).toEqual(["# Title\n", "text"]);
    expect(Object.keys(written.cells[1])).toEqual([
      "cell_type",
      "execution_count",
      "id",
      "metadata",
      "outputs",
      "source",
    ]);
    expect(written.cells[1].outputs[0].text).toEqual(["line 1\n", "line 2\n"]);
    expect(written.cells[1].outputs[1].data).toEqual({ "application/json": { a: [1] }, "text/plain": ["1"] });
  });

  it("stores base64 images whole and survives a round trip", () => {
    const nb = parseNotebook(JSON.stringify(v44), "demo.ipynb");
    (nb.cells[1] as CodeCell).outputs.push({
      output_type: "display_data",
      data: { "image/png": "iVBORw0KGgo=", "image/svg+xml": "<svg>\n</svg>" },
      metadata: {},
    });
    const written = JSON.parse(serializeNotebook(nb));
    expect(written.cells[1].outputs[2].data).toEqual({
      "image/png": "iVBORw0KGgo=",
      "image/svg+xml": ["<svg>\n", "</svg>"],
    });
    expect(parseNotebook(serializeNotebook(nb), "again.ipynb").cells).toEqual(nb.cells);
  });
});

describe("splitLines", () => {
  it("keeps each line's newline", () => {
    expect(splitLines("a\nb\n")).toEqual(["a\n", "b\n"]);
    expect(splitLines("a\nb")).toEqual(["a\n", "b"]);
    expect(splitLines("\n\n")).toEqual(["\n", "\n"]);
    expect(splitLines("")).toEqual([]);
  });
});
