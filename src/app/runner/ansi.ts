/**
 * Terminal escape codes: the few styles the runner uses, and stripping for output that is not a
 * terminal (a log file or CI log would otherwise fill with "\x1b[31m").
 */

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks) ended by BEL or ST,
// and the remaining two-character escapes.
// eslint-disable-next-line no-control-regex -- matching escape characters is the point
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ESCAPES, "");
}

export interface Styles {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export const COLOR: Styles = { dim: wrap(2, 22), bold: wrap(1, 22), red: wrap(31, 39), green: wrap(32, 39) };

const same = (text: string) => text;
export const PLAIN: Styles = { dim: same, bold: same, red: same, green: same };

/** Colour only for a terminal, and never when the user asked for none (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}
