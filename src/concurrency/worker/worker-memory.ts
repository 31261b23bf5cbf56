import { getHeapStatistics } from "v8";

/**
 * What this worker holds in memory, read once per task end (a few microseconds; no sampling loop).
 * A thread shares its process with the kernel, so its own cost is its V8 heap; a process's is its
 * resident set.
 */
export function workerMemoryClock(isThread: boolean): () => number {
  return isThread ? () => getHeapStatistics().total_heap_size : () => process.memoryUsage.rss();
}
