import { ChildProcess, spawn } from "child_process";
import { randomBytes } from "crypto";
import { mkdtemp, rm } from "fs/promises";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { writeConnectionFile } from "../protocol/connection";
import { ConnectionInfo } from "../protocol/transport-contract";
import { freePorts } from "./free-port";
import { KernelClient } from "./kernel-client";

export interface LaunchOptions {
  cwd?: string;
  /** Merged over the parent's environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * The kernel command. `{connection_file}` is replaced by the connection file's path (as in a
   * kernelspec); without that placeholder the path is appended.
   */
  argv?: string[];
  /** The interface the kernel binds; default 127.0.0.1. */
  ip?: string;
  /** How long the kernel may take to answer its first request; default 30 s. */
  readyTimeoutMs?: number;
}

export interface RunningKernel {
  client: KernelClient;
  child: ChildProcess;
  connection: ConnectionInfo;
  connectionFile: string;
  /** Everything the kernel has written to stderr (the most recent megabyte). */
  stderr(): string;
  /** Asks the kernel to shut down, kills it if it has not exited within 5 s, and cleans up. */
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5000;
/** How long after a kernel's exit its last messages may still arrive (seen: a shutdown_reply behind the exit event). */
const LAST_MESSAGES_GRACE_MS = 300;
const OUTPUT_LIMIT = 1 << 20;

export async function launchKernel(options: LaunchOptions = {}): Promise<RunningKernel> {
  const connection = await freshConnection(options.ip ?? "127.0.0.1", "ts-concurrency");
  const dir = await mkdtemp(join(tmpdir(), "tsck-"));
  const connectionFile = join(dir, "connection.json");
  writeConnectionFile(connectionFile, connection);

  const argv = withConnectionFile(options.argv ?? defaultArgv(), connectionFile);
  const env = { ...process.env, ...options.env };
  const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const stderr = captureStderr(child, Boolean(env.TSCK_DEBUG));
  child.stdout?.resume();

  // A kernel left running by a crashed test or benchmark would hold its ports and CPU.
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  // `on`, not `once`: an unheard "error" event (a failed kill, say) would throw in the parent.
  const exited = new Promise<void>((done) => {
    child.once("exit", () => done());
    child.on("error", () => done());
  });
  void exited.then(() => process.off("exit", killOnExit));

  let client: KernelClient;
  const startup = new AbortController();
  const onEarlyClose = (code: number | null, signal: NodeJS.Signals | null) =>
    startup.abort(new Error(`kernel ${describeExit(code, signal)} before it was ready; its stderr:\n${stderr()}`));
  const onSpawnError = (error: Error) =>
    startup.abort(new Error(`cannot start kernel with ${JSON.stringify(argv[0])}: ${error.message}`));
  child.once("close", onEarlyClose);
  child.once("error", onSpawnError);
  try {
    client = await KernelClient.connect(connection, { timeoutMs: options.readyTimeoutMs, signal: startup.signal });
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    await rm(dir, { recursive: true, force: true });
    const message = (error as Error).message;
    throw new Error(message.includes("stderr:") ? message : `${message}; kernel stderr:\n${stderr()}`);
  } finally {
    child.off("close", onEarlyClose);
    child.off("error", onSpawnError);
  }

  let stopping = false;
  child.once("exit", (code, signal) => {
    // What the kernel sent just before it went (a shutdown_reply, a last error) may still be on its
    // way through our sockets when the exit is seen: requests fail only once it has had time to land.
    setTimeout(() => {
      if (!stopping) client.failPending(`kernel ${describeExit(code, signal)}`);
    }, LAST_MESSAGES_GRACE_MS).unref();
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        client.send("control", "shutdown_request", { restart: false });
        const timer = setTimeout(() => child.kill("SIGKILL"), SHUTDOWN_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await client.close();
      await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  return { client, child, connection, connectionFile, stderr, stop };
}

/** This package's own CLI, compiled beside this file. */
function defaultArgv(): string[] {
  return [process.execPath, resolve(__dirname, "../app/cli.js"), "kernel", "{connection_file}"];
}

function withConnectionFile(argv: string[], connectionFile: string): string[] {
  if (argv.length === 0) throw new Error("launchKernel: argv must name a command");
  return argv.includes("{connection_file}")
    ? argv.map((arg) => (arg === "{connection_file}" ? connectionFile : arg))
    : [...argv, connectionFile];
}

function captureStderr(child: ChildProcess, echo: boolean): () => string {
  let text = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    text += chunk;
    if (text.length > OUTPUT_LIMIT) text = text.slice(text.length - OUTPUT_LIMIT);
    if (echo) process.stderr.write(chunk);
  });
  return () => text;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** Connection info for a kernel about to start: free ports on `ip` and a fresh random key. */
export async function freshConnection(ip: string, kernelName: string): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5, ip);
  return {
    transport: "tcp",
    ip,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(32).toString("hex"),
    signature_scheme: "hmac-sha256",
    kernel_name: kernelName,
  };
}
