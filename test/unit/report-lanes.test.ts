import { layoutReport } from "../../src/concurrency/report/layout";
import { Lane, MAX_TASK_LANES } from "../../src/concurrency/report/lanes";
import { BUCKET_BUDGET } from "../../src/concurrency/report/slots";
import { laneBar } from "../../src/concurrency/report/text";
import { legend } from "../../src/concurrency/report/captions";
import * as F from "../support/timing-fixtures";

const kinds = (lane: Lane) => lane.segments.map((s) => s.kind);

describe("lanes per task", () => {
  it("draws one lane per task on one axis, shaded by CPU share", () => {
    const layout = layoutReport(F.threadsCpu);
    expect(layout.perSlot).toBe(false);
    expect(layout.end).toBe(690);
    expect(layout.lanes.map((l) => l.label)).toEqual([
      "task 0 · thread 2",
      "task 1 · thread 3",
      "task 2 · thread 4",
      "task 3 · thread 5",
    ]);
    expect(layout.lanes.map(kinds)).toEqual([["shared"], ["shared"], ["shared"], ["shared"]]);
    expect(layout.lanes[0]).toMatchObject({ span: "0.5 ms → 642 ms", cpu: "cpu 330 ms", marks: [] });
  });

  it("puts a start-up segment before the bar", () => {
    const lane = layoutReport(F.processesCold).lanes[3];
    expect(lane.segments.map((s) => [s.kind, s.from, s.to])).toEqual([
      ["startup", 1, 181],
      ["shared", 181, 853],
    ]);
    expect(laneBar(lane, 860)).toBe(`${"░".repeat(11)}${"▒".repeat(39)}`);
  });

  it("draws queued time only when the pool was smaller than the tasks", () => {
    expect(layoutReport(F.threadsQueued).lanes.map(kinds)).toEqual([
      ["cpu"],
      ["cpu"],
      ["queued", "cpu"],
      ["queued", "cpu"],
    ]);
    // A 4 ms dispatch on a full-size pool is not queueing.
    expect(layoutReport(F.processesCpu).lanes.flatMap(kinds)).not.toContain("queued");
    expect(layoutReport(F.asyncCpu).lanes.flatMap(kinds)).not.toContain("queued");
  });

  it("draws on-CPU slices over a waiting line, inside the bar", () => {
    const layout = layoutReport(F.asyncCpu);
    expect(kinds(layout.lanes[0])).toEqual(["between", "slice", "slice"]);
    expect(laneBar(layout.lanes[0], layout.end)).toBe(`${"█".repeat(12)}${"─".repeat(34)}█   `);
    expect(laneBar(layout.lanes[3], layout.end)).toBe(`${" ".repeat(36)}${"█".repeat(11)}   `);
  });

  it("keeps a short on-CPU slice visible", () => {
    const layout = layoutReport(F.asyncSleep);
    expect(laneBar(layout.lanes[0], layout.end)).toBe(`█${"─".repeat(46)}█  `);
  });

  it("marks failures and lists in the legend only the marks that appear", () => {
    const layout = layoutReport(F.threadsFailed);
    expect(layout.lanes.map((l) => l.marks.map((m) => [m.mark, m.at]))).toEqual([
      [],
      [["error", 120]],
      [["crashed", 300]],
      [["cancelled", 500]],
    ]);
    const marks = legend(F.threadsFailed, layout)
      .at(-1)
      ?.map((e) => e.key);
    expect(marks).toEqual(["error", "crashed", "cancelled"]);
    expect(
      legend(F.threadsCpu, layoutReport(F.threadsCpu))
        .flat()
        .map((e) => e.key),
    ).not.toContain("error");
  });

  it("shows a live report: running bars end now, queued tasks wait from their queue time", () => {
    const layout = layoutReport(F.threadsRunning);
    expect(layout.lanes.map((l) => [l.label, l.span, l.cpu])).toEqual([
      ["task 0 · thread 2", "0.5 ms → 330 ms", "cpu 329 ms"],
      ["task 1 · thread 3", "0.6 ms → running", "cpu …"],
      ["task 2 · thread 2", "331 ms → running", "cpu …"],
      ["task 3", "queued", ""],
      ["task 4", "queued", ""],
      ["task 5", "queued", ""],
    ]);
    expect(layout.lanes[1].segments).toEqual([expect.objectContaining({ kind: "unknown", from: 0.6, to: 420 })]);
    expect(layout.lanes[5].segments).toEqual([expect.objectContaining({ kind: "queued", from: 0, to: 420 })]);
  });

  it("says an abandoned task was left pending", () => {
    expect(layoutReport(F.asyncAbandoned).lanes[1]).toMatchObject({
      span: "0.3 ms → pending",
      marks: [{ mark: "abandoned", count: 1 }],
    });
  });
});

describe("lanes per worker slot", () => {
  it("switches past 32 tasks and names each lane by its worker", () => {
    expect(layoutReport(F.manyTasks(MAX_TASK_LANES, 4)).perSlot).toBe(false);
    const layout = layoutReport(F.manyTasks(1000, 4));
    expect(layout.perSlot).toBe(true);
    expect(layout.lanes.map((l) => l.label)).toEqual([
      "thread 2 · 250 tasks",
      "thread 3 · 250 tasks",
      "thread 4 · 250 tasks",
      "thread 5 · 250 tasks",
    ]);
    expect(layout.lanes[0].span).toBe("0 ms → 500 ms");
    // 250 back-to-back tasks merge into a few segments, not 250.
    expect(layout.lanes[0].segments.length).toBeLessThan(10);
    expect(layout.lanes[0].segments[0].title).toMatch(/^\d+ tasks \(0 … \d+\): ≥75% of a core/);
  });

  it("folds more than 32 slots into 32 lanes and stays within the bucket budget", () => {
    const layout = layoutReport(F.manyTasks(1000, 100));
    expect(layout.lanes).toHaveLength(32);
    expect(layout.lanes[0].label).toBe("slots 0–2 · 30 tasks");
    expect(layout.lanes[31].label).toBe("slots 96–99 · 40 tasks");
    expect(layout.lanes.reduce((n, l) => n + l.segments.length, 0)).toBeLessThanOrEqual(BUCKET_BUDGET);
  });

  it("counts failures per lane instead of marking each task", () => {
    const layout = layoutReport(F.manyTasks(1000, 4, 2, (i) => (i % 100 === 1 ? { status: "error" } : {})));
    expect(layout.lanes[1].marks).toEqual([{ mark: "error", count: 10, at: null }]);
    expect(layout.lanes[0].marks).toEqual([]);
  });

  it("shows on-CPU time of 1,000 async tasks on the one main-thread lane", () => {
    const base = F.manyTasks(1000, 1, 1, (i) => ({ where: "main", slot: 0, on_cpu: [[i, i + 0.9]] }));
    const layout = layoutReport({ ...base, executor: "async", workers: 1000 });
    expect(layout.lanes.map((l) => l.label)).toEqual(["main · 1000 tasks"]);
    expect(new Set(layout.lanes[0].segments.map((s) => s.kind))).toEqual(new Set(["slice"]));
  });
});

describe("lanes per worker slot while running", () => {
  it("leaves tasks without a slot yet out of the lanes", () => {
    // The tracker gives every queued task slot 0 and no place until a worker takes it.
    const live = F.manyTasks(1000, 4, 2, (i) =>
      i < 8
        ? { end_ms: null, cpu_ms: null, status: "running" }
        : { where: "", slot: 0, start_ms: null, end_ms: null, cpu_ms: null, status: "queued" },
    );
    const layout = layoutReport({ ...live, finished: false, wall_ms: 3, cpu_ms: null });
    expect(layout.lanes.map((l) => [l.label, l.span, l.cpu])).toEqual([
      ["thread 2 · 2 tasks", "0 ms → running", "cpu …"],
      ["thread 3 · 2 tasks", "50 µs → running", "cpu …"],
      ["thread 4 · 2 tasks", "0.1 ms → running", "cpu …"],
      ["thread 5 · 2 tasks", "0.2 ms → running", "cpu …"],
    ]);
  });
});
