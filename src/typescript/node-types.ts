import * as fs from "fs";
import * as path from "path";

/**
 * The subset of `ts.sys` whose file look-ups we redirect. Typed structurally so this module
 * does not have to load the compiler itself.
 */
export interface FileSystemHost {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  getDirectories(p: string): string[];
  readDirectory(p: string, ...rest: unknown[]): string[];
  realpath?(p: string): string;
}

/** Paths use forward slashes inside the compiler, whatever the platform. */
const slashes = (p: string) => p.replace(/\\/g, "/");

/**
 * Make every look-up under `virtualDir` read from `realDir` instead.
 *
 * Why: tslab's converter looks for `@types/node` in the type roots of the working directory and,
 * failing that, in `<tslab>/node_modules/@types`. When npm hoists `@types/node` (a local or global
 * install), that folder does not exist, and a kernel started in a notebook's folder reports
 * "Cannot find name 'console'". Mapping the fallback folder onto the `@types` folder this package
 * actually resolves makes the fallback hold wherever the package is installed.
 */
export function mapDirectory(host: FileSystemHost, virtualDir: string, realDir: string): void {
  const virtual = slashes(virtualDir).replace(/\/$/, "");
  const real = slashes(realDir).replace(/\/$/, "");
  const redirect = (p: string): string => {
    const s = slashes(p);
    if (s === virtual) return real;
    if (s.startsWith(virtual + "/")) return real + s.slice(virtual.length);
    return p;
  };
  const isVirtual = (p: string) => redirect(p) !== p;
  const original = {
    fileExists: host.fileExists.bind(host),
    directoryExists: host.directoryExists.bind(host),
    readFile: host.readFile.bind(host),
    getDirectories: host.getDirectories.bind(host),
    readDirectory: host.readDirectory.bind(host),
    realpath: host.realpath?.bind(host),
  };
  host.fileExists = (p) => original.fileExists(redirect(p));
  host.directoryExists = (p) => original.directoryExists(redirect(p));
  host.readFile = (p, encoding) => original.readFile(redirect(p), encoding);
  host.getDirectories = (p) => original.getDirectories(redirect(p));
  host.readDirectory = (p, ...rest) => {
    const found = original.readDirectory(redirect(p), ...rest);
    return isVirtual(p) ? found.map((f) => virtual + slashes(f).slice(real.length)) : found;
  };
  if (original.realpath) {
    const realpath = original.realpath;
    // Resolving a virtual path on disk fails; the compiler treats it as its own real path.
    host.realpath = (p) => (isVirtual(p) ? p : realpath(p));
  }
}

/** The `@types` folder this package resolves `@types/node` from, if any. */
export function resolvedTypesDir(): string | undefined {
  try {
    return path.dirname(path.dirname(require.resolve("@types/node/package.json")));
  } catch {
    return undefined;
  }
}

/** Install the mapping when tslab's own fallback folder lacks `@types/node`. */
export function ensureNodeTypes(host: FileSystemHost, tslabPackageDir: string): void {
  const fallback = path.join(tslabPackageDir, "node_modules", "@types");
  if (fs.existsSync(path.join(fallback, "node", "package.json"))) return;
  const real = resolvedTypesDir();
  if (real) mapDirectory(host, fallback, real);
}
