import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Message } from "../../src/protocol/message";
import { kinds, KernelSession, ofType, onlyOfType, parentId, resultText, streamText } from "./helpers";

const dataOf = (message: Message) => message.content.data as Record<string, unknown>;
const transientOf = (message: Message) => message.content.transient as Record<string, unknown> | undefined;

let session: KernelSession;

beforeAll(async () => {
  session = await KernelSession.start();
});

afterAll(async () => {
  await session?.stop();
});

describe("rich output", () => {
  it("publishes display_data for html, markdown, svg and base64 png", async () => {
    const pngBytes = [137, 80, 78, 71, 13, 10, 26, 10];
    const svg = "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'></svg>";
    const exchange = await session.execute(
      [
        'display.html("<b>bold</b>");',
        'display.markdown("# Title");',
        `display.svg(${JSON.stringify(svg)});`,
        `display.png(new Uint8Array(${JSON.stringify(pngBytes)}));`,
      ].join("\n"),
    );

    expect(kinds(exchange.iopub)).toEqual([
      "status:busy",
      "execute_input",
      "display_data",
      "display_data",
      "display_data",
      "display_data",
      "status:idle",
    ]);
    const [html, markdown, image, png] = ofType(exchange.iopub, "display_data");
    expect(dataOf(html)["text/html"]).toBe("<b>bold</b>");
    expect(dataOf(markdown)["text/markdown"]).toBe("# Title");
    expect(dataOf(image)["image/svg+xml"]).toBe(svg);
    expect(dataOf(png)["image/png"]).toBe(Buffer.from(pngBytes).toString("base64"));
    for (const message of [html, markdown, image, png]) {
      expect(typeof dataOf(message)["text/plain"]).toBe("string");
      expect(message.content.metadata).toEqual({});
    }
  });

  it("renders any value with display(), as text/plain in inspect style", async () => {
    const exchange = await session.execute("display({ list: [1, 2], label: 'x' })");
    expect(dataOf(onlyOfType(exchange.iopub, "display_data"))).toEqual({
      "text/plain": "{ list: [ 1, 2 ], label: 'x' }",
    });
  });

  it("updates a display by id with update_display_data", async () => {
    const exchange = await session.execute(
      'display("first", { id: "progress" });\nconsole.log("between");\ndisplay("second", { id: "progress", update: true })',
    );
    expect(kinds(exchange.iopub)).toEqual([
      "status:busy",
      "execute_input",
      "display_data",
      "stream",
      "update_display_data",
      "status:idle",
    ]);
    const [shown, , updated] = exchange.iopub.slice(2);
    expect(dataOf(shown)).toEqual({ "text/plain": "'first'" });
    expect(transientOf(shown)).toEqual({ display_id: "progress" });
    expect(dataOf(updated)).toEqual({ "text/plain": "'second'" });
    expect(transientOf(updated)).toEqual({ display_id: "progress" });
  });

  it("updates a display shown by an earlier cell", async () => {
    await session.execute('display.text("v1", { id: "across-cells" })');
    const exchange = await session.execute('display.text("v2", { id: "across-cells", update: true })');
    const updated = onlyOfType(exchange.iopub, "update_display_data");
    expect(dataOf(updated)["text/plain"]).toBe("v2");
    expect(transientOf(updated)).toEqual({ display_id: "across-cells" });
  });

  it("publishes clear_output with wait true or false", async () => {
    const exchange = await session.execute("clearOutput({ wait: true });\nclearOutput()");
    expect(ofType(exchange.iopub, "clear_output").map((m) => m.content)).toEqual([{ wait: true }, { wait: false }]);
  });

  it("uses the bundle of a Jupyter.display object returned as the cell's value", async () => {
    const exchange = await session.execute(
      '({ [Symbol.for("Jupyter.display")]() { return { "text/html": "<i>custom</i>", "text/plain": "custom" }; } })',
    );
    const result = onlyOfType(exchange.iopub, "execute_result");
    expect(result.content.data).toEqual({ "text/html": "<i>custom</i>", "text/plain": "custom" });
    expect(result.content.execution_count).toBe(exchange.reply.content.execution_count);
  });

  it("keeps tslab notebooks working: tslab.display and tslab.newDisplay", async () => {
    const exchange = await session.execute(
      [
        'import * as tslab from "tslab";',
        'tslab.display.html("<p>from tslab</p>");',
        "const live = tslab.newDisplay();",
        'live.text("step 1");',
        'live.text("step 2");',
      ].join("\n"),
    );
    expect(exchange.reply.content.status).toBe("ok");
    const [html, step1] = ofType(exchange.iopub, "display_data");
    expect(dataOf(html)["text/html"]).toBe("<p>from tslab</p>");
    expect(dataOf(step1)["text/plain"]).toBe("step 1");
    const step2 = onlyOfType(exchange.iopub, "update_display_data");
    expect(dataOf(step2)["text/plain"]).toBe("step 2");
    expect(transientOf(step2)?.display_id).toBe(transientOf(step1)?.display_id);
    expect(transientOf(step1)?.display_id).toEqual(expect.any(String));
  });
});

describe("stream output", () => {
  it("sends output a timer prints after the cell finished to that cell, even while another cell runs", async () => {
    // Both are queued before the first runs, so the second has started long before the timer fires.
    const early = session.startExecute('setTimeout(() => console.log("late"), 300);\n1');
    const next = session.startExecute('await sleep(1500);\n"second done"');
    const late = session.next((m) => m.header.msg_type === "stream" && m.content.text === "late\n", "the late line");

    const earlyDone = await early.done;
    expect(resultText(earlyDone.iopub)).toBe("1");
    expect(streamText(earlyDone.iopub, "stdout")).toBe("");

    const lateMessage = await late;
    expect(parentId(lateMessage)).toBe(early.request.header.msg_id);
    expect(lateMessage.content.name).toBe("stdout");
    const secondStarted = session.log.findIndex((m) => parentId(m) === next.request.header.msg_id);
    expect(secondStarted).toBeGreaterThanOrEqual(0);
    expect(secondStarted).toBeLessThan(session.log.indexOf(lateMessage));

    const nextDone = await next.done;
    expect(resultText(nextDone.iopub)).toBe("'second done'");
    expect(streamText(nextDone.iopub, "stdout")).toBe("");
  });

  /**
   * On Node 20 and 22 the kernel follows a cell's promises without V8's promise hooks (runtime/
   * scope-tracking.ts): each way async code resumes is placed by its own means. All of them here.
   */
  it("sends what a finished cell's async code prints after every kind of wait to that cell", async () => {
    const lines = [
      "fn after await",
      "fn in catch",
      "fn in finally",
      "then callback",
      "for await 1",
      "for await 2",
      "after for await",
      "tick",
      "microtask",
      "fs callback",
      "last",
    ];
    const early = session.startExecute(
      [
        'import * as fs from "fs";',
        "async function later(tag: string) {",
        "  await sleep(20);",
        "  console.log(`${tag} after await`);",
        '  try { await Promise.reject(new Error("no")); } catch { console.log(`${tag} in catch`); }',
        "  finally { console.log(`${tag} in finally`); }",
        "}",
        "async function* twoTicks() { yield 1; await sleep(10); yield 2; }",
        "void (async () => {",
        "  await sleep(300);",
        "  await later('fn');",
        "  for await (const t of twoTicks()) console.log(`for await ${t}`);",
        '  console.log("after for await");',
        '  process.nextTick(() => console.log("tick"));',
        '  queueMicrotask(() => console.log("microtask"));',
        '  await new Promise<void>((resolve) => fs.stat(".", () => { console.log("fs callback"); resolve(); }));',
        "  await sleep(20);",
        '  console.log("last");',
        "})();",
        // From timers, so that they run while the other cell's awaits are what ran last.
        'setTimeout(() => { Promise.resolve().then(() => console.log("then callback")); }, 350);',
        'setTimeout(() => { Promise.reject(new Error("late rejection")); }, 450);',
        "1",
      ].join("\n"),
    );
    // Awaiting often, so that its cell is the one resumed last when the first cell's work runs.
    const next = session.startExecute('for (let i = 0; i < 150; i++) await sleep(10);\n"second done"');
    const rejected = session.next(
      (m) => m.header.msg_type === "stream" && String(m.content.text).includes("late rejection"),
      "the late rejection",
    );
    expect(resultText((await early.done).iopub)).toBe("1");
    const rejection = await rejected;
    const nextDone = await next.done;

    const fromEarly = session.log.filter(
      (m) => m.header.msg_type === "stream" && parentId(m) === early.request.header.msg_id,
    );
    const stdout = fromEarly.filter((m) => m.content.name === "stdout").map((m) => String(m.content.text));
    expect(stdout.join("").split("\n").filter(Boolean).sort()).toEqual([...lines].sort());
    expect(parentId(rejection)).toBe(early.request.header.msg_id);
    expect(String(rejection.content.text)).toMatch(/^Unhandled promise rejection: Error: late rejection/);
    expect(streamText(nextDone.iopub, "stdout")).toBe("");
    expect(streamText(nextDone.iopub, "stderr")).toBe("");
  });

  it("delivers 20,000 lines in order before idle", async () => {
    const exchange = await session.execute("for (let i = 0; i < 20000; i++) console.log(i)");
    const lines = streamText(exchange.iopub, "stdout").split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(20000);
    expect(lines.every((line, i) => line === String(i))).toBe(true);
  });

  it("keeps stdout and stderr interleaved as written while a cell writes a lot", async () => {
    const exchange = await session.execute(
      "for (let i = 0; i < 300; i++) { console.log(`out ${i}`); if (i % 100 === 99) console.error(`err ${i}`); }",
    );
    const written = ofType(exchange.iopub, "stream").flatMap((m) =>
      String(m.content.text)
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => `${m.content.name}:${line}`),
    );
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) {
      expected.push(`stdout:out ${i}`);
      if (i % 100 === 99) expected.push(`stderr:err ${i}`);
    }
    expect(written).toEqual(expected);
    expect(streamText(exchange.iopub, "stderr")).toBe("err 99\nerr 199\nerr 299\n");
  });

  // Last in the file: the kernel follows promises by V8's hooks from then on, as before this mechanism.
  it("keeps a notebook's own AsyncLocalStorage across awaits, and cell output where it belongs", async () => {
    expect(
      await session.value(
        'import { AsyncLocalStorage } from "async_hooks";\n' +
          "const mine = new AsyncLocalStorage<string>();\n" +
          'await mine.run("kept", async () => { await sleep(5); await Promise.resolve(); return mine.getStore(); })',
      ),
    ).toBe("'kept'");
    const early = session.startExecute('void (async () => { await sleep(200); console.log("still routed"); })();\n1');
    const next = session.startExecute('for (let i = 0; i < 50; i++) await sleep(10);\n"second done"');
    const late = session.next((m) => m.header.msg_type === "stream" && m.content.text === "still routed\n", "the line");
    await early.done;
    expect(parentId(await late)).toBe(early.request.header.msg_id);
    expect(streamText((await next.done).iopub, "stdout")).toBe("");
  });
});
