// @ts-check
/**
 * nbconvert's HTML export with its `lab` template, light and dark, opened in the browser from disk:
 * the timing reports must render from their HTML there too and reach WCAG AA contrast. The lab
 * template defines JupyterLab's theme variables, which the report's text colours use; nothing is
 * sanitized, so the variables apply as in a trusted JupyterLab page.
 */
"use strict";

const { spawnSync } = require("node:child_process");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

/**
 * Exports `notebook` as HTML in `theme` into `dir`, returning the file written.
 * @param {string} python @param {string} notebook @param {"light" | "dark"} theme @param {string} dir
 * @param {NodeJS.ProcessEnv} env
 */
function exportHtml(python, notebook, theme, dir, env) {
  const name = `${path.basename(notebook, ".ipynb")}-${theme}`;
  const args = [
    "-m",
    "nbconvert",
    "--to",
    "html",
    "--template",
    "lab",
    "--theme",
    theme,
    "--output-dir",
    dir,
    "--output",
    name,
    notebook,
  ];
  const run = spawnSync(python, args, { env, encoding: "utf8" });
  if (run.status !== 0)
    throw new Error(`nbconvert --to html --template lab --theme ${theme} failed:\n${run.stderr.slice(-3000)}`);
  return path.join(dir, `${name}.html`);
}

/**
 * Opens an exported page with every request but the file itself refused: the export links MathJax
 * and require.js from the network, which the test machine does not have and the report needs not.
 * @param {import("puppeteer-core").Page} page @param {string} file
 */
async function openExport(page, file) {
  const url = pathToFileURL(file).href;
  await page.setRequestInterception(true);
  const onRequest = (/** @type {import("puppeteer-core").HTTPRequest} */ request) =>
    request.url().startsWith("file:") ? request.continue() : request.abort();
  page.on("request", onRequest);
  try {
    await page.goto(url, { waitUntil: "load", timeout: 60_000 });
  } finally {
    page.off("request", onRequest);
    await page.setRequestInterception(false);
  }
}

/** Timing reports in the export, found by their shape as in the live pages. @param {import("puppeteer-core").Page} page */
async function reportsInExport(page) {
  const reports = [];
  for (const candidate of await page.$$('.jp-OutputArea-output[data-mime-type="text/html"] div')) {
    if (
      await candidate.evaluate(
        (div) => div.querySelector(":scope > div[title] > div") !== null && !div.hasAttribute("title"),
      )
    ) {
      reports.push(candidate);
    }
  }
  return reports;
}

module.exports = { exportHtml, openExport, reportsInExport };
