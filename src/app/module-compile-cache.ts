import * as nodeModule from "node:module";
import * as path from "node:path";
import { defaultCacheDirSetting, openCacheDir } from "../shared/cache-dir";
import { kernelVersion } from "../shared/versions";
import { log } from "../shared/log";

type EnableCompileCache = (dir: string) => unknown;

/**
 * Node 22.1 and later keep V8's compiled code of the modules they load in a folder of our choosing:
 * measured on Node 24, it took the kernel's own modules, ZeroMQ's and tslab's converter from about
 * 470 to about 320 ms of CPU. Node checks the cache itself (a damaged entry is compiled afresh).
 * Only modules loaded after this call benefit, and only on the calling thread. Node 20 has no such
 * cache; it is then a no-op, as it is when the user's cache folder cannot be used.
 */
export function enableModuleCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (!enable) return;
  const dir = openCacheDir(defaultCacheDirSetting(kernelVersion(), log));
  if (dir) enable(path.join(dir, "modules"));
}
