import { writeSync } from "fs";

/**
 * The kernel's own diagnostics go straight to file descriptor 2: process.stderr is rerouted to
 * the running cell, and these lines are for whoever started the kernel, not for the notebook.
 */
export function log(message: string): void {
  try {
    writeSync(2, `[ts-concurrency-kernel] ${message}\n`);
  } catch {
    // A closed stderr must not take the kernel down with it.
  }
}
