import { spawn } from "child_process";
import { randomUUID } from "crypto";
import { mkdtemp, rm } from "fs/promises";
import { tmpdir } from "os";
import { join } from "path";
import { freshConnection } from "../src/client/launch";
import { Identity, newMessage } from "../src/protocol/build";
import { Channel, Message } from "../src/protocol/message";
import { ClientTransport, openClientTransport } from "../src/transport/client-transport";
import { writeConnectionFile } from "../src/protocol/connection";
import { ConnectionInfo } from "../src/protocol/transport-contract";
import { BenchKernel } from "./kernels";
import { showsTwo } from "./outputs";
import { forget, keepTrackOf } from "./leftovers";
import { waitForPort } from "./port-wait";
import { reap, watchSpawned } from "./spawned";
import { Listen, nextMessage, parentId, settledAt } from "./waiting";

/** One fresh start of a kernel. */
export interface ColdStart {
  /** Spawn → the first kernel_info_reply. */
  toKernelInfoMs?: number;
  /** That kernel_info_reply → the value of the first `1+1`. */
  firstResultMs?: number;
  /** Why a number is missing. */
  problem?: string;
}

export interface ColdStartLimits {
  readyMs: number;
  resultMs: number;
}

/** Often enough that a reply is never waiting on the next probe for long, rarely enough not to load the kernel. */
const PROBE_INTERVAL_MS = 20;
const EXIT_GRACE_MS = 3000;
const FLUSH_GRACE_MS = 500;
const HOST = "127.0.0.1";

/**
 * Measures a start below launchKernel, whose ready-wait already sends kernel_info_requests on
 * ZeroMQ's reconnect schedule: here the clock starts at spawn and stops at the first reply.
 */
export async function coldStart(kernel: BenchKernel, limits: ColdStartLimits, cwd: string): Promise<ColdStart> {
  const connection = await newConnection();
  const dir = await mkdtemp(join(tmpdir(), "tsck-bench-"));
  const file = join(dir, "connection.json");
  keepTrackOf(dir);
  writeConnectionFile(file, connection);
  const argv = kernel.argv.map((arg) => (arg === "{connection_file}" ? file : arg));

  const spawnedAt = performance.now();
  const spawned = watchSpawned(spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"] }));
  let transport: ClientTransport | undefined;
  try {
    const deadline = spawnedAt + limits.readyMs;
    if (!(await waitForPort(HOST, connection.shell_port, deadline, spawned.hasExited))) {
      return {
        problem: spawned.hasExited()
          ? `exited before binding its sockets: ${spawned.stderr().trim()}`
          : `timeout: shell port not open after ${limits.readyMs} ms`,
      };
    }
    const listeners = new Set<(message: Message, channel: Channel) => void>();
    const listen: Listen = (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    };
    transport = openClientTransport(connection, {
      onMessage: (channel, { message }) => [...listeners].forEach((listener) => listener(message, channel)),
      onRejected: () => undefined,
    });
    return await firstAnswers(transport, listen, spawnedAt, deadline, limits.resultMs);
  } finally {
    if (transport && !spawned.hasExited()) {
      transport.send("control", newMessage(BENCH_IDENTITY, "shutdown_request", { restart: false }));
      // A kernel that is already gone never takes the message; do not wait on it for long.
      await settledAt(transport.flush(), FLUSH_GRACE_MS);
    }
    await reap(spawned, EXIT_GRACE_MS);
    transport?.close();
    await rm(dir, { recursive: true, force: true });
    forget(dir);
  }
}

const BENCH_IDENTITY: Identity = { session: randomUUID(), username: "bench" };

async function firstAnswers(
  transport: ClientTransport,
  listen: Listen,
  spawnedAt: number,
  deadline: number,
  resultMs: number,
): Promise<ColdStart> {
  const probes = new Set<string>();
  // Both waits start before the first probe: busy on iopub may arrive before the reply on shell.
  const reply = nextMessage(
    listen,
    (m, channel) => channel === "shell" && m.header.msg_type === "kernel_info_reply" && probes.has(parentId(m)),
    deadline - performance.now(),
  );
  // A SUB socket misses what is published before its subscription reaches the kernel; only a
  // probe's own iopub traffic proves the first cell's output will be seen.
  const iopubLive = nextMessage(
    listen,
    (m, channel) => channel === "iopub" && probes.has(parentId(m)),
    deadline - performance.now(),
  );
  const probe = () => {
    const message = newMessage(BENCH_IDENTITY, "kernel_info_request", {});
    probes.add(message.header.msg_id);
    transport.send("shell", message);
  };
  probe();
  const prober = setInterval(probe, PROBE_INTERVAL_MS);
  try {
    const ready = await reply;
    if (!ready) return { problem: `timeout: no kernel_info_reply within ${Math.round(deadline - spawnedAt)} ms` };
    const toKernelInfoMs = ready.at - spawnedAt;
    if (!(await iopubLive)) return { toKernelInfoMs, problem: "timeout: iopub never answered a kernel_info_request" };
    clearInterval(prober);

    const execute = newMessage(BENCH_IDENTITY, "execute_request", {
      code: "1+1",
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    const result = nextMessage(
      listen,
      (m, channel) => channel === "iopub" && parentId(m) === execute.header.msg_id && showsTwo(m),
      resultMs,
    );
    transport.send("shell", execute);
    const shown = await result;
    if (!shown) return { toKernelInfoMs, problem: `timeout: no result for 1+1 within ${resultMs} ms` };
    return { toKernelInfoMs, firstResultMs: shown.at - ready.at };
  } finally {
    clearInterval(prober);
  }
}

function newConnection(): Promise<ConnectionInfo> {
  return freshConnection(HOST, "bench");
}
