/** How numbers read in the report. Pure, like everything the table is built from. */

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function count(n: number): string {
  return grouped.format(n);
}

/** One decimal below 10 ms, where a millisecond matters; whole milliseconds above. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "—";
  return value < 10 ? `${value.toFixed(1)} ms` : `${grouped.format(Math.round(value))} ms`;
}

export function seconds(valueMs: number): string {
  return `${Number((valueMs / 1000).toFixed(1))} s`;
}

export function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "—";
}

/** A difference, signed with a true minus sign. */
export function signedMs(value: number): string {
  return value < 0 ? `−${ms(-value)}` : `+${ms(value)}`;
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(load: number[]): string {
  return load.map((value) => value.toFixed(2)).join(" ");
}
