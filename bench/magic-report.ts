/**
 * The "concurrency magics" section as printed: heading, conditions, table and notes. Pure: results in, lines out.
 */
import { loadAverage } from "./format";
import type { MagicPlan, MagicResults } from "./magic-results";
import { loadWarning, magicNotes } from "./magic-notes";
import type { MagicRow } from "./magic-rows";
import { renderMagicTable } from "./magic-table";
import { MAGIC_TARGETS, MagicTargets } from "./magic-targets";

/** The section as printed: heading, conditions, table, and the notes a cell cannot hold. */
export function magicSection(
  results: MagicResults,
  plan: MagicPlan,
  rows: MagicRow[],
  targets: MagicTargets = MAGIC_TARGETS,
): string[] {
  const load = results.loadAtStart;
  const warning = load ? loadWarning(load[0], results.cores) : undefined;
  return [
    "## Concurrency magics",
    "",
    `- Load average (1/5/15 min): ${load ? loadAverage(load) : "—"} at the start of this table, ` +
      `${results.loadAtEnd ? loadAverage(results.loadAtEnd) : "—"} at its end; ${results.cores} usable cores`,
    "- Baselines run in this process, alternating with the magic cells: `new Worker` and " +
      '`fork` (serialization "advanced") of a script that only posts "ready", the same two of a script that echoes ' +
      "each message back (the per-task rows), a plain `1+1` cell, and `%%serial`; " +
      "the kernel's own task-worker.js is spawned the same way to show where extra start-up goes",
    "- Start-up is the report's `startup_ms`; CPU-bound and async rows are its `wall_ms`; " +
      "the `--quiet` row is send → idle as the client sees it",
    ...(warning ? [`- NOTE: ${warning}`] : []),
    "",
    renderMagicTable(rows),
    "",
    ...magicNotes(results, plan, targets).map((note) => `- ${note}`),
  ];
}
