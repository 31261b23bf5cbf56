/**
 * image/svg+xml: a standalone picture of the same timeline, for export. It brings its own white
 * ground (an <img> does not inherit the page's text colour), so it reads the same on any theme.
 */
import { TimingReport } from "../model/timing";
import { header, isMark, legend, summaryLines } from "./captions";
import { formatAxisMs } from "./format";
import { Layout, MARKS, rightText, Segment } from "./lanes";
import * as P from "./palette";
import { Summary } from "./summary";

const PAD = 8;
const ROW = 18;
const BAR = 12;
const TRACK = 500;
const GAP = 8;
/** Advance of one monospace character at 12px and 11px, rounded up. */
const CHAR_12 = 7.3;
const CHAR_11 = 6.7;
const FONT = `font-family="monospace"`;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function num(n: number): string {
  return String(Number(n.toFixed(2)));
}

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${num(x)}" y="${num(y)}"${attrs ? ` ${attrs}` : ""}>${escapeXml(content)}</text>`;
}

function rect(x: number, y: number, w: number, h: number, attrs: string, title?: string): string {
  const body = title ? `><title>${escapeXml(title)}</title></rect>` : "/>";
  return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" ${attrs}${body}`;
}

function segmentSvg(report: TimingReport, s: Segment, x0: number, y: number, end: number): string {
  const x = x0 + (s.from / end) * TRACK;
  const w = Math.max(((s.to - s.from) / end) * TRACK, s.kind === "queued" ? 0 : 1);
  if (s.kind === "queued") {
    const line = `x1="${num(x)}" x2="${num(x + w)}" y1="${num(y + BAR / 2)}" y2="${num(y + BAR / 2)}"`;
    return `<line ${line} stroke="${P.NEUTRAL}" stroke-width="2" stroke-dasharray="2 2"><title>${escapeXml(s.title)}</title></line>`;
  }
  if (s.kind === "startup") return rect(x, y, w, BAR, `fill="url(#startup-hatch)"`, s.title);
  const paint = P.paintOf(report.executor, s.kind);
  return rect(x, y + (BAR - paint.height) / 2, w, paint.height, `fill="${paint.fill}"`, s.title);
}

export function renderSvg(report: TimingReport, layout: Layout, summary: Summary): string {
  const labelChars = Math.max(1, ...layout.lanes.map((l) => l.label.length));
  const rightChars = Math.max(1, ...layout.lanes.map((l) => rightText(l).length));
  const trackX = PAD + labelChars * CHAR_12 + GAP;
  const rightX = trackX + TRACK + GAP + 6;
  const out: string[] = [];
  let y = PAD;
  const h = header(report);
  out.push(text(PAD, y + 12, `${h.title} — ${h.executor}${h.state ? ` · ${h.state}` : ""}`, `font-weight="bold"`));
  y += ROW + 4;
  const wallX = trackX + (layout.wall / layout.end) * TRACK;
  const lanesTop = y;
  for (const lane of layout.lanes) {
    out.push(`<g><title>${escapeXml(lane.title)}</title>`);
    out.push(text(PAD, y + 12, lane.label));
    out.push(rect(trackX, y + 3, TRACK, BAR, `fill="${P.TRACK_FILL}"`));
    for (const s of lane.segments) out.push(segmentSvg(report, s, trackX, y + 3, layout.end));
    for (const m of lane.marks) {
      if (m.at === null) continue;
      const x = trackX + (m.at / layout.end) * TRACK + 2;
      out.push(text(x, y + 12, MARKS[m.mark].symbol, `font-size="11"`));
    }
    out.push(text(rightX, y + 12, rightText(lane), `font-size="11" fill="${P.SVG_MUTED_TEXT}"`), "</g>");
    y += ROW;
  }
  if (layout.lanes.length > 0) {
    out.push(
      `<line x1="${num(wallX)}" x2="${num(wallX)}" y1="${num(lanesTop)}" y2="${num(y)}" stroke="${P.NEUTRAL}" stroke-dasharray="3 2"/>`,
    );
  }
  out.push(
    `<line x1="${num(trackX)}" x2="${num(trackX + TRACK)}" y1="${num(y + 2)}" y2="${num(y + 2)}" stroke="${P.NEUTRAL}"/>`,
  );
  const axisAttrs = `font-size="10" fill="${P.SVG_MUTED_TEXT}"`;
  out.push(text(trackX, y + 13, "0", axisAttrs));
  out.push(text(trackX + TRACK, y + 13, formatAxisMs(layout.end), `${axisAttrs} text-anchor="end"`));
  y += ROW;
  let widest = rightX + rightChars * CHAR_11;
  for (const line of summaryLines(report, summary)) {
    out.push(text(PAD, y + 11, line, `font-size="11"`));
    widest = Math.max(widest, PAD + line.length * CHAR_11);
    y += 15;
  }
  for (const entries of legend(report, layout)) {
    let x = PAD;
    for (const e of entries) {
      if (isMark(e.key)) out.push(text(x, y + 11, MARKS[e.key].symbol, `font-size="11"`));
      else if (e.key === "startup") out.push(rect(x, y + 3, 14, 9, `fill="url(#startup-hatch)"`));
      else if (e.key === "queued")
        out.push(
          `<line x1="${num(x)}" x2="${num(x + 14)}" y1="${num(y + 7)}" y2="${num(y + 7)}" stroke="${P.NEUTRAL}" stroke-width="2" stroke-dasharray="2 2"/>`,
        );
      else {
        const paint = P.paintOf(report.executor, e.key);
        const h = Math.round((paint.height * 9) / 12);
        out.push(rect(x, y + 3 + (9 - h) / 2, 14, h, `fill="${paint.fill}"`));
      }
      out.push(text(x + 18, y + 11, e.text, `font-size="11" fill="${P.SVG_MUTED_TEXT}"`));
      x += 18 + e.text.length * CHAR_11 + 14;
    }
    widest = Math.max(widest, x);
    y += 15;
  }
  const width = Math.ceil(Math.max(widest, PAD + (h.title.length + h.executor.length + 14) * CHAR_12) + PAD);
  const height = Math.ceil(y + PAD);
  const hatch =
    `<defs><pattern id="startup-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="3" height="6" fill="${P.NEUTRAL}"/></pattern></defs>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12" fill="${P.SVG_TEXT}">` +
    `<rect width="${width}" height="${height}" fill="${P.SVG_BACKGROUND}"/>${hatch}${out.join("")}</svg>`
  );
}
