/**
 * The concurrency magics through the real protocol. Timings are read from the report's raw
 * metadata and asserted only in shape, with wide margins: the machines are shared and noisy.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "child_process";
import { Exchange, KernelSession, expectLifecycle, ofType } from "./helpers";
import { TimingMetadata } from "../../src/concurrency/model/timing";
import { fromColumns, TaskRow } from "../../src/concurrency/model/task-columns";

let session: KernelSession;

beforeAll(async () => {
  session = await KernelSession.start();
  await session.execute(
    [
      "function isPrime(n: number): boolean { if (n < 2) return false; for (let d = 2; d * d <= n; d++) if (n % d === 0) return false; return true; }",
      "function countPrimes(a: number, b: number): number { let c = 0; for (let x = a; x < b; x++) if (isPrime(x)) c++; return c; }",
      "const SPAN = 400000;",
      'import * as os from "os";',
    ].join("\n"),
  );
});

afterAll(() => session?.stop());

/** The final state of the cell's timing report (the last display or update carrying it), a row per task. */
function timing(ex: Exchange): Omit<TimingMetadata, "tasks"> & { tasks: TaskRow[] } {
  const reports = ex.iopub.filter((m) => ["display_data", "update_display_data"].includes(m.header.msg_type));
  const last = reports[reports.length - 1];
  expect(last).toBeDefined();
  const meta = (last.content.metadata as { timing: TimingMetadata }).timing;
  return { ...meta, tasks: fromColumns(meta.tasks) };
}

function result(ex: Exchange): string | undefined {
  const r = ofType(ex.iopub, "execute_result")[0];
  return r ? String((r.content.data as Record<string, unknown>)["text/plain"]) : undefined;
}

const CPU_BODY = "return countPrimes(task.i * 2 * SPAN, (task.i + 1) * 2 * SPAN);";

describe.each(["serial", "async", "threads", "processes"])("%%%%%s", (magic) => {
  it("runs the body once per task, reports it live, and returns the results in task order", async () => {
    const ex = await session.execute(`%%${magic} -n 3\nconsole.log("hello from", task.i);\nreturn task.i * 10;`);
    expectLifecycle(ex);
    expect(ex.reply.content.status).toBe("ok");
    expect(result(ex)).toBe("[ 0, 10, 20 ]");
    const text = ofType(ex.iopub, "stream")
      .map((m) => String(m.content.text))
      .join("");
    for (const i of [0, 1, 2]) expect(text).toContain(`[task ${i}] hello from ${i}\n`);
    const t = timing(ex);
    expect(t.executor).toBe(magic);
    expect(t.tasks.map((x) => x.status)).toEqual(["ok", "ok", "ok"]);
    const display = ofType(ex.iopub, "display_data")[0];
    expect(Object.keys(display.content.data as object).sort()).toEqual(["image/svg+xml", "text/html", "text/plain"]);
    expect((display.content.transient as { display_id?: string }).display_id).toBeTruthy();
  });

  it("reports a task that throws with its id and lets the others finish", async () => {
    // A type on line 2 makes the compiled lines differ from the cell's: the frame must name line 4.
    const ex = await session.execute(
      `%%${magic} -n 3\ntype Id = number;\nconst id: Id = task.i;\nif (id === 1) throw new Error("task one fails");\nreturn id;`,
    );
    expect(ex.reply.content).toMatchObject({ status: "error", ename: "TaskError" });
    expect(String(ex.reply.content.evalue)).toMatch(/1 of 3 tasks failed; first: task 1: Error: task one fails/);
    expect(timing(ex).tasks.map((x) => x.status)).toEqual(["ok", "error", "ok"]);
    const traceback = (ex.reply.content.traceback as string[]).join("\n");
    expect(traceback).toMatch(/\[task 1\] +at .*\(Cell\[\d+\]:4:\d+\)/);
    expect(traceback).toContain(`[task 1]        4 | if (id === 1) throw new Error("task one fails");`);
  });

  it("overlaps waits: 3 tasks of sleep(300) take well under 600 ms (serial excepted)", async () => {
    const ex = await session.execute(`%%${magic} -n 3\nawait sleep(300);\nreturn task.i;`);
    expect(ex.reply.content.status).toBe("ok");
    const t = timing(ex);
    const run = Math.max(...t.tasks.map((x) => x.end_ms ?? 0)) - Math.min(...t.tasks.map((x) => x.start_ms ?? 0));
    if (magic === "serial") expect(run).toBeGreaterThanOrEqual(890);
    else expect(run).toBeLessThan(600);
  });

  it("stops on --timeout and the next cell runs", async () => {
    const spin =
      magic === "async" || magic === "serial" ? "while (!task.signal.aborted) await sleep(20);" : "while (true) {}";
    const ex = await session.execute(`%%${magic} -n 2 --timeout 400ms\n${spin}`);
    expect(ex.reply.content).toMatchObject({ status: "error", ename: "TimeoutError" });
    expect(timing(ex).tasks.some((x) => x.status === "cancelled" || x.status === "abandoned")).toBe(true);
    expect((await session.execute("1 + 1")).reply.content.status).toBe("ok");
  });
});

describe("the lesson, in shape", () => {
  it("CPU-bound work speeds up with threads and processes, not with async", async () => {
    // A shared 2-core machine can lend us one core for a while; the shape must show in one of
    // a few attempts, each measured on warm code and warm pools.
    const ratios: Record<string, number>[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const wall = async (magic: string) => {
        await session.execute(`%%${magic} -n 4\n${CPU_BODY}`);
        return timing(await session.execute(`%%${magic} -n 4\n${CPU_BODY}`)).wall_ms;
      };
      const serial = await wall("serial");
      const r = {
        async: serial / (await wall("async")),
        threads: serial / (await wall("threads -w 2")),
        processes: serial / (await wall("processes -w 2")),
      };
      ratios.push(r);
      if (r.async < 1.3 && r.threads > 1.15 && r.processes > 1.15) return;
    }
    throw new Error(`no attempt showed the shape (speedups vs serial): ${JSON.stringify(ratios)}`);
  });

  it("blocking sleepSync serialises %%async but not %%threads", async () => {
    const a = timing(await session.execute("%%async -n 3\nsleepSync(200);"));
    const t = timing(await session.execute("%%threads -n 3\nsleepSync(200);"));
    expect(a.wall_ms).toBeGreaterThan(550);
    const span = Math.max(...t.tasks.map((x) => x.end_ms ?? 0)) - Math.min(...t.tasks.map((x) => x.start_ms ?? 0));
    expect(span).toBeLessThan(450);
  });
});

describe("capture", () => {
  it.each(["threads", "processes"])(
    "%%%s gets copies of a function, what it calls, a constant and an import",
    async (magic) => {
      const ex = await session.execute(`%%${magic} -n 2\nreturn [countPrimes(0, 100), SPAN, typeof os.cpus];`);
      expect(ex.reply.content.status).toBe("ok");
      expect(result(ex)).toBe("[ [ 25, 400000, 'function' ], [ 25, 400000, 'function' ] ]");
    },
  );

  it("refuses a closure over a local before anything starts, naming it and its cell", async () => {
    await session.execute("function makeAdder(k: number) { return (x: number) => x + k; }\nconst add2 = makeAdder(2);");
    const ex = await session.execute("%%threads -n 2\nreturn add2(task.i);");
    expect(ex.reply.content).toMatchObject({ status: "error", ename: "CaptureError" });
    expect(String(ex.reply.content.evalue)).toMatch(/'add2' \(defined in cell \[\d+\]\) reads 'k'/);
    expect(ofType(ex.iopub, "display_data")).toHaveLength(0);
  });

  it("refuses a SharedArrayBuffer for processes but shares it with threads", async () => {
    await session.execute("const shared = new Int32Array(new SharedArrayBuffer(8));");
    const p = await session.execute("%%processes -n 2\nreturn shared[0];");
    expect(p.reply.content).toMatchObject({ status: "error", ename: "CaptureError" });
    expect(String(p.reply.content.evalue)).toMatch(/SharedArrayBuffer/);
    const t = await session.execute("%%threads -n 4\nAtomics.add(shared, 0, 1);");
    expect(t.reply.content.status).toBe("ok");
    expect(await session.value("shared[0]")).toBe("4");
  });

  it("refuses #private members, which a copy cannot carry", async () => {
    await session.execute("class Secret { #key = 1; reveal() { return this.#key; } }\nconst secret = new Secret();");
    const ex = await session.execute("%%threads -n 1\nreturn secret.reveal();");
    expect(ex.reply.content).toMatchObject({ status: "error", ename: "CaptureError" });
    expect(String(ex.reply.content.evalue)).toMatch(
      /'secret' \(defined in cell \[\d+\]\) is a Secret, whose class Secret has #private members/,
    );
  });

  it("lets many async tasks wait on the cell's signal without a listener warning", async () => {
    const ex = await session.execute("%%async -n 30 --quiet\nawait sleep(10);\nreturn 1;");
    expect(ex.reply.content.status).toBe("ok");
    expect(
      ofType(ex.iopub, "stream")
        .map((m) => String(m.content.text))
        .join(""),
    ).not.toMatch(/MaxListeners/);
  });

  it("reads an earlier cell's name through an object shorthand, in a cell and in a task", async () => {
    expect(await session.value("({ SPAN })")).toBe("{ SPAN: 400000 }");
    expect(result(await session.execute("%%threads -n 1\nreturn { SPAN };"))).toBe("[ { SPAN: 400000 } ]");
  });

  it("refuses a stream", async () => {
    const ex = await session.execute("%%threads -n 1\nprocess.stdout.write(String(process.stdin));\nreturn 1;");
    expect(ex.reply.content.status).toBe("ok");
    await session.execute("const { PassThrough } = require('stream'); const pipe = new PassThrough();");
    const refused = await session.execute("%%threads -n 1\nreturn pipe;");
    expect(refused.reply.content).toMatchObject({ status: "error", ename: "CaptureError" });
  });
});

describe("deep capture", () => {
  beforeAll(async () => {
    await session.execute(
      [
        "class Point { constructor(public x: number, public y: number) {} norm() { return Math.hypot(this.x, this.y); } }",
        "const pts = [new Point(3, 4), new Point(6, 8)];",
        "const shape = { name: 'tri', corners: [new Point(0, 1)], byName: new Map([['a', new Point(5, 12)]]) };",
        "shape.corners.push(shape.corners[0]);",
      ].join("\n"),
    );
  });

  it.each(["threads", "processes"])(
    "%%%s: Points arrive as Points through --map, a captured name and nested in an object",
    async (magic) => {
      expect(result(await session.execute(`%%${magic} --map pts\nreturn task.item.norm();`))).toBe("[ 5, 10 ]");
      expect(result(await session.execute(`%%${magic} -n 1\nreturn [pts[1].norm(), pts[0] instanceof Point];`))).toBe(
        "[ [ 10, true ] ]",
      );
      const nested = await session.execute(
        `%%${magic} -n 1\nreturn [shape.corners[0].norm(), shape.byName.get("a")!.norm(), shape.corners[0] === shape.corners[1]];`,
      );
      expect(result(nested)).toBe("[ [ 1, 13, true ] ]");
    },
  );

  it.each(["threads", "processes"])(
    "%%%s: a function inside data is refused with its path, before anything starts",
    async (magic) => {
      await session.execute(
        "const cfg = { items: [1, 2, { fn: (x: number) => x }] };\nconst jobs = [{ run: () => 1 }];",
      );
      const named = await session.execute(`%%${magic} -n 1\nreturn cfg.items.length;`);
      expect(named.reply.content).toMatchObject({ status: "error", ename: "CaptureError" });
      expect(String(named.reply.content.evalue)).toMatch(
        /^'cfg\.items\[2\]\.fn' \('cfg' defined in cell \[\d+\]\) is a function/,
      );
      expect(ofType(named.iopub, "display_data")).toHaveLength(0);
      const mapped = await session.execute(`%%${magic} --map jobs\nreturn 1;`);
      expect(String(mapped.reply.content.evalue)).toMatch(/^'jobs\[0\]\.run' \(an item of --map jobs\) is a function/);
    },
  );

  it("refuses a symbol and a getter inside data", async () => {
    await session.execute(
      "const tagged = { kind: Symbol('k') };\nconst lazy = { a: 1, get twice() { return this.a * 2; } };",
    );
    const sym = await session.execute("%%processes -n 1\nreturn tagged;");
    expect(String(sym.reply.content.evalue)).toMatch(
      /^'tagged\.kind' \('tagged' defined in cell \[\d+\]\) is a symbol/,
    );
    const getter = await session.execute("%%threads -n 1\nreturn lazy.twice;");
    expect(String(getter.reply.content.evalue)).toMatch(
      /^'lazy\.twice' \('lazy' defined in cell \[\d+\]\) is a getter/,
    );
  });
});

describe("faults", () => {
  it.each(["threads", "processes"])(
    "%%%s: a worker that exits fails only its own task; the pool replaces it",
    async (magic) => {
      const ex = await session.execute(
        `%%${magic} -n 3\nif (task.i === 1) process.exit(1);\nawait sleep(50);\nreturn task.i;`,
      );
      expect(ex.reply.content).toMatchObject({ status: "error", ename: "WorkerCrashed" });
      expect(timing(ex).tasks.map((x) => x.status)).toEqual(["ok", "crashed", "ok"]);
      const again = await session.execute(`%%${magic} -n 3\nreturn task.i;`);
      expect(result(again)).toBe("[ 0, 1, 2 ]");
    },
  );

  it.each(["serial", "async", "threads", "processes"])(
    "%%%s: interrupt stops the tasks and the kernel goes on",
    async (magic) => {
      const body = magic === "threads" || magic === "processes" ? "while (true) {}" : "await sleep(60000);";
      const pending = session.startExecute(`%%${magic} -n 2\nconsole.log("started");\n${body}`);
      await session.next(
        (m) => m.header.msg_type === "stream" && String(m.content.text).includes("started"),
        "a task to start",
      );
      await session.request("control", "interrupt_request", {});
      const ex = await pending.done;
      expect(ex.reply.content).toMatchObject({ status: "error" });
      expect(["KeyboardInterrupt", "TaskError"]).toContain(ex.reply.content.ename);
      expect(await session.value("'still here'")).toBe("'still here'");
    },
  );

  it("bad magics and flags say what is valid", async () => {
    const unknown = await session.execute("%%thread -n 2\nreturn 1;");
    expect(unknown.reply.content).toMatchObject({ status: "error", ename: "UsageError" });
    expect(String(unknown.reply.content.evalue)).toMatch(/Known magics: %%threads/);
    const flag = await session.execute("%%threads --speed 9\nreturn 1;");
    expect(String(flag.reply.content.evalue)).toMatch(/does not take '--speed'.*Valid options/);
    const help = await session.execute("%%processes?");
    expect(
      ofType(help.iopub, "stream")
        .map((m) => m.content.text)
        .join(""),
    ).toMatch(/--fresh/);
  });
});

describe("options and companions", () => {
  it("--map hands one element to each task and sets n", async () => {
    const ex = await session.execute(`%%threads --map "['a', 'bb', 'ccc']"\nreturn task.item.length * 10 + task.n;`);
    expect(result(ex)).toBe("[ 13, 23, 33 ]");
  });

  it("--share copies exactly the names given", async () => {
    const ex = await session.execute("%%processes -n 1 --share SPAN\nreturn SPAN;");
    expect(result(ex)).toBe("[ 400000 ]");
    const missing = await session.execute("%%processes -n 1 --share nope\nreturn 1;");
    expect(String(missing.reply.content.evalue)).toMatch(/--share names 'nope', which no cell has defined/);
  });

  it("--group collates output by task; --quiet draws no report", async () => {
    const ex = await session.execute(
      "%%async -n 2 --group --quiet\nconsole.log('a', task.i); await sleep(20 * (2 - task.i)); console.log('b', task.i);",
    );
    const text = ofType(ex.iopub, "stream")
      .map((m) => String(m.content.text))
      .join("");
    expect(text).toBe("[task 0] a 0\n[task 0] b 0\n[task 1] a 1\n[task 1] b 1\n");
    expect(ofType(ex.iopub, "display_data")).toHaveLength(0);
  });

  it("--fresh starts new workers and shows their start-up", async () => {
    const t = timing(await session.execute("%%threads -n 2 --fresh\nreturn 1;"));
    expect(t.tasks.every((x) => (x.startup_ms ?? 0) > 0)).toBe(true);
  });

  it("%%compare runs the body under every model as one live report, and tabulates them", async () => {
    const ex = await session.execute("%%compare -n 2\nawait sleep(100);\nreturn task.i;");
    expect(ex.reply.content.status).toBe("ok");
    // One display, redrawn in place as each model runs: a display_data, then updates to it.
    const shown = ofType(ex.iopub, "display_data");
    expect(shown).toHaveLength(1);
    const id = (shown[0].content.transient as { display_id: string }).display_id;
    const updates = ofType(ex.iopub, "update_display_data");
    expect(updates.length).toBeGreaterThanOrEqual(3);
    expect(updates.every((m) => (m.content.transient as { display_id: string }).display_id === id)).toBe(true);
    const last = updates[updates.length - 1].content;
    const meta = last.metadata as { timing: TimingMetadata[]; comparison: { model: string; speedup: number | null }[] };
    expect(meta.timing.map((t) => t.executor)).toEqual(["serial", "async", "threads", "processes"]);
    expect(meta.comparison.map((r) => r.model)).toEqual(["serial", "async", "threads", "processes"]);
    expect(meta.comparison[0].speedup).toBe(1);
    const data = last.data as Record<string, string>;
    expect(data["text/plain"]).toMatch(/speedup vs serial[\s\S]*%%processes/);
    expect(data["text/html"].match(/→ %%(serial|async|threads|processes)/g)).toEqual([
      "→ %%serial",
      "→ %%async",
      "→ %%threads",
      "→ %%processes",
    ]);
    expect(data["image/svg+xml"].match(/<svg /g)).toHaveLength(5);
  });

  it("%time and %timeit print IPython's formats", async () => {
    const t = await session.execute("%time countPrimes(0, 1000)");
    expect(result(t)).toBe("168");
    expect(
      ofType(t.iopub, "stream")
        .map((m) => m.content.text)
        .join(""),
    ).toMatch(/CPU times: user .*\nWall time: /);
    const ti = await session.execute("%%timeit\ncountPrimes(0, 100)");
    expect(
      ofType(ti.iopub, "stream")
        .map((m) => m.content.text)
        .join(""),
    ).toMatch(/± .* per loop \(mean ± std\. dev\. of 7 runs, \d+ loops? each\)/);
  });

  it.each([
    ["%%async -n 1000", "return task.i;"],
    ["%%threads -n 1000 -w 4", "return task.i;"],
  ])("%s keeps the report small and readable", async (magic, body) => {
    const ex = await session.execute(`${magic}\n${body}`);
    expect(ex.reply.content.status).toBe("ok");
    const reports = ex.iopub.filter((m) => ["display_data", "update_display_data"].includes(m.header.msg_type));
    const html = String((reports[reports.length - 1].content.data as Record<string, unknown>)["text/html"]);
    expect(html.length).toBeLessThan(100_000);
    expect(reports.length).toBeLessThan(200);
  });

  it("%%async -n 10000 of sleep(500) overlaps the waits and keeps metadata.timing under 200 kB", async () => {
    const ex = await session.execute("%%async -n 10000\nawait sleep(500);");
    expect(ex.reply.content.status).toBe("ok");
    const reports = ex.iopub.filter((m) => ["display_data", "update_display_data"].includes(m.header.msg_type));
    const meta = reports[reports.length - 1].content.metadata as { timing: TimingMetadata };
    expect(JSON.stringify(meta.timing).length).toBeLessThan(200_000);
    const t = timing(ex);
    expect(t.tasks).toHaveLength(10_000);
    expect(t.tasks.every((x) => x.status === "ok")).toBe(true);
    // Generous: one wait is 500 ms; ten thousand one after another would be 5,000 s.
    expect(t.wall_ms).toBeLessThan(10_000);
  });

  it("measures what tasks hold: a thread's heap and a process's RSS far above an async task's share", async () => {
    const perUnit = async (cell: string) => {
      const ex = await session.execute(cell);
      const memory = timing(ex).memory;
      expect(memory).toBeDefined();
      const reports = ex.iopub.filter((m) => ["display_data", "update_display_data"].includes(m.header.msg_type));
      const text = String((reports[reports.length - 1].content.data as Record<string, unknown>)["text/plain"]);
      return { basis: memory!.basis, each: memory!.total_bytes / memory!.units, text };
    };
    const async = await perUnit("%%async -n 2000\nawait sleep(100);");
    const threads = await perUnit("%%threads -n 4\nawait sleep(100);");
    const processes = await perUnit("%%processes -n 2\nawait sleep(100);");
    expect([async.basis, threads.basis, processes.basis]).toEqual(["kernel-heap", "thread-heap", "process-rss"]);
    // Measured: ~4 kB per pending async task, ~10 MB per thread, ~60 MB per process.
    expect(async.each).toBeLessThan(100_000);
    expect(threads.each).toBeGreaterThan(10 * async.each);
    expect(processes.each).toBeGreaterThan(10 * async.each);
    expect(async.text).toMatch(/^memory: kernel heap \+.* with 2000 tasks pending = .* per task/m);
    expect(threads.text).toMatch(/^memory: \d threads × [\d.]+ MB = /m);
    expect(processes.text).toMatch(/^memory: \d process(es)? × [\d.]+ MB = /m);
  });
});

describe("shutdown", () => {
  it("leaves no worker threads or child processes behind", async () => {
    const own = await KernelSession.start();
    await own.execute("%%processes -n 2\nreturn process.pid;");
    await own.execute("%%threads -n 2\nreturn 1;");
    const pid = own.kernel.child.pid!;
    const children = () => {
      try {
        return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
          .trim()
          .split("\n")
          .filter(Boolean);
      } catch {
        return [];
      }
    };
    expect(children().length).toBeGreaterThanOrEqual(2);
    const kids = children();
    // stop() resolves once the kernel has exited, and the kernel waits for its workers before it exits.
    await own.stop();
    for (const kid of kids) {
      expect(() => process.kill(Number(kid), 0)).toThrow();
    }
  });
});
