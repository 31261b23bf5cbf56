/**
 * IPython's way of writing durations (3 significant digits, the largest fitting unit), so that
 * %time and %timeit read the same as in a Python notebook.
 */
export function formatSeconds(seconds: number, precision = 3): string {
  if (seconds >= 60) {
    const m = Math.floor(seconds / 60);
    const s = seconds - m * 60;
    return `${m}min ${s.toPrecision(precision).replace(/\.?0+$/, "")} s`;
  }
  const units: [string, number][] = [
    ["s", 1],
    ["ms", 1e-3],
    ["µs", 1e-6],
    ["ns", 1e-9],
  ];
  for (const [unit, scale] of units) {
    if (seconds >= scale || unit === "ns") {
      const v = seconds / scale;
      return `${v === 0 ? "0" : Number(v.toPrecision(precision)).toString()} ${unit}`;
    }
  }
  return `${seconds} s`;
}

export interface TimeMeasurement {
  wallSeconds: number;
  userSeconds: number;
  systemSeconds: number;
}

export function formatTime(m: TimeMeasurement): string {
  const total = m.userSeconds + m.systemSeconds;
  return (
    `CPU times: user ${formatSeconds(m.userSeconds)}, sys: ${formatSeconds(m.systemSeconds)}, total: ${formatSeconds(total)}` +
    " (the kernel process, all its threads; child processes not included)\n" +
    `Wall time: ${formatSeconds(m.wallSeconds)}`
  );
}

export interface TimeitResult {
  loops: number;
  /** Seconds per loop, one entry per run. */
  perLoop: number[];
}

export function formatTimeit(r: TimeitResult): string {
  const n = r.perLoop.length;
  const mean = r.perLoop.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(r.perLoop.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const runs = `${n} run${n === 1 ? "" : "s"}`;
  const loops = `${r.loops} loop${r.loops === 1 ? "" : "s"} each`;
  return `${formatSeconds(mean)} ± ${formatSeconds(std)} per loop (mean ± std. dev. of ${runs}, ${loops})`;
}

/** How many loops make one run last at least `target` seconds: 1, 10, 100, … as IPython does. */
export function chooseLoops(secondsForOne: number, target = 0.2, max = 1e7): number {
  let loops = 1;
  while (loops < max && secondsForOne * loops < target) loops *= 10;
  return loops;
}
