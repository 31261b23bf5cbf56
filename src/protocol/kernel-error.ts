import { ErrorFields } from "./content";

/**
 * What the kernel itself refuses or fails at, as opposed to what a cell's own code throws:
 * `usage` a magic line or flag value it cannot accept, `capture` a notebook name a worker cannot
 * get a copy of, `internal` a fault in the kernel.
 */
export type KernelErrorCode = "usage" | "capture" | "internal";

/** A failure the kernel reports in its own words; `detail` adds traceback lines under the headline. */
export class KernelError extends Error {
  constructor(
    readonly code: KernelErrorCode,
    name: string,
    message: string,
    readonly detail: string[] = [],
  ) {
    super(message);
    this.name = name;
  }

  toErrorFields(): ErrorFields {
    return { ename: this.name, evalue: this.message, traceback: [`${this.name}: ${this.message}`, ...this.detail] };
  }
}

/**
 * The error content for anything that escaped to the kernel core: a KernelError says itself;
 * anything else is a fault in the kernel, and the notebook says so (its stack goes to the log).
 * `doing` is what the kernel was at, as the learner would put it.
 */
export function toErrorContent(thrown: unknown, doing = "running this cell"): ErrorFields {
  if (thrown instanceof KernelError) return thrown.toErrorFields();
  const what = describe(thrown);
  return new KernelError("internal", "InternalError", `the kernel failed while ${doing}: ${what}`, [
    "This is a fault in the kernel, not in your code. The kernel is still running; its log has the stack.",
  ]).toErrorFields();
}

function describe(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
    return String(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}
