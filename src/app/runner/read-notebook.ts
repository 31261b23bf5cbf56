import { randomBytes } from "node:crypto";
import { CliError } from "../errors";
import { Cell, isJsonMime, MimeBundle, Notebook, Output } from "./nbformat";

/**
 * Parses and checks an `.ipynb` file's text. Errors name the file and the cell, because the user's
 * next step is to open the notebook and fix it there. Cells without a valid id (older than
 * nbformat 4.5) get a fresh one, so the notebook can be written as 4.5.
 */
export function parseNotebook(text: string, file: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotebookError(file, `is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new NotebookError(file, "is not a notebook: the top level must be a JSON object");
  if (raw.nbformat !== 4) {
    const found = raw.nbformat === undefined ? "has no nbformat field" : `is nbformat ${String(raw.nbformat)}`;
    throw new NotebookError(
      file,
      `${found}; only nbformat 4 is supported (convert with: jupyter nbconvert --to notebook --nbformat 4)`,
    );
  }
  if (!Array.isArray(raw.cells)) throw new NotebookError(file, 'has no "cells" list');
  const minor = typeof raw.nbformat_minor === "number" ? raw.nbformat_minor : 0;
  const cells = raw.cells.map((cell, i) => readCell(cell, new Where(file, i)));
  assignMissingIds(cells);
  return { nbformat: 4, nbformat_minor: minor, metadata: isObject(raw.metadata) ? raw.metadata : {}, cells };
}

export class NotebookError extends CliError {
  constructor(file: string, problem: string) {
    super(`${file} ${problem}.`);
    this.name = "NotebookError";
  }
}

/** Locates a problem for the error message; cells are numbered from 1 as a user counts them. */
class Where {
  constructor(
    readonly file: string,
    readonly index: number,
  ) {}
  fail(problem: string): never {
    throw new NotebookError(this.file, `cell ${this.index + 1} ${problem}`);
  }
}

function readCell(raw: unknown, where: Where): Cell {
  if (!isObject(raw)) where.fail("is not a JSON object");
  const source = multiline(raw.source, () => where.fail('has no "source" string or list of strings'));
  const metadata = isObject(raw.metadata) ? raw.metadata : {};
  const id = typeof raw.id === "string" ? raw.id : "";
  switch (raw.cell_type) {
    case "code": {
      if (raw.outputs !== undefined && !Array.isArray(raw.outputs)) where.fail('has "outputs" that is not a list');
      const outputs = ((raw.outputs as unknown[] | undefined) ?? []).map((o) => readOutput(o, where));
      const count = typeof raw.execution_count === "number" ? raw.execution_count : null;
      return { ...raw, cell_type: "code", id, source, metadata, execution_count: count, outputs };
    }
    case "markdown":
    case "raw":
      return { ...raw, cell_type: raw.cell_type, id, source, metadata };
    default:
      return where.fail(`has unknown cell_type ${JSON.stringify(raw.cell_type)} (expected code, markdown or raw)`);
  }
}

function readOutput(raw: unknown, where: Where): Output {
  if (!isObject(raw)) where.fail("has an output that is not a JSON object");
  const bad: (what: string) => never = (what) => where.fail(`has a ${String(raw.output_type)} output with ${what}`);
  switch (raw.output_type) {
    case "stream": {
      if (raw.name !== "stdout" && raw.name !== "stderr") bad("a name other than stdout/stderr");
      const name: "stdout" | "stderr" = raw.name;
      return { output_type: "stream", name, text: multiline(raw.text, () => bad("no text")) };
    }
    case "display_data":
      return { output_type: "display_data", data: bundle(raw.data, bad), metadata: objectOr(raw.metadata) };
    case "execute_result":
      return {
        output_type: "execute_result",
        execution_count: typeof raw.execution_count === "number" ? raw.execution_count : null,
        data: bundle(raw.data, bad),
        metadata: objectOr(raw.metadata),
      };
    case "error":
      return {
        output_type: "error",
        ename: String(raw.ename ?? ""),
        evalue: String(raw.evalue ?? ""),
        traceback: Array.isArray(raw.traceback) ? raw.traceback.map(String) : [],
      };
    default:
      return where.fail(`has an output of unknown type ${JSON.stringify(raw.output_type)}`);
  }
}

/** A MIME bundle with split text values joined back into strings; JSON values stay as they are. */
function bundle(raw: unknown, bad: (what: string) => never): MimeBundle {
  if (!isObject(raw)) return bad('no "data" object');
  return Object.fromEntries(
    Object.entries(raw).map(([mime, value]) => [
      mime,
      isStringList(value) && !isJsonMime(mime) ? value.join("") : value,
    ]),
  );
}

function multiline(value: unknown, missing: () => never): string {
  if (typeof value === "string") return value;
  if (isStringList(value)) return value.join("");
  return missing();
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function objectOr(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** nbformat 4.5: 1–64 characters of letters, digits, "-" and "_", unique within the notebook. */
const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;

function assignMissingIds(cells: Cell[]): void {
  const taken = new Set(cells.map((c) => c.id).filter((id) => CELL_ID.test(id)));
  const kept = new Set<string>();
  for (const cell of cells) {
    if (CELL_ID.test(cell.id) && !kept.has(cell.id)) {
      kept.add(cell.id);
      continue;
    }
    let id: string;
    do id = randomBytes(4).toString("hex");
    while (taken.has(id));
    taken.add(id);
    cell.id = id;
  }
}
