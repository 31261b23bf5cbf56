/** What each concurrency magic is asked to reach against its baseline. */
import type { MagicPlan, MagicResults } from "./magic-results";

export interface MagicTargets {
  /** A magic's worker start-up may take at most this multiple of a bare spawn. */
  startupRatio: number;
  /** What a warm 4-task %%threads cell may add to a plain cell's round trip. */
  dispatchOverheadMs: number;
  /** The CPU-bound speedup must reach this share of min(cores, workers). */
  speedupShare: number;
  /** Headroom over the sleep for %%async tasks that all sleep at once. */
  asyncOverMs: number;
  /** A pool task may cost at most this multiple of a bare round trip. */
  perTaskRatio: number;
}

export const MAGIC_TARGETS: MagicTargets = {
  startupRatio: 1.3,
  dispatchOverheadMs: 5,
  speedupShare: 0.9,
  asyncOverMs: 15,
  perTaskRatio: 2,
};

export function speedupTarget(results: MagicResults, plan: MagicPlan, targets: MagicTargets = MAGIC_TARGETS): number {
  return targets.speedupShare * Math.min(results.cores, plan.cpuWorkers);
}
