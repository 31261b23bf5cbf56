import { existsSync, readFileSync } from "fs";
import { dirname, join, resolve } from "path";

/** A kernel under test: how to start it, and how to speak of it in the table. */
export interface BenchKernel {
  /** Short name used in progress lines and table headers. */
  name: string;
  /** The command, with `{connection_file}` where the connection file's path goes. */
  argv: string[];
  /** How the kernel's own kernelspec asks for interrupts, which decides the fallback the bench may try. */
  interruptMode: "message" | "signal";
}

export function ourKernel(): BenchKernel {
  const cli = resolve(__dirname, "../app/cli.js");
  if (!existsSync(cli)) throw new Error(`kernel entry point ${cli} not found; run "npm run build" first`);
  return {
    name: "ts-concurrency-kernel",
    argv: [process.execPath, cli, "kernel", "{connection_file}"],
    interruptMode: "message",
  };
}

/** tslab's kernelspec runs `tslab kernel --config-path {connection_file}` and, naming no interrupt mode, gets signals. */
export function tslabKernel(): BenchKernel {
  const packageDir = dirname(require.resolve("tslab/package.json"));
  return {
    name: `tslab ${tslabVersion(packageDir)}`,
    argv: [process.execPath, join(packageDir, "bin", "tslab"), "kernel", "--config-path", "{connection_file}"],
    interruptMode: "signal",
  };
}

function tslabVersion(packageDir: string): string {
  return (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;
}
