import { launchKernel, LaunchOptions, RunningKernel } from "../../client/launch";
import { CliError } from "../errors";
import { IopubMessage } from "./collect-outputs";
import { ExecuteReply, KernelSession, RunningExecution } from "./session";

/**
 * The client's own request timeout is set out of reach (the largest delay a Node timer takes):
 * the runner applies `--timeout` itself, with an interrupt first, and a cell may rightly run for hours.
 */
const NO_CLIENT_TIMEOUT_MS = 2 ** 31 - 1;
const INTERRUPT_REPLY_TIMEOUT_MS = 5_000;
const WARM_UP_TIMEOUT_MS = 120_000;
const STDERR_TAIL_LINES = 20;

/**
 * Starts the kernel with `cwd` as its working directory, so relative paths in cells mean the
 * notebook's folder. `options` can name another kernel command (as a kernelspec's argv would).
 */
export async function launchSession(cwd: string, options: Omit<LaunchOptions, "cwd"> = {}): Promise<KernelSession> {
  try {
    return new LaunchedSession(await launchKernel({ ...options, cwd }));
  } catch (e) {
    throw new CliError(`Could not start the kernel: ${(e as Error).message}`);
  }
}

class LaunchedSession implements KernelSession {
  constructor(private readonly kernel: RunningKernel) {}

  execute(code: string): RunningExecution {
    const { client } = this.kernel;
    // The runner sends one request at a time, so every execute-parented message seen from now on is this cell's.
    const received: IopubMessage[] = [];
    const unsubscribe = client.onIopub((message) => {
      const parent = message.parent_header as { msg_type?: string; session?: string };
      if (parent.msg_type === "execute_request" && parent.session === client.identity.session) received.push(message);
    });
    const result = client
      .execute(code, { store_history: true, allow_stdin: false, stop_on_error: true, timeoutMs: NO_CLIENT_TIMEOUT_MS })
      .then(
        ({ reply, iopub }) => ({ reply: reply.content as unknown as ExecuteReply, iopub }),
        (e: unknown) => {
          throw new Error(`${(e as Error).message}${this.stderrTail()}`);
        },
      )
      .finally(unsubscribe);
    return { result, received: () => [...received] };
  }

  async warmUp(): Promise<void> {
    // A silent, empty cell: it goes through the kernel's whole execute path but adds no history,
    // no execution count and no output.
    try {
      await this.kernel.client.execute("", {
        silent: true,
        store_history: false,
        allow_stdin: false,
        stop_on_error: false,
        timeoutMs: WARM_UP_TIMEOUT_MS,
      });
    } catch (e) {
      throw new CliError(`The kernel started but could not run code: ${(e as Error).message}${this.stderrTail()}`);
    }
  }

  async interrupt(): Promise<void> {
    await this.kernel.client.request(
      "control",
      "interrupt_request",
      {},
      {
        awaitIdle: false,
        timeoutMs: INTERRUPT_REPLY_TIMEOUT_MS,
      },
    );
  }

  async languageInfo(): Promise<Record<string, unknown> | undefined> {
    const info = this.kernel.client.kernelInfo?.content.language_info;
    return typeof info === "object" && info !== null ? (info as Record<string, unknown>) : undefined;
  }

  stop(): Promise<void> {
    return this.kernel.stop();
  }

  kill(): void {
    this.kernel.child.kill("SIGKILL");
  }

  /** What the kernel said last on stderr: usually why it died. */
  private stderrTail(): string {
    const lines = this.kernel.stderr().trimEnd().split("\n").slice(-STDERR_TAIL_LINES);
    return lines.join("").trim() === "" ? "" : `; kernel stderr:\n${lines.join("\n")}`;
  }
}
