/**
 * The one place where the TypeScript program behind the cells is created and kept up to date.
 *
 * Two files exist only in memory: the notebook's declarations so far and the cell being looked
 * at. Both start with `export {};`, so each is a module with its own scope. The cell file's parent
 * is set to the declarations file, so that names the cell does not declare itself resolve to the
 * notebook's earlier declarations, and a cell may declare a name again (`const x` in two cells).
 *
 * Cost: a program parses every declaration file the cells see and binds them: most of the first
 * cell's time and of the compiler's heap. After that, a new cell or new declarations re-parse only
 * those two small files; the language service keeps every other source file, and a new type
 * checker (a few to tens of milliseconds) is made for each new program.
 *
 * Node's types come when a cell first needs them (issue 12). `@types/node` is 2.2 of the 2.7 MB
 * parsed and about half the compiler's heap (measured: 1.5 s and 77 MB heap with it, 0.5 s and
 * 34 MB without), and a first cell like `const x: number = 1; x + 1` needs none of it. So the
 * program starts *light*: TypeScript's `lib` files and the two self-contained files of
 * `@types/node` that declare `AbortSignal` and `EventTarget` (the kernel's own `Task` refers to
 * them), the same files the full program has, so a type seen in both is the same type. Light
 * mode checks the declarations file too (not skipped as a library): a name it cannot resolve
 * would otherwise become `any` without a word. `CellConverter` moves to the full program for good
 * as soon as the light one finds any problem, so a cell is only ever accepted by the light program
 * when it is correct without Node's types, and rejected only by the full one.
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

/** Files of `@types/node` that declare `AbortSignal` and what it extends, and import nothing. */
const LIGHT_NODE_FILES = ["web-globals/events.d.ts", "web-globals/abortcontroller.d.ts"];

/**
 * The light program's settings and extra files, or undefined where it cannot stand in for the full
 * one: a tsconfig.json that adds types, or an `@types/node` without those self-contained files.
 */
function lightSetup(options: TS.CompilerOptions): { options: TS.CompilerOptions; files: string[] } | undefined {
  if (options.types?.length !== 1 || options.types[0] !== "node") return undefined;
  const root = options.typeRoots?.find((r) => fs.existsSync(path.join(r, "node", "package.json")));
  if (!root) return undefined;
  const files = LIGHT_NODE_FILES.map((f) => path.join(root, "node", f).replace(/\\/g, "/"));
  if (!files.every((f) => fs.existsSync(f))) return undefined;
  return { options: { ...options, types: [], skipLibCheck: false, skipDefaultLibCheck: true }, files };
}

export class CellProgram {
  readonly cellFile: string;
  readonly declarationsFile: string;
  readonly service: TS.LanguageService;
  private readonly files = new Map<string, MemoryFile>();
  private light: { options: TS.CompilerOptions; files: string[] } | undefined;

  constructor(
    private readonly ts: typeof TS,
    readonly cwd: string,
    options: TS.CompilerOptions,
    /**
     * Where parsed declaration files are kept, by file and settings. A registry that outlives this
     * program (the compiler snapshot's, compiler-snapshot-entry.ts) hands it the library files
     * another program has already parsed and bound.
     */
    registry: TS.DocumentRegistry = ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, cwd),
  ) {
    this.light = lightSetup(options);
    const slashed = cwd.replace(/\\/g, "/");
    this.cellFile = path.posix.join(slashed, "__cell__.ts");
    this.declarationsFile = path.posix.join(slashed, "__notebook__.d.ts");
    this.files.set(this.cellFile, { text: MODULE_PREFIX, version: 0 });
    this.files.set(this.declarationsFile, { text: MODULE_PREFIX, version: 0 });
    const sys = ts.sys;
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => this.light?.options ?? options,
      getScriptFileNames: () => [...(this.light?.files ?? []), this.declarationsFile, this.cellFile],
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
    this.service = ts.createLanguageService(host, registry);
  }

  /** Whether the program still lacks Node's types (see the top of this file). */
  get isLight(): boolean {
    return this.light !== undefined;
  }

  /** From now on, every program has all of Node's types (the next `program()` parses them). */
  addNodeTypes(): void {
    this.light = undefined;
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
