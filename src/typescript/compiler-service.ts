/**
 * Chooses how the kernel's compiler starts (issue 12) and keeps its startup snapshot coming:
 * - a usable blob in the user's cache (snapshot-store.ts): a compiler process started from it,
 *   which answers its first cell in tens of milliseconds; if it is not ready in time or dies before
 *   it is, the blob is forgotten and the compiler thread takes over the waiting requests;
 * - otherwise the compiler thread, which loads TypeScript afresh; once the kernel has given its
 *   first result, a low-priority child builds the blob (snapshot-builder.ts) for the next kernels.
 * Without a usable cache folder, or with the snapshot switched off, the thread, as before.
 */
import * as fs from "fs";
import * as path from "path";
import { defaultCacheDirSetting, openCacheDir } from "../shared/cache-dir";
import { kernelVersion } from "../shared/versions";
import { TypeScriptCompiler, CompilerStart } from "./compiler";
import { openCompilerThread } from "./compiler-port";
import { openCompilerProcess, SNAPSHOT_NODE_FLAGS } from "./compiler-process-port";
import { typescriptVersion } from "./load-typescript";
import { BuildOutcome, buildSnapshot, SnapshotBuild } from "./snapshot-builder";
import { clearFailure, markFailed, readSnapshot, SnapshotKey, SnapshotPaths, snapshotPaths } from "./snapshot-store";

export interface CompilerServiceOptions {
  /** Start from, and build, the startup snapshot (the kernel process turns it off by environment). */
  snapshot: boolean;
  log: (line: string) => void;
  /**
   * How long the snapshot's process may take to say it is ready. Measured ready in ~0.2 s alone and
   * under 2 s with eight kernels starting on two cores; the thread would take longer still.
   */
  readyTimeoutMs?: number;
  /** How long after the first result the build starts, so it does not compete with that result. */
  buildDelayMs?: number;
}

const READY_TIMEOUT_MS = 5000;
const BUILD_DELAY_MS = 1000;

/** What a blob must have been built for to serve this kernel. */
export function currentSnapshotKey(): SnapshotKey {
  return {
    node: process.version,
    abi: process.versions.modules,
    arch: process.arch,
    packageVersion: kernelVersion(),
    typescript: typescriptVersion(),
    flags: SNAPSHOT_NODE_FLAGS,
    install: fs.realpathSync(path.join(__dirname, "..", "..")),
  };
}

export class CompilerService extends TypeScriptCompiler {
  private build: SnapshotBuild | undefined;
  private buildTimer: NodeJS.Timeout | undefined;

  constructor(
    starts: CompilerStart[],
    /** Where to build the blob after the first result; undefined when there is nothing to build. */
    private readonly toBuild:
      { paths: SnapshotPaths; key: SnapshotKey; log: (line: string) => void; delayMs: number } | undefined,
  ) {
    super(starts);
  }

  override async convert(declarations: string, code: string) {
    try {
      return await super.convert(declarations, code);
    } finally {
      this.scheduleBuild();
    }
  }

  override async close(): Promise<void> {
    clearTimeout(this.buildTimer);
    await Promise.all([this.build?.stop(), super.close()]);
  }

  /** The background build, once started. */
  get snapshotBuild(): Promise<BuildOutcome> | undefined {
    return this.build?.done;
  }

  private scheduleBuild(): void {
    const plan = this.toBuild;
    if (!plan || this.buildTimer) return;
    this.buildTimer = setTimeout(() => {
      this.build = buildSnapshot(plan.paths, plan.key, plan.log);
    }, plan.delayMs);
    this.buildTimer.unref();
  }
}

export function createCompilerService(options: CompilerServiceOptions): CompilerService {
  const thread: CompilerStart = { open: openCompilerThread };
  if (!options.snapshot) return new CompilerService([thread], undefined);
  const cacheDir = openCacheDir(defaultCacheDirSetting(kernelVersion(), options.log));
  if (!cacheDir) return new CompilerService([thread], undefined);
  const key = currentSnapshotKey();
  const paths = snapshotPaths(cacheDir, key);
  const state = readSnapshot(paths, key);
  if (state.kind === "ready") {
    const fromSnapshot: CompilerStart = {
      open: openCompilerProcess(state.blob),
      readyTimeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
      onFailed: (reason) => {
        options.log(`compiler snapshot given up, the compiler thread takes over: ${reason.message}`);
        markFailed(paths, reason.message);
      },
    };
    return new CompilerService([fromSnapshot, thread], undefined);
  }
  if (state.kind === "stale") options.log(`compiler snapshot out of date (${state.reason}); it will be rebuilt`);
  const delayMs = options.buildDelayMs ?? BUILD_DELAY_MS;
  return new CompilerService([thread], { paths, key, log: options.log, delayMs });
}

/**
 * Builds the snapshot now, in the foreground (`ts-concurrency-kernel snapshot`: an admin after an
 * install, the bench before it measures), even if an attempt failed recently.
 */
export async function buildSnapshotNow(log: (line: string) => void): Promise<"ready" | "off" | BuildOutcome> {
  const cacheDir = openCacheDir(defaultCacheDirSetting(kernelVersion(), log));
  if (!cacheDir) return "off";
  const key = currentSnapshotKey();
  const paths = snapshotPaths(cacheDir, key);
  if (readSnapshot(paths, key).kind === "ready") return "ready";
  clearFailure(paths);
  return buildSnapshot(paths, key, log, { background: false }).done;
}
