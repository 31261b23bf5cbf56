import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as ts from "@tslab/typescript-for-tslab";
import { FileSystemHost, mapDirectory, resolvedTypesDir } from "../../src/typescript/node-types";

/** A fresh copy of the compiler's file-system host, so the mapping does not leak into other tests. */
function host(): FileSystemHost {
  return Object.create(ts.sys) as FileSystemHost;
}

describe("mapDirectory: tslab's fallback type root when npm hoisted @types/node away", () => {
  const fake = mkdtempSync(path.join(tmpdir(), "tsck-types-"));
  const virtual = path.join(fake, "node_modules", "tslab", "node_modules", "@types");
  afterAll(() => rmSync(fake, { recursive: true, force: true }));

  it("finds the package's own @types/node", () => {
    const real = resolvedTypesDir();
    expect(real).toBeDefined();
  });

  it("serves @types/node under the missing folder", () => {
    const h = host();
    expect(h.fileExists(path.join(virtual, "node", "package.json"))).toBe(false);
    mapDirectory(h, virtual, resolvedTypesDir()!);
    expect(h.directoryExists(virtual)).toBe(true);
    expect(h.getDirectories(virtual)).toContain("node");
    expect(h.fileExists(path.join(virtual, "node", "index.d.ts"))).toBe(true);
    expect(h.readFile(path.join(virtual, "node", "globals.d.ts"))).toMatch(/console/);
    const listed = h.readDirectory(path.join(virtual, "node"), [".d.ts"], undefined, undefined, 1);
    expect(listed.every((f) => f.startsWith(virtual.replace(/\\/g, "/")))).toBe(true);
    expect(h.realpath!(path.join(virtual, "node", "index.d.ts"))).toBe(path.join(virtual, "node", "index.d.ts"));
  });

  it("leaves every other path alone", () => {
    const h = host();
    mapDirectory(h, virtual, resolvedTypesDir()!);
    expect(h.fileExists(path.join(fake, "nothing-here.ts"))).toBe(false);
    expect(h.fileExists(__filename)).toBe(true);
  });
});
