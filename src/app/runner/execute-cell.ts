import { IopubMessage } from "./collect-outputs";
import { ExecuteOutcome, ExecuteReply, KernelSession } from "./session";

export interface CellLimits {
  /** 0 means no limit. */
  timeoutMs: number;
  /** How long an interrupted cell may take to answer before the kernel counts as stuck. */
  graceMs: number;
  /** Aborted when the user presses Ctrl-C. */
  signal?: AbortSignal;
}

export interface CellRun {
  /** The kernel's answer; missing when it never came (stuck or dead kernel). */
  reply?: ExecuteReply;
  iopub: IopubMessage[];
  /** Why the runner stopped waiting for a normal finish, if it did. */
  stopped?: "timeout" | "cancelled";
  /** The kernel went away while the cell ran. */
  lost?: Error;
}

type Settled = { outcome: ExecuteOutcome } | { lost: Error };

/**
 * Runs one cell within its limits. On a timeout or Ctrl-C the kernel is interrupted and given
 * `graceMs` to answer, so a recovered kernel still yields the cell's outputs and can run the next cell.
 */
export async function executeCell(session: KernelSession, code: string, limits: CellLimits): Promise<CellRun> {
  const running = session.execute(code);
  const settled: Promise<Settled> = running.result.then(
    (outcome) => ({ outcome }),
    (e: unknown) => ({ lost: e instanceof Error ? e : new Error(String(e)) }),
  );
  const first = await race(settled, limits.timeoutMs > 0 ? limits.timeoutMs : undefined, limits.signal);
  if (first !== "timeout" && first !== "cancelled") return fromSettled(first);

  await session.interrupt().catch(() => undefined);
  const second = await race(settled, limits.graceMs);
  if (second === "timeout" || second === "cancelled") return { iopub: running.received(), stopped: first };
  return { ...fromSettled(second), stopped: first };
}

function fromSettled(settled: Settled): CellRun {
  if ("lost" in settled) return { iopub: [], lost: settled.lost };
  return { reply: settled.outcome.reply, iopub: settled.outcome.iopub };
}

/** The settled value, or which limit came first; never leaves a timer or listener behind. */
function race(
  settled: Promise<Settled>,
  ms: number | undefined,
  signal?: AbortSignal,
): Promise<Settled | "timeout" | "cancelled"> {
  if (signal?.aborted) return Promise.resolve("cancelled");
  return new Promise((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(() => finish("timeout"), ms);
    const onAbort = () => finish("cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });
    settled.then(finish);
    function finish(value: Settled | "timeout" | "cancelled"): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    }
  });
}
