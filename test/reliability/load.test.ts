/**
 * Issue 5, "load": the built kernel under volume, driven over ZeroMQ as in the e2e suite. A
 * thousand cells through one client, a million lines from one cell, 800,000 lines from eight tasks,
 * 64 tasks queued on two workers, and two clients sharing one kernel. Nothing may be lost, and the
 * kernel's memory must stay bounded: while output floods, by back-pressure rather than buffering;
 * across cells, by not keeping what finished cells left behind.
 *
 * Memory is the kernel process's own figure from /proc (VmRSS, and VmHWM for peaks), which counts
 * its worker threads too, and across cells also the V8 heaps of all its threads, read through the
 * inspector from a cell. Nothing here asserts how long anything took.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomUUID } from "crypto";
import { readFileSync, writeFileSync } from "fs";
import { Identity, newMessage } from "../../src/protocol/build";
import { Message } from "../../src/protocol/message";
import { TimingMetadata } from "../../src/concurrency/model/timing";
import { ClientTransport, openClientTransport } from "../../src/transport/client-transport";
import { ConnectionInfo } from "../../src/protocol/transport-contract";
import { KernelSession, kinds, parentId, statusOf, streamText } from "../e2e/helpers";
import { executeContent } from "../support/raw-peer";
import { Tally } from "../support/tally";
import { fromColumns, TaskRow } from "../../src/concurrency/model/task-columns";

/** Deadlines that only keep a broken kernel from hanging the suite; nothing is asserted about time. */
const START_TIMEOUT_MS = 90_000;
const CELL_TIMEOUT_MS = 60_000;
const FLOOD_TIMEOUT_MS = 180_000;
const GROUP_TIMEOUT_MS = 240_000;

const CELLS = 1000;
/** Requests the client keeps queued in the kernel at once: the shell queue is part of what is loaded. */
const IN_FLIGHT = 8;
const MILLION = 1_000_000;
const TASKS = 8;
const LINES_PER_TASK = 100_000;

/**
 * Growth allowed across 900 cells. Cells may leave history behind (their source and result text),
 * which is small; anything kept per cell beyond that shows up long before 20 %.
 */
const CELL_GROWTH = 0.2;
/**
 * The main thread's heap is small (a few MB), so it is compared from the point where the tables
 * the kernel keeps on purpose for a bounded number of cells are full: source positions for error
 * stacks (the last 500 cells) and compiled cells for re-runs (the last 64).
 */
const TABLES_FULL = 600;
/**
 * Peak growth allowed while one cell prints a million lines. Buffered per line, that output costs
 * well over 100 MB (a write callback, a message or a queue entry per line); coalesced and held back,
 * what remains is V8 letting its young generation grow under the allocation rate.
 */
const MILLION_LINES_PEAK_MB = 96;
/**
 * The same for 800,000 task lines on 8 threads. One message per line queued for the kernel's thread
 * cost about 480 MB here; with back-pressure, the growth is each of 9 isolates sizing its heap.
 */
const THREAD_LINES_PEAK_MB = 256;
/** Child processes' memory is their own; the kernel only holds what it has read off their pipes. */
const PROCESS_LINES_PEAK_MB = 96;

const tallies = {
  cells: new Tally("1000 cells"),
  million: new Tally("1M lines"),
  taskLines: new Tally("task lines"),
  queued: new Tally("64 tasks"),
  clients: new Tally("two clients"),
};

let session: KernelSession;
let pid: number;

/**
 * glibc keeps what a thread frees resident in that thread's arena. V8's optimizing compiler works
 * in zones of small blocks on background threads, and one burst of it (on the TypeScript compiler,
 * seen with heaptrack) can leave a 64 MB arena resident: a third of the kernel, reading as growth.
 * Blocks of 16 KiB and up are then mapped and unmapped on their own, and RSS shows what is held.
 */
const RETURN_FREED_MEMORY = { MALLOC_MMAP_THRESHOLD_: "16384", MALLOC_TRIM_THRESHOLD_: "131072" };

beforeAll(async () => {
  session = await KernelSession.start({ readyTimeoutMs: START_TIMEOUT_MS, env: RETURN_FREED_MEMORY });
  pid = session.kernel.child.pid!;
  // The first cell loads the TypeScript compiler; it is warm-up, not part of any count.
  await session.execute("1", { timeoutMs: START_TIMEOUT_MS });
}, START_TIMEOUT_MS);

afterAll(async () => {
  for (const tally of Object.values(tallies)) tally.print();
  await session?.stop();
});

// ---------------------------------------------------------------------------------------------
// Memory of the kernel process

interface Memory {
  rssKb: number;
  hwmKb: number;
}

function kernelMemory(): Memory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

/** Starts VmHWM over from the current RSS, where the kernel allows it (Linux clear_refs "5"). */
function resetPeak(): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** The kernel's peak RSS while `work` runs, above its RSS just before: VmHWM if it could be reset, else sampled. */
async function peakGrowthKb<T>(work: () => Promise<T>): Promise<{ value: T; baseKb: number; growthKb: number }> {
  const canReset = resetPeak();
  const baseKb = kernelMemory().rssKb;
  let sampled = baseKb;
  const timer = setInterval(() => (sampled = Math.max(sampled, kernelMemory().rssKb)), 10);
  try {
    const value = await work();
    const end = kernelMemory();
    const peak = Math.max(sampled, end.rssKb, canReset ? end.hwmKb : 0);
    return { value, baseKb, growthKb: peak - baseKb };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A cell that has every thread of the kernel (its own, the compiler's, the transport's, the pool's)
 * collect all the garbage it can, through the inspector: HeapProfiler.collectGarbage is V8's
 * low-memory collection, which also drops the caches an ordinary gc() keeps (compiled code of
 * finished cells, for one). Without it a 1000-cell run's RSS swings by 300 MB with the compiler
 * thread's garbage, which says nothing about what the kernel keeps. Its value is
 * `[main thread's heap, every thread's heap]`, used KiB.
 */
const COLLECT_EVERYWHERE = `await Promise.resolve().then(async () => {
  const inspector = require("inspector") as typeof import("inspector");
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  const workers: string[] = [];
  const answers = new Map<string, (result: any) => void>();
  session.on("NodeWorker.attachedToWorker", (m: any) => workers.push(m.params.sessionId));
  session.on("NodeWorker.receivedMessageFromWorker", (m: any) => {
    const answer = JSON.parse(m.params.message);
    answers.get(m.params.sessionId + " " + answer.id)?.(answer.result);
  });
  const ask = (sessionId: string, id: number, method: string) =>
    new Promise<any>((resolve) => {
      answers.set(sessionId + " " + id, resolve);
      void post("NodeWorker.sendMessageToWorker", { sessionId, message: JSON.stringify({ id, method }) });
    });
  let heaps = 0;
  try {
    await post("NodeWorker.enable", { waitForDebuggerOnStart: false });
    for (const sessionId of workers) {
      await ask(sessionId, 1, "HeapProfiler.collectGarbage");
      heaps += (await ask(sessionId, 2, "Runtime.getHeapUsage")).usedSize;
    }
    await post("NodeWorker.disable");
    await post("HeapProfiler.collectGarbage");
  } finally {
    session.disconnect();
  }
  const main = process.memoryUsage().heapUsed;
  return [Math.round(main / 1024), Math.round((main + heaps) / 1024)];
})`;

/** How long RSS is watched after a collection: freed pages leave on the allocator's schedule. */
const SETTLE_MS = 1500;

interface Settled {
  rssKb: number;
  /** The main thread's heap. */
  heapKb: number;
  /** Every thread's heap together. */
  heapsKb: number;
}

/** What the kernel holds once every thread has collected its garbage: the lowest RSS just after, and the heaps. */
async function settledMemory(): Promise<Settled> {
  const [heapKb, heapsKb] = (await session.value(COLLECT_EVERYWHERE))!.match(/\d+/g)!.map(Number);
  let rssKb = kernelMemory().rssKb;
  for (const until = Date.now() + SETTLE_MS; Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    rssKb = Math.min(rssKb, kernelMemory().rssKb);
  }
  return { rssKb, heapKb, heapsKb };
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

// ---------------------------------------------------------------------------------------------
// Requests and what came back for them

interface Outcome {
  reply?: Message;
  iopub: Message[];
  /** What never arrived: the reply, the idle (each counts one). */
  lost: number;
  /** Why the request does not count as survived, if it does not. */
  problem?: string;
}

/** Runs one cell and says what was lost instead of throwing, so that a loop of a thousand can count. */
async function runCell(code: string, timeoutMs = CELL_TIMEOUT_MS): Promise<Outcome> {
  const inFlight = session.client.startExecute(code, { timeoutMs });
  try {
    const { reply, iopub } = await inFlight.done;
    return { reply, iopub, lost: 0, problem: lifecycleProblem(inFlight.message, reply, iopub) };
  } catch (error) {
    const iopub = inFlight.received();
    const message = (error as Error).message;
    const lost = (/_reply on/.test(message) ? 1 : 0) + (/status: idle/.test(message) ? 1 : 0);
    return { iopub, lost: Math.max(lost, 1), problem: message };
  }
}

/** busy first, idle last, one of each for the request in everything published, and a reply to it. */
function lifecycleProblem(request: Message, reply: Message, iopub: Message[]): string | undefined {
  if (parentId(reply) !== request.header.msg_id) return "the reply answers another request";
  const sequence = kinds(iopub);
  if (sequence[0] !== "status:busy" || sequence[sequence.length - 1] !== "status:idle") {
    return `statuses out of place: ${sequence.join(", ")}`;
  }
  const statuses = session
    .logFor(request)
    .map(statusOf)
    .filter((s) => s !== undefined);
  if (statuses.join() !== "busy,idle") return `statuses published for it: ${statuses.join(", ")}`;
  return undefined;
}

function resultOf(iopub: Message[]): string | undefined {
  const result = iopub.find((m) => m.header.msg_type === "execute_result");
  return result ? String((result.content.data as Record<string, unknown>)["text/plain"]) : undefined;
}

/** The final state of a magic cell's timing report (the last display or update that carries it). */
function timingOf(iopub: Message[]): TimingMetadata | undefined {
  const reports = iopub.filter(
    (m) =>
      ["display_data", "update_display_data"].includes(m.header.msg_type) &&
      (m.content.metadata as { timing?: unknown } | undefined)?.timing !== undefined,
  );
  return (reports[reports.length - 1]?.content.metadata as { timing?: TimingMetadata } | undefined)?.timing;
}

function reportText(iopub: Message[]): string {
  const reports = iopub.filter((m) => ["display_data", "update_display_data"].includes(m.header.msg_type));
  return String(
    (reports[reports.length - 1]?.content.data as Record<string, unknown> | undefined)?.["text/plain"] ?? "",
  );
}

// ---------------------------------------------------------------------------------------------
// 1. A thousand cells

interface LoadCell {
  code: string;
  /** What must have come back; a description of what is wrong otherwise. */
  check(iopub: Message[]): string | undefined;
}

const expectText = (what: string, actual: string | undefined, expected: string) =>
  actual === expected ? undefined : `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;

const displays = (iopub: Message[]) => iopub.filter((m) => m.header.msg_type === "display_data");

/**
 * Small cells of every kind, and every 50th a concurrency magic (10 %%threads, 10 %%async). One in
 * four of the plain cells is new text for the compiler; the rest are re-runs, which the kernel
 * answers from its compiled-cell cache, as a notebook re-run would be: that keeps a thousand cells
 * to seconds rather than minutes, while every cell still runs and is counted, numbered, recorded.
 */
function loadCell(i: number): LoadCell {
  if (i % 50 === 0) {
    return {
      code: `%%threads -n 4 -w 2\nreturn task.i * ${i};`,
      check: (iopub) =>
        expectText("result", resultOf(iopub), `[ 0, ${i}, ${2 * i}, ${3 * i} ]`) ??
        (timingOf(iopub)?.tasks.count === 4 ? undefined : "no timing report for 4 tasks"),
    };
  }
  if (i % 50 === 25) {
    return {
      code: `%%async -n 4\nawait sleep(1);\nreturn task.i + ${i};`,
      check: (iopub) =>
        expectText("result", resultOf(iopub), `[ ${i}, ${i + 1}, ${i + 2}, ${i + 3} ]`) ??
        (timingOf(iopub)?.tasks.count === 4 ? undefined : "no timing report for 4 tasks"),
    };
  }
  const fresh = i % 4 === 0;
  const n = fresh ? i : 21;
  const tag = fresh ? String(i) : "again";
  switch (fresh ? (i / 4) % 4 : i % 4) {
    case 0:
      return { code: `${n} * 2`, check: (iopub) => expectText("result", resultOf(iopub), String(n * 2)) };
    case 1:
      return {
        code: `console.log("cell", "${tag}");`,
        check: (iopub) => expectText("stdout", streamText(iopub, "stdout"), `cell ${tag}\n`),
      };
    case 2:
      return {
        code: `display({ cell: "${tag}" });\ndisplay.html("<b>${tag}</b>");`,
        check: (iopub) =>
          displays(iopub).length === 2 ? undefined : `${displays(iopub).length} display_data, expected 2`,
      };
    default:
      // Named displays, updated in place: whatever the kernel keeps per display id must not pile up.
      return {
        code: `display.text("v1", { id: "load-${tag}" });\ndisplay.text("v2", { id: "load-${tag}", update: true });\n"done ${tag}"`,
        check: (iopub) =>
          displays(iopub).length !== 1 || !iopub.some((m) => m.header.msg_type === "update_display_data")
            ? "the display and its update did not both arrive"
            : expectText("result", resultOf(iopub), `'done ${tag}'`),
      };
  }
}

describe("1000 cells", () => {
  it(
    "answers every request with its reply and busy … idle, and keeps its memory flat",
    async () => {
      const problems: string[] = [];
      const run = async (i: number) => {
        const cell = loadCell(i);
        const outcome = await runCell(cell.code);
        const problem = outcome.problem ?? cell.check(outcome.iopub);
        if (problem) problems.push(`cell ${i}: ${problem}`);
        tallies.cells.record(problem === undefined, outcome.lost);
      };
      const runRange = async (from: number, to: number) => {
        let next = from;
        const lanes = Array.from({ length: IN_FLIGHT }, async () => {
          for (let i = next++; i < to; i = next++) await run(i);
        });
        await Promise.all(lanes);
      };

      await runRange(0, 100);
      const early = await settledMemory();
      await runRange(100, TABLES_FULL);
      const full = await settledMemory();
      await runRange(TABLES_FULL, CELLS);
      const late = await settledMemory();

      const figures = (at: number, m: Settled) =>
        `after ${at} cells: rss ${mb(m.rssKb)} MB, heaps ${mb(m.heapsKb)} MB (main ${mb(m.heapKb)} MB)`;
      const summary = [figures(100, early), figures(TABLES_FULL, full), figures(CELLS, late)].join("; ");
      process.stderr.write(`load: kernel ${summary}\n`);
      expect(problems).toEqual([]);
      expect(tallies.cells.tried).toBe(CELLS);
      expect(tallies.cells.lost).toBe(0);
      expect(late.rssKb).toBeLessThanOrEqual(early.rssKb * (1 + CELL_GROWTH));
      expect(late.heapsKb).toBeLessThanOrEqual(early.heapsKb * (1 + CELL_GROWTH));
      expect(late.heapKb).toBeLessThanOrEqual(full.heapKb * (1 + CELL_GROWTH));
    },
    GROUP_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 2. A million lines from one cell

/** How many of `lines` are `0, 1, 2, …` in order; the rest are missing or out of place. */
function inOrder(lines: string[]): number {
  let matched = 0;
  for (const line of lines) if (line === String(matched)) matched += 1;
  return matched;
}

describe("1M lines", () => {
  it(
    "delivers every line of a million, in order, with the kernel's memory held by back-pressure",
    async () => {
      await settledMemory();
      const {
        value: outcome,
        baseKb,
        growthKb,
      } = await peakGrowthKb(() => runCell(`for (let i = 0; i < ${MILLION}; i++) console.log(i);`, FLOOD_TIMEOUT_MS));
      const lines = streamText(outcome.iopub, "stdout").split("\n");
      expect(lines.pop()).toBe("");
      const delivered = inOrder(lines);
      const streams = outcome.iopub.filter((m) => m.header.msg_type === "stream").length;
      process.stderr.write(
        `load: 1M lines: ${delivered} in order in ${streams} stream messages; ` +
          `kernel rss ${mb(baseKb)} MB before, peak +${mb(growthKb)} MB\n`,
      );
      tallies.million.record(
        outcome.problem === undefined && delivered === MILLION,
        outcome.lost + (MILLION - delivered),
      );

      expect(outcome.problem).toBeUndefined();
      expect(lines.length).toBe(MILLION);
      expect(delivered).toBe(MILLION);
      expect(growthKb).toBeLessThan(MILLION_LINES_PEAK_MB * 1024);
    },
    GROUP_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 3. 800,000 lines from eight tasks

/** Lines `[task t] n`: per task, how many arrived with n following on from the one before. */
function taskSequences(text: string): { inSequence: number; perTask: number[]; stray: number } {
  const next = new Array<number>(TASKS).fill(0);
  let inSequence = 0;
  let stray = 0;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = /^\[task (\d+)\] (\d+)$/.exec(line);
    const t = m ? Number(m[1]) : -1;
    if (!m || t >= TASKS || Number(m[2]) !== next[t]) {
      stray += 1;
      continue;
    }
    next[t] += 1;
    inSequence += 1;
  }
  return { inSequence, perTask: next, stray };
}

describe("task lines", () => {
  it.each([
    ["threads", THREAD_LINES_PEAK_MB],
    ["processes", PROCESS_LINES_PEAK_MB],
  ])(
    "%%%%%s -n 8: all 800,000 lines arrive, in order per task, with the kernel's memory bounded",
    async (magic, peakMb) => {
      const header = `%%${magic} -n ${TASKS} -w ${TASKS}`;
      // Workers started first, so that what is measured is the output, not eight new workers.
      const warm = await runCell(`${header} --quiet\nreturn task.i;`);
      expect(warm.problem).toBeUndefined();
      await settledMemory();

      const body = `for (let i = 0; i < ${LINES_PER_TASK}; i++) console.log(i);\nreturn task.i;`;
      const {
        value: outcome,
        baseKb,
        growthKb,
      } = await peakGrowthKb(() => runCell(`${header}\n${body}`, FLOOD_TIMEOUT_MS));
      const { inSequence, perTask, stray } = taskSequences(streamText(outcome.iopub, "stdout"));
      const expected = TASKS * LINES_PER_TASK;
      process.stderr.write(
        `load: %%${magic}: ${inSequence} of ${expected} task lines in sequence (${stray} stray); ` +
          `kernel rss ${mb(baseKb)} MB before, peak +${mb(growthKb)} MB\n`,
      );
      const result = resultOf(outcome.iopub);
      tallies.taskLines.record(
        outcome.problem === undefined && inSequence === expected && stray === 0,
        outcome.lost + (expected - inSequence),
      );

      expect(outcome.problem).toBeUndefined();
      expect(outcome.reply?.content.status).toBe("ok");
      expect(result).toBe(`[\n  0, 1, 2, 3,\n  4, 5, 6, 7\n]`);
      expect(perTask).toEqual(new Array(TASKS).fill(LINES_PER_TASK));
      expect(stray).toBe(0);
      expect(growthKb).toBeLessThan(peakMb * 1024);
    },
    GROUP_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 4. 64 tasks on two workers

/** The most tasks running at one time, from their start and end. */
function mostAtOnce(tasks: TaskRow[]): number {
  const edges = tasks.flatMap((t) => [
    { at: t.start_ms ?? 0, step: 1 },
    { at: t.end_ms ?? 0, step: -1 },
  ]);
  // An end and a start at the same instant: the worker was freed first.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (now += e.step));
  return most;
}

describe("64 tasks", () => {
  it.each(["threads", "processes"])(
    "%%%%%s -n 64 -w 2: every result in task order, and the queue shows in the report",
    async (magic) => {
      const outcome = await runCell(`%%${magic} -n 64 -w 2\nsleepSync(5);\nreturn "t" + task.i;`);
      const results = [...(resultOf(outcome.iopub) ?? "").matchAll(/'t(\d+)'/g)].map((m) => Number(m[1]));
      const timing = timingOf(outcome.iopub);
      const tasks = timing ? fromColumns(timing.tasks) : [];
      const workers = new Set(tasks.map((t) => t.where));
      const waited = tasks.filter((t) => t.start_ms !== null && t.start_ms > t.queued_ms);
      const inOrderCount = results.filter((r, i) => r === i).length;
      tallies.queued.record(
        outcome.problem === undefined && inOrderCount === 64 && results.length === 64,
        outcome.lost + (64 - inOrderCount),
      );

      expect(outcome.problem).toBeUndefined();
      expect(outcome.reply?.content.status).toBe("ok");
      expect(results).toEqual(Array.from({ length: 64 }, (_, i) => i));
      expect(tasks).toHaveLength(64);
      expect(tasks.map((t) => t.status)).toEqual(new Array(64).fill("ok"));
      expect(workers.size).toBe(2);
      expect(mostAtOnce(tasks)).toBe(2);
      // Only the first task on each worker can have started without queueing behind another.
      expect(waited.length).toBeGreaterThanOrEqual(62);
      // Past 32 tasks the report draws a lane per worker, each saying how many tasks it ran.
      const lanes = [...reportText(outcome.iopub).matchAll(/ · (\d+) tasks?\s*│/g)].map((m) => Number(m[1]));
      expect(lanes).toHaveLength(2);
      expect(lanes[0] + lanes[1]).toBe(64);
    },
    GROUP_TIMEOUT_MS,
  );
});

// ---------------------------------------------------------------------------------------------
// 5. Two clients on one kernel

/**
 * A frontend reduced to its sockets, recording every message it receives, so that a reply that
 * reaches the wrong client is seen (the project's client would silently drop it).
 */
class RecordingClient {
  readonly received: { channel: string; message: Message }[] = [];
  readonly rejected: string[] = [];
  private readonly transport: ClientTransport;
  private readonly identity: Identity = { session: randomUUID(), username: "load-test" };
  private readonly listeners = new Set<() => void>();

  constructor(connection: ConnectionInfo) {
    this.transport = openClientTransport(connection, {
      onMessage: (channel, envelope) => {
        this.received.push({ channel, message: envelope.message });
        for (const listener of [...this.listeners]) listener();
      },
      onRejected: (channel, reason) => void this.rejected.push(`${channel}: ${reason}`),
    });
  }

  /** Probes until the kernel answers on shell and this client hears it on iopub (a SUB joins late). */
  async connect(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const probe = this.send("kernel_info_request", {});
      const heard = await this.until(
        () => this.iopubFor(probe).some((m) => statusOf(m) === "idle") && this.repliesTo(probe).length > 0,
        500,
      ).then(
        () => true,
        () => false,
      );
      if (heard) return;
    }
    throw new Error("the second client never heard the kernel on iopub");
  }

  send(msgType: string, content: object): Message {
    const message = newMessage(this.identity, msgType, content as Record<string, unknown>);
    this.transport.send("shell", message);
    return message;
  }

  execute(code: string): Message {
    return this.send("execute_request", executeContent(code));
  }

  repliesTo(request: Message): Message[] {
    return this.receivedFor("shell", request);
  }

  iopubFor(request: Message): Message[] {
    return this.receivedFor("iopub", request);
  }

  private receivedFor(channel: string, request: Message): Message[] {
    const id = request.header.msg_id;
    return this.received.filter((r) => r.channel === channel && parentId(r.message) === id).map((r) => r.message);
  }

  until(condition: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    await this.transport.flush();
    this.transport.close();
  }
}

describe("two clients", () => {
  let a: RecordingClient | undefined;
  let b: RecordingClient | undefined;

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it(
    "both hear all of iopub, and each reply goes only to the client that asked",
    async () => {
      a = new RecordingClient(session.kernel.connection);
      b = new RecordingClient(session.kernel.connection);
      await Promise.all([a.connect(CELL_TIMEOUT_MS), b.connect(CELL_TIMEOUT_MS)]);
      const clients = { a, b };

      // Interleaved, as a console and a notebook would be: both sides' requests share one queue.
      const sent: { from: "a" | "b"; request: Message; text: string }[] = [];
      for (let k = 0; k < 10; k++) {
        for (const from of ["a", "b"] as const) {
          const text = `${from}${k}`;
          sent.push({ from, request: clients[from].execute(`console.log(${JSON.stringify(text)});\n${k}`), text });
        }
      }
      for (const from of ["a", "b"] as const) {
        sent.push({ from, request: clients[from].send("kernel_info_request", {}), text: "" });
      }

      const settled = (client: RecordingClient) => () =>
        sent.every(({ request }) => client.iopubFor(request).some((m) => statusOf(m) === "idle"));
      const answered = (from: "a" | "b") => () =>
        sent.filter((s) => s.from === from).every(({ request }) => clients[from].repliesTo(request).length > 0);
      await Promise.all([
        a.until(settled(a), CELL_TIMEOUT_MS),
        b.until(settled(b), CELL_TIMEOUT_MS),
        a.until(answered("a"), CELL_TIMEOUT_MS),
        b.until(answered("b"), CELL_TIMEOUT_MS),
      ]).catch(() => undefined);

      const problems: string[] = [];
      for (const { from, request, text } of sent) {
        const other = from === "a" ? "b" : "a";
        const own = clients[from].repliesTo(request);
        const stray = clients[other].repliesTo(request);
        let lost = own.length === 0 ? 1 : 0;
        const why: string[] = [];
        if (own.length !== 1) why.push(`${own.length} replies reached ${from}`);
        if (stray.length > 0) why.push(`${stray.length} replies reached ${other}`);
        for (const c of ["a", "b"] as const) {
          const seen = clients[c].iopubFor(request);
          const sequence = kinds(seen);
          if (!sequence.includes("status:idle")) lost += 1;
          if (sequence[0] !== "status:busy" || sequence[sequence.length - 1] !== "status:idle") {
            why.push(`${c} saw ${sequence.join(", ")}`);
          }
          const stdout = streamText(seen, "stdout");
          if (text && stdout !== `${text}\n`) why.push(`${c} saw stdout ${JSON.stringify(stdout)}`);
        }
        if (why.length > 0) problems.push(`${request.header.msg_type} from ${from}: ${why.join("; ")}`);
        tallies.clients.record(why.length === 0, lost);
      }
      expect(problems).toEqual([]);
      expect([...a.rejected, ...b.rejected]).toEqual([]);
    },
    GROUP_TIMEOUT_MS,
  );
});
