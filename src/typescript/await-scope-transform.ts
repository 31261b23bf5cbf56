/**
 * Puts a cell's scope back wherever cell code resumes after waiting (runtime/scope-tracking.ts
 * says why: on Node 20 that is cheaper than V8 following every promise). Every async function of
 * a cell, and the cell itself when it awaits at its top level, takes a keeper on entry:
 *
 *     const __tsck_k = typeof __tsck_keep === "function" ? __tsck_keep() : (v) => v;
 *
 * and each `await x` becomes `__tsck_k(await x)`, so the code after it runs in the scope the
 * function was called in. Where a wait ends by throwing, the `catch` or `finally` that takes it
 * starts with `__tsck_k();`; a `for await` loop does so in its body and after it. The `typeof`
 * keeps compiled cells runnable where the name is missing (a function's source evaluated in a
 * Worker the notebook made itself). Like the loop checks, it runs inside the compiler's emit, so
 * the cell's source map stays exact.
 */
import type * as TS from "typescript";
import { AWAIT_KEEPER_LOCAL, AWAIT_KEEPER_NAME } from "../runtime/await-keeper";
import { FunctionWithBlock, isFunctionWithBlock, withBody } from "./function-body";

/** What the visitor knows of the function it is in. */
interface Frame {
  readonly isAsync: boolean;
  /** Whether anything in it calls the keeper, so it needs one. */
  used: boolean;
}

export function awaitScopes(ts: typeof TS): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const f = context.factory;
    let frame: Frame = { isAsync: true, used: false };
    /** The `for await` loop of the label being visited, which the label's restore follows. */
    let labelledLoop: TS.Node | undefined;

    const keeper = () => f.createIdentifier(AWAIT_KEEPER_LOCAL);
    const restore = (): TS.Statement => {
      frame.used = true;
      return f.createExpressionStatement(f.createCallExpression(keeper(), undefined, []));
    };
    const declaration = (): TS.Statement =>
      f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [
            f.createVariableDeclaration(
              AWAIT_KEEPER_LOCAL,
              undefined,
              undefined,
              f.createConditionalExpression(
                f.createStrictEquality(
                  f.createTypeOfExpression(f.createIdentifier(AWAIT_KEEPER_NAME)),
                  f.createStringLiteral("function"),
                ),
                undefined,
                f.createCallExpression(f.createIdentifier(AWAIT_KEEPER_NAME), undefined, []),
                undefined,
                f.createArrowFunction(
                  undefined,
                  undefined,
                  [f.createParameterDeclaration(undefined, undefined, "v")],
                  undefined,
                  undefined,
                  f.createIdentifier("v"),
                ),
              ),
            ),
          ],
          ts.NodeFlags.Const,
        ),
      );
    /** `statements` with the keeper declared first, after any "use strict" prologue. */
    const withKeeper = (statements: readonly TS.Statement[]): TS.Statement[] => {
      let prologue = 0;
      const isDirective = (s: TS.Statement) => ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression);
      while (prologue < statements.length && isDirective(statements[prologue])) prologue++;
      return [...statements.slice(0, prologue), declaration(), ...statements.slice(prologue)];
    };
    const prepend = (block: TS.Block): TS.Block => f.updateBlock(block, [restore(), ...block.statements]);
    const isForAwait = (node: TS.Node): node is TS.ForOfStatement =>
      ts.isForOfStatement(node) && node.awaitModifier !== undefined;

    /** The statement a chain of labels stands on. */
    const labelled = (node: TS.LabeledStatement): TS.Statement =>
      ts.isLabeledStatement(node.statement) ? labelled(node.statement) : node.statement;

    const isAsyncFunction = (node: FunctionWithBlock): boolean =>
      (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some(
        (m) => m.kind === ts.SyntaxKind.AsyncKeyword,
      ) ?? false;

    const inFunction = <T extends FunctionWithBlock>(node: T): T => {
      const outer = frame;
      frame = { isAsync: isAsyncFunction(node), used: false };
      try {
        const visited = ts.visitEachChild(node, visit, context) as T;
        if (!frame.used || !visited.body) return visited;
        const body = ts.isBlock(visited.body)
          ? f.updateBlock(visited.body, withKeeper(visited.body.statements))
          : f.createBlock(withKeeper([f.createReturnStatement(visited.body)]), true);
        return withBody(ts, f, visited, body);
      } finally {
        frame = outer;
      }
    };

    const visit = (node: TS.Node): TS.VisitResult<TS.Node> => {
      if (isFunctionWithBlock(ts, node)) return inFunction(node);
      // Neither can await: their awaits (none) need no keeper, and what they contain is not async.
      if (ts.isConstructorDeclaration(node) || ts.isClassStaticBlockDeclaration(node)) {
        const outer = frame;
        frame = { isAsync: false, used: false };
        try {
          return ts.visitEachChild(node, visit, context);
        } finally {
          frame = outer;
        }
      }
      if (!frame.isAsync) return ts.visitEachChild(node, visit, context);

      if (ts.isAwaitExpression(node)) {
        const visited = ts.visitEachChild(node, visit, context);
        frame.used = true;
        return f.createCallExpression(keeper(), undefined, [visited]);
      }
      if (ts.isCatchClause(node)) {
        const visited = ts.visitEachChild(node, visit, context);
        return f.updateCatchClause(visited, visited.variableDeclaration, prepend(visited.block));
      }
      if (ts.isTryStatement(node)) {
        const visited = ts.visitEachChild(node, visit, context);
        return visited.finallyBlock
          ? f.updateTryStatement(visited, visited.tryBlock, visited.catchClause, prepend(visited.finallyBlock))
          : visited;
      }
      if (isForAwait(node)) {
        const visited = ts.visitEachChild(node, visit, context);
        const body = ts.isBlock(visited.statement)
          ? prepend(visited.statement)
          : f.createBlock([restore(), visited.statement], true);
        const loop = f.updateForOfStatement(
          visited,
          visited.awaitModifier,
          visited.initializer,
          visited.expression,
          body,
        );
        // Under a label, the label's statement takes the restore after it: the loop must stay
        // the label's own, or `continue label` stops compiling.
        return node === labelledLoop ? loop : [loop, restore()];
      }
      if (ts.isLabeledStatement(node) && isForAwait(labelled(node)) && labelledLoop !== labelled(node)) {
        const outer = labelledLoop;
        labelledLoop = labelled(node);
        try {
          return [ts.visitEachChild(node, visit, context), restore()];
        } finally {
          labelledLoop = outer;
        }
      }
      return ts.visitEachChild(node, visit, context);
    };

    return (file) => {
      frame = { isAsync: true, used: false };
      const visited = ts.visitEachChild(file, visit, context);
      return frame.used ? f.updateSourceFile(visited, withKeeper(visited.statements)) : visited;
    };
  };
}
