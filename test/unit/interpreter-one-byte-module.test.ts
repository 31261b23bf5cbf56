import { afterAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { escapeNonAscii, requireOneByte } from "../../src/typescript/one-byte-module";

describe("loading a module as one-byte text", () => {
  const dir = mkdtempSync(join(tmpdir(), "one-byte-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes every character beyond ASCII as \\u escapes of its UTF-16 units", () => {
    const out = escapeNonAscii(Buffer.from("a’b é 😀 z")).toString("latin1");
    expect(out).toBe("a\\u2019b \\u00e9 \\ud83d\\ude00 z");
    expect([...out].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    const ascii = Buffer.from("plain text");
    expect(escapeNonAscii(ascii)).toBe(ascii);
  });

  it("gives a module the same values, its own require and module", () => {
    const file = join(dir, "mod.js");
    writeFileSync(
      file,
      [
        "// a comment with typographic quotes: ‘don’t’",
        "const path = require('path');",
        "exports.text = 'café ☕';",
        "exports.pattern = /[é]/.test('é');",
        "exports.name = path.basename(__filename);",
        "module.exports.self = module.id;",
      ].join("\n"),
    );
    const loaded = requireOneByte(file) as Record<string, unknown>;
    expect(loaded).toEqual({ text: "café ☕", pattern: true, name: "mod.js", self: file });
  });
});
