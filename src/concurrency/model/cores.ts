import { availableParallelism } from "os";
import { readFileSync } from "fs";

/**
 * How many cores this kernel may really use: the CPU affinity Node reports, further limited by a
 * cgroup v2 quota (containers and JupyterHub pods set one), never less than 1.
 */
export function usableCores(): number {
  let cores = availableParallelism();
  try {
    const [quota, period] = readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
    if (quota !== "max" && Number(period) > 0)
      cores = Math.min(cores, Math.max(1, Math.floor(Number(quota) / Number(period))));
  } catch {
    // No cgroup v2 limit visible: the affinity count stands.
  }
  return Math.max(1, cores);
}
