import { describe, expect, it } from "@jest/globals";
import { TaskOutputSender, taskOutputReceived } from "../../src/concurrency/model/task-output";
import { createByteBudget, outstanding } from "../../src/shared/byte-budget";

function recorder() {
  const sent: [number, string, string][] = [];
  return { sent, send: (id: number, name: "stdout" | "stderr", text: string) => void sent.push([id, name, text]) };
}

describe("TaskOutputSender", () => {
  it("sends the first line at once and coalesces the burst after it, per task and stream, in order", () => {
    const { sent, send } = recorder();
    const out = new TaskOutputSender(send);
    for (let i = 0; i < 1000; i++) out.write(0, "stdout", `${i}\n`);
    out.write(0, "stderr", "oops\n");
    out.write(1, "stdout", "other\n");
    out.flush();
    expect(sent[0]).toEqual([0, "stdout", "0\n"]);
    expect(sent.length).toBeLessThan(10);
    const text = (id: number, name: string) =>
      sent
        .filter((s) => s[0] === id && s[1] === name)
        .map((s) => s[2])
        .join("");
    expect(text(0, "stdout")).toBe(Array.from({ length: 1000 }, (_, i) => `${i}\n`).join(""));
    expect(sent.slice(-2)).toEqual([
      [0, "stderr", "oops\n"],
      [1, "stdout", "other\n"],
    ]);
  });

  it("runs write callbacks a tick later, each as often as it was passed", async () => {
    const out = new TaskOutputSender(() => undefined);
    let calls = 0;
    const done = () => void (calls += 1);
    for (let i = 0; i < 500; i++) out.write(0, "stdout", "x\n", done);
    expect(calls).toBe(0);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(calls).toBe(500);
  });

  it("charges what it sends to the budget, which the receiving side refunds", () => {
    const budget = createByteBudget();
    const { sent, send } = recorder();
    const out = new TaskOutputSender(send, budget);
    out.write(3, "stdout", "hello\n");
    out.flush();
    expect(outstanding(budget)).toBe(6);
    for (const [, , text] of sent) taskOutputReceived(budget, text);
    expect(outstanding(budget)).toBe(0);
  });
});
