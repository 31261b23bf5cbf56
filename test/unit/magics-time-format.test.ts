import { chooseLoops, formatSeconds, formatTime, formatTimeit } from "../../src/interpreter/magics/time-format";
import { parseCell } from "../../src/interpreter/magics/magic-registry";

describe("IPython-style durations", () => {
  it("writes 3 significant digits in the largest fitting unit", () => {
    expect(formatSeconds(1.23456)).toBe("1.23 s");
    expect(formatSeconds(0.0123456)).toBe("12.3 ms");
    expect(formatSeconds(0.0000123)).toBe("12.3 µs");
    expect(formatSeconds(0.000000123)).toBe("123 ns");
    expect(formatSeconds(0)).toBe("0 ns");
    expect(formatSeconds(75)).toBe("1min 15 s");
  });

  it("formats %time and %timeit as IPython does", () => {
    expect(formatTime({ wallSeconds: 0.5, userSeconds: 0.25, systemSeconds: 0.125 })).toMatch(
      /^CPU times: user 250 ms, sys: 125 ms, total: 375 ms .*\nWall time: 500 ms$/,
    );
    expect(formatTimeit({ loops: 100, perLoop: [0.001, 0.001, 0.001] })).toBe(
      "1 ms ± 0 ns per loop (mean ± std. dev. of 3 runs, 100 loops each)",
    );
  });

  it("sizes loops by powers of ten to reach 0.2 s a run", () => {
    expect(chooseLoops(1)).toBe(1);
    expect(chooseLoops(0.001)).toBe(1000);
    expect(chooseLoops(0)).toBe(1e7);
  });
});

describe("timing magics in cells", () => {
  it("take the rest of the line, or the whole cell", () => {
    expect(parseCell("%time countPrimes(0, 10)")).toEqual({
      kind: "timing",
      mode: "time",
      code: "countPrimes(0, 10)",
      line: 0,
    });
    expect(parseCell("%%timeit\nlet s = 0;\nfor (let i = 0; i < 10; i++) s += i;")).toEqual({
      kind: "timing",
      mode: "timeit",
      code: "let s = 0;\nfor (let i = 0; i < 10; i++) s += i;",
      line: 1,
    });
  });

  it("refuse what they cannot time", () => {
    expect(() => parseCell("%time")).toThrow(/needs code to time/);
    expect(() => parseCell("%time 1\n2")).toThrow(/use %%time to time a whole cell/);
    expect(() => parseCell("%%timeit -n 3\n1")).toThrow(/takes no options/);
  });
});
