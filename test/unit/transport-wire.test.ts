import { describe, expect, it } from "@jest/globals";
import { newMessage } from "../../src/protocol/build";
import { Envelope, Message } from "../../src/protocol/message";
import { SignatureHistory } from "../../src/protocol/signature-history";
import { createSigner } from "../../src/protocol/signer";
import { decodeFrames, DELIMITER, Decoded, encodeFrames, MAX_JSON_DEPTH } from "../../src/protocol/wire";

const signer = createSigner("hmac-sha256", "wire-test-key");
const identity = { session: "s-1", username: "tester" };

function sample(): Message<Record<string, unknown>> {
  const request = newMessage(identity, "execute_request", { code: "1 + 1" });
  return newMessage(identity, "execute_reply", { status: "ok", execution_count: 1 }, request.header, {
    started: "now",
  });
}

function envelope(identities: Uint8Array[]): Envelope {
  return { identities, message: sample() };
}

function reason(decoded: Decoded): string {
  if (decoded.kind !== "rejected") throw new Error("expected the frames to be rejected");
  return decoded.reason;
}

/** Re-signs hand-edited frames so a test reaches the check it is aimed at. */
function resign(frames: Buffer[], at: number): Buffer[] {
  const copy = [...frames];
  copy[at + 1] = Buffer.from(signer.sign(copy.slice(at + 2, at + 6)));
  return copy;
}

describe("encodeFrames / decodeFrames", () => {
  it.each([0, 1, 3])("round-trips a message with %i routing identities", (count) => {
    const ids = Array.from({ length: count }, (_, i) => Buffer.from(`peer-${i}`));
    const original = envelope(ids);
    original.message.buffers = [new Uint8Array([1, 2, 3])];

    const frames = encodeFrames(original, signer);
    expect(frames[count].toString()).toBe(DELIMITER);
    expect(frames[count + 1].toString()).toBe(signer.sign(frames.slice(count + 2, count + 6)));

    const decoded = decodeFrames(frames, signer);
    if (decoded.kind !== "message") throw new Error(decoded.reason);
    expect(decoded.envelope.identities.map((id) => Buffer.from(id).toString())).toEqual(ids.map(String));
    const { buffers, ...rest } = decoded.envelope.message;
    const { buffers: originalBuffers, ...originalRest } = original.message;
    expect(rest).toEqual(originalRest);
    expect(buffers.map((b) => [...b])).toEqual(originalBuffers.map((b) => [...b]));
  });

  it("accepts identities and buffers that arrive as plain Uint8Arrays", () => {
    const original: Envelope = { identities: [new Uint8Array([7, 8])], message: sample() };
    original.message.buffers = [new Uint8Array([9])];
    const frames = encodeFrames(original, signer);
    expect(frames.every((frame) => Buffer.isBuffer(frame))).toBe(true);
    expect(decodeFrames(frames, signer).kind).toBe("message");
  });

  it("tolerates an empty metadata frame and fills header fields other clients omit", () => {
    const header = Buffer.from(JSON.stringify({ msg_id: "m", msg_type: "kernel_info_request", session: "s" }));
    const frames = resign(
      [Buffer.from(DELIMITER), Buffer.alloc(0), header, Buffer.from("{}"), Buffer.alloc(0), Buffer.from("{}")],
      0,
    );
    const decoded = decodeFrames(frames, signer);
    if (decoded.kind !== "message") throw new Error(decoded.reason);
    expect(decoded.envelope.message.metadata).toEqual({});
    expect(decoded.envelope.message.buffers).toEqual([]);
    expect(decoded.envelope.message.header).toMatchObject({ msg_id: "m", username: "", date: "", version: "" });
  });

  it("does not require signatures when the key is empty", () => {
    const unsigned = createSigner("hmac-sha256", "");
    const frames = encodeFrames(envelope([]), unsigned);
    expect(frames[1].toString()).toBe("");
    expect(decodeFrames(frames, unsigned).kind).toBe("message");
  });
});

describe("decodeFrames rejections", () => {
  const good = () => encodeFrames(envelope([Buffer.from("peer")]), signer);

  it("rejects frames without the delimiter", () => {
    expect(reason(decodeFrames([Buffer.from("peer"), Buffer.from("{}")], signer))).toMatch(/no <IDS\|MSG> delimiter/);
  });

  it("rejects a message cut short", () => {
    expect(reason(decodeFrames(good().slice(0, 5), signer))).toMatch(/got 3 frame\(s\)/);
  });

  it("rejects a missing signature", () => {
    const frames = good();
    frames[2] = Buffer.alloc(0);
    expect(reason(decodeFrames(frames, signer))).toBe("missing signature");
  });

  it("rejects a tampered message", () => {
    const frames = good();
    frames[6] = Buffer.from('{"status":"error"}');
    expect(reason(decodeFrames(frames, signer))).toBe("bad signature");
  });

  it("rejects a message signed with another key", () => {
    const frames = encodeFrames(envelope([]), createSigner("hmac-sha256", "someone-else"));
    expect(reason(decodeFrames(frames, signer))).toBe("bad signature");
  });

  it("rejects JSON that does not parse", () => {
    const frames = good();
    frames[3] = Buffer.from("{not json");
    expect(reason(decodeFrames(resign(frames, 1), signer))).toBe("header is not valid JSON");
  });

  it("rejects a header without msg_id, msg_type or session", () => {
    const frames = good();
    frames[3] = Buffer.from(JSON.stringify({ msg_type: "execute_request" }));
    expect(reason(decodeFrames(resign(frames, 1), signer))).toBe("header lacks string msg_id, session");
  });

  it.each([
    ["an array", "[1]"],
    ["null", "null"],
    ["a string", '"hi"'],
  ])("rejects content that is %s", (_, content) => {
    const frames = good();
    frames[6] = Buffer.from(content);
    expect(reason(decodeFrames(resign(frames, 1), signer))).toBe("content is not a JSON object");
  });

  it("rejects metadata that is not an object", () => {
    const frames = good();
    frames[5] = Buffer.from("[]");
    expect(reason(decodeFrames(resign(frames, 1), signer))).toBe("metadata is not a JSON object");
  });
});

describe("decodeFrames with a signature history", () => {
  const frames = () => encodeFrames(envelope([Buffer.from("peer")]), signer);

  it("accepts a message once and rejects every exact repeat of it as a duplicate", () => {
    const history = new SignatureHistory();
    const first = frames();
    expect(decodeFrames(first, signer, history).kind).toBe("message");
    expect(reason(decodeFrames(first, signer, history))).toBe("duplicate signature");
    // A repeat from another peer is still a repeat: routing identities are not signed.
    expect(reason(decodeFrames([Buffer.from("other-peer"), ...first.slice(1)], signer, history))).toBe(
      "duplicate signature",
    );
    expect(decodeFrames(frames(), signer, history).kind).toBe("message");
  });

  it("checks the signature before the history, so a forged copy is reported as forged", () => {
    const history = new SignatureHistory();
    const original = frames();
    decodeFrames(original, signer, history);
    const forged = [...original];
    forged[6] = Buffer.from('{"status":"error"}');
    expect(reason(decodeFrames(forged, signer, history))).toBe("bad signature");
  });

  it("remembers only messages it accepted", () => {
    const history = new SignatureHistory();
    const malformed = frames();
    malformed[6] = Buffer.from("[]");
    const signedMalformed = resign(malformed, 1);
    expect(reason(decodeFrames(signedMalformed, signer, history))).toBe("content is not a JSON object");
    expect(history.size).toBe(0);
  });

  it("keeps no history when the key is empty, as there are no signatures to compare", () => {
    const unsigned = createSigner("hmac-sha256", "");
    const history = new SignatureHistory();
    const message = encodeFrames(envelope([]), unsigned);
    expect(decodeFrames(message, unsigned, history).kind).toBe("message");
    expect(decodeFrames(message, unsigned, history).kind).toBe("message");
    expect(history.size).toBe(0);
  });
});

describe("decodeFrames nesting limit", () => {
  const nested = (depth: number) => `{"deep":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
  const withContent = (content: string) => {
    const frames = encodeFrames(envelope([]), signer);
    frames[5] = Buffer.from(content);
    return resign(frames, 0);
  };

  it(`accepts JSON nested ${MAX_JSON_DEPTH} levels deep and rejects one level more`, () => {
    expect(decodeFrames(withContent(nested(MAX_JSON_DEPTH)), signer).kind).toBe("message");
    expect(reason(decodeFrames(withContent(nested(MAX_JSON_DEPTH + 1)), signer))).toBe(
      `content is nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it("rejects nesting far past what JSON.parse or a structured clone could survive, without throwing", () => {
    const frames = encodeFrames(envelope([]), signer);
    frames[2] = Buffer.from(`{"msg_id":"m","msg_type":"t","session":"s","x":${"[".repeat(200_000)}`);
    expect(reason(decodeFrames(resign(frames, 0), signer))).toBe(
      `header is nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    const brackets = "[{".repeat(5000);
    const code = `"${brackets}\\"${brackets}`;
    const decoded = decodeFrames(withContent(JSON.stringify({ code })), signer);
    if (decoded.kind !== "message") throw new Error(decoded.reason);
    expect(decoded.envelope.message.content.code).toBe(code);
  });
});
