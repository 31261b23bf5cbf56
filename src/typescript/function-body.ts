/** One way to give a function-like node a new body, for the transforms that add statements to bodies. */
import type * as TS from "typescript";

export type FunctionWithBlock =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration
  | TS.GetAccessorDeclaration
  | TS.SetAccessorDeclaration;

export function isFunctionWithBlock(ts: typeof TS, node: TS.Node): node is FunctionWithBlock {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** `node` with `body` in place of its own; everything else about it kept. */
export function withBody<T extends FunctionWithBlock>(ts: typeof TS, f: TS.NodeFactory, node: T, body: TS.Block): T {
  const n: FunctionWithBlock = node;
  if (ts.isArrowFunction(n))
    return f.updateArrowFunction(
      n,
      n.modifiers,
      n.typeParameters,
      n.parameters,
      n.type,
      n.equalsGreaterThanToken,
      body,
    ) as T;
  if (ts.isFunctionDeclaration(n))
    return f.updateFunctionDeclaration(
      n,
      n.modifiers,
      n.asteriskToken,
      n.name,
      n.typeParameters,
      n.parameters,
      n.type,
      body,
    ) as T;
  if (ts.isFunctionExpression(n))
    return f.updateFunctionExpression(
      n,
      n.modifiers,
      n.asteriskToken,
      n.name,
      n.typeParameters,
      n.parameters,
      n.type,
      body,
    ) as T;
  if (ts.isMethodDeclaration(n)) {
    const { modifiers, asteriskToken, name, questionToken, typeParameters, parameters, type } = n;
    return f.updateMethodDeclaration(
      n,
      modifiers,
      asteriskToken,
      name,
      questionToken,
      typeParameters,
      parameters,
      type,
      body,
    ) as T;
  }
  if (ts.isGetAccessorDeclaration(n))
    return f.updateGetAccessorDeclaration(n, n.modifiers, n.name, n.parameters, n.type, body) as T;
  return f.updateSetAccessorDeclaration(n, n.modifiers, n.name, n.parameters, body) as T;
}
