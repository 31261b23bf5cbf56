import { ErrorFields } from "../protocol/content";
import { CellDiagnostic } from "./compiler-protocol";

/**
 * Type errors as a notebook error: one line per problem at `Cell[n]:line:column` (1-based, as
 * editors show them, and as runtime frames name cell positions), the offending source line and a
 * caret under the column. `lineShift` is added to the printed line when `code` is the cell's text
 * with lines added or taken away at its start (a %timeit wrapper).
 */
export function formatDiagnostics(
  code: string,
  diagnostics: CellDiagnostic[],
  filename: string,
  lineShift = 0,
): ErrorFields {
  const lines = code.split("\n");
  const where = (d: CellDiagnostic) =>
    d.fileName
      ? `${d.fileName}:${d.line + 1}:${d.character + 1}`
      : `${filename}:${d.line + 1 + lineShift}:${d.character + 1}`;
  const traceback: string[] = [];
  for (const d of diagnostics) {
    traceback.push(`${where(d)}: ${d.message} (TS${d.code})`);
    if (!d.fileName && lines[d.line] !== undefined) {
      traceback.push(`    ${lines[d.line]}`, `    ${" ".repeat(d.character)}^`);
    }
  }
  const first = diagnostics[0];
  const evalue = first
    ? `${where(first)}: ${first.message}` + (diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "")
    : "the TypeScript compiler rejected the cell";
  return {
    ename: "TSError",
    evalue,
    traceback: [`TypeScript found ${diagnostics.length} problem(s) in this cell:`, ...traceback],
  };
}
