import { IopubMessage, OutputCollector } from "../../src/app/runner/collect-outputs";
import { Output } from "../../src/app/runner/nbformat";

const msg = (msg_type: string, content: object): IopubMessage => ({ header: { msg_type }, content });
const stdout = (text: string) => msg("stream", { name: "stdout", text });
const stderr = (text: string) => msg("stream", { name: "stderr", text });
const display = (text: string, display_id?: string) =>
  msg("display_data", { data: { "text/plain": text }, metadata: {}, transient: display_id ? { display_id } : {} });
const update = (text: string, display_id: string) =>
  msg("update_display_data", { data: { "text/plain": text }, metadata: { v: text }, transient: { display_id } });

function collect(...messages: IopubMessage[]): Output[] {
  const outputs: Output[] = [];
  const collector = new OutputCollector();
  collector.startCell(outputs);
  collector.addAll(messages);
  return outputs;
}

describe("OutputCollector", () => {
  it("merges consecutive streams of the same name only", () => {
    expect(collect(stdout("a"), stdout("b\n"), stderr("oops\n"), stdout("c\n"))).toEqual([
      { output_type: "stream", name: "stdout", text: "ab\n" },
      { output_type: "stream", name: "stderr", text: "oops\n" },
      { output_type: "stream", name: "stdout", text: "c\n" },
    ]);
  });

  it("turns results, displays and errors into nbformat outputs and ignores status traffic", () => {
    const outputs = collect(
      msg("status", { execution_state: "busy" }),
      msg("execute_input", { code: "1", execution_count: 4 }),
      display("shown"),
      msg("execute_result", { execution_count: 4, data: { "text/plain": "42" }, metadata: {} }),
      msg("error", { ename: "TypeError", evalue: "x is not a function", traceback: ["TypeError: x"] }),
      msg("status", { execution_state: "idle" }),
    );
    expect(outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": "shown" }, metadata: {} },
      { output_type: "execute_result", execution_count: 4, data: { "text/plain": "42" }, metadata: {} },
      { output_type: "error", ename: "TypeError", evalue: "x is not a function", traceback: ["TypeError: x"] },
    ]);
    expect(outputs[0]).not.toHaveProperty("transient");
  });

  it("updates every output with the display id in place, also in earlier cells", () => {
    const collector = new OutputCollector();
    const first: Output[] = [];
    const second: Output[] = [];
    collector.startCell(first);
    collector.addAll([display("0%", "progress"), display("other", "x")]);
    collector.startCell(second);
    collector.addAll([display("0%", "progress"), update("100%", "progress"), update("ignored", "unknown")]);

    expect(first[0]).toEqual({ output_type: "display_data", data: { "text/plain": "100%" }, metadata: { v: "100%" } });
    expect(first[1]).toMatchObject({ data: { "text/plain": "other" } });
    expect(second).toEqual([first[0]]);
  });

  it("clears at once without wait, and at the next output with wait", () => {
    expect(collect(stdout("a\n"), msg("clear_output", { wait: false }), stdout("b\n"))).toEqual([
      { output_type: "stream", name: "stdout", text: "b\n" },
    ]);
    const waiting = collect(stdout("a\n"), msg("clear_output", { wait: true }));
    expect(waiting).toEqual([{ output_type: "stream", name: "stdout", text: "a\n" }]);
    expect(collect(stdout("a\n"), msg("clear_output", { wait: true }), display("b"))).toEqual([
      { output_type: "display_data", data: { "text/plain": "b" }, metadata: {} },
    ]);
  });

  it("does not let an update trigger a pending clear", () => {
    const outputs = collect(display("1", "d"), msg("clear_output", { wait: true }), update("2", "d"));
    expect(outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "2" }, metadata: { v: "2" } }]);
  });

  it("forgets cleared displays, so later updates change nothing", () => {
    const outputs = collect(display("1", "d"), msg("clear_output", { wait: false }), update("2", "d"), stdout("x"));
    expect(outputs).toEqual([{ output_type: "stream", name: "stdout", text: "x" }]);
  });

  it("empties the output list a cell starts with", () => {
    const outputs: Output[] = [{ output_type: "stream", name: "stdout", text: "old" }];
    new OutputCollector().startCell(outputs);
    expect(outputs).toEqual([]);
  });
});
