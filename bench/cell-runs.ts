/** One cell at a time, to its reply and idle status, bounded; a cell that overruns is interrupted. */
import { KernelClient } from "../src/client/kernel-client";
import { Message } from "../src/protocol/message";
import { executeContent } from "./round-trips";
import { settledAt } from "./waiting";

export type CellRun =
  /** Sending the request → having both its reply and its idle status; every iopub message it caused. */
  { kind: "ok"; toIdleMs: number; iopub: Message[] } | { kind: "failed"; problem: string };

export interface CellLimits {
  cellMs: number;
  /** How long an interrupted cell may take to end, so the next case starts on an idle kernel. */
  interruptMs: number;
}

export async function runCell(client: KernelClient, code: string, limits: CellLimits): Promise<CellRun> {
  const sentAt = performance.now();
  // The client's own limit is the longer one: after an interrupt the request may still end here.
  const inFlight = client.start("shell", "execute_request", executeContent(code), {
    awaitIdle: true,
    timeoutMs: limits.cellMs + limits.interruptMs,
  });
  const settled = await settledAt(inFlight.done, limits.cellMs);
  if (!settled) return { kind: "failed", problem: await interruptOverrun(client, inFlight.done, limits) };
  const { reply, iopub } = settled.value;
  if (reply.content.status !== "ok") {
    const { ename, evalue } = reply.content as { ename?: string; evalue?: string };
    return { kind: "failed", problem: `status ${String(reply.content.status)}${ename ? `: ${ename}: ${evalue}` : ""}` };
  }
  return { kind: "ok", toIdleMs: settled.at - sentAt, iopub };
}

async function interruptOverrun(client: KernelClient, done: Promise<unknown>, limits: CellLimits): Promise<string> {
  const overrun = `no reply and idle within ${limits.cellMs} ms`;
  client
    .start("control", "interrupt_request", {}, { awaitIdle: false, timeoutMs: limits.interruptMs })
    .done.catch(() => undefined);
  const ended = await settledAt(done, limits.interruptMs);
  return ended ? `${overrun}; interrupted` : `${overrun}; still running ${limits.interruptMs} ms after an interrupt`;
}
