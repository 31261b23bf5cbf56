/** input() over stdin, and interrupts: of a cell waiting for input, of a running cell, and when idle. */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import * as kernelLog from "../../src/shared/log";
import { createInterruptGate, GateState, gateState, requestInterrupt } from "../../src/shared/interrupt-gate";
import { Cell, deferred, failure, ok, untilInterrupted } from "../support/fake-interpreter";
import { kinds } from "../support/in-memory-transport";
import { expectLifecycle, startCore } from "../support/core-kernel";

let logged: jest.SpiedFunction<typeof kernelLog.log>;
beforeEach(() => {
  logged = jest.spyOn(kernelLog, "log").mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

/** A cell that prints, asks for input, and shows what it got, or fails as the request for input did. */
const asks: Cell = async ({ output }) => {
  output.stream("stdout", "about to ask\n");
  try {
    return ok(`got ${await output.requestInput("name? ", false)}`);
  } catch (e) {
    const error = e as Error;
    return failure(error.name, error.message);
  }
};

describe("kernel core stdin", () => {
  it("asks the requesting client on stdin, after the output before it, and hands the reply to the cell", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("ask", asks);
    const request = transport.request("shell", "execute_request", { code: "ask", allow_stdin: true });
    const prompt = await transport.next((s) => s.channel === "stdin");
    expect(prompt.message.header.msg_type).toBe("input_request");
    expect(prompt.message.content).toEqual({ prompt: "name? ", password: false });
    expect(prompt.message.parent_header).toEqual(request.header);
    expect(prompt.identities.map((i) => Buffer.from(i).toString())).toEqual(["client-1"]);
    expect(kinds(transport.about(request))).toEqual(["status:busy", "execute_input", "stream", "stdin:input_request"]);

    transport.request("stdin", "input_reply", { value: "Ada" }, { parent: prompt.message.header });
    expect((await transport.reply(request)).message.content).toMatchObject({ status: "ok" });
    await transport.idle(request);
    expect(expectLifecycle(transport, request)).toEqual(["execute_input", "stream", "execute_result"]);
    expect(transport.iopubAbout(request)[3].message.content).toMatchObject({ data: { "text/plain": "got Ada" } });
  });

  it("takes an input_reply without a parent header (jupyter_client's input()) for the waiting cell", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("ask", asks);
    const request = transport.request("shell", "execute_request", { code: "ask" });
    await transport.next((s) => s.channel === "stdin");
    transport.request("stdin", "input_reply", { value: "Grace" });
    await transport.idle(request);
    expect(transport.iopubAbout(request)[3].message.content).toMatchObject({ data: { "text/plain": "got Grace" } });
  });

  it("with allow_stdin false, sends no input_request and fails the cell's input() with a clear error", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("ask", asks);
    const request = transport.request("shell", "execute_request", { code: "ask", allow_stdin: false });
    const reply = await transport.reply(request);
    expect(reply.message.content).toMatchObject({ status: "error", ename: "StdinNotImplementedError" });
    expect(String(reply.message.content.evalue)).toMatch(/allow_stdin: false/);
    expect(transport.sent.filter((s) => s.channel === "stdin")).toEqual([]);
  });

  it("ignores what arrives on stdin when nothing waits for it", async () => {
    const { transport } = startCore();
    const stray = transport.request("stdin", "input_reply", { value: "nobody asked" });
    const other = transport.request("stdin", "comm_msg", {});
    expect(transport.about(stray)).toEqual([]);
    expect(transport.about(other)).toEqual([]);
    expect(logged.mock.calls.map((c) => c[0])).toEqual([
      "unexpected input_reply on stdin ignored",
      "unexpected comm_msg on stdin ignored",
    ]);
  });
});

describe("kernel core interrupt", () => {
  it("ends a wait for input when the interrupt was held, and ignores the late reply", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("ask", asks);
    const cell = transport.request("shell", "execute_request", { code: "ask" });
    const prompt = await transport.next((s) => s.channel === "stdin");
    const interrupt = transport.request("control", "interrupt_request", {}, { delivery: { interrupt: "held" } });
    expect((await transport.reply(interrupt)).message.content).toEqual({ status: "ok" });
    const reply = await transport.reply(cell);
    expect(reply.message.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    await transport.idle(cell);
    expect(expectLifecycle(transport, interrupt)).toEqual([]);
    expect(expectLifecycle(transport, cell)).toEqual(["execute_input", "stream", "error"]);
    expect(interpreter.interrupts).toBe(1);

    transport.request("stdin", "input_reply", { value: "too late" }, { parent: prompt.message.header });
    expect(logged).toHaveBeenCalledWith("unexpected input_reply on stdin ignored");
  });

  it("stops a running cell when the interrupt was held, and aborts the cells queued behind it", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("forever", untilInterrupted);
    const cell = transport.request("shell", "execute_request", { code: "forever" });
    const queued = transport.request("shell", "execute_request", { code: "queued" });
    await interpreter.started("forever");
    transport.request("control", "interrupt_request", {}, { delivery: { interrupt: "held" } });
    expect((await transport.reply(cell)).message.content).toMatchObject({
      status: "error",
      ename: "KeyboardInterrupt",
      execution_count: 1,
    });
    expect((await transport.reply(queued)).message.content).toEqual({ status: "aborted" });
    expect(interpreter.executed.map((r) => r.code)).toEqual(["forever"]);
  });

  it("leaves a cell a SIGINT already stopped to that signal: the core does not interrupt again", async () => {
    const { transport, interpreter } = startCore();
    const release = deferred();
    interpreter.cells.set("script", async () => {
      await release.promise;
      return ok();
    });
    const cell = transport.request("shell", "execute_request", { code: "script" });
    const interrupt = transport.request("control", "interrupt_request", {}, { delivery: { interrupt: "signalled" } });
    expect((await transport.reply(interrupt)).message.content).toEqual({ status: "ok" });
    expect(interpreter.interrupts).toBe(0);
    release.resolve();
    expect((await transport.reply(cell)).message.content).toMatchObject({ status: "ok" });
  });

  it("marks the gate busy for the length of a cell, and clears an interrupt that found nothing running", async () => {
    const gate = createInterruptGate();
    const { transport, interpreter } = startCore({ interruptGate: gate });
    const release = deferred();
    const seen: number[] = [];
    interpreter.cells.set("cell", async () => {
      seen.push(gateState(gate));
      await release.promise;
      return ok();
    });
    const cell = transport.request("shell", "execute_request", { code: "cell" });
    await interpreter.started("cell");
    release.resolve();
    await transport.idle(cell);
    expect(seen).toEqual([GateState.Busy]);
    expect(gateState(gate)).toBe(GateState.Idle);

    // What the transport thread does with an interrupt_request while nothing runs.
    expect(requestInterrupt(gate)).toBe("nothing");
    expect(gateState(gate)).toBe(GateState.IdlePending);
    const interrupt = transport.request("control", "interrupt_request", {}, { delivery: { interrupt: "idle" } });
    await transport.idle(interrupt);
    expect(gateState(gate)).toBe(GateState.Idle);
    expect(interpreter.interrupts).toBe(0);
  });

  it("ends waits for input on the process's own SIGINT (Kernel.interrupt), as the kernel process wires it", async () => {
    const { kernel, transport, interpreter } = startCore();
    interpreter.cells.set("ask", asks);
    const cell = transport.request("shell", "execute_request", { code: "ask" });
    await transport.next((s) => s.channel === "stdin");
    kernel.interrupt();
    expect((await transport.reply(cell)).message.content).toMatchObject({ ename: "KeyboardInterrupt" });
    expect(interpreter.interrupts).toBe(1);
  });
});
