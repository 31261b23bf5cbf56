/**
 * The kernel's transport contract with no sockets: what the kernel sends is kept in one log, in
 * the order it was sent across all channels, and a test plays the client by handing requests
 * straight to the kernel. Waits resolve on the message arriving, never on time passing.
 */
import { newMessage } from "../../src/protocol/build";
import { Channel, Envelope, Header, Message, ParentHeader } from "../../src/protocol/message";
import { Delivery, IncomingChannel, KernelTransport } from "../../src/protocol/transport-contract";

export interface Sent {
  channel: Channel;
  message: Message<Record<string, unknown>>;
  identities: Uint8Array[];
}

type Receiver = (channel: IncomingChannel, envelope: Envelope, delivery?: Delivery) => void;

const CLIENT = { session: "client-session", username: "client" };

export class InMemoryTransport implements KernelTransport {
  readonly sent: Sent[] = [];
  flushes = 0;
  closed = false;
  private receiver: Receiver | undefined;
  private readonly watchers: { match(s: Sent): boolean; resolve(s: Sent): void }[] = [];

  /** Where requests go: what the real transport's `onMessage` handler would call. */
  connect(receiver: Receiver): void {
    this.receiver = receiver;
  }

  send(channel: Channel, envelope: Envelope<unknown>): void {
    // A JSON round trip, as the wire makes: content that cannot be serialised fails here too.
    const message = JSON.parse(JSON.stringify(envelope.message)) as Sent["message"];
    const s: Sent = { channel, message, identities: envelope.identities };
    this.sent.push(s);
    for (const w of [...this.watchers]) {
      if (w.match(s)) {
        this.watchers.splice(this.watchers.indexOf(w), 1);
        w.resolve(s);
      }
    }
  }

  async flush(): Promise<void> {
    this.flushes++;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Sends a request from the client, as a transport delivers a verified message. */
  request(
    channel: IncomingChannel,
    msgType: string,
    content: object,
    options: { parent?: ParentHeader; delivery?: Delivery; identity?: string } = {},
  ): Message {
    if (!this.receiver) throw new Error("connect the kernel first");
    const message = newMessage(CLIENT, msgType, content as Record<string, unknown>, options.parent ?? {});
    this.receiver(channel, { identities: [Buffer.from(options.identity ?? "client-1")], message }, options.delivery);
    return message;
  }

  /** The first message sent, past or future, that matches. */
  next(match: (s: Sent) => boolean): Promise<Sent> {
    const found = this.sent.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.watchers.push({ match, resolve }));
  }

  /** The reply to `request` (on whichever channel it came in). */
  reply(request: Message): Promise<Sent> {
    const type = request.header.msg_type.replace(/_request$/, "_reply");
    return this.next((s) => s.channel !== "iopub" && s.message.header.msg_type === type && parentId(s) === id(request));
  }

  /** Resolves once the kernel has published `idle` for `request`: the last thing a request gets. */
  idle(request: Message): Promise<Sent> {
    return this.next((s) => isStatus(s, "idle") && parentId(s) === id(request));
  }

  /** Everything sent about `request`, in order, on every channel. */
  about(request: Message): Sent[] {
    return this.sent.filter((s) => parentId(s) === id(request));
  }

  iopubAbout(request: Message): Sent[] {
    return this.about(request).filter((s) => s.channel === "iopub");
  }
}

export function parentId(s: Sent): string | undefined {
  return (s.message.parent_header as Partial<Header>).msg_id;
}

function id(m: Message): string {
  return m.header.msg_id;
}

export function isStatus(s: Sent, state: "starting" | "busy" | "idle"): boolean {
  return s.channel === "iopub" && s.message.header.msg_type === "status" && s.message.content.execution_state === state;
}

/** Iopub traffic as `type` or `status:state`, for readable ordering checks. */
export function kinds(sent: Sent[]): string[] {
  return sent.map((s) =>
    s.message.header.msg_type === "status"
      ? `status:${String(s.message.content.execution_state)}`
      : s.channel === "iopub"
        ? s.message.header.msg_type
        : `${s.channel}:${s.message.header.msg_type}`,
  );
}
