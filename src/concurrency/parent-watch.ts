import { Worker } from "worker_threads";

/** How often the parent is looked at: a dead parent's tree must be gone within about 2 s. */
const EVERY_MS = 250;

/**
 * Runs on a thread of its own: a main thread spinning in a task or a cell never looks at a timer,
 * yet an orphaned kernel or task process must still go. When the parent dies the process is
 * re-parented (to init or a subreaper), so a changed ppid is the sign.
 */
const WATCHER = `
const { parentPort, workerData } = require("worker_threads");
const { ppid, everyMs, graceMs } = workerData;
const timer = setInterval(() => {
  if (process.ppid === ppid) return;
  clearInterval(timer);
  parentPort.postMessage("orphaned");
  setTimeout(() => process.kill(process.pid, "SIGKILL"), graceMs);
}, everyMs);
`;

export interface ParentWatch {
  /** Asked first, on the main thread, to end the process in an orderly way. */
  onOrphaned?: () => void;
  /** After this long the watcher kills the process itself, however busy its main thread is. */
  graceMs: number;
}

/** End this process when the process that started it dies. */
export function watchParent(watch: ParentWatch): void {
  const ppid = process.ppid;
  // Init never dies, so a process that already belongs to it has no parent worth watching.
  if (ppid <= 1) return;
  const worker = new Worker(WATCHER, {
    eval: true,
    workerData: { ppid, everyMs: EVERY_MS, graceMs: watch.graceMs },
    // It only ever reads one number: the smallest heap V8 will run it in keeps it cheap in every task process.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, codeRangeSizeMb: 1 },
  });
  worker.unref();
  worker.on("message", () => watch.onOrphaned?.());
  // A watcher that cannot start leaves the process as it would be without one.
  worker.on("error", () => undefined);
}
