import { createRequire, isBuiltin } from "module";
import * as path from "path";
import { CapturedName } from "../concurrency/model/task-protocol";
import { NotebookNameInfo } from "../concurrency/capture/plan-capture";
import { exportsAssignments } from "../concurrency/capture/notebook-references";
import { ImportedName } from "../typescript/engine";

type ImportCapture = Extract<CapturedName, { kind: "import" }>;

/**
 * Which cell defined each notebook name, and which names are imports (with the module resolved
 * from the notebook's folder), so workers can repeat an import and errors can name the cell.
 */
export class NotebookRegistry implements NotebookNameInfo {
  private readonly cells = new Map<string, number>();
  private readonly imports = new Map<string, ImportCapture>();
  private readonly resolveFrom: NodeJS.Require;

  constructor(private readonly rootDir: string) {
    this.resolveFrom = createRequire(path.join(rootDir, "__notebook__.js"));
  }

  record(cell: number, js: string, imported: ImportedName[]): void {
    for (const name of exportsAssignments(js)) {
      this.cells.set(name, cell);
      this.imports.delete(name);
    }
    for (const im of imported) {
      this.cells.set(im.name, cell);
      this.imports.set(im.name, {
        name: im.name,
        kind: "import",
        specifier: this.resolve(im.specifier),
        binding: im.binding,
      });
    }
  }

  cellOf(name: string): number | undefined {
    return this.cells.get(name);
  }

  importOf(name: string): ImportCapture | undefined {
    return this.imports.get(name);
  }

  private resolve(specifier: string): string {
    if (isBuiltin(specifier)) return specifier;
    try {
      return this.resolveFrom.resolve(specifier);
    } catch {
      // Left as written: the worker's own require will then explain what is missing.
      return specifier.startsWith(".") ? path.resolve(this.rootDir, specifier) : specifier;
    }
  }
}
