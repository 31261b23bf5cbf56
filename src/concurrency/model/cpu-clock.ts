import { readFileSync } from "fs";

/**
 * CPU time of the calling thread in milliseconds, or null when it cannot be known honestly.
 * Node 20 has no per-thread API (process.cpuUsage() in a worker counts the whole process), so on
 * Linux we read the scheduler's own account of this thread.
 */
export function threadCpuMs(): number | null {
  const threadCpuUsage = (process as unknown as { threadCpuUsage?: () => { user: number; system: number } })
    .threadCpuUsage;
  if (typeof threadCpuUsage === "function") {
    const u = threadCpuUsage();
    return (u.user + u.system) / 1000;
  }
  try {
    const ns = Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);
    return Number.isFinite(ns) ? ns / 1e6 : null;
  } catch {
    return null;
  }
}

/** The shared clock of every report: monotonic, and the same across threads and processes. */
export function clockNs(): bigint {
  return process.hrtime.bigint();
}
