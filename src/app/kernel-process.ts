/**
 * The kernel process: reads the connection file, starts the transport, the interpreter and the core,
 * and is the one place that changes the Node process itself (every hook below says why). Modules
 * only export what to install; nothing they do on import reaches beyond them.
 */
import * as path from "path";
import { readConnectionFile } from "../protocol/connection";
import { startKernelTransport } from "../transport/kernel-transport";
import { createInterruptGate, InterruptGate } from "../shared/interrupt-gate";
import type { Kernel } from "../kernel/kernel";
import type { Envelope } from "../protocol/message";
import type { Delivery, IncomingChannel } from "../protocol/transport-contract";
import { log } from "../shared/log";

/**
 * Everything else the kernel runs on, loaded while the transport thread starts: about 65 ms of
 * modules on the main thread that the sockets no longer wait for (issue 12: launch → kernel_info).
 */
async function loadKernelModules() {
  const [interpreter, scope, tracking, errors, positions, output, globals, loops, tiering, faults, core] =
    await Promise.all([
      import("../interpreter/typescript-interpreter"),
      import("../runtime/cell-scope"),
      import("../runtime/scope-tracking"),
      import("../runtime/error-fields"),
      import("../runtime/cell-positions"),
      import("../runtime/output-capture"),
      import("../runtime/cell-globals"),
      import("../runtime/loop-checks"),
      import("../runtime/steady-tiering"),
      import("../concurrency/executors/main-thread-faults"),
      import("../kernel/kernel"),
    ]);
  return { interpreter, scope, tracking, errors, positions, output, globals, loops, tiering, faults, core };
}
type KernelModules = Awaited<ReturnType<typeof loadKernelModules>>;

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
function installCellHooks(m: KernelModules, interruptGate: InterruptGate): void {
  // Node 20 and 22: V8's promise hooks off (every await pays for them), and Promise.prototype.then,
  // process.domain and a global keeper that compiled cells call carry each cell's scope instead.
  m.tracking.trackCellScopes();
  // Error.prepareStackTrace: a stack through cell code names the cell and line, not the compiled script.
  m.positions.installCellStackTraces();
  // process.stdout/stderr.write: what a cell prints (console.log included) belongs in that cell's output.
  m.output.captureProcessOutput();
  // Globals: display(), sleep(), input() … for plain JS modules a cell requires, as cells have them.
  m.globals.installCellGlobals();
  // Globals: the loop checks compiled into cells; the transport thread marks the gate to stop a spinning loop.
  m.loops.installLoopChecks(interruptGate);
  // process.exit: inside a %%serial/%%async task it fails that task instead of ending the kernel.
  m.faults.guardProcessExit();
  // V8: a cell's hot loop is compiled on the thread that runs it, so it never spins unoptimised
  // for a second while its compiled code waits (shared with the task threads this process starts).
  m.tiering.compileLoopsInPlace();
}

/** `ts-concurrency-kernel kernel CONNECTION_FILE`: run until a shutdown_request or a signal. */
export async function runKernel(connectionFile: string): Promise<void> {
  // The kernel's own exits, taken before anything can stand in for process.exit inside a task.
  const exit = process.exit.bind(process);
  const connection = readConnectionFile(path.resolve(connectionFile));
  const interruptGate = createInterruptGate();
  // Until the kernel exists, requests wait here in order (a client may ask as soon as the sockets listen).
  let kernel: Kernel | undefined;
  const early: [IncomingChannel, Envelope, Delivery | undefined][] = [];
  // Until there is something to stop, stopping is exiting.
  let stop = async (code: number): Promise<void> => exit(code);
  // Started first: the transport thread binds the sockets while this thread loads the rest.
  const transportStarted = startTransportOrExit(
    connection,
    {
      onMessage: (channel, envelope, delivery) =>
        kernel ? kernel.receive(channel, envelope, delivery) : early.push([channel, envelope, delivery]),
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
  const m = await loadKernelModules();
  installCellHooks(m, interruptGate);
  const interpreter = new m.interpreter.TypeScriptInterpreter({
    rootDir: process.cwd(),
    interruptGate,
    // The compiler starts from a startup snapshot in the user's cache folder, built by an earlier
    // kernel (issue 12); TS_CONCURRENCY_KERNEL_SNAPSHOT=0 keeps it on a thread of this process.
    compiler: { snapshot: process.env.TS_CONCURRENCY_KERNEL_SNAPSHOT !== "0", log },
  });
  const transport = await transportStarted;

  let stopping = false;
  stop = async (code: number) => {
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

  kernel = new m.core.Kernel(interpreter, transport, { onShutdown: () => void stop(0), interruptGate });
  kernel.start();
  for (const [channel, envelope, delivery] of early.splice(0)) kernel.receive(channel, envelope, delivery);

  // SIGINT is an interrupt: Jupyter sends it (interrupt_mode "signal"), and the transport thread
  // raises it for an interrupt_request (transport-worker.ts), so vm's breakOnSigint stops the cell.
  process.on("SIGINT", () => kernel?.interrupt());
  // SIGTERM ends the kernel as a shutdown_request would: sockets closed, workers stopped.
  process.on("SIGTERM", () => void stop(0));
  // Code a cell started may fail long after the cell ended; say so in that cell, keep the kernel.
  // If a concurrency task started it and is still running, the failure is that task's.
  const reportStray = (what: string, how: "exception" | "rejection") => (e: unknown) => {
    if (m.faults.failOwningTask(e, how)) return;
    const scope = m.scope.currentScope();
    const fields = m.errors.toErrorFields(e);
    const text = `${what}: ${fields.traceback.join("\n")}\n`;
    if (scope) scope.output.stream("stderr", text);
    else log(text);
  };
  process.on("uncaughtException", reportStray("Uncaught exception", "exception"));
  process.on("unhandledRejection", reportStray("Unhandled promise rejection", "rejection"));
}
