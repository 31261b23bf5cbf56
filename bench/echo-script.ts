/**
 * The bare baseline for a task's round trip: run as a worker thread or as a forked child, it sends
 * every message straight back, so a round trip costs what Node's channel costs and nothing else.
 */
import { parentPort } from "worker_threads";

if (parentPort) {
  const port = parentPort;
  port.on("message", (m: unknown) => port.postMessage(m));
  port.postMessage("ready");
} else if (process.send) {
  const send = process.send.bind(process);
  process.on("message", (m: unknown) => send(m));
  send("ready");
} else {
  throw new Error("echo-script must run as a worker thread or a forked child");
}
