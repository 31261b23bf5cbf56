/**
 * Where the kernel keeps what it may cache on disk (compiled code), one folder per user:
 * `$XDG_CACHE_HOME/ts-concurrency-kernel/<node>-abi<abi>-<package version>/`, else under
 * `~/.cache`. The install itself may be read-only (a system-wide npm prefix, a container image),
 * so nothing is ever written beside the code. A folder whose name holds the Node version, its ABI
 * and this package's version is never read by another Node or release: an upgrade starts empty.
 *
 * The cache only ever makes start-up faster. A folder that another user could have written to
 * (group- or world-writable, not owned by us, or a symbolic link) is refused with one log line, and the
 * kernel runs without a cache rather than load code someone else may have planted.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const CACHE_FOLDER = "ts-concurrency-kernel";

export interface CacheDirSetting {
  /** The environment to read XDG_CACHE_HOME and HOME from. */
  env: NodeJS.ProcessEnv;
  /** Home directory when the environment names none. */
  homedir: () => string;
  nodeVersion: string;
  /** `process.versions.modules`: native addons and V8's code caches follow it. */
  abi: string;
  packageVersion: string;
  /** Our user id; undefined where the platform has none (Windows), which skips the owner check. */
  uid: number | undefined;
  /** Why no cache is used, for whoever started the kernel. */
  log: (line: string) => void;
}

export function defaultCacheDirSetting(packageVersion: string, log: (line: string) => void): CacheDirSetting {
  return {
    env: process.env,
    homedir: os.homedir,
    nodeVersion: process.version,
    abi: process.versions.modules,
    packageVersion,
    uid: process.getuid?.(),
    log,
  };
}

/** The versioned folder's path, without touching the disk; undefined when there is no home to put it in. */
export function cacheDirPath(setting: CacheDirSetting): string | undefined {
  const xdg = setting.env.XDG_CACHE_HOME;
  // The XDG spec says a relative value is invalid and must be ignored.
  let base = xdg && path.isAbsolute(xdg) ? xdg : undefined;
  if (!base) {
    const home = setting.env.HOME || setting.homedir();
    if (!home || !path.isAbsolute(home)) return undefined;
    base = path.join(home, ".cache");
  }
  const version = `${setting.nodeVersion}-abi${setting.abi}-${setting.packageVersion}`.replace(/[^\w.-]/g, "_");
  return path.join(base, CACHE_FOLDER, version);
}

/**
 * Creates (mode 0700) and checks the cache folder; returns its path, or undefined after one log
 * line when it cannot be used safely. Never throws: without a cache the kernel only starts slower.
 */
export function openCacheDir(setting: CacheDirSetting): string | undefined {
  const dir = cacheDirPath(setting);
  if (!dir) {
    setting.log("no code cache: neither XDG_CACHE_HOME nor HOME names an absolute folder");
    return undefined;
  }
  const parent = path.dirname(dir);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const folder of [parent, dir]) {
      const problem = unsafe(folder, setting.uid);
      if (problem) {
        setting.log(`no code cache: ${folder} ${problem}`);
        return undefined;
      }
    }
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    setting.log(`no code cache: ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  return dir;
}

/** Why a folder of ours must not be trusted, or undefined when it may. */
function unsafe(folder: string, uid: number | undefined): string | undefined {
  const stat = fs.lstatSync(folder);
  if (stat.isSymbolicLink()) return "is a symbolic link";
  if (!stat.isDirectory()) return "is not a folder";
  if (uid !== undefined && stat.uid !== uid) return `is owned by user ${stat.uid}, not by us (${uid})`;
  // Group-writable too: a shared group (a class's) is exactly the other users the cache must keep out.
  if (stat.mode & 0o022) return `is writable by other users (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}
