/**
 * Puts the interrupt check (runtime/loop-checks.ts says why) first in every loop body of a
 * cell's JavaScript. It runs inside the compiler's own emit, so the cell's source map stays exact
 * for everything the cell wrote; the check maps to the start of its loop.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import { LOOP_GATE_NAME, LOOP_STOP_NAME } from "../runtime/loop-checks";
import { LOOPS_STOP_AT } from "../../transport/interrupt-gate";

export function loopChecks(ts: typeof TS): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const f = context.factory;
    let file!: TS.SourceFile;
    const stopCall = () => f.createExpressionStatement(f.createCallExpression(f.createIdentifier(LOOP_STOP_NAME), undefined, []));
    const check = (loop: TS.Node): TS.Statement => {
      const gateSet = f.createLogicalAnd(
        f.createStrictInequality(f.createTypeOfExpression(f.createIdentifier(LOOP_GATE_NAME)), f.createStringLiteral("undefined")),
        f.createGreaterThanEquals(f.createElementAccessExpression(f.createIdentifier(LOOP_GATE_NAME), 0), f.createNumericLiteral(LOOPS_STOP_AT)),
      );
      // One line in the printed JavaScript, which `fn.toString()` shows.
      const statement = f.createIfStatement(gateSet, ts.setEmitFlags(f.createBlock([stopCall()]), ts.EmitFlags.SingleLine));
      // Mapped to where the loop starts, so a stack through the check names the loop's line.
      const start = ts.getOriginalNode(loop).getStart(file);
      return ts.setSourceMapRange(statement, { pos: start, end: start });
    };
    const checked = (loop: TS.IterationStatement): TS.Statement => {
      const body = loop.statement;
      return ts.isBlock(body) ? f.updateBlock(body, [check(loop), ...body.statements]) : f.createBlock([check(loop), body], true);
    };

    const visit = (node: TS.Node): TS.Node => {
      const n = ts.visitEachChild(node, visit, context);
      if (ts.isWhileStatement(n)) return f.updateWhileStatement(n, n.expression, checked(n));
      if (ts.isDoStatement(n)) return f.updateDoStatement(n, checked(n), n.expression);
      if (ts.isForStatement(n)) return f.updateForStatement(n, n.initializer, n.condition, n.incrementor, checked(n));
      if (ts.isForInStatement(n)) return f.updateForInStatement(n, n.initializer, n.expression, checked(n));
      if (ts.isForOfStatement(n)) return f.updateForOfStatement(n, n.awaitModifier, n.initializer, n.expression, checked(n));
      return n;
    };
    return (source) => {
      file = source;
      return visit(source) as TS.SourceFile;
    };
  };
}
