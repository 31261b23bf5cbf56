/**
 * The program every pool worker runs, as a worker thread or as a forked child process. It keeps
 * each running cell's program (compiled once), runs its tasks, and reports output and the result
 * through the one port it has, in order: every line a task prints arrives before its "done".
 */
import { parentPort, threadId, workerData } from "worker_threads";
import { writeSync } from "fs";
import { FromWorker, Reattach, ShippedProgram, TaskInput, TaskToRun, ToWorker } from "../model/task-protocol";
import { CompiledProgram, compileProgram } from "./compiled-program";
import { clockNs } from "../model/cpu-clock";
import { taskCpuClock } from "./task-cpu";
import { workerMemoryClock } from "./worker-memory";
import { HeldStart } from "./held-start";
import { toErrorFields } from "../../runtime/error-fields";
import { sleep, sleepSync } from "../../runtime/sleep";
import { TaskOutputSender } from "../model/task-output";
import { ByteBudget } from "../../shared/byte-budget";
import { watchParent } from "../../shared/parent-watch";
import { installLoopChecks } from "../../runtime/loop-checks";
import { installIdentityKeeper } from "../../runtime/await-keeper";
import { compileLoopsInPlace } from "../../runtime/steady-tiering";
import { installCellStackTraces } from "../../runtime/cell-positions";

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
  const send = process.send.bind(process) as (
    m: unknown,
    handle?: undefined,
    options?: object,
    cb?: () => void,
  ) => boolean;
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
const starts = new HeldStart((m) => port.post(m));
const cpuClock = taskCpuClock(parentPort !== null);
const memoryBytes = workerMemoryClock(parentPort !== null);
/** The memory figure last sent, and in which cell: the kernel keeps a worker's figure until it changes. */
let memorySent: { program: number; bytes: number } | undefined;

function memoryNews(programId: number): { memory_bytes?: number } {
  const bytes = memoryBytes();
  if (memorySent?.program === programId && memorySent.bytes === bytes) return {};
  memorySent = { program: programId, bytes };
  return { memory_bytes: bytes };
}
const output = new TaskOutputSender(
  (id, name, text) => {
    starts.release();
    port.post({ type: "output", id, name, text });
  },
  (workerData as { outputBudget?: ByteBudget } | null)?.outputBudget,
);
/** Set once the worker has said it is going: it starts no more tasks. */
let leaving = false;
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

/** What process.exit() does in a task: say which task ended the worker, and with what code. */
function exitAfterReport(code?: number | string | null): never {
  const status = Number(code ?? process.exitCode ?? 0) || 0;
  leaving = true;
  starts.release();
  output.flush();
  port.postAndLeave({ type: "exiting", id: owner() ?? null, code: status }, status);
  throw new WorkerExiting(`process.exit(${status})`);
}

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
  const message: FromWorker = {
    type: "fault",
    id,
    error: { ...fields, evalue: `${fields.evalue} (${where})` },
    at: clockNs(),
    retiring,
  };
  starts.release();
  output.flush();
  if (retiring) {
    leaving = true;
    port.postAndLeave(message, 1);
  } else port.post(message);
}

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

/** The programs of the cells running now, by id: compiled at their first task, dropped at the cell's end. */
const programs = new Map<number, { shipped: ShippedProgram; compiled?: CompiledProgram }>();

function programFor(id: number): CompiledProgram {
  const entry = programs.get(id);
  if (!entry) throw new Error(`the worker was sent no program ${id} for this task`);
  // A program that fails to compile is tried again by each of its tasks, so each reports why.
  return (entry.compiled ??= compileProgram(entry.shipped, WORKER_API));
}

async function run(
  id: number,
  programId: number,
  input: TaskInput,
  itemReattach: Reattach[] | undefined,
): Promise<void> {
  // Stopping a task kills its worker, so this signal only ever aborts with the worker itself; it
  // is made only for a task that asks for it.
  let abort: AbortController | undefined;
  current = last = id;
  const startedAt = clockNs();
  const cpu0 = cpuClock.start(startedAt);
  starts.begin(id, startedAt);
  const ended = () => {
    const at = clockNs();
    const cpu1 = cpuClock.end(at);
    const cpu_ms = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
    return { at, cpu_ms, ...memoryNews(programId), ...starts.end(id, startedAt, at) };
  };
  try {
    const body = programFor(programId).instantiate(input.item, itemReattach);
    const running = body({
      ...input,
      get signal() {
        return (abort ??= new AbortController()).signal;
      },
    });
    starts.yielded();
    const value = await running;
    const done: FromWorker = { type: "done", id, value, ...ended() };
    output.flush();
    try {
      port.post(done);
    } catch (e) {
      port.post({
        type: "failed",
        id,
        at: done.at,
        cpu_ms: done.cpu_ms,
        ...(done.memory_bytes === undefined ? {} : { memory_bytes: done.memory_bytes }),
        ...(done.started === undefined ? {} : { started: done.started }),
        error: {
          ename: "DataCloneError",
          evalue: `task ${input.i} returned a value that cannot be sent back to the notebook: ${e instanceof Error ? e.message : String(e)}`,
          traceback: [],
        },
      });
    }
  } catch (e) {
    const failed: FromWorker = { type: "failed", id, error: toErrorFields(e), ...ended() };
    output.flush();
    port.post(failed);
  } finally {
    if (current === id) current = undefined;
  }
}

// What this worker changes about its thread or process, all of it, before the first task arrives.
// Error.prepareStackTrace: task errors go back to the kernel as text, their frames naming cell lines.
installCellStackTraces();
// Globals: cell code carries loop checks, whose names must exist here; workers are stopped by other
// means, so nothing raises their flag and they cost nothing.
installLoopChecks();
// Globals: the keeper every async function of cell code takes; a worker has no cell scope to keep.
installIdentityKeeper();
// V8: hot loops compiled on the thread that runs them (a task process has flags of its own).
compileLoopsInPlace();
// process.exit: a task that calls it ends the worker only once the kernel knows why.
process.exit = exitAfterReport as typeof process.exit;
// An error nobody awaited fails the task it came from.
process.on("uncaughtException", (e) => fault(e, "exception"));
process.on("unhandledRejection", (reason) => fault(reason, "rejection"));
// process.stdout/stderr.write: what a task prints is its output, delivered before its "done".
reroute(process.stdout, "stdout");
reroute(process.stderr, "stderr");
if (!parentPort) {
  // A child whose kernel is gone has nobody to work for. A busy child cannot hear the channel
  // close, so a watcher thread also ends it once the kernel is no longer its parent.
  process.on("disconnect", () => realExit(0));
  watchParent({ graceMs: 0 });
}

/**
 * Tasks sent ahead while one runs. A worker runs its tasks one at a time in the order sent, as a
 * pool slot is one lane; and once it is going (an exit, a fault) it starts none of them, so the
 * pool can send them again elsewhere.
 */
const waiting: (TaskToRun & { program: number })[] = [];
let draining = false;

async function runWaiting(): Promise<void> {
  draining = true;
  for (let m = waiting.shift(); m && !leaving; m = waiting.shift()) await run(m.id, m.program, m.task, m.itemReattach);
  draining = false;
}

port.onMessage((m) => {
  if (m.type === "program") programs.set(m.program, { shipped: m.body });
  else if (m.type === "drop") programs.delete(m.program);
  else {
    for (const t of m.tasks) waiting.push({ ...t, program: m.program });
    if (!draining) void runWaiting();
  }
});

port.post({ type: "ready", where: parentPort ? `thread ${threadId}` : `pid ${process.pid}` });
