// @ts-check
/**
 * Installs and bundles the JupyterLab front end in this folder when it is missing or older than
 * what it is made from, so a second test run on the same checkout starts at once.
 */
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const HERE = __dirname;
const SOURCES = ["package.json", "package-lock.json", "index.js", "rspack.config.js"].map((f) => path.join(HERE, f));

function mtime(/** @type {string} */ file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -Infinity;
  }
}

function run(/** @type {string} */ what, /** @type {string[]} */ args) {
  const started = Date.now();
  const result = spawnSync("npm", args, { cwd: HERE, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0)
    throw new Error(`${what} in test/jupyterlab failed:\n${(result.stdout + result.stderr).slice(-4000)}`);
  console.log(`${what} in test/jupyterlab: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** @returns {string} the versions the build is made of, for the log */
function buildApp() {
  if (mtime(path.join(HERE, "node_modules", ".package-lock.json")) < mtime(path.join(HERE, "package-lock.json"))) {
    run("npm ci", ["ci", "--no-audit", "--no-fund"]);
  }
  const bundle = mtime(path.join(HERE, "build", "bundle.js"));
  if (SOURCES.some((f) => mtime(f) > bundle)) run("npm run build", ["run", "build", "--silent"]);
  const version = (/** @type {string} */ name) =>
    JSON.parse(fs.readFileSync(path.join(HERE, "node_modules", name, "package.json"), "utf8")).version;
  return ["@jupyterlab/application", "@jupyterlab/notebook", "@jupyterlab/apputils", "@rspack/core"]
    .map((n) => `${n} ${version(n)}`)
    .join(", ");
}

module.exports = { buildApp };
