/** Round trips of one request at a time, to both its reply and its idle status, each bounded. */
import { KernelClient } from "../src/client/kernel-client";
import { ShellRequests } from "../src/protocol/content";
import { isStatus, Listen, nextMessage, settledAt } from "./waiting";

export interface RoundTrips {
  /** What was sent, e.g. "1+1" or "kernel_info_request". */
  what: string;
  planned: number;
  /** Milliseconds from sending the request to having both its reply and its idle status. */
  samples: number[];
  /** Requests that were answered but whose idle status never came; tslab loses iopub messages. */
  idleLost: number;
  /** How many replies came with each status other than "ok" ("none" when the field was missing). */
  otherStatuses: Record<string, number>;
  problem?: string;
}

/** The first `1+1` waits for the compiler, which may take seconds on a busy machine. */
export const WARM_UP_LIMIT_MS = 60_000;

export const iopubOf =
  (client: KernelClient): Listen =>
  (listener) =>
    client.onIopub((m) => listener(m, "iopub"));

/**
 * Idle follows the reply at once in both kernels; one that has not come this long after the reply
 * was lost, and waiting out the full limit for it would only slow the bench down.
 */
const IDLE_AFTER_REPLY_GRACE_MS = 2000;

/** A request the bench repeats; the same object goes to both kernels. */
export type BenchRequest = { channel: "shell" | "control"; type: string; content: object };

export const ONE_PLUS_ONE: BenchRequest = { channel: "shell", type: "execute_request", content: executeContent("1+1") };
export const KERNEL_INFO: BenchRequest = { channel: "shell", type: "kernel_info_request", content: {} };

/** `warmUp` unmeasured runs (the first `1+1` waits for the compiler), then `count` measured ones. */
export async function roundTrips(
  client: KernelClient,
  request: BenchRequest,
  warmUp: number,
  count: number,
  limitMs: number,
): Promise<RoundTrips> {
  const what = request.type === "execute_request" ? (request.content as { code: string }).code : request.type;
  const result: RoundTrips = { what, planned: count, samples: [], idleLost: 0, otherStatuses: {} };
  for (let i = 0; i < warmUp; i++) {
    const trip = await roundTrip(client, request, WARM_UP_LIMIT_MS);
    if (trip.kind === "unanswered") {
      return { ...result, problem: `warm-up ${i + 1}: no reply within ${WARM_UP_LIMIT_MS} ms` };
    }
  }
  for (let i = 0; i < count; i++) {
    const trip = await roundTrip(client, request, limitMs);
    if (trip.kind === "unanswered") return { ...result, problem: `run ${i + 1}: no reply within ${limitMs} ms` };
    if (trip.status !== "ok") result.otherStatuses[trip.status] = (result.otherStatuses[trip.status] ?? 0) + 1;
    if (trip.kind === "idle-lost") result.idleLost += 1;
    else result.samples.push(trip.ms);
  }
  return result;
}

type Trip =
  { kind: "complete"; ms: number; status: string } | { kind: "idle-lost"; status: string } | { kind: "unanswered" };

export async function roundTrip(client: KernelClient, request: BenchRequest, limitMs: number): Promise<Trip> {
  let requestId = "";
  const stopWaiting = new AbortController();
  const idle = nextMessage(iopubOf(client), (m) => isStatus(m, "idle", requestId), limitMs, stopWaiting.signal);
  const sentAt = performance.now();
  const inFlight = client.start(request.channel, request.type, request.content, {
    awaitIdle: false,
    timeoutMs: limitMs,
  });
  requestId = inFlight.message.header.msg_id;
  const reply = await settledAt(inFlight.done, limitMs);
  if (!reply) {
    stopWaiting.abort();
    return { kind: "unanswered" };
  }
  const status = String(reply.value.reply.content.status ?? "none");
  const grace = setTimeout(() => stopWaiting.abort(), IDLE_AFTER_REPLY_GRACE_MS);
  const idleArrival = await idle;
  clearTimeout(grace);
  if (!idleArrival) return { kind: "idle-lost", status };
  return { kind: "complete", ms: Math.max(reply.at, idleArrival.at) - sentAt, status };
}

export function executeContent(code: string): ShellRequests["execute_request"] {
  return { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true };
}
