/** How each row is judged, and the one line that sums a run's verdicts up. Pure. */

export type Verdict = "PASS" | "FAIL" | "n/a";

/** One line a script can grep: how many targets were met, and which were not. */
export function summaryLine(rows: { label: string; verdict?: Verdict }[], complete: boolean): string {
  const judged = rows.filter((row) => row.verdict !== undefined);
  const passed = judged.filter((row) => row.verdict === "PASS").length;
  const others = judged.filter((row) => row.verdict !== "PASS").map((row) => `${row.verdict} ${shortLabel(row.label)}`);
  const tail = others.length ? ` (${others.join("; ")})` : "";
  const cutShort = complete ? "" : " — INCOMPLETE: the run was cut short";
  return `SUMMARY: ${passed}/${judged.length} targets met${tail}${cutShort}`;
}

/** Drops the trailing "(median of …)"; a label may hold parentheses of its own, as in `sleep(200)`. */
function shortLabel(label: string): string {
  return label.replace(/\s*\([^()]*\)$/, "");
}
