import { renderReport } from "../../src/concurrency/report/bundle";
import { TimingReport } from "../../src/concurrency/model/timing";
import * as F from "../support/timing-fixtures";
import { fromColumns } from "../../src/concurrency/model/task-columns";

const text = (r: TimingReport) => renderReport(r).data["text/plain"];
const html = (r: TimingReport) => renderReport(r).data["text/html"];
/** One element per line, so a snapshot diff shows what changed. */
const htmlLines = (r: TimingReport) => html(r).replace(/></g, ">\n<");

describe("text/plain", () => {
  it.each([
    ["threads, CPU-bound", F.threadsCpu],
    ["async, CPU-bound", F.asyncCpu],
    ["processes, cold start", F.processesCold],
    ["threads, failures", F.threadsFailed],
    ["threads, running", F.threadsRunning],
    ["threads, 1000 tasks", F.manyTasks(1000, 4)],
  ])("%s", (_name, report) => {
    expect(text(report)).toMatchSnapshot();
  });

  it("draws every lane with the same bar width, so times line up", () => {
    const lanes = text(F.processesCold)
      .split("\n")
      .filter((l) => l.includes("│"));
    const ends = lanes.map((l) => l.lastIndexOf("│"));
    expect(new Set(ends).size).toBe(1);
    expect(lanes[0].indexOf("│")).toBe("task 0 · pid 14653 ".length);
  });

  it("says running… in the header until the cell has finished", () => {
    expect(text(F.threadsRunning).split("\n")[0]).toBe(
      "%%threads -n 6 -w 2 · countPrimes(3e6) — worker_threads · running…",
    );
    expect(text(F.threadsCpu).split("\n")[0]).toBe("%%threads -n 4 · countPrimes(3e6) — worker_threads");
  });

  it("says why %%async lanes carry no CPU: the thread's CPU is in the summary, per task is not measured", () => {
    const rows: [string, number, number, null][] = [
      ["main", 1, 2080, null],
      ["main", 493, 2080, null],
    ];
    const unmeasured = F.report("async", "%%async -n 2", rows, { cpu_ms: 2070, cpu_covers: "thread" });
    expect(text(unmeasured)).toContain("on the whole kernel thread, all tasks");
    expect(text(unmeasured)).toContain("per-task CPU not measured");
    expect(text(unmeasured)).not.toContain("cannot be measured");
  });

  it("names every executor in the header", () => {
    expect(text(F.serialCpu)).toMatch(/^.* — serial \(main thread\)\n/);
    expect(text(F.asyncSleep)).toMatch(/^.* — async \(event loop, 1 thread\)\n/);
    expect(text(F.processesCpu)).toMatch(/^.* — child processes\n/);
  });
});

describe("text/html", () => {
  it.each([
    ["threads, CPU-bound", F.threadsCpu],
    ["async, sleeping", F.asyncSleep],
    ["processes, cold start", F.processesCold],
    ["threads, failures", F.threadsFailed],
  ])("%s", (_name, report) => {
    expect(htmlLines(report)).toMatchSnapshot();
  });

  it.each([
    ["CPU-bound", F.threadsCpu],
    ["failures", F.threadsFailed],
    ["running", F.threadsRunning],
    ["1000 tasks", F.manyTasks(1000, 4)],
  ])("uses only div and span with inline styles (%s)", (_name, report) => {
    const out = html(report);
    const tags = new Set([...out.matchAll(/<\/?([a-zA-Z0-9-]+)/g)].map((m) => m[1]));
    expect(tags).toEqual(new Set(["div", "span"]));
    expect(out).not.toMatch(/\sclass=|<style|<svg|<script|\son[a-z]+=/i);
  });

  it("escapes what the user wrote", () => {
    const out = html({ ...F.threadsCpu, title: `%%threads · f("<b>&")`, note: "x < y" });
    expect(out).toContain("%%threads · f(&#34;&#60;b&#62;&#38;&#34;)");
    expect(out).toContain("x &#60; y");
    expect(out).not.toContain("<b>");
  });

  it("stays under 100 KB with 1,000 tasks, in lanes per worker", () => {
    const report = F.manyTasks(1000, 4, 2, (i) => (i % 97 === 0 ? { status: "error" } : {}));
    const out = html(report);
    expect(Buffer.byteLength(out)).toBeLessThan(100_000);
    expect(out).toContain("thread 2 · 250 tasks");
    expect(out).not.toContain("task 999 · ");
  });

  it("stays under 100 KB in the worst case: 1,000 tasks on 100 slots, alternating shades", () => {
    const report = F.manyTasks(1000, 100, 2, (i) => ({ cpu_ms: i % 2 ? 1.9 : 0.1, status: i % 3 ? "ok" : "crashed" }));
    const out = html(report);
    expect(Buffer.byteLength(out)).toBeLessThan(100_000);
    expect(Buffer.byteLength(renderReport(report).data["image/svg+xml"])).toBeLessThan(150_000);
  });
});

describe("image/svg+xml and metadata", () => {
  it("is a standalone SVG of the same lanes", () => {
    const svg = renderReport(F.threadsFailed).data["image/svg+xml"];
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/,
    );
    expect(svg.endsWith("</svg>")).toBe(true);
    for (const label of ["task 0 · thread 2", "task 3 · thread 5", "650 ms", "✗", "⚡", "✂"])
      expect(svg).toContain(label);
    // Well nested: every element is closed, in order, or closes itself.
    const open: string[] = [];
    for (const [tag, close, name] of svg.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
      if (close) expect(open.pop()).toBe(name);
      else if (!tag.endsWith("/>")) open.push(name);
    }
    expect(open).toEqual([]);
  });

  it("keeps the raw timings in metadata.timing, as columns that decode to a row per task", () => {
    const { metadata } = renderReport(F.processesCold);
    expect(metadata.timing).toMatchObject({ executor: "processes", wall_ms: 859, cpu_ms: 1343 });
    expect(fromColumns(metadata.timing.tasks)).toEqual(
      F.processesCold.tasks.map(({ i, where, queued_ms, start_ms, end_ms, cpu_ms, startup_ms, status }) => ({
        i,
        where,
        queued_ms,
        start_ms,
        end_ms,
        cpu_ms,
        startup_ms,
        status,
      })),
    );
    expect(metadata.timing.tasks).not.toHaveProperty("on_cpu");
  });

  it("stores 10,000 tasks in well under 200 KB of metadata.timing", () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({
      i,
      where: "main",
      slot: 0,
      queued_ms: 0,
      start_ms: 40 + i * 0.063712,
      end_ms: 540 + i * 0.063712 + (i % 7) * 0.01,
      cpu_ms: null,
      startup_ms: null,
      status: "ok" as const,
    }));
    const report = { ...F.processesCold, executor: "async" as const, tasks, cpu_ms: 90, cpu_covers: "thread" as const };
    const { metadata } = renderReport(report);
    expect(JSON.stringify(metadata.timing).length).toBeLessThan(200_000);
    expect(fromColumns(metadata.timing.tasks)[9999]).toMatchObject({ i: 9999, where: "main", status: "ok" });
    expect(fromColumns(metadata.timing.tasks)[9999].start_ms).toBeCloseTo(tasks[9999].start_ms, 1);
  });

  it("stores the distinct places and statuses once, each task an index into them", () => {
    const { metadata } = renderReport(F.threadsCpu);
    expect(metadata.timing.tasks.where).toHaveProperty("values");
    expect(fromColumns(metadata.timing.tasks).map((t) => t.where)).toEqual(F.threadsCpu.tasks.map((t) => t.where));
  });

  it("is pure: the same report renders the same bytes, and is left unchanged", () => {
    const before = JSON.stringify(F.asyncCpu);
    expect(renderReport(F.asyncCpu)).toEqual(renderReport(JSON.parse(before) as TimingReport));
    expect(JSON.stringify(F.asyncCpu)).toBe(before);
  });

  it("renders a report with no tasks yet", () => {
    const empty: TimingReport = { ...F.threadsRunning, tasks: [], wall_ms: 0 };
    const bundle = renderReport(empty);
    expect(bundle.data["text/plain"]).toContain("wall 0 ms so far");
    expect(bundle.data["image/svg+xml"]).toContain("</svg>");
  });
});
