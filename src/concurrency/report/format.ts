/** How times and ratios read in the report. Pure and locale-free, so output is the same everywhere. */

/** 40 µs, 0.4 ms, 2.0 ms, 332 ms, 1.33 s, 13.3 s, 133 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (ms < 0) return `-${formatMs(-ms)}`;
  if (ms === 0) return "0 ms";
  if (ms < 0.1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 9.95) return `${ms.toFixed(1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return s < 999.5 ? `${s.toPrecision(3)} s` : `${Math.round(s)} s`;
}

/** Like formatMs, without trailing zeros: an axis reads "1.4 s", not "1.40 s". */
export function formatAxisMs(ms: number): string {
  return formatMs(ms).replace(/\.(\d*?)0+ /, (_m, kept: string) => (kept ? `.${kept} ` : " "));
}

/**
 * The end of the time axis: `ms` rounded up to two significant digits (685 → 690, 1329 → 1400),
 * so the axis label is a round number while bars still fill at least ~90 % of the width.
 */
export function axisEnd(ms: number): number {
  if (!(ms > 0)) return 1;
  const unit = 10 ** (Math.floor(Math.log10(ms)) - 1);
  // The small tolerance keeps 1400 from becoming 1500 through floating-point noise.
  return Number((Math.ceil(ms / unit - 1e-9) * unit).toPrecision(2));
}

/** 1.94×, 19.4×, 194×, 8929×: beyond 10× the hundredths are noise, not information. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return "—";
  if (value < 9.995) return `${value.toFixed(2)}×`;
  return value < 99.95 ? `${value.toFixed(1)}×` : `${Math.round(value)}×`;
}

/** 0.485 → "49%" */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** "1 core", "2 cores" */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** A position on the axis as a CSS percentage with at most two decimals: "12.5", "0", "100". */
export function percentOf(ms: number, end: number): string {
  const value = Math.min(100, Math.max(0, (ms / end) * 100));
  return String(Number(value.toFixed(2)));
}

/** 880 B, 8.4 kB, 12 MB, 1.2 GB: decimal units, like `ps` and most system monitors' MB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "—";
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  if (bytes < 999.5) return `${Math.round(bytes)} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let k = 0;
  while (value >= 999.5 && k < units.length - 1) {
    value /= 1000;
    k++;
  }
  return `${value < 9.95 ? value.toFixed(1) : Math.round(value)} ${units[k]}`;
}

/** A change in memory, signed: "+12 MB", "-1.0 MB", "+0 B". */
export function formatBytesDelta(bytes: number): string {
  return bytes < 0 ? formatBytes(bytes) : `+${formatBytes(bytes)}`;
}
