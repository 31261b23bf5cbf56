/** execute_request bookkeeping in the kernel core: counts, execute_input, silent, store_history, stop_on_error. */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import * as kernelLog from "../../src/shared/log";
import { deferred, failure, ok } from "../support/fake-interpreter";
import { expectLifecycle, startCore } from "../support/core-kernel";

let logged: jest.SpiedFunction<typeof kernelLog.log>;
beforeEach(() => {
  logged = jest.spyOn(kernelLog, "log").mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

describe("kernel core execute", () => {
  it("counts stored cells, announces each with execute_input, and shows a result with its count", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("21 * 2", () => ok("42"));
    const first = transport.request("shell", "execute_request", { code: "let x = 1" });
    const second = transport.request("shell", "execute_request", { code: "21 * 2" });
    await transport.idle(second);
    expect((await transport.reply(first)).message.content).toEqual({
      status: "ok",
      execution_count: 1,
      user_expressions: {},
      payload: [],
    });
    expect((await transport.reply(second)).message.content).toMatchObject({ status: "ok", execution_count: 2 });
    expect(expectLifecycle(transport, first)).toEqual(["execute_input"]);
    expect(expectLifecycle(transport, second)).toEqual(["execute_input", "execute_result"]);
    const [input, result] = transport.iopubAbout(second).slice(1, 3);
    expect(input.message.content).toEqual({ code: "21 * 2", execution_count: 2 });
    expect(result.message.content).toEqual({ execution_count: 2, data: { "text/plain": "42" }, metadata: {} });
    expect(interpreter.executed.map((r) => [r.code, r.executionCount, r.silent])).toEqual([
      ["let x = 1", 1, false],
      ["21 * 2", 2, false],
    ]);
  });

  it("reports a failing cell as an error on iopub and in the reply, with the cell's count", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("throw", () => failure("TypeError", "x is not a function"));
    const request = transport.request("shell", "execute_request", { code: "throw" });
    const reply = await transport.reply(request);
    await transport.idle(request);
    expect(reply.message.content).toEqual({
      status: "error",
      ename: "TypeError",
      evalue: "x is not a function",
      traceback: ["TypeError: x is not a function"],
      execution_count: 1,
    });
    expect(reply.message.metadata).toMatchObject({ status: "error", dependencies_met: true });
    expect(expectLifecycle(transport, request)).toEqual(["execute_input", "error"]);
  });

  it("runs a silent cell without execute_input, without counting it or keeping it in history", async () => {
    const { transport, interpreter } = startCore();
    transport.request("shell", "execute_request", { code: "a" });
    const silent = transport.request("shell", "execute_request", { code: "b", silent: true });
    const after = transport.request("shell", "execute_request", { code: "c" });
    const history = transport.request("shell", "history_request", { hist_access_type: "tail", n: 10 });
    expect((await transport.reply(silent)).message.content).toMatchObject({ status: "ok", execution_count: 1 });
    expect((await transport.reply(after)).message.content).toMatchObject({ execution_count: 2 });
    expect(expectLifecycle(transport, silent)).toEqual([]);
    expect(interpreter.executed[1]).toMatchObject({ code: "b", silent: true, executionCount: 1 });
    expect((await transport.reply(history)).message.content.history).toEqual([
      [1, 1, "a"],
      [1, 2, "c"],
    ]);
  });

  it("with store_history false, shows the cell but neither counts nor records it", async () => {
    const { transport } = startCore();
    transport.request("shell", "execute_request", { code: "a" });
    const unstored = transport.request("shell", "execute_request", { code: "b", store_history: false });
    const history = transport.request("shell", "history_request", { hist_access_type: "tail", n: 10 });
    await transport.idle(history);
    expect((await transport.reply(unstored)).message.content).toMatchObject({ execution_count: 1 });
    expect(expectLifecycle(transport, unstored)).toEqual(["execute_input"]);
    expect(transport.iopubAbout(unstored)[1].message.content).toEqual({ code: "b", execution_count: 1 });
    expect((await transport.reply(history)).message.content.history).toEqual([[1, 1, "a"]]);
  });

  it("evaluates user_expressions after the cell and returns them in the reply", async () => {
    const { transport } = startCore();
    const request = transport.request("shell", "execute_request", { code: "x", user_expressions: { v: "x + 1" } });
    expect((await transport.reply(request)).message.content.user_expressions).toEqual({
      v: { status: "ok", data: { "text/plain": "x + 1" }, metadata: {} },
    });
  });

  it("answers a request without code as a bad request, counting nothing", async () => {
    const { transport, interpreter } = startCore();
    const request = transport.request("shell", "execute_request", { code: 42 });
    const reply = await transport.reply(request);
    await transport.idle(request);
    expect(reply.message.content).toMatchObject({ status: "error", ename: "BadRequest", execution_count: 0 });
    expect(expectLifecycle(transport, request)).toEqual(["error"]);
    expect(interpreter.executed).toEqual([]);
  });

  describe("stop_on_error", () => {
    function queueAfterFailure(failing: Record<string, unknown>) {
      const core = startCore();
      const release = deferred();
      core.interpreter.cells.set("fails", async () => {
        await release.promise;
        return failure("Error", "boom");
      });
      const bad = core.transport.request("shell", "execute_request", { code: "fails", ...failing });
      const queued = [
        core.transport.request("shell", "execute_request", { code: "next" }),
        core.transport.request("shell", "kernel_info_request", {}),
        core.transport.request("shell", "execute_request", { code: "last" }),
      ];
      release.resolve();
      return { ...core, bad, queued };
    }

    it("aborts the executes queued behind a failed cell, not other requests, and runs what comes later", async () => {
      const { transport, interpreter, bad, queued } = queueAfterFailure({});
      await transport.idle(queued[2]);
      expect((await transport.reply(bad)).message.content).toMatchObject({ status: "error", execution_count: 1 });
      expect((await transport.reply(queued[0])).message.content).toEqual({ status: "aborted" });
      expect((await transport.reply(queued[1])).message.content).toMatchObject({ status: "ok" });
      expect((await transport.reply(queued[2])).message.content).toEqual({ status: "aborted" });
      for (const q of queued) expect(expectLifecycle(transport, q)).toEqual([]);
      expect(interpreter.executed.map((r) => r.code)).toEqual(["fails"]);

      const later = transport.request("shell", "execute_request", { code: "later" });
      expect((await transport.reply(later)).message.content).toMatchObject({ status: "ok", execution_count: 2 });
    });

    it("runs the queue on when the failed cell asked not to stop", async () => {
      const { transport, interpreter, queued } = queueAfterFailure({ stop_on_error: false });
      await transport.idle(queued[2]);
      expect((await transport.reply(queued[0])).message.content).toMatchObject({ status: "ok", execution_count: 2 });
      expect(interpreter.executed.map((r) => r.code)).toEqual(["fails", "next", "last"]);
    });

    it("runs the queue on after a silent cell fails", async () => {
      const { transport, interpreter, queued } = queueAfterFailure({ silent: true });
      await transport.idle(queued[2]);
      expect(interpreter.executed.map((r) => r.code)).toEqual(["fails", "next", "last"]);
    });
  });
});
