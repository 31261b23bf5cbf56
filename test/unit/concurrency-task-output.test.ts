import { TaskOutput } from "../../src/concurrency/model/task-output";
import { CellOutput } from "../../src/protocol/interpreter-contract";

function sink() {
  const seen: [string, string][] = [];
  const out: CellOutput = {
    stream: (name, text) => void seen.push([name, text]),
    display: () => undefined,
    updateDisplay: () => undefined,
    clearOutput: () => undefined,
    requestInput: () => Promise.resolve(""),
  };
  return { seen, out };
}

describe("TaskOutput", () => {
  it("prefixes whole lines and holds partial ones per task", () => {
    const { seen, out } = sink();
    const t = new TaskOutput(out, false);
    t.write(0, "stdout", "hel");
    t.write(1, "stdout", "other\n");
    t.write(0, "stdout", "lo\nwor");
    t.endTask(0);
    expect(seen).toEqual([
      ["stdout", "[task 1] other\n"],
      ["stdout", "[task 0] hello\n"],
      ["stdout", "[task 0] wor\n"],
    ]);
  });

  it("groups by task when asked", () => {
    const { seen, out } = sink();
    const t = new TaskOutput(out, true);
    t.write(1, "stdout", "b1\n");
    t.write(0, "stdout", "a1\n");
    t.write(1, "stderr", "b2\n");
    expect(seen).toEqual([]);
    t.finish();
    expect(seen).toEqual([
      ["stdout", "[task 0] a1\n"],
      ["stdout", "[task 1] b1\n"],
      ["stderr", "[task 1] b2\n"],
    ]);
  });
});

describe("TaskOutput's stderr tail", () => {
  it("keeps each task's last stderr lines, whole and cut to length, for its error", () => {
    const out = new TaskOutput(sink().out, false);
    for (let k = 0; k < 7; k++) out.write(1, "stderr", `line ${k}\n`);
    out.write(1, "stdout", "not stderr\n");
    out.write(2, "stderr", "x".repeat(500));
    out.endTask(2);
    expect(out.stderrTail(1)).toEqual(["line 2", "line 3", "line 4", "line 5", "line 6"]);
    expect(out.stderrTail(2)).toEqual(["x".repeat(199) + "…"]);
    expect(out.stderrTail(3)).toEqual([]);
  });
});
