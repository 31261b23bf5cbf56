import { describe, expect, it, jest } from "@jest/globals";
import { createHmac } from "crypto";
// The module object itself, not an import-star copy of it, so that a spy on it is what signer.ts calls.
import crypto from "crypto";
import { createSigner, SignatureSchemeError } from "../../src/protocol/signer";

const parts = ['{"msg_id":"1"}', "{}", "{}", '{"code":"1+1"}'].map((part) => Buffer.from(part));

function expectedHmac(algorithm: string, key: string): string {
  const hmac = createHmac(algorithm, key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

describe("createSigner", () => {
  it("computes the HMAC over the frames in order", () => {
    const signer = createSigner("hmac-sha256", "a-key");
    expect(signer.enabled).toBe(true);
    expect(signer.sign(parts)).toBe(expectedHmac("sha256", "a-key"));
  });

  it("supports other digests node knows", () => {
    expect(createSigner("hmac-sha512", "k").sign(parts)).toBe(expectedHmac("sha512", "k"));
    expect(createSigner("hmac-sha1", "k").sign(parts)).toBe(expectedHmac("sha1", "k"));
  });

  it("verifies its own signatures and refuses tampered frames or signatures", () => {
    const signer = createSigner("hmac-sha256", "a-key");
    const signature = signer.sign(parts);
    expect(signer.verify(signature, parts)).toBe(true);

    const tampered = [...parts.slice(0, 3), Buffer.from('{"code":"rm -rf"}')];
    expect(signer.verify(signature, tampered)).toBe(false);
    expect(
      signer.verify(
        signature.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
        parts,
      ),
    ).toBe(false);
    expect(signer.verify(signature.slice(0, 10), parts)).toBe(false);
    expect(signer.verify("", parts)).toBe(false);
    expect(createSigner("hmac-sha256", "other-key").verify(signature, parts)).toBe(false);
  });

  it("compares digests in constant time: every same-length guess goes through timingSafeEqual", () => {
    const signer = createSigner("hmac-sha256", "a-key");
    const signature = signer.sign(parts);
    const flip = (at: number) => signature.slice(0, at) + (signature[at] === "0" ? "1" : "0") + signature.slice(at + 1);
    const compare = jest.spyOn(crypto, "timingSafeEqual");
    try {
      // A guess wrong in its first digit must cost as much to refuse as one wrong in its last.
      expect(signer.verify(flip(0), parts)).toBe(false);
      expect(signer.verify(flip(signature.length - 1), parts)).toBe(false);
      expect(signer.verify(signature, parts)).toBe(true);
      expect(compare).toHaveBeenCalledTimes(3);
      // A guess of the wrong length is refused on its length alone, which says nothing about the key.
      expect(signer.verify(signature.slice(1), parts)).toBe(false);
      expect(compare).toHaveBeenCalledTimes(3);
    } finally {
      compare.mockRestore();
    }
  });

  it("does not sign or check anything when the key is empty", () => {
    const signer = createSigner("hmac-sha256", "");
    expect(signer.enabled).toBe(false);
    expect(signer.sign(parts)).toBe("");
    expect(signer.verify("", parts)).toBe(true);
  });

  it("rejects schemes it cannot honour", () => {
    expect(() => createSigner("hmac-nosuchdigest", "k")).toThrow(SignatureSchemeError);
    expect(() => createSigner("rsa-sha256", "k")).toThrow(/unsupported signature_scheme "rsa-sha256"/);
  });
});
