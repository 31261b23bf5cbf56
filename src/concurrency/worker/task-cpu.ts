/**
 * The CPU clock a pool worker reads twice per task, made cheap enough for that: a forked child is
 * a process of its own, so the process's usage is the task's (one system call); a thread keeps its
 * scheduler account open and re-reads it in place instead of opening the file each time.
 */
import { openSync, readSync } from "fs";
import { threadCpuMs } from "../model/cpu-clock";

export function taskCpuClock(isThread: boolean): () => number | null {
  if (!isThread) {
    return () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
  }
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
      const ns = Number(buffer.toString("latin1", 0, n).split(" ")[0]);
      return Number.isFinite(ns) ? ns / 1e6 : null;
    } catch {
      return null;
    }
  };
}
