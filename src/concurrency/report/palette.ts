/**
 * Colours of the HTML and SVG timelines, chosen to read on a light and on a dark page alike.
 *
 * Bars have one colour per executor whose luminance sits where it keeps 3:1 (WCAG's bar for
 * graphics) against the faint grey track drawn over a white page and over JupyterLab Dark's #111;
 * how busy a task was shows in the bar's height, not in a lighter tint, since a light tint is
 * what glares on a dark page. Text takes JupyterLab's theme variables (nbconvert's lab template
 * defines them too). JupyterLab's sanitizer drops a colour given as a variable, so in an untrusted
 * notebook the text inherits the output area's colour, which the theme sets: legible either way.
 */
import { ExecutorKind } from "../model/timing";
import { SegmentKind } from "./lanes";

const BAR: Record<ExecutorKind, string> = {
  serial: "#808080",
  async: "#059669",
  threads: "#4f7fe0",
  processes: "#d9640f",
};

/** A neutral grey that keeps 3:1 against both tracks: start-up hatching, queue and wall lines, the axis. */
export const NEUTRAL = "#808080";
export const UNKNOWN_FILL = "#7c8594";
/** Translucent, so the track is a shade lighter or darker than whatever page it lies on. */
export const TRACK_FILL = "rgba(128, 128, 128, 0.12)";

/**
 * HTML only: JupyterLab's text colours, and where a page lacks them the page's own text colour
 * (inherit), since only the page knows whether it is light or dark: a fixed grey for secondary
 * text would fail on some dark front end. Secondary text is then not set apart, but it reads.
 */
export const CSS_TEXT = "var(--jp-content-font-color1, inherit)";
export const CSS_MUTED_TEXT = "var(--jp-content-font-color2, inherit)";
// Marks (✗, ☠, …) are told apart by their symbols and drawn in the text colour: a red or amber
// that reads on a white track is too dark on a black one, and the other way round.

/** SVG is a standalone picture on its own white ground, so it uses fixed colours. */
export const SVG_BACKGROUND = "#ffffff";
export const SVG_TEXT = "#1a1a1a";
export const SVG_MUTED_TEXT = "#5f5f5f";

/** How a segment is drawn: its colour, and how much of the 12 px lane it fills (centred). */
export interface Paint {
  fill: string;
  height: number;
}

/** Taller means busier: on the CPU, sharing a core, mostly waiting, between slices. */
const HEIGHTS = { cpu: 12, shared: 8, waiting: 4, between: 2 } as const;

export function paintOf(executor: ExecutorKind, kind: Exclude<SegmentKind, "startup" | "queued">): Paint {
  const fill = BAR[executor];
  switch (kind) {
    case "cpu":
    case "slice":
      return { fill, height: HEIGHTS.cpu };
    case "shared":
      return { fill, height: HEIGHTS.shared };
    case "waiting":
      return { fill, height: HEIGHTS.waiting };
    case "between":
      return { fill, height: HEIGHTS.between };
    case "unknown":
      return { fill: UNKNOWN_FILL, height: HEIGHTS.cpu };
  }
}
