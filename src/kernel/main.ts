import * as path from "path";
import { readConnectionFile } from "../transport/connection";
import { startKernelTransport } from "../transport/kernel-transport";
import { createInterruptGate } from "../transport/interrupt-gate";
import { TypeScriptInterpreter } from "../interpreter/typescript-interpreter";
import { currentScope } from "../interpreter/runtime/cell-scope";
import { toErrorFields } from "../interpreter/runtime/error-fields";
import { Kernel } from "./kernel";
import { log } from "./log";

/** How long shutdown may take before the process ends regardless. */
const SHUTDOWN_GRACE_MS = 2000;

/** A kernel that cannot open its sockets has nothing to do: say why and end the process. */
async function startTransportOrExit(...args: Parameters<typeof startKernelTransport>) {
  try {
    return await startKernelTransport(...args);
  } catch (e) {
    log(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

/** `ts-concurrency-kernel kernel CONNECTION_FILE`: run until a shutdown_request or a signal. */
export async function runKernel(connectionFile: string): Promise<void> {
  const connection = readConnectionFile(path.resolve(connectionFile));
  const interruptGate = createInterruptGate();
  const interpreter = new TypeScriptInterpreter({ rootDir: process.cwd(), interruptGate });
  let kernel: Kernel | undefined;
  const transport = await startTransportOrExit(
    connection,
    {
      onMessage: (channel, envelope, delivery) => kernel?.receive(channel, envelope, delivery),
      onFatal: (error) => {
        log(`the transport thread died: ${error.message}`);
        process.exit(1);
      },
    },
    { interruptGate },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(code), SHUTDOWN_GRACE_MS).unref();
    await interpreter.shutdown().catch((e) => log(`interpreter shutdown: ${String(e)}`));
    await transport.close().catch((e) => log(`transport close: ${String(e)}`));
    process.exit(code);
  };

  kernel = new Kernel(interpreter, transport, { onShutdown: () => void stop(0), interruptGate });
  kernel.start();

  process.on("SIGINT", () => kernel?.interrupt());
  process.on("SIGTERM", () => void stop(0));
  // Code a cell started may fail long after the cell ended; say so in that cell, keep the kernel.
  const reportStray = (what: string) => (e: unknown) => {
    const scope = currentScope();
    const fields = toErrorFields(e);
    const text = `${what}: ${fields.traceback.join("\n")}\n`;
    if (scope) scope.output.stream("stderr", text);
    else log(text);
  };
  process.on("uncaughtException", reportStray("Uncaught exception"));
  process.on("unhandledRejection", reportStray("Unhandled promise rejection"));
}
