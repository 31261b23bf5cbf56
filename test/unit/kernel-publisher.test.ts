/** The one ordered way onto iopub: stream text coalesces, and is always out before anything that follows it. */
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { IopubPublisher } from "../../src/kernel/publisher";
import { newHeader } from "../../src/protocol/build";
import { Envelope } from "../../src/protocol/message";
import { ok } from "../support/fake-interpreter";
import { kinds } from "../support/in-memory-transport";
import { expectLifecycle, startCore } from "../support/core-kernel";

const kernel = { session: "kernel-session", username: "kernel" };
const client = { session: "client-session", username: "client" };

function publisher() {
  const sent: Envelope[] = [];
  const p = new IopubPublisher(kernel, "kernel-id", (e) => sent.push(e as Envelope));
  const streams = () =>
    sent
      .filter((e) => e.message.header.msg_type === "stream")
      .map((e) => e.message.content as { name: string; text: string });
  return { p, sent, streams };
}

describe("IopubPublisher", () => {
  // Coalescing goes by the clock; a fake one makes "a burst" and "a quiet spell" exact.
  afterEach(() => void jest.useRealTimers());

  it("sends the first write after a quiet spell at once, and coalesces the burst behind it", () => {
    jest.useFakeTimers();
    const { p, streams } = publisher();
    const parent = newHeader(client, "execute_request");
    p.stream(parent, "stdout", "a");
    expect(streams()).toEqual([{ name: "stdout", text: "a" }]);
    p.stream(parent, "stdout", "b");
    p.stream(parent, "stdout", "c");
    expect(streams()).toHaveLength(1);
    jest.advanceTimersByTime(30);
    expect(streams()).toEqual([
      { name: "stdout", text: "a" },
      { name: "stdout", text: "bc" },
    ]);
  });

  it("flushes buffered text before any other message, and before text of another stream or request", () => {
    jest.useFakeTimers();
    const { p, sent } = publisher();
    const one = newHeader(client, "execute_request");
    const two = newHeader(client, "execute_request");
    p.stream(one, "stdout", "first\n");
    p.stream(one, "stdout", "held\n");
    p.stream(one, "stderr", "err\n");
    p.stream(two, "stderr", "other request\n");
    p.publish(two, "display_data", { data: { "text/plain": "d" }, metadata: {} });
    expect(
      sent.map((e) => [
        e.message.header.msg_type,
        (e.message.parent_header as { msg_id: string }).msg_id,
        e.message.content,
      ]),
    ).toEqual([
      ["stream", one.msg_id, { name: "stdout", text: "first\n" }],
      ["stream", one.msg_id, { name: "stdout", text: "held\n" }],
      ["stream", one.msg_id, { name: "stderr", text: "err\n" }],
      ["stream", two.msg_id, { name: "stderr", text: "other request\n" }],
      ["display_data", two.msg_id, { data: { "text/plain": "d" }, metadata: {} }],
    ]);
  });

  it("sends a burst at once when it reaches 64 KiB, without waiting for the timer", () => {
    jest.useFakeTimers();
    const { p, streams } = publisher();
    const parent = newHeader(client, "execute_request");
    p.stream(parent, "stdout", "x");
    const big = "y".repeat(32 * 1024);
    p.stream(parent, "stdout", big);
    expect(streams()).toHaveLength(1);
    p.stream(parent, "stdout", big);
    expect(streams().map((s) => s.text.length)).toEqual([1, 64 * 1024]);
  });

  it("ignores empty writes, and names each message's topic after the kernel and type", () => {
    const { p, sent } = publisher();
    const parent = newHeader(client, "execute_request");
    p.stream(parent, "stdout", "");
    expect(sent).toEqual([]);
    p.publish(parent, "status", { execution_state: "busy" });
    expect(Buffer.from(sent[0].identities[0]).toString()).toBe("kernel.kernel-id.status");
    expect(sent[0].message.header.session).toBe("kernel-session");
  });
});

describe("kernel core output ordering", () => {
  it("puts everything a cell produced, in order, before its result, reply and idle", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("chatty", ({ output }) => {
      output.stream("stdout", "one ");
      output.stream("stdout", "two ");
      output.stream("stderr", "warn\n");
      output.stream("stdout", "three\n");
      output.display({ "text/plain": "shown" }, {}, "d1");
      output.stream("stdout", "four\n");
      output.updateDisplay({ "text/plain": "updated" }, {}, "d1");
      output.clearOutput(true);
      output.stream("stdout", "tail");
      return ok("result");
    });
    const request = transport.request("shell", "execute_request", { code: "chatty" });
    await transport.idle(request);
    const between = expectLifecycle(transport, request);
    // How stream text is split into messages depends on timing; the order and the text do not.
    const merged = between.filter((k, i) => k !== "stream" || between[i - 1] !== "stream");
    expect(merged).toEqual([
      "execute_input",
      "stream",
      "display_data",
      "stream",
      "update_display_data",
      "clear_output",
      "stream",
      "execute_result",
    ]);
    const text = (name: string) =>
      transport
        .iopubAbout(request)
        .filter((s) => s.message.header.msg_type === "stream" && s.message.content.name === name)
        .map((s) => s.message.content.text)
        .join("");
    expect(text("stdout")).toBe("one two three\nfour\ntail");
    expect(text("stderr")).toBe("warn\n");
    const display = transport.iopubAbout(request).find((s) => s.message.header.msg_type === "display_data")!;
    expect(display.message.content).toEqual({
      data: { "text/plain": "shown" },
      metadata: {},
      transient: { display_id: "d1" },
    });
    const order = kinds(transport.about(request));
    expect(order.indexOf("shell:execute_reply")).toBe(order.length - 2);
  });

  it("holds back no text a cell printed last: it is out before that cell goes idle", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("prints", ({ output }) => {
      output.stream("stdout", "a");
      output.stream("stdout", "b");
      return ok();
    });
    const first = transport.request("shell", "execute_request", { code: "prints" });
    const second = transport.request("shell", "execute_request", { code: "next" });
    await transport.idle(second);
    const streams = transport.sent.filter((s) => s.message.header.msg_type === "stream");
    expect(streams.map((s) => s.message.content.text).join("")).toBe("ab");
    const idleOfFirst = transport.sent.indexOf(await transport.idle(first));
    for (const s of streams) expect(transport.sent.indexOf(s)).toBeLessThan(idleOfFirst);
  });
});
