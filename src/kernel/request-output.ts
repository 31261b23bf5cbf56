import { MimeBundle } from "../protocol/content";
import { Envelope, Header } from "../protocol/message";
import { CellOutput } from "../protocol/interpreter-contract";
import { IopubPublisher } from "./publisher";
import { StdinBroker } from "./stdin-broker";

/** Raised in a cell that calls input() when the client said it cannot answer. */
export class StdinNotAllowedError extends Error {
  constructor() {
    super("input() needs a front end that allows stdin (this request was sent with allow_stdin: false)");
    this.name = "StdinNotImplementedError";
  }
}

/** A CellOutput bound to one request: everything goes out parented to that request. */
export class RequestOutput implements CellOutput {
  private readonly parent: Header;

  constructor(
    private readonly request: Envelope<unknown>,
    private readonly publisher: IopubPublisher,
    private readonly stdin: StdinBroker,
    private readonly allowStdin: boolean,
  ) {
    this.parent = request.message.header;
  }

  stream(name: "stdout" | "stderr", text: string): void {
    this.publisher.stream(this.parent, name, text);
  }

  display(data: MimeBundle, metadata: Record<string, unknown>, displayId?: string): void {
    this.publisher.publish(this.parent, "display_data", {
      data,
      metadata,
      transient: displayId ? { display_id: displayId } : {},
    });
  }

  updateDisplay(data: MimeBundle, metadata: Record<string, unknown>, displayId: string): void {
    this.publisher.publish(this.parent, "update_display_data", {
      data,
      metadata,
      transient: { display_id: displayId },
    });
  }

  clearOutput(wait: boolean): void {
    this.publisher.publish(this.parent, "clear_output", { wait });
  }

  requestInput(prompt: string, password: boolean): Promise<string> {
    if (!this.allowStdin) return Promise.reject(new StdinNotAllowedError());
    // Output printed before the prompt must reach the client before it shows the prompt.
    this.publisher.flush();
    return this.stdin.ask(this.request, prompt, password);
  }
}
