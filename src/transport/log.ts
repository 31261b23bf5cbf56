import { writeSync } from "fs";

/**
 * Diagnostics go straight to file descriptor 2: a worker thread's `process.stderr` is relayed
 * through the main thread, which may be stuck in user code exactly when the message matters.
 */
export function logTransport(message: string): void {
  try {
    writeSync(2, `[ts-concurrency-kernel transport] ${message}\n`);
  } catch {
    // stderr is closed or full; there is nowhere left to report to.
  }
}
