import { ratioText, Row } from "./report";
import { renderColumns } from "./table";

/** This kernel against the baseline kernel, case by case. */
export function renderKernelTable(rows: Row[], oursName: string, baselineName: string): string {
  const header = ["Case", oursName, baselineName, "ours/baseline", "Target", "Result"];
  const body = rows.map((row) => [
    row.label,
    row.ours.text,
    row.baseline.text,
    ratioText(row),
    row.target || "—",
    row.verdict ?? "info",
  ]);
  return renderColumns(header, body);
}
