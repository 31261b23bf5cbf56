/**
 * The one place where the TypeScript program behind the cells is created and kept up to date.
 *
 * Two files exist only in memory: the notebook's declarations so far and the cell being looked
 * at. Both start with `export {};`, so each is a module with its own scope. The cell file's parent
 * is set to the declarations file, so that names the cell does not declare itself resolve to the
 * notebook's earlier declarations, and a cell may declare a name again (`const x` in two cells).
 *
 * Cost: the first `program()` parses every declaration file the cells see (TypeScript's `lib`
 * files and `@types/node`, about 2.7 MB of text) and binds them: most of the first cell's time and
 * of the compiler's heap. After that, a new cell or new declarations re-parse only those two small
 * files; the language service keeps every other source file, and a new type checker (a few to
 * tens of milliseconds) is made for each new program.
 */
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

/** Makes the cell and the declarations modules; every position the compiler reports is shifted by it. */
export const MODULE_PREFIX = "export {};\n";

interface MemoryFile {
  text: string;
  version: number;
}

export class CellProgram {
  readonly cellFile: string;
  readonly declarationsFile: string;
  readonly service: TS.LanguageService;
  private readonly files = new Map<string, MemoryFile>();

  constructor(
    private readonly ts: typeof TS,
    readonly cwd: string,
    options: TS.CompilerOptions,
  ) {
    const slashed = cwd.replace(/\\/g, "/");
    this.cellFile = path.posix.join(slashed, "__cell__.ts");
    this.declarationsFile = path.posix.join(slashed, "__notebook__.d.ts");
    this.files.set(this.cellFile, { text: MODULE_PREFIX, version: 0 });
    this.files.set(this.declarationsFile, { text: MODULE_PREFIX, version: 0 });
    const sys = ts.sys;
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [this.declarationsFile, this.cellFile],
      getScriptVersion: (file) => this.version(file),
      getScriptSnapshot: (file) => {
        const text = this.files.get(file)?.text ?? sys.readFile(file);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (file) => this.files.has(file) || sys.fileExists(file),
      readFile: (file, encoding) => this.files.get(file)?.text ?? sys.readFile(file, encoding),
      readDirectory: sys.readDirectory,
      directoryExists: sys.directoryExists,
      getDirectories: sys.getDirectories,
      realpath: sys.realpath,
      useCaseSensitiveFileNames: () => sys.useCaseSensitiveFileNames,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry(sys.useCaseSensitiveFileNames, cwd));
  }

  /** Put a cell (without the prefix) and the notebook's declarations in the two memory files. */
  update(declarations: string, cell: string): void {
    this.write(this.declarationsFile, MODULE_PREFIX + declarations);
    this.write(this.cellFile, MODULE_PREFIX + cell);
  }

  /** The program over the current files, with the cell's scope inside the declarations'. */
  program(): { program: TS.Program; cell: TS.SourceFile; declarations: TS.SourceFile } {
    const program = this.service.getProgram();
    const cell = program?.getSourceFile(this.cellFile);
    const declarations = program?.getSourceFile(this.declarationsFile);
    if (!program || !cell || !declarations) throw new Error("the language service made no program for the cell");
    // Name resolution walks up `parent` links; a source file has none of its own.
    (cell as { parent?: TS.Node }).parent = declarations;
    return { program, cell, declarations };
  }

  /**
   * Memory files change with their version; files on disk with their modification time (a local
   * module edited between cells is read again); installed packages and TypeScript's libraries never.
   */
  private version(file: string): string {
    const memory = this.files.get(file);
    if (memory) return String(memory.version);
    if (file.includes("/node_modules/")) return "0";
    return String(fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1);
  }

  private write(file: string, text: string): void {
    const current = this.files.get(file)!;
    if (current.text !== text) this.files.set(file, { text, version: current.version + 1 });
  }
}
