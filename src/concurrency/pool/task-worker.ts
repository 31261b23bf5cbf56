/**
 * The program every pool worker runs, as a worker thread or as a forked child process. It
 * re-creates the notebook names a task needs, runs the task body, and reports output and the
 * result through the one port it has, in order: every line a task prints arrives before its "done".
 */
import { parentPort, threadId } from "worker_threads";
import { runInThisContext } from "vm";
import { CapturedName, FromWorker, TaskInput, TaskProgram, ToWorker } from "../task-protocol";
import { clockNs, threadCpuMs } from "../cpu-clock";
import { toErrorFields } from "../../interpreter/runtime/error-fields";
import { sleep, sleepSync } from "../../interpreter/runtime/sleep";

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
}

function openPort(): Port {
  if (parentPort) {
    const p = parentPort;
    return { post: (m) => p.postMessage(m), onMessage: (l) => p.on("message", l) };
  }
  if (!process.send) throw new Error("task-worker must run as a worker thread or a forked child");
  // A child whose kernel is gone has nobody to work for.
  process.on("disconnect", () => process.exit(0));
  return { post: (m) => process.send!(m), onMessage: (l) => process.on("message", l) };
}

const port = openPort();
let current: number | undefined;

function reroute(stream: NodeJS.WriteStream, name: "stdout" | "stderr"): void {
  const original = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    if (current === undefined) return original(chunk, encoding, cb);
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
    port.post({ type: "output", id: current, name, text });
    const done = typeof encoding === "function" ? encoding : cb;
    if (typeof done === "function") process.nextTick(done as () => void);
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
  // Compiled under the cell's name, so a task's stack frames say where in the cell it failed.
  const factory = runInThisContext(`(function (exports, require) {${source}\n})`, {
    filename: program.filename,
  }) as (e: unknown, r: NodeJS.Require) => unknown;
  const body = factory(exportsObject, require);
  if (typeof body !== "function") throw new Error("the task body did not compile to a function");
  return body as (task: unknown) => unknown;
}

async function run(id: number, input: TaskInput, program: TaskProgram): Promise<void> {
  // Stopping a task kills its worker, so this signal only ever aborts with the worker itself.
  const abort = new AbortController();
  current = id;
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
    port.post({ type: "failed", id, error: toErrorFields(e), at: clockNs(), cpu_ms: cpu() });
  } finally {
    if (current === id) current = undefined;
  }
}

port.onMessage((m) => void run(m.id, m.task, m.program));

port.post({ type: "ready", where: parentPort ? `thread ${threadId}` : `pid ${process.pid}` });
