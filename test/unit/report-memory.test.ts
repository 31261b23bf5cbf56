import { describe, expect, it } from "@jest/globals";
import { renderReport } from "../../src/concurrency/report/bundle";
import { formatBytes, formatBytesDelta } from "../../src/concurrency/report/format";
import { memoryLine } from "../../src/concurrency/report/memory";
import { MemoryUse, TimingReport } from "../../src/concurrency/model/timing";
import { asyncSleep, serialCpu, threadsCpu, threadsRunning } from "../support/timing-fixtures";

const withMemory = (r: TimingReport, memory: MemoryUse): TimingReport => ({ ...r, memory });

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [880, "880 B"],
    [999.4, "999 B"],
    [999.6, "1.0 kB"],
    [8_400, "8.4 kB"],
    [12_345_678, "12 MB"],
    [1_200_000_000, "1.2 GB"],
  ])("%d bytes read %s", (bytes, shown) => expect(formatBytes(bytes)).toBe(shown));

  it("signs a change", () => {
    expect(formatBytesDelta(1_500_000)).toBe("+1.5 MB");
    expect(formatBytesDelta(-1_500_000)).toBe("-1.5 MB");
    expect(formatBytesDelta(0)).toBe("+0 B");
  });
});

describe("the memory line", () => {
  it("says what 10,000 pending async tasks added to the kernel heap, per task, and how it was read", () => {
    const r = withMemory(asyncSleep, {
      basis: "kernel-heap",
      units: 10_000,
      total_bytes: 8_800_000,
      kernel_rss_delta_bytes: 12_000_000,
    });
    expect(memoryLine(r)).toBe(
      "memory: kernel heap +8.8 MB with 10000 tasks pending = 880 B per task " +
        "(V8 used heap, read at the start and once all had started) · kernel RSS +12 MB",
    );
  });

  it("gives threads and processes a figure per worker", () => {
    expect(memoryLine(threadsCpu)).toBe(
      "memory: 4 threads × 5.2 MB = 21 MB (each thread's V8 heap at its last task's end) · kernel RSS +1.4 MB",
    );
    const processes = withMemory(threadsCpu, {
      basis: "process-rss",
      units: 1,
      total_bytes: 47_600_000,
      kernel_rss_delta_bytes: 0,
    });
    expect(memoryLine({ ...processes, executor: "processes" })).toMatch(
      /^memory: 1 process × 48 MB = 48 MB \(each process's RSS/,
    );
  });

  it("reads serial growth as one task at a time", () => {
    const r = withMemory(serialCpu, {
      basis: "kernel-heap",
      units: 1,
      total_bytes: 1_200_000,
      kernel_rss_delta_bytes: 0,
    });
    expect(memoryLine(r)).toMatch(/^memory: kernel heap \+1\.2 MB, one task at a time \(V8 used heap/);
  });

  it("leaves out the kernel's RSS change until the cell has ended, and the line when nothing was measured", () => {
    const live = withMemory(threadsRunning, {
      basis: "thread-heap",
      units: 2,
      total_bytes: 10_000_000,
      kernel_rss_delta_bytes: 0,
    });
    expect(memoryLine(live)).not.toContain("kernel RSS");
    expect(memoryLine(serialCpu)).toBeNull();
  });

  it("is in every rendering and in metadata.timing", () => {
    const b = renderReport(threadsCpu);
    expect(b.data["text/plain"]).toContain("4 threads × 5.2 MB");
    expect(b.data["text/html"]).toContain("4 threads × 5.2 MB");
    expect(b.data["image/svg+xml"]).toContain("4 threads × 5.2 MB");
    expect(b.metadata.timing.memory).toEqual(threadsCpu.memory);
  });
});
