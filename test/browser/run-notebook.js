#!/usr/bin/env node
// @ts-check
/**
 * Browser test: a walkthrough run from the classic Notebook UI in headless Chromium, the way a
 * student would run it, and its timing reports checked where they are drawn, in the page.
 *
 * It registers the kernelspec (built dist/) in throw-away Jupyter dirs, serves a copy of the
 * notebook's folder, the notebook stripped of its outputs, from Debian's jupyter-notebook on
 * loopback, clicks Cell ▸ Run All, waits until no cell is left running and the kernel is idle, then
 * asserts: each code cell ran in order (In [1], [2], …); no error output; each cell shows as many
 * timing reports as the committed notebook has, finished, from the same executor, one lane per task
 * (up to the per-task lane limit), every lane visible with a non-zero track and a painted segment,
 * and every report's text and graphics at WCAG AA contrast (test/browser/contrast.js).
 * Screenshots of the whole notebook and of each report go to the output folder.
 *
 * Usage: node test/browser/run-notebook.js [--notebook FILE] [--out DIR] [--timeout SEC]
 *   defaults: notebooks/04-async.ipynb, artifacts/browser, 600 s for Run All
 * Env: CHROMIUM_PATH (default: Debian's), JUPYTER_PYTHON (a python3 with Debian's notebook package)
 * Prints "ok: …" lines and exits 0, or "FAIL: …" lines and exits 1; prints "SKIPPED: …" and exits 0
 * when there is no Chromium to drive.
 */
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { findChromium, launchChromium } = require("./chromium");
const { CLI, ROOT, Checks, installKernelspec, jupyterEnv, shown, stopOnExit } = require("./test-run");
const { describeContrast, measureReports } = require("./contrast");
const { expectedCells, writeUnexecutedCopy } = require("./notebook-file");
const ui = require("./notebook-page");
const { startNotebookServer, tail } = require("./notebook-server");

// Generous: CI's machine has 2 cores and may be running other suites alongside.
const START_TIMEOUT_MS = 120_000;
const KERNEL_TIMEOUT_MS = 180_000;

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = {
    notebook: path.join(ROOT, "notebooks", "04-async.ipynb"),
    out: path.join(ROOT, "artifacts", "browser"),
    timeoutMs: 600_000,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--notebook") options.notebook = path.resolve(value);
    else if (flag === "--out") options.out = path.resolve(value);
    else if (flag === "--timeout") options.timeoutMs = Number(value) * 1000;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!(options.timeoutMs > 0)) throw new Error("--timeout needs a number of seconds");
  return options;
}

/**
 * The report's own names for executors and its lane limit, from the build the kernel runs.
 * @returns {{ EXECUTOR_NAMES: Record<string, string>, MAX_TASK_LANES: number }}
 */
function reportConstants() {
  return {
    ...require(path.join(ROOT, "dist", "concurrency", "report", "captions.js")),
    ...require(path.join(ROOT, "dist", "concurrency", "report", "lanes.js")),
  };
}

/**
 * @param {import("./notebook-page").ReportView} report
 * @param {import("./notebook-file").ExpectedReport} expected
 * @returns {string | null} what is wrong with it
 */
function reportProblem(report, expected) {
  const { EXECUTOR_NAMES, MAX_TASK_LANES } = reportConstants();
  if (!report.header.includes(EXECUTOR_NAMES[expected.executor])) {
    return `header "${report.header}" does not name ${EXECUTOR_NAMES[expected.executor]}`;
  }
  if (report.header.includes("running…")) return `it never finished ("${report.header}")`;
  if (!(report.width > 0 && report.height > 0)) return `it has no size (${report.width}×${report.height})`;
  const lanes = report.lanes.length;
  if (expected.tasks <= MAX_TASK_LANES ? lanes !== expected.tasks : lanes < 1) {
    return `${lanes} lanes for ${expected.tasks} tasks`;
  }
  for (const lane of report.lanes) {
    if (!lane.visible || !(lane.width > 0 && lane.height > 0)) return `lane "${lane.label}" is not visible`;
    if (!(lane.trackWidth > 0 && lane.trackHeight > 0)) {
      return `lane "${lane.label}" has a ${lane.trackWidth}×${lane.trackHeight} track`;
    }
    if (lane.paintedSegments === 0) return `lane "${lane.label}" paints none of its ${lane.segments} segments`;
  }
  return null;
}

/**
 * Run All from the menu, then every assertion on what the page shows.
 * @param {import("puppeteer-core").Page} page
 * @param {import("./notebook-file").ExpectedCell[]} expected
 * @param {number} timeoutMs
 * @param {Checks} checks
 * @returns {Promise<{ report: import("./notebook-page").Handle, label: string }[]>} the reports drawn, in order
 */
async function runAndCheck(page, expected, timeoutMs, checks) {
  await ui.waitForKernelIdle(page, KERNEL_TIMEOUT_MS);
  checks.check((await ui.outputCount(page)) === 0, "the notebook opened without outputs and its kernel went idle");
  const runStarted = Date.now();
  await ui.runAllFromMenu(page);
  await ui.waitForRunToStart(page, 60_000);
  await ui.waitForRunToFinish(page, timeoutMs);
  console.log(`Run All took ${((Date.now() - runStarted) / 1000).toFixed(1)} s`);

  const cells = await ui.codeCells(page);
  checks.check(
    cells.length === expected.length,
    `the page shows ${expected.length} code cells`,
    `it shows ${cells.length}`,
  );
  const views = await Promise.all(cells.map(ui.describeCell));
  const counts = views.filter((_, i) => expected[i]?.executes).map((v) => v.count);
  checks.check(
    counts.every((count, i) => count === i + 1),
    `every code cell ran, in order (In [1] … In [${counts.length}])`,
    `prompts were ${views.map((v) => v.prompt).join(" ")}`,
  );
  const errors = views.flatMap((v, i) => v.errors.map((e) => `code cell ${i + 1} (${v.prompt}): ${e}`));
  checks.check(errors.length === 0, "no error output", errors.join("\n  "));

  const drawn = [];
  for (const [i, cell] of cells.entries()) {
    const want = expected[i]?.reports ?? [];
    const reports = await ui.reportsIn(cell);
    const where = `${views[i].prompt} ${expected[i]?.firstLine ?? ""}`.trim();
    if (reports.length !== want.length) {
      checks.check(false, `${where}: ${want.length} timing report(s) drawn`, `found ${reports.length}`);
      continue;
    }
    for (const [k, report] of reports.entries()) {
      const view = await ui.describeReport(report);
      const problem = reportProblem(view, want[k]);
      const lanes = `${view.lanes.length} lane${view.lanes.length === 1 ? "" : "s"}`;
      const label = `${where}: report ${k + 1} (${want[k].executor}, ${lanes})`;
      checks.check(problem === null, `${label} drawn, every lane visible`, problem ?? "");
      drawn.push({ report, label });
    }
  }
  const wanted = expected.reduce((n, cell) => n + cell.reports.length, 0);
  checks.check(
    drawn.length === wanted && wanted > 0,
    `${drawn.length} of ${wanted} timing reports checked in the page`,
    wanted === 0 ? "the committed notebook has none, so it cannot test them" : "",
  );
  return drawn;
}

async function main() {
  const started = Date.now();
  const options = parseArgs(process.argv.slice(2));
  const name = path.basename(options.notebook);
  const chromium = findChromium();
  if ("missing" in chromium) {
    console.log(`SKIPPED: browser test of ${name} because ${chromium.missing}`);
    return 0;
  }
  if (!fs.existsSync(CLI)) throw new Error(`${shown(CLI)} is missing: run npm run build first`);
  const expected = expectedCells(options.notebook);
  fs.mkdirSync(options.out, { recursive: true });
  const stem = path.join(options.out, path.basename(name, ".ipynb"));
  const serverLog = `${stem}-server.log`;
  const pageLog = fs.createWriteStream(`${stem}-console.log`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "ts-kernel-browser-"));
  const checks = new Checks();
  const run = stopOnExit(`browser test of ${name}`, work, pageLog);
  try {
    const env = jupyterEnv(work);
    installKernelspec(env);
    const served = path.join(work, "notebooks");
    // The whole folder, since a notebook may import files next to it; dereferenced, since a copied
    // symlink would have the server (and the stripping below) work on the originals.
    fs.cpSync(path.dirname(options.notebook), served, { recursive: true, dereference: true });
    if (fs.realpathSync(path.join(served, name)) === fs.realpathSync(options.notebook)) {
      throw new Error(`the served copy of ${name} is the original itself`);
    }
    writeUnexecutedCopy(options.notebook, path.join(served, name));
    const server = (run.server = await startNotebookServer({
      python: process.env.JUPYTER_PYTHON || "/usr/bin/python3",
      notebookDir: served,
      env,
      logFile: serverLog,
      timeoutMs: START_TIMEOUT_MS,
    }));

    const profile = path.join(work, "chromium-profile");
    fs.mkdirSync(profile);
    const browser = (run.browser = await launchChromium(chromium.path, profile));
    const page = await browser.newPage();
    page.setDefaultTimeout(START_TIMEOUT_MS);
    page.on("console", (m) => pageLog.write(`${m.type()}: ${m.text()}\n`));
    page.on("pageerror", (e) => pageLog.write(`pageerror: ${e instanceof Error ? e.message : String(e)}\n`));
    await ui.openNotebook(page, server.url(name), START_TIMEOUT_MS);
    const drawn = await runAndCheck(page, expected, options.timeoutMs, checks);
    // The classic Notebook has no theme variables: the report's fallback colours are what shows here.
    const contrast = await measureReports(drawn.map((d) => d.report));
    console.log(`contrast in the classic Notebook: ${describeContrast(contrast)}`);
    checks.check(
      contrast.count > 0 && contrast.failing.length === 0,
      "every report's text and graphics reach WCAG AA contrast in the classic Notebook",
      contrast.failing
        .slice(0, 10)
        .map((m) => `${m.what}: ${m.ratio.toFixed(2)}`)
        .join("; "),
    );

    await ui.screenshotNotebook(page, `${stem}-notebook.png`);
    console.log(`  ${shown(`${stem}-notebook.png`)}: the whole notebook`);
    for (const [i, { report, label }] of drawn.entries()) {
      const file = `${stem}-report-${String(i + 1).padStart(2, "0")}.png`;
      await ui.screenshotReport(page, report, file);
      console.log(`  ${shown(file)}: ${label}`);
    }
  } catch (error) {
    checks.check(false, "the browser test ran to the end", error instanceof Error ? error.message : String(error));
  } finally {
    await run.cleanUp();
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (checks.failures.length === 0) {
    console.log(`browser test of ${name}: passed in ${seconds} s`);
    return 0;
  }
  console.log(`browser test of ${name}: ${checks.failures.length} failed in ${seconds} s`);
  console.log(
    `  the page's console: ${shown(`${stem}-console.log`)}; the end of the server's log (${shown(serverLog)}):`,
  );
  console.log(tail(serverLog, 15).replace(/^/gm, "  | "));
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.log(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
