import { describe, expect, it } from "@jest/globals";
import { newMessage } from "../../src/protocol/build";
import { Envelope, ParentHeader } from "../../src/protocol/message";
import { StdinBroker } from "../../src/kernel/stdin-broker";

const kernel = { session: "kernel-session", username: "kernel" };
const client = { session: "client-session", username: "client" };

function setup() {
  const sent: Envelope[] = [];
  const broker = new StdinBroker(kernel, (e) => sent.push(e as Envelope));
  const execute: Envelope = { identities: [Buffer.from("client")], message: newMessage(client, "execute_request", {}) };
  return { sent, broker, execute };
}

function inputReply(value: string, parent: ParentHeader = {}): Envelope {
  return { identities: [Buffer.from("client")], message: newMessage(client, "input_reply", { value }, parent) };
}

describe("StdinBroker", () => {
  it("answers the input_request that the reply names as parent", async () => {
    const { sent, broker, execute } = setup();
    const first = broker.ask(execute, "a? ", false);
    const second = broker.ask(execute, "b? ", false);
    expect(broker.deliver(inputReply("B", sent[1].message.header))).toBe(true);
    expect(broker.deliver(inputReply("A", sent[0].message.header))).toBe(true);
    await expect(first).resolves.toBe("A");
    await expect(second).resolves.toBe("B");
  });

  it("takes a reply without a parent header (jupyter_client's KernelClient.input) for the oldest wait", async () => {
    const { sent, broker, execute } = setup();
    const answer = broker.ask(execute, "name? ", false);
    expect(sent[0].message.header.msg_type).toBe("input_request");
    expect(sent[0].message.content).toEqual({ prompt: "name? ", password: false });
    expect(broker.deliver(inputReply("Ada"))).toBe(true);
    await expect(answer).resolves.toBe("Ada");
  });

  it("ignores replies to requests it no longer waits for, and replies when nothing waits", async () => {
    const { sent, broker, execute } = setup();
    const cancelled = broker.ask(execute, "x? ", false);
    broker.cancelAll();
    await expect(cancelled).rejects.toThrow("Interrupted");
    const current = broker.ask(execute, "y? ", false);
    expect(broker.deliver(inputReply("stale", sent[0].message.header))).toBe(false);
    expect(broker.deliver(inputReply("fresh", sent[1].message.header))).toBe(true);
    await expect(current).resolves.toBe("fresh");
    expect(broker.deliver(inputReply("nobody asked"))).toBe(false);
  });
});
