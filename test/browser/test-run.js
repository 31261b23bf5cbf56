// @ts-check
/**
 * What every browser test shares: throw-away Jupyter dirs with the kernelspec installed in them,
 * short paths for its log lines, and a list of checks that collects every failure.
 */
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = path.join(ROOT, "dist", "app", "cli.js");

/** A path as short as it can be said: relative inside the repository, else whole. */
function shown(/** @type {string} */ file) {
  const relative = path.relative(ROOT, file);
  return relative.startsWith("..") ? file : relative;
}

/** Jupyter dirs of the test's own: the server sees the kernelspec installed here and no user setup. */
function jupyterEnv(/** @type {string} */ work) {
  const dirs = {
    JUPYTER_DATA_DIR: path.join(work, "jupyter-data"),
    JUPYTER_PATH: path.join(work, "jupyter-path"),
    JUPYTER_RUNTIME_DIR: path.join(work, "jupyter-runtime"),
    JUPYTER_CONFIG_DIR: path.join(work, "jupyter-config"),
    IPYTHONDIR: path.join(work, "ipython"),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  return { ...process.env, ...dirs };
}

/** @param {NodeJS.ProcessEnv} env */
function installKernelspec(env) {
  const run = spawnSync(process.execPath, [CLI, "install", "--user"], { env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`cli.js install --user failed:\n${run.stdout}${run.stderr}`);
}

/**
 * What a browser test started and must stop however it ends: normally, on an error, or on Ctrl-C
 * or CI's timeout, since server and browser lead process groups of their own and would outlive it.
 * The test sets `server` and `browser` once it has them; `cleanUp()` runs at most once.
 * @param {string} what the test, for the line printed when a signal stops it
 * @param {string} work its throw-away folder, removed at the end
 * @param {fs.WriteStream} pageLog the page's console log, closed at the end
 */
function stopOnExit(what, work, pageLog) {
  const held = {
    /** @type {import("./notebook-server").NotebookServer | null} */
    server: null,
    /** @type {import("puppeteer-core").Browser | null} */
    browser: null,
    /** @type {Promise<void> | null} */
    cleaning: null,
    cleanUp() {
      return (held.cleaning ??= (async () => {
        await held.browser?.close().catch(() => undefined);
        await held.server?.stop();
        pageLog.end();
        fs.rmSync(work, { recursive: true, force: true });
      })());
    },
  };
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.once(signal, () => {
      console.log(`FAIL: ${what} stopped by ${signal}`);
      held.cleanUp().finally(() => process.exit(1));
    });
  }
  return held;
}

/** Collects what went wrong rather than stopping at the first, so one run shows every problem. */
class Checks {
  constructor() {
    /** @type {string[]} */
    this.failures = [];
    this.passed = 0;
  }
  /** @param {boolean} holds @param {string} what @param {string} [otherwise] */
  check(holds, what, otherwise) {
    if (holds) {
      this.passed += 1;
      console.log(`ok: ${what}`);
    } else {
      const message = otherwise ? `${what}: ${otherwise}` : what;
      console.log(`FAIL: ${message}`);
      this.failures.push(message);
    }
  }
}

module.exports = { CLI, ROOT, Checks, installKernelspec, jupyterEnv, shown, stopOnExit };
