/**
 * Runs one line on the main thread while cell code may be spinning there: the call that raises
 * the flag its loop checks read (runtime/loop-checks.ts). The inspector is the one
 * channel that reaches a busy JavaScript thread from another: its messages run at the thread's
 * next interrupt point, which every loop has. Only a flag is set; terminating the spinning code
 * the same way was tried and aborts the process when that code runs in a timer callback.
 */
import { Session } from "inspector";
import { logTransport } from "./log";
import { RAISE_LOOP_STOP } from "../shared/interrupt-gate";

const RAISE_SOURCE = `globalThis[Symbol.for(${JSON.stringify(RAISE_LOOP_STOP.description)})]?.()`;

export class MainThreadNudge {
  private session: Session | undefined;
  private failed = false;

  /** Ask the main thread's loop checks to look at the gate. */
  raiseLoopStop(): void {
    const session = this.connect();
    session?.post("Runtime.evaluate", { expression: RAISE_SOURCE }, (error) => {
      if (error) logTransport(`could not reach the main thread's loop checks: ${error.message}`);
    });
  }

  close(): void {
    this.session?.disconnect();
    this.session = undefined;
  }

  /** Connected on first use: a kernel that is never interrupted never opens an inspector session. */
  private connect(): Session | undefined {
    if (this.session || this.failed) return this.session;
    try {
      const session = new Session();
      session.connectToMainThread();
      this.session = session;
    } catch (error) {
      // A Node built without the inspector: loops after an await then only stop on restart.
      this.failed = true;
      logTransport(`no inspector to reach the main thread: ${(error as Error).message}`);
    }
    return this.session;
  }
}
