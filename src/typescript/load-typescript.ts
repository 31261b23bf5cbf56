/** Which TypeScript checks cells: the one tslab's converter loads. */
import { readFileSync } from "fs";
import * as path from "path";

/** Its version, read without loading the compiler (for `kernel_info`, answered before it loads). */
export function typescriptVersion(): string {
  const tslabDir = path.dirname(require.resolve("tslab/package.json"));
  const packageJson = require.resolve("@tslab/typescript-for-tslab/package.json", { paths: [tslabDir] });
  return (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
}
