/**
 * V8 keeps a script's source text for as long as its functions live, and stores the whole text
 * with two bytes per character as soon as one character needs more than one. The TypeScript
 * compiler's 8 MB source has four typographic apostrophes, all in comments, so it held 16 MB of
 * the compiler thread's heap. Loaded with every such character written as a `\u` escape (the same
 * value in strings and regular expressions, nothing in comments) it holds 8 MB.
 */
import { readFileSync } from "fs";
import { createRequire, Module } from "module";
import { dirname } from "path";
import { compileFunction } from "vm";

export function requireOneByte(modulePath: string): unknown {
  const cached = require.cache[modulePath];
  if (cached) return cached.exports;
  // One latin1 decoding of ASCII bytes: no two-byte copy of the text is ever made, not even as garbage.
  const source = escapeNonAscii(readFileSync(modulePath)).toString("latin1");
  const loaded = new Module(modulePath, module);
  loaded.filename = modulePath;
  const body = compileFunction(source, ["exports", "require", "module", "__filename", "__dirname"], {
    filename: modulePath,
  });
  body.call(loaded.exports, loaded.exports, createRequire(modulePath), loaded, modulePath, dirname(modulePath));
  loaded.loaded = true;
  require.cache[modulePath] = loaded;
  return loaded.exports;
}

/** UTF-8 text with every character beyond ASCII written as `\u` escapes of its UTF-16 code units. */
export function escapeNonAscii(utf8: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < utf8.length;) {
    const b = utf8[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    const text = utf8.toString("utf8", i, i + length);
    let escapes = "";
    for (let k = 0; k < text.length; k++) escapes += `\\u${text.charCodeAt(k).toString(16).padStart(4, "0")}`;
    parts.push(utf8.subarray(from, i), Buffer.from(escapes, "latin1"));
    i += length;
    from = i;
  }
  if (parts.length === 0) return utf8;
  parts.push(utf8.subarray(from));
  return Buffer.concat(parts);
}
