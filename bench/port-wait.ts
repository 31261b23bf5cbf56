import { connect } from "net";
import { sleep } from "./waiting";

const POLL_MS = 5;

/**
 * Resolves true once something accepts TCP connections on host:port, false at the deadline or when
 * `gaveUp` says to stop. ZeroMQ retries a refused connect only after 100–200 ms, which would blur a
 * cold start by that much; connecting only after the port is open makes the first attempt succeed.
 */
export async function waitForPort(
  host: string,
  port: number,
  deadline: number,
  gaveUp: () => boolean,
): Promise<boolean> {
  while (performance.now() < deadline && !gaveUp()) {
    if (await accepts(host, port)) return true;
    await sleep(POLL_MS);
  }
  return false;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
