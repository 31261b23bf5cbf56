/**
 * V8's code cache for scripts the kernel compiles itself (the TypeScript compiler, loaded as
 * one-byte text, never passes through Node's module loader and so never through Node's own
 * compile cache). A script is compiled with the bytes cached for it, if any; once the caller has
 * used it (the first program built), `save` writes what V8 has compiled by then, lazily compiled
 * functions included, for the next start.
 *
 * A cache may only make start-up slower, never wrong. V8 checks its own version and flags but, in
 * release builds, neither the payload's checksum nor the source beyond its length, so each file is
 * named after a hash of the source and carries a hash of its payload; a file that fails either is
 * ignored. Files are written whole and renamed into place, so kernels starting together never read
 * half a file.
 */
import { createHash, randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Script } from "vm";

const MAGIC = Buffer.from("tsck-v8-code-cache\n");
const DIGEST_BYTES = 32;

export type CodeCacheOutcome = "used" | "missing" | "rejected" | "off";

export interface CodeCache {
  /**
   * Compiles `source` as the body of a function taking `params` (as Node wraps a CommonJS module)
   * and returns that function, using cached code when there is a valid cache for this exact source.
   */
  compileFunction(source: string, filename: string, params: readonly string[]): (...args: unknown[]) => unknown;
  /** Writes the cache of every script compiled without a usable one. Never throws. */
  save(): void;
  /** How each script compiled so far fared, by file name. */
  readonly outcomes: ReadonlyMap<string, CodeCacheOutcome>;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest();

/** A code cache in `dir`, or one that caches nothing when `dir` is undefined. */
export function openCodeCache(dir: string | undefined, log: (line: string) => void): CodeCache {
  const outcomes = new Map<string, CodeCacheOutcome>();
  const unsaved: { file: string; script: Script }[] = [];
  return {
    outcomes,
    compileFunction(source, filename, params) {
      const file = dir && path.join(dir, `${path.basename(filename)}-${sha256(source).toString("hex", 0, 16)}.cache`);
      const cachedData = file ? readPayload(file) : undefined;
      // On the same line as the source's first, so stack traces keep their line numbers.
      const wrapped = `(function (${params.join(", ")}) {${source}\n})`;
      const script = new Script(wrapped, { filename, cachedData });
      const outcome: CodeCacheOutcome = !file
        ? "off"
        : !cachedData
          ? "missing"
          : script.cachedDataRejected
            ? "rejected"
            : "used";
      outcomes.set(filename, outcome);
      if (file && outcome !== "used") unsaved.push({ file, script });
      return script.runInThisContext() as (...args: unknown[]) => unknown;
    },
    save() {
      for (const { file, script } of unsaved.splice(0)) {
        try {
          writeWhole(file, script.createCachedData());
        } catch (e) {
          log(`code cache not written: ${file}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    },
  };
}

function readPayload(file: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const header = MAGIC.length + DIGEST_BYTES;
  if (data.length <= header || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const payload = data.subarray(header);
  return sha256(payload).equals(data.subarray(MAGIC.length, header)) ? payload : undefined;
}

function writeWhole(file: string, payload: Buffer): void {
  const partial = `${file}.${randomUUID()}.partial`;
  try {
    fs.writeFileSync(partial, Buffer.concat([MAGIC, sha256(payload), payload]), { mode: 0o600 });
    fs.renameSync(partial, file);
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
