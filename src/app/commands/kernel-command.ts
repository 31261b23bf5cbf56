import * as fs from "node:fs";
import { UsageError } from "../errors";
import { enableModuleCompileCache } from "../module-compile-cache";

export const KERNEL_USAGE = `Usage: ts-concurrency-kernel kernel CONNECTION_FILE

Starts the kernel on the ports and key in CONNECTION_FILE and serves until it is shut down.
Jupyter runs this through the installed kernelspec; you rarely need it yourself.
Arguments after CONNECTION_FILE are ignored.`;

export async function kernelCommand(argv: readonly string[]): Promise<number> {
  const [file] = argv;
  if (file === "--help" || file === "-h") {
    console.log(KERNEL_USAGE);
    return 0;
  }
  if (file === undefined || file.startsWith("-")) {
    throw new UsageError(`"kernel" needs a connection file as its first argument.\n\n${KERNEL_USAGE}`);
  }
  if (!fs.existsSync(file)) throw new UsageError(`Connection file not found: ${file}`);
  // Before the kernel's modules load, so that they are the ones cached (issue 12).
  enableModuleCompileCache();
  // Loaded only here: the kernel pulls in the TypeScript compiler and ZeroMQ, which install and run do not need.
  const { runKernel } = await import("../kernel-process");
  await runKernel(file);
  return 0;
}
