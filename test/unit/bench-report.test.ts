import { renderKernelTable } from "../../bench/kernel-table";
import { buildRows, KernelResults, notes } from "../../bench/report";
import { summaryLine } from "../../bench/verdict";

const memory = (kib: number) => ({
  totalKiB: kib,
  last: { root: { pid: 1, rssKiB: kib, threads: 12 }, descendants: [], totalKiB: kib },
});

const PLAN = { coldStarts: 1, roundTrips: 3, infoTrips: 3, streamLines: 10, memorySessions: 3 };

function results(name: string, overrides: Partial<KernelResults>): KernelResults {
  return {
    name,
    coldStarts: [{ toKernelInfoMs: 400, firstResultMs: 50 }],
    roundTrips: { what: "1+1", planned: 3, samples: [4, 5, 6], idleLost: 0, otherStatuses: {} },
    memory: [memory(100 * 1024)],
    stream: { expected: 10, lines: 10, messages: 1, toIdleMs: 20, toReplyMs: 19, toLastLineMs: 19, limitMs: 1000 },
    problems: [],
    ...overrides,
  };
}

describe("buildRows", () => {
  it("judges our figures against the baseline's", () => {
    const ours = results("ours", {});
    const baseline = results("tslab", {
      coldStarts: [{ toKernelInfoMs: 2000, firstResultMs: 40 }],
      memory: [memory(120 * 1024)],
    });
    const rows = buildRows(ours, baseline, PLAN);
    const verdict = (prefix: string) => rows.find((row) => row.label.startsWith(prefix))?.verdict;
    expect(verdict("Cold start")).toBe("PASS");
    expect(verdict("1+1 round trip to idle, median")).toBe("PASS");
    expect(verdict("Idle RSS")).toBe("FAIL");
    expect(verdict("10 console.log lines")).toBe("PASS");
    expect(verdict("First 1+1")).toBeUndefined();
  });

  it("reports a baseline that timed out instead of judging against it", () => {
    const ours = results("ours", {});
    const baseline = results("tslab", {
      coldStarts: [{ problem: "timeout: no kernel_info_reply within 30000 ms" }],
      stream: { expected: 10, lines: 3, messages: 3, toReplyMs: 5, limitMs: 1000 },
    });
    const rows = buildRows(ours, baseline, PLAN);
    const cold = rows.find((row) => row.label.startsWith("Cold start"))!;
    expect(cold.baseline.text).toBe("timeout/failed ×1");
    expect(cold.verdict).toBe("n/a");
    const stream = rows.find((row) => row.label.includes("console.log"))!;
    expect(stream.baseline.text).toBe("timeout (1 s), 3/10 lines");
    expect(notes(baseline)).toContain("cold start: timeout: no kernel_info_reply within 30000 ms");
  });

  it("names every planned case even when nothing was measured", () => {
    const rows = buildRows(
      results("ours", { roundTrips: undefined }),
      results("tslab", { roundTrips: undefined }),
      PLAN,
    );
    const median = rows.find((row) => row.label.startsWith("1+1 round trip to idle, median"))!;
    expect(median.label).toBe("1+1 round trip to idle, median (3 after warm-up)");
    expect(median.ours.text).toBe("not run");
    expect(median.verdict).toBe("n/a");
  });

  it("judges idle memory on the median session and lists every session", () => {
    // A baseline that settles at one of two levels from session to session, as tslab's does.
    const baseline = results("tslab", { memory: [memory(250 * 1024), memory(200 * 1024), memory(198 * 1024)] });
    const ours = results("ours", { memory: [memory(150 * 1024), memory(139 * 1024), memory(141 * 1024)] });
    const row = buildRows(ours, baseline, PLAN).find((r) => r.label.startsWith("Idle RSS"))!;
    expect(row.label).toBe("Idle RSS after warm-up (median of 3 sessions)");
    expect(row.baseline.value).toBe(200 * 1024);
    expect(row.ours.text).toBe("141.0 MiB (12 threads)");
    expect(row.verdict).toBe("FAIL");
    expect(notes(baseline)).toContain("idle RSS per session: 250.0 MiB, 200.0 MiB, 198.0 MiB");
  });

  it("fails the stream target when a line is missing", () => {
    const ours = results("ours", { stream: { expected: 10, lines: 9, messages: 1, toIdleMs: 20, limitMs: 1000 } });
    const stream = buildRows(ours, results("tslab", {}), PLAN).find((row) => row.label.includes("console.log"))!;
    expect(stream.verdict).toBe("FAIL");
  });
});

describe("summaryLine", () => {
  it("counts targets and names the ones not met", () => {
    const rows = buildRows(results("ours", { memory: [memory(200 * 1024)] }), results("tslab", {}), PLAN);
    expect(summaryLine(rows, true)).toBe(
      "SUMMARY: 2/4 targets met (FAIL Cold start → first kernel_info_reply; FAIL Idle RSS after warm-up)",
    );
    expect(summaryLine(rows, false)).toMatch(/INCOMPLETE/);
  });
});

describe("renderKernelTable", () => {
  it("pads every column so the rows line up", () => {
    const table = renderKernelTable(buildRows(results("ours", {}), results("tslab", {}), PLAN), "ours", "tslab");
    const lines = table.split("\n");
    const widths = new Set(lines.map((line) => [...line].length));
    expect(widths.size).toBe(1);
    expect(lines[0]).toMatch(/^\| Case +\| ours +\| tslab +\| ours\/baseline \| Target +\| Result \|$/);
    expect(lines[1]).toMatch(/^\|-+\|/);
  });
});
