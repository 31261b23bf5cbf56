/**
 * The HTML report must render in untrusted notebooks, where JupyterLab passes it through its
 * Sanitizer. This runs that very Sanitizer (imported from its module directly: the package index
 * pulls in the browser UI) and checks that nothing of the timeline is lost. The one thing it drops
 * is a text colour given as a theme variable (`var(--jp-…)`); the text then inherits the output
 * area's colour, which the theme sets, so it stays legible (the JupyterLab browser test measures it).
 */
import { Sanitizer } from "@jupyterlab/apputils/lib/sanitizer";
import { renderReport } from "../../src/concurrency/report/bundle";
import { TimingReport } from "../../src/concurrency/model/timing";
import * as F from "../support/timing-fixtures";

interface Element {
  tag: string;
  title: string | null;
  style: Record<string, string>;
}

function decode(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, code: string) => {
    if (code.startsWith("#x")) return String.fromCodePoint(parseInt(code.slice(2), 16));
    if (code.startsWith("#")) return String.fromCodePoint(Number(code.slice(1)));
    return named[code.toLowerCase()] ?? m;
  });
}

function styleOf(style: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const declaration of style.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon < 0) continue;
    out[declaration.slice(0, colon).trim()] = declaration
      .slice(colon + 1)
      .trim()
      .replace(/\s+/g, " ");
  }
  return out;
}

/** Opening tags with their title and style, in document order. */
function elements(html: string): Element[] {
  return [...html.matchAll(/<([a-z0-9]+)((?:\s+[a-z-]+="[^"]*")*)\s*\/?>/gi)].map(([, tag, attrs]) => {
    const attr = (name: string) => {
      const m = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs);
      return m ? decode(m[1]) : null;
    };
    return { tag, title: attr("title"), style: styleOf(attr("style") ?? "") };
  });
}

/** What the Sanitizer is expected to leave: everything but text colours given as theme variables. */
function withoutThemeColours(list: Element[]): Element[] {
  return list.map((e) => {
    const style = Object.fromEntries(
      Object.entries(e.style).filter(([k, v]) => !(k === "color" && v.startsWith("var("))),
    );
    return { ...e, style };
  });
}

function textOf(html: string): string {
  return decode(html.replace(/<[^>]*>/g, ""));
}

const sanitizer = new Sanitizer();

describe("the HTML report through JupyterLab's Sanitizer", () => {
  it("is really sanitized: scripts, <svg>, <style> and handlers go", () => {
    const dirty = `<div onclick="x()" style="left:1%"><script>alert(1)</script><svg><rect/></svg><style>p{}</style>ok</div>`;
    expect(sanitizer.sanitize(dirty)).toBe(`<div style="left:1%">ok</div>`);
  });

  it("would show a lost declaration in the comparison used below", () => {
    const html = `<span style="position:fixed;left:1%;width:2%"></span>`;
    expect(elements(html)).toEqual([
      { tag: "span", title: null, style: { position: "fixed", left: "1%", width: "2%" } },
    ]);
    expect(elements(sanitizer.sanitize(html))).not.toEqual(elements(html));
  });

  it.each([
    ["threads, CPU-bound", F.threadsCpu],
    ["async, on-CPU slices", F.asyncSleep],
    ["processes, hatched start-up", F.processesCold],
    ["failure marks", F.threadsFailed],
    ["running, queued lines", F.threadsRunning],
    ["1000 tasks in lanes per worker", F.manyTasks(1000, 4)],
  ])(
    "keeps every element, title and style declaration but theme-variable colours (%s)",
    (_name, report: TimingReport) => {
      const html = renderReport(report).data["text/html"];
      const clean = sanitizer.sanitize(html);
      expect(elements(html).length).toBeGreaterThan(30);
      expect(elements(clean)).toEqual(withoutThemeColours(elements(html)));
      expect(textOf(clean)).toBe(textOf(html));
    },
  );

  it("keeps the lanes' positions and colours", () => {
    const clean = sanitizer.sanitize(renderReport(F.threadsCpu).data["text/html"]);
    const bars = elements(clean).filter((e) => e.style.position === "absolute" && e.style.background);
    expect(bars.map((b) => [b.style.left, b.style.width, b.style.background])).toEqual([
      ["0.07%", "92.97%", "#4f7fe0"],
      ["0.06%", "82.26%", "#4f7fe0"],
      ["0.06%", "99.07%", "#4f7fe0"],
      ["0.07%", "99.21%", "#4f7fe0"],
    ]);
    expect(bars.map((b) => b.title)).toEqual([
      "task 0 · thread 2: 0.5 ms → 642 ms, cpu 330 ms (51% of a core)",
      "task 1 · thread 3: 0.4 ms → 568 ms, cpu 332 ms (58% of a core)",
      "task 2 · thread 4: 0.4 ms → 684 ms, cpu 340 ms (50% of a core)",
      "task 3 · thread 5: 0.5 ms → 685 ms, cpu 339 ms (50% of a core)",
    ]);
    const lanes = elements(clean).filter((e) => e.tag === "div" && e.style.display === "flex" && e.title);
    expect(lanes).toHaveLength(4);
  });

  it("keeps the hatched start-up and the dotted queue line", () => {
    const cold = elements(sanitizer.sanitize(renderReport(F.processesCold).data["text/html"]));
    const hatch = cold.find((e) => e.title?.includes("starting its worker"));
    expect(hatch?.style["background-image"]).toMatch(/^linear-gradient\(135deg, #808080 25%, transparent 25%/);
    expect(hatch?.style["background-size"]).toBe("6px 6px");
    const live = elements(sanitizer.sanitize(renderReport(F.threadsRunning).data["text/html"]));
    const queued = live.filter((e) => e.style["border-top"] === "2px dotted #808080" && e.style.left !== undefined);
    expect(queued.map((e) => [e.style.left, e.style.width])).toEqual([
      ["0%", "78.69%"],
      ["0%", "100%"],
      ["0%", "100%"],
      ["0%", "100%"],
    ]);
  });

  it("gives text theme-variable colours with fallbacks, and draws the track translucent", () => {
    const html = renderReport(F.threadsCpu).data["text/html"];
    const colours = new Set(
      elements(html)
        .map((e) => e.style.color)
        .filter(Boolean),
    );
    expect([...colours].sort()).toEqual([
      "var(--jp-content-font-color1, inherit)",
      "var(--jp-content-font-color2, inherit)",
    ]);
    const track = elements(sanitizer.sanitize(html)).find((e) => e.style.position === "relative" && e.style.background);
    expect(track?.style.background).toBe("rgba(128, 128, 128, 0.12)");
  });
});
