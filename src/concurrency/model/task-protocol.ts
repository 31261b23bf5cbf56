/**
 * The one task protocol spoken to thread and process workers alike; only the port differs
 * (a MessagePort or a child's IPC channel). Every message about a task carries its id, so a
 * worker's death can fail exactly the tasks it held.
 */
import { ErrorFields } from "../../protocol/content";
import type { CellSource } from "../../runtime/cell-positions";

/** How a notebook name is re-created inside a worker. */
export type CapturedName =
  | { name: string; kind: "data"; value: unknown }
  | { name: string; kind: "function"; source: string }
  | {
      name: string;
      kind: "import";
      specifier: string;
      binding: "namespace" | "default" | "require" | { named: string };
    };

/**
 * One step from a value to something inside it: a property or array index, or the n-th entry of
 * a Map (its key or its value) or of a Set, counted in iteration order, which a copy keeps.
 */
export type ShapeStep = string | number | { entry: number; of: "key" | "value" | "element" };

/**
 * An object inside a copied value whose prototype the copy drops, and what to put back once it
 * has arrived: a notebook class (re-created in the worker under its name), Node's Buffer, or none.
 * A copy keeps shared references and cycles, so each object is named once, by its first path.
 */
export interface Reattach {
  at: ShapeStep[];
  proto: { class: string } | { builtin: "Buffer" } | null;
}

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
  /** Objects inside the data names (the first step is the name) whose prototype must be put back. */
  reattach?: Reattach[];
  /** The same for each task's `item`, by task index; sent with that task, not with the program. */
  itemReattach?: (Reattach[] | undefined)[];
}

export interface TaskInput {
  i: number;
  n: number;
  id: string;
  item: unknown;
}

/** A program as a worker receives it: each task's item shape travels with that task instead. */
export type ShippedProgram = Omit<TaskProgram, "itemReattach">;

/** One task for a worker to run, under the pool's id for it. */
export interface TaskToRun {
  id: number;
  task: TaskInput;
  itemReattach?: Reattach[];
}

/**
 * A cell's program goes to each worker once, under an id; its tasks then name it by that id, and
 * "drop" lets it go when the cell ends. A "run" carries every task the pool hands the worker at
 * that moment (several when tasks are short: a message each cost about as much as the tasks), to
 * run one after another in that order. Stopping a task means stopping its worker (terminate /
 * SIGTERM), so there is no message for that.
 */
export type ToWorker =
  | { type: "program"; program: number; body: ShippedProgram }
  | { type: "run"; program: number; tasks: TaskToRun[] }
  | { type: "drop"; program: number };

export type FromWorker =
  | { type: "ready"; where: string }
  | { type: "started"; id: number; at: bigint }
  | { type: "output"; id: number; name: "stdout" | "stderr"; text: string }
  /** `started`: the task's start, when the worker held it back to send with the end (short tasks). */
  /**
   * `memory_bytes`: what the worker held as the task ended (a thread: its V8 heap; a process: its
   * RSS), sent with a cell's first task on the worker and then only when it changed.
   */
  | {
      type: "done";
      id: number;
      value: unknown;
      at: bigint;
      cpu_ms: number | null;
      memory_bytes?: number;
      started?: bigint;
    }
  | {
      type: "failed";
      id: number;
      error: ErrorFields;
      at: bigint;
      cpu_ms: number | null;
      memory_bytes?: number;
      started?: bigint;
    }
  /**
   * Task `id` threw or rejected outside its own await chain (a timer, an unawaited promise). When
   * the task was still running, `retiring` says the worker exits next: nothing the failed task
   * left behind may run on into later tasks. One message, so the pool knows the worker is going
   * before it hands the slot its next task.
   */
  | { type: "fault"; id: number; error: ErrorFields; at: bigint; retiring: boolean }
  /** Task `id` (null: before any task) called process.exit(code); the worker exits right after. */
  | { type: "exiting"; id: number | null; code: number };
