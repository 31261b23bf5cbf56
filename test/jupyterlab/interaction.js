// @ts-check
/**
 * What a student does in JupyterLab besides Run All, once per test run, on a small notebook of its
 * own: watch a report grow while tasks run, complete `Math.` with Tab, ask the inspector about a
 * notebook variable, interrupt `while (true) {}` and go on, and restart the kernel.
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const lab = require("./lab-page");

const NAME = "interaction.ipynb";
const CELLS = [
  'const greeting: string = "hello";',
  "%%threads -n 3\nsleepSync(2000);\nreturn task.i;",
  "Math.",
  "greeting",
  "while (true) {}",
  "1 + 1",
];
const CELL = { declare: 0, live: 1, complete: 2, inspect: 3, spin: 4, after: 5 };
const INTERRUPT_LIMIT_MS = 1000;

function writeNotebook(/** @type {string} */ file) {
  const cells = CELLS.map((source, i) => ({
    id: `cell-${i}`,
    cell_type: "code",
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  }));
  const metadata = {
    kernelspec: { name: "ts-concurrency", display_name: "TypeScript (concurrency)", language: "typescript" },
  };
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }, null, 1));
}

/** Makes cell i the only selected one, as a click on it would. */
function select(/** @type {import("puppeteer-core").Page} */ page, /** @type {number} */ index) {
  return page.evaluate((index) => {
    // @ts-expect-error: the app the test build puts on window
    const notebook = window.jupyterapp.shell.currentWidget.content;
    notebook.deselectAll();
    notebook.activeCellIndex = index;
  }, index);
}

/** Runs cell i (Run ▸ Run Selected Cell) and waits until it has its count. */
async function runCell(
  /** @type {import("puppeteer-core").Page} */ page,
  /** @type {number} */ index,
  timeoutMs = 60_000,
) {
  await select(page, index);
  await lab.startCommand(page, "notebook:run-cell");
  return waitForCount(page, index, timeoutMs);
}

/** @returns {Promise<number>} the cell's execution count once it shows one */
async function waitForCount(
  /** @type {import("puppeteer-core").Page} */ page,
  /** @type {number} */ index,
  /** @type {number} */ timeoutMs,
) {
  const handle = await page.waitForFunction(
    (index, sel) => {
      const prompt = document.querySelectorAll(sel.codeCell)[index]?.querySelector(sel.inputPrompt)?.textContent ?? "";
      const m = /\[(\d+)\]/.exec(prompt);
      return m ? Number(m[1]) : false;
    },
    { timeout: timeoutMs, polling: 20 },
    index,
    lab.SELECTORS,
  );
  return /** @type {number} */ (await handle.jsonValue());
}

function cellText(/** @type {import("puppeteer-core").Page} */ page, /** @type {number} */ index) {
  return page.evaluate(
    (index, sel) =>
      (document.querySelectorAll(sel.codeCell)[index]?.querySelector(".jp-Cell-outputArea")?.textContent ?? "").trim(),
    index,
    lab.SELECTORS,
  );
}

/** Puts the cursor at the end of cell i's editor, in edit mode: a click, which also makes the notebook the current tab. */
async function cursorAtEnd(/** @type {import("puppeteer-core").Page} */ page, /** @type {number} */ index) {
  const editor = (await lab.codeCells(page))[index];
  await (await editor.$(".cm-content"))?.click();
  await page.keyboard.press("End");
}

/**
 * @param {import("puppeteer-core").Page} page
 * @param {{ server: { url: (p: string) => string }, served: string, out: string, checks: import("../browser/test-run").Checks }} where
 */
async function checkInteraction(page, { server, served, out, checks }) {
  writeNotebook(path.join(served, NAME));
  await lab.openLab(page, server.url(NAME), 120_000);
  await lab.waitForKernelIdle(page, 180_000);

  // Live: every distinct drawing of the report while its header still says "running…".
  await page.evaluate(
    (index, sel) => {
      const cell = document.querySelectorAll(sel.codeCell)[index];
      /** @type {Set<string>} */
      const seen = new Set();
      // @ts-expect-error: kept on window for the test to read
      window.liveRenders = seen;
      new MutationObserver(() => {
        const report = cell.querySelector(sel.reportCandidate);
        if (report && (report.firstElementChild?.textContent ?? "").includes("running")) seen.add(report.innerHTML);
      }).observe(cell, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    CELL.live,
    lab.SELECTORS,
  );
  await runCell(page, CELL.declare);
  await runCell(page, CELL.live);
  // @ts-expect-error: kept on window by the observer above
  const live = await page.evaluate(() => window.liveRenders.size);
  const finished = await cellText(page, CELL.live);
  checks.check(
    live >= 2 && !finished.includes("running…"),
    `%%threads -n 3 (2 s sleeps) drew ${live} different live reports before it ended`,
    `final: ${finished.slice(0, 120)}`,
  );

  // Completion: Tab after "Math." lists its members.
  await cursorAtEnd(page, CELL.complete);
  await page.keyboard.press("Tab");
  const items = await page
    .waitForFunction(
      () => {
        const found = [...document.querySelectorAll(".jp-Completer .jp-Completer-item")].map((e) =>
          (e.textContent ?? "").trim(),
        );
        return found.length > 0 ? found : false;
      },
      { timeout: 30_000, polling: 100 },
    )
    .then((h) => /** @type {Promise<string[]>} */ (h.jsonValue()))
    .catch(() => /** @type {string[]} */ ([]));
  await page.keyboard.press("Escape");
  // The list shows the first members alphabetically; the rest appear as it scrolls.
  checks.check(
    ["abs", "acos", "ceil"].every((m) => items.some((i) => i.startsWith(m))),
    `Tab after "Math." lists its members (${items.slice(0, 5).join(", ")}, … ${items.length} shown)`,
    `listed: ${items.slice(0, 10).join(", ") || "nothing"}`,
  );

  // Contextual help: the inspector shows the type of the variable under the cursor.
  await lab.command(page, "inspector:open");
  await cursorAtEnd(page, CELL.inspect);
  const help = await page
    .waitForFunction(
      () => {
        const text = document.querySelector(".jp-Inspector-content")?.textContent ?? "";
        return /greeting/.test(text) && /string/.test(text) ? text : false;
      },
      { timeout: 30_000, polling: 100 },
    )
    .then((h) => /** @type {Promise<string>} */ (h.jsonValue()))
    .catch(
      async () =>
        `nothing matching; it shows: ${await page.evaluate(() => document.querySelector(".jp-Inspector-content")?.textContent ?? "(no inspector)")}`,
    );
  // The page with the inspector open beside the notebook, for a person to look at.
  await page.screenshot({ path: path.join(out, "interaction.png") });
  await lab.command(page, "inspector:close");
  checks.check(
    /greeting/.test(help) && /string/.test(help),
    "the contextual help shows greeting's type (string)",
    help.slice(0, 200),
  );

  // Interrupt: the ■ command stops a synchronous endless loop, and the next cell runs.
  await select(page, CELL.spin);
  await lab.startCommand(page, "notebook:run-cell");
  await page.waitForFunction(
    // @ts-expect-error: the app the test build puts on window
    () => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === "busy",
    { timeout: 30_000, polling: 20 },
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const interruptedAt = Date.now();
  await lab.command(page, "kernelmenu:interrupt");
  await waitForCount(page, CELL.spin, 30_000);
  const stoppedMs = Date.now() - interruptedAt;
  const spinOutput = await cellText(page, CELL.spin);
  checks.check(
    stoppedMs <= INTERRUPT_LIMIT_MS && spinOutput.includes("KeyboardInterrupt"),
    `Interrupt stopped while (true) {} in ${stoppedMs} ms with KeyboardInterrupt`,
    `output: ${spinOutput.slice(0, 200)}`,
  );
  await runCell(page, CELL.after);
  checks.check((await cellText(page, CELL.after)).includes("2"), "the next cell runs after the interrupt (1 + 1 → 2)");

  // Restart: a fresh kernel counts from 1 again, and the notebook runs on it.
  await lab.startCommand(page, "kernelmenu:restart");
  await page.waitForSelector(".jp-Dialog .jp-mod-accept", { timeout: 30_000 });
  await page.click(".jp-Dialog .jp-mod-accept");
  await lab.waitForKernelIdle(page, 180_000);
  const counts = [];
  for (const index of [CELL.declare, CELL.live, CELL.after]) counts.push(await runCell(page, index));
  const after = await cellText(page, CELL.after);
  checks.check(
    counts.join(",") === "1,2,3" && after.includes("2"),
    `after Restart the kernel is fresh and runs the notebook again (In [${counts.join("], [")}])`,
    `output: ${after}`,
  );
  await lab.closeNotebook(page);
}

module.exports = { checkInteraction };
