import { parseCell } from "../../src/interpreter/magics/magic-registry";
import { parseDuration } from "../../src/interpreter/magics/duration";
import { splitWords } from "../../src/interpreter/magics/concurrency-options";

describe("parseCell", () => {
  it("leaves plain TypeScript alone", () => {
    expect(parseCell("const x = 1 % 2")).toEqual({ kind: "code", code: "const x = 1 % 2" });
  });

  it("parses a concurrency magic with options and keeps the body", () => {
    const p = parseCell("%%threads -n 4 -w 2 --timeout 2s --fresh --group\nreturn task.i;");
    expect(p).toMatchObject({
      kind: "concurrency",
      executor: "threads",
      body: "return task.i;",
      title: "%%threads -n 4 -w 2 --timeout 2s --fresh --group",
      options: { tasks: 4, workers: 2, timeoutMs: 2000, fresh: true, group: true, quiet: false },
    });
  });

  it("accepts --flag=value, quoted --map expressions and --share lists", () => {
    const p = parseCell(`%%processes --map "[1, 2, 3].map(x => x * 2)" --share=a,b --quiet\nreturn 1`);
    expect(p).toMatchObject({ options: { map: "[1, 2, 3].map(x => x * 2)", share: ["a", "b"], quiet: true } });
  });

  it("names the bad flag and lists the valid ones", () => {
    expect(() => parseCell("%%async --bogus\n1")).toThrow(/does not take '--bogus'.*Valid options: -n\/--tasks/);
  });

  it("rejects bad values with what is valid", () => {
    expect(() => parseCell("%%threads -n zero\n1")).toThrow(/-n takes a whole number from 1 to/);
    expect(() => parseCell("%%threads -n 0\n1")).toThrow(/-n takes a whole number/);
    expect(() => parseCell("%%threads --timeout soon\n1")).toThrow(
      /--timeout takes a duration from 1ms to 24h, such as 500ms/,
    );
    expect(() => parseCell("%%threads --timeout 25h\n1")).toThrow(/from 1ms to 24h.*not '25h'/);
    expect(() => parseCell("%%threads -n 1e9\n1")).toThrow(/-n takes a whole number from 1 to 10000, not '1e9'/);
    expect(() => parseCell("%%threads -n\n1")).toThrow(/-n needs a value: -n N, number of tasks, 1 to 10000/);
    expect(() => parseCell("%%threads -w\n1")).toThrow(/-w needs a value/);
    expect(() => parseCell("%%threads --share 1a\n1")).toThrow(/--share takes names/);
  });

  it("lists the known magics for an unknown one, and hints at %% vs %", () => {
    expect(() => parseCell("%%thread\n1")).toThrow(
      /Unknown magic %%thread\. Known magics: %%threads, %%processes, %%async, %%serial/,
    );
    expect(() => parseCell("%threads")).toThrow(/did you mean %%threads\?/);
  });

  it("answers help and %lsmagic as text", () => {
    const help = parseCell("%%threads?");
    expect(help.kind).toBe("text");
    expect(help.kind === "text" && help.text).toMatch(/--timeout DURATION/);
    // The bounds the refusals name are the ones help states.
    expect(help.kind === "text" && help.text).toMatch(/-n, --tasks N +number of tasks, 1 to 10000/);
    expect(help.kind === "text" && help.text).toMatch(/-w, --workers W +pool size, 1 to 256/);
    const ls = parseCell("%lsmagic");
    expect(ls.kind === "text" && ls.text).toMatch(/%%processes/);
  });
});

describe("parseDuration and splitWords", () => {
  it("reads ms, s, m and bare seconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("2")).toBe(2000);
    expect(parseDuration("1m")).toBe(60000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("fast")).toBeUndefined();
  });

  it("keeps quoted words together", () => {
    expect(splitWords(`-n 2 --map 'xs.slice(0, 2)'`)).toEqual(["-n", "2", "--map", "xs.slice(0, 2)"]);
  });

  it("reads \\\" \\' and \\\\ inside quotes as the character, and leaves other escapes to TypeScript", () => {
    expect(splitWords(`--map "f(\\"a\\")" 'it\\'s' "a\\nb"`)).toEqual(["--map", `f("a")`, "it's", "a\\nb"]);
  });
});
