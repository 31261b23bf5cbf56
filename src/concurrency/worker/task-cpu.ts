/**
 * The CPU clock of a pool worker's tasks, made cheap enough for tasks of a few microseconds: a
 * forked child is a process of its own, so the process's usage is the task's (one system call); a
 * thread keeps its scheduler account open and re-reads it in place instead of opening the file.
 */
import { openSync, readSync } from "fs";
import { threadCpuMs } from "../model/cpu-clock";

/**
 * A task that starts this soon (ns) after the last reading starts from that reading instead of a
 * new one. Back to back, the reading at one task's end is the next one's start, so a stream of
 * tiny tasks costs one read each; the next task's figure then also holds the worker taking in its
 * message, a few microseconds. A longer gap (an idle worker, leftovers of an earlier task) gets a
 * reading of its own, so nothing that ran in it is put on the task.
 */
const REUSE_NS = 500_000n;

export interface TaskCpuClock {
  /** The clock at a task's start (`at`: clockNs() then); null when it cannot be read honestly. */
  start(at: bigint): number | null;
  /** The clock at a task's end. */
  end(at: bigint): number | null;
}

export function taskCpuClock(isThread: boolean): TaskCpuClock {
  const read = isThread ? threadClock() : processClock;
  let lastAt = -REUSE_NS;
  let lastMs: number | null = null;
  const take = (at: bigint) => {
    lastAt = at;
    return (lastMs = read());
  };
  return {
    start: (at) => (at - lastAt < REUSE_NS ? lastMs : take(at)),
    end: take,
  };
}

function processClock(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function threadClock(): () => number | null {
  if (typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === "function") return threadCpuMs;
  let fd: number;
  try {
    // Opened by this thread, so it stays this thread's account.
    fd = openSync("/proc/thread-self/schedstat", "r");
  } catch {
    return threadCpuMs;
  }
  const buffer = Buffer.alloc(128);
  return () => {
    try {
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      // The first field, nanoseconds on the CPU, read digit by digit: no string per reading.
      let ns = 0;
      let k = 0;
      for (; k < n && buffer[k] >= 0x30 && buffer[k] <= 0x39; k++) ns = ns * 10 + buffer[k] - 0x30;
      return k > 0 ? ns / 1e6 : null;
    } catch {
      return null;
    }
  };
}
