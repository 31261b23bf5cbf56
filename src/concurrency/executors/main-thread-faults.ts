import { toErrorFields } from "../../runtime/error-fields";
import { currentScope, TaskFaultSink } from "../../runtime/cell-scope";

/**
 * Code a %%serial or %%async task started (a timer, an unawaited promise, a process.exit call)
 * reaches that task when it fails, through the task's cell scope. On the kernel's thread such
 * failures would otherwise land on the kernel itself: process.exit() would end it, and an uncaught
 * error could only be printed, leaving the task looking as if it had succeeded.
 */
export type { TaskFaultSink };

const owningTask = (): TaskFaultSink | undefined => currentScope()?.task;

/** What process.exit() throws inside a task on the kernel's thread, where exiting would end the kernel. */
export class TaskExit extends Error {
  /** Whether the task took the failure (it had not ended yet). */
  taken = false;

  constructor(code: number) {
    // No task number: the cell's error puts `[task i]` before it.
    super(`the task called process.exit(${code}); on the kernel's thread that ends the task, not the kernel`);
    this.name = "ProcessExit";
  }
}

let guarded = false;

/** From now on, process.exit() inside a main-thread task fails the task instead of ending the kernel. */
export function guardProcessExit(): void {
  if (guarded) return;
  guarded = true;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const sink = owningTask();
    if (!sink) return exit(code as number | undefined);
    const error = new TaskExit(Number(code ?? 0) || 0);
    error.taken = sink.fail(toErrorFields(error));
    // Like exit, nothing after the call may run; unlike exit, the rest of the notebook goes on.
    throw error;
  }) as typeof process.exit;
}

/**
 * For the kernel's uncaughtException and unhandledRejection handlers: an error that code a task
 * started let escape fails that task. False when no running task owns it, and the kernel shows it
 * as stray output instead.
 */
export function failOwningTask(thrown: unknown, how: "exception" | "rejection"): boolean {
  if (thrown instanceof TaskExit) return thrown.taken;
  const sink = owningTask();
  if (!sink) return false;
  const fields = toErrorFields(thrown);
  const where =
    how === "exception"
      ? "uncaught: thrown in a timer or callback, outside the task's await chain"
      : "unhandled rejection: a promise the task did not await";
  return sink.fail({ ...fields, evalue: `${fields.evalue} (${where})` });
}
