import { readFileSync } from "fs";
import type { ChildProcess } from "child_process";

/**
 * The kernel's own child processes: the compiler, a snapshot build, task workers. Their CPU is the
 * kernel's, so a report that counted it as other programs' would blame the machine for the
 * kernel's own work (the compiler's garbage collector after a big check, say).
 */
const children = new Set<number>();

/** /proc/PID/stat counts CPU in clock ticks; Linux has used 100 a second on every architecture. */
const MS_PER_TICK = 10;

export function ownChild(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  children.add(pid);
  child.once("exit", () => children.delete(pid));
}

/** CPU so far of each live child, in ms, keyed by pid; empty where /proc cannot be read. */
export function childrenCpuMs(): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of children) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name, which may hold spaces: state, ppid, …; utime and stime are 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      if (Number.isFinite(ticks)) cpu.set(pid, ticks * MS_PER_TICK);
    } catch {
      // Gone meanwhile: its CPU since the last reading is lost, a few ms at most.
    }
  }
  return cpu;
}
