/**
 * Our verifier against the reference implementation: frames signed by jupyter_client's Session
 * (test/jupyter/make_wire_fixtures.py wrote the fixture, key included) are accepted, and rejected
 * once tampered with. The other direction, our frames checked by jupyter_client, runs in CI
 * (test/jupyter/verify_our_frames.py).
 */
import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "fs";
import { resolve } from "path";
import { createSigner } from "../../src/protocol/signer";
import { decodeFrames, DELIMITER } from "../../src/protocol/wire";
import { Header } from "../../src/protocol/message";

interface Fixture {
  jupyter_client: string;
  key: string;
  messages: {
    name: string;
    signature_scheme: string;
    frames_base64: string[];
    expect: {
      msg_type: string;
      msg_id: string;
      identities: string[];
      buffers: number;
      content: Record<string, unknown>;
      parent_msg_id: string | null;
    };
  }[];
}

const fixture = JSON.parse(
  readFileSync(resolve(__dirname, "../fixtures/jupyter-client-frames.json"), "utf8"),
) as Fixture;

const cases = fixture.messages.map((m) => [m.name, m] as const);

function framesOf(m: Fixture["messages"][number]): Buffer[] {
  return m.frames_base64.map((f) => Buffer.from(f, "base64"));
}

/** Where the signed part starts: the signature frame, just after the delimiter. */
function signatureAt(frames: Buffer[]): number {
  return frames.findIndex((f) => f.toString("utf8") === DELIMITER) + 1;
}

function flipLastByte(frame: Buffer): Buffer {
  const copy = Buffer.from(frame);
  copy[copy.length - 1] ^= 0x01;
  return copy;
}

describe(`frames signed by jupyter_client ${fixture.jupyter_client}`, () => {
  it.each(cases)("accepts %s, reading back what Session packed", (_name, m) => {
    const decoded = decodeFrames(framesOf(m), createSigner(m.signature_scheme, fixture.key));
    if (decoded.kind !== "message") throw new Error(`rejected: ${decoded.reason}`);
    const { identities, message } = decoded.envelope;
    expect(identities.map((i) => Buffer.from(i).toString("utf8"))).toEqual(m.expect.identities);
    expect(message.header).toMatchObject({ msg_type: m.expect.msg_type, msg_id: m.expect.msg_id, version: "5.3" });
    expect(message.content).toEqual(m.expect.content);
    expect((message.parent_header as Partial<Header>).msg_id ?? null).toBe(m.expect.parent_msg_id);
    expect(message.buffers).toHaveLength(m.expect.buffers);
  });

  it.each(cases)("signs %s exactly as jupyter_client did", (_name, m) => {
    const frames = framesOf(m);
    const at = signatureAt(frames);
    const signer = createSigner(m.signature_scheme, fixture.key);
    expect(signer.sign(frames.slice(at + 1, at + 5))).toBe(frames[at].toString("utf8"));
  });

  it.each(cases)("rejects %s with any signed frame changed", (_name, m) => {
    const signer = createSigner(m.signature_scheme, fixture.key);
    const frames = framesOf(m);
    const at = signatureAt(frames);
    for (let k = at; k < at + 5; k++) {
      const tampered = frames.map((f, j) => (j === k ? flipLastByte(f) : f));
      const decoded = decodeFrames(tampered, signer);
      expect(decoded).toEqual({ kind: "rejected", reason: "bad signature" });
    }
  });

  it.each(cases)("rejects %s under another key or digest", (_name, m) => {
    const frames = framesOf(m);
    expect(decodeFrames(frames, createSigner(m.signature_scheme, `${fixture.key}x`))).toMatchObject({
      kind: "rejected",
    });
    const other = m.signature_scheme === "hmac-sha256" ? "hmac-sha512" : "hmac-sha256";
    expect(decodeFrames(frames, createSigner(other, fixture.key))).toMatchObject({ kind: "rejected" });
  });

  it("rejects a message whose signature was dropped", () => {
    const m = fixture.messages[0];
    const frames = framesOf(m);
    const at = signatureAt(frames);
    frames[at] = Buffer.alloc(0);
    expect(decodeFrames(frames, createSigner(m.signature_scheme, fixture.key))).toEqual({
      kind: "rejected",
      reason: "missing signature",
    });
  });
});
