/**
 * Cells as tslab's converter treats them, on the TypeScript this package depends on: a cell is
 * type-checked as a module nested in the notebook's earlier declarations, its names are exported
 * to the notebook, names from earlier cells are read through `exports`, and the declarations of
 * everything defined so far become the next cell's context. Written for this kernel (source maps,
 * interrupt checks in loops, `__`-names, local modules) rather than patched into tslab's.
 */
import * as path from "path";
import type * as TS from "typescript";
import { CellProgram, MODULE_PREFIX } from "./cell-program";
import { cellCompilerOptions, OUT_DIR } from "./compiler-options";
import { declaredNames } from "./cell-names";
import { dropExportLists, dropUseStrict, keepLastExpression, readEarlierNames } from "./cell-transforms";
import { remainingDeclarations } from "./remaining-declarations";
import { localModules } from "./local-modules";
import type { CellDiagnostic } from "./compiler-protocol";
import { compose, decodeMappings, LineMap, shiftSourceLines } from "../runtime/source-map";

/** The cursor is on a member name: `Math.`, `Math.fl`, `obj . x`. */
const AFTER_A_DOT = /\.\s*[\p{ID_Continue}$\u200c\u200d]*$/u;
/** Imports, `require` and references bring in files whose types may need Node's: those cells skip the light program. */
const READS_OTHER_FILES = /\bimport\b|\brequire\s*\(|\/\/\/\s*<reference/;

export interface Conversion {
  diagnostics: CellDiagnostic[];
  js: string;
  lineMap: LineMap;
  declarations: string;
  lastExpressionVar?: string;
  sideOutputs: { path: string; data: string }[];
}

export interface Completions {
  start: number;
  end: number;
  candidates: string[];
}

export class CellConverter {
  private readonly cells: CellProgram;
  /** Local modules already handed to the kernel, by file and version. */
  private readonly emittedModules = new Map<string, string>();

  constructor(
    private readonly ts: typeof TS,
    cwd: string,
    /** Added to the CommonJS pass of cell code and local modules (the interrupt checks). */
    private readonly commonJsTransforms: TS.TransformerFactory<TS.SourceFile>[] = [],
    /** Parsed declaration files to share with other converters (see CellProgram). */
    registry?: TS.DocumentRegistry,
  ) {
    this.cells = new CellProgram(ts, cwd, cellCompilerOptions(ts, cwd), registry);
  }

  /** Whether cells are checked with Node's types yet (they come with the first cell that needs them). */
  get hasNodeTypes(): boolean {
    return !this.cells.isLight;
  }

  /** The language service behind the cells (its first program is the costly step: see CellProgram). */
  warmUp(): void {
    this.cells.update("", "0");
    this.cells.program().program.getTypeChecker();
  }

  /**
   * Without Node's types while the cell needs none of them (see cell-program.ts): a cell the light
   * program finds any problem with, or one that reads other files, is checked again, and from then
   * on every cell is, with all of them.
   */
  convert(declarations: string, code: string): Conversion {
    if (this.cells.isLight && !READS_OTHER_FILES.test(code)) {
      const light = this.convertIn(declarations, code);
      if (light.diagnostics.length === 0) return light;
    }
    this.cells.addNodeTypes();
    return this.convertIn(declarations, code);
  }

  private convertIn(declarations: string, code: string): Conversion {
    const ts = this.ts;
    const names = declaredNames(ts, ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false));
    const exportList = names.length > 0 ? `\nexport {${names.join(", ")}}` : "";
    this.cells.update(declarations, code + exportList);
    const { program, cell, declarations: context } = this.cells.program();
    const checker = program.getTypeChecker();
    const modules = localModules(ts, program, checker, cell, this.cells.cwd);

    // The light program also answers for the notebook's declarations: a name in them it cannot resolve.
    const checked = this.cells.isLight ? [context, cell, ...modules] : [cell, ...modules];
    const diagnostics = checked.flatMap((file) => this.diagnosticsOf(program, file));
    if (diagnostics.length > 0) return { diagnostics, js: "", lineMap: [], declarations: "", sideOutputs: [] };

    let js = "";
    let map = "";
    let declarationText = "";
    let lastExpressionVar: string | undefined;
    program.emit(
      cell,
      (file, text) => {
        if (file.endsWith(".d.ts")) declarationText = text;
        else if (file.endsWith(".map")) map = text;
        else js = text;
      },
      undefined,
      false,
      {
        // Before TypeScript's own transforms, so a cell with `using` (run inside a `try`) keeps its value too.
        before: [keepLastExpression(ts, new Set(names), (name) => (lastExpressionVar = name))],
        after: [readEarlierNames(ts, checker, context)],
        afterDeclarations: [dropExportLists(ts)],
      },
    );
    const commonJs = this.toCommonJs(js, map, "cell.js");
    return {
      diagnostics: [],
      js: commonJs.js,
      // The cell file starts with one line of the converter's own (`export {};`).
      lineMap: shiftSourceLines(commonJs.lineMap, -1),
      declarations: declarationText + remainingDeclarations(ts, checker, cell, context),
      lastExpressionVar,
      sideOutputs: this.emitModules(program, modules),
    };
  }

  /**
   * Help on the name at `position`. The light program answers what it knows (a notebook name, a
   * standard library member) at once: the full program takes a second or more to build, and
   * JupyterLab gives up on a completion after one. Anything it cannot resolve is asked again of
   * the full program, which the notebook keeps from then on.
   */
  inspect(declarations: string, code: string, position: number): TS.QuickInfo | undefined {
    if (this.cells.isLight) {
      const light = this.inspectIn(declarations, code, position);
      if (light && light.kind !== "") return light;
      this.cells.addNodeTypes();
    }
    return this.inspectIn(declarations, code, position);
  }

  private inspectIn(declarations: string, code: string, position: number): TS.QuickInfo | undefined {
    this.cells.update(declarations, code);
    this.cells.program();
    const info = this.cells.service.getQuickInfoAtPosition(this.cells.cellFile, position + MODULE_PREFIX.length);
    if (info) info.textSpan = { start: info.textSpan.start - MODULE_PREFIX.length, length: info.textSpan.length };
    return info;
  }

  /**
   * Completions at `position`. Typing inside a name completes that name: candidates that start
   * with it come first, then those that start with it ignoring case, then those that contain it.
   */
  complete(declarations: string, code: string, position: number): Completions {
    // After a dot the light program lists the members of what it resolves (see inspect). A bare
    // name is completed from every global there is, Node's included, so it takes the full program.
    if (this.cells.isLight && AFTER_A_DOT.test(code.slice(0, position))) {
      const light = this.completeIn(declarations, code, position);
      if (light.candidates.length > 0) return light;
    }
    this.cells.addNodeTypes();
    return this.completeIn(declarations, code, position);
  }

  private completeIn(declarations: string, code: string, position: number): Completions {
    this.cells.update(declarations, code);
    this.cells.program();
    const at = position + MODULE_PREFIX.length;
    const info = this.cells.service.getCompletionsAtPosition(this.cells.cellFile, at, {});
    const entries = info?.entries ?? [];
    const span = info?.optionalReplacementSpan;
    if (!span || span.start > at || span.start + span.length < at) {
      const sorted = [...entries].sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name));
      return { start: position, end: position, candidates: sorted.map((e) => e.name) };
    }
    const typed = code.slice(span.start - MODULE_PREFIX.length, span.start + span.length - MODULE_PREFIX.length);
    const lower = typed.toLowerCase();
    const rank = (name: string) =>
      name.startsWith(typed)
        ? 0
        : name.toLowerCase().startsWith(lower)
          ? 1
          : name.toLowerCase().includes(lower)
            ? 2
            : 3;
    const ranked = entries
      .map((e, index) => ({ name: e.name, key: `${rank(e.name)}${e.sortText}`, index }))
      .filter((e) => !e.key.startsWith("3"));
    ranked.sort((a, b) => a.key.localeCompare(b.key) || a.index - b.index);
    return {
      start: span.start - MODULE_PREFIX.length,
      end: span.start + span.length - MODULE_PREFIX.length,
      candidates: ranked.map((e) => e.name),
    };
  }

  /** Problems in `file`, as positions in the text the learner wrote. */
  private diagnosticsOf(program: TS.Program, file: TS.SourceFile): CellDiagnostic[] {
    const ts = this.ts;
    const isCell = file.fileName === this.cells.cellFile;
    const found = [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
      ...program.getDeclarationDiagnostics(file),
    ];
    const out: CellDiagnostic[] = [];
    for (const d of ts.sortAndDeduplicateDiagnostics(found)) {
      const where = ts.getLineAndCharacterOfPosition(file, d.start ?? 0);
      const line = isCell ? where.line - 1 : where.line;
      const fileName = isCell ? undefined : path.relative(this.cells.cwd, file.fileName);
      // A chain of messages ("Type A is not assignable to type B." and why) reads as one problem per link.
      const add = (message: string | TS.DiagnosticMessageChain, first: boolean): void => {
        const text = typeof message === "string" ? message : message.messageText;
        const code = typeof message === "string" ? d.code : message.code;
        out.push({ line, character: where.character, message: text, code, ...(first && fileName ? { fileName } : {}) });
        if (typeof message !== "string") for (const next of message.next ?? []) add(next, false);
      };
      add(d.messageText, true);
    }
    return out;
  }

  /** An emitted ES module as the CommonJS the kernel runs, with one source map back to the TypeScript. */
  private toCommonJs(js: string, map: string, fileName: string): { js: string; lineMap: LineMap } {
    const ts = this.ts;
    const out = ts.transpileModule(withoutMapReference(js), {
      fileName,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        newLine: ts.NewLineKind.LineFeed,
        sourceMap: true,
      },
      transformers: { before: this.commonJsTransforms, after: [dropUseStrict(ts)] },
    });
    const lineMap =
      out.sourceMapText && map
        ? compose(
            decodeMappings((JSON.parse(out.sourceMapText) as { mappings: string }).mappings),
            decodeMappings((JSON.parse(map) as { mappings: string }).mappings),
          )
        : [];
    return { js: withoutMapReference(out.outputText), lineMap };
  }

  /** Local modules new or changed since the kernel last got them, as CommonJS beside their sources. */
  private emitModules(program: TS.Program, modules: TS.SourceFile[]): { path: string; data: string }[] {
    const outputs: { path: string; data: string }[] = [];
    const outDir = path.join(this.cells.cwd, OUT_DIR);
    for (const file of modules) {
      const version = (file as unknown as { version?: string }).version ?? file.text;
      if (this.emittedModules.get(file.fileName) === version) continue;
      this.emittedModules.set(file.fileName, version);
      program.emit(file, (name, text) => {
        if (!name.endsWith(".js")) return;
        outputs.push({
          path: path.join(this.cells.cwd, path.relative(outDir, name)),
          data: this.toCommonJs(text, "", path.basename(name)).js,
        });
      });
    }
    return outputs.sort((a, b) => a.path.localeCompare(b.path));
  }
}

/** Emitted JavaScript without the `//# sourceMappingURL=` line TypeScript ends it with: its map comes separately. */
function withoutMapReference(js: string): string {
  const at = js.lastIndexOf("\n//# sourceMappingURL=");
  return at < 0 ? js : js.slice(0, at);
}
