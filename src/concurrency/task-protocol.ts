/**
 * The one task protocol spoken to thread and process workers alike; only the port differs
 * (a MessagePort or a child's IPC channel). Every message about a task carries its id, so a
 * worker's death can fail exactly the tasks it held.
 */
import { ErrorFields } from "../protocol/content";
import type { CellSource } from "../interpreter/runtime/cell-positions";

/** How a notebook name is re-created inside a worker. */
export type CapturedName =
  | { name: string; kind: "data"; value: unknown }
  | { name: string; kind: "function"; source: string }
  | { name: string; kind: "import"; specifier: string; binding: "namespace" | "default" | "require" | { named: string } };

export interface TaskProgram {
  /** The compiled body: defines the task function and leaves it in `exports[bodyVar]`. */
  js: string;
  bodyVar: string;
  /** How the task body's stack frames name it: its cell, e.g. "Cell[7]", as any cell's frames do. */
  filename: string;
  /** How `js` maps back to the cell (its whole text, magic line included), for stack frames. */
  positions?: CellSource;
  /** In dependency order: imports, then data, then functions (functions are hoisted together). */
  names: CapturedName[];
}

export interface TaskInput {
  i: number;
  n: number;
  id: string;
  item: unknown;
}

/** Stopping a task means stopping its worker (terminate / SIGTERM), so "run" is all a worker is told. */
export type ToWorker = { type: "run"; id: number; task: TaskInput; program: TaskProgram };

export type FromWorker =
  | { type: "ready"; where: string }
  | { type: "started"; id: number; at: bigint }
  | { type: "output"; id: number; name: "stdout" | "stderr"; text: string }
  | { type: "done"; id: number; value: unknown; at: bigint; cpu_ms: number | null }
  | { type: "failed"; id: number; error: ErrorFields; at: bigint; cpu_ms: number | null }
  /**
   * Task `id` threw or rejected outside its own await chain (a timer, an unawaited promise). When
   * the task was still running, `retiring` says the worker exits next: nothing the failed task
   * left behind may run on into later tasks. One message, so the pool knows the worker is going
   * before it hands the slot its next task.
   */
  | { type: "fault"; id: number; error: ErrorFields; at: bigint; retiring: boolean }
  /** Task `id` (null: before any task) called process.exit(code); the worker exits right after. */
  | { type: "exiting"; id: number | null; code: number };
