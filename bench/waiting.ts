import { Channel, Message } from "../src/protocol/message";

/** Subscribes a listener to incoming messages; returns the unsubscribe function. */
export type Listen = (listener: (message: Message, channel: Channel) => void) => () => void;

/** A message and when it arrived, on the `performance.now()` clock. */
export interface Arrival {
  message: Message;
  at: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The next message satisfying `predicate`, or undefined once `timeoutMs` has passed without one or
 * `cancel` has fired.
 */
export function nextMessage(
  listen: Listen,
  predicate: (message: Message, channel: Channel) => boolean,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<Arrival | undefined> {
  return new Promise((resolve) => {
    const settle = (arrival: Arrival | undefined) => {
      clearTimeout(timer);
      unsubscribe();
      cancel?.removeEventListener("abort", onCancel);
      resolve(arrival);
    };
    const onCancel = () => settle(undefined);
    const timer = setTimeout(onCancel, timeoutMs);
    const unsubscribe = listen((message, channel) => {
      if (predicate(message, channel)) settle({ message, at: performance.now() });
    });
    if (cancel?.aborted) onCancel();
    else cancel?.addEventListener("abort", onCancel);
  });
}

/**
 * When `promise` settled, or undefined if it did not within `timeoutMs`. A rejection counts as not
 * settling: the bench reports what did not arrive rather than why the client gave up.
 */
export function settledAt<T>(promise: Promise<T>, timeoutMs: number): Promise<{ value: T; at: number } | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ value, at: performance.now() });
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** The msg_id a message answers, or "" for one that answers nothing. */
export function parentId(message: Message): string {
  return (message.parent_header as { msg_id?: string }).msg_id ?? "";
}

export function isStatus(message: Message, state: "busy" | "idle", parent: string): boolean {
  return (
    message.header.msg_type === "status" && message.content.execution_state === state && parentId(message) === parent
  );
}
