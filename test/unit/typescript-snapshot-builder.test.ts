import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildSnapshot } from "../../src/typescript/snapshot-builder";
import { recentFailure, SnapshotKey, snapshotPaths, takeLock } from "../../src/typescript/snapshot-store";

let scratch: string;
beforeEach(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-builder-test-"))));
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

const key: SnapshotKey = {
  node: process.version,
  abi: process.versions.modules,
  arch: process.arch,
  packageVersion: "0.1.0",
  typescript: "5.9.3",
  flags: [],
  install: "/opt/kernel",
};

/** A snapshot entry that fails as a broken install would: node --build-snapshot ends with an error. */
function failingEntry(): string {
  const entry = path.join(scratch, "entry.js");
  fs.writeFileSync(entry, 'throw new Error("cannot load the compiler");\n');
  return entry;
}

describe("buildSnapshot", () => {
  it("marks a failed build, says why once, and does not try again soon", async () => {
    const paths = snapshotPaths(scratch, key);
    const logged: string[] = [];
    const first = buildSnapshot(paths, key, (line) => logged.push(line), { entry: failingEntry() });
    expect(await first.done).toBe("failed");
    expect(recentFailure(paths)).toContain("cannot load the compiler");
    expect(logged).toHaveLength(1);
    expect(fs.existsSync(paths.blob)).toBe(false);
    expect(fs.existsSync(paths.lock)).toBe(false);

    const second = buildSnapshot(paths, key, (line) => logged.push(line), { entry: failingEntry() });
    expect(await second.done).toBe("skipped");
    expect(logged).toHaveLength(1);
  });

  it("leaves the build to the kernel holding the lock", async () => {
    const paths = snapshotPaths(scratch, key);
    const release = takeLock(paths)!;
    try {
      expect(await buildSnapshot(paths, key, () => undefined, { entry: failingEntry() }).done).toBe("skipped");
      expect(recentFailure(paths)).toBeUndefined();
    } finally {
      release();
    }
  });

  it("is only stopped, not failed, when its kernel stops it or a signal ends it, and clears what dead builds left", async () => {
    const paths = snapshotPaths(scratch, key);
    const leftover = `${paths.blob}.12345.partial`;
    fs.writeFileSync(leftover, "half a blob");
    const entry = path.join(scratch, "slow-entry.js");
    fs.writeFileSync(entry, "setInterval(() => {}, 60000);\n");

    const stopped = buildSnapshot(paths, key, () => undefined, { entry });
    expect(fs.existsSync(leftover)).toBe(false);
    await stopped.stop();
    expect(await stopped.done).toBe("skipped");
    expect(recentFailure(paths)).toBeUndefined();
    expect(fs.existsSync(paths.lock)).toBe(false);
  });
});
