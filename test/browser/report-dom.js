// @ts-check
/**
 * How a timing report is found in a rendered cell, by any front end: a div whose direct children
 * include lanes (a titled div holding the lane's track), and which is not itself a lane. %%compare
 * nests one report per model in a wrapper, so every div is a candidate, not only the output's root.
 */
"use strict";

/** @typedef {import("puppeteer-core").ElementHandle<Element>} Handle */

/**
 * @param {Handle} cell
 * @param {{ reportCandidate: string, lane: string }} selectors the front end's own
 * @returns {Promise<Handle[]>}
 */
async function reportsAmong(cell, selectors) {
  const reports = [];
  for (const candidate of await cell.$$(selectors.reportCandidate)) {
    if (
      await candidate.evaluate(
        (div, lane) => div.querySelector(`${lane} > div`) !== null && !div.hasAttribute("title"),
        selectors.lane,
      )
    ) {
      reports.push(candidate);
    }
  }
  return reports;
}

module.exports = { reportsAmong };
