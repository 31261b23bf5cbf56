import { describe, expect, it } from "@jest/globals";
import { LatestStatus } from "../../src/transport/latest-status";
import { SerializedMessage } from "../../src/protocol/wire";

const message = (type: string, content: object, id = "m1"): SerializedMessage => ({
  parts: [
    JSON.stringify({
      msg_id: id,
      msg_type: type,
      session: "s",
      username: "k",
      date: "2026-01-01T00:00:00Z",
      version: "5.3",
    }),
    JSON.stringify({ msg_id: "request-1" }),
    "{}",
    JSON.stringify(content),
  ],
  buffers: [],
});
const topic = [Buffer.from("kernel.x.status")];

describe("LatestStatus", () => {
  it("has nothing to repeat before the first status", () => {
    const status = new LatestStatus();
    status.saw([Buffer.from("kernel.x.stream")], message("stream", { name: "stdout", text: "hi" }));
    expect(status.again()).toBeUndefined();
  });

  it("repeats the latest status, its topic, parent and content, under a new id and time", () => {
    const status = new LatestStatus();
    status.saw(topic, message("status", { execution_state: "busy" }, "a"));
    status.saw(topic, message("status", { execution_state: "idle" }, "b"));
    status.saw([Buffer.from("kernel.x.stream")], message("stream", { name: "stdout", text: "late" }, "c"));
    const again = status.again()!;
    expect(again.identities).toEqual(topic);
    const [header, parent, metadata, content] = again.message.parts.map(
      (p) => JSON.parse(p) as Record<string, unknown>,
    );
    expect(header).toMatchObject({ msg_type: "status", session: "s", username: "k", version: "5.3" });
    expect(header.msg_id).not.toBe("b");
    expect(header.date).not.toBe("2026-01-01T00:00:00Z");
    expect(parent).toEqual({ msg_id: "request-1" });
    expect(metadata).toEqual({});
    expect(content).toEqual({ execution_state: "idle" });
    expect(status.again()!.message.parts[0]).not.toBe(again.message.parts[0]);
  });
});
