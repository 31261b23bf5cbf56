import { stripAnsi, wantsColor } from "../runner/ansi";
import { launchSession } from "../runner/launch-session";
import { runNotebookFile } from "../runner/run-file";
import { KernelSession } from "../runner/session";
import { parseArgs, stringFlag } from "./args";
import { UsageError } from "../errors";

const DEFAULT_TIMEOUT_SECONDS = 600;

export const RUN_USAGE = `Usage: ts-concurrency-kernel run NOTEBOOK.ipynb [--out FILE] [--timeout SEC]
                                                [--allow-errors] [--quiet]

Runs the notebook's code cells in order on a fresh kernel started in the notebook's folder, and
prints each cell with its outputs as it finishes. The notebook itself is not changed unless it is
also given as --out.

Options:
  --out FILE       Save the executed notebook (nbformat 4.5) to FILE, also when a cell fails.
                   Without --out nothing is written.
  --timeout SEC    Limit per cell in seconds (default ${DEFAULT_TIMEOUT_SECONDS}; 0 for none), not counting the
                   kernel's start-up. A cell over the limit is interrupted and counts as failed.
  --allow-errors   Run the remaining cells after a failed one and exit 0. A kernel that dies or
                   stops answering still ends the run.
  --quiet          Print only failures.
  --help           Show this help

Exit status: 0 if every cell ran (or --allow-errors), 1 if a cell failed, 2 for a usage error,
130 after Ctrl-C.`;

export async function runCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(
    {
      command: "run",
      flags: {
        "--out": { value: "FILE" },
        "--timeout": { value: "SEC" },
        "--allow-errors": "boolean",
        "--quiet": "boolean",
      },
    },
    argv,
  );
  if (args.help) {
    console.log(RUN_USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) {
    const got = args.positionals.length === 0 ? "none" : args.positionals.join(" ");
    throw new UsageError(`"run" takes exactly one notebook file, got: ${got}. See ts-concurrency-kernel run --help.`);
  }
  const quiet = args.flags.has("--quiet");
  const allowErrors = args.flags.has("--allow-errors");
  const errColor = wantsColor(process.stderr, process.env);
  const warn = (text: string) => process.stderr.write(errColor ? text : stripAnsi(text));

  const interrupts = new InterruptHandler(warn);
  try {
    const result = await runNotebookFile({
      notebookPath: args.positionals[0],
      outPath: stringFlag(args, "--out"),
      timeoutMs: timeoutSeconds(stringFlag(args, "--timeout")) * 1000,
      allowErrors,
      quiet,
      color: wantsColor(process.stdout, process.env),
      print: (text) => process.stdout.write(text),
      warn,
      signal: interrupts.signal,
      startKernel: launchSession,
      onSession: (session) => interrupts.attach(session),
    });
    const failed = result.failures.length;
    if (!quiet) {
      const seconds = (result.elapsedMs / 1000).toFixed(1);
      const failures = failed === 0 ? "" : `, ${failed} failed`;
      warn(`Ran ${result.executed} code cell${result.executed === 1 ? "" : "s"} in ${seconds} s${failures}.\n`);
    }
    if (result.written) warn(`Wrote ${result.written}\n`);
    if (result.cancelled) return 130;
    if (failed === 0) return 0;
    return allowErrors && !result.failures.some((f) => f.fatal) ? 0 : 1;
  } finally {
    interrupts.detach();
  }
}

/** `--timeout` in seconds; 0 turns the limit off. */
function timeoutSeconds(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`--timeout needs a number of seconds (0 for no limit), got "${value}".`);
  }
  return seconds;
}

/**
 * First Ctrl-C: interrupt the running cell and stop after it, so the kernel is shut down cleanly and
 * --out still gets written. Second Ctrl-C: kill the kernel and leave at once.
 */
class InterruptHandler {
  private readonly controller = new AbortController();
  private session?: KernelSession;
  private readonly onSignal = () => {
    if (this.controller.signal.aborted) {
      this.session?.kill();
      process.exit(130);
    }
    this.warn("\nInterrupting the running cell; press Ctrl-C again to stop at once.\n");
    this.controller.abort();
  };

  constructor(private readonly warn: (text: string) => void) {
    process.on("SIGINT", this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  attach(session: KernelSession): void {
    this.session = session;
  }

  detach(): void {
    process.off("SIGINT", this.onSignal);
  }
}
