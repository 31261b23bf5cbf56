import { OutputCollector } from "./collect-outputs";
import { CellRun, executeCell } from "./execute-cell";
import { CodeCell, Notebook } from "./nbformat";
import { renderCell } from "./render";
import { KernelSession } from "./session";

export interface RunOptions {
  /** Per cell; 0 means no limit. */
  timeoutMs: number;
  /** Keep going after a failed cell (unless the kernel is gone or the user pressed Ctrl-C). */
  allowErrors: boolean;
  /** Print no cells, only failures. */
  quiet: boolean;
  color: boolean;
  /** Cell text goes here (stdout). */
  print(text: string): void;
  /** Failures go here (stderr). */
  warn(text: string): void;
  signal?: AbortSignal;
  /** How long an interrupted cell may take to answer; defaults to 10 s. */
  interruptGraceMs?: number;
}

export interface CellFailure {
  /** Position in the notebook, counting every cell from 1. */
  cellNumber: number;
  cellId: string;
  executionCount: number | null;
  reason: string;
  /** The run cannot go on after this one, whatever `allowErrors` says. */
  fatal: boolean;
}

export interface RunResult {
  /** Code cells the kernel was asked to run. */
  executed: number;
  failures: CellFailure[];
  /** The user pressed Ctrl-C. */
  cancelled: boolean;
}

const DEFAULT_GRACE_MS = 10_000;

/**
 * Runs the notebook's code cells in order on `session`, filling in outputs and execution counts in
 * place. Every code cell's old outputs are cleared first, so cells left unrun after a failure do not
 * keep results from an earlier run.
 */
export async function runNotebook(notebook: Notebook, session: KernelSession, options: RunOptions): Promise<RunResult> {
  const codeCells = notebook.cells.flatMap((cell, index) =>
    cell.cell_type === "code" ? [{ cell, cellNumber: index + 1 }] : [],
  );
  for (const { cell } of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const collector = new OutputCollector();
  const result: RunResult = { executed: 0, failures: [], cancelled: false };

  for (const { cell, cellNumber } of codeCells) {
    // Jupyter skips blank cells too; sending them would only burn execution counts.
    if (cell.source.trim() === "") continue;
    if (options.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    collector.startCell(cell.outputs);
    const run = await executeCell(session, cell.source, {
      timeoutMs: options.timeoutMs,
      graceMs: options.interruptGraceMs ?? DEFAULT_GRACE_MS,
      signal: options.signal,
    });
    result.executed++;
    collector.addAll(run.iopub);
    cell.execution_count = executionCount(run);
    if (!options.quiet) options.print(renderCell(cell, options.color) + "\n");

    const failure = describeFailure(run, cell, cellNumber, options.timeoutMs);
    if (run.stopped === "cancelled") result.cancelled = true;
    if (!failure) continue;
    result.failures.push(failure);
    options.warn(failureLine(failure) + "\n");
    if (failure.fatal || !options.allowErrors) break;
  }
  return result;
}

export function failureLine(failure: CellFailure): string {
  const prompt = failure.executionCount === null ? "" : `In [${failure.executionCount}], `;
  return `Cell ${failure.cellNumber} (${prompt}id ${failure.cellId}) failed: ${failure.reason}`;
}

function executionCount(run: CellRun): number | null {
  if (run.reply && typeof run.reply.execution_count === "number") return run.reply.execution_count;
  // A kernel that never replied may still have announced the count.
  for (const message of run.iopub) {
    if (message.header.msg_type === "execute_input") {
      const count = (message.content as { execution_count?: unknown }).execution_count;
      if (typeof count === "number") return count;
    }
  }
  return null;
}

function describeFailure(run: CellRun, cell: CodeCell, cellNumber: number, timeoutMs: number): CellFailure | undefined {
  const base = { cellNumber, cellId: cell.id, executionCount: cell.execution_count };
  const noAnswer = run.reply ? "" : "; the kernel did not respond to the interrupt";
  if (run.lost) return { ...base, fatal: true, reason: `the kernel stopped while running it (${run.lost.message})` };
  if (run.stopped === "cancelled") return { ...base, fatal: true, reason: `interrupted by the user${noAnswer}` };
  if (run.stopped === "timeout") {
    const reason = `timed out after ${timeoutMs / 1000} s and was interrupted${noAnswer}`;
    return { ...base, fatal: !run.reply, reason };
  }
  const reply = run.reply;
  if (!reply || reply.status === "ok") return undefined;
  if (reply.status === "aborted") return { ...base, fatal: false, reason: "the kernel aborted it" };
  return { ...base, fatal: false, reason: `${reply.ename}: ${reply.evalue}` };
}
