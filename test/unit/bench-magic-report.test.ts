import { loadWarning, scheduleNote, startupNotes } from "../../bench/magic-notes";
import { magicSection } from "../../bench/magic-report";
import { emptyMagicResults, MagicPlan, MagicResults } from "../../bench/magic-results";
import { buildMagicRows } from "../../bench/magic-rows";
import { renderMagicTable } from "../../bench/magic-table";
import { figure } from "../../bench/series";
import { summaryLine } from "../../bench/verdict";

const PLAN: MagicPlan = {
  startupWarmUp: 1,
  startups: 10,
  dispatchWarmUp: 2,
  dispatchTrips: 10,
  cpuWarmUp: 1,
  cpuRuns: 3,
  cpuTasks: 4,
  cpuWorkers: 2,
  cpuSpan: 1000,
  asyncWarmUp: 1,
  asyncRuns: 5,
  asyncSleepMs: 200,
  perTaskWarmUp: 1,
  perTaskRuns: 3,
  perTaskTasks: 1000,
  perTaskWorkers: 2,
};

const tenOf = (value: number) => Array.from({ length: 10 }, () => value);

/** A run where every target is met on a 2-core machine. */
function measured(): MagicResults {
  const results = emptyMagicResults(PLAN, 2);
  results.loadAtStart = [0.5, 0.6, 0.7];
  results.loadAtEnd = [0.8, 0.6, 0.7];
  results.threadStartup.bare.values = tenOf(40);
  results.threadStartup.script.values = tenOf(44);
  results.threadStartup.magic.values = tenOf(50);
  results.processStartup.bare.values = tenOf(100);
  results.processStartup.script.values = tenOf(110);
  results.processStartup.magic.values = tenOf(120);
  results.dispatch.plain.values = tenOf(3);
  results.dispatch.magic.values = tenOf(6);
  results.cpu.serial.values = [1000, 1000, 1000];
  results.cpu.threads.values = [520, 540, 530];
  results.cpu.processes.values = [540, 550, 545];
  results.cpu.serialTaskMs = [[250, 250, 250, 250]];
  results.asyncSleep.values = [204, 206, 205, 207, 203];
  results.threadPerTask = {
    bare: { planned: 3, values: [0.015, 0.016, 0.014] },
    magic: { planned: 3, values: [0.025, 0.028, 0.026] },
  };
  results.processPerTask = {
    bare: { planned: 3, values: [0.04, 0.05, 0.045] },
    magic: { planned: 3, values: [0.07, 0.08, 0.075] },
  };
  return results;
}

const verdicts = (results: MagicResults) => buildMagicRows(results, PLAN).map((row) => row.verdict);

describe("buildMagicRows", () => {
  it("judges each magic against its baseline in the way its target is put", () => {
    const rows = buildMagicRows(measured(), PLAN);
    expect(rows.map((row) => row.verdict)).toEqual(["PASS", "PASS", "PASS", "PASS", "PASS", "PASS", "PASS", "PASS"]);
    expect(rows[0].comparison).toBe("1.25×");
    expect(rows[0].baseline).toBe("new Worker: 40 ms, p95 40 ms");
    expect(rows[2].comparison).toBe("+3.0 ms per cell");
    expect(rows[3].comparison).toBe("1.89× speedup");
    expect(rows[3].target).toBe("≥ 1.80× speedup");
    expect(rows[5].comparison).toBe("+5.0 ms over the sleep");
    expect(rows[5].target).toBe("≤ 215 ms");
    expect(rows[6].magic).toBe("26 µs");
    expect(rows[6].baseline).toBe("postMessage, 2 echo workers: 15 µs per round trip");
    expect(rows[6].comparison).toBe("1.73×");
    expect(rows[6].target).toBe("≤ 2.00× bare round trip");
  });

  it("fails the targets that are missed", () => {
    const results = measured();
    results.threadStartup.magic.values = tenOf(53);
    results.dispatch.magic.values = tenOf(8.5);
    results.cpu.processes.values = [700, 700, 700];
    results.asyncSleep.values = [230];
    results.processPerTask.magic.values = [0.1];
    expect(verdicts(results)).toEqual(["FAIL", "PASS", "FAIL", "PASS", "FAIL", "FAIL", "PASS", "FAIL"]);
  });

  it("asks a one-core machine for less speedup", () => {
    const results = measured();
    results.cores = 1;
    results.cpu.threads.values = [1050];
    const row = buildMagicRows(results, PLAN)[3];
    expect(row.target).toBe("≥ 0.90× speedup");
    expect(row.verdict).toBe("PASS");
  });

  it("does not judge a case whose baseline or magic is missing", () => {
    const results = emptyMagicResults(PLAN, 2);
    results.threadStartup.bare.values = [40];
    results.threadStartup.magic.problem = "no reply and idle within 30000 ms";
    const rows = buildMagicRows(results, PLAN);
    expect(rows.map((row) => row.verdict)).toEqual(["n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"]);
    expect(rows[0].magic).toBe("failed");
    expect(rows[1].magic).toBe("not run");
  });
});

describe("figure", () => {
  it("adds the p95 only from ten samples on, and says how many of the planned samples exist", () => {
    expect(figure({ planned: 3, values: [5, 7, 6] })).toBe("6.0 ms");
    expect(figure({ planned: 20, values: [...tenOf(4), 12] })).toBe("4.0 ms, p95 12 ms (11/20)");
  });
});

describe("loadWarning", () => {
  it("speaks up only when the 1-minute load exceeds the cores", () => {
    expect(loadWarning(2, 2)).toBeUndefined();
    expect(loadWarning(3.08, 2)).toMatch(/^the 1-minute load average \(3\.08\) exceeds the 2 cores/);
  });
});

describe("scheduleNote", () => {
  it("says when unequal tasks leave less speedup than the target asks", () => {
    const results = measured();
    results.cpu.serialTaskMs = [
      [100, 200, 300, 400],
      [120, 200, 300, 380],
    ];
    expect(scheduleNote(results, PLAN)).toBe(
      "%%serial task times (median per task, ms): 110, 200, 300, 390; 2 workers taking them in order reach at best " +
        "1.69× (the target asks 1.80×: more than this workload allows)",
    );
  });

  it("compares the speedups as printed", () => {
    const results = measured();
    // 2 × 1000 / 1112 = 1.7986: printed as 1.80×, which is not short of the target's 1.80×.
    results.cpu.serialTaskMs = [[112, 888, 1000, 0]];
    expect(scheduleNote(results, PLAN)).toMatch(/at best 1\.80× \(the target asks 1\.80×: 0\.00× to spare/);
  });

  it("is left out when no serial run finished", () => {
    expect(scheduleNote(emptyMagicResults(PLAN, 2), PLAN)).toBeUndefined();
  });
});

describe("startupNotes", () => {
  it("splits a magic's extra start-up into the worker script's loading and the kernel around it", () => {
    expect(startupNotes("%%threads", "new Worker", measured().threadStartup)).toEqual([
      "%%threads start-up samples (ms): new Worker 40, 40, 40, 40, 40, 40, 40, 40, 40, 40; " +
        "new Worker of task-worker.js 44, 44, 44, 44, 44, 44, 44, 44, 44, 44; " +
        "%%threads --fresh 50, 50, 50, 50, 50, 50, 50, 50, 50, 50",
      "%%threads start-up over new Worker (medians): +10 ms, of which loading task-worker.js +4.0 ms " +
        "(spawned from the bench: 44 ms) and the kernel around it +6.0 ms",
    ]);
  });
});

describe("magicSection", () => {
  it("prints the load, a note when the machine is loaded, and a table whose rows line up", () => {
    const results = measured();
    results.loadAtStart = [3.5, 3, 3];
    const lines = magicSection(results, PLAN, buildMagicRows(results, PLAN));
    expect(lines[0]).toBe("## Concurrency magics");
    expect(lines).toContain(
      "- Load average (1/5/15 min): 3.50 3.00 3.00 at the start of this table, 0.80 0.60 0.70 at its end; 2 usable cores",
    );
    expect(lines.some((line) => line.startsWith("- NOTE: the 1-minute load average (3.50)"))).toBe(true);
    const table = lines.flatMap((line) => line.split("\n")).filter((line) => line.startsWith("|"));
    expect(table).toHaveLength(10);
    expect(new Set(table.map((line) => [...line].length)).size).toBe(1);
  });

  it("names a series that stopped early", () => {
    const results = measured();
    results.asyncSleep = { planned: 5, values: [205], problem: "status error: ReferenceError: sleep is not defined" };
    const lines = magicSection(results, PLAN, buildMagicRows(results, PLAN));
    expect(lines).toContain("- %%async: stopped after 1/5: status error: ReferenceError: sleep is not defined");
  });
});

describe("renderMagicTable and summaryLine", () => {
  it("head the columns and count the magic targets with the others", () => {
    const results = measured();
    results.asyncSleep.values = [230];
    const rows = buildMagicRows(results, PLAN);
    expect(renderMagicTable(rows).split("\n")[0]).toMatch(
      /^\| Case +\| Magic +\| Baseline +\| Comparison +\| Target +\| Result \|$/,
    );
    expect(summaryLine(rows, true)).toBe("SUMMARY: 7/8 targets met (FAIL %%async -n 4, await sleep(200): wall_ms)");
  });
});
