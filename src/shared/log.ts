import { writeSync } from "fs";

/**
 * The kernel's own diagnostics go straight to file descriptor 2: process.stderr is rerouted to
 * the running cell, and these lines are for whoever started the kernel, not for the notebook.
 */
/** A hostile peer can put megabytes in a message type or comm id; the log keeps only the start. */
const MAX_LOG_CHARS = 4000;

export function log(message: string): void {
  const line =
    message.length > MAX_LOG_CHARS
      ? `${message.slice(0, MAX_LOG_CHARS)}… (${message.length - MAX_LOG_CHARS} more characters)`
      : message;
  try {
    writeSync(2, `[ts-concurrency-kernel] ${line}\n`);
  } catch {
    // A closed stderr must not take the kernel down with it.
  }
}
