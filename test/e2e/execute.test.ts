import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  Exchange,
  kinds,
  KernelSession,
  makeTempDir,
  ofType,
  onlyOfType,
  removeDir,
  resultText,
  streamText,
} from "./helpers";

describe("execute_request", () => {
  let session: KernelSession;
  let notebookDir: string;

  beforeAll(async () => {
    // A folder with no node_modules anywhere above it: the kernel must still know Node's types.
    notebookDir = await makeTempDir("execute");
    session = await KernelSession.start({ cwd: notebookDir });
  });

  afterAll(async () => {
    await session?.stop();
    await removeDir(notebookDir);
  });

  const countOf = (exchange: Exchange) => exchange.reply.content.execution_count as number;

  it("publishes execute_input with the count, then the result in Node's inspect style", async () => {
    const code = "const shape = { a: 1, nested: { b: [1, 2] } };\nshape";
    const exchange = await session.execute(code);

    expect(exchange.reply.content).toMatchObject({ status: "ok", user_expressions: {}, payload: [] });
    const count = countOf(exchange);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(kinds(exchange.iopub)).toEqual(["status:busy", "execute_input", "execute_result", "status:idle"]);
    expect(exchange.iopub[1].content).toEqual({ code, execution_count: count });
    expect(exchange.iopub[2].content).toEqual({
      execution_count: count,
      data: { "text/plain": "{ a: 1, nested: { b: [ 1, 2 ] } }" },
      metadata: {},
    });
  });

  it("quotes strings and shows other values as Node's REPL would", async () => {
    expect(await session.value("'str'")).toBe("'str'");
    expect(await session.value("[1, 'two', null]")).toBe("[ 1, 'two', null ]");
    expect(await session.value("new Map([['k', 1]])")).toBe("Map(1) { 'k' => 1 }");
    expect(await session.value("let nothing: undefined = undefined; nothing")).toBeUndefined();
  });

  it("type-checks and runs console.log in a folder without node_modules", async () => {
    const exchange = await session.execute('console.log("no node_modules needed"); process.cwd()');
    expect(exchange.reply.content.status).toBe("ok");
    expect(streamText(exchange.iopub, "stdout")).toBe("no node_modules needed\n");
    expect(resultText(exchange.iopub)).toContain("tsck-e2e-execute-");
  });

  it("sends stdout and stderr as separate streams, in order", async () => {
    const exchange = await session.execute(
      'console.log("out 1"); console.error("err 1"); process.stdout.write("out 2\\n"); console.warn("err 2")',
    );
    const streams = ofType(exchange.iopub, "stream").map((m) => [m.content.name, m.content.text]);
    expect(streams).toEqual([
      ["stdout", "out 1\n"],
      ["stderr", "err 1\n"],
      ["stdout", "out 2\n"],
      ["stderr", "err 2\n"],
    ]);
  });

  it("increments execution_count only for store_history requests, and silent ones publish nothing", async () => {
    const first = countOf(await session.execute("1"));

    const silent = await session.execute("2", { silent: true });
    expect(silent.reply.content.status).toBe("ok");
    expect(countOf(silent)).toBe(first);
    expect(ofType(silent.iopub, "execute_input")).toEqual([]);
    expect(ofType(silent.iopub, "execute_result")).toEqual([]);

    const unstored = await session.execute("3", { store_history: false });
    expect(countOf(unstored)).toBe(first);
    expect(onlyOfType(unstored.iopub, "execute_input").content.execution_count).toBe(first);
    expect(onlyOfType(unstored.iopub, "execute_result").content).toMatchObject({ execution_count: first });

    const next = await session.execute("4");
    expect(countOf(next)).toBe(first + 1);
    expect(onlyOfType(next.iopub, "execute_input").content.execution_count).toBe(first + 1);
  });

  it("evaluates user_expressions after the cell, reporting each one's success or error", async () => {
    const exchange = await session.execute("const base = 21", {
      user_expressions: {
        doubled: "base * 2",
        label: "`base=${base}`",
        undeclared: "nowhere.x",
        thrown: "(() => { throw new RangeError('out of range') })()",
      },
    });
    const expressions = exchange.reply.content.user_expressions as Record<string, Record<string, unknown>>;
    expect(expressions.doubled).toEqual({ status: "ok", data: { "text/plain": "42" }, metadata: {} });
    expect(expressions.label).toEqual({ status: "ok", data: { "text/plain": "'base=21'" }, metadata: {} });
    expect(expressions.undeclared).toMatchObject({ status: "error", ename: "TSError" });
    expect(String(expressions.undeclared.evalue)).toContain("nowhere");
    expect(expressions.thrown).toMatchObject({ status: "error", ename: "RangeError", evalue: "out of range" });
    expect(Array.isArray(expressions.thrown.traceback)).toBe(true);
  });

  it("sets metadata.started on the reply", async () => {
    const before = Date.now();
    const exchange = await session.execute("5");
    const started = Date.parse(String(exchange.reply.metadata.started));
    expect(Number.isNaN(started)).toBe(false);
    expect(started).toBeGreaterThanOrEqual(before - 5000);
    expect(started).toBeLessThanOrEqual(Date.now() + 5000);
  });

  it("reports a runtime error on iopub and in the reply", async () => {
    const exchange = await session.execute('console.log("before");\nthrow new TypeError("boom")');
    expect(kinds(exchange.iopub)).toEqual(["status:busy", "execute_input", "stream", "error", "status:idle"]);
    const error = exchange.iopub[3].content;
    expect(error).toMatchObject({ ename: "TypeError", evalue: "boom" });
    expect((error.traceback as string[]).join("\n")).toContain("TypeError: boom");
    expect(exchange.reply.content).toEqual({
      status: "error",
      ename: "TypeError",
      evalue: "boom",
      traceback: error.traceback,
      execution_count: expect.any(Number),
    });
  });

  it("names the TypeScript cell's own lines in a runtime stack, and quotes the failing line", async () => {
    // Types and an interface make the compiled JavaScript's lines differ from the cell's.
    const define = await session.execute(
      [
        "interface Shape { sides: number }",
        "",
        "function check(s: Shape): number {",
        "  if (s.sides < 3) {",
        '    throw new RangeError("too few sides");',
        "  }",
        "  return s.sides;",
        "}",
      ].join("\n"),
    );
    const cellA = define.reply.content.execution_count;
    const call = await session.execute("const ok: number = 1;\n\ncheck({ sides: 2 } as Shape);");
    const cellB = call.reply.content.execution_count;
    const traceback = (onlyOfType(call.iopub, "error").content.traceback as string[]).join("\n");
    expect(traceback).toMatch(new RegExp(`check \\(Cell\\[${cellA}\\]:5:11\\)`));
    expect(traceback).toContain('       5 |     throw new RangeError("too few sides");');
    expect(traceback).toMatch(new RegExp(`Cell\\[${cellB}\\]:3:1`));
    // The cell's own code reading e.stack sees the same positions.
    const stack = await session.value(
      'let seen = "";\ntry { check({ sides: 1 } as Shape) } catch (e) { seen = (e as Error).stack! }\nseen.split("\\n")[1]',
    );
    expect(stack).toMatch(/Cell\[\d+\]:5:11/);
  });

  it("reports a thrown non-Error value", async () => {
    const exchange = await session.execute('throw "plain string"');
    expect(exchange.reply.content).toMatchObject({ status: "error", evalue: "plain string" });
  });

  it("rejects a type error as TSError with the cell's line and column, without running the cell", async () => {
    const exchange = await session.execute('console.log("must not run");\nconst n: number = "text";');
    expect(streamText(exchange.iopub, "stdout")).toBe("");
    expect(exchange.reply.content).toMatchObject({ status: "error", ename: "TSError" });
    const error = onlyOfType(exchange.iopub, "error").content;
    expect(error.ename).toBe("TSError");
    expect(String(error.evalue)).toContain("not assignable to type 'number'");
    expect((error.traceback as string[]).join("\n")).toMatch(/Cell\[\d+\]:2:7: /);
  });

  it("aborts the requests queued behind a failing cell when stop_on_error is set", async () => {
    const failing = session.startExecute('throw new Error("first fails")');
    const second = session.startExecute('console.log("second ran")');
    const third = session.startExecute('console.log("third ran")');
    const [a, b, c] = await Promise.all([failing.done, second.done, third.done]);

    expect(a.reply.content).toMatchObject({ status: "error", evalue: "first fails" });
    for (const aborted of [b, c]) {
      expect(aborted.reply.content.status).toBe("aborted");
      expect(kinds(aborted.iopub)).toEqual(["status:busy", "status:idle"]);
    }
    // The queue is running again afterwards.
    expect(await session.value("'after abort'")).toBe("'after abort'");
  });

  it("runs the requests queued behind a failing cell when stop_on_error is false", async () => {
    const options = { stop_on_error: false };
    const failing = session.startExecute('throw new Error("first fails")', options);
    const second = session.startExecute('console.log("second ran")', options);
    const third = session.startExecute('console.log("third ran")', options);
    const [a, b, c] = await Promise.all([failing.done, second.done, third.done]);

    expect(a.reply.content.status).toBe("error");
    expect(b.reply.content.status).toBe("ok");
    expect(streamText(b.iopub, "stdout")).toBe("second ran\n");
    expect(c.reply.content.status).toBe("ok");
    expect(streamText(c.iopub, "stdout")).toBe("third ran\n");
    expect(countOf(c)).toBe(countOf(a) + 2);
  });

  it("handles requests in the order they were sent", async () => {
    const pending = [0, 1, 2, 3, 4].map((i) => session.startExecute(`console.log("cell ${i}"); ${i}`));
    const done = await Promise.all(pending.map((p) => p.done));
    const counts = done.map(countOf);
    expect(counts).toEqual([counts[0], counts[0] + 1, counts[0] + 2, counts[0] + 3, counts[0] + 4]);
    done.forEach((exchange, i) => expect(resultText(exchange.iopub)).toBe(String(i)));
    const busyOrder = session.log
      .filter((m) => m.header.msg_type === "execute_input")
      .map((m) => m.content.code)
      .filter((code) => String(code).startsWith('console.log("cell '));
    expect(busyOrder).toEqual([0, 1, 2, 3, 4].map((i) => `console.log("cell ${i}"); ${i}`));
  });
});
