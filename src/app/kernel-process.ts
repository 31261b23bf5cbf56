/**
 * The kernel process: reads the connection file, starts the transport, the interpreter and the core,
 * and is the one place that changes the Node process itself (every hook below says why). Modules
 * only export what to install; nothing they do on import reaches beyond them.
 */
import * as path from "path";
import { readConnectionFile } from "../protocol/connection";
import { startKernelTransport } from "../transport/kernel-transport";
import { createInterruptGate, InterruptGate } from "../shared/interrupt-gate";
import { TypeScriptInterpreter } from "../interpreter/typescript-interpreter";
import { currentScope } from "../runtime/cell-scope";
import { toErrorFields } from "../runtime/error-fields";
import { installCellStackTraces } from "../runtime/cell-positions";
import { captureProcessOutput } from "../runtime/output-capture";
import { installCellGlobals } from "../runtime/cell-globals";
import { installLoopChecks } from "../runtime/loop-checks";
import { compileLoopsInPlace } from "../runtime/steady-tiering";
import { failOwningTask, guardProcessExit } from "../concurrency/executors/main-thread-faults";
import { Kernel } from "../kernel/kernel";
import { log } from "../shared/log";

/** How long shutdown may take before the process ends regardless: clients expect a kernel gone within 2 s. */
const SHUTDOWN_GRACE_MS = 1500;
/** How long an orphaned kernel may take to shut down before its watcher kills it. */
const ORPHAN_GRACE_MS = 1000;

/** A kernel that cannot open its sockets has nothing to do: say why and end the process. */
async function startTransportOrExit(...args: Parameters<typeof startKernelTransport>) {
  try {
    return await startKernelTransport(...args);
  } catch (e) {
    log(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

/** What cell code needs of the process it runs in; the signal and error handlers are in runKernel. */
function installCellHooks(interruptGate: InterruptGate): void {
  // Error.prepareStackTrace: a stack through cell code names the cell and line, not the compiled script.
  installCellStackTraces();
  // process.stdout/stderr.write: what a cell prints (console.log included) belongs in that cell's output.
  captureProcessOutput();
  // Globals: display(), sleep(), input() … for plain JS modules a cell requires, as cells have them.
  installCellGlobals();
  // Globals: the loop checks compiled into cells; the transport thread marks the gate to stop a spinning loop.
  installLoopChecks(interruptGate);
  // process.exit: inside a %%serial/%%async task it fails that task instead of ending the kernel.
  guardProcessExit();
  // V8: a cell's hot loop is compiled on the thread that runs it, so it never spins unoptimised
  // for a second while its compiled code waits (shared with the task threads this process starts).
  compileLoopsInPlace();
}

/** `ts-concurrency-kernel kernel CONNECTION_FILE`: run until a shutdown_request or a signal. */
export async function runKernel(connectionFile: string): Promise<void> {
  // The kernel's own exits, taken before anything can stand in for process.exit inside a task.
  const exit = process.exit.bind(process);
  const connection = readConnectionFile(path.resolve(connectionFile));
  const interruptGate = createInterruptGate();
  installCellHooks(interruptGate);
  const interpreter = new TypeScriptInterpreter({
    rootDir: process.cwd(),
    interruptGate,
    // The compiler starts from a startup snapshot in the user's cache folder, built by an earlier
    // kernel (issue 12); TS_CONCURRENCY_KERNEL_SNAPSHOT=0 keeps it on a thread of this process.
    compiler: { snapshot: process.env.TS_CONCURRENCY_KERNEL_SNAPSHOT !== "0", log },
  });
  let kernel: Kernel | undefined;
  const transport = await startTransportOrExit(
    connection,
    {
      onMessage: (channel, envelope, delivery) => kernel?.receive(channel, envelope, delivery),
      onFatal: (error) => {
        log(`the transport thread died: ${error.message}`);
        exit(1);
      },
    },
    {
      interruptGate,
      // A kernel whose Jupyter server has died has nobody to answer: it goes, and takes its workers along.
      watchParent: {
        graceMs: ORPHAN_GRACE_MS,
        onOrphaned: () => {
          log("the process that started the kernel has gone; shutting down");
          void stop(0);
        },
      },
    },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => exit(code), SHUTDOWN_GRACE_MS).unref();
    // Side by side: the replies are already on the wire, and the sockets must be closed before any
    // exit, the grace exit included. An exit while a ZeroMQ socket is open on the transport thread
    // aborts the process (SIGABRT, "terminate called after throwing an instance of 'Napi::Error'"),
    // and stopping a compiler thread that is still loading TypeScript can outlast the grace on a busy machine.
    await Promise.all([
      interpreter.shutdown().catch((e) => log(`interpreter shutdown: ${String(e)}`)),
      transport.close().catch((e) => log(`transport close: ${String(e)}`)),
    ]);
    exit(code);
  };

  kernel = new Kernel(interpreter, transport, { onShutdown: () => void stop(0), interruptGate });
  kernel.start();

  // SIGINT is an interrupt: Jupyter sends it (interrupt_mode "signal"), and the transport thread
  // raises it for an interrupt_request (transport-worker.ts), so vm's breakOnSigint stops the cell.
  process.on("SIGINT", () => kernel?.interrupt());
  // SIGTERM ends the kernel as a shutdown_request would: sockets closed, workers stopped.
  process.on("SIGTERM", () => void stop(0));
  // Code a cell started may fail long after the cell ended; say so in that cell, keep the kernel.
  // If a concurrency task started it and is still running, the failure is that task's.
  const reportStray = (what: string, how: "exception" | "rejection") => (e: unknown) => {
    if (failOwningTask(e, how)) return;
    const scope = currentScope();
    const fields = toErrorFields(e);
    const text = `${what}: ${fields.traceback.join("\n")}\n`;
    if (scope) scope.output.stream("stderr", text);
    else log(text);
  };
  process.on("uncaughtException", reportStray("Uncaught exception", "exception"));
  process.on("unhandledRejection", reportStray("Unhandled promise rejection", "rejection"));
}
