import { describe, expect, it } from "@jest/globals";
import { FrameSink, SendQueue } from "../../src/transport/send-queue";

/** Behaves like a mute zeromq v6 socket: slow to accept, and EBUSY if a second send overlaps. */
class SlowSocket implements FrameSink {
  readonly received: string[] = [];
  private busy = false;

  constructor(private readonly failOn = new Set<string>()) {}

  async send(frames: Buffer[]): Promise<void> {
    if (this.busy) throw new Error("EBUSY: socket is busy writing");
    this.busy = true;
    await new Promise((resolve) => (this.received.length % 100 === 0 ? setTimeout(resolve, 2) : setImmediate(resolve)));
    this.busy = false;
    const text = frames.map(String).join("|");
    if (this.failOn.has(text)) throw new Error(`refused ${text}`);
    this.received.push(text);
  }
}

const messages = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);

describe("SendQueue", () => {
  it("sends everything, in order, one at a time, even when pushed far faster than the socket accepts", async () => {
    const socket = new SlowSocket();
    const errors: unknown[] = [];
    const queue = new SendQueue(socket, "test", (error) => errors.push(error));
    const expected = messages(2000);
    for (const text of expected) queue.push([Buffer.from(text)]);
    expect(queue.pending).toBe(2000);

    await queue.drained();
    expect(errors).toEqual([]);
    expect(socket.received).toEqual(expected);
    expect(queue.pending).toBe(0);
  });

  it("drained() waits only for what was pushed before it was called", async () => {
    const socket = new SlowSocket();
    const queue = new SendQueue(socket, "test");
    queue.push([Buffer.from("first")]);
    const firstDrained = queue.drained();
    queue.push([Buffer.from("second")]);
    await firstDrained;
    expect(socket.received[0]).toBe("first");
    await queue.drained();
    expect(socket.received).toEqual(["first", "second"]);
  });

  it("resolves drained() at once when nothing is queued", async () => {
    await expect(new SendQueue(new SlowSocket(), "test").drained()).resolves.toBeUndefined();
  });

  it("reports a failed send and carries on with the rest", async () => {
    const socket = new SlowSocket(new Set(["m3"]));
    const errors: string[] = [];
    const queue = new SendQueue(socket, "iopub", (error, label) =>
      errors.push(`${label}: ${(error as Error).message}`),
    );
    for (const text of messages(6)) queue.push([Buffer.from(text)]);
    await queue.drained();
    expect(errors).toEqual(["iopub: refused m3"]);
    expect(socket.received).toEqual(["m0", "m1", "m2", "m4", "m5"]);
  });
});

describe("SendQueue settled callbacks", () => {
  it("runs each message's callback once it has been sent or refused, in order", async () => {
    const socket = new SlowSocket(new Set(["m2"]));
    const queue = new SendQueue(socket, "test", () => undefined);
    const settled: string[] = [];
    for (const text of messages(5))
      queue.push([Buffer.from(text)], () => settled.push(`${text}:${socket.received.includes(text)}`));
    expect(settled).toEqual([]);
    await queue.drained();
    expect(settled).toEqual(["m0:true", "m1:true", "m2:false", "m3:true", "m4:true"]);
  });
});
