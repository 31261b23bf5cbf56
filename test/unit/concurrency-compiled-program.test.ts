/**
 * A cell's program inside a worker: compiled once, its task function made once when it captures
 * nothing a task could change, and afresh per task (fresh copies) when it captures data or functions.
 */
import { describe, expect, it } from "@jest/globals";
import { compileProgram } from "../../src/concurrency/worker/compiled-program";
import { ShippedProgram } from "../../src/concurrency/model/task-protocol";

/** The program's top level counts its own runs in `exports.runs`, an object the API hands in by reference. */
function counted(names: ShippedProgram["names"]): { program: ShippedProgram; runs: { n: number } } {
  const runs = { n: 0 };
  const program: ShippedProgram = {
    js: "exports.runs.n++;\nconst body = async (task) => [task.i, typeof table === 'undefined' ? null : table.push(task.i)];\nexports.body = body;",
    bodyVar: "body",
    filename: "Cell[1] task body",
    names,
  };
  return { program, runs };
}

describe("compileProgram", () => {
  it("makes the task function once when the program captures nothing", async () => {
    const { program, runs } = counted([]);
    const compiled = compileProgram(program, { runs });
    const bodies = [0, 1, 2].map(() => compiled.instantiate(undefined, undefined));
    expect(runs.n).toBe(1);
    expect(new Set(bodies).size).toBe(1);
    expect(await bodies[2]({ i: 2 })).toEqual([2, null]);
  });

  it("makes it afresh for each task when the program captures data, so each task has its own copy", async () => {
    const { program, runs } = counted([{ name: "table", kind: "data", value: [] }]);
    const compiled = compileProgram(program, { runs });
    const lengths = await Promise.all([0, 1, 2].map((i) => compiled.instantiate(undefined, undefined)({ i })));
    expect(runs.n).toBe(3);
    // Each task pushed onto a fresh empty copy: none sees another's change.
    expect(lengths).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });

  it("makes it afresh for each task when the program captures a function, which may keep state", () => {
    const { program, runs } = counted([{ name: "helper", kind: "function", source: "function helper() {}" }]);
    const compiled = compileProgram(program, { runs });
    const bodies = [0, 1].map(() => compiled.instantiate(undefined, undefined));
    expect(runs.n).toBe(2);
    expect(bodies[0]).not.toBe(bodies[1]);
  });

  it("still puts an item's class back on each task's own item when the function is shared", () => {
    const { program } = counted([]);
    const compiled = compileProgram(program, { runs: { n: 0 } });
    const item = { a: [1] };
    compiled.instantiate(item, [{ at: ["a"], proto: null }]);
    expect(Object.getPrototypeOf(item.a)).toBeNull();
  });
});
