import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { Message } from "../../src/protocol/message";
import { KernelSession, onlyOfType, resultText, streamText } from "./helpers";

describe("stdin", () => {
  let session: KernelSession;
  let unsubscribe: (() => void) | undefined;

  beforeAll(async () => {
    session = await KernelSession.start();
  });

  afterEach(() => {
    unsubscribe?.();
    unsubscribe = undefined;
  });

  afterAll(async () => {
    await session?.stop();
  });

  /** Answers every input_request with the next of `answers`, recording the requests. */
  function answerWith(...answers: string[]): Message[] {
    const asked: Message[] = [];
    unsubscribe = session.client.onStdinRequest((request) => {
      asked.push(request);
      return answers[asked.length - 1] ?? "";
    });
    return asked;
  }

  it("asks the client with input_request and uses the answer", async () => {
    const asked = answerWith("Ada");
    const pending = session.startExecute(
      'console.log("about to ask");\nconst name = await input("name? ");\n`hello ${name}`',
    );
    const exchange = await pending.done;

    expect(asked).toHaveLength(1);
    expect(asked[0].header.msg_type).toBe("input_request");
    expect(asked[0].content).toEqual({ prompt: "name? ", password: false });
    expect(asked[0].parent_header).toMatchObject({ msg_id: pending.request.header.msg_id });
    expect(streamText(exchange.iopub, "stdout")).toBe("about to ask\n");
    expect(resultText(exchange.iopub)).toBe("'hello Ada'");
  });

  it("asks with password: true for password()", async () => {
    const asked = answerWith("s3cret");
    const exchange = await session.execute('const pw = await password("secret: ");\npw.length');

    expect(asked.map((request) => request.content)).toEqual([{ prompt: "secret: ", password: true }]);
    expect(resultText(exchange.iopub)).toBe("6");
  });

  it("asks once per call, in order", async () => {
    const asked = answerWith("1", "2");
    const exchange = await session.execute(
      'const a = await input("a? ");\nconst b = await input("b? ");\nNumber(a) + Number(b)',
    );
    expect(asked.map((request) => request.content.prompt)).toEqual(["a? ", "b? "]);
    expect(resultText(exchange.iopub)).toBe("3");
  });

  it("fails input() with an error about stdin when allow_stdin is false", async () => {
    const asked = answerWith("never used");
    const exchange = await session.execute('await input("name? ")', { allow_stdin: false });

    expect(asked).toEqual([]);
    expect(exchange.reply.content.status).toBe("error");
    const error = onlyOfType(exchange.iopub, "error").content;
    expect(String(error.evalue)).toMatch(/stdin/);
    expect(exchange.reply.content.evalue).toBe(error.evalue);
  });
});
