/**
 * The bare baseline for worker start-up: run as a worker thread or as a forked child, it loads
 * nothing of the kernel's and says "ready" at once. Like a pool worker it then listens on its port,
 * which keeps it alive until the bench stops it, so its exit can never overtake the message.
 */
import { parentPort } from "worker_threads";

const ignore = () => undefined;

if (parentPort) {
  parentPort.on("message", ignore);
  parentPort.postMessage("ready");
} else if (process.send) {
  process.on("message", ignore);
  process.send("ready");
} else {
  throw new Error("ready-script must run as a worker thread or a forked child");
}
