// @ts-check
/**
 * The classic Notebook 6 page that Debian's jupyter-notebook serves: the controls the test uses, and
 * what each code cell shows once it has run.
 *
 * A timing report is found by the shape src/concurrency/report/html.ts gives it, since it carries no
 * classes (JupyterLab's sanitizer would strip them): a div at the top of a text/html output whose
 * lanes are its child rows with a title attribute, each holding a track (a div) of segments (empty
 * spans with a title; marks have a symbol, the wall-time line has no title).
 */
"use strict";

const { reportsAmong } = require("./report-dom");

/** @typedef {import("puppeteer-core").Page} Page */
/** @typedef {import("puppeteer-core").ElementHandle<Element>} Handle */

const SELECTORS = {
  codeCell: "#notebook-container > .cell.code_cell",
  prompt: ".input_prompt",
  output: ".output_area",
  kernelIdle: "#kernel_indicator_icon.kernel_idle_icon",
  kernelDead: "#kernel_indicator_icon.kernel_dead_icon",
  cellMenu: "#celllink",
  runAll: "#run_all_cells > a",
  dialog: ".modal.in",
  // Tracebacks, stderr, a renderer that threw, an output type the front end does not know.
  errorOutput: ".output_error, .output_stderr, .js-error, .output_unrecognized",
  // Any div: %%compare nests one report per model inside its own wrapper.
  reportCandidate: ".output_html div",
  lane: ":scope > div[title]",
};

const VIEW = { width: 1280, height: 900 };
/** Under Chromium's largest surface (16 384 px): a longer notebook's whole-page shot is cut there. */
const MAX_SHOT_HEIGHT = 16_000;
const CROP_PADDING = 8;

/**
 * @typedef {{ label: string, visible: boolean, width: number, height: number, trackWidth: number,
 *   trackHeight: number, segments: number, paintedSegments: number }} LaneView
 * @typedef {{ header: string, width: number, height: number, lanes: LaneView[] }} ReportView
 * @typedef {{ prompt: string, count: number | null, errors: string[] }} CellView
 */

/** @param {Page} page @param {string} url @param {number} timeoutMs */
async function openNotebook(page, url, timeoutMs) {
  await page.setViewport(VIEW);
  await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
  await page.waitForSelector(SELECTORS.codeCell, { timeout: timeoutMs });
}

/** The kernel has started and answered: Run All before this would queue cells on a kernel not yet there. */
async function waitForKernelIdle(/** @type {Page} */ page, /** @type {number} */ timeoutMs) {
  await waitOrExplain(page, timeoutMs, "the kernel to start and go idle", () =>
    page.waitForSelector(SELECTORS.kernelIdle, { timeout: timeoutMs }),
  );
}

/** Cell ▸ Run All, clicked as a person would. */
async function runAllFromMenu(/** @type {Page} */ page) {
  await page.click(SELECTORS.cellMenu);
  await page.waitForSelector(SELECTORS.runAll, { visible: true });
  await page.click(SELECTORS.runAll);
}

/**
 * Run All marks every cell [*] at once, and each loses it when its reply comes (a count, or a blank
 * prompt for a cell aborted after an error), so no [*] left and an idle kernel mean the run is over;
 * the kernel alone goes idle between cells.
 * @param {Page} page @param {number} timeoutMs
 */
async function waitForRunToFinish(page, timeoutMs) {
  await waitOrExplain(page, timeoutMs, "Run All to finish", async () => {
    const outcome = await page.waitForFunction(
      (sel) => {
        if (document.querySelector(sel.kernelDead)) return "the kernel died";
        const running = [...document.querySelectorAll(sel.codeCell)].some((cell) =>
          (cell.querySelector(sel.prompt)?.textContent ?? "").includes("[*]"),
        );
        return !running && document.querySelector(sel.kernelIdle) ? "done" : false;
      },
      { timeout: timeoutMs, polling: 250 },
      SELECTORS,
    );
    const value = await outcome.jsonValue();
    if (value !== "done") throw new Error(String(value));
  });
}

/** Whether any cell has started: a menu click that went nowhere shows here, not after the long wait. */
async function waitForRunToStart(/** @type {Page} */ page, /** @type {number} */ timeoutMs) {
  await waitOrExplain(page, timeoutMs, "Run All to start a cell", () =>
    page.waitForFunction(
      (sel) =>
        [...document.querySelectorAll(sel.codeCell)].some((cell) =>
          /\[(\*|\d+)\]/.test(cell.querySelector(sel.prompt)?.textContent ?? ""),
        ),
      { timeout: timeoutMs, polling: 100 },
      SELECTORS,
    ),
  );
}

/**
 * A timeout alone says little: name what was awaited, and what a dialog (kernel not found, server
 * gone) says if one is open.
 * @param {Page} page @param {number} timeoutMs @param {string} what @param {() => Promise<unknown>} wait
 */
async function waitOrExplain(page, timeoutMs, what, wait) {
  try {
    await wait();
  } catch (error) {
    const dialog = await page
      .$eval(SELECTORS.dialog, (d) => (d.textContent ?? "").replace(/\s+/g, " ").trim())
      .catch(() => null);
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new Error(
      `waiting ${timeoutMs / 1000} s for ${what} failed: ${reason}${dialog ? `; open dialog: "${dialog}"` : ""}`,
    );
  }
}

/** @param {Page} page */
async function outputCount(page) {
  return (await page.$$(SELECTORS.output)).length;
}

/** @param {Page} page */
function codeCells(page) {
  return page.$$(SELECTORS.codeCell);
}

/** @param {Handle} cell @returns {Promise<CellView>} */
function describeCell(cell) {
  return cell.evaluate((cell, sel) => {
    const prompt = (cell.querySelector(sel.prompt)?.textContent ?? "").replace(/\s+/g, " ").trim();
    const count = /\[(\d+)\]/.exec(prompt);
    const errors = [...cell.querySelectorAll(sel.errorOutput)].map((e) => (e.textContent ?? "").trim().slice(0, 400));
    return { prompt, count: count ? Number(count[1]) : null, errors };
  }, SELECTORS);
}

/** @param {Handle} cell @returns {Promise<Handle[]>} */
function reportsIn(cell) {
  return reportsAmong(cell, SELECTORS);
}

/** @param {Handle} report @returns {Promise<ReportView>} */
function describeReport(report) {
  return report.evaluate((root, lane) => {
    const size = (/** @type {Element | null} */ e) => {
      const r = e?.getBoundingClientRect();
      return { width: r?.width ?? 0, height: r?.height ?? 0 };
    };
    const lanes = [...root.querySelectorAll(lane)].map((row) => {
      const track = row.querySelector(":scope > div");
      const segments = track ? [...track.querySelectorAll(":scope > span[title]")].filter((s) => !s.textContent) : [];
      const painted = segments.filter((s) => {
        const r = s.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && s.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
      });
      const trackSize = size(track);
      return {
        label: (row.firstElementChild?.textContent ?? "").trim(),
        visible: row.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }),
        ...size(row),
        trackWidth: trackSize.width,
        trackHeight: trackSize.height,
        segments: segments.length,
        paintedSegments: painted.length,
      };
    });
    return { header: (root.firstElementChild?.textContent ?? "").trim(), ...size(root), lanes };
  }, SELECTORS.lane);
}

/**
 * The notebook scrolls inside #site, not the window, so a plain full-page shot would stop at the
 * first screen: the window is made as tall as the notebook instead, then put back.
 * @param {Page} page @param {string} file
 */
async function screenshotNotebook(page, file) {
  const height = await page.evaluate(() => {
    const header = document.querySelector("#header");
    const site = document.querySelector("#site");
    return (header?.getBoundingClientRect().height ?? 0) + (site?.scrollHeight ?? 0);
  });
  await page.setViewport({ ...VIEW, height: Math.min(Math.ceil(height), MAX_SHOT_HEIGHT) });
  // The page sizes #site in its resize handler; shoot once it holds the whole notebook (or the cap).
  await page.waitForFunction(
    (cap) => {
      const site = document.querySelector("#site");
      return !site || site.clientHeight >= site.scrollHeight - 1 || window.innerHeight >= cap;
    },
    { timeout: 30_000 },
    MAX_SHOT_HEIGHT,
  );
  await page.screenshot({ path: file });
  await page.setViewport(VIEW);
}

/**
 * At twice the pixel density, so that the small monospace text of a report stays sharp in a README.
 * @param {Page} page @param {Handle} report @param {string} file
 */
async function screenshotReport(page, report, file) {
  await page.setViewport({ ...VIEW, deviceScaleFactor: 2 });
  // Padded, but inside the report's output row: above it is the input's border or another output.
  const clip = await report.evaluate(
    (e, pad, output) => {
      e.scrollIntoView({ block: "center" });
      const r = e.getBoundingClientRect();
      const row = e.closest(output)?.getBoundingClientRect() ?? r;
      const top = Math.max(r.top - pad, row.top);
      const bottom = Math.min(r.bottom + pad, row.bottom);
      return { x: Math.max(0, r.left - pad), y: top, width: r.width + 2 * pad, height: bottom - top };
    },
    CROP_PADDING,
    SELECTORS.output,
  );
  await page.screenshot({ path: file, clip });
  await page.setViewport(VIEW);
}

module.exports = {
  codeCells,
  describeCell,
  describeReport,
  openNotebook,
  outputCount,
  reportsIn,
  runAllFromMenu,
  screenshotNotebook,
  screenshotReport,
  waitForKernelIdle,
  waitForRunToFinish,
  waitForRunToStart,
};
