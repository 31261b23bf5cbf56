import { Envelope, Header, Message, ParentHeader } from "./message";
import { SignatureHistory } from "./signature-history";
import { Signer } from "./signer";

/** Separates routing identities from the signed message (messaging spec, "The Wire Protocol"). */
export const DELIMITER = "<IDS|MSG>";
const DELIMITER_BYTES = Buffer.from(DELIMITER, "utf8");

/** A message turned into the JSON text that will be signed, plus its raw binary buffers. */
export interface SerializedMessage {
  /** header, parent_header, metadata, content — in signing order. */
  parts: [string, string, string, string];
  buffers: Uint8Array[];
}

export type Decoded = { kind: "message"; envelope: Envelope } | { kind: "rejected"; reason: string };

/**
 * JSON is fixed here, on the caller's thread, so that `toJSON`, dropped `undefined`s and class
 * instances behave the same whether or not the frames are later built on another thread.
 */
export function serializeMessage(message: Message<unknown>): SerializedMessage {
  return {
    parts: [
      JSON.stringify(message.header),
      JSON.stringify(message.parent_header ?? {}),
      JSON.stringify(message.metadata ?? {}),
      JSON.stringify(message.content ?? {}),
    ],
    buffers: message.buffers ?? [],
  };
}

export function framesFromSerialized(
  identities: readonly Uint8Array[],
  serialized: SerializedMessage,
  signer: Signer,
): Buffer[] {
  const parts = serialized.parts.map((part) => Buffer.from(part, "utf8"));
  return [
    ...identities.map(asBuffer),
    DELIMITER_BYTES,
    Buffer.from(signer.sign(parts), "utf8"),
    ...parts,
    ...serialized.buffers.map(asBuffer),
  ];
}

export function encodeFrames(envelope: Envelope<unknown>, signer: Signer): Buffer[] {
  return framesFromSerialized(envelope.identities, serializeMessage(envelope.message), signer);
}

/**
 * Never throws: anything that is not a well-formed, correctly signed message comes back rejected.
 * With a `history`, a message whose signature was accepted before is rejected as a replay, and
 * each accepted message's signature is remembered.
 */
export function decodeFrames(frames: readonly Uint8Array[], signer: Signer, history?: SignatureHistory): Decoded {
  const at = frames.findIndex((frame) => Buffer.compare(frame, DELIMITER_BYTES) === 0);
  if (at < 0) return rejected(`no ${DELIMITER} delimiter among ${frames.length} frame(s)`);

  const rest = frames.slice(at + 1);
  if (rest.length < 5) {
    return rejected(
      `expected signature, header, parent_header, metadata and content after ${DELIMITER}, ` +
        `got ${rest.length} frame(s)`,
    );
  }
  const signed = rest.slice(1, 5);
  const signature = Buffer.from(rest[0]).toString("utf8");
  if (signer.enabled) {
    if (signature === "") return rejected("missing signature");
    if (!signer.verify(signature, signed)) return rejected("bad signature");
    // After verifying, never before: only genuine signatures reach the history.
    if (history?.has(signature)) return rejected("duplicate signature");
  }

  const [headerFrame, parentFrame, metadataFrame, contentFrame] = signed;
  const header = parseJson(headerFrame, "header");
  if (!header.ok) return rejected(header.reason);
  const headerProblem = checkHeader(header.value);
  if (headerProblem) return rejected(headerProblem);

  const parent = parseOptionalObject(parentFrame, "parent_header");
  if (!parent.ok) return rejected(parent.reason);
  const metadata = parseOptionalObject(metadataFrame, "metadata");
  if (!metadata.ok) return rejected(metadata.reason);

  const content = parseJson(contentFrame, "content");
  if (!content.ok) return rejected(content.reason);
  if (!isObject(content.value)) return rejected("content is not a JSON object");

  const rawHeader = header.value as Record<string, unknown>;
  const message: Message = {
    header: {
      ...rawHeader,
      username: stringOr(rawHeader.username),
      date: stringOr(rawHeader.date),
      version: stringOr(rawHeader.version),
    } as Header,
    parent_header: parent.value as ParentHeader,
    metadata: metadata.value,
    content: content.value,
    buffers: rest.slice(5),
  };
  // Remembered only once accepted: a signed but malformed message was never acted on.
  if (signer.enabled) history?.remember(signature);
  return { kind: "message", envelope: { identities: frames.slice(0, at), message } };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Deeper than any message a frontend sends (Python's json gives up near 1000 levels), and far below
 * the depth at which cloning the message to the main thread, or echoing its header in a reply,
 * runs out of stack.
 */
export const MAX_JSON_DEPTH = 512;

function parseJson(frame: Uint8Array, name: string): Parsed<unknown> {
  if (exceedsDepth(frame, MAX_JSON_DEPTH)) {
    return { ok: false, reason: `${name} is nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.from(frame).toString("utf8")) };
  } catch {
    return { ok: false, reason: `${name} is not valid JSON` };
  }
}

/** Empty frames and `null` mean "none" for the parent header and metadata; anything else must be an object. */
function parseOptionalObject(frame: Uint8Array, name: string): Parsed<Record<string, unknown>> {
  if (frame.length === 0) return { ok: true, value: {} };
  const parsed = parseJson(frame, name);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return { ok: true, value: {} };
  if (!isObject(parsed.value)) return { ok: false, reason: `${name} is not a JSON object` };
  return { ok: true, value: parsed.value };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** A scan of the raw bytes, so that nothing recursive ever touches a hostile frame. */
function exceedsDepth(frame: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < frame.length; i += 1) {
    const byte = frame[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return false;
}

function checkHeader(value: unknown): string | undefined {
  if (!isObject(value)) return "header is not a JSON object";
  const missing = (["msg_id", "msg_type", "session"] as const).filter((key) => typeof value[key] !== "string");
  return missing.length > 0 ? `header lacks string ${missing.join(", ")}` : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function rejected(reason: string): Decoded {
  return { kind: "rejected", reason };
}

/** Frames that crossed a thread boundary arrive as plain Uint8Arrays; wrap them without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
