import { ShapeStep } from "../model/task-protocol";

/**
 * Where the walk is inside a value, as a chain back to its root. Nodes are made only for objects,
 * so the large arrays of numbers a notebook ships cost no paths.
 */
export interface PathNode {
  parent?: PathNode;
  /** Absent on a root. */
  step?: ShapeStep;
  /** A Map value's key, when it is a primitive and so reads better than the entry's position. */
  key?: unknown;
}

export function child(parent: PathNode, step: ShapeStep, key?: unknown): PathNode {
  return key === undefined ? { parent, step } : { parent, step, key };
}

/** The steps from the root, for the worker to follow. */
export function stepsOf(node: PathNode): ShapeStep[] {
  const steps: ShapeStep[] = [];
  for (let n: PathNode | undefined = node; n?.step !== undefined; n = n.parent) steps.push(n.step);
  return steps.reverse();
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * The path from `top` (written `root`) as the notebook would write it: `pts[0]`,
 * `cfg.handlers.get("x")`, `[...tags][2]`.
 */
export function renderPath(root: string, node: PathNode, top: PathNode): string {
  if (node === top || node.step === undefined || !node.parent) return root;
  const inner = renderPath(root, node.parent, top);
  const step = node.step;
  if (typeof step === "number") return `${inner}[${step}]`;
  if (typeof step === "string") return IDENT.test(step) ? `${inner}.${step}` : `${inner}[${JSON.stringify(step)}]`;
  if (step.of === "element") return `[...${inner}][${step.entry}]`;
  if (step.of === "key") return `[...${inner}.keys()][${step.entry}]`;
  return isPrimitiveKey(node.key) ? `${inner}.get(${renderKey(node.key)})` : `[...${inner}.values()][${step.entry}]`;
}

function isPrimitiveKey(key: unknown): boolean {
  return key === null || (typeof key !== "object" && typeof key !== "function" && typeof key !== "symbol");
}

function renderKey(key: unknown): string {
  if (typeof key === "string") return JSON.stringify(key);
  if (typeof key === "bigint") return `${key}n`;
  return String(key);
}
