import type { MagicRow } from "./magic-rows";
import { renderColumns } from "./table";

/** The concurrency magics: each row names its own baseline, and compares in the way its target is put. */
export function renderMagicTable(rows: MagicRow[]): string {
  const header = ["Case", "Magic", "Baseline", "Comparison", "Target", "Result"];
  const body = rows.map((row) => [
    row.label,
    row.magic,
    row.baseline,
    row.comparison,
    row.target,
    row.verdict ?? "info",
  ]);
  return renderColumns(header, body);
}
