import { buildSnapshotNow } from "../../typescript/engine";
import { UsageError } from "../errors";
import { log } from "../../shared/log";

export const SNAPSHOT_USAGE = `Usage: ts-concurrency-kernel snapshot

Builds the TypeScript compiler's startup snapshot in your cache folder ($XDG_CACHE_HOME or
~/.cache, under ts-concurrency-kernel/) now. Without it, the first kernel that gives a result
builds it in the background and later kernels start from it; TS_CONCURRENCY_KERNEL_SNAPSHOT=0
turns it off.`;

const SAID = {
  ready: "the compiler snapshot is already built and up to date",
  built: "the compiler snapshot is built",
  skipped: "another kernel is building the compiler snapshot",
  failed: "the compiler snapshot could not be built (see above); kernels load the compiler on a thread",
  off: "no usable cache folder (see above); kernels load the compiler on a thread",
};

export async function snapshotCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] === "--help" || argv[0] === "-h") {
    console.log(SNAPSHOT_USAGE);
    return 0;
  }
  if (argv.length > 0) throw new UsageError(`"snapshot" takes no arguments.\n\n${SNAPSHOT_USAGE}`);
  const outcome = await buildSnapshotNow(log);
  console.log(SAID[outcome]);
  return outcome === "failed" || outcome === "off" ? 1 : 0;
}
