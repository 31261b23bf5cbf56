import { Envelope, Header } from "../protocol/message";
import { answer, Identity } from "../protocol/build";
import { StdinContents } from "../protocol/content";
import { KeyboardInterrupt } from "../interpreter/runtime/interrupt-error";

interface Waiting {
  resolve(value: string): void;
  reject(error: Error): void;
}

/**
 * Sends `input_request` on stdin to the client that made a request and hands the matching
 * `input_reply` back to the cell waiting for it.
 */
export class StdinBroker {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly identity: Identity,
    private readonly send: (envelope: Envelope<unknown>) => void,
  ) {}

  ask(request: Envelope<unknown>, prompt: string, password: boolean): Promise<string> {
    const content: StdinContents["input_request"] = { prompt, password };
    const envelope = answer(this.identity, request, "input_request", content);
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(envelope.message.header.msg_id, { resolve, reject });
      this.send(envelope);
    });
  }

  /** A message that arrived on stdin: only `input_reply` to a request we made means anything. */
  deliver(envelope: Envelope): boolean {
    const { header, parent_header, content } = envelope.message;
    if (header.msg_type !== "input_reply") return false;
    const key = (parent_header as Header).msg_id;
    const w = key === undefined ? undefined : this.waiting.get(key);
    if (!w) return false;
    this.waiting.delete(key);
    const value = (content as Partial<StdinContents["input_reply"]>).value;
    w.resolve(typeof value === "string" ? value : "");
    return true;
  }

  /** An interrupt ends every wait for input, as Ctrl-C does at a terminal prompt. */
  cancelAll(): void {
    for (const w of this.waiting.values()) w.reject(new KeyboardInterrupt("Interrupted while waiting for input"));
    this.waiting.clear();
  }
}
