import { randomUUID } from "crypto";
import type { InScope } from "../../runtime/cell-runner";
import { setMaxListeners } from "events";
import { ErrorFields } from "../../protocol/content";
import { CellOutput, ExecuteOutcome } from "../../protocol/interpreter-contract";
import { ConvertResult, formatDiagnostics } from "../../typescript/engine";
import { CellSource } from "../../runtime/cell-positions";
import { render } from "../../runtime/mime";
import { ConcurrencyOptions } from "./concurrency-options";
import { Executor, TaskResult } from "../../concurrency/model/executor";
import { ExecutorKind, TimingReport } from "../../concurrency/model/timing";
import { OwnReportDisplay, ReportTracker, ReportView } from "./report-tracker";
import { TaskOutput } from "../../concurrency/model/task-output";
import { TaskInput, TaskProgram } from "../../concurrency/model/task-protocol";
import { CaptureError } from "../../concurrency/capture/capture-error";
import { ExpressionResult, mapItems } from "./map-items";
import { MagicUsageError } from "./magic-error";
import { NotebookNameInfo, planCapture } from "../../concurrency/capture/plan-capture";
import { exportsAssignments } from "../../concurrency/capture/notebook-references";
import { usableCores } from "../../concurrency/model/cores";

/** The name the compiled body leaves its task function under. */
export const BODY_VAR = "tsck_task_body";
/** Most workers a pool gets by default, however many tasks there are. */
const DEFAULT_MAX_WORKERS = Math.max(8, usableCores());

/** What a concurrency cell needs from the interpreter around it. */
export interface ConcurrentCellHost {
  compile(code: string): Promise<ConvertResult>;
  values: Record<string, unknown>;
  info: NotebookNameInfo;
  freeIdentifiers(source: string): Promise<string[]>;
  /** Evaluate a TypeScript expression in the notebook (for --map). */
  evaluate(expression: string): Promise<ExpressionResult>;
  /** Run compiled code on the kernel's thread and return the function it leaves in BODY_VAR. */
  loadBody(
    js: string,
    filename: string,
    positions: CellSource,
  ): Promise<(task: TaskInput & { signal: AbortSignal }) => unknown>;
  executor(kind: ExecutorKind): Executor;
  /** Wall time of the last %%serial run of each body, for speedups. */
  serialWallMs: Map<string, number>;
}

export interface ConcurrentCell {
  executor: ExecutorKind;
  /** How stack frames and type errors name the cell, e.g. `Cell[7]`: the same as for any cell. */
  filename: string;
  options: ConcurrencyOptions;
  body: string;
  title: string;
}

/** The body as a TypeScript cell: line 1 of the wrapper stands where the magic line stood. */
export function wrapBody(body: string): string {
  return `const ${BODY_VAR} = async (task: Task): Promise<any> => {\n${body}\n};\n${BODY_VAR}`;
}

export async function runConcurrentCell(
  host: ConcurrentCellHost,
  cell: ConcurrentCell,
  output: CellOutput,
  interrupt: AbortSignal,
  within: InScope,
  report: { onFinished?: (report: TimingReport) => void; view?: ReportView } = {},
): Promise<ExecuteOutcome> {
  const onMain = cell.executor === "serial" || cell.executor === "async";
  if (onMain && cell.options.memoryMb !== undefined) {
    return usage(
      `--memory caps each worker's heap, but %%${cell.executor} runs its tasks on the kernel's own thread; use %%threads or %%processes`,
    );
  }
  // Tasks on the kernel's thread read notebook names directly and copy nothing, but a --share of a
  // name no cell defined is a mistake all the same, and should read the same under every magic.
  const unknown = onMain
    ? (cell.options.share ?? []).filter(
        (n) => !Object.prototype.hasOwnProperty.call(host.values, n) && !host.info.importOf(n),
      )
    : [];
  if (unknown.length)
    throw new CaptureError(`--share names ${unknown.map((n) => `'${n}'`).join(", ")}, which no cell has defined`);
  const converted = await host.compile(wrapBody(cell.body));
  if (converted.kind === "diagnostics")
    return {
      kind: "error",
      error: formatDiagnostics(`${cell.title}\n${cell.body}`, converted.diagnostics, cell.filename),
    };

  const items =
    cell.options.map === undefined
      ? undefined
      : await mapItems((e) => host.evaluate(e), cell.options.map, cell.options.tasks);
  const n = cell.options.tasks ?? items?.length ?? usableCores();
  if (items && items.length < n) {
    return usage(
      `--map ${cell.options.map} gave ${items.length} items, but -n asks for ${n} tasks; leave out -n, or ask for at most ${items.length}`,
    );
  }
  const tasks: TaskInput[] = Array.from({ length: n }, (_, i) => ({ i, n, id: randomUUID(), item: items?.[i] }));
  const workers = onMain
    ? cell.executor === "serial"
      ? 1
      : n
    : (cell.options.workers ?? Math.min(n, DEFAULT_MAX_WORKERS));

  // The wrapper's first line stands where the magic line stood, so compiled lines map to cell lines.
  const positions = { map: converted.lineMap, source: `${cell.title}\n${cell.body}` };
  const filename = cell.filename;
  // A refusal here (a name a worker cannot get) is a KernelError, which the interpreter turns into the cell's error.
  let job: { body?: Awaited<ReturnType<ConcurrentCellHost["loadBody"]>>; program?: TaskProgram };
  if (onMain) {
    job = { body: await host.loadBody(converted.js, filename, positions) };
  } else {
    const plan = await planCapture({
      kind: cell.executor as "threads" | "processes",
      js: converted.js,
      ignore: [BODY_VAR, converted.lastExpressionVar ?? "tsLastExpr"],
      share: cell.options.share,
      values: host.values,
      info: host.info,
      freeIdentifiers: (s) => host.freeIdentifiers(s),
      ...(items ? { items: { expression: cell.options.map!, values: items } } : {}),
    });
    const assigned = exportsAssignments(converted.js).filter((x) => plan.names.some((c) => c.name === x));
    for (const name of assigned) {
      output.stream(
        "stderr",
        `warning: the task body assigns to '${name}'; each task changes its own copy, the notebook's '${name}' stays as it was.\n`,
      );
    }
    job = { program: { js: converted.js, bodyVar: BODY_VAR, filename, positions, ...plan } };
  }

  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onInterrupt = () => stop.abort("interrupt");
  interrupt.addEventListener("abort", onInterrupt, { once: true });
  const timer =
    cell.options.timeoutMs === undefined ? undefined : setTimeout(() => stop.abort("timeout"), cell.options.timeoutMs);

  const serialWall = host.serialWallMs.get(cell.body);
  const tracker = new ReportTracker(cell.options.quiet ? undefined : (report.view ?? new OwnReportDisplay(output)), {
    executor: cell.executor,
    title: cell.title,
    cores: usableCores(),
    workers,
    tasks: n,
    ...(serialWall !== undefined && cell.executor !== "serial" ? { serialWallMs: serialWall } : {}),
  });
  tracker.start();
  const taskOutput = new TaskOutput(output, cell.options.group);
  let results: TaskResult[];
  try {
    // In the cell's scope, which the awaits above may have lost: tasks on this thread print through it.
    results = await within(() =>
      host.executor(cell.executor).run({
        tasks,
        workers,
        fresh: cell.options.fresh,
        memoryMb: cell.options.memoryMb,
        signal: stop.signal,
        tracker,
        output: taskOutput,
        ...job,
      }),
    );
  } finally {
    if (timer) clearTimeout(timer);
    interrupt.removeEventListener("abort", onInterrupt);
  }
  taskOutput.finish();

  const stoppedTasks = results.flatMap((r, i) => (r.status === "cancelled" || r.status === "abandoned" ? [i] : []));
  const stopped = stoppedTasks.length;
  const why = stop.signal.reason === "timeout" ? `timed out after ${cell.options.timeoutMs} ms` : "interrupted";
  const final = tracker.finish(
    stopped
      ? `${why}: ${stopped} of ${n} tasks ${cell.executor === "async" ? "abandoned or cancelled" : "cancelled"}`
      : undefined,
  );
  if (cell.executor === "serial" && results.every((r) => r.status === "ok"))
    host.serialWallMs.set(cell.body, final.wall_ms);
  report.onFinished?.(final);

  const failures = results.flatMap((r, i) =>
    r.status === "error" || r.status === "crashed" ? [{ i, error: r.error }] : [],
  );
  if (failures.length) return { kind: "error", error: taskFailure(failures, n, (i) => taskOutput.stderrTail(i)) };
  if (stop.signal.aborted) {
    const ename = stop.signal.reason === "timeout" ? "TimeoutError" : "KeyboardInterrupt";
    const evalue = stopped
      ? `${why}: ${stopped} of ${n} tasks did not finish (${taskList(stoppedTasks)})`
      : `${why} as the last task finished`;
    return { kind: "error", error: { ename, evalue, traceback: [`${ename}: ${evalue}`] } };
  }
  const values = results.map((r) => (r.status === "ok" ? r.value : undefined));
  return { kind: "ok", result: render(values) };
}

/** "task 1", "tasks 0, 2 and 5", "tasks 0, 1, 2, … (40 in all)". */
function taskList(indices: number[]): string {
  const SHOWN = 8;
  if (indices.length === 1) return `task ${indices[0]}`;
  if (indices.length > SHOWN) return `tasks ${indices.slice(0, SHOWN).join(", ")}, … (${indices.length} in all)`;
  return `tasks ${indices.slice(0, -1).join(", ")} and ${indices[indices.length - 1]}`;
}

function usage(message: string): ExecuteOutcome {
  return { kind: "error", error: new MagicUsageError(message).toErrorFields() };
}

function taskFailure(
  failures: { i: number; error: ErrorFields }[],
  n: number,
  stderrTail: (i: number) => string[],
): ErrorFields {
  const first = failures[0];
  const traceback = failures.flatMap(({ i, error }) => {
    // Frames, and the cell line quoted under the first of them; a lost worker's lines are all its account.
    const detail =
      error.ename === "WorkerCrashed" ? error.traceback : error.traceback.filter((l) => /^\s+(at |\d+ \| )/.test(l));
    const stderr = stderrTail(i);
    const wrote = stderr.length ? ["it wrote to stderr last:", ...stderr.map((l) => `  ${l}`)] : [];
    return [`${error.ename}: ${error.evalue}`, ...detail, ...wrote].map((l) => `[task ${i}] ${l}`);
  });
  return {
    ename: failures.every((f) => f.error.ename === "WorkerCrashed") ? "WorkerCrashed" : "TaskError",
    evalue: `${failures.length} of ${n} tasks failed; first: task ${first.i}: ${first.error.ename}: ${first.error.evalue}`,
    traceback,
  };
}
