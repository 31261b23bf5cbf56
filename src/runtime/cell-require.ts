import Module, { createRequire } from "module";
import * as path from "path";

/**
 * `require` as cells see it: resolves from the notebook's folder, maps `"tslab"` to the kernel's
 * compatible API, and loads local `.ts` files the compiler transpiled for the cell.
 */
export class CellRequire {
  private readonly transpiled = new Map<string, string>();
  private readonly loaded = new Map<string, Module>();
  readonly require: NodeJS.Require;

  constructor(
    rootDir: string,
    private readonly overrides: Record<string, unknown>,
  ) {
    this.require = this.wrap(createRequire(path.join(rootDir, "__notebook__.js")), rootDir);
  }

  /** Newly transpiled local modules replace stale copies, so edits to a `.ts` file take effect. */
  addTranspiled(outputs: { path: string; data: string }[]): void {
    for (const o of outputs) {
      this.loaded.delete(o.path);
      this.transpiled.set(o.path, o.data);
    }
  }

  private wrap(base: NodeJS.Require, dir: string): NodeJS.Require {
    const load = (id: string): unknown => {
      if (Object.prototype.hasOwnProperty.call(this.overrides, id)) return this.overrides[id];
      const local = this.loadTranspiled(id, dir);
      return local !== undefined ? local : base(id);
    };
    return Object.assign(load, {
      resolve: base.resolve,
      cache: base.cache,
      main: base.main,
      extensions: base.extensions,
    }) as NodeJS.Require;
  }

  private loadTranspiled(id: string, dir: string): unknown {
    if (!id.startsWith(".") && !path.isAbsolute(id)) return undefined;
    let file = path.resolve(dir, id).replace(/\\/g, "/");
    if (path.extname(file) === "") file += ".js";
    const cached = this.loaded.get(file);
    if (cached) return cached.exports;
    const source = this.transpiled.get(file);
    if (source === undefined) return undefined;
    const mod = new Module(file, module);
    mod.filename = file;
    mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(file));
    mod.require = this.wrap(createRequire(file), path.dirname(file));
    this.loaded.set(file, mod);
    (mod as unknown as { _compile(src: string, file: string): void })._compile(source, file);
    return mod.exports;
  }
}
