import { describe, expect, it } from "@jest/globals";
import { loadTypeScript } from "../../src/typescript/load-typescript";
import { hasTopLevelAwait } from "../../src/typescript/top-level-await";

// The TypeScript the kernel checks cells with.
const ts = loadTypeScript();

describe("hasTopLevelAwait", () => {
  it.each([
    "await p",
    "await (p)",
    "const r = await (async () => 5)(); r",
    "1 + await p",
    "[await a, await b]",
    "`${await (p)}`",
    "for await (const x of gen()) {}",
    "const { a } = await p",
    "const [x, y] = await Promise.all([a, b])",
    "if (await (p)) {}",
    "f(await p)",
    "while (await (p)) break",
    "class K { [await key]() {} }",
    "label: { await (p) }",
    "{ await using r = resource() }",
    "for (await using r of resources) {}",
  ])("finds the cell's own await in %j", (code) => {
    expect(hasTopLevelAwait(ts, code)).toBe(true);
  });

  it.each([
    "1 + 2",
    "const awaiting = 1",
    "// await (p)",
    "'await (p)'",
    "async function f() { await (p) }",
    "const g = async () => await (p)",
    "const o = { async m() { for await (const x of y) {} } }",
    "class K { async m() { await p } static { } }",
    "async function f() { await using r = resource() }",
    "{ using r = resource() }",
  ])("finds none in %j", (code) => {
    expect(hasTopLevelAwait(ts, code)).toBe(false);
  });
});
