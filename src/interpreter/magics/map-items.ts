import { inspect } from "util";
import { CellDiagnostic } from "../../typescript/engine";
import { toErrorFields } from "../../runtime/error-fields";
import { MagicUsageError } from "./magic-error";
import { MAX_TASKS } from "./concurrency-options";

/** A --map expression evaluated in the notebook: its value, or why it does not compile. */
export type ExpressionResult =
  { kind: "value"; value: unknown } | { kind: "diagnostics"; diagnostics: CellDiagnostic[] };

/**
 * The items of `--map EXPR`, one per task. Whatever goes wrong (it does not compile, it throws,
 * its promise rejects, it is not an array, it is too long) is a UsageError naming --map and the
 * expression, so that the learner sees which part of the magic line to change.
 */
export async function mapItems(
  evaluate: (expression: string) => Promise<ExpressionResult>,
  expr: string,
  tasks: number | undefined,
): Promise<unknown[]> {
  const flag = `--map ${expr}`;
  let value: unknown;
  try {
    const result = await evaluate(expr);
    if (result.kind === "diagnostics") throw notCompiled(flag, expr, result.diagnostics);
    // Items fetched or computed asynchronously are as good as any: wait for them, as a cell would.
    value = isThenable(result.value) ? await result.value : result.value;
  } catch (e) {
    if (e instanceof MagicUsageError) throw e;
    const thrown = toErrorFields(e);
    // Frames in notebook functions the expression called say where; the expression's own compiled
    // lines name no place the learner typed.
    const frames = thrown.traceback.filter((l) => /^\s+(at |\d+ \| )/.test(l) && !/\bexpression:\d/.test(l));
    throw new MagicUsageError(`${flag} failed: ${thrown.ename}: ${thrown.evalue}`, frames);
  }
  if (!Array.isArray(value)) {
    throw new MagicUsageError(
      `${flag} gave ${describe(value)}; it must give an array, one item per task, e.g. --map "[1, 2, 3]"`,
    );
  }
  if (value.length > MAX_TASKS && (tasks === undefined || tasks > MAX_TASKS)) {
    throw new MagicUsageError(
      `${flag} gave ${value.length} items, but a cell runs at most ${MAX_TASKS} tasks; add -n N to take the first N, or group the items into chunks`,
    );
  }
  return value;
}

function notCompiled(flag: string, expr: string, diagnostics: CellDiagnostic[]): MagicUsageError {
  const first = diagnostics[0];
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "";
  const message = first ? `${first.message} (TS${first.code})${more}` : "the TypeScript compiler rejected it";
  // A caret under the column, in the magic line as the learner typed the expression.
  const caret =
    first && !first.fileName && first.line === 0
      ? [`    --map ${expr}`, `    ${" ".repeat(6 + first.character)}^`]
      : [];
  return new MagicUsageError(`${flag} does not compile: ${message}`, caret);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** "a number (5)", "an object ({ a: 1 })", "undefined": what the learner's expression gave. */
function describe(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  const shown = inspect(v, { depth: 0, breakLength: Infinity, maxArrayLength: 3, maxStringLength: 40 });
  const short = shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
  const type =
    typeof v === "object"
      ? "an object"
      : typeof v === "function"
        ? "a function"
        : /^[aeiou]/.test(typeof v)
          ? `an ${typeof v}`
          : `a ${typeof v}`;
  return `${type} (${short})`;
}
