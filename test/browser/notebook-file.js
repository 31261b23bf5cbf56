// @ts-check
/**
 * The walkthrough on disk: what its committed run promises the browser will show (code cells and
 * their timing reports), and the copy the server gets, stripped of outputs so that everything the
 * browser later shows can only have come from the run the test started.
 */
"use strict";

const fs = require("node:fs");

/**
 * @typedef {{ executor: string, tasks: number }} ExpectedReport
 * @typedef {{ firstLine: string, executes: boolean, reports: ExpectedReport[] }} ExpectedCell
 * @typedef {{ cell_type: string, source: string | string[], outputs?: any[], execution_count?: number | null }} Cell
 */

/** @param {string} file @returns {{ cells: Cell[] }} */
function readNotebook(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** @param {Cell} cell */
function sourceOf(cell) {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * One entry per code cell, in order: the front end never executes a blank cell, and a report is an
 * output carrying metadata.timing (the same test as test/jupyter/check_executed_notebook.py).
 * @param {string} file
 * @returns {ExpectedCell[]}
 */
function expectedCells(file) {
  return readNotebook(file)
    .cells.filter((cell) => cell.cell_type === "code")
    .map((cell) => {
      const source = sourceOf(cell);
      const reports = (cell.outputs ?? [])
        .map((output) => output.metadata?.timing)
        .filter(Boolean)
        // %%compare saves one output holding a report per executor, its timing a list of them.
        .flatMap((timing) => (Array.isArray(timing) ? timing : [timing]))
        .map((timing) => ({ executor: String(timing.executor), tasks: timing.tasks.count }));
      return { firstLine: source.split("\n")[0], executes: source.trim() !== "", reports };
    });
}

/** @param {string} from @param {string} to */
function writeUnexecutedCopy(from, to) {
  const notebook = readNotebook(from);
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  fs.writeFileSync(to, JSON.stringify(notebook, null, 1) + "\n");
}

module.exports = { expectedCells, writeUnexecutedCopy };
