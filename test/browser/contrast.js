// @ts-check
/**
 * WCAG contrast of a timing report as the browser drew it: every piece of text against the
 * background it actually lies on (ancestors' backgrounds composited, translucent ones included),
 * and every lane segment and legend swatch against its track or the page. Used on JupyterLab, the
 * classic Notebook and nbconvert's HTML alike: the report carries no classes, so its parts are
 * found by the shape src/concurrency/report/html.ts gives them.
 */
"use strict";

/** WCAG AA: 4.5:1 for text of the report's sizes, 3:1 for graphics a reader must make out. */
const MINIMUM = { text: 4.5, graphic: 3 };

/**
 * Runs in the page. Returns one measurement per text element, segment, line and swatch.
 * @param {Element} root the report's outer div
 * @returns {{ kind: "text" | "graphic", what: string, ratio: number, fg: string, bg: string }[]}
 */
function measureInPage(root) {
  /** @param {string} css @returns {number[] | null} r, g, b (0–255), alpha (0–1) */
  const parse = (css) => {
    const m = /rgba?\(([^)]+)\)/.exec(css);
    if (!m) return null;
    const p = m[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  /** @param {number[]} top @param {number[]} under */
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  /** @param {number[]} c */
  const luminance = (c) => {
    const lin = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  /** @param {number[]} a @param {number[]} b */
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)];
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  /** @param {number[]} c */
  const show = (c) => `rgb(${c.slice(0, 3).map(Math.round).join(", ")})`;
  /** The colour behind an element: its ancestors' backgrounds, composited down to the first opaque one. */
  const backgroundOf = (/** @type {Element | null} */ start) => {
    const layers = [];
    for (let e = start; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
      if (c && c[3] >= 1) break;
    }
    // Nothing opaque all the way up: the canvas, white unless the page says otherwise.
    let bg = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, /** @type {number[]} */ (bg));
    return /** @type {number[]} */ (bg);
  };
  /** What a graphic is painted with: its fill, else the first colour of its hatching, else its border. */
  const paintOf = (/** @type {Element} */ e) => {
    const s = getComputedStyle(e);
    const fill = parse(s.backgroundColor);
    if (fill && fill[3] > 0) return fill;
    const stripe = parse(s.backgroundImage);
    if (stripe && stripe[3] > 0) return stripe;
    for (const side of ["Top", "Left"]) {
      const width = parseFloat(s.getPropertyValue(`border-${side.toLowerCase()}-width`));
      const colour = parse(s.getPropertyValue(`border-${side.toLowerCase()}-color`));
      if (width > 0 && s.getPropertyValue(`border-${side.toLowerCase()}-style`) !== "none" && colour) return colour;
    }
    return null;
  };
  const label = (/** @type {Element} */ e) =>
    (
      e.getAttribute("title") ||
      e.textContent ||
      (getComputedStyle(e).borderLeftStyle === "dashed" ? "wall-time line" : e.tagName)
    )
      .trim()
      .slice(0, 60);
  /** @type {{ kind: "text" | "graphic", what: string, ratio: number, fg: string, bg: string }[]} */
  const out = [];
  for (const e of [root, ...root.querySelectorAll("*")]) {
    const ownText = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? "").trim() !== "");
    const box = e.getBoundingClientRect();
    if (ownText) {
      const bg = backgroundOf(e);
      const fg = over(/** @type {number[]} */ (parse(getComputedStyle(e).color)), bg);
      out.push({ kind: "text", what: `text "${label(e)}"`, ratio: ratio(fg, bg), fg: show(fg), bg: show(bg) });
      continue;
    }
    const lane = e.parentElement?.parentElement;
    const inTrack =
      getComputedStyle(e).position === "absolute" && lane?.parentElement === root && lane.hasAttribute("title");
    const swatch = getComputedStyle(e).display === "inline-block" && e.textContent === "";
    if (!(inTrack || swatch) || (box.width === 0 && box.height === 0)) continue;
    const paint = paintOf(e);
    if (!paint) continue;
    const bg = backgroundOf(e.parentElement);
    const fg = over(paint, bg);
    const what = `${swatch ? "legend swatch" : "lane segment"} "${label(e)}"`;
    out.push({ kind: "graphic", what, ratio: ratio(fg, bg), fg: show(fg), bg: show(bg) });
  }
  return out;
}

/**
 * Measures every report given and says which measurements fall short.
 * @param {import("puppeteer-core").ElementHandle<Element>[]} reports
 */
async function measureReports(reports) {
  const all = [];
  for (const report of reports) all.push(...(await report.evaluate(measureInPage)));
  const failing = all.filter((m) => m.ratio < MINIMUM[m.kind]);
  const lowest = (/** @type {"text" | "graphic"} */ kind) =>
    all
      .filter((m) => m.kind === kind)
      .reduce((low, m) => (low === null || m.ratio < low.ratio ? m : low), /** @type {any} */ (null));
  return { count: all.length, failing, lowestText: lowest("text"), lowestGraphic: lowest("graphic") };
}

/** One line for a log: the lowest ratios found, against the minimum each must reach. */
function describeContrast(/** @type {Awaited<ReturnType<typeof measureReports>>} */ result) {
  const one = (/** @type {any} */ m, /** @type {number} */ min) =>
    m ? `${m.ratio.toFixed(2)} (≥ ${min}; ${m.what}, ${m.fg} on ${m.bg})` : "none";
  return `${result.count} measured; lowest text ${one(result.lowestText, MINIMUM.text)}; lowest graphic ${one(result.lowestGraphic, MINIMUM.graphic)}`;
}

module.exports = { MINIMUM, measureInPage, measureReports, describeContrast };
