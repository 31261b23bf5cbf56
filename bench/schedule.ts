/** What a worker pool can achieve at best for a given set of tasks. Pure. */

/**
 * When `workers` slots that each take the next task from one queue, in order, as soon as they are
 * free (as the kernel's pool does) would finish tasks of these durations, with no overhead at all.
 * Unequal tasks make this later than sum / workers: the last one may run alone.
 */
export function inOrderMakespan(durations: readonly number[], workers: number): number {
  const freeAt = new Array<number>(Math.max(1, Math.floor(workers))).fill(0);
  for (const duration of durations) {
    const slot = freeAt.indexOf(Math.min(...freeAt));
    freeAt[slot] += duration;
  }
  return Math.max(...freeAt);
}

/** The best speedup over running the same tasks one after another, given how the pool hands them out. */
export function bestSpeedup(durations: readonly number[], workers: number): number {
  const serial = durations.reduce((sum, d) => sum + d, 0);
  const makespan = inOrderMakespan(durations, workers);
  return makespan > 0 ? serial / makespan : Number.NaN;
}
