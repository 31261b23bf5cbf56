import { afterEach, describe, expect, it } from "@jest/globals";
import { loadTypeScript } from "../../src/typescript/load-typescript";
import { runInNewContext } from "vm";
import { loopChecks } from "../../src/typescript/loop-checks-transform";
import { decodeMappings, lookup } from "../../src/runtime/source-map";
import {
  installLoopChecks,
  LOOP_CHECK_SOURCE,
  LOOP_FLAG_NAME,
  LOOP_STOP_NAME,
  throwIfInterrupted,
} from "../../src/runtime/loop-checks";
import { KeyboardInterrupt, KeyboardInterruptInCell } from "../../src/shared/interrupt-error";
import { createInterruptGate, GateState, RAISE_LOOP_STOP } from "../../src/shared/interrupt-gate";

/** What the transport thread does through the inspector once it has marked the gate. */
const raise = () => (globalThis as unknown as Record<symbol, () => void>)[RAISE_LOOP_STOP]();

// The TypeScript the kernel checks cells with.
const ts = loadTypeScript();

function compile(js: string) {
  const out = ts.transpileModule(js, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true },
    transformers: { before: [loopChecks(ts)] },
  });
  return {
    js: out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ""),
    map: decodeMappings((JSON.parse(out.sourceMapText!) as { mappings: string }).mappings),
  };
}

const LOOPS: [string, number][] = [
  ["while (a) { b(); }", 1],
  ["do b(); while (a);", 1],
  ["for (let i = 0; i < 3; i++) b();", 1],
  ["for (const k in o) {}", 1],
  ["for (const x of xs) b(x);", 1],
  ["async function f() { for await (const x of xs) b(x); }", 2],
  ["for (;;);", 1],
  ["outer: for (;;) { inner: while (a) { continue outer; } }", 2],
  ["const g = () => { for (const x of xs) for (const y of x) b(y); };", 3],
  // Function bodies, for recursion that runs long without a loop.
  ["function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }", 1],
  ["const sq = (x) => x * x;", 1],
  ["const o = { m() { return 1; }, get g() { return 2; }, set s(v) {} };", 3],
  ["class A { f() {} static s() {} } const e = function* () { yield 1; };", 3],
  // A derived constructor must start with super(): constructors are left alone.
  ["class A {} class B extends A { constructor() { super(); } }", 0],
];

describe("the loop-check transform", () => {
  it.each(LOOPS)("puts the check first in every loop and function body: %s", (loop, loops) => {
    const { js } = compile(loop);
    expect(js.split(LOOP_CHECK_SOURCE).length - 1).toBe(loops);
    // Still valid JavaScript.
    expect(
      () => new Function(js.replace(/^"use strict";\n?/, "").replace(/Object\.defineProperty\(exports[^\n]*\n/, "")),
    ).not.toThrow();
  });

  it("leaves code without loops or functions as it was", () => {
    const { js } = compile("const a = [1, 2].length + 1;\nif (a > 2) console.log(a);");
    expect(js).not.toContain(LOOP_FLAG_NAME);
  });

  it("keeps what an arrow function returns", () => {
    const { js } = compile("exports.r = [1, 2, 3].map((x) => x * 2);\nexports.o = (() => ({ a: 1 }))();");
    const exports: { r?: number[]; o?: object } = {};
    new Function("exports", js)(exports);
    expect(exports).toEqual({ r: [2, 4, 6], o: { a: 1 } });
  });

  it("maps the check to the loop's own line, so a stack through it names that line", () => {
    const source = "const a = 1;\nlet n = 0;\n\n  while (n < 10) {\n    n++;\n  }\n";
    const { js, map } = compile(source);
    const line = js.split("\n").findIndex((l) => l.includes(LOOP_STOP_NAME));
    expect(line).toBeGreaterThan(-1);
    const column = js.split("\n")[line].indexOf(LOOP_STOP_NAME);
    expect(lookup(map, line, column)).toEqual({ line: 3, column: 2 });
  });
});

describe("loop checks at run time", () => {
  const spin = compile("let spins = 0;\nwhile (true) { spins++; }").js;

  afterEach(() => installLoopChecks());

  it("stop a loop once the flag is raised and the gate says an interrupt is pending, after doing what the core would", () => {
    const gate = createInterruptGate();
    const seen: KeyboardInterrupt[] = [];
    installLoopChecks(gate, (e) => seen.push(e));
    Atomics.store(gate, 0, GateState.Pending);
    raise();
    let thrown: unknown;
    try {
      // new Function, not vm: jest runs this file in a context of its own, whose globals the code must see.
      new Function(spin)();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(KeyboardInterruptInCell);
    expect(seen).toEqual([thrown]);
    Atomics.store(gate, 0, GateState.IdlePending);
    expect(() => throwIfInterrupted()).toThrow(KeyboardInterrupt);
  });

  it("let loops run while the gate is anything else", () => {
    const gate = createInterruptGate();
    installLoopChecks(gate);
    const counted = compile("let n = 0;\nfor (let i = 0; i < 1000; i++) n++;\nexports.n = n;").js;
    for (const state of [GateState.Idle, GateState.Busy, GateState.Running, GateState.Signalled]) {
      Atomics.store(gate, 0, state);
      // A raise that comes after the core has moved the gate on is stale: the check lowers it and runs on.
      raise();
      const exports: { n?: number } = {};
      new Function("exports", counted)(exports);
      expect(exports.n).toBe(1000);
      expect(() => throwIfInterrupted()).not.toThrow();
    }
  });

  it("are a no-op where the kernel defined nothing (a function's source in a Worker of the user's own)", () => {
    const counted = compile("let n = 0;\nfor (let i = 0; i < 1000; i++) n++;\nexports.n = n;").js;
    const exports: { n?: number } = {};
    runInNewContext(counted, { exports });
    expect(exports.n).toBe(1000);
  });

  it("keep their names out of the globals that code lists", () => {
    installLoopChecks();
    expect(Object.keys(globalThis)).not.toContain(LOOP_FLAG_NAME);
    expect(Object.keys(globalThis)).not.toContain(LOOP_STOP_NAME);
  });
});
