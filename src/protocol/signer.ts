import { createHmac, getHashes, timingSafeEqual } from "crypto";

/** Signs and checks the four JSON frames of a message (header, parent, metadata, content). */
export interface Signer {
  /** False when the key is empty: the messaging spec then turns authentication off. */
  readonly enabled: boolean;
  sign(parts: readonly Uint8Array[]): string;
  verify(signature: string, parts: readonly Uint8Array[]): boolean;
}

export class SignatureSchemeError extends Error {
  override name = "SignatureSchemeError";
}

/** `scheme` is `hmac-<digest>` for any digest node's crypto knows, e.g. `hmac-sha256`. */
export function createSigner(scheme: string, key: string): Signer {
  if (key === "") return UNSIGNED;
  const match = /^hmac-(.+)$/.exec(scheme);
  if (!match || !getHashes().includes(match[1].toLowerCase())) {
    throw new SignatureSchemeError(
      `unsupported signature_scheme ${JSON.stringify(scheme)}: expected hmac-<digest>, e.g. hmac-sha256`,
    );
  }
  const algorithm = match[1].toLowerCase();
  const keyBytes = Buffer.from(key, "utf8");

  const sign = (parts: readonly Uint8Array[]): string => {
    const hmac = createHmac(algorithm, keyBytes);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  };

  return {
    enabled: true,
    sign,
    verify(signature, parts) {
      const expected = Buffer.from(sign(parts), "utf8");
      const given = Buffer.from(signature, "utf8");
      // timingSafeEqual throws on unequal lengths, and a length leaks nothing about the key.
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

const UNSIGNED: Signer = {
  enabled: false,
  sign: () => "",
  verify: () => true,
};
