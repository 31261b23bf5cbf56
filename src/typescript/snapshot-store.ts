/**
 * Where the compiler's startup snapshot lives and whether it may be used (issue 12). The blob is
 * in the per-user cache folder (shared/cache-dir.ts, already one per Node version, ABI and package
 * version), named after a key that also holds the architecture, the TypeScript version, the V8
 * flags and where this package is installed: a blob bakes in absolute paths and parsed files.
 * Beside it, a manifest records the key, the blob's own size and time, and the size and time of
 * every file baked into it (modules and declaration files).
 *
 * A blob may only make start-up faster, never an answer wrong: a missing manifest, a manifest that
 * does not describe this blob, or a baked file that changed since, makes the blob unusable, and
 * it is deleted so that the next build replaces it. The compiler then starts on its thread.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export interface SnapshotKey {
  node: string;
  abi: string;
  arch: string;
  packageVersion: string;
  typescript: string;
  flags: string[];
  /** Where the package is installed (its real path). */
  install: string;
}

export interface SnapshotPaths {
  blob: string;
  manifest: string;
  /** Held by the one kernel building the blob. */
  lock: string;
  /** Written when a build or a blob failed, so that none is tried again soon. */
  failed: string;
  /** The builder's working folder (a converter is made for it while building). */
  work: string;
}

interface BakedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

interface Manifest {
  key: SnapshotKey;
  blob: { size: number; mtimeMs: number };
  files: BakedFile[];
}

export type SnapshotState = { kind: "ready"; blob: string } | { kind: "missing" } | { kind: "stale"; reason: string };

/** How long a failed build or blob keeps the next kernels from trying again. */
export const FAILURE_RETRY_MS = 60 * 60 * 1000;
/** A lock older than this belongs to a build that died without removing it. */
export const LOCK_STALE_MS = 2 * 60 * 1000;
/** A blob of another install that no kernel has started from (nor built) for this long is removed. */
export const UNUSED_SNAPSHOT_MS = 14 * 24 * 60 * 60 * 1000;

const SNAPSHOT_FILE = /^(compiler-snapshot-.+)\.blob$/;

export function snapshotPaths(cacheDir: string, key: SnapshotKey): SnapshotPaths {
  const id = createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 16);
  const base = path.join(cacheDir, `compiler-snapshot-${key.arch}-ts${key.typescript}-${id}`);
  return {
    blob: `${base}.blob`,
    manifest: `${base}.json`,
    lock: `${base}.lock`,
    failed: `${base}.failed`,
    work: path.join(cacheDir, "snapshot-work"),
  };
}

const statOf = (file: string) => fs.statSync(file, { throwIfNoEntry: false });

/** Whether the blob may be used; an unusable one is deleted on the way. Never throws. */
export function readSnapshot(paths: SnapshotPaths, key: SnapshotKey): SnapshotState {
  const blob = statOf(paths.blob);
  const manifestText = readText(paths.manifest);
  if (!blob && manifestText === undefined) return { kind: "missing" };
  const reason = problem(blob, manifestText, key);
  if (!reason) return { kind: "ready", blob: paths.blob };
  removeSnapshot(paths);
  return { kind: "stale", reason };
}

function problem(blob: fs.Stats | undefined, manifestText: string | undefined, key: SnapshotKey): string | undefined {
  if (!blob) return "the manifest has no blob";
  if (manifestText === undefined) return "the blob has no manifest";
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestText) as Manifest;
  } catch {
    return "the manifest is not JSON";
  }
  if (JSON.stringify(manifest.key) !== JSON.stringify(key)) return "it was built for another Node, package or flags";
  if (manifest.blob?.size !== blob.size || manifest.blob.mtimeMs !== blob.mtimeMs) {
    return "the blob is not the one the manifest describes";
  }
  if (!Array.isArray(manifest.files) || manifest.files.length === 0) return "the manifest lists no files";
  for (const file of manifest.files) {
    const now = statOf(file.path);
    if (!now || now.size !== file.size || now.mtimeMs !== file.mtimeMs)
      return `${file.path} changed since it was built`;
  }
  return undefined;
}

/**
 * Records a blob just moved into place, and the files baked into it. Written whole and renamed
 * into place, after the blob: a reader never sees a manifest for a blob that is not there yet.
 */
export function writeManifest(paths: SnapshotPaths, key: SnapshotKey, bakedFiles: readonly string[]): void {
  const blob = fs.statSync(paths.blob);
  const files = [...new Set(bakedFiles)].map((file) => {
    const stat = fs.statSync(file);
    return { path: file, size: stat.size, mtimeMs: stat.mtimeMs };
  });
  const manifest: Manifest = { key, blob: { size: blob.size, mtimeMs: blob.mtimeMs }, files };
  const partial = `${paths.manifest}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(manifest), { mode: 0o600 });
  fs.renameSync(partial, paths.manifest);
}

export function removeSnapshot(paths: SnapshotPaths): void {
  for (const file of [paths.manifest, paths.blob]) fs.rmSync(file, { force: true });
}

/**
 * Removes the blobs (and manifests) of other installs of this version in the same folder that no
 * kernel has started from for `unusedMs`: each install path gets a blob of its own (~22 MB), and
 * nothing else would ever remove one whose install has gone. Starting a kernel reads its blob, so
 * its access time says when it was last used (or, where the file system keeps no access times, its
 * build does: such a blob is rebuilt once in a while, which costs a build, never an answer).
 * Returns the blobs removed.
 */
export function pruneUnusedSnapshots(keep: SnapshotPaths, now = Date.now(), unusedMs = UNUSED_SNAPSHOT_MS): string[] {
  const dir = path.dirname(keep.blob);
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = SNAPSHOT_FILE.exec(name);
    const blob = path.join(dir, name);
    if (!match || blob === keep.blob) continue;
    const stat = statOf(blob);
    if (!stat || now - Math.max(stat.atimeMs, stat.mtimeMs) < unusedMs) continue;
    for (const file of [blob, path.join(dir, `${match[1]}.json`), path.join(dir, `${match[1]}.failed`)]) {
      fs.rmSync(file, { force: true });
    }
    removed.push(blob);
  }
  return removed;
}

/** A blob that would not start, or a build that failed: deleted and remembered, so it is not retried soon. */
export function markFailed(paths: SnapshotPaths, reason: string): void {
  removeSnapshot(paths);
  try {
    fs.writeFileSync(paths.failed, `${new Date().toISOString()} ${reason}\n`, { mode: 0o600 });
  } catch {
    // Without the marker the next kernel only tries again.
  }
}

export function clearFailure(paths: SnapshotPaths): void {
  fs.rmSync(paths.failed, { force: true });
}

/** Why the last attempt failed, while that was less than `FAILURE_RETRY_MS` ago. */
export function recentFailure(paths: SnapshotPaths, now = Date.now()): string | undefined {
  const stat = statOf(paths.failed);
  if (!stat || now - stat.mtimeMs >= FAILURE_RETRY_MS) return undefined;
  return readText(paths.failed)?.trim() ?? "unknown";
}

/**
 * Takes the build lock, so that a room of kernels started together builds the blob once; returns
 * its release, or undefined when another live build holds it. A lock left by a build that died is
 * taken over.
 */
export function takeLock(paths: SnapshotPaths, now = Date.now()): (() => void) | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(paths.lock, String(process.pid), { flag: "wx", mode: 0o600 });
      return () => fs.rmSync(paths.lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !lockAbandoned(paths.lock, now)) return undefined;
      fs.rmSync(paths.lock, { force: true });
    }
  }
  return undefined;
}

function lockAbandoned(lock: string, now: number): boolean {
  const stat = statOf(lock);
  if (!stat) return true;
  if (now - stat.mtimeMs >= LOCK_STALE_MS) return true;
  const pid = Number(readText(lock));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
