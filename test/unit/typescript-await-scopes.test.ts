import { describe, expect, it } from "@jest/globals";
import { loadTypeScript } from "../../src/typescript/load-typescript";
import { awaitScopes } from "../../src/typescript/await-scope-transform";
import { AWAIT_KEEPER_LOCAL, AWAIT_KEEPER_NAME } from "../../src/runtime/await-keeper";

// The TypeScript the kernel compiles cells with.
const ts = loadTypeScript();

function compile(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    transformers: { before: [awaitScopes(ts)] },
  }).outputText;
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as FunctionConstructor;
const count = (text: string, part: string) => text.split(part).length - 1;
const KEEPERS = `const ${AWAIT_KEEPER_LOCAL} = typeof ${AWAIT_KEEPER_NAME} === "function"`;
const KEPT = `${AWAIT_KEEPER_LOCAL}(await `;
const RESTORE = `${AWAIT_KEEPER_LOCAL}();`;

/** Source, then how many keepers are declared, awaits kept, and bare restores (catch, finally, for await). */
const CASES: [string, number, number, number][] = [
  ["const a = await f();", 1, 1, 0],
  ["async function g() { return (await f()) + (await h()); }", 1, 2, 0],
  ["const q = async () => await f();", 1, 1, 0],
  [
    "const o = { async m() { await f(); } }; class C { async m() { await f(); } static async s() { await f(); } }",
    3,
    3,
    0,
  ],
  ["async function g() { try { await f(); } catch (e) { log(e); } finally { done(); } }", 1, 1, 2],
  ["async function g() { for await (const x of xs) log(x); }", 1, 0, 2],
  ["async function g() { outer: for await (const x of xs) { for (const y of x) continue outer; } }", 1, 0, 2],
  ["const { a, b: [c] } = await f(); for await (const x of await g()) {}", 1, 2, 2],
  ["async function* gen() { yield await f(); }", 1, 1, 0],
  // Nothing to keep: no await, or a function that is not async (its own try needs nothing).
  ["async function g() { return f(); }", 0, 0, 0],
  ["function g() { try { f(); } catch { h(); } } const k = () => 1;", 0, 0, 0],
  // An async function inside a plain one inside an async one: each async function keeps its own.
  ["async function a() { await f(); function b() { return async () => { await g(); }; } }", 2, 2, 0],
];

describe("the await-scope transform", () => {
  it.each(CASES)("keeps the scope after every wait: %s", (source, keepers, kept, restores) => {
    const js = compile(source);
    expect([count(js, KEEPERS), count(js, KEPT), count(js, RESTORE)]).toEqual([keepers, kept, restores]);
    // Still code V8 compiles, top-level awaits and all (a label kept on its loop, one keeper a function).
    expect(() => new AsyncFunction(js)).not.toThrow();
  });

  it("puts the keeper after a function's directive prologue", () => {
    const js = compile('async function g() { "use strict"; await f(); }');
    expect(js).toMatch(/"use strict";\s*const __tsck_k/);
  });

  it("runs where the keeper's global is missing (a Worker the notebook made), and keeps values", async () => {
    const js = compile(
      "export async function g(p) { const v = await p; try { await Promise.reject(v); } catch (e) { return e * 2; } }",
    );
    const body = js.replace("export ", "") + "\nreturn g;";
    const g = new Function(body)() as (p: Promise<number>) => Promise<number>;
    await expect(g(Promise.resolve(21))).resolves.toBe(42);
  });

  it("calls the keeper on entry and after each wait, also where a wait throws", async () => {
    const calls: string[] = [];
    const keeper = (value?: unknown) => {
      calls.push(`restore ${String(value)}`);
      return value;
    };
    const js = compile(
      "export async function g() { const a = await 1; try { await Promise.reject(2); } catch { return a; } }",
    );
    const body = js.replace("export ", "") + "\nreturn g;";
    const g = new Function(AWAIT_KEEPER_NAME, body)(() => {
      calls.push("entry");
      return keeper;
    }) as () => Promise<number>;
    await expect(g()).resolves.toBe(1);
    expect(calls).toEqual(["entry", "restore 1", "restore undefined"]);
  });
});
