import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash } from "crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { join } from "path";
import { KernelSession, makeTempDir, onlyOfType, removeDir } from "./helpers";

/**
 * The kernel keeps V8's code cache for the TypeScript compiler in the user's cache folder
 * (XDG_CACHE_HOME). Whatever is found there, a kernel must start and check cells as it always does:
 * a damaged cache only costs time.
 */
describe("the code cache on disk", () => {
  let cacheHome: string;
  let notebookDir: string;

  beforeAll(async () => {
    cacheHome = await makeTempDir("cache-home");
    notebookDir = await makeTempDir("code-cache");
  });
  afterAll(async () => {
    await removeDir(cacheHome);
    await removeDir(notebookDir);
  });

  const cacheFiles = (): string[] =>
    readdirSync(cacheHome, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".cache"))
      .map((name) => join(cacheHome, name));

  /** A fresh kernel on this cache: a typed value, and a type error reported as a type error. */
  async function startAndCheck(): Promise<void> {
    const session = await KernelSession.start({ cwd: notebookDir, env: { XDG_CACHE_HOME: cacheHome } });
    try {
      expect(await session.value("const x: number = 1; x + 1")).toBe("2");
      const exchange = await session.execute("const y: string = 2;");
      expect(onlyOfType(exchange.iopub, "error").content).toMatchObject({ ename: "TSError" });
      expect(String(onlyOfType(exchange.iopub, "error").content.evalue)).toContain("not assignable to type 'string'");
    } finally {
      await session.stop();
    }
  }

  it("is written by the first kernel, in a folder only its user can enter", async () => {
    await startAndCheck();
    const files = cacheFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(statSync(join(file, "..")).mode & 0o777).toBe(0o700);
    }
  });

  it("is ignored when its bytes are damaged", async () => {
    for (const file of cacheFiles()) {
      const bytes = readFileSync(file);
      for (let i = bytes.length >> 1; i < bytes.length; i += 997) bytes[i] ^= 0x5a;
      writeFileSync(file, bytes);
    }
    await startAndCheck();
  });

  it("is refused by V8 when it is whole but not V8's", async () => {
    for (const file of cacheFiles()) {
      const bytes = readFileSync(file);
      const header = bytes.subarray(0, bytes.indexOf("\n") + 1);
      const garbage = Buffer.alloc(64 * 1024, 0x42);
      writeFileSync(file, Buffer.concat([header, createHash("sha256").update(garbage).digest(), garbage]));
    }
    await startAndCheck();
  });

  it("is ignored when its folder is open to other users", async () => {
    const folder = join(cacheFiles()[0], "..");
    const { chmodSync } = await import("fs");
    chmodSync(folder, 0o777);
    await startAndCheck();
  });
});
