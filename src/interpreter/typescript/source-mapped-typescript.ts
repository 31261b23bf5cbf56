/**
 * tslab's converter emits JavaScript without source maps and has no option for them. It reaches
 * the compiler through `require`, so before it loads, the compiler thread puts in the module cache
 * a view of TypeScript whose two emits (the program's, then the CommonJS pass) also write maps;
 * the view chains them and keeps the result for the converted output it belongs to.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import { compose, decodeMappings, dropMapReference, LineMap, takeInlineMap } from "./source-map";

/** Conversions whose maps have not been collected yet; one convert makes a few (side modules). */
const PENDING = 16;

export interface SourceMaps {
  /** The chained map of a converted output, by its text; each map can be taken once. */
  take(output: string): LineMap | undefined;
}

export function installSourceMappedTypeScript(tslabDir: string): SourceMaps {
  const modulePath = require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] });
  const real = require(modulePath) as typeof TS;
  const cached = require.cache[modulePath];
  if (!cached) throw new Error("the TypeScript module did not enter the require cache");
  const maps = new Map<string, LineMap>();

  const view: Record<string, unknown> = {};
  // The module's exports are read-only getters, so the view forwards each one instead of copying.
  for (const key of Object.getOwnPropertyNames(real)) {
    Object.defineProperty(view, key, { enumerable: true, configurable: true, get: () => (real as never)[key] });
  }
  const define = (key: string, value: unknown) => Object.defineProperty(view, key, { enumerable: true, configurable: true, value });

  define("createWatchCompilerHost", (first: unknown, options: TS.CompilerOptions, ...rest: unknown[]) =>
    (real.createWatchCompilerHost as (...a: unknown[]) => unknown)(
      first,
      Array.isArray(first) ? { ...options, inlineSourceMap: true, sourceMap: false } : options,
      ...rest,
    ),
  );

  define("transpileModule", (input: string, options: TS.TranspileOptions): TS.TranspileOutput => {
    const { js, map: programMap } = takeInlineMap(input);
    if (!programMap) return real.transpileModule(input, options);
    const out = real.transpileModule(js, { ...options, compilerOptions: { ...options.compilerOptions, sourceMap: true, inlineSourceMap: false } });
    const outputText = dropMapReference(out.outputText);
    if (out.sourceMapText) {
      maps.set(outputText, compose(decodeMappings((JSON.parse(out.sourceMapText) as { mappings: string }).mappings), programMap));
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
