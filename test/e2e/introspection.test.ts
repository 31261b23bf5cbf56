import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { kinds, KernelSession } from "./helpers";
import { IS_COMPLETE_CASES } from "../support/is-complete-cases";

describe("completion, inspection, is_complete and history", () => {
  let session: KernelSession;
  /** The execution count of each cell run in beforeAll, by its code. */
  const counts = new Map<string, number>();
  const cells = [
    "const xyz = 1",
    "let counter = 5",
    "/* hist-marker */ 6 * 7",
    "function greet(name: string): string { return `hi ${name}` }",
    "/* hist-marker */ 'second'",
  ];

  beforeAll(async () => {
    session = await KernelSession.start();
    for (const code of cells) {
      const { reply } = await session.execute(code);
      expect(reply.content.status).toBe("ok");
      counts.set(code, reply.content.execution_count as number);
    }
  });

  afterAll(async () => {
    await session?.stop();
  });

  const complete = async (code: string, cursorPos: number) => {
    const exchange = await session.request("shell", "complete_request", { code, cursor_pos: cursorPos });
    expect(kinds(exchange.iopub)).toEqual(["status:busy", "status:idle"]);
    return exchange.reply.content as { status: string; matches: string[]; cursor_start: number; cursor_end: number };
  };

  describe("complete_request", () => {
    it("completes a name declared in an earlier cell", async () => {
      const reply = await complete("xy", 2);
      expect(reply.status).toBe("ok");
      expect(reply.matches).toContain("xyz");
      expect(reply.cursor_start).toBe(0);
      expect(reply.cursor_end).toBe(2);
    });

    it("completes members after a dot", async () => {
      const code = "greet('a').toUpp";
      const reply = await complete(code, code.length);
      expect(reply.matches).toContain("toUpperCase");
      expect(code.slice(reply.cursor_start, reply.cursor_end)).toBe("toUpp");
    });

    it("counts cursor positions in code points when the cell holds an emoji", async () => {
      const code = 'const s = "😀😀"; xy + 1';
      const beforeCursor = 'const s = "😀😀"; xy';
      const cursorPos = [...beforeCursor].length;
      expect(cursorPos).toBeLessThan(beforeCursor.length);

      const reply = await complete(code, cursorPos);
      expect(reply.matches).toContain("xyz");
      expect(reply.cursor_end).toBe(cursorPos);
      expect(reply.cursor_start).toBe(cursorPos - 2);
      expect([...code].slice(reply.cursor_start, reply.cursor_end).join("")).toBe("xy");
    });
  });

  describe("inspect_request", () => {
    const inspect = async (code: string, cursorPos: number, detailLevel = 0) => {
      const exchange = await session.request("shell", "inspect_request", {
        code,
        cursor_pos: cursorPos,
        detail_level: detailLevel,
      });
      expect(kinds(exchange.iopub)).toEqual(["status:busy", "status:idle"]);
      return exchange.reply.content as { status: string; found: boolean; data: Record<string, string> };
    };

    it("shows the type of a declared variable", async () => {
      const reply = await inspect("counter", 3);
      expect(reply.status).toBe("ok");
      expect(reply.found).toBe(true);
      expect(reply.data["text/plain"]).toBe("let counter: number");
    });

    it("shows a declared function's signature", async () => {
      const reply = await inspect("greet('x')", 2);
      expect(reply.found).toBe(true);
      expect(reply.data["text/plain"]).toContain("function greet(name: string): string");
    });

    it("finds nothing in blank space", async () => {
      const reply = await inspect("   ", 1);
      expect(reply).toMatchObject({ status: "ok", found: false, data: {} });
    });

    it("finds nothing for a name that was never declared", async () => {
      const reply = await inspect("neverDeclaredAnywhere", 5);
      expect(reply).toMatchObject({ status: "ok", found: false, data: {} });
    });
  });

  describe("is_complete_request", () => {
    it.each(IS_COMPLETE_CASES)("classifies %j", async (code, expected) => {
      const { reply } = await session.request("shell", "is_complete_request", { code });
      expect(reply.content).toEqual(expected);
    });
  });

  describe("history_request", () => {
    const history = async (content: object) => {
      const { reply } = await session.request("shell", "history_request", { raw: true, ...content });
      expect(reply.content.status).toBe("ok");
      return reply.content.history as unknown[];
    };

    it("returns the last n inputs for tail", async () => {
      const entries = await history({ hist_access_type: "tail", n: 2, output: false });
      const lastTwo = cells.slice(-2);
      expect(entries).toEqual(lastTwo.map((code) => [expect.any(Number), counts.get(code), code]));
    });

    it("returns a range of lines, stop excluded, with outputs", async () => {
      const start = counts.get(cells[1])!;
      const entries = await history({ hist_access_type: "range", session: 0, start, stop: start + 2, output: true });
      expect(entries).toEqual([
        [expect.any(Number), start, [cells[1], null]],
        [expect.any(Number), start + 1, [cells[2], "42"]],
      ]);
    });

    it("searches inputs with a glob, with and without outputs", async () => {
      const plain = await history({ hist_access_type: "search", pattern: "/* hist-marker */*", output: false });
      expect(plain).toEqual([
        [expect.any(Number), counts.get(cells[2]), cells[2]],
        [expect.any(Number), counts.get(cells[4]), cells[4]],
      ]);

      const outputs = await history({ hist_access_type: "search", pattern: "/* hist-marker */*", output: true });
      expect(outputs).toEqual([
        [expect.any(Number), counts.get(cells[2]), [cells[2], "42"]],
        [expect.any(Number), counts.get(cells[4]), [cells[4], "'second'"]],
      ]);

      const single = await history({ hist_access_type: "search", pattern: "let count?r = *", output: false });
      expect(single).toEqual([[expect.any(Number), counts.get(cells[1]), cells[1]]]);
    });
  });
});
