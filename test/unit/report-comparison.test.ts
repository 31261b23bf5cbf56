import { describe, expect, it } from "@jest/globals";
import { comparisonRows, renderComparison } from "../../src/concurrency/report/comparison";
import { asyncCpu, processesCpu, serialCpu, threadsCpu, threadsRunning } from "../support/timing-fixtures";

describe("the %%compare report", () => {
  const runs = [serialCpu, asyncCpu, threadsCpu, processesCpu];

  it("stacks every model's report in one bundle, with their timings in the order they ran", () => {
    const b = renderComparison("%%compare -n 4", runs);
    expect(b.metadata.timing!.map((t) => t.executor)).toEqual(["serial", "async", "threads", "processes"]);
    for (const r of runs) expect(b.data["text/plain"]).toContain(r.title);
    expect(b.data["text/plain"]).toMatch(/model +wall +CPU +memory +speedup vs serial/);
    expect(b.data["image/svg+xml"]!.match(/<svg /g)).toHaveLength(runs.length + 1);
  });

  it("rates each finished model against the serial run, and leaves a running one out of the table", () => {
    const rows = comparisonRows([serialCpu, threadsRunning]);
    expect(rows.map((r) => r.model)).toEqual(["serial"]);
    const all = comparisonRows(runs);
    expect(all[0].speedup).toBe(1);
    expect(all[2].speedup).toBeCloseTo(serialCpu.wall_ms / threadsCpu.wall_ms, 6);
  });

  it("puts what one task, thread or process held side by side, n/a where a run measured none", () => {
    const b = renderComparison("%%compare -n 4", runs);
    const table = b.data["text/plain"].split("model ")[1];
    expect(table).toMatch(/%%serial .* n\/a /);
    expect(table).toMatch(/%%async .* 870 B\/task /);
    expect(table).toMatch(/%%threads .* 5\.2 MB\/thread /);
    expect(table).toMatch(/%%processes .* 48 MB\/process /);
    expect(b.data["text/html"]).toContain("5.2 MB/thread");
    expect(b.metadata.comparison.map((r) => r.memory_unit)).toEqual([null, "task", "thread", "process"]);
    expect(b.metadata.comparison[2].memory_each_bytes).toBe(5_240_000);
  });

  it("draws only the table for a --quiet cell, which then carries no timing report", () => {
    const b = renderComparison("%%compare -n 4 --quiet", runs, { lanes: false });
    expect(b.metadata.timing).toBeUndefined();
    expect(b.metadata.comparison).toHaveLength(4);
    expect(b.data["image/svg+xml"]).toBeUndefined();
    expect(b.data["text/plain"]).not.toContain(serialCpu.title);
  });
});
