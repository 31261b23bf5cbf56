import { readdirSync, readFileSync } from "fs";

/** What /proc says about one process's memory. */
export interface ProcessMemory {
  pid: number;
  /** Resident set size in KiB. It is per process, so it already covers every thread. */
  rssKiB: number;
  threads: number;
}

/** Memory of a process plus whatever it has spawned, so a kernel that forks helpers is not flattered. */
export interface TreeMemory {
  root: ProcessMemory;
  descendants: ProcessMemory[];
  totalKiB: number;
}

/** Parses the VmRSS and Threads lines of a /proc/<pid>/status text. */
export function parseStatus(pid: number, text: string): ProcessMemory {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name} line`);
    return Number(match[1]);
  };
  return { pid, rssKiB: field("VmRSS"), threads: field("Threads") };
}

export function readProcessMemory(pid: number): ProcessMemory {
  return parseStatus(pid, readFileSync(`/proc/${pid}/status`, "utf8"));
}

export function readTreeMemory(pid: number): TreeMemory {
  const root = readProcessMemory(pid);
  const descendants: ProcessMemory[] = [];
  for (const child of descendantPids(pid)) {
    try {
      descendants.push(readProcessMemory(child));
    } catch {
      // A helper that exited between listing and reading holds no memory any more.
    }
  }
  return { root, descendants, totalKiB: descendants.reduce((sum, d) => sum + d.rssKiB, root.rssKiB) };
}

/** Children are listed per thread in /proc/<pid>/task/<tid>/children; walk them depth-first. */
function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let text = "";
      try {
        text = readFileSync(`/proc/${parent}/task/${tid}/children`, "utf8");
      } catch {
        continue;
      }
      for (const child of text.split(/\s+/).filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}
