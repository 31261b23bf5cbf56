import { othersBusyCores, LoadSample } from "../../src/concurrency/model/machine-load";
import { summarize } from "../../src/concurrency/report/summary";
import { summaryLines } from "../../src/concurrency/report/captions";
import { timingMetadata } from "../../src/concurrency/report/bundle";
import * as F from "../support/timing-fixtures";

const none = new Map<number, number>();
const start: LoadSample = { busy: 1000, total: 4000, own_ms: 500, children_ms: new Map([[7, 100]]), at_ms: 0 };

describe("cores kept busy by other programs while a cell ran", () => {
  it("is the machine's busy cores minus the kernel's own", () => {
    // 2 cores over 1 s: 200 jiffies in all, 180 busy = 1.8 cores busy; the kernel used 0.9 s of CPU.
    const end: LoadSample = { busy: 1180, total: 4200, own_ms: 1400, children_ms: new Map([[7, 100]]), at_ms: 1000 };
    expect(othersBusyCores(start, end, 2)).toBeCloseTo(0.9, 5);
  });

  it("counts the kernel's child processes as the kernel's, one started meanwhile from zero", () => {
    const children = new Map([
      [7, 1000],
      [8, 800],
    ]);
    const end: LoadSample = { busy: 1180, total: 4200, own_ms: 600, children_ms: children, at_ms: 1000 };
    expect(othersBusyCores(start, end, 2)).toBeCloseTo(0, 5);
    expect(othersBusyCores(start, { ...end, children_ms: new Map([[7, 900]]) }, 2)).toBeCloseTo(0.9, 5);
    // One that ended meanwhile is not in the end sample: its CPU is not subtracted, nor counted twice.
    expect(othersBusyCores(start, { ...end, children_ms: none, own_ms: 1400 }, 2)).toBeCloseTo(0.9, 5);
  });

  it("is never below zero nor above the machine, and unknown for a run too short to tell", () => {
    const quiet: LoadSample = { busy: 1010, total: 4200, own_ms: 1500, children_ms: none, at_ms: 1000 };
    expect(othersBusyCores(start, quiet, 2)).toBe(0);
    expect(othersBusyCores(start, { ...quiet, at_ms: 100 }, 2)).toBeNull();
    expect(othersBusyCores(start, { ...quiet, total: 4000 }, 2)).toBeNull();
  });
});

describe("a loaded machine in the report", () => {
  it("says so under the summary from half a core, and keeps the figure in metadata.timing", () => {
    const loaded = { ...F.threadsCpu, others_busy_cores: 0.93 };
    expect(summaryLines(loaded, summarize(loaded))).toContain(
      "meanwhile other programs kept 0.9 of 2 cores busy: this run had less of the machine than a quiet one gives",
    );
    expect(timingMetadata(loaded).others_busy_cores).toBe(0.93);
    const quiet = { ...F.threadsCpu, others_busy_cores: 0.2 };
    expect(summaryLines(quiet, summarize(quiet)).join("\n")).not.toMatch(/other programs/);
    expect(timingMetadata(F.threadsCpu)).not.toHaveProperty("others_busy_cores");
  });
});
