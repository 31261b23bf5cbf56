/** The thread `watchParent` starts: polls the parent and tells the main thread when it has gone. */
import { parentPort, workerData } from "worker_threads";
import { pollParent } from "./parent-watch";

const { ppid, graceMs } = workerData as { ppid: number; graceMs: number };
// Unlike the kernel's transport thread, this one has nothing else to keep it going.
const alive = setInterval(() => undefined, 1 << 30);
if (!pollParent(ppid, graceMs, () => parentPort?.postMessage("orphaned"))) clearInterval(alive);
