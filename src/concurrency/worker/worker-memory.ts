import { performance } from "node:perf_hooks";
import { getHeapStatistics } from "v8";

/**
 * How often a worker reads its memory at most: a process's RSS costs a read of /proc (10-40 µs
 * measured on a loaded 2-core machine), as much as a tiny task's whole round trip, so thousands of
 * tiny tasks share one reading. Memory a task holds for longer than this is always seen.
 */
const READ_EVERY_MS = 25;

/**
 * What this worker holds in memory, sent with each task's end (no sampling loop). A thread shares
 * its process with the kernel, so its own cost is its V8 heap; a process's is its resident set.
 */
export function workerMemoryClock(isThread: boolean): () => number {
  const read = isThread ? () => getHeapStatistics().total_heap_size : () => process.memoryUsage.rss();
  let last = -Infinity;
  let bytes = 0;
  return () => {
    const now = performance.now();
    if (now - last >= READ_EVERY_MS) {
      bytes = read();
      last = now;
    }
    return bytes;
  };
}
