import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { KernelSession } from "./helpers";

/**
 * `await` wherever a module allows it at the top of a cell, including the spellings TypeScript
 * parses twice (`await (p)`), with the names a cell declares visible, typed, to later cells.
 */
describe("top-level await", () => {
  let session: KernelSession;

  beforeAll(async () => {
    session = await KernelSession.start();
  });

  afterAll(async () => {
    await session?.stop();
  });

  /** The declared type of `name` as a later cell sees it (hover text). */
  const typeOf = async (name: string) => {
    const { reply } = await session.request("shell", "inspect_request", { code: name, cursor_pos: 1, detail_level: 0 });
    return (reply.content.data as Record<string, string>)["text/plain"];
  };

  it.each([
    ["await (Promise.resolve(41))", "41"],
    ["await Promise.resolve(2)", "2"],
    ["1 + await Promise.resolve(2)", "3"],
    ["1 + await (Promise.resolve(2))", "3"],
    ["[await Promise.resolve('a'), await (Promise.resolve('b'))]", "[ 'a', 'b' ]"],
    ["`got ${await (Promise.resolve(7))}`", "'got 7'"],
    ["Math.max(await (Promise.resolve(3)), 1)", "3"],
    ["(await (Promise.resolve({ v: 9 }))).v", "9"],
    ["await (Promise.resolve(true)) ? 'yes' : 'no'", "'yes'"],
    ["await new Promise<number>((r) => setTimeout(() => r(5), 5))", "5"],
  ])("evaluates %s", async (code, expected) => {
    expect(await session.value(code)).toBe(expected);
  });

  it("awaits an immediately called async function and declares its result", async () => {
    expect(await session.value("const r = await (async () => 5)(); r")).toBe("5");
    expect(await typeOf("r")).toBe("const r: number");
    expect(await session.value("r * 2")).toBe("10");
  });

  it("destructures an awaited object and an awaited Promise.all", async () => {
    expect(await session.value("const { a, b } = await (Promise.resolve({ a: 1, b: 'x' }));\na")).toBe("1");
    expect(
      await session.value("const [x, y] = await Promise.all([Promise.resolve(2), Promise.resolve('two')]);\nx"),
    ).toBe("2");
    expect(await typeOf("b")).toBe("const b: string");
    expect(await typeOf("y")).toBe("const y: string");
    expect(await session.value("`${a}${b}${x}${y}`")).toBe("'1x2two'");
  });

  it("loops with for await over an async generator declared in an earlier cell", async () => {
    expect(
      await session.value("async function* count(n: number) { for (let i = 0; i < n; i++) yield i }"),
    ).toBeUndefined();
    expect(await session.value("const seen: number[] = [];\nfor await (const i of count(3)) seen.push(i);\nseen")).toBe(
      "[ 0, 1, 2 ]",
    );
    expect(await typeOf("seen")).toBe("const seen: number[]");
  });

  it("awaits in conditions and loop tests", async () => {
    const cell =
      "let hits = 0;\nif (await (Promise.resolve(true))) hits++;\nwhile (await Promise.resolve(hits < 3)) hits++;\nhits";
    expect(await session.value(cell)).toBe("3");
    expect(await typeOf("hits")).toBe("let hits: number");
  });

  it("awaits an argument and a method's result", async () => {
    expect(
      await session.value("const twice = (n: number) => 2 * n;\nconst t = twice(await (Promise.resolve(21)));\nt"),
    ).toBe("42");
    expect(
      await session.value(
        "class Box { constructor(readonly v: number) {} async get() { return this.v } }\nconst got = await new Box(4).get();\ngot",
      ),
    ).toBe("4");
    expect(await typeOf("got")).toBe("const got: number");
  });

  it("declares a function and a class next to an await, both usable later", async () => {
    expect(
      await session.value(
        "const base = await (Promise.resolve(10));\nfunction plus(n: number) { return base + n }\nclass Counter { n = base }",
      ),
    ).toBeUndefined();
    expect(await session.value("plus(1) + new Counter().n")).toBe("21");
  });

  it("still rejects await inside a function that is not async", async () => {
    const { reply } = await session.execute("const bad = () => await (Promise.resolve(1));");
    expect(reply.content).toMatchObject({ status: "error", ename: "TSError" });
  });

  it("names the cell's own line in a rejection's stack after an await (p)", async () => {
    const { reply } = await session.execute("await (Promise.resolve(0));\nthrow new Error('after await');");
    expect(reply.content).toMatchObject({ status: "error", evalue: "after await" });
    expect((reply.content.traceback as string[]).join("\n")).toMatch(/Cell\[\d+\]:2:7/);
  });
});
