// @ts-check
/**
 * The system's Chromium under puppeteer-core, which never downloads a browser of its own: the path
 * comes from $CHROMIUM_PATH, else where Debian's chromium package puts its launcher.
 */
"use strict";

const fs = require("node:fs");
const puppeteer = require("puppeteer-core");

const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * Flags on top of puppeteer's defaults (which add --headless=new). Where the network is closed, as
 * in CI, Chromium without the background-networking ones opens connections refused by the dozen.
 * CI runs as root, where Chromium's sandbox cannot start.
 */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** @returns {{ path: string } | { missing: string }} */
function findChromium() {
  const wanted = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
  const source = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${wanted}` : wanted;
  try {
    fs.accessSync(wanted, fs.constants.X_OK);
    return { path: wanted };
  } catch {
    return { missing: `${source} is not an executable file (install Debian's chromium, or set CHROMIUM_PATH)` };
  }
}

/**
 * @param {string} executablePath
 * @param {string} userDataDir a new, empty folder: no profile, no first-run state
 */
function launchChromium(executablePath, userDataDir) {
  return puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir,
    args: FLAGS,
    // The test stops browser and server together on a signal; puppeteer's own handlers would exit first.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    // A loaded 2-core machine can take a while to bring a browser up.
    timeout: 120_000,
    protocolTimeout: 300_000,
  });
}

module.exports = { findChromium, launchChromium };
