import { randomUUID } from "crypto";
import type { InScope } from "../../runtime/cell-runner";
import { CellOutput, ExecuteOutcome } from "../../protocol/interpreter-contract";
import { ConcurrentCell, ConcurrentCellHost, runConcurrentCell } from "./concurrent-cell";
import { ReportView } from "./report-tracker";
import { ExecutorKind, TimingReport } from "../../concurrency/model/timing";
import { formatMs } from "../../concurrency/report/format";
import { comparisonRows, renderComparison } from "../../concurrency/report/comparison";

const MODELS: ExecutorKind[] = ["serial", "async", "threads", "processes"];

/**
 * %%compare: the same body under every model, serial first so that the others have a baseline,
 * drawn as one report that grows live: each model's lanes as it runs, then the side-by-side table.
 */
export async function runCompareCell(
  host: ConcurrentCellHost,
  cell: Omit<ConcurrentCell, "executor">,
  output: CellOutput,
  interrupt: AbortSignal,
  within: InScope,
): Promise<ExecuteOutcome> {
  const display = new ComparisonDisplay(output, cell.title);
  const finished: TimingReport[] = [];
  for (const model of MODELS) {
    const outcome = await runConcurrentCell(
      host,
      { ...cell, executor: model, title: `${cell.title} → %%${model}` },
      output,
      interrupt,
      within,
      {
        view: display.nextRun(),
        onFinished: (r) => finished.push(r),
      },
    );
    if (outcome.kind === "error") return outcome;
  }
  // --quiet leaves out every model's lanes; the table is what such a cell is run for.
  if (cell.options.quiet) {
    const table = renderComparison(cell.title, finished, { lanes: false });
    output.display(table.data, table.metadata);
  }
  const rows = comparisonRows(finished);
  return {
    kind: "ok",
    result: { data: { "text/plain": rows.map((r) => `${r.model}: ${formatMs(r.wall_ms)}`).join(", ") }, metadata: {} },
  };
}

/** One display_id for the whole cell; each model's tracker draws its run into it. */
class ComparisonDisplay {
  private readonly displayId = randomUUID();
  private readonly runs: TimingReport[] = [];
  private shown = false;

  constructor(
    private readonly output: CellOutput,
    private readonly title: string,
  ) {}

  nextRun(): ReportView {
    let slot: number | undefined;
    return {
      show: (report) => {
        slot ??= this.runs.push(report) - 1;
        this.runs[slot] = report;
        this.draw();
      },
    };
  }

  private draw(): void {
    const bundle = renderComparison(this.title, this.runs);
    if (this.shown) this.output.updateDisplay(bundle.data, bundle.metadata, this.displayId);
    else this.output.display(bundle.data, bundle.metadata, this.displayId);
    this.shown = true;
  }
}
