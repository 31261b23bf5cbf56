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

function numberColumn(values: (number | null)[]): NumberColumn {
  const scale = values.length > FINE_UP_TO ? 10 : 100;
  const rounded = values.map((ms) => (ms === null ? null : Math.round(ms * scale) / scale));
  return rounded.length > 0 && rounded.every((v) => v === rounded[0]) ? rounded[0] : rounded;
}

function stringColumn<T extends string>(values: T[]): StringColumn<T> {
  if (values.length > 0 && values.every((v) => v === values[0])) return values[0];
  const distinct: T[] = [];
  const at = new Map<T, number>();
  const index = values.map((v) => {
    let k = at.get(v);
    if (k === undefined) {
      k = distinct.push(v) - 1;
      at.set(v, k);
    }
    return k;
  });
  return { values: distinct, index };
}

export function toColumns(tasks: readonly TaskRow[]): TaskColumns {
  return {
    count: tasks.length,
    where: stringColumn(tasks.map((t) => t.where)),
    status: stringColumn(tasks.map((t) => t.status)),
    queued_ms: numberColumn(tasks.map((t) => t.queued_ms)),
    start_ms: numberColumn(tasks.map((t) => t.start_ms)),
    end_ms: numberColumn(tasks.map((t) => t.end_ms)),
    cpu_ms: numberColumn(tasks.map((t) => t.cpu_ms)),
    startup_ms: numberColumn(tasks.map((t) => t.startup_ms)),
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
