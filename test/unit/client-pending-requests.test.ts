import { describe, expect, it } from "@jest/globals";
import { newMessage } from "../../src/protocol/build";
import { Message } from "../../src/protocol/message";
import { PendingRequests } from "../../src/client/pending-requests";

const kernel = { session: "kernel", username: "kernel" };
const client = { session: "client", username: "client" };

function childOf(request: Message<unknown>, msgType: string, content: Record<string, unknown>): Message {
  return newMessage(kernel, msgType, content, request.header);
}

const status = (request: Message<unknown>, state: string) => childOf(request, "status", { execution_state: state });

describe("PendingRequests", () => {
  it("resolves with the reply and every iopub message up to idle, whichever socket is first", async () => {
    const pending = new PendingRequests();
    const request = newMessage(client, "execute_request", { code: "x" });
    const { done: outcome, received } = pending.track("shell", request, { timeoutMs: 5000, awaitIdle: true });

    const busy = status(request, "busy");
    const stream = childOf(request, "stream", { name: "stdout", text: "hi" });
    const idle = status(request, "idle");
    const reply = childOf(request, "execute_reply", { status: "ok" });
    expect(pending.iopub(busy)).toBe(true);
    expect(pending.iopub(stream)).toBe(true);
    expect(received()).toEqual([busy, stream]);
    expect(pending.iopub(idle)).toBe(true);
    expect(pending.size).toBe(1);
    expect(pending.reply(reply)).toBe(true);

    await expect(outcome).resolves.toEqual({ reply, iopub: [busy, stream, idle] });
    expect(pending.size).toBe(0);
  });

  it("ignores traffic for other requests", async () => {
    const pending = new PendingRequests();
    const mine = newMessage(client, "kernel_info_request", {});
    const other = newMessage(client, "kernel_info_request", {});
    const { done: outcome } = pending.track("shell", mine, { timeoutMs: 5000, awaitIdle: false });
    expect(pending.reply(childOf(other, "kernel_info_reply", {}))).toBe(false);
    expect(pending.iopub(newMessage(kernel, "status", { execution_state: "starting" }))).toBe(false);
    const reply = childOf(mine, "kernel_info_reply", { status: "ok" });
    pending.reply(reply);
    await expect(outcome).resolves.toEqual({ reply, iopub: [] });
  });

  it("says what it was still waiting for when it times out", async () => {
    const pending = new PendingRequests();
    const request = newMessage(client, "execute_request", { code: "while (true) {}" });
    const { done: outcome } = pending.track("shell", request, { timeoutMs: 20, awaitIdle: true });
    pending.iopub(status(request, "busy"));
    await expect(outcome).rejects.toThrow(
      `timed out after 20 ms waiting for the execute_reply on shell and status: idle on iopub ` +
        `(execute_request ${request.header.msg_id}, 1 iopub message(s) so far)`,
    );
    expect(pending.size).toBe(0);
  });

  it("fails everything at once", async () => {
    const pending = new PendingRequests();
    const request = newMessage(client, "shutdown_request", { restart: false });
    const { done: outcome } = pending.track("control", request, { timeoutMs: 5000, awaitIdle: false });
    pending.failAll("kernel exited with code 1");
    await expect(outcome).rejects.toThrow(/^kernel exited with code 1 while waiting for the shutdown_reply on control/);
  });
});
