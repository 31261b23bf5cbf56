import { Cell, isJsonMime, MimeBundle, Notebook, Output, WRITTEN_MINOR } from "./nbformat";

/**
 * The notebook as Jupyter itself writes it: sorted keys, one-space indent, a final newline, and
 * multi-line text as a list of lines (each keeping its "\n"), so a saved notebook diffs cleanly
 * against one saved by JupyterLab.
 */
export function serializeNotebook(notebook: Notebook): string {
  const file = {
    nbformat: 4,
    nbformat_minor: Math.max(notebook.nbformat_minor, WRITTEN_MINOR),
    metadata: notebook.metadata,
    cells: notebook.cells.map(writeCell),
  };
  return JSON.stringify(sortKeys(file), null, 1) + "\n";
}

/** Splits after every "\n": "a\nb\n" → ["a\n", "b\n"], "a\nb" → ["a\n", "b"], "" → []. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function writeCell(cell: Cell): Record<string, unknown> {
  const written: Record<string, unknown> = { ...cell, source: splitLines(cell.source) };
  if (cell.cell_type === "code") written.outputs = cell.outputs.map(writeOutput);
  return written;
}

function writeOutput(output: Output): Record<string, unknown> {
  switch (output.output_type) {
    case "stream":
      return { ...output, text: splitLines(output.text) };
    case "display_data":
    case "execute_result":
      return { ...output, data: writeBundle(output.data) };
    case "error":
      return { ...output };
  }
}

/** Text-like MIME values are split into lines; base64 images and JSON values are stored whole. */
function writeBundle(data: MimeBundle): MimeBundle {
  return Object.fromEntries(
    Object.entries(data).map(([mime, value]) => [
      mime,
      typeof value === "string" && isTextMime(mime) ? splitLines(value) : value,
    ]),
  );
}

function isTextMime(mime: string): boolean {
  if (isJsonMime(mime)) return false;
  return mime.startsWith("text/") || mime === "image/svg+xml" || mime === "application/javascript";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
