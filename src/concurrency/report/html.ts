/**
 * text/html: only div/span with inline styles, which JupyterLab's sanitizer keeps, so the report
 * renders in untrusted notebooks too (it strips <svg>, <style>, classes' stylesheets and scripts).
 */
import { TimingReport } from "../model/timing";
import { header, isMark, legend, summaryLines } from "./captions";
import { formatAxisMs, percentOf } from "./format";
import { cssSpan, Lane, Layout, MARKS, rightText, Segment } from "./lanes";
import * as P from "./palette";
import { Summary } from "./summary";

const ROW = "display:flex;align-items:center;height:16px";
const TRACK = `position:relative;flex:1 1 0px;min-width:240px;height:12px;background:${P.TRACK_FILL}`;
/** Width of one monospace character, generously, so fixed columns hold their text in any font. */
const CHAR_EM = 0.62;
/** Grey stripes over the track, no fill of their own: a light fill would glare on a dark page. */
const HATCH =
  `background-image:linear-gradient(135deg, ${P.NEUTRAL} 25%, ` +
  `transparent 25%, transparent 50%, ${P.NEUTRAL} 50%, ${P.NEUTRAL} 75%, transparent 75%);` +
  "background-size:6px 6px";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function tag(name: "div" | "span", style: string, content = "", title?: string): string {
  const t = title ? ` title="${escapeHtml(title)}"` : "";
  return `<${name}${t} style="${style}">${content}</${name}>`;
}

function column(chars: number, style = ""): string {
  return `flex:0 0 ${Number((chars * CHAR_EM + 0.3).toFixed(2))}em;white-space:pre${style}`;
}

function segmentStyle(report: TimingReport, segment: Segment, end: number): string {
  const { left, width } = cssSpan(segment.from, segment.to, end, segment.kind === "queued" ? 0 : 0.25);
  const at = `position:absolute;left:${left}%;width:${width}%`;
  if (segment.kind === "queued") return `${at};top:5px;height:0;border-top:2px dotted ${P.NEUTRAL}`;
  if (segment.kind === "startup") return `${at};top:0;height:12px;${HATCH}`;
  const paint = P.paintOf(report.executor, segment.kind);
  return `${at};top:${(12 - paint.height) / 2}px;height:${paint.height}px;background:${paint.fill}`;
}

function laneHtml(report: TimingReport, layout: Layout, lane: Lane, widths: [number, number]): string {
  let track = lane.segments.map((s) => tag("span", segmentStyle(report, s, layout.end), "", s.title)).join("");
  for (const m of lane.marks) {
    if (m.at === null) continue;
    const style = `position:absolute;left:${percentOf(m.at, layout.end)}%;top:-1px;margin-left:2px;font-size:11px;line-height:1;color:${P.CSS_TEXT}`;
    track += tag("span", style, MARKS[m.mark].symbol, `${lane.label}: ${MARKS[m.mark].meaning}`);
  }
  track += wallLine(layout);
  return tag(
    "div",
    ROW,
    [
      tag("span", column(widths[0]), escapeHtml(lane.label)),
      tag("div", TRACK, track),
      tag(
        "span",
        column(widths[1], `;padding-left:0.5em;font-size:11px;color:${P.CSS_MUTED_TEXT}`),
        escapeHtml(rightText(lane)),
      ),
    ].join(""),
    lane.title,
  );
}

function wallLine(layout: Layout): string {
  const style = `position:absolute;left:${percentOf(layout.wall, layout.end)}%;top:-2px;height:16px;border-left:1px dashed ${P.NEUTRAL}`;
  return tag("span", style);
}

function axisHtml(layout: Layout, widths: [number, number]): string {
  const labels =
    tag("span", "position:absolute;left:0;top:1px", "0") +
    tag("span", "position:absolute;right:0;top:1px", escapeHtml(formatAxisMs(layout.end)));
  const track = `position:relative;flex:1 1 0px;min-width:240px;height:14px;border-top:1px solid ${P.NEUTRAL};font-size:10px;color:${P.CSS_MUTED_TEXT}`;
  return tag(
    "div",
    "display:flex;margin-top:2px",
    [
      tag("span", column(widths[0])),
      tag("div", track, labels),
      tag("span", column(widths[1], ";padding-left:0.5em;font-size:11px")),
    ].join(""),
  );
}

function legendHtml(report: TimingReport, layout: Layout): string {
  const swatch = (height: number) =>
    `display:inline-block;width:14px;height:${height}px;margin:0 4px 0 0;vertical-align:middle`;
  return legend(report, layout)
    .map((entries) => {
      const items = entries.map((e) => {
        let key: string;
        if (isMark(e.key)) key = tag("span", `color:${P.CSS_TEXT};margin-right:4px`, MARKS[e.key].symbol);
        else if (e.key === "startup") key = tag("span", `${swatch(9)};${HATCH}`);
        else if (e.key === "queued") key = tag("span", `${swatch(0)};border-top:2px dotted ${P.NEUTRAL}`);
        else {
          const paint = P.paintOf(report.executor, e.key);
          key = tag("span", `${swatch(Math.round((paint.height * 9) / 12))};background:${paint.fill}`);
        }
        return tag("span", "margin-right:14px;white-space:nowrap", key + escapeHtml(e.text));
      });
      return tag("div", `font-size:11px;color:${P.CSS_MUTED_TEXT}`, items.join(""));
    })
    .join("");
}

export function renderHtml(report: TimingReport, layout: Layout, summary: Summary): string {
  const h = header(report);
  const title =
    escapeHtml(h.title) +
    tag("span", `font-weight:normal;color:${P.CSS_MUTED_TEXT}`, ` — ${escapeHtml(h.executor)}`) +
    (h.state ? tag("span", `font-weight:normal;color:${P.CSS_MUTED_TEXT}`, ` · ${escapeHtml(h.state)}`) : "");
  const widths: [number, number] = [
    Math.max(1, ...layout.lanes.map((l) => l.label.length)),
    Math.max(1, ...layout.lanes.map((l) => rightText(l).length)),
  ];
  const parts = [tag("div", "font-weight:bold;margin-bottom:3px", title)];
  for (const lane of layout.lanes) parts.push(laneHtml(report, layout, lane, widths));
  parts.push(axisHtml(layout, widths));
  const lines = summaryLines(report, summary).map((l) => tag("div", "white-space:pre-wrap", escapeHtml(l)));
  parts.push(tag("div", "font-size:11px;margin:2px 0 3px 0", lines.join("")));
  parts.push(legendHtml(report, layout));
  const root = `font-family:monospace;font-size:12px;line-height:1.3;color:${P.CSS_TEXT};max-width:980px;padding:2px 0`;
  return tag("div", root, parts.join(""));
}
