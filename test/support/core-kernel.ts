/** The real kernel core, wired as the kernel process wires it, but to an in-memory transport and a fake interpreter. */
import { expect } from "@jest/globals";
import { Kernel } from "../../src/kernel/kernel";
import { Message } from "../../src/protocol/message";
import { InterruptGate } from "../../src/shared/interrupt-gate";
import { deferred, FakeInterpreter } from "./fake-interpreter";
import { InMemoryTransport, isStatus, kinds } from "./in-memory-transport";

export function startCore(options: { interruptGate?: InterruptGate } = {}) {
  const interpreter = new FakeInterpreter();
  const transport = new InMemoryTransport();
  const shutdown = deferred<boolean>();
  const kernel = new Kernel(interpreter, transport, { onShutdown: shutdown.resolve, ...options });
  transport.connect((channel, envelope, delivery) => kernel.receive(channel, envelope, delivery));
  kernel.start();
  return { kernel, interpreter, transport, shutdown: shutdown.promise };
}

/**
 * What every request must get: one busy first and one idle last on iopub, everything in between
 * parented to it and sent by the kernel's session, and its reply (if any) sent before the idle, to
 * the identity that asked. Returns the iopub traffic between busy and idle, as kinds.
 */
export function expectLifecycle(transport: InMemoryTransport, request: Message, identity = "client-1"): string[] {
  const about = transport.about(request);
  const iopub = about.filter((s) => s.channel === "iopub");
  expect(isStatus(iopub[0], "busy")).toBe(true);
  expect(isStatus(iopub[iopub.length - 1], "idle")).toBe(true);
  expect(iopub.filter((s) => s.message.header.msg_type === "status")).toHaveLength(2);
  for (const s of about) {
    expect(s.message.parent_header).toEqual(request.header);
    expect(s.message.header.session).toBe(about[0].message.header.session);
    expect(s.message.header.session).not.toBe(request.header.session);
    if (s.channel === "iopub") {
      expect(Buffer.from(s.identities[0]).toString()).toBe(
        `kernel.${s.message.header.session}.${s.message.header.msg_type}`,
      );
    } else {
      expect(s.identities.map((i) => Buffer.from(i).toString())).toEqual([identity]);
    }
  }
  const replies = about.filter((s) => s.channel !== "iopub" && s.message.header.msg_type.endsWith("_reply"));
  const idleAt = transport.sent.indexOf(iopub[iopub.length - 1]);
  for (const r of replies) expect(transport.sent.indexOf(r)).toBeLessThan(idleAt);
  return kinds(iopub.slice(1, -1));
}
