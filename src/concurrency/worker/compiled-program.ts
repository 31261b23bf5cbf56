/**
 * A cell's program inside a worker: compiled once when its first task arrives, then instantiated
 * per task, so each task gets a fresh scope and fresh copies of the data names, as a cell would.
 * A program that captures no data and no functions has nothing a task could change for the next
 * one (its imports are the worker's modules either way): its task function is made once.
 */
import { runInThisContext } from "vm";
import { CapturedName, Reattach, ShippedProgram } from "../model/task-protocol";
import { cellPositions } from "../../runtime/cell-positions";
import { reattach } from "./reattach";

export type TaskBody = (task: unknown) => unknown;

export interface CompiledProgram {
  /** A task function over fresh copies of the data; `item` (already a copy of its own) gets its classes back too. */
  instantiate(item: unknown, itemReattach: readonly Reattach[] | undefined): TaskBody;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

type Factory = (exports: Record<string, unknown>, require: NodeJS.Require) => unknown;

export function compileProgram(program: ShippedProgram, api: Record<string, unknown>): CompiledProgram {
  const locals: string[] = [];
  const assignments: string[] = [];
  const imports: Record<string, unknown> = {};
  const data: Record<string, unknown> = {};
  let hasData = false;
  for (const c of program.names) {
    if (!IDENT.test(c.name)) throw new Error(`cannot re-create notebook name '${c.name}'`);
    locals.push(c.name);
    if (c.kind === "function") {
      assignments.push(`${c.name} = exports.${c.name} = (${c.source});`);
      continue;
    }
    if (c.kind === "import") imports[c.name] = load(c);
    else {
      data[c.name] = c.value;
      hasData = true;
    }
    assignments.push(`${c.name} = exports.${c.name};`);
  }
  const source = [
    locals.length ? `let ${locals.join(", ")};` : "",
    ...assignments,
    program.js,
    `return exports[${JSON.stringify(program.bodyVar)}];`,
  ].join("\n");
  const script = `(function (exports, require) {${source}\n})`;
  if (program.positions)
    cellPositions.register(program.filename, program.positions, script, script.indexOf(program.js));
  // Compiled under the cell's name, so a task's stack frames say where in the cell it failed.
  const factory = runInThisContext(script, { filename: program.filename, displayErrors: false }) as Factory;
  const dataReattach = program.reattach ?? [];

  const instantiate = (): { body: TaskBody; protoOf: (proto: Reattach["proto"]) => object | null } => {
    // One copy of all the data together keeps what the names share with each other.
    const copies = hasData ? structuredClone(data) : {};
    const exportsObject: Record<string, unknown> = { ...api, ...imports, ...copies };
    const body = factory(exportsObject, require);
    if (typeof body !== "function") throw new Error("the task body did not compile to a function");
    // The classes now exist in this task's scope, under their notebook names.
    const protoOf = (proto: Reattach["proto"]): object | null => {
      if (proto === null) return null;
      if ("builtin" in proto) return Buffer.prototype;
      return (exportsObject[proto.class] as { prototype: object }).prototype;
    };
    if (dataReattach.length) reattach(copies, dataReattach, protoOf);
    return { body: body as TaskBody, protoOf };
  };
  const shared = hasData || program.names.some((c) => c.kind === "function") ? undefined : instantiate();

  return {
    instantiate(item, itemReattach) {
      const { body, protoOf } = shared ?? instantiate();
      if (itemReattach?.length) reattach(item, itemReattach, protoOf);
      return body;
    },
  };
}

function load(c: Extract<CapturedName, { kind: "import" }>): unknown {
  // The cell's own import, resolved at run time the way the cell's CommonJS code resolves it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the specifier is only known at run time
  const mod = require(c.specifier) as Record<string, unknown>;
  const esm = mod !== null && typeof mod === "object" && mod.__esModule === true;
  if (c.binding === "require") return mod;
  if (c.binding === "default") return esm ? mod.default : mod;
  if (c.binding === "namespace") return esm ? mod : { ...mod, default: mod };
  return mod[c.binding.named];
}
