/** The cases beyond round trips, each bounded so a misbehaving kernel cannot stall the bench. */
import { KernelClient } from "../src/client/kernel-client";
import { RunningKernel } from "../src/client/launch";
import { Message } from "../src/protocol/message";
import { BenchKernel } from "./kernels";
import { stdoutLines } from "./outputs";
import { executeContent, iopubOf, ONE_PLUS_ONE, roundTrip, WARM_UP_LIMIT_MS } from "./round-trips";
import { readTreeMemory, TreeMemory } from "./rss";
import { median } from "./stats";
import { isStatus, nextMessage, parentId, settledAt, sleep } from "./waiting";

export interface StreamRun {
  expected: number;
  lines: number;
  messages: number;
  toLastLineMs?: number;
  toReplyMs?: number;
  toIdleMs?: number;
  limitMs: number;
}

export interface InterruptRun {
  toInterruptReplyMs?: number;
  toExecuteReplyMs?: number;
  /** How the interrupted cell ended, e.g. "error KeyboardInterrupt". */
  ending?: string;
  /** Tried when a signal-mode kernel ignored the message: SIGINT, as its kernelspec would have Jupyter send. */
  signalFallback?: { toExecuteReplyMs?: number };
  /** The status of a `1+1` sent right after the cell ended, or "no reply". */
  afterwards?: string;
  limitMs: number;
  problem?: string;
}

export interface IdleMemory {
  /** Median of the samples, in KiB, of the kernel process and any processes it started. */
  totalKiB: number;
  last: TreeMemory;
}

/** Lets the kernel settle after the warm-up, then takes the median of a few readings. */
export async function idleMemory(pid: number, settleMs: number, readings: number): Promise<IdleMemory> {
  await sleep(settleMs);
  const samples: TreeMemory[] = [];
  for (let i = 0; i < readings; i++) {
    if (i > 0) await sleep(200);
    samples.push(readTreeMemory(pid));
  }
  return { totalKiB: median(samples.map((s) => s.totalKiB)), last: samples[samples.length - 1] };
}

export async function streamLines(client: KernelClient, lines: number, limitMs: number): Promise<StreamRun> {
  const run: StreamRun = { expected: lines, lines: 0, messages: 0, limitMs };
  const code = `for (let i = 0; i < ${lines}; i++) console.log("line " + i);`;
  let requestId = "";
  let sentAt = 0;
  let lastLineAt: number | undefined;
  const unsubscribe = client.onIopub((message) => {
    if (parentId(message) !== requestId) return;
    const count = stdoutLines(message);
    if (count > 0) {
      run.lines += count;
      run.messages += 1;
      lastLineAt = performance.now();
    }
  });
  try {
    const idle = nextMessage(iopubOf(client), (m) => isStatus(m, "idle", requestId), limitMs);
    sentAt = performance.now();
    const inFlight = client.start("shell", "execute_request", executeContent(code), {
      awaitIdle: false,
      timeoutMs: limitMs,
    });
    requestId = inFlight.message.header.msg_id;
    const [reply, idleArrival] = await Promise.all([settledAt(inFlight.done, limitMs), idle]);
    if (reply) run.toReplyMs = reply.at - sentAt;
    if (idleArrival) run.toIdleMs = idleArrival.at - sentAt;
  } finally {
    unsubscribe();
  }
  if (lastLineAt !== undefined) run.toLastLineMs = lastLineAt - sentAt;
  return run;
}

/**
 * Starts `while (true) {}`, waits `afterMs` once the kernel has taken it up, and sends
 * interrupt_request on control. A signal-mode kernel that ignores the message then gets SIGINT,
 * so the table can say whether the kernel is stoppable at all and not only by our protocol.
 */
export async function interruptBusyLoop(
  running: RunningKernel,
  kernel: BenchKernel,
  afterMs: number,
  limitMs: number,
  code = "while (true) {}",
): Promise<InterruptRun> {
  const { client } = running;
  const run: InterruptRun = { limitMs };
  if ((await roundTrip(client, ONE_PLUS_ONE, WARM_UP_LIMIT_MS)).kind === "unanswered") {
    return { ...run, problem: `warm-up 1+1 had no reply within ${WARM_UP_LIMIT_MS} ms` };
  }
  let requestId = "";
  const taken = nextMessage(
    iopubOf(client),
    (m) => parentId(m) === requestId && (isStatus(m, "busy", requestId) || m.header.msg_type === "execute_input"),
    limitMs,
  );
  // The loop's own request outlives every bound below; settledAt decides how long to wait for it.
  const loop = client.start("shell", "execute_request", executeContent(code), {
    awaitIdle: false,
    timeoutMs: 10 * limitMs,
  });
  requestId = loop.message.header.msg_id;
  if (!(await taken)) return { ...run, problem: `the kernel did not take up the loop within ${limitMs} ms` };
  await sleep(afterMs);

  const sentAt = performance.now();
  const interrupt = client.start("control", "interrupt_request", {}, { awaitIdle: false, timeoutMs: 10 * limitMs });
  const [interruptReply, loopReply] = await Promise.all([
    settledAt(interrupt.done, limitMs),
    settledAt(loop.done, limitMs),
  ]);
  if (interruptReply) run.toInterruptReplyMs = interruptReply.at - sentAt;
  let ended = loopReply;
  if (ended) run.toExecuteReplyMs = ended.at - sentAt;
  else if (kernel.interruptMode === "signal" && running.child.pid !== undefined) {
    const signalledAt = performance.now();
    running.child.kill("SIGINT");
    ended = await settledAt(loop.done, limitMs);
    run.signalFallback = { toExecuteReplyMs: ended ? ended.at - signalledAt : undefined };
  }
  if (!ended) return run;
  run.ending = describeEnding(ended.value.reply);
  run.afterwards = await statusOfNext(client, limitMs);
  return run;
}

function describeEnding(reply: Message): string {
  const { status, ename } = reply.content as { status?: string; ename?: string };
  return ename ? `${String(status)} ${ename}` : String(status);
}

async function statusOfNext(client: KernelClient, limitMs: number): Promise<string> {
  const trip = await roundTrip(client, ONE_PLUS_ONE, limitMs);
  return trip.kind === "unanswered" ? "no reply" : trip.status;
}
