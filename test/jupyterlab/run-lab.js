#!/usr/bin/env node
// @ts-check
/**
 * JupyterLab test: the walkthroughs driven in a JupyterLab 4 page in headless Chromium, as a student
 * would run them, checked where they are drawn, in the Light and in the Dark theme.
 *
 * Builds the JupyterLab front end in this folder when it is missing or stale (build-app.js), serves
 * it with Debian's jupyter_server (serve.py) on loopback with the kernelspec installed in throw-away
 * Jupyter dirs, and then:
 *   1. every notebook in notebooks/, stripped of its outputs: Run All; every code cell got its
 *      count; no error output; Out[n] prompts; each report drawn from text/html, not the text/plain
 *      fallback; the output types per cell those of the headless runner's run of the same notebook;
 *      every report's contrast (WCAG AA) in Light and Dark, and its first report's screenshots;
 *   2. interaction (interaction.js): a live report, completion, inspection, interrupt and restart;
 *   3. the committed notebooks as shared, with their outputs and untrusted: their reports render
 *      from HTML through the sanitizer and reach the same contrast in both themes;
 *   4. the committed notebooks exported by nbconvert (`--template lab`, light and dark), the same.
 *
 * Usage: node test/jupyterlab/run-lab.js [--out DIR] [--runner-dir DIR] [--timeout SEC] [--only A.ipynb,B.ipynb]
 *   --out: screenshots and logs (default artifacts/jupyterlab); --runner-dir: executed copies of the
 *   notebooks made by another client (CI passes nbconvert's; otherwise the headless runner runs here)
 *   to compare output types with; --timeout: per Run All;
 *   --only: just these notebooks of notebooks/ (while working on the test; CI runs them all).
 * Env: CHROMIUM_PATH, JUPYTER_PYTHON as for test/browser/run-notebook.js.
 * Prints "ok: …"/"FAIL: …" lines, a contrast table and the time taken; exits 1 on any failure.
 */
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { findChromium, launchChromium } = require("../browser/chromium");
const { describeContrast, measureReports } = require("../browser/contrast");
const { exportHtml, openExport, reportsInExport } = require("../browser/nbconvert-export");
const { expectedCells, writeUnexecutedCopy } = require("../browser/notebook-file");
const { startNotebookServer, tail } = require("../browser/notebook-server");
const { CLI, ROOT, Checks, installKernelspec, jupyterEnv, shown, stopOnExit } = require("../browser/test-run");
const { buildApp } = require("./build-app");
const { checkInteraction } = require("./interaction");
const lab = require("./lab-page");

const START_TIMEOUT_MS = 120_000;
const KERNEL_TIMEOUT_MS = 180_000;
const THEMES = /** @type {const} */ (["light", "dark"]);

/** @param {string[]} argv */
function parseArgs(argv) {
  const options = { out: path.join(ROOT, "artifacts", "jupyterlab"), runnerDir: "", timeoutMs: 600_000, only: "" };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--out") options.out = path.resolve(value);
    else if (flag === "--runner-dir") options.runnerDir = path.resolve(value);
    else if (flag === "--timeout") options.timeoutMs = Number(value) * 1000;
    else if (flag === "--only") options.only = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!(options.timeoutMs > 0)) throw new Error("--timeout needs a number of seconds");
  return options;
}

/** Output types per code cell of an executed notebook file, runs of one stream merged. */
function runnerOutputTypes(/** @type {string} */ file) {
  const notebook = JSON.parse(fs.readFileSync(file, "utf8"));
  return notebook.cells
    .filter((/** @type {any} */ c) => c.cell_type === "code")
    .map((/** @type {any} */ c) =>
      mergeStreams(
        (c.outputs ?? []).map((/** @type {any} */ o) =>
          o.output_type === "stream" ? `stream:${o.name}` : o.output_type,
        ),
      ),
    );
}

/** JupyterLab's model joins consecutive outputs of one stream; so does this, for either side. */
function mergeStreams(/** @type {string[]} */ types) {
  return types.filter((t, i) => !(t.startsWith("stream:") && types[i - 1] === t));
}

/** The headless runner's executed copy of `notebook`: from CI's earlier run, or made here. */
function runnerCopy(/** @type {string} */ notebook, /** @type {string} */ runnerDir, /** @type {string} */ work) {
  const given = runnerDir && path.join(runnerDir, path.basename(notebook));
  if (given && fs.existsSync(given)) return given;
  const out = path.join(work, "runner", path.basename(notebook));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const run = spawnSync(process.execPath, [CLI, "run", notebook, "--out", out, "--quiet"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`cli.js run ${shown(notebook)} failed:\n${run.stdout}${run.stderr}`);
  return out;
}

/** Lowest contrast seen per front end and theme, for the table at the end. */
class ContrastTable {
  constructor() {
    /** @type {Map<string, { text: number, graphic: number }>} */
    this.rows = new Map();
  }
  /** @param {string} row @param {Awaited<ReturnType<typeof measureReports>>} result */
  add(row, result) {
    const old = this.rows.get(row) ?? { text: Infinity, graphic: Infinity };
    this.rows.set(row, {
      text: Math.min(old.text, result.lowestText?.ratio ?? Infinity),
      graphic: Math.min(old.graphic, result.lowestGraphic?.ratio ?? Infinity),
    });
  }
  print() {
    console.log("contrast, lowest ratio (WCAG AA: text ≥ 4.5, graphics ≥ 3):");
    for (const [row, low] of this.rows)
      console.log(`  ${row.padEnd(40)} text ${low.text.toFixed(2)}  graphics ${low.graphic.toFixed(2)}`);
  }
}

/**
 * Measures every report in both themes, with a screenshot of the first in each.
 * @param {import("puppeteer-core").Page} page @param {import("puppeteer-core").ElementHandle<Element>[]} reports
 * @param {{ checks: Checks, table: ContrastTable, row: string, shot: string }} where
 */
async function checkThemes(page, reports, { checks, table, row, shot }) {
  for (const theme of THEMES) {
    await lab.setTheme(page, theme);
    const result = await measureReports(reports);
    table.add(`${row.split(":")[0]}, ${theme}`, result);
    console.log(`  contrast, ${theme}: ${describeContrast(result)}`);
    checks.check(
      result.count > 0 && result.failing.length === 0,
      `${row}: every report reaches WCAG AA contrast in JupyterLab ${theme}`,
      result.failing
        .slice(0, 8)
        .map((m) => `${m.what} ${m.ratio.toFixed(2)} (${m.fg} on ${m.bg})`)
        .join("; "),
    );
    if (reports.length > 0) {
      const file = `${shot}-${theme}.png`;
      await lab.screenshotReport(page, reports[0], file);
      console.log(`  ${shown(file)}`);
    }
  }
  await lab.setTheme(page, "light");
}

/**
 * One walkthrough: Run All and every check on what the page then shows.
 * @param {import("puppeteer-core").Page} page
 * @param {{ url: string, notebook: string, runnerFile: string, timeoutMs: number, out: string,
 *   checks: Checks, table: ContrastTable }} run
 */
async function runNotebook(page, { url, notebook, runnerFile, timeoutMs, out, checks, table }) {
  const name = path.basename(notebook);
  const expected = expectedCells(notebook);
  await lab.openLab(page, url, START_TIMEOUT_MS);
  await lab.waitForKernelIdle(page, KERNEL_TIMEOUT_MS);
  const started = Date.now();
  await lab.startCommand(page, "notebook:run-all-cells");
  await lab.waitForRunToFinish(page, timeoutMs);
  console.log(`${name}: Run All took ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const cells = await lab.codeCells(page);
  const views = await Promise.all(cells.map(lab.describeCell));
  const counts = views.filter((_, i) => expected[i]?.executes).map((v) => v.count);
  checks.check(
    cells.length === expected.length && counts.every((c, i) => c === i + 1),
    `${name}: every code cell ran, in order (In [1] … In [${counts.length}])`,
    `prompts were ${views.map((v) => v.prompt).join(" ")}`,
  );
  const errors = views.flatMap((v, i) => v.errors.map((e) => `code cell ${i + 1} (${v.prompt}): ${e}`));
  checks.check(errors.length === 0, `${name}: no error output`, errors.join("\n  "));

  const types = (await lab.outputTypes(page)).map(mergeStreams);
  const wanted = runnerOutputTypes(runnerFile);
  const differ = wanted
    .map((w, i) =>
      JSON.stringify(w) === JSON.stringify(types[i])
        ? null
        : `cell ${i + 1}: runner ${w.join(",") || "none"}, JupyterLab ${(types[i] ?? []).join(",") || "none"}`,
    )
    .filter(Boolean);
  checks.check(
    types.length === wanted.length && differ.length === 0,
    `${name}: output types per cell are the headless runner's`,
    differ.join("; "),
  );
  const outPrompts = views.flatMap((v, i) =>
    types[i].flatMap((t, k) =>
      t === "execute_result" && v.outPrompts[k] !== `[${v.count}]:` ? [`cell ${i + 1}: "${v.outPrompts[k]}"`] : [],
    ),
  );
  const results = types.flat().filter((t) => t === "execute_result").length;
  checks.check(
    results > 0 && outPrompts.length === 0,
    `${name}: ${results} results under their Out[n] prompt`,
    outPrompts.join("; "),
  );

  const reports = [];
  const problems = [];
  for (const [i, cell] of cells.entries()) {
    const want = expected[i]?.reports ?? [];
    const drawn = await lab.reportsIn(cell);
    const plain = await lab.plainTextReports(cell);
    if (drawn.length !== want.length || plain > 0)
      problems.push(`cell ${i + 1}: ${drawn.length} HTML reports of ${want.length}, ${plain} as plain text`);
    for (const [k, report] of drawn.entries()) {
      const view = await lab.describeReport(report);
      if (view.header.includes("running…") || view.lanes === 0 || view.painted !== view.lanes) {
        problems.push(
          `cell ${i + 1} report ${k + 1}: "${view.header}", ${view.painted} of ${view.lanes} lanes painted`,
        );
      }
      reports.push(report);
    }
  }
  checks.check(
    problems.length === 0 && reports.length > 0,
    `${name}: ${reports.length} timing reports drawn from text/html, finished, every lane painted`,
    problems.join("; ") || "none drawn",
  );
  await checkThemes(page, reports, {
    checks,
    table,
    row: `JupyterLab: ${name}`,
    shot: path.join(out, `${path.basename(name, ".ipynb")}-report`),
  });
  await lab.closeNotebook(page);
}

/**
 * A committed notebook opened as someone it was shared with would: outputs saved, no trust.
 * @param {import("puppeteer-core").Page} page
 * @param {{ url: string, notebook: string, out: string, checks: Checks, table: ContrastTable }} run
 */
async function checkShared(page, { url, notebook, out, checks, table }) {
  const name = path.basename(notebook);
  const want = expectedCells(notebook).reduce((n, c) => n + c.reports.length, 0);
  await lab.openLab(page, url, START_TIMEOUT_MS);
  // Once its outputs are drawn, the notebook has loaded: before that the panel may still hold the
  // one empty code cell a new model starts with, which JupyterLab marks trusted (a CI run read that).
  await lab.waitForSavedReports(page, want, 60_000);
  const trusted = await page.evaluate(() =>
    // @ts-expect-error: the app the test build puts on window
    window.jupyterapp.shell.currentWidget.content.widgets.some(
      (/** @type {any} */ c) => c.model.type === "code" && c.model.trusted,
    ),
  );
  const reports = (await Promise.all((await lab.codeCells(page)).map(lab.reportsIn))).flat();
  checks.check(
    !trusted && reports.length === want && want > 0,
    `shared ${name}: untrusted, its ${want} reports drawn from text/html`,
    `trusted: ${trusted}, ${reports.length} drawn`,
  );
  await checkThemes(page, reports, {
    checks,
    table,
    row: `JupyterLab untrusted: ${name}`,
    shot: path.join(out, `shared-${path.basename(name, ".ipynb")}-report`),
  });
  await lab.closeNotebook(page);
}

/**
 * nbconvert's lab-template export of a committed notebook, light and dark, checked like the page.
 * @param {import("puppeteer-core").Page} page
 * @param {{ notebook: string, work: string, env: NodeJS.ProcessEnv, out: string, checks: Checks, table: ContrastTable }} run
 */
async function checkExport(page, { notebook, work, env, out, checks, table }) {
  const name = path.basename(notebook);
  const want = expectedCells(notebook).reduce((n, c) => n + c.reports.length, 0);
  for (const theme of THEMES) {
    const file = exportHtml(
      process.env.JUPYTER_PYTHON || "/usr/bin/python3",
      notebook,
      theme,
      path.join(work, "nbconvert"),
      env,
    );
    await openExport(page, file);
    const reports = await reportsInExport(page);
    const result = await measureReports(reports);
    table.add(`nbconvert --template lab, ${theme}`, result);
    console.log(`  contrast, ${theme}: ${describeContrast(result)}`);
    checks.check(
      reports.length === want && result.count > 0 && result.failing.length === 0,
      `nbconvert lab ${theme} export of ${name}: ${reports.length} of ${want} reports drawn from HTML, all at WCAG AA contrast`,
      result.failing
        .slice(0, 8)
        .map((m) => `${m.what} ${m.ratio.toFixed(2)} (${m.fg} on ${m.bg})`)
        .join("; "),
    );
    if (reports.length > 0) {
      const shot = path.join(out, `nbconvert-${path.basename(name, ".ipynb")}-report-${theme}.png`);
      await lab.screenshotReport(page, reports[0], shot);
      console.log(`  ${shown(shot)}`);
    }
  }
}

async function main() {
  const started = Date.now();
  const options = parseArgs(process.argv.slice(2));
  const chromium = findChromium();
  if ("missing" in chromium) {
    console.log(`SKIPPED: JupyterLab test because ${chromium.missing}`);
    return 0;
  }
  if (!fs.existsSync(CLI)) throw new Error(`${shown(CLI)} is missing: run npm run build first`);
  const versions = buildApp();
  console.log(`JupyterLab front end: ${versions}`);
  const notebooks = fs
    .readdirSync(path.join(ROOT, "notebooks"))
    .filter((f) => f.endsWith(".ipynb") && (!options.only || options.only.split(",").includes(f)))
    .sort()
    .map((f) => path.join(ROOT, "notebooks", f));
  fs.mkdirSync(options.out, { recursive: true });
  const serverLog = path.join(options.out, "server.log");
  const pageLog = fs.createWriteStream(path.join(options.out, "console.log"));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "ts-kernel-lab-"));
  const checks = new Checks();
  const table = new ContrastTable();
  const run = stopOnExit("JupyterLab test", work, pageLog);
  try {
    const env = jupyterEnv(work);
    installKernelspec(env);
    const served = path.join(work, "notebooks");
    // Two copies of the folder (a notebook may import files beside it): one to run, stripped of
    // outputs, and one as committed, to open as a shared notebook.
    for (const copy of ["run", "shared"])
      fs.cpSync(path.join(ROOT, "notebooks"), path.join(served, copy), { recursive: true, dereference: true });
    for (const nb of notebooks) writeUnexecutedCopy(nb, path.join(served, "run", path.basename(nb)));
    const runnerFiles = notebooks.map((nb) => runnerCopy(nb, options.runnerDir, work));

    const server = (run.server = await startNotebookServer({
      python: process.env.JUPYTER_PYTHON || "/usr/bin/python3",
      notebookDir: served,
      env,
      logFile: serverLog,
      timeoutMs: START_TIMEOUT_MS,
      labScript: path.join(__dirname, "serve.py"),
    }));
    const profile = path.join(work, "chromium-profile");
    fs.mkdirSync(profile);
    const browser = (run.browser = await launchChromium(chromium.path, profile));
    const page = await browser.newPage();
    page.setDefaultTimeout(START_TIMEOUT_MS);
    page.on("console", (m) => pageLog.write(`${m.type()}: ${m.text()}\n`));
    page.on("pageerror", (e) => pageLog.write(`pageerror: ${e instanceof Error ? e.message : String(e)}\n`));

    for (const [i, notebook] of notebooks.entries()) {
      const url = server.url(`run/${path.basename(notebook)}`);
      await runNotebook(page, {
        url,
        notebook,
        runnerFile: runnerFiles[i],
        timeoutMs: options.timeoutMs,
        out: options.out,
        checks,
        table,
      });
    }
    await checkInteraction(page, { server, served, out: options.out, checks });
    for (const notebook of notebooks) {
      await checkShared(page, {
        url: server.url(`shared/${path.basename(notebook)}`),
        notebook,
        out: options.out,
        checks,
        table,
      });
    }
    for (const notebook of notebooks) await checkExport(page, { notebook, work, env, out: options.out, checks, table });
  } catch (error) {
    checks.check(
      false,
      "the JupyterLab test ran to the end",
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
  } finally {
    await run.cleanUp();
  }

  table.print();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (checks.failures.length === 0) {
    console.log(`JupyterLab test: passed in ${seconds} s (${checks.passed} checks)`);
    return 0;
  }
  console.log(`JupyterLab test: ${checks.failures.length} failed in ${seconds} s`);
  console.log(`  the page's console: ${shown(path.join(options.out, "console.log"))}; the end of the server's log:`);
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
