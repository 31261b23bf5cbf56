/**
 * Per-task timings as columns, and back. A column whose tasks all share one value is stored once;
 * strings (where a task ran, its status) are stored once each and indexed. Pure, so any reader of
 * `metadata.timing` (the bench, tests, the CI checks' Python twin) decodes what the report encoded.
 */
import { NumberColumn, StringColumn, TaskColumns, TaskStatus, TaskTiming } from "./timing";

/** What a task row in `metadata.timing` holds: the timing fields a reader can rely on. */
export type TaskRow = Pick<
  TaskTiming,
  "i" | "where" | "queued_ms" | "start_ms" | "end_ms" | "cpu_ms" | "startup_ms" | "status"
>;

/**
 * 0.01 ms, or 0.1 ms beyond a thousand tasks: finer than any bar is drawn either way, and a
 * 10,000-task report stays well inside the 200 kB the issue allows (#16).
 */
const FINE_UP_TO = 1000;

/**
 * Column builders read each task through `get` instead of taking a mapped array: a report of
 * 10,000 tasks is encoded on every live redraw, and seven throwaway arrays per redraw were garbage
 * the kernel's thread collected between task callbacks.
 */
function numberColumn(tasks: readonly TaskRow[], get: (t: TaskRow) => number | null): NumberColumn {
  const scale = tasks.length > FINE_UP_TO ? 10 : 100;
  const round = (ms: number | null) => (ms === null ? null : Math.round(ms * scale) / scale);
  if (tasks.length === 0) return [];
  const first = round(get(tasks[0]));
  let same = true;
  for (let k = 1; same && k < tasks.length; k++) same = round(get(tasks[k])) === first;
  if (same) return first;
  const out = new Array<number | null>(tasks.length);
  for (let k = 0; k < tasks.length; k++) out[k] = round(get(tasks[k]));
  return out;
}

function stringColumn<T extends string>(tasks: readonly TaskRow[], get: (t: TaskRow) => T): StringColumn<T> {
  if (tasks.length === 0) return { values: [], index: [] };
  const first = get(tasks[0]);
  let same = true;
  for (let k = 1; same && k < tasks.length; k++) same = get(tasks[k]) === first;
  if (same) return first;
  const distinct: T[] = [];
  const at = new Map<T, number>();
  const index = new Array<number>(tasks.length);
  for (let k = 0; k < tasks.length; k++) {
    const v = get(tasks[k]);
    let j = at.get(v);
    if (j === undefined) {
      j = distinct.push(v) - 1;
      at.set(v, j);
    }
    index[k] = j;
  }
  return { values: distinct, index };
}

export function toColumns(tasks: readonly TaskRow[]): TaskColumns {
  return {
    count: tasks.length,
    where: stringColumn(tasks, (t) => t.where),
    status: stringColumn(tasks, (t) => t.status),
    queued_ms: numberColumn(tasks, (t) => t.queued_ms),
    start_ms: numberColumn(tasks, (t) => t.start_ms),
    end_ms: numberColumn(tasks, (t) => t.end_ms),
    cpu_ms: numberColumn(tasks, (t) => t.cpu_ms),
    startup_ms: numberColumn(tasks, (t) => t.startup_ms),
  };
}

function numberAt(column: NumberColumn, i: number): number | null {
  return Array.isArray(column) ? column[i] : column;
}

function stringAt<T extends string>(column: StringColumn<T>, i: number): T {
  return typeof column === "string" ? column : column.values[column.index[i]];
}

export function fromColumns(columns: TaskColumns): TaskRow[] {
  return Array.from({ length: columns.count }, (_, i) => ({
    i,
    where: stringAt(columns.where, i),
    queued_ms: numberAt(columns.queued_ms, i) ?? 0,
    start_ms: numberAt(columns.start_ms, i),
    end_ms: numberAt(columns.end_ms, i),
    cpu_ms: numberAt(columns.cpu_ms, i),
    startup_ms: numberAt(columns.startup_ms, i),
    status: stringAt<TaskStatus>(columns.status, i),
  }));
}
