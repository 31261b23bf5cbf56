/**
 * The program every pool worker runs, as a worker thread or as a forked child process. It
 * re-creates the notebook names a task needs, runs the task body, and reports output and the
 * result through the one port it has, in order: every line a task prints arrives before its "done".
 */
import { parentPort, threadId, workerData } from "worker_threads";
import { runInThisContext } from "vm";
import { writeSync } from "fs";
import { CapturedName, FromWorker, TaskInput, TaskProgram, ToWorker } from "../task-protocol";
import { clockNs, threadCpuMs } from "../cpu-clock";
import { toErrorFields } from "../../interpreter/runtime/error-fields";
import { sleep, sleepSync } from "../../interpreter/runtime/sleep";
import { TaskOutputSender } from "../task-output";
import { ByteBudget } from "../../transport/byte-budget";
import { watchParent } from "../parent-watch";
import { installLoopChecks } from "../../interpreter/runtime/loop-checks";
import { cellPositions, installCellStackTraces } from "../../interpreter/runtime/cell-positions";

// Task errors go back to the kernel as text: their frames must already name cell lines.
installCellStackTraces();
// Cell code carries loop checks, whose names must exist here; workers are stopped by other means,
// so nothing raises their flag and they cost nothing.
installLoopChecks();

/** The kernel API inside a worker: waiting works as in a cell; showing and asking belong to the notebook. */
const notInWorker = (name: string) => () => {
  throw new Error(`${name}() is not available inside a worker task: return a value or print with console.log instead`);
};
const WORKER_API: Record<string, unknown> = {
  sleep,
  sleepSync,
  display: Object.assign(notInWorker("display"), {}),
  clearOutput: notInWorker("clearOutput"),
  input: notInWorker("input"),
  password: notInWorker("password"),
};

interface Port {
  post(message: FromWorker): void;
  onMessage(listener: (message: ToWorker) => void): void;
  /** Post a last message and end the worker once it has been handed over. */
  postAndLeave(message: FromWorker, code: number): void;
}

const realExit = process.exit.bind(process) as (code?: number) => never;
/** How long a child waits for its last messages to leave before it exits regardless. */
const FLUSH_LIMIT_MS = 1000;

function openPort(): Port {
  if (parentPort) {
    const p = parentPort;
    // Whatever a thread posted before it exits is still delivered, so it may leave at once.
    return {
      post: (m) => p.postMessage(m),
      onMessage: (l) => p.on("message", l),
      postAndLeave: (m, code) => {
        p.postMessage(m);
        realExit(code);
      },
    };
  }
  if (!process.send) throw new Error("task-worker must run as a worker thread or a forked child");
  // A child whose kernel is gone has nobody to work for. A busy child cannot hear the channel
  // close, so a watcher thread also ends it once the kernel is no longer its parent.
  process.on("disconnect", () => realExit(0));
  watchParent({ graceMs: 0 });
  const send = process.send.bind(process) as (m: unknown, handle?: undefined, options?: object, cb?: () => void) => boolean;
  return {
    post: (m) => send(m),
    onMessage: (l) => process.on("message", l),
    postAndLeave: (m, code) => {
      if (!process.connected) realExit(code);
      // IPC writes are asynchronous: exiting before they drain would lose the message that says why.
      send(m, undefined, {}, () => realExit(code));
      setTimeout(() => realExit(code), FLUSH_LIMIT_MS);
    },
  };
}

const port = openPort();
const output = new TaskOutputSender(
  (id, name, text) => port.post({ type: "output", id, name, text }),
  (workerData as { outputBudget?: ByteBudget } | null)?.outputBudget,
);
/** The task running now. */
let current: number | undefined;
/**
 * The last task this worker started. Without async hooks (which make every await several times
 * slower) the worker cannot tell whose callback is running: the running task is the best guess,
 * and when none is, callbacks still firing were left behind by the last one.
 */
let last: number | undefined;

function owner(): number | undefined {
  return current ?? last;
}

/**
 * Thrown out of process.exit() in a child process, which must wait for its last message to leave:
 * the caller stops here meanwhile. (A thread has already stopped by the time this would be thrown.)
 */
class WorkerExiting extends Error {}

process.exit = ((code?: number | string | null) => {
  const status = Number(code ?? process.exitCode ?? 0) || 0;
  output.flush();
  port.postAndLeave({ type: "exiting", id: owner() ?? null, code: status }, status);
  throw new WorkerExiting(`process.exit(${status})`);
}) as typeof process.exit;

/** An error nobody awaited fails the task it came from; if that task is still running, its worker goes too. */
function fault(thrown: unknown, how: "exception" | "rejection"): void {
  if (thrown instanceof WorkerExiting) return;
  const id = owner();
  const fields = toErrorFields(thrown);
  if (id === undefined) {
    writeSync(2, `task worker: ${fields.traceback.join("\n")}\n`);
    return;
  }
  const where =
    how === "exception"
      ? "uncaught: thrown in a timer or callback, outside the task's await chain"
      : "unhandled rejection: a promise the task did not await";
  const retiring = id === current;
  const message: FromWorker = { type: "fault", id, error: { ...fields, evalue: `${fields.evalue} (${where})` }, at: clockNs(), retiring };
  output.flush();
  if (retiring) port.postAndLeave(message, 1);
  else port.post(message);
}
process.on("uncaughtException", (e) => fault(e, "exception"));
process.on("unhandledRejection", (reason) => fault(reason, "rejection"));

function reroute(stream: NodeJS.WriteStream, name: "stdout" | "stderr"): void {
  const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    const id = owner();
    if (id === undefined) return original(chunk, encoding, cb);
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
    const done = typeof encoding === "function" ? encoding : cb;
    output.write(id, name, text, typeof done === "function" ? (done as () => void) : undefined);
    return true;
  }) as typeof stream.write;
}
reroute(process.stdout, "stdout");
reroute(process.stderr, "stderr");

function load(c: Extract<CapturedName, { kind: "import" }>): unknown {
  const mod = require(c.specifier) as Record<string, unknown>;
  const esm = mod !== null && typeof mod === "object" && mod.__esModule === true;
  if (c.binding === "require") return mod;
  if (c.binding === "default") return esm ? mod.default : mod;
  if (c.binding === "namespace") return esm ? mod : { ...mod, default: mod };
  return mod[c.binding.named];
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** Build the task function in a fresh scope holding copies of the names it reads. */
function instantiate(program: TaskProgram): (task: unknown) => unknown {
  const exportsObject: Record<string, unknown> = { ...WORKER_API };
  const locals: string[] = [];
  const assignments: string[] = [];
  for (const c of program.names) {
    if (!IDENT.test(c.name)) throw new Error(`cannot re-create notebook name '${c.name}'`);
    locals.push(c.name);
    if (c.kind === "function") {
      assignments.push(`${c.name} = exports.${c.name} = (${c.source});`);
    } else {
      exportsObject[c.name] = c.kind === "import" ? load(c) : c.value;
      assignments.push(`${c.name} = exports.${c.name};`);
    }
  }
  const source = [
    locals.length ? `let ${locals.join(", ")};` : "",
    ...assignments,
    program.js,
    `return exports[${JSON.stringify(program.bodyVar)}];`,
  ].join("\n");
  const script = `(function (exports, require) {${source}\n})`;
  if (program.positions) cellPositions.register(program.filename, program.positions, script, script.indexOf(program.js));
  // Compiled under the cell's name, so a task's stack frames say where in the cell it failed.
  const factory = runInThisContext(script, { filename: program.filename, displayErrors: false }) as (e: unknown, r: NodeJS.Require) => unknown;
  const body = factory(exportsObject, require);
  if (typeof body !== "function") throw new Error("the task body did not compile to a function");
  return body as (task: unknown) => unknown;
}

async function run(id: number, input: TaskInput, program: TaskProgram): Promise<void> {
  // Stopping a task kills its worker, so this signal only ever aborts with the worker itself.
  const abort = new AbortController();
  current = last = id;
  const cpu0 = threadCpuMs();
  port.post({ type: "started", id, at: clockNs() });
  const cpu = () => {
    const c1 = threadCpuMs();
    return cpu0 === null || c1 === null ? null : c1 - cpu0;
  };
  try {
    const body = instantiate(program);
    const value = await body({ ...input, signal: abort.signal });
    const done: FromWorker = { type: "done", id, value, at: clockNs(), cpu_ms: cpu() };
    output.flush();
    try {
      port.post(done);
    } catch (e) {
      port.post({
        type: "failed",
        id,
        at: done.at,
        cpu_ms: done.cpu_ms,
        error: {
          ename: "DataCloneError",
          evalue: `task ${input.i} returned a value that cannot be sent back to the notebook: ${e instanceof Error ? e.message : String(e)}`,
          traceback: [],
        },
      });
    }
  } catch (e) {
    const failed: FromWorker = { type: "failed", id, error: toErrorFields(e), at: clockNs(), cpu_ms: cpu() };
    output.flush();
    port.post(failed);
  } finally {
    if (current === id) current = undefined;
  }
}

port.onMessage((m) => void run(m.id, m.task, m.program));

port.post({ type: "ready", where: parentPort ? `thread ${threadId}` : `pid ${process.pid}` });
