import { ChildProcess } from "child_process";

/** A kernel process the bench started itself, with the little it needs to stop it for sure. */
export interface Spawned {
  child: ChildProcess;
  /** Resolves when the process has exited (or could not be started). */
  exited: Promise<void>;
  hasExited(): boolean;
  /** The last few kilobytes the process wrote to stderr, for error messages. */
  stderr(): string;
}

const STDERR_TAIL = 4096;

/** Watches a freshly spawned child; a bench that dies early still takes the child down with it. */
export function watchSpawned(child: ChildProcess): Spawned {
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      gone = true;
      process.off("exit", killOnExit);
      resolve();
    };
    child.once("exit", done);
    child.once("error", done);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);

  let text = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    text = (text + chunk).slice(-STDERR_TAIL);
  });
  return { child, exited, hasExited: () => gone, stderr: () => text };
}

/** Waits up to `graceMs` for the process to exit on its own, then kills it; resolves once it is gone. */
export async function reap(spawned: Spawned, graceMs: number): Promise<void> {
  if (spawned.hasExited()) return;
  const timer = setTimeout(() => spawned.child.kill("SIGKILL"), graceMs);
  await spawned.exited;
  clearTimeout(timer);
}
