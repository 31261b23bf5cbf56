/**
 * Puts the interrupt check (runtime/loop-checks.ts says why) first in every loop body of a
 * cell's JavaScript. It runs inside the compiler's own emit, so the cell's source map stays exact
 * for everything the cell wrote; the check itself maps to nothing and reads as the loop's line.
 */
import type * as TS from "@tslab/typescript-for-tslab";
import { LOOP_GATE_NAME, LOOP_STOP_NAME } from "../runtime/loop-checks";
import { LOOPS_STOP_AT } from "../../transport/interrupt-gate";

export function loopChecks(ts: typeof TS): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const f = context.factory;
    let file!: TS.SourceFile;
    const at = (pos: number): TS.SourceMapRange => ({ pos, end: pos });
    // Mapped to where the loop starts, so a stack through the check names the loop's line.
    const check = (loop: TS.Node): TS.Statement =>
      ts.setSourceMapRange(f.createIfStatement(
        f.createLogicalAnd(
          f.createStrictInequality(f.createTypeOfExpression(f.createIdentifier(LOOP_GATE_NAME)), f.createStringLiteral("undefined")),
          f.createGreaterThanEquals(
            f.createElementAccessExpression(f.createIdentifier(LOOP_GATE_NAME), 0),
            f.createNumericLiteral(LOOPS_STOP_AT),
          ),
        ),
        // One line in the printed JavaScript, which `fn.toString()` shows.
        ts.setEmitFlags(
          f.createBlock([f.createExpressionStatement(f.createCallExpression(f.createIdentifier(LOOP_STOP_NAME), undefined, []))]),
          ts.EmitFlags.SingleLine,
        ),
      ), at(ts.getOriginalNode(loop).getStart(file)));
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
