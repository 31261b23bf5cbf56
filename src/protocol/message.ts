/**
 * The envelope every Jupyter message shares, independent of its content.
 * Content types live in `content.ts`; this file knows nothing about what a message means.
 */

export const PROTOCOL_VERSION = "5.3";

/** The sockets a kernel talks on (heartbeat carries no Jupyter messages, so it is not here). */
export type Channel = "shell" | "control" | "stdin" | "iopub";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A parent header is empty for messages that answer nothing (e.g. the first `status: starting`). */
export type ParentHeader = Header | Record<string, never>;

export interface Message<C = Record<string, unknown>> {
  header: Header;
  parent_header: ParentHeader;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Uint8Array[];
}

/** A message plus the ZeroMQ routing identities it arrived with (or must be sent to). */
export interface Envelope<C = Record<string, unknown>> {
  identities: Uint8Array[];
  message: Message<C>;
}
