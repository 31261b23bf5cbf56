import { randomUUID } from "crypto";
import { SerializedMessage } from "../protocol/wire";

/** A status message as the main thread sent it, with the iopub topic it went under. */
export interface StatusSent {
  identities: Uint8Array[];
  message: SerializedMessage;
}

/**
 * The kernel's latest `status` on iopub, kept to tell a subscriber who joins later. A SUB socket
 * misses whatever was published before its subscription arrived, so a client that connects while
 * the kernel starts hears nothing until it asks again: jupyter_server nudges with kernel_info and
 * waits for iopub, and so does jupyter_client's room bench, up to a probe interval each time. On
 * a new subscription the kernel repeats its current state (busy or idle, and for which request) as
 * a new message, so the client knows at once that iopub reaches it.
 */
export class LatestStatus {
  private latest: StatusSent | undefined;

  /** Every iopub message passes here; only a status is kept (its header says so, in one cheap look). */
  saw(identities: Uint8Array[], message: SerializedMessage): void {
    if (isStatus(message.parts[0])) this.latest = { identities, message };
  }

  /** The latest status again, under a header of its own (new id, this moment), or nothing yet. */
  again(): StatusSent | undefined {
    if (!this.latest) return undefined;
    const [header, parent, metadata, content] = this.latest.message.parts;
    const fresh = {
      ...(JSON.parse(header) as Record<string, unknown>),
      msg_id: randomUUID(),
      date: new Date().toISOString(),
    };
    return {
      identities: this.latest.identities,
      message: { parts: [JSON.stringify(fresh), parent, metadata, content], buffers: [] },
    };
  }
}

function isStatus(headerJson: string): boolean {
  return headerJson.includes('"msg_type":"status"');
}
