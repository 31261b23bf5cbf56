/**
 * V8 keeps a script's source text for as long as its functions live, and stores the whole text
 * with two bytes per character as soon as one character needs more than one. The TypeScript
 * compiler's 8 MB source has four typographic apostrophes, all in comments, so it held 16 MB of
 * the compiler thread's heap. Loaded with every such character written as a `\u` escape (the same
 * value in strings and regular expressions, nothing in comments) it holds 8 MB.
 */
import { readFileSync } from "fs";
import Module, { createRequire } from "module";
import { dirname } from "path";
import { compileFunction } from "vm";
import type { CodeCache } from "../shared/code-cache";
import { escapeNonAscii } from "./one-byte-text";

export { escapeNonAscii } from "./one-byte-text";

const WRAPPER_PARAMS = ["exports", "require", "module", "__filename", "__dirname"];

/** Loads a CommonJS module as one-byte text; through `codeCache`, when given, to skip most of compiling it. */
export function requireOneByte(modulePath: string, codeCache?: CodeCache): unknown {
  const cached = require.cache[modulePath];
  if (cached) return cached.exports;
  // One latin1 decoding of ASCII bytes: no two-byte copy of the text is ever made, not even as garbage.
  const source = escapeNonAscii(readFileSync(modulePath)).toString("latin1");
  const loaded = new Module(modulePath, module);
  loaded.filename = modulePath;
  const body: (...args: unknown[]) => unknown = codeCache
    ? codeCache.compileFunction(source, modulePath, WRAPPER_PARAMS)
    : (compileFunction(source, WRAPPER_PARAMS, { filename: modulePath }) as (...args: unknown[]) => unknown);
  body.call(loaded.exports, loaded.exports, createRequire(modulePath), loaded, modulePath, dirname(modulePath));
  loaded.loaded = true;
  require.cache[modulePath] = loaded;
  return loaded.exports;
}
