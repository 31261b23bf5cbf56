// @ts-check
/**
 * Debian's classic Notebook server (package jupyter-notebook), or with `labScript` the JupyterLab
 * test server (test/jupyterlab/serve.py on Debian's jupyter_server), on loopback for one test run: a
 * random token, no browser of its own, root allowed (CI runs as root), and the Jupyter dirs it is
 * given, so it finds the kernelspec the test installed there and nothing of a user's setup.
 */
"use strict";

const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

const POLL_MS = 200;
const STOP_GRACE_MS = 15_000;

/**
 * @typedef {{ python: string, notebookDir: string, env: NodeJS.ProcessEnv, logFile: string, timeoutMs: number,
 *   labScript?: string }} ServerOptions
 * @typedef {{ url: (notebookPath: string) => string, base: string, token: string, stop: () => Promise<void> }} NotebookServer
 */

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** @param {number} ms */
function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {string} file @param {number} lines */
function tail(file, lines) {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * @param {ServerOptions} options
 * @returns {Promise<NotebookServer>}
 */
async function startNotebookServer({ python, notebookDir, env, logFile, timeoutMs, labScript }) {
  const token = randomBytes(24).toString("hex");
  const log = fs.openSync(logFile, "w");
  const common = ["--no-browser", "--allow-root", "--ip=127.0.0.1", `--port=${await freePort()}`];
  const args = labScript
    ? [labScript, ...common, `--ServerApp.root_dir=${notebookDir}`, `--ServerApp.token=${token}`]
    : ["-m", "notebook", ...common, `--notebook-dir=${notebookDir}`, `--NotebookApp.token=${token}`];
  // Its own process group: Ctrl-C in a terminal then reaches only the test, which stops the server in
  // order (the server's own SIGINT handler would ask on stdin whether to quit).
  const child = spawn(python, args, { env, stdio: ["ignore", log, log], detached: true });
  fs.closeSync(log);
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => child.once("exit", () => resolve()));
  let running = true;
  exited.then(() => (running = false));
  child.once("error", () => (running = false));

  const stop = async () => {
    if (!running || child.pid === undefined) return;
    // SIGTERM lets the server shut its kernels down before it exits.
    child.kill("SIGTERM");
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const late = new Promise((resolve) => (timer = setTimeout(() => resolve("late"), STOP_GRACE_MS)));
    const outcome = await Promise.race([exited.then(() => "exited"), late]);
    clearTimeout(timer);
    if (outcome === "late") {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group emptied between the deadline and the kill.
      }
      await exited;
    }
  };

  // The server writes this file once it listens; the port in it is the one it got, which differs
  // from ours if another process took that port in the meantime.
  const infoFile = path.join(
    String(env.JUPYTER_RUNTIME_DIR),
    `${labScript ? "jpserver" : "nbserver"}-${child.pid}.json`,
  );
  const page = labScript ? "lab/tree" : "notebooks";
  const deadline = Date.now() + timeoutMs;
  while (running && Date.now() < deadline) {
    const base = readBaseUrl(infoFile);
    if (base !== null && (await answers(`${base}api/status?token=${token}`))) {
      return { url: (notebookPath) => `${base}${page}/${encodeURI(notebookPath)}?token=${token}`, base, token, stop };
    }
    await pause(POLL_MS);
  }
  const why = running ? `did not answer within ${timeoutMs / 1000} s` : "exited";
  await stop();
  throw new Error(`the notebook server ${why}; the end of its log (${logFile}):\n${tail(logFile, 30)}`);
}

/** @param {string} infoFile @returns {string | null} */
function readBaseUrl(infoFile) {
  try {
    const url = JSON.parse(fs.readFileSync(infoFile, "utf8")).url;
    return typeof url === "string" ? url : null;
  } catch {
    // Not written yet, or caught half-written.
    return null;
  }
}

/** @param {string} url */
async function answers(url) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

module.exports = { startNotebookServer, tail };
