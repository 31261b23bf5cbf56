/**
 * The compiled files tests start as threads or processes. Tests run the TypeScript sources under
 * ts-jest, but a worker or a child process needs JavaScript, so they take it from `npm run build`.
 */
import { resolve } from "path";

const dist = resolve(__dirname, "../../dist");

export const BUILT_CLI = resolve(dist, "app/cli.js");
export const BUILT_TRANSPORT_WORKER = resolve(dist, "transport/transport-worker.js");
export const BUILT_TASK_WORKER = resolve(dist, "concurrency/worker/task-worker.js");

/** The kernel command as a kernelspec gives it, for `launchKernel({ argv })`. */
export function builtKernelArgv(): string[] {
  return [process.execPath, BUILT_CLI, "kernel", "{connection_file}"];
}
