import { v4 as uuidv4 } from "uuid";
import { Envelope, Header, Message, ParentHeader, PROTOCOL_VERSION } from "./message";

/** Who this kernel says it is in every header it writes. */
export interface Identity {
  session: string;
  username: string;
}

export function newHeader(identity: Identity, msgType: string): Header {
  return {
    msg_id: uuidv4(),
    session: identity.session,
    username: identity.username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION,
  };
}

export function newMessage<C>(
  identity: Identity,
  msgType: string,
  content: C,
  parent: ParentHeader = {},
  metadata: Record<string, unknown> = {},
): Message<C> {
  return { header: newHeader(identity, msgType), parent_header: parent, metadata, content, buffers: [] };
}

/**
 * A message that answers (or belongs to) `request`: it carries the request's header as parent and,
 * for replies on shell/control/stdin, the request's routing identities.
 */
export function answer<C>(
  identity: Identity,
  request: Envelope<unknown>,
  msgType: string,
  content: C,
  metadata: Record<string, unknown> = {},
): Envelope<C> {
  return {
    identities: request.identities,
    message: newMessage(identity, msgType, content, request.message.header, metadata),
  };
}
