/** Colours of the HTML and SVG timelines: one hue per executor, darker for more CPU. */
import { ExecutorKind } from "../timing";
import { Mark, SegmentKind } from "./lanes";

interface Hue {
  cpu: string;
  shared: string;
  waiting: string;
}

const HUES: Record<ExecutorKind, Hue> = {
  serial: { cpu: "#4b5563", shared: "#9ca3af", waiting: "#d1d5db" },
  async: { cpu: "#059669", shared: "#34d399", waiting: "#a7f3d0" },
  threads: { cpu: "#2563eb", shared: "#6f9cf0", waiting: "#bfd6fb" },
  processes: { cpu: "#ea580c", shared: "#f59e5b", waiting: "#fcd5b0" },
};

export const UNKNOWN_FILL = "#cbd5e1";
export const STARTUP_FILL = "#e5e7eb";
export const STARTUP_STRIPE = "#9ca3af";
export const QUEUED_LINE = "#9ca3af";
export const TRACK_FILL = "#f9fafb";
export const WALL_LINE = "#374151";
export const AXIS_LINE = "#9ca3af";
export const MUTED_TEXT = "#6b7280";
export const MARK_COLOURS: Record<Mark, string> = {
  error: "#dc2626",
  crashed: "#b91c1c",
  cancelled: "#b45309",
  abandoned: "#6b7280",
};

/** How a segment is drawn: a full-height block, or a thin line through the middle of the lane. */
export interface Paint {
  fill: string;
  thin: boolean;
}

export function paintOf(executor: ExecutorKind, kind: Exclude<SegmentKind, "startup" | "queued">): Paint {
  const hue = HUES[executor];
  switch (kind) {
    case "cpu":
    case "slice":
      return { fill: hue.cpu, thin: false };
    case "shared":
      return { fill: hue.shared, thin: false };
    case "waiting":
      return { fill: hue.waiting, thin: false };
    case "between":
      return { fill: hue.waiting, thin: true };
    case "unknown":
      return { fill: UNKNOWN_FILL, thin: false };
  }
}
