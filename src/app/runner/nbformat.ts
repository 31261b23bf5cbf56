/**
 * The notebook as the runner holds it in memory: nbformat 4, with every multi-line text already
 * joined into one string (the file format may split them into lists of lines; see read/write).
 */

export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Fields the runner does not use (e.g. `attachments`) ride along unchanged. */
interface CellBase {
  id: string;
  source: string;
  metadata: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}

export interface TextCell extends CellBase {
  cell_type: "markdown" | "raw";
}

export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** Cell ids became required in nbformat 4.5; the runner always writes at least that. */
export const WRITTEN_MINOR = 5;

/** JSON MIME values are objects in the file, never text to split or join. */
export function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}
