import { describe, expect, it } from "@jest/globals";
import { emptyFidelityResults, fidelitySection, fidelityVerdicts } from "../../bench/fidelity-report";
import { bareSource, cellSource, WORKLOAD_SOURCE, WORKLOADS } from "../../bench/fidelity-workloads";
import { resultNumber } from "../../bench/fidelity-cases";
import { Message } from "../../src/protocol/message";

const PLAN = { warmUp: 1, runs: 3, liveTasks: 4, liveIterations: 1000 };

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
    expect(text).toContain("(1.02×; target ≤ 1.03×: PASS)");
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
