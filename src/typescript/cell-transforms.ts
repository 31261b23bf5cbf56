/**
 * Transforms of a cell's emitted code that make it a notebook cell: names from earlier cells read
 * through `exports`, the last expression kept in a variable, and the `export { … }` the converter
 * appends kept out of the declarations.
 */
import type * as TS from "typescript";

/** The name given to the cell's last expression statement, unless the cell uses it. */
const LAST_EXPRESSION = "tsLastExpr";

/** `x` becomes `exports.x` wherever `x` resolves to a declaration in `declarations` (an earlier cell). */
export function readEarlierNames(
  ts: typeof TS,
  checker: TS.TypeChecker,
  declarations: TS.SourceFile,
): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const f = context.factory;
    const fromEarlierCell = (id: TS.Identifier) =>
      (checker.getSymbolAtLocation(id)?.declarations ?? []).some((d) => d.getSourceFile() === declarations);
    const visit = (node: TS.Node): TS.Node => {
      if (!ts.isIdentifier(node)) return ts.visitEachChild(node, visit, context);
      if (node.parent && ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) return node;
      return fromEarlierCell(node) ? f.createPropertyAccessExpression(f.createIdentifier("exports"), node) : node;
    };
    return (file) => ts.visitEachChild(file, visit, context);
  };
}

/**
 * The cell's last statement, when it is an expression, becomes `export const tsLastExpr = …;` so
 * the kernel can show its value. `declared` are the cell's own names, which the variable avoids.
 */
export function keepLastExpression(
  ts: typeof TS,
  declared: ReadonlySet<string>,
  found: (name: string) => void,
): TS.TransformerFactory<TS.SourceFile> {
  return (context) => (file) => {
    const f = context.factory;
    const statements = [...file.statements];
    let i = statements.length - 1;
    while (i >= 0 && ts.isExportDeclaration(statements[i])) i--;
    const last = statements[i];
    if (!last || !ts.isExpressionStatement(last)) return file;
    let name = LAST_EXPRESSION;
    for (let n = 0; declared.has(name); n++) name = `${LAST_EXPRESSION}${n}`;
    const kept = f.createVariableStatement(
      [f.createModifier(ts.SyntaxKind.ExportKeyword)],
      f.createVariableDeclarationList(
        [f.createVariableDeclaration(name, undefined, undefined, last.expression)],
        ts.NodeFlags.Const,
      ),
    );
    statements[i] = ts.setTextRange(kept, last);
    found(name);
    return f.updateSourceFile(file, statements);
  };
}

/** The declarations of a cell, without its `export {};` and `export { … }`: the names stay the notebook's. */
export function dropExportLists(ts: typeof TS): TS.TransformerFactory<TS.SourceFile | TS.Bundle> {
  return (context) => (node) =>
    ts.isSourceFile(node)
      ? context.factory.updateSourceFile(
          node,
          node.statements.filter((s) => !ts.isExportDeclaration(s)),
        )
      : node;
}

/**
 * Cells run as sloppy-mode scripts, as they did under tslab (whose TypeScript could leave
 * `"use strict"` out); TypeScript 5.5 removed that option, so the CommonJS pass drops the prologue.
 */
export function dropUseStrict(ts: typeof TS): TS.TransformerFactory<TS.SourceFile> {
  return (context) => (file) => {
    const first = file.statements[0];
    const isUseStrict =
      first !== undefined &&
      ts.isExpressionStatement(first) &&
      ts.isStringLiteral(first.expression) &&
      first.expression.text === "use strict";
    return isUseStrict ? context.factory.updateSourceFile(file, file.statements.slice(1)) : file;
  };
}
