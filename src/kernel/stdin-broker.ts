import { Envelope, Header } from "../protocol/message";
import { answer, Identity } from "../protocol/build";
import { StdinContents } from "../protocol/content";
import { KeyboardInterrupt } from "../shared/interrupt-error";

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
    const key = this.waitingKeyFor((parent_header as Partial<Header> | undefined)?.msg_id);
    const w = key === undefined ? undefined : this.waiting.get(key);
    if (key === undefined || !w) return false;
    this.waiting.delete(key);
    const value = (content as Partial<StdinContents["input_reply"]>).value;
    w.resolve(typeof value === "string" ? value : "");
    return true;
  }

  /**
   * Which wait an input_reply answers. Front ends that set its parent to our input_request
   * (JupyterLab, Notebook) name it. jupyter_client's `KernelClient.input()` — used by nbclient,
   * jupyter console and every script built on jupyter_client — sends the reply with an empty parent
   * header, as ipykernel only ever has one request outstanding; such a reply answers the oldest wait.
   * A reply naming a request we no longer wait for (one an interrupt cancelled) answers nothing.
   */
  private waitingKeyFor(parentMsgId: string | undefined): string | undefined {
    if (parentMsgId) return parentMsgId;
    return this.waiting.keys().next().value;
  }

  /** An interrupt ends every wait for input, as Ctrl-C does at a terminal prompt. */
  cancelAll(): void {
    for (const w of this.waiting.values()) w.reject(new KeyboardInterrupt("Interrupted while waiting for input"));
    this.waiting.clear();
  }
}
