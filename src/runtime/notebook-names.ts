/**
 * Where the names a notebook declares live between cells. Converted cells read and write them
 * as `exports.name`. Defining a property is treated as a plain assignment because the compiler
 * turns named imports into getters, and notebook users expect to re-import or reassign them.
 */
export function createNotebookNames(): Record<string, unknown> {
  const store: Record<string, unknown> = {};
  return new Proxy(store, {
    defineProperty(target, prop, attrs) {
      if (prop === "__esModule") return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
}
