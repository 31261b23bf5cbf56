/**
 * Whether a cell awaits at its top level, and so must run as the body of an async function.
 *
 * A cell file is an ES module, where TypeScript accepts `await` at the top level without a word,
 * so the compiler says nothing about it; the kernel looks at the syntax tree instead. That also
 * covers the cases tslab's converter once missed when it learnt this from a diagnostic: `await (p)`,
 * which a module's parser first reads as a call of a function named `await`, and `for await`.
 */
import type * as TS from "typescript";

/**
 * The converter's own cell file starts with `export {};`, which makes it a module: parse the cell
 * the same way, so `await` reads as the operator wherever a module allows it.
 */
const MODULE_PREFIX = "export {};\n";

export function hasTopLevelAwait(ts: typeof TS, code: string): boolean {
  if (!/\bawait\b/.test(code)) return false;
  const file = ts.createSourceFile("cell.ts", MODULE_PREFIX + code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const visit = (node: TS.Node): boolean => {
    if (ts.isAwaitExpression(node)) return true;
    if (ts.isForOfStatement(node) && node.awaitModifier) return true;
    // `await using` awaits the disposal when its block ends.
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.BlockScoped) === ts.NodeFlags.AwaitUsing)
      return true;
    // A function's body awaits for the function, not for the cell; a computed name of a method
    // is evaluated where the class is, though.
    if (ts.isFunctionLike(node))
      return node.name !== undefined && ts.isComputedPropertyName(node.name) && visit(node.name);
    // Neither a static block nor a field initializer may await; they do not make the cell async.
    if (ts.isClassStaticBlockDeclaration(node)) return false;
    if (ts.isPropertyDeclaration(node)) return ts.isComputedPropertyName(node.name) && visit(node.name);
    return ts.forEachChild(node, visit) === true;
  };
  return visit(file);
}
