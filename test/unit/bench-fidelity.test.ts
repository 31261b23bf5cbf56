import { describe, expect, it } from "@jest/globals";
import {
  emptyFidelityResults,
  fidelitySection,
  fidelityVerdicts,
  livePairsFor,
  liveRatios,
} from "../../bench/fidelity-report";
import { bareSource, cellSource, WORKLOAD_SOURCE, WORKLOADS } from "../../bench/fidelity-workloads";
import { resultNumber } from "../../bench/fidelity-cases";
import { Message } from "../../src/protocol/message";

const PLAN = { warmUp: 1, runs: 3, liveTasks: 4, liveIterations: 1000, livePairs: 3 };

function filled() {
  const results = emptyFidelityResults(PLAN, "v20.0.0");
  for (const row of results.rows) {
    row.bare.values.push(100, 100, 100);
    for (const name of ["plain", "serial", "async", "threads", "processes"] as const)
      row[name].values.push(105, 110, 112);
  }
  // One context over the limit fails its row only.
  results.rows[1].async.values.splice(0, 3, 300, 310, 320);
  results.live.live.values.push(1010, 1020, 1030);
  results.live.quiet.values.push(1000, 1000, 1000);
  results.scale.bare.values.push(510, 515, 520);
  results.scale.cell.values.push(560, 590, 700);
  results.scale.metadataBytes = 151_000;
  results.scale.lastStartMs = [40, 45, 70];
  return results;
}

describe("the fidelity rows", () => {
  it("judge each workload by its worst context against bare node, and the live report against --quiet", () => {
    expect(fidelityVerdicts(filled()).map((v) => v.verdict)).toEqual(["PASS", "FAIL", "PASS", "PASS", "PASS", "PASS"]);
  });

  it("judge 10,000 async waits by the median wall against 600 ms, and fail it above", () => {
    const results = filled();
    expect(fidelitySection(results, PLAN).join("\n")).toContain(
      "Scale: 10,000 × sleep(500) under %%async, wall: 590 ms (1.15× bare), bare node 515 ms; all tasks started by 45 ms; target ≤ 600 ms: PASS; metadata.timing 151 kB",
    );
    results.scale.cell.values.splice(0, 3, 900, 1000, 1100);
    expect(fidelityVerdicts(results).at(-1)).toEqual({ label: "fidelity: 10,000 async waits", verdict: "FAIL" });
  });

  it("print every context as its median and its ratio to bare node", () => {
    const text = fidelitySection(filled(), PLAN).join("\n");
    expect(text).toContain("(Node v20.0.0)");
    expect(text).toContain("110 ms (1.10×)");
    expect(text).toContain("310 ms (3.10×)");
    expect(text).toContain(
      "3 alternating pairs: 1,020 ms with the report, 1,000 ms with --quiet; per pair 1.02× (middle half 1.01×–1.03×; target ≤ 1.03×: PASS)",
    );
  });

  it("judge the live report by its pairs, each cell against the --quiet cell run beside it", () => {
    const results = filled();
    // A slow spell hits both cells of the middle pair: apart, the medians would read 1.50×.
    results.live.live.values.splice(0, 3, 1010, 3030, 1020);
    results.live.quiet.values.splice(0, 3, 1000, 3000, 680);
    expect(liveRatios(results)).toEqual({ median: 1.01, lower: 1.01, upper: 1.5 });
    expect(fidelityVerdicts(results).at(-2)).toEqual({
      label: "fidelity: live report against --quiet",
      verdict: "PASS",
    });
    results.live.quiet.values.splice(0, 3, 900, 2900, 1000);
    expect(fidelityVerdicts(results).at(-2)?.verdict).toBe("FAIL");
  });

  it("take 16 live/quiet pairs in a full run and 12 in CI's three rounds", () => {
    expect(livePairsFor(5)).toBe(16);
    expect(livePairsFor(3)).toBe(12);
    expect(livePairsFor(1)).toBe(8);
  });

  it("say n/a, not PASS, for a row that has no figure", () => {
    expect(fidelityVerdicts(emptyFidelityResults(PLAN, "v20.0.0")).every((v) => v.verdict === "n/a")).toBe(true);
  });

  it("run the same function in bare node as in the cell", () => {
    const [cpu] = WORKLOADS;
    expect(bareSource(cpu)).toContain(`warmTimed(async () => ${cpu.call})`);
    expect(bareSource(cpu)).not.toContain(" as unknown");
    expect(cellSource("plain", cpu)).toBe(`${WORKLOAD_SOURCE}\nawait warmTimed(async () => ${cpu.call})`);
    expect(cellSource("threads", cpu)).toBe(
      `%%threads -n 1\n${WORKLOAD_SOURCE}\nreturn await warmTimed(async () => ${cpu.call});`,
    );
  });

  it("read the timing from a plain cell's value and from a magic's array of results", () => {
    const result = (text: string) => [
      { header: { msg_type: "execute_result" }, content: { data: { "text/plain": text } } } as unknown as Message,
    ];
    expect(resultNumber(result("123.25"))).toBe(123.25);
    expect(resultNumber(result("[ 98.5 ]"))).toBe(98.5);
    expect(resultNumber([])).toBeUndefined();
  });
});
