import { Replies } from "../../protocol/content";
import { IopubMessage } from "./collect-outputs";

export type ExecuteReply = Replies["execute_reply"];

export interface ExecuteOutcome {
  reply: ExecuteReply;
  /** The iopub messages parented to the request, in arrival order, up to its idle status. */
  iopub: IopubMessage[];
}

export interface RunningExecution {
  /** Settles after both the reply and the idle status; rejects if the kernel goes away. */
  result: Promise<ExecuteOutcome>;
  /** What has arrived so far: all that is left of a cell whose kernel never answers. */
  received(): IopubMessage[];
}

/**
 * The running kernel as the notebook runner needs it. Narrower than the client on purpose: the runner
 * is tested against a fake of this, and only `launch-session.ts` knows about sockets and processes.
 */
export interface KernelSession {
  /** Runs one cell the way a notebook does: stored in history, no stdin, stop on error. */
  execute(code: string): RunningExecution;
  /**
   * Resolves once the kernel can run code. A kernel may answer kernel_info before its compiler has
   * loaded; waiting here keeps that start-up time out of the first cell's timeout.
   */
  warmUp(): Promise<void>;
  interrupt(): Promise<void>;
  /** The kernel's `language_info`, for the saved notebook's metadata. */
  languageInfo(): Promise<Record<string, unknown> | undefined>;
  /** Shuts the kernel down and waits until its process has exited. */
  stop(): Promise<void>;
  /** Last resort that cannot wait: kill the kernel process now. */
  kill(): void;
}
