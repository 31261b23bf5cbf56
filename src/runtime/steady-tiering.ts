import { setFlagsFromString } from "v8";

/**
 * A loop in cell code that V8 compiles while it runs (on-stack replacement) on a background thread
 * was, in about one cell in ten on Node 20, left running unoptimised for over a second after its
 * code was ready (V8's trace shows the code compiled in under a millisecond): a `%%serial` task
 * took 1.3 s of CPU where the same body took 0.13 s a moment before, which is the instrument
 * bending the lesson (issue #14). Compiling that replacement on the thread that runs the loop
 * costs under a millisecond once per loop; measured on 4 × 0.13 s cells, no stall in 92 cells,
 * against 12 in 115 with the default. V8's flags belong to the process: once per process is enough,
 * and the threads it starts share it.
 *
 * Node 20 only (V8 11.3). From Node 22 V8 has a middle tier (Maglev), and there the same flag
 * does the opposite: a 1e8-iteration loop took 11.5 s, 7.3 s, then 2.5 s on Node 24 where it
 * takes 60 ms without it.
 */
export function compileLoopsInPlace(nodeMajor = Number(process.versions.node.split(".")[0])): boolean {
  if (nodeMajor >= 22) return false;
  setFlagsFromString("--no-concurrent-osr");
  return true;
}
