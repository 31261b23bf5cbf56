import * as path from "path";
import { Worker } from "worker_threads";

/** How often the parent is looked at: a dead parent's tree must be gone within about 2 s. */
const EVERY_MS = 250;

export interface ParentWatch {
  /** Asked first, on the main thread, to end the process in an orderly way. */
  onOrphaned?: () => void;
  /** After this long the watcher kills the process itself, however busy its main thread is. */
  graceMs: number;
}

/**
 * Call on a thread that user code never blocks: a main thread spinning in a task or a cell never
 * looks at a timer, yet an orphaned kernel or task process must still go. When the parent dies
 * the process is re-parented (to init or a subreaper), so a changed ppid is the sign. Returns
 * false when there is no parent worth watching: init never dies.
 */
export function pollParent(ppid: number, graceMs: number, orphaned: () => void): boolean {
  if (ppid <= 1) return false;
  const timer = setInterval(() => {
    if (process.ppid === ppid) return;
    clearInterval(timer);
    orphaned();
    setTimeout(() => process.kill(process.pid, "SIGKILL"), graceMs);
  }, EVERY_MS);
  timer.unref();
  return true;
}

const WATCHER = path.join(__dirname, "parent-watch-thread.js");

/**
 * End this process when the process that started it dies, from a small thread of its own. The
 * kernel's transport thread polls instead (transport-worker.ts): one thread fewer to keep resident.
 */
export function watchParent(watch: ParentWatch): void {
  const ppid = process.ppid;
  if (ppid <= 1) return;
  const worker = new Worker(WATCHER, {
    workerData: { ppid, graceMs: watch.graceMs },
    // It only ever reads one number: the smallest heap V8 will run it in keeps it cheap in every task process.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 1 },
  });
  worker.unref();
  worker.on("message", () => watch.onOrphaned?.());
  // A watcher that cannot start leaves the process as it would be without one.
  worker.on("error", () => undefined);
}
