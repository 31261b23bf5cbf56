// @ts-check
/**
 * The JupyterLab 4 page the test drives: the app is reached through `window.jupyterapp` (its
 * commands, the current notebook panel and its models), and what a user sees is read from the DOM.
 * A timing report is found by its shape (test/browser/report-dom.js): a div in a
 * text/html output whose lanes are child rows with a title, each holding a track (a div).
 */
"use strict";

const { reportsAmong } = require("../browser/report-dom");

/** @typedef {import("puppeteer-core").Page} Page */
/** @typedef {import("puppeteer-core").ElementHandle<Element>} Handle */
/**
 * @typedef {{ prompt: string, count: number | null, outPrompts: string[], errors: string[],
 *   mimes: string[] }} LabCellView
 */

const VIEW = { width: 1280, height: 900 };
const CROP_PADDING = 8;
const THEMES = { light: "JupyterLab Light", dark: "JupyterLab Dark" };

const SELECTORS = {
  codeCell: ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell.jp-CodeCell",
  inputPrompt: ".jp-InputPrompt",
  output: ".jp-OutputArea-child",
  outputPrompt: ".jp-OutputPrompt",
  rendered: ".jp-OutputArea-output",
  // Tracebacks and stderr both render as this MIME type; an output no renderer took shows the fallback.
  errorOutput: '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
  // A report is an output's top div, or one of several stacked in a %%compare output.
  reportCandidate: '.jp-OutputArea-output[data-mime-type="text/html"] div',
  lane: ":scope > div[title]",
};

/**
 * Opens JupyterLab at `url` (a /lab/tree/ URL, so the notebook opens too) with its workspace reset
 * (otherwise the notebooks of the previous page load would reopen beside it), and waits until that
 * notebook is the current tab.
 */
async function openLab(/** @type {Page} */ page, /** @type {string} */ url, /** @type {number} */ timeoutMs) {
  await page.setViewport(VIEW);
  const target = new URL(url);
  target.searchParams.set("reset", "");
  await page.goto(target.href, { waitUntil: "load", timeout: timeoutMs });
  await page.waitForFunction(() => document.body.dataset.labRestored === "true", { timeout: timeoutMs });
  const notebookPath = decodeURI(target.pathname.replace(/^.*?\/lab\/tree\//, ""));
  await page.waitForFunction(
    // @ts-expect-error: the app the test build puts on window
    (p) => window.jupyterapp.shell.currentWidget?.context?.path === p,
    { timeout: timeoutMs, polling: 100 },
    notebookPath,
  );
  await page.waitForSelector(SELECTORS.codeCell, { timeout: timeoutMs });
}

/** The current notebook's kernel has started and is idle. */
async function waitForKernelIdle(/** @type {Page} */ page, /** @type {number} */ timeoutMs) {
  await page.waitForFunction(
    () => {
      // @ts-expect-error: the app the test build puts on window
      const panel = window.jupyterapp.shell.currentWidget;
      return panel?.sessionContext?.session?.kernel?.status === "idle";
    },
    { timeout: timeoutMs, polling: 200 },
  );
}

/** Runs a command of the app, as a menu item or shortcut would, and waits until it is done. */
function command(/** @type {Page} */ page, /** @type {string} */ id, /** @type {object} */ args = {}) {
  // @ts-expect-error: the app the test build puts on window
  return page.evaluate((id, args) => window.jupyterapp.commands.execute(id, args).then(() => undefined), id, args);
}

/**
 * Starts a command without waiting for it: running cells is done only when they end (never, for
 * `while (true) {}`), and Restart only once its dialog is answered.
 */
function startCommand(/** @type {Page} */ page, /** @type {string} */ id, /** @type {object} */ args = {}) {
  return page.evaluate(
    (id, args) => {
      // @ts-expect-error: the app the test build puts on window
      window.jupyterapp.commands
        .execute(id, args)
        .catch((/** @type {unknown} */ e) => console.error(`${id} failed: ${e}`));
    },
    id,
    args,
  );
}

/**
 * Run All marks every code cell [*]; each gets its count (or a blank prompt if aborted) as it ends.
 * @param {Page} page @param {number} timeoutMs
 */
async function waitForRunToFinish(page, timeoutMs) {
  await page.waitForFunction(
    (sel) => {
      const running = [...document.querySelectorAll(sel.codeCell)].some((cell) =>
        (cell.querySelector(sel.inputPrompt)?.textContent ?? "").includes("*"),
      );
      // @ts-expect-error: the app the test build puts on window
      const kernel = window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;
      return !running && kernel?.status === "idle";
    },
    { timeout: timeoutMs, polling: 250 },
    SELECTORS,
  );
}

/** @param {Page} page */
function codeCells(page) {
  return page.$$(SELECTORS.codeCell);
}

/** @param {Handle} cell @returns {Promise<LabCellView>} */
function describeCell(cell) {
  return cell.evaluate((cell, sel) => {
    const text = (/** @type {Element | null} */ e) => (e?.textContent ?? "").replace(/\s+/g, " ").trim();
    const prompt = text(cell.querySelector(sel.inputPrompt));
    const count = /\[(\d+)\]/.exec(prompt);
    const outputs = [...cell.querySelectorAll(sel.output)];
    return {
      prompt,
      count: count ? Number(count[1]) : null,
      outPrompts: outputs.map((o) => text(o.querySelector(sel.outputPrompt))),
      errors: [...cell.querySelectorAll(sel.errorOutput)].map((e) => text(e).slice(0, 400)),
      mimes: outputs.map((o) => o.querySelector(sel.rendered)?.getAttribute("data-mime-type") ?? ""),
    };
  }, SELECTORS);
}

/**
 * Output types of every code cell, from the notebook's model: what the front end received, in
 * nbformat's terms, with runs of one stream merged (the runner's notebook is read the same way).
 * @param {Page} page @returns {Promise<string[][]>}
 */
function outputTypes(page) {
  return page.evaluate(() => {
    // @ts-expect-error: the app the test build puts on window
    const notebook = window.jupyterapp.shell.currentWidget.content;
    return notebook.widgets
      .filter((/** @type {any} */ cell) => cell.model.type === "code")
      .map((/** @type {any} */ cell) =>
        cell.model.outputs
          .toJSON()
          .map((/** @type {any} */ o) => (o.output_type === "stream" ? `stream:${o.name}` : o.output_type)),
      );
  });
}

/** Timing reports drawn from text/html in a cell. @param {Handle} cell @returns {Promise<Handle[]>} */
function reportsIn(cell) {
  return reportsAmong(cell, SELECTORS);
}

/**
 * Waits until the open notebook shows `want` reports: a notebook opened with saved outputs draws
 * cells as they come into view, so each code cell is scrolled to in turn, as a reader would.
 * @param {Page} page @param {number} want @param {number} timeoutMs
 */
async function waitForSavedReports(page, want, timeoutMs) {
  const count = async () => (await Promise.all((await codeCells(page)).map(reportsIn))).flat().length;
  const deadline = Date.now() + timeoutMs;
  while ((await count()) < want && Date.now() < deadline) {
    for (const cell of await codeCells(page)) {
      await cell.evaluate((e) => e.scrollIntoView({ block: "start" }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Whether a cell shows a report in plain text instead (the text/plain fallback a front end uses
 * when it will not render the HTML): the ASCII timeline's legend gives it away.
 * @param {Handle} cell
 */
function plainTextReports(cell) {
  return cell.evaluate(
    (cell) =>
      [...cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/plain"]')].filter((o) =>
        /█|░|▒/.test(o.textContent ?? ""),
      ).length,
  );
}

/** @param {Handle} report */
function describeReport(report) {
  return report.evaluate((root, lane) => {
    const lanes = [...root.querySelectorAll(lane)];
    const painted = lanes.filter((row) =>
      [...(row.querySelector(":scope > div")?.querySelectorAll(":scope > span[title]") ?? [])].some((s) => {
        const r = s.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
      }),
    );
    return { header: (root.firstElementChild?.textContent ?? "").trim(), lanes: lanes.length, painted: painted.length };
  }, SELECTORS.lane);
}

/**
 * Switches JupyterLab's theme and waits until its stylesheet is applied: the page's background
 * colour is then the theme's own.
 * @param {Page} page @param {"light" | "dark"} which
 */
async function setTheme(page, which) {
  await command(page, "apputils:change-theme", { theme: THEMES[which] });
  await page.waitForFunction(
    (name, dark) =>
      document.body.dataset.jpThemeName === name &&
      document.body.dataset.jpThemeLight === String(!dark) &&
      getComputedStyle(document.body).getPropertyValue("--jp-layout-color0").trim() !== "",
    { timeout: 60_000, polling: 100 },
    THEMES[which],
    which === "dark",
  );
  // The theme's CSS arrives as a stylesheet; give the page one frame to lay out with it.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined))));
}

/** At twice the pixel density, so a report's small monospace text stays sharp. Also used on nbconvert's pages. */
async function screenshotReport(/** @type {Page} */ page, /** @type {Handle} */ report, /** @type {string} */ file) {
  await page.setViewport({ ...VIEW, deviceScaleFactor: 2 });
  // Instantly, not smoothly as JupyterLab's notebook scrolls, and measured once the frame is drawn.
  await report.evaluate(async (e) => {
    e.scrollIntoView({ block: "center", behavior: "instant" });
    for (let i = 0; i < 2; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
  });
  const clip = await report.evaluate((e, pad) => {
    // The clip is in document coordinates: they differ from the viewport's where the window scrolls (nbconvert's pages).
    const r = e.getBoundingClientRect();
    const [x, y] = [r.left + window.scrollX, r.top + window.scrollY];
    return { x: Math.max(0, x - pad), y: Math.max(0, y - pad), width: r.width + 2 * pad, height: r.height + 2 * pad };
  }, CROP_PADDING);
  await page.screenshot({ path: file, clip });
  await page.setViewport(VIEW);
}

/** Closes the current notebook and shuts its kernel down, so the next one starts on an idle machine. */
async function closeNotebook(/** @type {Page} */ page) {
  await page.evaluate(async () => {
    // @ts-expect-error: the app the test build puts on window
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.shutdown();
    panel.context.model.dirty = false;
    panel.dispose();
  });
}

module.exports = {
  SELECTORS,
  closeNotebook,
  codeCells,
  command,
  describeCell,
  describeReport,
  openLab,
  outputTypes,
  plainTextReports,
  reportsIn,
  screenshotReport,
  setTheme,
  startCommand,
  waitForKernelIdle,
  waitForSavedReports,
  waitForRunToFinish,
};
