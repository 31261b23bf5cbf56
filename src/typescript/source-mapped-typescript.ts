/**
 * tslab's converter emits JavaScript without source maps and has no option for them. It reaches
 * the compiler through `require`, so before it loads, the compiler thread puts in the module cache
 * a view of TypeScript whose two emits (the program's, then the CommonJS pass) also write maps;
 * the view chains them and keeps the result for the converted output it belongs to. The same view
 * mends how the converter spells exported names that start with `__`, and lets the compiler thread
 * add transforms of its own to the CommonJS pass of cell code.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import { requireOneByte } from "./one-byte-module";
import type { CodeCache } from "../shared/code-cache";
import { compose, decodeMappings, dropMapReference, LineMap, takeInlineMap } from "../runtime/source-map";

/** Conversions whose maps have not been collected yet; one convert makes a few (side modules). */
const PENDING = 16;

export interface SourceMaps {
  /** The chained map of a converted output, by its text; each map can be taken once. */
  take(output: string): LineMap | undefined;
}

/**
 * The converter exports a cell's names by appending `export { … }` built from the compiler's
 * internal names, in which a leading `__` gains one more underscore (`__x` becomes `___x`), so a
 * cell declaring `__x` failed with "Cannot find name '___x'". Its cell file is read back through
 * this system, which writes those names as the cell spelled them.
 */
function withPlainExportNames(ts: typeof TS, system: TS.System): TS.System {
  const plain: TS.System = Object.create(system);
  plain.readFile = (file, encoding) => {
    const text = system.readFile(file, encoding);
    if (text === undefined || !/__tslab__\.ts$/.test(file)) return text;
    return text.replace(
      /\nexport \{([^}\n]*)\}$/,
      (_, names: string) =>
        `\nexport {${names
          .split(",")
          .map((n) => ts.unescapeLeadingUnderscores(n.trim() as TS.__String))
          .join(", ")}}`,
    );
  };
  return plain;
}

/** Transforms for cell code, given the TypeScript module the converter uses. */
export type CellTransforms = (ts: typeof TS) => TS.TransformerFactory<TS.SourceFile>[];

/** `compilerOptions.types` of a tsconfig.json in the notebook's folder (the kernel's working directory). */
function configuredTypes(ts: typeof TS): string[] {
  const file = ts.sys.resolvePath("tsconfig.json");
  if (!ts.sys.fileExists(file)) return [];
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const types: unknown = config?.compilerOptions?.types;
  return Array.isArray(types) ? types.filter((t): t is string => typeof t === "string") : [];
}

export function installSourceMappedTypeScript(
  tslabDir: string,
  cellTransforms: CellTransforms = () => [],
  codeCache?: CodeCache,
): SourceMaps {
  const modulePath = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });
  const real = requireOneByte(modulePath, codeCache) as typeof TS;
  const cached = require.cache[modulePath];
  if (!cached) throw new Error("the TypeScript module did not enter the require cache");
  const maps = new Map<string, LineMap>();
  const before = cellTransforms(real);

  const view: Record<string, unknown> = {};
  // The module's exports are read-only getters, so the view forwards each one instead of copying.
  for (const key of Object.getOwnPropertyNames(real)) {
    Object.defineProperty(view, key, { enumerable: true, configurable: true, get: () => (real as never)[key] });
  }
  const define = (key: string, value: unknown) =>
    Object.defineProperty(view, key, { enumerable: true, configurable: true, value });

  // Only @types/node, and whatever a tsconfig.json beside the notebooks lists, join every cell's
  // globals: every package in a visible node_modules/@types used to (TypeScript 6 no longer does
  // that either). In this checkout that meant React's and Jest's, about 50 MB of the compiler's
  // heap. Imported packages still find their own types.
  const types = ["node", ...configuredTypes(real)];
  define(
    "createWatchCompilerHost",
    (first: unknown, options: TS.CompilerOptions, system?: TS.System, ...rest: unknown[]) =>
      Array.isArray(first)
        ? (real.createWatchCompilerHost as (...a: unknown[]) => unknown)(
            first,
            { ...options, inlineSourceMap: true, sourceMap: false, types },
            system && withPlainExportNames(real, system),
            ...rest,
          )
        : (real.createWatchCompilerHost as (...a: unknown[]) => unknown)(first, options, system, ...rest),
  );

  define("transpileModule", (input: string, options: TS.TranspileOptions): TS.TranspileOutput => {
    const { js, map: programMap } = takeInlineMap(input);
    if (!programMap) return real.transpileModule(input, options);
    const out = real.transpileModule(js, {
      ...options,
      compilerOptions: { ...options.compilerOptions, sourceMap: true, inlineSourceMap: false },
      transformers: { ...options.transformers, before: [...(options.transformers?.before ?? []), ...before] },
    });
    const outputText = dropMapReference(out.outputText);
    if (out.sourceMapText) {
      maps.set(
        outputText,
        compose(decodeMappings((JSON.parse(out.sourceMapText) as { mappings: string }).mappings), programMap),
      );
      if (maps.size > PENDING) maps.delete(maps.keys().next().value as string);
    }
    return { ...out, outputText, sourceMapText: undefined };
  });

  cached.exports = view;
  return {
    take(output) {
      const map = maps.get(output);
      maps.delete(output);
      return map;
    },
  };
}
