/**
 * The compiler process's startup snapshot (issue 12). `node --build-snapshot` runs this file once
 * (snapshot-builder.ts): it loads TypeScript and the cell converter and checks one small cell, so
 * that the compiled code and the parsed, bound library files are in the heap V8 saves. A compiler
 * process started from the blob (compiler-process-port.ts) begins with all of that, and only makes
 * a converter for the kernel's working directory (the converter fixes it when it is made) over
 * the same document registry, which hands it the library files already parsed.
 *
 * A snapshot entry may `require` Node's built-in modules only and gets no `exports`; so this file
 * is a script (no import or export) with a small CommonJS loader of its own for everything else.
 * It records every file it and TypeScript read, so the store can tell when the blob has gone stale.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- Node gives a snapshot entry `require` of built-ins only */
{
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const vm = require("vm") as typeof import("vm");
  const v8 = require("v8") as typeof import("v8");
  const requireBuiltin = require;

  /** The checked cell: the kernel's own first cell, so the first real check finds its code compiled. */
  const WARM_CELL = "const x: number = 1; x + 1";
  const WRAPPER_PARAMS = ["exports", "require", "module", "__filename", "__dirname"];

  interface LoadedModule {
    exports: unknown;
    filename: string;
    loaded: boolean;
  }
  const cache: Record<string, LoadedModule> = Object.create(null);
  /** Every file the blob holds something of, in the order read. */
  const baked = new Set<string>();
  let toOneByte = (utf8: Buffer): Buffer => utf8;

  const isFile = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;

  const resolveFile = (base: string): string | undefined =>
    [base, `${base}.js`, `${base}.json`, path.join(base, "index.js")].find(isFile);

  function resolvePackage(id: string, from: string): string | undefined {
    const parts = id.split("/");
    const nameLength = id.startsWith("@") ? 2 : 1;
    const name = parts.slice(0, nameLength).join("/");
    const subpath = parts.slice(nameLength).join("/");
    for (let dir = from; ; dir = path.dirname(dir)) {
      const root = path.join(dir, "node_modules", name);
      if (fs.existsSync(root)) {
        if (subpath) return resolveFile(path.join(root, subpath));
        const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main?: string };
        return resolveFile(path.join(root, manifest.main ?? "index.js"));
      }
      if (path.dirname(dir) === dir) return undefined;
    }
  }

  function resolve(id: string, from: string): string {
    const relative = id.startsWith(".") || path.isAbsolute(id);
    const found = relative ? resolveFile(path.resolve(from, id)) : resolvePackage(id, from);
    if (!found) throw new Error(`Cannot find module '${id}' from ${from}`);
    return found;
  }

  function requireFrom(dir: string) {
    const required = (id: string): unknown => {
      if (!id.startsWith(".") && !path.isAbsolute(id)) {
        try {
          return requireBuiltin(id);
        } catch {
          // Not one of Node's: a package.
        }
      }
      return load(resolve(id, dir));
    };
    return Object.assign(required, { resolve: (id: string) => resolve(id, dir), cache });
  }

  function load(file: string): unknown {
    const hit = cache[file];
    if (hit) return hit.exports;
    const loaded: LoadedModule = { exports: {}, filename: file, loaded: false };
    cache[file] = loaded;
    baked.add(file);
    const bytes = fs.readFileSync(file);
    if (file.endsWith(".json")) {
      loaded.exports = JSON.parse(bytes.toString("utf8"));
    } else {
      // One-byte text, as the compiler thread loads TypeScript (one-byte-module.ts): half the heap for its source.
      const wrapped = `(function (${WRAPPER_PARAMS.join(", ")}) {${toOneByte(bytes).toString("latin1")}\n})`;
      const body = new vm.Script(wrapped, { filename: file }).runInThisContext() as (...args: unknown[]) => void;
      const dir = path.dirname(file);
      body.call(loaded.exports, loaded.exports, requireFrom(dir), loaded, file, dir);
    }
    loaded.loaded = true;
    return loaded.exports;
  }

  const here = __dirname;
  const local = (name: string) => load(path.join(here, `${name}.js`));
  toOneByte = (local("one-byte-text") as typeof import("./one-byte-text")).escapeNonAscii;
  const ts = load(resolve("typescript", here)) as typeof import("typescript");
  const { CellConverter } = local("cell-converter") as typeof import("./cell-converter");
  const { loopChecks } = local("loop-checks-transform") as typeof import("./loop-checks-transform");
  const { awaitScopes } = local("await-scope-transform") as typeof import("./await-scope-transform");
  const { createCompilerHandler } = local("compiler-handler") as typeof import("./compiler-handler");
  const { lineReader, toLine } = local("line-messages") as typeof import("./line-messages");

  // Outlives the warm-up's converter: it keeps the library files parsed and bound, for the real one.
  const registry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames);
  const converterFor = (dir: string) => new CellConverter(ts, dir, [loopChecks(ts), awaitScopes(ts)], registry);

  const readFile = ts.sys.readFile;
  ts.sys.readFile = (file, encoding) => {
    baked.add(file);
    return readFile(file, encoding);
  };
  const warm = createCompilerHandler(
    ts,
    converterFor(process.cwd()),
  )({
    id: 0,
    kind: "convert",
    args: { declarations: "", code: WARM_CELL },
  });
  ts.sys.readFile = readFile;
  if (!warm.ok || !("result" in warm) || (warm.result as { kind?: string }).kind !== "converted") {
    throw new Error(`the warm-up cell did not convert: ${JSON.stringify(warm)}`);
  }
  const filesList = process.env.TS_CONCURRENCY_KERNEL_SNAPSHOT_FILES;
  if (filesList) fs.writeFileSync(filesList, JSON.stringify([...baked]));

  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // jupyter_client interrupts a kernel by signalling its process group: a SIGINT is for the kernel's cells.
    process.on("SIGINT", () => undefined);
    const handle = createCompilerHandler(ts, converterFor(process.cwd()));
    process.stdin.setEncoding("utf8");
    process.stdin.on(
      "data",
      lineReader((request) => {
        process.stdout.write(toLine(handle(request as Parameters<typeof handle>[0])));
      }),
    );
    // The kernel has gone (or closed the compiler): nothing is left to answer.
    process.stdin.on("end", () => process.exit(0));
    process.stdout.on("error", () => process.exit(0));
    process.stdout.write(toLine({ id: -1, ok: true, ready: true }));
  });
}
