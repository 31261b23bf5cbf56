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
 */
export function compileLoopsInPlace(): void {
  setFlagsFromString("--no-concurrent-osr");
}
