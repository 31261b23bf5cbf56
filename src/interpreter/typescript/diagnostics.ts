import { ErrorFields } from "../../protocol/content";
import { CellDiagnostic } from "./compiler-protocol";

/**
 * Type errors as a notebook error: one line per problem with the cell's own line and column
 * (1-based, as editors show them), the offending source line and a caret under the column.
 */
export function formatDiagnostics(code: string, diagnostics: CellDiagnostic[]): ErrorFields {
  const lines = code.split("\n");
  const traceback: string[] = [];
  for (const d of diagnostics) {
    const where = d.fileName ? `${d.fileName}:${d.line + 1}:${d.character + 1}` : `line ${d.line + 1}, column ${d.character + 1}`;
    traceback.push(`${where}: ${d.message} (TS${d.code})`);
    if (!d.fileName && lines[d.line] !== undefined) {
      traceback.push(`    ${lines[d.line]}`, `    ${" ".repeat(d.character)}^`);
    }
  }
  const first = diagnostics[0];
  const evalue = first
    ? `${first.fileName ? first.fileName + ":" : "line "}${first.line + 1}:${first.character + 1} ${first.message}` +
      (diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "")
    : "the TypeScript compiler rejected the cell";
  return { ename: "TSError", evalue, traceback: [`TypeScript found ${diagnostics.length} problem(s) in this cell:`, ...traceback] };
}
