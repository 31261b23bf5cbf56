/**
 * The notebook folder's own `.ts` and `.js` modules a cell imports, directly or through each
 * other: they are checked with the cell, and compiled for the kernel to load when they change.
 */
import * as path from "path";
import type * as TS from "typescript";

/** Module names a file refers to: imports, re-exports, `import x = require()`, `import()` and `require()`. */
function moduleSpecifiers(ts: typeof TS, file: TS.SourceFile): TS.StringLiteralLike[] {
  const found: TS.StringLiteralLike[] = [];
  const visit = (node: TS.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteralLike(node.moduleSpecifier)) found.push(node.moduleSpecifier);
    } else if (ts.isExternalModuleReference(node) && ts.isStringLiteralLike(node.expression)) {
      found.push(node.expression);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

export function localModules(
  ts: typeof TS,
  program: TS.Program,
  checker: TS.TypeChecker,
  from: TS.SourceFile,
  cwd: string,
): TS.SourceFile[] {
  const isLocal = (file: TS.SourceFile) =>
    !file.isDeclarationFile &&
    !file.fileName.includes("/node_modules/") &&
    !path.relative(cwd, file.fileName).startsWith("..") &&
    program.getSourceFile(file.fileName) === file;
  const seen = new Set<TS.SourceFile>([from]);
  const order: TS.SourceFile[] = [];
  const queue = [from];
  for (let file = queue.shift(); file; file = queue.shift()) {
    for (const specifier of moduleSpecifiers(ts, file)) {
      // A module's symbol is declared by the source file that is the module.
      const target = checker.getSymbolAtLocation(specifier)?.valueDeclaration;
      if (!target || !ts.isSourceFile(target) || seen.has(target) || !isLocal(target)) continue;
      seen.add(target);
      order.push(target);
      queue.push(target);
    }
  }
  return order;
}
