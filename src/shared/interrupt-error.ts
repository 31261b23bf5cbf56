/**
 * What a cell sees when the user interrupts it: the same name as Python's exception, because
 * that is what notebook users and front ends already recognise.
 */
export class KeyboardInterrupt extends Error {
  constructor(message = "Interrupted by the user") {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

/** Thrown where cell code was running (a loop check), so its traceback says where it stopped. */
export class KeyboardInterruptInCell extends KeyboardInterrupt {}

export function isVmInterrupt(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
}
