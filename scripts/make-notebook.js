#!/usr/bin/env node
// Builds an unexecuted .ipynb from a plain-text outline: "## md" blocks become Markdown cells,
// "## code" blocks become code cells. Used to author the walkthroughs; run them with `run --out`.
// "## code [lesson:io]" also gives the cell tags: metadata survives execution, so checks on an
// executed notebook (test/jupyter/check_lessons.py) find the cells a lesson rests on by tag
// rather than by guessing from their source.
const fs = require("fs");
const { createHash } = require("crypto");
const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error("usage: make-notebook.js OUTLINE.txt NOTEBOOK.ipynb");
  process.exit(2);
}
const blocks = fs
  .readFileSync(src, "utf8")
  .split(/^## ((?:md|code)(?: \[[^\]\n]*\])?)\n/m)
  .slice(1);
const cells = [];
for (let i = 0; i < blocks.length; i += 2) {
  const [, kind, tagList = ""] = /^(md|code)(?: \[(.*)\])?$/.exec(blocks[i]);
  const tags = tagList.split(/[\s,]+/).filter(Boolean);
  const metadata = tags.length > 0 ? { tags } : {};
  const text = blocks[i + 1].replace(/\n+$/, "");
  const source = text.split(/(?<=\n)/);
  const id = createHash("sha1").update(`${i}:${text}`).digest("hex").slice(0, 8);
  cells.push(
    kind === "md"
      ? { cell_type: "markdown", id, metadata, source }
      : { cell_type: "code", execution_count: null, id, metadata, outputs: [], source },
  );
}
const nb = {
  cells,
  metadata: {
    kernelspec: { display_name: "TypeScript (concurrency)", language: "typescript", name: "ts-concurrency" },
    language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
  },
  nbformat: 4,
  nbformat_minor: 5,
};
fs.writeFileSync(out, JSON.stringify(nb, null, 1) + "\n");
