/**
 * The compiler options every cell is checked and emitted with, and where its global types come from.
 */
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

/** Where compiled files would go; nothing is written there, but it keeps `.js` inputs from overwriting themselves. */
export const OUT_DIR = "outDir";

/** The `@types` folder this package resolves `@types/node` from, if any. */
export function resolvedTypesDir(): string | undefined {
  try {
    return path.dirname(path.dirname(require.resolve("@types/node/package.json")));
  } catch {
    return undefined;
  }
}

/** Every `node_modules/@types` from `dir` up to the root, nearest first, as TypeScript looks for them. */
export function typeRootsAbove(dir: string): string[] {
  const roots: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const candidate = path.join(d, "node_modules", "@types");
    if (fs.existsSync(candidate)) roots.push(candidate);
    if (path.dirname(d) === d) return roots;
  }
}

/**
 * The notebook folder's own type roots, then, when none of them has `@types/node` (a kernel
 * installed globally, started in a folder without packages), the folder this package got it from.
 */
export function typeRoots(cwd: string, fallback = resolvedTypesDir()): string[] {
  const roots = typeRootsAbove(cwd);
  const hasNode = roots.some((r) => fs.existsSync(path.join(r, "node", "package.json")));
  return hasNode || !fallback ? roots : [...roots, fallback];
}

/** `compilerOptions.types` of a tsconfig.json in the notebook's folder (the kernel's working directory). */
function configuredTypes(ts: typeof TS, cwd: string): string[] {
  const file = path.join(cwd, "tsconfig.json");
  if (!fs.existsSync(file)) return [];
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const types: unknown = config?.compilerOptions?.types;
  return Array.isArray(types) ? types.filter((t): t is string => typeof t === "string") : [];
}

/** `import * as tslab from "tslab"` type-checks against tslab's published API, wherever the kernel is installed. */
function tslabTypes(): Record<string, string[]> {
  try {
    const dir = path.dirname(require.resolve("tslab/package.json"));
    return { tslab: [path.join(dir, "dist", "public.d.ts")] };
  } catch {
    return {};
  }
}

export function cellCompilerOptions(ts: typeof TS, cwd: string): TS.CompilerOptions {
  return {
    // ES modules, so a cell may `await` at its top level and `import()`; the CommonJS pass follows.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    // What Node 20 runs natively; newer syntax (`using`) is lowered with helpers.
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts"],
    // The next cell's context: the declarations of every name the cell defines.
    declaration: true,
    sourceMap: true,
    newLine: ts.NewLineKind.LineFeed,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.React,
    allowJs: true,
    checkJs: true,
    // Problems inside installed declaration files are not the learner's to fix.
    skipLibCheck: true,
    // Only @types/node, and whatever a tsconfig.json beside the notebooks lists, join every cell's
    // globals: not every package in a visible node_modules/@types (in a checkout with React's and
    // Jest's types that was about 50 MB of the compiler's heap). Imported packages find their own types.
    types: ["node", ...configuredTypes(ts, cwd)],
    typeRoots: typeRoots(cwd),
    paths: tslabTypes(),
    rootDir: cwd,
    outDir: path.join(cwd, OUT_DIR),
  };
}
