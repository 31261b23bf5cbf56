import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  FAILURE_RETRY_MS,
  LOCK_STALE_MS,
  markFailed,
  pruneUnusedSnapshots,
  readSnapshot,
  recentFailure,
  SnapshotKey,
  snapshotPaths,
  takeLock,
  writeManifest,
} from "../../src/typescript/snapshot-store";

let scratch: string;
beforeEach(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-store-test-"))));
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

const key: SnapshotKey = {
  node: "v20.20.2",
  abi: "115",
  arch: "x64",
  packageVersion: "0.1.0",
  typescript: "5.9.3",
  flags: ["--max-semi-space-size=1"],
  install: "/opt/kernel",
};

/** A blob and a baked file, recorded in a manifest as a build would leave them. */
function built(k = key) {
  const paths = snapshotPaths(scratch, k);
  const baked = path.join(scratch, "lib.d.ts");
  fs.writeFileSync(baked, "declare const x: number;");
  fs.writeFileSync(paths.blob, "blob bytes");
  writeManifest(paths, k, [baked]);
  return { paths, baked };
}

describe("snapshotPaths", () => {
  it("names the blob after every part of the key", () => {
    const names = new Set<string>();
    names.add(snapshotPaths(scratch, key).blob);
    for (const change of [
      { node: "v20.20.3" },
      { abi: "116" },
      { arch: "arm64" },
      { packageVersion: "0.2.0" },
      { typescript: "5.9.4" },
      { flags: [] },
      { install: "/home/me/kernel" },
    ]) {
      names.add(snapshotPaths(scratch, { ...key, ...change }).blob);
    }
    expect(names.size).toBe(8);
    expect(path.dirname(snapshotPaths(scratch, key).blob)).toBe(scratch);
  });
});

describe("readSnapshot", () => {
  it("finds nothing in an empty folder", () => {
    expect(readSnapshot(snapshotPaths(scratch, key), key)).toEqual({ kind: "missing" });
  });

  it("gives a blob whose manifest still holds", () => {
    const { paths } = built();
    expect(readSnapshot(paths, key)).toEqual({ kind: "ready", blob: paths.blob });
  });

  it("refuses and deletes a blob when a file baked into it has changed", () => {
    const { paths, baked } = built();
    fs.writeFileSync(baked, "declare const x: string;");
    expect(readSnapshot(paths, key)).toMatchObject({ kind: "stale", reason: expect.stringContaining(baked) });
    expect(fs.existsSync(paths.blob)).toBe(false);
    expect(fs.existsSync(paths.manifest)).toBe(false);
  });

  it("refuses a blob when a baked file is gone", () => {
    const { paths, baked } = built();
    fs.rmSync(baked);
    expect(readSnapshot(paths, key).kind).toBe("stale");
  });

  it("refuses a blob that is not the one its manifest describes", () => {
    const { paths } = built();
    fs.writeFileSync(paths.blob, "other, longer blob bytes");
    expect(readSnapshot(paths, key)).toMatchObject({ kind: "stale", reason: expect.stringContaining("blob") });
    expect(fs.existsSync(paths.blob)).toBe(false);
  });

  it("refuses a manifest written for another key, or not JSON, or without its blob", () => {
    const { paths } = built();
    const manifest = JSON.parse(fs.readFileSync(paths.manifest, "utf8")) as { key: SnapshotKey };
    manifest.key.node = "v22.0.0";
    fs.writeFileSync(paths.manifest, JSON.stringify(manifest));
    expect(readSnapshot(paths, key).kind).toBe("stale");

    built();
    fs.writeFileSync(paths.manifest, "{ not json");
    expect(readSnapshot(paths, key)).toMatchObject({ kind: "stale", reason: "the manifest is not JSON" });

    built();
    fs.rmSync(paths.blob);
    expect(readSnapshot(paths, key)).toMatchObject({ kind: "stale", reason: "the manifest has no blob" });
    expect(fs.existsSync(paths.manifest)).toBe(false);
  });

  it("refuses a blob without a manifest (a build that died between the two)", () => {
    const paths = snapshotPaths(scratch, key);
    fs.writeFileSync(paths.blob, "blob bytes");
    expect(readSnapshot(paths, key)).toMatchObject({ kind: "stale", reason: "the blob has no manifest" });
    expect(fs.existsSync(paths.blob)).toBe(false);
  });
});

describe("failure marker", () => {
  it("deletes the blob and keeps the next attempts off for a while", () => {
    const { paths } = built();
    expect(recentFailure(paths)).toBeUndefined();
    markFailed(paths, "it would not start");
    expect(fs.existsSync(paths.blob)).toBe(false);
    expect(recentFailure(paths)).toContain("it would not start");
    expect(recentFailure(paths, Date.now() + FAILURE_RETRY_MS + 1000)).toBeUndefined();
  });
});

describe("takeLock", () => {
  it("lets one builder in at a time", () => {
    const paths = snapshotPaths(scratch, key);
    const release = takeLock(paths);
    expect(release).toBeDefined();
    expect(takeLock(paths)).toBeUndefined();
    release!();
    expect(takeLock(paths)).toBeDefined();
  });

  it("takes over a lock whose builder has died, or that is old", () => {
    const paths = snapshotPaths(scratch, key);
    // Beyond pid_max: no such process.
    fs.writeFileSync(paths.lock, "4194305");
    expect(takeLock(paths)).toBeDefined();

    fs.writeFileSync(paths.lock, String(process.pid));
    expect(takeLock(paths)).toBeUndefined();
    expect(takeLock(paths, Date.now() + LOCK_STALE_MS + 1000)).toBeDefined();
  });
});

describe("pruneUnusedSnapshots", () => {
  const DAY = 24 * 60 * 60 * 1000;
  /** Sets a file's access and modification times to `daysAgo` days before `now`. */
  const age = (file: string, now: number, daysAgo: number) => {
    const at = new Date(now - daysAgo * DAY);
    fs.utimesSync(file, at, at);
  };

  it("removes other installs' blobs unused for two weeks, with their manifests, and keeps the rest", () => {
    const now = Date.now();
    const current = built();
    const old = built({ ...key, install: "/opt/old-kernel" });
    const recent = built({ ...key, install: "/opt/other-kernel" });
    fs.writeFileSync(old.paths.failed, "an old failure");
    age(old.paths.blob, now, 20);
    age(recent.paths.blob, now, 3);
    age(current.paths.blob, now, 30);
    const unrelated = path.join(scratch, "typescript.js-0123.cache");
    fs.writeFileSync(unrelated, "code cache");
    age(unrelated, now, 30);

    expect(pruneUnusedSnapshots(current.paths, now)).toEqual([old.paths.blob]);
    for (const file of [old.paths.blob, old.paths.manifest, old.paths.failed]) expect(fs.existsSync(file)).toBe(false);
    for (const file of [
      recent.paths.blob,
      recent.paths.manifest,
      current.paths.blob,
      current.paths.manifest,
      unrelated,
    ])
      expect(fs.existsSync(file)).toBe(true);
  });

  it("counts a recent start (access time) as use, though the blob was built long ago", () => {
    const now = Date.now();
    const current = built();
    const other = built({ ...key, install: "/opt/other-kernel" });
    fs.utimesSync(other.paths.blob, new Date(now - DAY), new Date(now - 60 * DAY));
    expect(pruneUnusedSnapshots(current.paths, now)).toEqual([]);
    expect(fs.existsSync(other.paths.blob)).toBe(true);
  });
});
