/** Samples of one measurement, and how they read in a table or a note. Pure. */
import { count, ms } from "./format";
import { median, percentile } from "./stats";

/** Samples of one measurement; a series stops at its first failure, which `problem` explains. */
export interface Series {
  planned: number;
  values: number[];
  problem?: string;
}

/** Percentiles from fewer samples than this would only restate the maximum. */
const P95_FROM = 10;

/** The median, or undefined for a series without samples. */
export function middle(series: Series): number | undefined {
  return series.values.length ? median(series.values) : undefined;
}

/** Median, the p95 once there are enough samples for it, and how many of the planned samples exist. */
export function figure(series: Series): string {
  if (series.values.length === 0) return series.problem ? "failed" : "not run";
  const p95 = series.values.length >= P95_FROM ? `, p95 ${ms(percentile(series.values, 95))}` : "";
  const partial = series.values.length < series.planned ? ` (${series.values.length}/${series.planned})` : "";
  return `${ms(median(series.values))}${p95}${partial}`;
}

/** Every sample, as a note lists them. */
export function list(series: Series): string {
  if (series.values.length === 0) return "—";
  return series.values.map((v) => (v < 10 ? v.toFixed(1) : count(v))).join(", ");
}

/** Per-task costs are tens of microseconds: in milliseconds they would all read 0.0. */
export function microseconds(series: Series): string {
  if (series.values.length === 0) return series.problem ? "failed" : "not run";
  const partial = series.values.length < series.planned ? ` (${series.values.length}/${series.planned})` : "";
  return `${count(median(series.values) * 1000)} µs${partial}`;
}

/** Every sample in microseconds, for the per-task series. */
export function listUs(series: Series): string {
  return series.values.length ? series.values.map((v) => count(v * 1000)).join(", ") : "—";
}

/** Twenty samples read better as their range than listed. */
export function spread(series: Series): string {
  if (series.values.length === 0) return "—";
  return `${series.values.length} samples, min ${ms(Math.min(...series.values))}, max ${ms(Math.max(...series.values))}`;
}
