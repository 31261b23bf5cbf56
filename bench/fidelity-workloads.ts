/**
 * The workloads of the fidelity rows (issue #14): the same source runs in bare `node` and in
 * cells, so any difference is what the kernel adds. Written as JavaScript that is also valid
 * TypeScript (default parameters give the types), so neither side translates it.
 */

export interface Workload {
  /** As the table names it. */
  label: string;
  /** The call that is timed, e.g. `cpuLoop(1e8)`. */
  call: string;
}

/**
 * A tight loop is the worst case for anything the kernel puts into loops; the awaits and timers
 * are the worst case for anything it does per promise or per callback.
 */
export const WORKLOAD_SOURCE = [
  "function cpuLoop(n = 0) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) | 0; return s; }",
  "async function awaitChain(n = 0) { for (let i = 0; i < n; i++) await Promise.resolve(); }",
  "async function immediateChain(n = 0) { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); }",
  "async function timeoutChain(n = 0) { for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0)); }",
  // One unmeasured run, then the fastest of three: on a loaded 2-core machine V8's background
  // compiler is sometimes starved, and bare node's 1e8 loop took 110 ms or 1,250 ms from one
  // process to the next. Both sides take the same measure.
  "async function warmTimed(run = async () => 0 as unknown) { await run(); let best = Infinity;" +
    " for (let k = 0; k < 3; k++) { const t = performance.now(); await run(); best = Math.min(best, performance.now() - t); } return best; }",
].join("\n");

export const WORKLOADS: readonly Workload[] = [
  { label: "CPU loop, 1e8 iterations", call: "cpuLoop(1e8)" },
  { label: "200,000 × await Promise.resolve()", call: "awaitChain(200_000)" },
  { label: "10,000 × await setImmediate", call: "immediateChain(10_000)" },
  { label: "100 × await setTimeout(0)", call: "timeoutChain(100)" },
];

/** `warmTimed`'s parameter carries a TypeScript cast; bare node gets it without. */
export function bareSource(workload: Workload): string {
  const js = WORKLOAD_SOURCE.replace(" as unknown", "");
  return `${js}\nwarmTimed(async () => ${workload.call}).then((ms) => process.stdout.write(String(ms)));`;
}

/**
 * The contexts a workload runs in, each timed inside itself by `warmTimed`. Magic cells keep their
 * live report: it redraws on the kernel's thread between a task's callbacks, so it is part of
 * what a task pays.
 */
export const CONTEXTS = ["plain", "serial", "async", "threads", "processes"] as const;
export type Context = (typeof CONTEXTS)[number];

/**
 * Each sample defines the functions afresh, as each bare sample is a fresh process: V8 now and
 * then leaves a function in a slow tier for good (bare node's 1e8 loop took 72 ms in one process
 * and 850 ms in the next; a %%threads worker went from 49 ms to 630 ms between two cells), and a
 * function kept across samples would carry one such draw into all of them.
 */
export function cellSource(context: Context, workload: Workload): string {
  const timed = `await warmTimed(async () => ${workload.call})`;
  return context === "plain"
    ? `${WORKLOAD_SOURCE}\n${timed}`
    : `%%${context} -n 1\n${WORKLOAD_SOURCE}\nreturn ${timed};`;
}
