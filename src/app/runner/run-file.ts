import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../errors";
import { DEFAULT_DISPLAY_NAME, DEFAULT_KERNEL_NAME } from "../install/kernelspec";
import { Notebook } from "./nbformat";
import { parseNotebook } from "./read-notebook";
import { runNotebook, RunOptions, RunResult } from "./run-notebook";
import { KernelSession } from "./session";
import { serializeNotebook } from "./write-notebook";

export interface RunFileOptions extends RunOptions {
  notebookPath: string;
  /** Where to write the executed notebook; nothing is written without it. */
  outPath?: string;
  startKernel(cwd: string): Promise<KernelSession>;
  /** Called once the kernel is up, so Ctrl-C can reach it. */
  onSession?(session: KernelSession): void;
}

export interface RunFileResult extends RunResult {
  elapsedMs: number;
  /** The file written, if any. */
  written?: string;
}

/** Reads the notebook, runs it on a kernel started in its folder, always stops that kernel, and saves the result. */
export async function runNotebookFile(options: RunFileOptions): Promise<RunFileResult> {
  const notebookPath = path.resolve(options.notebookPath);
  const notebook = parseNotebook(readText(notebookPath), options.notebookPath);
  if (options.outPath !== undefined) checkOutputFolder(options.outPath);
  const started = Date.now();
  const session = await options.startKernel(path.dirname(notebookPath));
  let result: RunResult;
  try {
    options.onSession?.(session);
    describeKernel(notebook, await session.languageInfo().catch(() => undefined));
    await untilAborted(session.warmUp(), options.signal);
    result = await runNotebook(notebook, session, options);
  } finally {
    await session.stop();
  }
  const elapsedMs = Date.now() - started;
  if (options.outPath === undefined) return { ...result, elapsedMs };
  const written = path.resolve(options.outPath);
  try {
    fs.writeFileSync(written, serializeNotebook(notebook));
  } catch (e) {
    throw new CliError(`Could not write ${options.outPath}: ${(e as Error).message}`);
  }
  return { ...result, elapsedMs, written };
}

/** Waits for `work`, or less if the user presses Ctrl-C (the run then stops before its first cell). */
function untilAborted(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Records which kernel ran the notebook; a kernelspec the notebook already names is left as the user chose it. */
function describeKernel(notebook: Notebook, languageInfo: Record<string, unknown> | undefined): void {
  notebook.metadata.kernelspec ??= {
    name: DEFAULT_KERNEL_NAME,
    display_name: DEFAULT_DISPLAY_NAME,
    language: "typescript",
  };
  if (languageInfo) notebook.metadata.language_info = languageInfo;
}

/** Fails before the run, not after an hour of computing, when the result could not be saved. */
function checkOutputFolder(outPath: string): void {
  const folder = path.dirname(path.resolve(outPath));
  if (!fs.existsSync(folder)) throw new CliError(`Cannot write ${outPath}: the folder ${folder} does not exist.`);
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (e as Error).message;
    throw new CliError(`Cannot read notebook ${file}: ${reason}.`);
  }
}
