import { describe, expect, it, jest } from "@jest/globals";
import { newMessage } from "../../src/protocol/build";
import { Envelope } from "../../src/protocol/message";
import { ShellRequests } from "../../src/protocol/content";
import { KernelError, toErrorContent } from "../../src/protocol/kernel-error";
import { IopubPublisher } from "../../src/kernel/publisher";
import { StdinBroker } from "../../src/kernel/stdin-broker";
import { History } from "../../src/kernel/history";
import { ExecuteHandler } from "../../src/kernel/execute";
import { Interpreter } from "../../src/protocol/interpreter-contract";
import * as kernelLog from "../../src/shared/log";

const kernel = { session: "kernel-session", username: "kernel" };
const client = { session: "client-session", username: "client" };

/** An interpreter whose execute throws what it is given, as a bug in the kernel would. */
function throwing(thrown: unknown): Interpreter {
  return {
    execute: () => Promise.reject(thrown),
    evaluate: () => Promise.resolve({}),
  } as unknown as Interpreter;
}

async function run(interpreter: Interpreter) {
  const published: Envelope[] = [];
  const publisher = new IopubPublisher(kernel, "kernel-id", (e) => published.push(e as Envelope));
  const handler = new ExecuteHandler(interpreter, publisher, new StdinBroker(kernel, () => undefined), new History());
  const request = {
    identities: [],
    message: newMessage(client, "execute_request", { code: "%%threads\n1" }),
  } as unknown as Envelope<ShellRequests["execute_request"]>;
  const result = await handler.run(request);
  return { result, published: published.map((e) => ({ type: e.message.header.msg_type, content: e.message.content })) };
}

describe("ExecuteHandler's safety net", () => {
  it("turns an exception escaping the interpreter into a shown error and a reply with the count, and logs the stack", async () => {
    const logged = jest.spyOn(kernelLog, "log").mockImplementation(() => undefined);
    try {
      const { result, published } = await run(throwing(new TypeError("cannot read 'x' of undefined")));
      expect(result.reply).toMatchObject({ status: "error", ename: "InternalError", execution_count: 1 });
      expect(String((result.reply as { evalue: string }).evalue)).toContain("TypeError: cannot read 'x' of undefined");
      expect(published.map((p) => p.type)).toEqual(["execute_input", "error"]);
      expect(published[1].content).toMatchObject({ ename: "InternalError" });
      expect((published[1].content as { traceback: string[] }).traceback.join("\n")).toMatch(
        /fault in the kernel, not in your code/,
      );
      expect(result.stopOnError).toBe(true);
      expect(logged.mock.calls.map((c) => c[0]).join("\n")).toMatch(/TypeError: cannot read 'x' of undefined\n\s+at /);
    } finally {
      logged.mockRestore();
    }
  });

  it("lets a KernelError say itself", async () => {
    const logged = jest.spyOn(kernelLog, "log").mockImplementation(() => undefined);
    try {
      const { result } = await run(
        throwing(new KernelError("usage", "UsageError", "-n takes a whole number", ["detail"])),
      );
      expect(result.reply).toMatchObject({
        status: "error",
        ename: "UsageError",
        evalue: "-n takes a whole number",
        execution_count: 1,
      });
      expect((result.reply as { traceback: string[] }).traceback).toEqual([
        "UsageError: -n takes a whole number",
        "detail",
      ]);
    } finally {
      logged.mockRestore();
    }
  });
});

describe("toErrorContent", () => {
  it("describes what is not an Error, even what cannot be turned into a string", () => {
    expect(toErrorContent("plain").evalue).toMatch(/plain$/);
    expect(toErrorContent(Object.create(null)).evalue).toMatch(/\[object Object\]$/);
    expect(toErrorContent(new Error("x"), "answering complete_request").evalue).toBe(
      "the kernel failed while answering complete_request: Error: x",
    );
  });
});
