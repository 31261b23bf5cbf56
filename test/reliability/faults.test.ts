/**
 * Faults against the real kernel (built, in dist/), driven over ZeroMQ: tasks that exit, throw
 * from timers, leave rejections unhandled, exhaust their heap or never stop; worker processes
 * killed from outside; the kernel itself killed, orphaned, shut down mid-cell, or interrupted fifty
 * times in a row. Each case checks that the failing task is named with what happened, that the
 * other tasks finished with their output, and that the kernel goes on (or, when it is told to go,
 * that nothing it started outlives it).
 *
 * The only timing bounds are the 2 s for processes to disappear. Those are checked by
 * polling /proc every 50 ms up to 2.5 s: the extra half second is the polling's own granularity
 * and the scheduling delay of a loaded 2-core machine between the kill and the first look, not
 * slack in the kernel (its watchers look every 250 ms and an orphaned kernel is killed by its own
 * watcher 1 s after it noticed).
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ChildProcess } from "child_process";
import { readdirSync, readFileSync } from "fs";
import { resolve } from "path";
import { Exchange, isDisplayOf, KernelSession, ofType, Pending } from "../e2e/helpers";
import { TimingMetadata } from "../../src/concurrency/model/timing";
import { Message } from "../../src/protocol/message";
import { Tally } from "../support/tally";
import { fromColumns, toColumns } from "../../src/concurrency/model/task-columns";

const GONE_WITHIN_MS = 2000;
/** See the file comment: the bound plus the polling's granularity on a loaded machine. */
const GONE_POLL_MS = GONE_WITHIN_MS + 500;
const POOLS = ["threads", "processes"] as const;
const MAIN = ["serial", "async"] as const;
const CLI = resolve(__dirname, "../../dist/app/cli.js");

const tallies = {
  faults: new Tally("faults"),
  kill: new Tally("kill"),
  shutdown: new Tally("shutdown"),
  storm: new Tally("interrupt storm"),
};

afterAll(() => {
  for (const t of Object.values(tallies)) t.print();
});

// ---------------------------------------------------------------------------------------------
// What the notebook got

function streams(messages: Message[]): string {
  return ofType(messages, "stream")
    .map((m) => String(m.content.text))
    .join("");
}

/** The final state of the cell's timing report. */
function timing(ex: Exchange): TimingMetadata {
  const reports = ex.iopub.filter((m) => ["display_data", "update_display_data"].includes(m.header.msg_type));
  const last = reports[reports.length - 1];
  return (
    (last?.content.metadata as { timing: TimingMetadata } | undefined)?.timing ?? {
      executor: "serial",
      wall_ms: 0,
      cpu_ms: null,
      tasks: toColumns([]),
    }
  );
}

function statuses(ex: Exchange): string[] {
  return fromColumns(timing(ex).tasks).map((t) => t.status);
}

/** The cell's Out value as text, if it had one. */
function resultText(ex: Exchange): string | undefined {
  const result = ofType(ex.iopub, "execute_result")[0];
  return result ? String((result.content.data as Record<string, unknown>)["text/plain"]) : undefined;
}

/** Everything the error says, as one string, so a failing expectation shows it whole. */
function errorText(ex: Exchange): string {
  const c = ex.reply.content as { status?: string; ename?: string; evalue?: string; traceback?: string[] };
  return `${c.status} ${c.ename}: ${c.evalue}\n${(c.traceback ?? []).join("\n")}`;
}

/** How many of `tasks` lost something: their "done" line, or their ok status in the report. */
function lostTasks(ex: Exchange, tasks: number[]): number {
  const text = streams(ex.iopub);
  const st = statuses(ex);
  return tasks.filter((i) => !text.includes(`[task ${i}] done ${i}\n`) || st[i] !== "ok").length;
}

/** Waits until the request's output so far contains every one of `needles`. */
async function outputShows(pending: Pending, needles: string[], timeoutMs = 30_000): Promise<string> {
  const shows = (messages: Message[]) => needles.every((n) => streams(messages).includes(n));
  try {
    return streams(await pending.until(shows, `${JSON.stringify(needles)} in the output`, timeoutMs));
  } catch (e) {
    throw new Error(`${(e as Error).message}; got ${JSON.stringify(streams(pending.received()))}`);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `promise`'s value, or undefined if it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Processes, as Linux shows them

function statFields(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces or parentheses itself.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0], ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

function childrenOf(ppid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => statFields(pid)?.ppid === ppid && !isGone(pid));
}

/** Gone, or dead and waiting to be reaped: a container's init may be slow to reap, or never. */
function isGone(pid: number): boolean {
  const s = statFields(pid);
  return s === undefined || s.state === "Z" || s.state === "X";
}

/** Polls until every pid is gone; returns how long that took, or undefined if some outlived the poll. */
async function goneWithin(pids: number[], pollMs: number, since = Date.now()): Promise<number | undefined> {
  for (;;) {
    if (pids.every(isGone)) return Date.now() - since;
    if (Date.now() - since > pollMs) return undefined;
    await pause(50);
  }
}

function threadCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode, at: Date.now() });
  }
  return new Promise((done) => child.once("exit", (code, signal) => done({ code, signal, at: Date.now() })));
}

// ---------------------------------------------------------------------------------------------

describe("faults in tasks", () => {
  let session: KernelSession;

  beforeAll(async () => {
    session = await KernelSession.start();
    expect(await session.value("const kept = 41; kept")).toBe("41");
  }, 60_000);

  afterAll(() => session?.stop());

  /**
   * The kernel still answers, keeps the notebook's state, and a cell under `magic` works. Three
   * tasks, so that the pool is warm for the next case: a worker still starting when a 1 s
   * --timeout strikes would make a loaded machine look like a kernel fault.
   */
  async function carriesOn(magic: string): Promise<boolean> {
    const plain = await session.execute("kept + 1");
    const next = await session.execute(`%%${magic} -n 3\nreturn task.i + 1;`);
    return resultText(plain) === "42" && resultText(next) === "[ 1, 2, 3 ]";
  }

  /**
   * A cell of three tasks where task `bad` does `fault`; the others print, wait a little, print
   * "done i" and return. Records the case and returns the exchange for the specific checks.
   */
  async function faultCell(magic: string, fault: string, options = "", bad = 1): Promise<Exchange> {
    const body = [
      `console.log("start", task.i);`,
      `if (task.i === ${bad}) { ${fault} }`,
      `await sleep(task.i === ${bad} ? 300 : 50);`,
      `console.log("done", task.i);`,
      `return task.i * 10;`,
    ].join("\n");
    const ex = await session.execute(`%%${magic} -n 3 ${options}\n${body}`);
    const others = [0, 1, 2].filter((i) => i !== bad);
    const lost = lostTasks(ex, others);
    const survived = (await carriesOn(magic)) && ex.reply.content.status === "error";
    tallies.faults.record(survived, lost);
    expect(lost).toBe(0);
    expect(survived).toBe(true);
    return ex;
  }

  describe.each([...POOLS, ...MAIN])("%%%s", (magic) => {
    const onMain = magic === "serial" || magic === "async";

    it("process.exit(3) in a task fails that task by name and nothing else", async () => {
      const ex = await faultCell(magic, "process.exit(3);");
      expect(errorText(ex)).toMatch(
        /^error \w+: 1 of 3 tasks failed; first: task 1: \w+: the task called process\.exit\(3\)/,
      );
      expect(errorText(ex)).toMatch(/\[task 1\] \w+: the task called process\.exit\(3\)/);
      // Said once: the task's number comes from the cell's error, not again from the message.
      expect(errorText(ex)).not.toMatch(/task 1[^\n]*task 1/);
      expect(statuses(ex)).toEqual(["ok", onMain ? "error" : "crashed", "ok"]);
    });

    it("a throw inside a timer fails the task that started the timer", async () => {
      const ex = await faultCell(magic, 'setTimeout(() => { throw new Error("x from a timer"); }, 10);');
      expect(errorText(ex)).toMatch(/\[task 1\] Error: x from a timer \(uncaught: thrown in a timer or callback/);
      expect(statuses(ex)).toEqual(["ok", "error", "ok"]);
    });

    it("an unawaited rejected promise fails the task that made it", async () => {
      const ex = await faultCell(magic, 'Promise.reject(new Error("y unawaited"));');
      expect(errorText(ex)).toMatch(
        /\[task 1\] Error: y unawaited \(unhandled rejection: a promise the task did not await\)/,
      );
      expect(statuses(ex)).toEqual(["ok", "error", "ok"]);
    });
  });

  describe.each(POOLS)("%%%s", (magic) => {
    it("a task that exhausts its heap under --memory 64mb is reported as out of memory; the pool replaces its worker", async () => {
      const ex = await faultCell(
        magic,
        "const hoard = []; for (;;) hoard.push(new Array(1e6).fill(task.i));",
        "--memory 64mb",
        2,
      );
      expect(errorText(ex)).toMatch(
        /\[task 2\] WorkerCrashed: the task ran out of memory: its worker reached the --memory 64mb limit this cell set/,
      );
      if (magic === "processes") expect(errorText(ex)).toMatch(/\[task 2\] {3}FATAL ERROR: .*heap out of memory/);
      expect(statuses(ex)).toEqual(["ok", "ok", "crashed"]);
    });

    it("a task that never stops is cut by --timeout 1s, by name", async () => {
      expect(await carriesOn(magic)).toBe(true);
      const ex = await session.execute(
        `%%${magic} -n 3 --timeout 1s\nif (task.i === 1) while (true) {}\nconsole.log("done", task.i);\nreturn task.i;`,
      );
      const lost = lostTasks(ex, [0, 2]);
      const survived = (await carriesOn(magic)) && ex.reply.content.status === "error";
      tallies.faults.record(survived, lost);
      expect(errorText(ex)).toMatch(
        /^error TimeoutError: timed out after 1000 ms: 1 of 3 tasks did not finish \(task 1\)/,
      );
      expect(statuses(ex)).toEqual(["ok", "cancelled", "ok"]);
      expect(lost).toBe(0);
      expect(survived).toBe(true);
    });

    it("a task that never stops is cut by an interrupt_request, by name", async () => {
      const pending = session.startExecute(
        `%%${magic} -n 3\nif (task.i === 1) { console.log("spinning"); while (true) {} }\nconsole.log("done", task.i);\nreturn task.i;`,
      );
      await outputShows(pending, ["[task 1] spinning", "[task 0] done 0", "[task 2] done 2"]);
      const { reply } = await session.request("control", "interrupt_request", {});
      expect(reply.content).toEqual({ status: "ok" });
      const ex = await pending.done;
      const lost = lostTasks(ex, [0, 2]);
      const survived = (await carriesOn(magic)) && ex.reply.content.status === "error";
      tallies.faults.record(survived, lost);
      expect(errorText(ex)).toMatch(/^error KeyboardInterrupt: interrupted: 1 of 3 tasks did not finish \(task 1\)/);
      expect(statuses(ex)).toEqual(["ok", "cancelled", "ok"]);
      expect(lost).toBe(0);
      expect(survived).toBe(true);
    });
  });

  describe.each(MAIN)("%%%s", (magic) => {
    it("a task spinning on the kernel's thread after an await is cut by an interrupt_request, at its loop", async () => {
      const token = `spinning ${Math.random()}`;
      const pending = session.startExecute(
        `%%${magic} -n 3\nif (task.i === 1) {\n  await sleep(200);\n  display.text(${JSON.stringify(token)});\n  while (true) {}\n}\nconsole.log("done", task.i);\nreturn task.i;`,
      );
      // display publishes at once, even from a thread that then spins.
      await session.next(isDisplayOf(token), `task 1 to show "${token}"`);
      const { reply } = await session.request("control", "interrupt_request", {});
      expect(reply.content).toEqual({ status: "ok" });
      const ex = await pending.done;
      // Serial never reaches task 2; async ran it while task 1 waited.
      const finished = magic === "async" ? [0, 2] : [0];
      const lost = lostTasks(ex, finished);
      const survived = (await carriesOn(magic)) && ex.reply.content.status === "error";
      tallies.faults.record(survived, lost);
      expect(errorText(ex)).toMatch(
        magic === "async"
          ? /^error KeyboardInterrupt: interrupted: 1 of 3 tasks did not finish \(task 1\)/
          : /^error KeyboardInterrupt: interrupted: 2 of 3 tasks did not finish \(tasks 1 and 2\)/,
      );
      expect(statuses(ex)).toEqual(magic === "async" ? ["ok", "cancelled", "ok"] : ["ok", "cancelled", "cancelled"]);
      expect(lost).toBe(0);
      expect(survived).toBe(true);
    });
  });

  it("--memory takes sizes, refuses bad ones by name, is listed in the help, and is refused on the kernel's thread", async () => {
    const bad = await session.execute("%%threads --memory lots\nreturn 1;");
    expect(errorText(bad)).toMatch(
      /^error UsageError: --memory takes a heap size from 16mb to 1024g, such as 64mb, 512m or 1g, not 'lots'/,
    );
    const small = await session.execute("%%processes --memory 4mb\nreturn 1;");
    expect(errorText(small)).toMatch(/^error UsageError: --memory takes a heap size from 16mb/);
    const onMain = await session.execute("%%async --memory 64mb\nreturn 1;");
    expect(errorText(onMain)).toMatch(
      /^error UsageError: --memory caps each worker's heap, but %%async runs its tasks on the kernel's own thread/,
    );
    const help = await session.execute("%%threads?");
    expect(streams(help.iopub)).toMatch(/--memory SIZE +cap each worker's heap, 16mb to 1024g, e\.g\. 64mb or 1g/);
  });

  it.each(POOLS)("%%%s: workers with another heap limit than the cell's are never reused", async (magic) => {
    const limits = async (options: string) => {
      const ex = await session.execute(
        `%%${magic} -n 2 ${options}\nreturn Math.round(require("v8").getHeapStatistics().heap_size_limit / 2 ** 20);`,
      );
      return (resultText(ex) ?? "").match(/\d+/g)?.map(Number) ?? [];
    };
    const capped = await limits("--memory 64mb");
    const uncapped = await limits("");
    const cappedAgain = await limits("--memory 1g");
    // V8 adds the young generation to the old-generation cap it was given.
    expect(capped).toHaveLength(2);
    for (const mb of capped) expect(mb).toBeLessThan(128);
    for (const mb of uncapped) expect(mb).toBeGreaterThan(256);
    for (const mb of cappedAgain) expect(mb).toBeGreaterThan(1024 - 1);
    for (const mb of cappedAgain) expect(mb).toBeLessThan(1024 + 128);
  });

  it("a worker process killed with SIGKILL mid-task fails its task naming the signal; the pool replaces it", async () => {
    const pending = session.startExecute(
      `%%processes -n 2\nconsole.log("pid", process.pid);\nif (task.i === 0) await sleep(60000);\nconsole.log("done", task.i);\nreturn task.i;`,
    );
    const text = await outputShows(pending, ["[task 0] pid ", "[task 1] done 1"]);
    const pid = Number(/\[task 0\] pid (\d+)/.exec(text)![1]);
    process.kill(pid, "SIGKILL");
    const ex = await pending.done;
    const lost = lostTasks(ex, [1]);
    const next = await session.execute(`%%processes -n 2\nreturn process.pid;`);
    const pids = (resultText(next) ?? "").match(/\d+/g)?.map(Number) ?? [];
    const survived = ex.reply.content.status === "error" && pids.length === 2 && !pids.includes(pid);
    tallies.kill.record(survived, lost);
    expect(errorText(ex)).toContain(`[task 0] WorkerCrashed: its worker (pid ${pid}) was killed by SIGKILL`);
    expect(statuses(ex)).toEqual(["crashed", "ok"]);
    expect(lost).toBe(0);
    expect(survived).toBe(true);
  });

  it("fifty interrupt_requests in a row during a %%threads cell: each answered, the cell interrupted, no threads leaked", async () => {
    // Warm the pool to its size for this test, so that the count before includes it.
    await session.execute("%%threads -n 2\nreturn task.i;");
    const kernelPid = session.kernel.child.pid!;
    const before = threadCount(kernelPid);

    const pending = session.startExecute(`%%threads -n 2\nconsole.log("spinning", task.i);\nwhile (true) {}`);
    await outputShows(pending, ["[task 0] spinning 0", "[task 1] spinning 1"]);
    const storm = Array.from(
      { length: 50 },
      () => session.client.start("control", "interrupt_request", {}, { timeoutMs: 30_000 }).done,
    );
    const replies = await Promise.allSettled(storm);
    const answered = replies.filter(
      (r) => r.status === "fulfilled" && (r.value.reply.content as { status?: string }).status === "ok",
    ).length;
    const ex = await pending.done;

    const plain = await session.value("kept + 1");
    const againValue = resultText(await session.execute("%%threads -n 2\nreturn task.i * 2;"));
    // Terminated threads are joined a moment after their exit event: give the count time to settle.
    let after = threadCount(kernelPid);
    for (const deadline = Date.now() + 5000; after > before && Date.now() < deadline; after = threadCount(kernelPid))
      await pause(100);

    const survived =
      ex.reply.content.status === "error" && plain === "42" && againValue === "[ 0, 2 ]" && after <= before;
    tallies.storm.record(survived, 50 - answered);
    expect(answered).toBe(50);
    expect(errorText(ex)).toMatch(/^error KeyboardInterrupt: interrupted: 2 of 2 tasks did not finish/);
    expect(plain).toBe("42");
    expect(againValue).toBe("[ 0, 2 ]");
    expect(after).toBeLessThanOrEqual(before);
    expect(survived).toBe(true);
  });
});

/** A %%processes task that spins, deaf to its IPC channel closing; resolves once it has said so. */
async function startSpinningTaskProcess(session: KernelSession): Promise<void> {
  const busy = session.startExecute(`%%processes -n 1\nconsole.log("spinning");\nwhile (true) {}`);
  busy.done.catch(() => undefined);
  await outputShows(busy, ["[task 0] spinning"]);
}

describe("the kernel's own death", () => {
  it("SIGKILL of the kernel: none of its child processes, idle or busy, outlive it by 2 s", async () => {
    const session = await KernelSession.start();
    try {
      const kernelPid = session.kernel.child.pid!;
      await session.execute("%%processes -n 3\nreturn task.i;");
      // One child spins; two sit idle in the pool.
      await startSpinningTaskProcess(session);
      const children = childrenOf(kernelPid);
      const killedAt = Date.now();
      session.kernel.child.kill("SIGKILL");
      const took = await goneWithin(children, GONE_POLL_MS, killedAt);
      tallies.kill.record(took !== undefined, children.filter((p) => !isGone(p)).length);
      expect(children.length).toBeGreaterThanOrEqual(3);
      expect(children.filter((p) => !isGone(p))).toEqual([]);
      expect(took).toBeDefined();
    } finally {
      await session.stop();
    }
  });

  it("the kernel's parent dies: the kernel notices, and it and its children are gone within 2 s", async () => {
    // A stand-in for the Jupyter server: it starts the kernel and stays, until it is SIGKILLed.
    const launcher = [
      'const { spawn } = require("child_process");',
      "const [command, ...args] = process.argv.slice(1);",
      'spawn(command, args, { stdio: "inherit" }).on("exit", (code) => process.exit(code ?? 1));',
    ].join(" ");
    const session = await KernelSession.start({
      argv: [process.execPath, "-e", launcher, "--", process.execPath, CLI, "kernel", "{connection_file}"],
    });
    try {
      const launcherPid = session.kernel.child.pid!;
      const [kernelPid] = childrenOf(launcherPid);
      expect(kernelPid).toBeDefined();
      await session.execute("%%processes -n 2\nreturn task.i;");
      await startSpinningTaskProcess(session);
      const children = childrenOf(kernelPid);
      const killedAt = Date.now();
      session.kernel.child.kill("SIGKILL");
      const everyone = [kernelPid, ...children];
      const took = await goneWithin(everyone, GONE_POLL_MS, killedAt);
      tallies.kill.record(took !== undefined, everyone.filter((p) => !isGone(p)).length);
      expect(children.length).toBeGreaterThanOrEqual(2);
      expect(everyone.filter((p) => !isGone(p))).toEqual([]);
      expect(took).toBeDefined();
    } finally {
      await session.stop();
    }
  });
});

describe("shutdown_request while tasks run", () => {
  it.each(POOLS)("with %%%s busy: a shutdown_reply, exit code 0 within 2 s, no children left", async (magic) => {
    const session = await KernelSession.start();
    try {
      const kernelPid = session.kernel.child.pid!;
      // Warm workers of both kinds; then this kind's spin in a long cell while the others sit idle.
      await session.execute("%%threads -n 3\nreturn task.i;");
      await session.execute("%%processes -n 3\nreturn task.i;");
      const busy = session.startExecute(`%%${magic} -n 2\nconsole.log("spinning", task.i);\nwhile (true) {}`);
      busy.done.catch(() => undefined);
      await outputShows(busy, ["[task 0] spinning 0", "[task 1] spinning 1"]);
      const children = childrenOf(kernelPid);

      const exited = exitOf(session.kernel.child);
      const sentAt = Date.now();
      const { reply } = await session.client.start(
        "control",
        "shutdown_request",
        { restart: false },
        { awaitIdle: false, timeoutMs: 10_000 },
      ).done;
      const exit = await within(exited, 10_000);
      const tookMs = exit ? exit.at - sentAt : Infinity;
      const leftover =
        (await goneWithin(children, Math.max(0, GONE_POLL_MS - (Date.now() - sentAt)), sentAt)) === undefined;
      const survivors = children.filter((p) => !isGone(p)).length;

      const survived = reply.content.status === "ok" && exit?.code === 0 && tookMs <= GONE_WITHIN_MS && !leftover;
      tallies.shutdown.record(survived, survivors);
      expect(reply.content).toEqual({ status: "ok", restart: false });
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(tookMs).toBeLessThanOrEqual(GONE_WITHIN_MS);
      expect(children.length).toBeGreaterThanOrEqual(1);
      expect(survivors).toBe(0);
    } finally {
      await session.stop();
    }
  });
});
