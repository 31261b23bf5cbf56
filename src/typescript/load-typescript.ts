/** The TypeScript compiler cells are checked with: the `typescript` this package depends on. */
import { readFileSync } from "fs";
import type * as TS from "typescript";
import { requireOneByte } from "./one-byte-module";
import type { CodeCache } from "../shared/code-cache";

export function loadTypeScript(codeCache?: CodeCache): typeof TS {
  return requireOneByte(require.resolve("typescript"), codeCache) as typeof TS;
}

/** Its version, read without loading the compiler (for `kernel_info`, answered before it loads). */
export function typescriptVersion(): string {
  const packageJson = readFileSync(require.resolve("typescript/package.json"), "utf8");
  return (JSON.parse(packageJson) as { version: string }).version;
}
