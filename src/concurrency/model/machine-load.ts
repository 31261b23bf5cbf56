import { cpus } from "os";
import { readFileSync } from "fs";
import { usableCores } from "./cores";
import { childrenCpuMs } from "../../shared/own-processes";

/** One reading of the machine's CPU account and of this process's own CPU. */
export interface LoadSample {
  /** /proc/stat's first line: jiffies the machine's cores spent busy (steal included) and in all. */
  busy: number;
  total: number;
  /** This process's CPU (every thread of it) in ms, its own child processes' by pid, and the clock, in ms. */
  own_ms: number;
  children_ms: Map<number, number>;
  at_ms: number;
}

/** Shorter than this, jiffies (10 ms) are too coarse to tell anything. */
const SHORTEST_MS = 250;

/**
 * Reads the machine's CPU account, or null where it cannot stand for what this kernel may use:
 * no /proc/stat, or a cgroup quota or CPU affinity smaller than the machine (then the machine's
 * other cores were never ours to lose).
 */
export function sampleLoad(): LoadSample | null {
  if (usableCores() !== cpus().length) return null;
  let line: string;
  try {
    line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
  } catch {
    return null;
  }
  // cpu user nice system idle iowait irq softirq steal [guest guest_nice: already inside user/nice]
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f.length < 8 || f.some((n) => !Number.isFinite(n))) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  const busy = user + nice + system + irq + softirq + steal;
  const u = process.cpuUsage();
  return {
    busy,
    total: busy + idle + iowait,
    own_ms: (u.user + u.system) / 1000,
    children_ms: childrenCpuMs(),
    at_ms: performance.now(),
  };
}

/**
 * How many cores other programs kept busy between two samples: the machine's busy cores minus
 * this kernel's, its child processes' included (one started meanwhile counts from zero). On a
 * shared server (a room of kernels on one machine) that is why a speedup comes out lower than a
 * quiet machine gives, and a report that hides it would bend the lesson. Null when the run was too
 * short to tell.
 */
export function othersBusyCores(start: LoadSample, end: LoadSample, machineCores: number): number | null {
  const wall = end.at_ms - start.at_ms;
  const total = end.total - start.total;
  if (wall < SHORTEST_MS || total <= 0) return null;
  const machineBusy = ((end.busy - start.busy) / total) * machineCores;
  let childMs = 0;
  for (const [pid, ms] of end.children_ms) childMs += ms - (start.children_ms.get(pid) ?? 0);
  const ownBusy = (end.own_ms - start.own_ms + childMs) / wall;
  return Math.max(0, Math.min(machineCores, machineBusy - ownBusy));
}

export function machineCores(): number {
  return cpus().length;
}
