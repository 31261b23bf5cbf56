import * as fs from "fs";
import * as path from "path";

function readVersion(packageJson: string): string {
  return (JSON.parse(fs.readFileSync(packageJson, "utf8")) as { version: string }).version;
}

/** This package's version, read from its package.json (two levels above dist/shared/). */
export function kernelVersion(): string {
  return readVersion(path.join(__dirname, "..", "..", "package.json"));
}
