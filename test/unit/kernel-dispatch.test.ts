/** The kernel core answers every request type, each bracketed by busy → … → idle and parented to its request. */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import * as kernelLog from "../../src/shared/log";
import { PROTOCOL_VERSION } from "../../src/protocol/message";
import { deferred, ok } from "../support/fake-interpreter";
import { isStatus, kinds } from "../support/in-memory-transport";
import { expectLifecycle, startCore } from "../support/core-kernel";

let logged: jest.SpiedFunction<typeof kernelLog.log>;
beforeEach(() => {
  logged = jest.spyOn(kernelLog, "log").mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

describe("kernel core dispatch", () => {
  it("says it is starting, with no parent, before anything else", () => {
    const { transport } = startCore();
    expect(transport.sent).toHaveLength(1);
    expect(isStatus(transport.sent[0], "starting")).toBe(true);
    expect(transport.sent[0].message.parent_header).toEqual({});
  });

  it.each(["shell", "control"] as const)(
    "answers kernel_info_request on %s with the interpreter's language",
    async (channel) => {
      const { transport } = startCore();
      const request = transport.request(channel, "kernel_info_request", {});
      const reply = await transport.reply(request);
      await transport.idle(request);
      expect(reply.channel).toBe(channel);
      expect(reply.message.content).toMatchObject({
        status: "ok",
        protocol_version: PROTOCOL_VERSION,
        implementation: "ts-concurrency-kernel",
        banner: "a scripted interpreter",
        language_info: { name: "fake", version: "0.0.1", file_extension: ".fake" },
        debugger: false,
      });
      expect(expectLifecycle(transport, request)).toEqual([]);
    },
  );

  it("answers complete_request in code points, handing the interpreter UTF-16 offsets", async () => {
    const { transport, interpreter } = startCore();
    const asked: number[] = [];
    interpreter.complete = async (code, cursor) => {
      asked.push(cursor);
      return { matches: ["😀abc"], cursorStart: code.indexOf("a"), cursorEnd: cursor };
    };
    const request = transport.request("shell", "complete_request", { code: "😀ab", cursor_pos: 3 });
    const reply = await transport.reply(request);
    await transport.idle(request);
    expect(asked).toEqual([4]);
    expect(reply.message.content).toEqual({
      status: "ok",
      matches: ["😀abc"],
      cursor_start: 1,
      cursor_end: 3,
      metadata: {},
    });
    expectLifecycle(transport, request);
  });

  it("answers inspect_request with what the interpreter found, at the detail level asked", async () => {
    const { transport, interpreter } = startCore();
    const asked: unknown[] = [];
    interpreter.inspect = async (code, cursor, detail) => {
      asked.push([code, cursor, detail]);
      return { found: true, data: { "text/plain": "x: number" } };
    };
    const request = transport.request("shell", "inspect_request", { code: "x", cursor_pos: 1, detail_level: 1 });
    const reply = await transport.reply(request);
    await transport.idle(request);
    expect(asked).toEqual([["x", 1, 1]]);
    expect(reply.message.content).toEqual({
      status: "ok",
      found: true,
      data: { "text/plain": "x: number" },
      metadata: {},
    });
    expectLifecycle(transport, request);
  });

  it("answers is_complete_request as the interpreter judges, and 'unknown' when it cannot", async () => {
    const { transport, interpreter } = startCore();
    interpreter.isComplete = async (code) =>
      code === "boom" ? Promise.reject(new Error("no parser")) : { status: "incomplete", indent: "  " };
    const open = transport.request("shell", "is_complete_request", { code: "if (x) {" });
    const broken = transport.request("shell", "is_complete_request", { code: "boom" });
    expect((await transport.reply(open)).message.content).toEqual({ status: "incomplete", indent: "  " });
    expect((await transport.reply(broken)).message.content).toEqual({ status: "unknown" });
    await transport.idle(broken);
    expectLifecycle(transport, open);
    expectLifecycle(transport, broken);
  });

  it("answers history_request from the cells it ran, outputs included when asked", async () => {
    const { transport, interpreter } = startCore();
    interpreter.cells.set("1 + 1", () => ok("2"));
    transport.request("shell", "execute_request", { code: "let a = 1" });
    transport.request("shell", "execute_request", { code: "1 + 1" });
    transport.request("shell", "execute_request", { code: "hidden", store_history: false });
    const tail = transport.request("shell", "history_request", { hist_access_type: "tail", n: 5, output: true });
    const search = transport.request("shell", "history_request", { hist_access_type: "search", pattern: "let*" });
    expect((await transport.reply(tail)).message.content).toEqual({
      status: "ok",
      history: [
        [1, 1, ["let a = 1", null]],
        [1, 2, ["1 + 1", "2"]],
      ],
    });
    expect((await transport.reply(search)).message.content).toEqual({ status: "ok", history: [[1, 1, "let a = 1"]] });
    await transport.idle(search);
    expectLifecycle(transport, tail);
  });

  it("answers comm_info_request with no comms, and closes a comm opened to a target it does not have", async () => {
    const { transport } = startCore();
    const info = transport.request("shell", "comm_info_request", {});
    expect((await transport.reply(info)).message.content).toEqual({ status: "ok", comms: {} });
    const open = transport.request("shell", "comm_open", { comm_id: "c1", target_name: "jupyter.widget", data: {} });
    await transport.idle(open);
    expect(expectLifecycle(transport, open)).toEqual(["comm_close"]);
    expect(transport.iopubAbout(open)[1].message.content).toEqual({ comm_id: "c1", data: {} });
    const msg = transport.request("shell", "comm_msg", { comm_id: "c1", data: {} });
    const close = transport.request("shell", "comm_close", { comm_id: "c1", data: {} });
    await transport.idle(close);
    expect(expectLifecycle(transport, msg)).toEqual([]);
    expect(expectLifecycle(transport, close)).toEqual([]);
    expect(transport.about(msg).filter((s) => s.channel === "shell")).toEqual([]);
  });

  it("answers shutdown_request, publishes idle, then lets the host tear down with the restart flag", async () => {
    const { transport } = startCore();
    const request = transport.request("control", "shutdown_request", { restart: true });
    const reply = await transport.reply(request);
    expect(reply.channel).toBe("control");
    expect(reply.message.content).toEqual({ status: "ok", restart: true });
    await transport.idle(request);
    expectLifecycle(transport, request);
  });

  it("calls onShutdown only once the reply and idle are sent and the transport flushed", async () => {
    const core = startCore();
    const request = core.transport.request("control", "shutdown_request", { restart: false });
    const flushesBefore = core.transport.flushes;
    const restart = await core.shutdown;
    expect(restart).toBe(false);
    expect(core.transport.flushes).toBe(flushesBefore + 1);
    expect(kinds(core.transport.about(request))).toEqual(["status:busy", "control:shutdown_reply", "status:idle"]);
  });

  it("ignores an unknown message type: logged, no reply, no busy/idle", async () => {
    const { transport } = startCore();
    const unknown = transport.request("shell", "frobnicate_request", {});
    const after = transport.request("shell", "kernel_info_request", {});
    await transport.idle(after);
    expect(transport.about(unknown)).toEqual([]);
    expect(logged).toHaveBeenCalledWith("unknown message type 'frobnicate_request' on shell ignored");
    // A shell type is unknown on control: the tables are per channel.
    const misplaced = transport.request("control", "execute_request", { code: "x" });
    const later = transport.request("control", "kernel_info_request", {});
    await transport.idle(later);
    expect(transport.about(misplaced)).toEqual([]);
  });

  it("answers a request whose handler fails with an error reply, and still goes idle", async () => {
    const { transport, interpreter } = startCore();
    interpreter.complete = () => Promise.reject(new RangeError("completer broke"));
    const request = transport.request("shell", "complete_request", { code: "x", cursor_pos: 1 });
    const reply = await transport.reply(request);
    await transport.idle(request);
    expect(reply.message.content).toMatchObject({ status: "error", ename: "InternalError" });
    expect(String(reply.message.content.evalue)).toContain("RangeError: completer broke");
    expect(expectLifecycle(transport, request)).toEqual([]);
  });

  it("answers control while a cell holds the shell queue, and shell requests in the order they came", async () => {
    const { transport, interpreter } = startCore();
    const release = deferred();
    interpreter.cells.set("slow", async () => {
      await release.promise;
      return ok();
    });
    const slow = transport.request("shell", "execute_request", { code: "slow" });
    const info = transport.request("shell", "kernel_info_request", {});
    const control = transport.request("control", "kernel_info_request", {});
    await transport.idle(control);
    expect(transport.about(info)).toEqual([]);
    release.resolve();
    await transport.idle(info);
    const replies = transport.sent.filter((s) => s.channel !== "iopub").map((s) => s.message.parent_header);
    expect(replies).toEqual([control.header, slow.header, info.header]);
    expectLifecycle(transport, slow);
    expectLifecycle(transport, info);
  });

  it("sends replies to the identity that asked", async () => {
    const { transport } = startCore();
    const a = transport.request("shell", "kernel_info_request", {}, { identity: "frontend-a" });
    const b = transport.request("shell", "kernel_info_request", {}, { identity: "frontend-b" });
    await transport.idle(b);
    expectLifecycle(transport, a, "frontend-a");
    expectLifecycle(transport, b, "frontend-b");
  });
});
