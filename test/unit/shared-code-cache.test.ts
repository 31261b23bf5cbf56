import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { openCodeCache } from "../../src/shared/code-cache";

let dir: string;
let logged: string[];
const log = (line: string) => logged.push(line);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "code-cache-test-"));
  logged = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// Enough functions that V8 has something worth caching, and a value to prove the code still runs right.
const SOURCE = [
  "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }",
  ...Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x * ${i} + fib(${i % 10}); }`),
  "exports.value = f7(add) + fib(10);",
].join("\n");
const EXPECTED = 3 * 7 + 13 + 55;

let loads = 0;

/**
 * Compiles SOURCE through a fresh cache in `dir`, runs it, saves; returns the outcome and the value.
 * Each time from another folder: V8 answers a script it compiled before in this process (same text,
 * same file name) from memory without looking at the cache at all.
 */
function load(source = SOURCE) {
  const filename = `/run-${++loads}/module.js`;
  const cache = openCodeCache(dir, log);
  const fn = cache.compileFunction(source, filename, ["exports", "add"]);
  const exports: { value?: number } = {};
  fn(exports, 3);
  cache.save();
  return { outcome: cache.outcomes.get(filename), value: exports.value };
}

const cacheFiles = () => fs.readdirSync(dir).map((name) => path.join(dir, name));

describe("openCodeCache", () => {
  it("compiles without a cache the first time, writes one, and uses it the next time", () => {
    expect(load()).toEqual({ outcome: "missing", value: EXPECTED });
    expect(cacheFiles()).toHaveLength(1);
    expect(path.basename(cacheFiles()[0])).toMatch(/^module\.js-[0-9a-f]{32}\.cache$/);
    expect(load()).toEqual({ outcome: "used", value: EXPECTED });
    expect(logged).toEqual([]);
  });

  it("keeps one file per source text, so changed code never meets an old cache", () => {
    load();
    const changed = SOURCE.replace("x * ", "x * 2 * ");
    expect(load(changed).outcome).toBe("missing");
    expect(cacheFiles()).toHaveLength(2);
  });

  it("ignores a file whose payload was damaged, and writes a good one again", () => {
    load();
    const [file] = cacheFiles();
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(file, bytes);
    expect(load()).toEqual({ outcome: "missing", value: EXPECTED });
    expect(load()).toEqual({ outcome: "used", value: EXPECTED });
  });

  it("ignores a truncated file, an empty one and one of another format", () => {
    load();
    const [file] = cacheFiles();
    const bytes = fs.readFileSync(file);
    for (const damaged of [bytes.subarray(0, bytes.length >> 1), Buffer.alloc(0), Buffer.from("not a cache at all")]) {
      fs.writeFileSync(file, damaged);
      expect(load()).toEqual({ outcome: "missing", value: EXPECTED });
    }
  });

  it("lets V8 refuse bytes that pass our check but are not its code cache", () => {
    load();
    const [file] = cacheFiles();
    const good = fs.readFileSync(file);
    const garbage = Buffer.alloc(4096, 7);
    const { createHash } = jest.requireActual<typeof import("crypto")>("crypto");
    const header = good.subarray(0, good.indexOf("\n") + 1);
    fs.writeFileSync(file, Buffer.concat([header, createHash("sha256").update(garbage).digest(), garbage]));
    expect(load()).toEqual({ outcome: "rejected", value: EXPECTED });
    expect(load()).toEqual({ outcome: "used", value: EXPECTED });
  });

  it("caches nothing without a folder", () => {
    const cache = openCodeCache(undefined, log);
    const fn = cache.compileFunction("return a + 1;", "x.js", ["a"]);
    expect(fn(1)).toBe(2);
    cache.save();
    expect(cache.outcomes.get("x.js")).toBe("off");
  });

  it("keeps line numbers in stack traces", () => {
    const cache = openCodeCache(dir, log);
    const fn = cache.compileFunction("\n\nthrow new Error('here');", "/x/thrower.js", []);
    expect(() => fn()).toThrow(expect.objectContaining({ stack: expect.stringContaining("/x/thrower.js:3:") }));
  });

  it("logs, and does not throw, when the cache cannot be written", () => {
    const cache = openCodeCache(path.join(dir, "gone"), log);
    cache.compileFunction("return 1;", "y.js", [])();
    cache.save();
    expect(logged).toEqual([expect.stringMatching(/^code cache not written: .*ENOENT/)]);
  });
});
