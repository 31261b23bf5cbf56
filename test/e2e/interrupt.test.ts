import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Exchange, isDisplayOf, KernelSession, onlyOfType } from "./helpers";

/**
 * Each cell shows a "started" token with display.text, which is published at once even when the
 * cell then blocks its thread, so the interrupt is sent only once the cell is really running. A
 * cell that awaits shows it from a timer instead, so the interrupt finds it inside the await, not
 * still in the synchronous part of its script.
 */
describe("interrupting a cell", () => {
  let session: KernelSession;

  beforeAll(async () => {
    session = await KernelSession.start();
    expect(await session.value("const survivor = 41; let runs = 0; survivor")).toBe("41");
  });

  afterAll(async () => {
    await session?.stop();
  });

  async function interrupt(body: string, how: "interrupt_request" | "SIGINT"): Promise<Exchange> {
    const token = `started ${Math.random()}`;
    const show = `display.text(${JSON.stringify(token)})`;
    const announce = body.includes("await") ? `setTimeout(() => ${show}, 0);` : `${show};`;
    const started = session.next(isDisplayOf(token), `the cell to show "${token}"`);
    const pending = session.startExecute(`runs++;\n${announce}\n${body}`);
    await started;

    if (how === "SIGINT") {
      expect(session.kernel.child.kill("SIGINT")).toBe(true);
    } else {
      const { reply } = await session.request("control", "interrupt_request", {});
      expect(reply.content).toEqual({ status: "ok" });
    }
    return pending.done;
  }

  function expectKeyboardInterrupt(exchange: Exchange): void {
    const { status, ename, evalue, traceback } = exchange.reply.content as Record<string, unknown>;
    // One string, so that a failure shows what the cell ended with instead.
    expect(`${status} ${ename}: ${evalue}\n${(traceback as string[] | undefined)?.join("\n")}`).toMatch(
      /^error KeyboardInterrupt: /,
    );
    expect(onlyOfType(exchange.iopub, "error").content).toMatchObject({ ename: "KeyboardInterrupt" });
  }

  async function expectStateSurvived(): Promise<void> {
    expect(await session.value("survivor + 1")).toBe("42");
  }

  it.each([
    ["while (true) {}", "interrupt_request"],
    ["while (true) {}", "SIGINT"],
    ["await sleep(100000)", "interrupt_request"],
    ["await sleep(100000)", "SIGINT"],
    ["sleepSync(100000)", "interrupt_request"],
    ["sleepSync(100000)", "SIGINT"],
  ] as const)("stops %s by %s, and the notebook carries on", async (body, how) => {
    expectKeyboardInterrupt(await interrupt(body, how));
    await expectStateSurvived();
  });

  /**
   * After an await, a cell runs outside any script SIGINT could stop, and while it spins the
   * kernel's thread cannot read the request either; the loop's own check stops it, and says where.
   */
  it.each([
    ["while (true) { spins++; }", [6]],
    // Both loops check; whichever reads the gate first stops.
    ["for (const x of forever()) { spins++; }", [1, 6]],
    ["sleepSync(100000);", [6]],
    // Recursion without a loop: fib(60) would take hours.
    ["fib(60);", [2]],
  ])("stops `%s` after an await by interrupt_request, at the line it was running", async (body, lines) => {
    const token = `spinning ${Math.random()}`;
    const started = session.next(isDisplayOf(token), `the cell to show "${token}"`);
    const pending = session.startExecute(
      `function* forever() { while (true) yield 1; }\nfunction fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nlet spins = 0;\nawait sleep(1);\ndisplay.text(${JSON.stringify(token)});\n${body}`,
    );
    await started;
    const { reply } = await session.request("control", "interrupt_request", {});
    expect(reply.content).toEqual({ status: "ok" });
    const exchange = await pending.done;
    expectKeyboardInterrupt(exchange);
    const traceback = (exchange.reply.content as { traceback: string[] }).traceback.join("\n");
    const source = [
      "function* forever() { while (true) yield 1; }",
      "function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }",
      "let spins = 0;",
      "",
      "",
      body,
    ];
    expect(traceback).toMatch(/^\s+at (.* \()?Cell\[\d+\]:\d+:\d+/m);
    expect(lines.map((n) => `${String(n).padStart(8)} | ${source[n - 1]}`).some((q) => traceback.includes(q))).toBe(
      true,
    );
    await expectStateSurvived();
  });

  it("stops a loop that a finished cell's timer spins, when interrupted while nothing runs", async () => {
    const token = `stray ${Math.random()}`;
    const spinning = session.next(isDisplayOf(token), `the timer to show "${token}"`);
    await session.execute(`setTimeout(() => { display.text(${JSON.stringify(token)}); for (;;) {} }, 50);`);
    await spinning;
    const { reply } = await session.request("control", "interrupt_request", {});
    expect(reply.content).toEqual({ status: "ok" });
    await expectStateSurvived();
    // The stop was for that loop only: the next cell's loops run to the end.
    expect(await session.value("let total = 0; for (let i = 0; i < 1000; i++) total += i; await sleep(1); total")).toBe(
      "499500",
    );
  });

  it("stops a cell waiting for input", async () => {
    let asked!: () => void;
    const askedPromise = new Promise<void>((resolve) => (asked = resolve));
    const unsubscribe = session.client.onStdinRequest(() => {
      asked();
      return new Promise<string>(() => undefined);
    });
    try {
      const pending = session.startExecute('const answer = await input("never answered? ")');
      await askedPromise;
      const { reply } = await session.request("control", "interrupt_request", {});
      expect(reply.content).toEqual({ status: "ok" });
      expectKeyboardInterrupt(await pending.done);
    } finally {
      unsubscribe();
    }
    await expectStateSurvived();
  });

  it("keeps the values a cell assigned before it was interrupted", async () => {
    const before = Number(await session.value("runs"));
    // Shown after the assignment: on a loaded machine the kernel's thread may be descheduled
    // between showing the token and its next statement for as long as the interrupt takes to arrive.
    const token = `assigned ${Math.random()}`;
    const shown = session.next(isDisplayOf(token), `the cell to show "${token}"`);
    const pending = session.startExecute(
      `runs++;\nruns += 100;\ndisplay.text(${JSON.stringify(token)});\nwhile (true) {}`,
    );
    await shown;
    await session.request("control", "interrupt_request", {});
    expectKeyboardInterrupt(await pending.done);
    expect(await session.value("runs")).toBe(String(before + 101));
  });

  it("answers interrupt_request when nothing is running, and the next cell is not interrupted", async () => {
    const { reply } = await session.request("control", "interrupt_request", {});
    expect(reply.content).toEqual({ status: "ok" });
    expect(await session.value("await sleep(50); 'not interrupted'")).toBe("'not interrupted'");
  });
});
