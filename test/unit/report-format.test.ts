import {
  axisEnd,
  formatAxisMs,
  formatMs,
  formatPercent,
  formatRatio,
  percentOf,
} from "../../src/concurrency/report/format";

describe("formatMs", () => {
  it.each([
    [0, "0 ms"],
    [0.04, "40 µs"],
    [0.4, "0.4 ms"],
    [2, "2.0 ms"],
    [9.96, "10 ms"],
    [332.4, "332 ms"],
    [999.4, "999 ms"],
    [999.6, "1.00 s"],
    [1329, "1.33 s"],
    [13_300, "13.3 s"],
    [133_000, "133 s"],
    [1_234_567, "1235 s"],
    [Number.NaN, "—"],
  ])("%p ms reads %p", (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe("axisEnd", () => {
  it.each([
    [685.4, 690],
    [1329, 1400],
    [1400, 1400],
    [201.6, 210],
    [0.37, 0.37],
    [9.01, 9.1],
    [0, 1],
  ])("%p ms ends the axis at %p", (ms, end) => {
    expect(axisEnd(ms)).toBe(end);
  });

  it("is a round number, never below its input", () => {
    for (const ms of [1, 3.3, 17.2, 99.99, 100.01, 4567, 98_765]) {
      const end = axisEnd(ms);
      expect(end).toBeGreaterThanOrEqual(ms);
      expect(end).toBeLessThanOrEqual(ms * 1.1 + 1e-9);
    }
  });
});

describe("axis labels and ratios", () => {
  it("drops trailing zeros on the axis", () => {
    expect(formatAxisMs(1400)).toBe("1.4 s");
    expect(formatAxisMs(2000)).toBe("2 s");
    expect(formatAxisMs(690)).toBe("690 ms");
    expect(formatAxisMs(2)).toBe("2 ms");
  });

  it("formats ratios, percentages and CSS positions", () => {
    expect(formatRatio(1329 / 685.4)).toBe("1.94×");
    expect(formatRatio(9.994)).toBe("9.99×");
    expect(formatRatio(19.44)).toBe("19.4×");
    expect(formatRatio(194.4)).toBe("194×");
    expect(formatRatio(5_000_000 / 560)).toBe("8929×");
    expect(formatPercent(0.4847)).toBe("48%");
    expect(percentOf(125, 1000)).toBe("12.5");
    expect(percentOf(1200, 1000)).toBe("100");
    expect(percentOf(1, 3)).toBe("33.33");
  });
});
