/**
 * Puts the interrupt check (runtime/loop-checks.ts says why) first in every loop body and every
 * function body of a cell's JavaScript: loops for `while (true) {}`, functions for recursion that
 * runs for minutes without a loop. It runs inside the compiler's own emit, so the cell's source
 * map stays exact for everything the cell wrote; each check maps to the start of its loop or
 * function. Constructors are left alone: a derived class's must begin with `super()`.
 */
import type * as TS from "typescript";
import { LOOP_FLAG_NAME, LOOP_STOP_NAME } from "../runtime/loop-checks";
import { isFunctionWithBlock, withBody } from "./function-body";

export function loopChecks(ts: typeof TS): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const f = context.factory;
    let file!: TS.SourceFile;
    const stopCall = () =>
      f.createExpressionStatement(f.createCallExpression(f.createIdentifier(LOOP_STOP_NAME), undefined, []));
    const check = (loop: TS.Node): TS.Statement => {
      const gateSet = f.createLogicalAnd(
        f.createStrictInequality(
          f.createTypeOfExpression(f.createIdentifier(LOOP_FLAG_NAME)),
          f.createStringLiteral("undefined"),
        ),
        f.createIdentifier(LOOP_FLAG_NAME),
      );
      // One line in the printed JavaScript, which `fn.toString()` shows.
      const statement = f.createIfStatement(
        gateSet,
        ts.setEmitFlags(f.createBlock([stopCall()]), ts.EmitFlags.SingleLine),
      );
      // Mapped to where the loop starts, so a stack through the check names the loop's line.
      const start = ts.getOriginalNode(loop).getStart(file);
      return ts.setSourceMapRange(statement, { pos: start, end: start });
    };
    const checked = (loop: TS.IterationStatement): TS.Statement => {
      const body = loop.statement;
      return ts.isBlock(body)
        ? f.updateBlock(body, [check(loop), ...body.statements])
        : f.createBlock([check(loop), body], true);
    };
    const entered = (fn: TS.Node, body: TS.Block): TS.Block => f.updateBlock(body, [check(fn), ...body.statements]);
    // `x => x * 2` becomes `x => { check; return x * 2; }`.
    const arrowBody = (fn: TS.ArrowFunction): TS.Block =>
      ts.isBlock(fn.body) ? entered(fn, fn.body) : f.createBlock([check(fn), f.createReturnStatement(fn.body)], true);

    const visit = (node: TS.Node): TS.Node => {
      const n = ts.visitEachChild(node, visit, context);
      if (ts.isWhileStatement(n)) return f.updateWhileStatement(n, n.expression, checked(n));
      if (ts.isDoStatement(n)) return f.updateDoStatement(n, checked(n), n.expression);
      if (ts.isForStatement(n)) return f.updateForStatement(n, n.initializer, n.condition, n.incrementor, checked(n));
      if (ts.isForInStatement(n)) return f.updateForInStatement(n, n.initializer, n.expression, checked(n));
      if (ts.isForOfStatement(n))
        return f.updateForOfStatement(n, n.awaitModifier, n.initializer, n.expression, checked(n));
      if (isFunctionWithBlock(ts, n) && n.body) {
        return withBody(ts, f, n, ts.isArrowFunction(n) ? arrowBody(n) : entered(n, n.body as TS.Block));
      }
      return n;
    };
    return (source) => {
      file = source;
      return visit(source) as TS.SourceFile;
    };
  };
}
