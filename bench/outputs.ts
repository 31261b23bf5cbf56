import { Message } from "../src/protocol/message";

/**
 * Whether a message shows the value 2. Our kernel sends an execute_result; tslab prints a cell's
 * last value with console.log, so for it the value arrives as stdout text.
 */
export function showsTwo(message: Message): boolean {
  const { msg_type: type } = message.header;
  if (type === "execute_result") {
    const data = message.content.data as Record<string, unknown> | undefined;
    return String(data?.["text/plain"] ?? "").trim() === "2";
  }
  if (type === "stream") return message.content.name === "stdout" && String(message.content.text).trim() === "2";
  return false;
}

/** Newline-terminated lines in one stdout stream message; zero for anything else. */
export function stdoutLines(message: Message): number {
  if (message.header.msg_type !== "stream" || message.content.name !== "stdout") return 0;
  const text = String(message.content.text);
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines += 1;
  return lines;
}
