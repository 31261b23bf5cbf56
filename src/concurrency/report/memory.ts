/** The memory line under a report: what the tasks held, what one unit cost, and how it was measured. */
import { memoryEach, memoryUnit, MemoryUse, TimingReport } from "../model/timing";
import { formatBytes, formatBytesDelta, plural } from "./format";

export function memoryLine(report: TimingReport): string | null {
  const m = report.memory;
  if (!m) return null;
  const rss = report.finished ? ` · kernel RSS ${formatBytesDelta(m.kernel_rss_delta_bytes)}` : "";
  return `memory: ${held(m, report.executor === "serial")}${rss}`;
}

function held(m: MemoryUse, serial: boolean): string {
  const each = formatBytes(memoryEach(m));
  switch (m.basis) {
    case "kernel-heap":
      return serial
        ? `kernel heap ${formatBytesDelta(m.total_bytes)}, one task at a time (V8 used heap: most growth seen at a task's end)`
        : `kernel heap ${formatBytesDelta(m.total_bytes)} with ${plural(m.units, "task")} pending = ${each} per task ` +
            `(V8 used heap, read at the start and once all had started)`;
    case "thread-heap":
      return `${plural(m.units, "thread")} × ${each} = ${formatBytes(m.total_bytes)} (each thread's V8 heap at its last task's end)`;
    case "process-rss":
      return `${m.units} ${m.units === 1 ? "process" : "processes"} × ${each} = ${formatBytes(m.total_bytes)} (each process's RSS at its last task's end)`;
  }
}

/** "880 B/task", "5.2 MB/thread": one unit's cost, for %%compare's table. */
export function memoryPerUnit(m: MemoryUse | undefined): string {
  if (!m) return "n/a";
  return `${formatBytes(memoryEach(m))}/${memoryUnit(m)}`;
}
