import { existsSync } from "fs";
import { resolve } from "path";

/**
 * The bench measures the kernel as `npm run build` emits it, not the copy of the shared client code
 * compiled beside the bench. The bench runs from dist-bench/bench/, two folders below the package root.
 */
const PRODUCT_DIR = resolve(__dirname, "..", "..", "dist");

/** A file of the built kernel, by its path inside dist/. */
export function builtFile(pathInDist: string): string {
  const file = resolve(PRODUCT_DIR, pathInDist);
  if (!existsSync(file)) throw new Error(`${file} not found; run "npm run build" first`);
  return file;
}
