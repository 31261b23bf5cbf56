/**
 * Malformed multipart messages for the kernel's shell and control sockets, drawn from a seeded
 * generator so that any failure replays exactly from its seed.
 */
import { createSigner, Signer } from "../../src/protocol/signer";
import { DELIMITER } from "../../src/protocol/wire";

/** xorshift32: tiny, fast, and the same sequence on every platform for a given seed. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    // Zero is xorshift's one fixed point; any other start walks the full cycle.
    this.state = seed >>> 0 || 0x6d2b79f5;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) out[i] = this.int(256);
    return out;
  }

  hex(length: number): string {
    let out = "";
    for (let i = 0; i < length; i += 1) out += "0123456789abcdef"[this.int(16)];
    return out;
  }
}

export type FuzzChannel = "shell" | "control";

export interface HostileMessage {
  index: number;
  channel: FuzzChannel;
  /** True when the signature frame is the HMAC, with the kernel's key, of the four frames after it. */
  signed: boolean;
  frames: Buffer[];
  /** What was done to it, for the failure message that names a message. */
  description: string;
}

export interface FuzzOptions {
  /** The kernel's key and scheme. */
  signer: Signer;
  session: string;
  /** A cell that leaves a trace if it ever runs; only unsigned messages carry it. */
  traceCode: string;
  /** The same as an expression, for user_expressions, the other door to running code. */
  traceExpression: string;
  /** A cell that counts its runs; signed messages carry it, so legitimate runs can be counted exactly. */
  countedCode: string;
  /** Indices of the few messages that get a frame of `hugeBytes`; memory forbids more than a handful. */
  hugeAt: ReadonlySet<number>;
  hugeBytes: number;
}

const SHELL_TYPES = [
  "execute_request",
  "kernel_info_request",
  "complete_request",
  "inspect_request",
  "is_complete_request",
  "history_request",
  "comm_info_request",
  "comm_open",
  "comm_msg",
  "comm_close",
] as const;
const CONTROL_TYPES = ["kernel_info_request", "interrupt_request", "shutdown_request"] as const;

/**
 * Legitimate commands a correctly signed message must not carry here: signed, they are obeyed (the
 * kernel would stop, or interrupt the cells being counted), which is right but ends the experiment.
 */
const NEVER_SIGNED = new Set<string>(["interrupt_request", "shutdown_request"]);

/** Code for signed execute_requests: none of it fails, so no stop_on_error abort skews the count. */
const HARMLESS_CODE = ["", "0", "// a comment and nothing else", "'fuzz'.length", "[1, 2, 3].map((x) => x * 2)"];

/**
 * Every signed execute_request that gets through costs a compile; a quarter of the signed messages
 * gives enough counted runs to be worth counting without slowing the suite much.
 */
const SIGNED_EXECUTE_SHARE = 0.25;

/**
 * Around the kernel's limit (512) and well past the depth at which recursive JSON handling in
 * Node runs out of stack (a few thousand).
 */
const NESTING_DEPTHS = [400, 600, 3000, 5000, 100_000];

const WRONG_VALUES: readonly unknown[] = [
  0,
  -1,
  1e308,
  true,
  false,
  null,
  [],
  [1, "2"],
  {},
  { nested: { deeper: [] } },
  "",
];

export class WireFuzzer {
  private readonly random: SeededRandom;
  private readonly wrongKey: Signer;
  private readonly signedTypes: string[];
  private readonly anyTypes: string[];
  private index = 0;

  constructor(
    seed: number,
    private readonly options: FuzzOptions,
  ) {
    this.random = new SeededRandom(seed);
    this.wrongKey = createSigner("hmac-sha256", "a-key-the-kernel-never-had");
    this.anyTypes = [...new Set<string>([...SHELL_TYPES, ...CONTROL_TYPES])];
    this.signedTypes = this.anyTypes.filter((type) => !NEVER_SIGNED.has(type) && type !== "execute_request");
  }

  /** The next message; `signed` alternates so that exactly half are correctly signed. */
  next(): HostileMessage {
    const index = this.index++;
    const signed = index % 2 === 0;
    const r = this.random;
    const channel: FuzzChannel = r.chance(0.5) ? "shell" : "control";
    const notes: string[] = [`#${index}`, signed ? "signed" : "unsigned", channel];

    const msgType = this.pickType(signed, notes);
    const header: Record<string, unknown> = {
      msg_id: r.hex(32),
      session: this.options.session,
      username: "fuzzer",
      date: "2024-01-01T00:00:00.000Z",
      msg_type: msgType,
      version: "5.3",
    };
    let headerBytes = this.json(this.mutateHeader(header, notes), "header", notes);
    const parentBytes = this.json(this.mutateSide(notes, "parent_header"), "parent_header", notes);
    let metadataBytes = this.json(this.mutateSide(notes, "metadata"), "metadata", notes);
    let contentBytes = this.json(this.mutateContent(this.content(msgType, signed), notes), "content", notes);
    const extra: Buffer[] = [];

    if (this.options.hugeAt.has(index)) {
      notes.push(`huge ${this.options.hugeBytes} B`);
      // Signed messages are obeyed, so their bulk goes where no handler reads it: a 50 MB cell
      // would be a test of the compiler, not of the wire.
      const place = signed ? r.int(2) : 2 + r.int(2);
      if (place === 0) extra.push(Buffer.alloc(this.options.hugeBytes, 0x5a));
      else if (place === 1) metadataBytes = paddedJson("pad", this.options.hugeBytes);
      else if (place === 2) contentBytes = paddedJson("code", this.options.hugeBytes);
      else headerBytes = Buffer.alloc(this.options.hugeBytes, 0x7b);
      notes.push(["as an extra buffer", "in metadata", "in content", "as a header of '{'s"][place]);
    }

    const parts = [headerBytes, parentBytes, metadataBytes, contentBytes];
    const signature = signed ? this.options.signer.sign(parts) : this.badSignature(parts, notes);
    let frames = [Buffer.from(DELIMITER), Buffer.from(signature, "utf8"), ...parts, ...extra];
    frames = this.mutateStructure(frames, notes);
    return { index, channel, signed, frames, description: notes.join(" ") };
  }

  private pickType(signed: boolean, notes: string[]): string {
    const r = this.random;
    if (r.chance(0.12)) {
      const names = ["", "__proto__", "constructor", "toString", "execute_reply", "status", `x_${r.hex(r.int(40))}`];
      const unknown = r.pick(names);
      notes.push(`unknown msg_type ${JSON.stringify(unknown)}`);
      return unknown;
    }
    // Unsigned messages lean towards execute_request: that is the one that would do harm.
    if (!signed) return r.chance(0.5) ? "execute_request" : r.pick(this.anyTypes);
    return r.chance(SIGNED_EXECUTE_SHARE) ? "execute_request" : r.pick(this.signedTypes);
  }

  private content(msgType: string, signed: boolean): Record<string, unknown> {
    const r = this.random;
    const code = signed ? (r.chance(0.5) ? this.options.countedCode : r.pick(HARMLESS_CODE)) : this.options.traceCode;
    switch (msgType) {
      case "execute_request":
        return {
          code,
          silent: r.chance(0.2),
          store_history: r.chance(0.8),
          // Unsigned requests also try the other door to running code.
          user_expressions: signed ? (r.chance(0.3) ? { two: "1 + 1" } : {}) : { pwn: this.options.traceExpression },
          allow_stdin: false,
          stop_on_error: r.chance(0.5),
        };
      case "complete_request":
      case "inspect_request":
        return { code, cursor_pos: r.int(code.length + 2), detail_level: r.int(2) };
      case "is_complete_request":
        return { code };
      case "history_request":
        return {
          hist_access_type: r.pick(["tail", "range", "search", "bogus"]),
          n: r.int(20),
          pattern: "*",
          output: r.chance(0.5),
          raw: true,
        };
      case "comm_open":
        return { comm_id: r.hex(32), target_name: r.pick(["jupyter.widget", "", "nobody"]), data: {} };
      case "comm_msg":
      case "comm_close":
        return { comm_id: r.hex(32), data: {} };
      case "shutdown_request":
        return { restart: r.chance(0.5) };
      default:
        return {};
    }
  }

  private mutateHeader(header: Record<string, unknown>, notes: string[]): unknown {
    const r = this.random;
    if (!r.chance(0.35)) return header;
    const how = r.int(6);
    if (how === 5) return withDeepField(header, r.pick(NESTING_DEPTHS), "header", notes);
    if (how === 0) {
      const field = r.pick(["msg_id", "msg_type", "session", "username", "date", "version"]);
      header[field] = r.pick(WRONG_VALUES);
      notes.push(`header.${field} = ${JSON.stringify(header[field])}`);
    } else if (how === 1) {
      const field = r.pick(["msg_id", "msg_type", "session"]);
      delete header[field];
      notes.push(`header without ${field}`);
    } else if (how === 2) {
      notes.push("header not an object");
      return r.pick([[], [header], "header", 42, null, true]);
    } else if (how === 3) {
      // Own keys named like prototype slots must stay plain data all the way to the main thread.
      notes.push("header with __proto__ and constructor keys");
      const poison = `"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}`;
      return JSON.parse(`{${poison},${JSON.stringify(header).slice(1)}`);
    } else {
      header.msg_type = r.pick(["x".repeat(2000), "EXECUTE_REQUEST", " execute_request", "execute_request\u0000"]);
      notes.push("header.msg_type odd string");
    }
    return header;
  }

  private mutateSide(notes: string[], name: string): unknown {
    const r = this.random;
    if (!r.chance(0.15)) return {};
    const value = r.pick<unknown>([
      [],
      null,
      "text",
      7,
      { msg_id: 5 },
      { msg_id: "not-ours", msg_type: "execute_request" },
    ]);
    notes.push(`${name} = ${JSON.stringify(value)}`);
    return value;
  }

  private mutateContent(content: Record<string, unknown>, notes: string[]): unknown {
    const r = this.random;
    if (!r.chance(0.35)) return content;
    const how = r.int(4);
    if (how === 0) {
      notes.push("content without its fields");
      return {};
    }
    if (how === 1) {
      for (const field of Object.keys(content)) if (r.chance(0.6)) content[field] = r.pick(WRONG_VALUES);
      notes.push(`content fields retyped ${JSON.stringify(content).slice(0, 120)}`);
      return content;
    }
    if (how === 2) {
      notes.push("content not an object");
      return r.pick<unknown>([[], ["code"], "code", 3, null, false]);
    }
    return withDeepField(content, r.pick(NESTING_DEPTHS), "content", notes);
  }

  /** JSON text for one of the signed frames, sometimes broken on the way. */
  private json(value: unknown, name: string, notes: string[]): Buffer {
    const r = this.random;
    const text = value instanceof RawJson ? value.text : (JSON.stringify(value) ?? "");
    if (!r.chance(0.12)) return Buffer.from(text, "utf8");
    const how = r.int(5);
    notes.push(`${name} ${["random bytes", "truncated JSON", "invalid UTF-8", "BOM first", "empty"][how]}`);
    if (how === 0) return r.bytes(r.int(200));
    if (how === 1) return Buffer.from(text.slice(0, r.int(Math.max(1, text.length - 1))), "utf8");
    if (how === 2) {
      const half = text.length >> 1;
      return Buffer.concat([
        Buffer.from(text.slice(0, half)),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from(text.slice(half)),
      ]);
    }
    if (how === 3) return Buffer.from(`\ufeff${text}`, "utf8");
    return Buffer.alloc(0);
  }

  private badSignature(parts: Buffer[], notes: string[]): string {
    const r = this.random;
    const genuine = this.options.signer.sign(parts);
    const how = r.int(8);
    const kinds = ["empty", "wrong key", "truncated", "random hex", "one digit too many", "upper case"];
    notes.push(`signature ${[...kinds, "random bytes", "of other frames"][how]}`);
    switch (how) {
      case 0:
        return "";
      case 1:
        return this.wrongKey.sign(parts);
      case 2:
        return genuine.slice(0, r.int(genuine.length));
      case 3:
        return r.hex(genuine.length);
      case 4:
        return `${genuine}0`;
      case 5:
        return genuine.toUpperCase();
      case 6:
        return r.bytes(genuine.length).toString("latin1");
      default:
        return this.options.signer.sign([...parts.slice(0, 3), Buffer.from(JSON.stringify({ other: r.hex(16) }))]);
    }
  }

  private mutateStructure(frames: Buffer[], notes: string[]): Buffer[] {
    const r = this.random;
    if (!r.chance(0.3)) return frames;
    const how = r.int(8);
    const kinds = [
      "no delimiter",
      "cut short",
      "random frames",
      "two delimiters",
      "fake routing identities",
      "extra buffers",
    ];
    notes.push([...kinds, "delimiter misspelt", "all frames empty"][how]);
    switch (how) {
      case 0:
        return frames.slice(1);
      case 1:
        return frames.slice(0, 1 + r.int(5));
      case 2:
        return Array.from({ length: 1 + r.int(10) }, () =>
          r.chance(0.1) ? Buffer.from(DELIMITER) : r.bytes(r.int(300)),
        );
      case 3:
        return [frames[0], ...frames];
      case 4:
        return [...Array.from({ length: 1 + r.int(4) }, () => r.bytes(1 + r.int(64))), ...frames];
      case 5:
        return [...frames, ...Array.from({ length: 1 + r.int(5) }, () => r.bytes(r.int(1000)))];
      case 6:
        return [Buffer.from(r.pick(["<ids|msg>", "<IDS|MSG> ", "<IDS|MSG", "IDS|MSG"])), ...frames.slice(1)];
      default:
        return frames.map(() => Buffer.alloc(0));
    }
  }
}

/** JSON text written by hand: JSON.stringify itself runs out of stack on what some of these hold. */
class RawJson {
  constructor(readonly text: string) {}
}

/** `value` with a field `deep` holding arrays nested `depth` levels. */
function withDeepField(value: Record<string, unknown>, depth: number, name: string, notes: string[]): RawJson {
  notes.push(`${name} nested ${depth} deep`);
  const body = JSON.stringify(value);
  return new RawJson(`{"deep":${"[".repeat(depth)}${"]".repeat(depth)}${body === "{}" ? "" : ","}${body.slice(1)}`);
}

/** `{"<field>":"zzz…"}`, `bytes` long in all. */
function paddedJson(field: string, bytes: number): Buffer {
  const head = Buffer.from(`{"${field}":"`);
  const tail = Buffer.from(`"}`);
  const out = Buffer.alloc(Math.max(bytes, head.length + tail.length), 0x7a);
  head.copy(out, 0);
  tail.copy(out, out.length - tail.length);
  return out;
}
