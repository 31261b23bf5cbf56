/**
 * Shared pieces of the end-to-end suite: a kernel per test file, started from dist/ on free ports,
 * and checks that every request's traffic is correlated with it and bracketed by busy → … → idle.
 */
import { expect } from "@jest/globals";
import { mkdtemp, rm } from "fs/promises";
import { tmpdir } from "os";
import { join } from "path";
import { ExecuteOptions, KernelClient, RequestOptions } from "../../src/client/kernel-client";
import { launchKernel, LaunchOptions, RunningKernel } from "../../src/client/launch";
import { Message } from "../../src/protocol/message";
import { builtKernelArgv } from "../support/built";

/** A request, the reply it got, and the iopub messages parented to it (in arrival order). */
export interface Exchange {
  request: Message;
  reply: Message;
  iopub: Message[];
}

export interface Pending {
  request: Message;
  /** Resolves after the reply and the request's idle, once its lifecycle has been checked. */
  done: Promise<Exchange>;
  /** The iopub messages parented to the request so far. */
  received(): Message[];
  /**
   * Resolves with received() once `ready` holds for it, checked now and as each iopub message
   * arrives; the timeout only bounds a failure.
   */
  until(ready: (received: Message[]) => boolean, description: string, timeoutMs?: number): Promise<Message[]>;
}

/** Generous: the first cell of a kernel waits for the TypeScript compiler to load. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * One running kernel and everything it has published since it was connected, so that checks can
 * look beyond the messages a request collected (e.g. a second `busy` arriving after `idle`).
 */
export class KernelSession {
  readonly log: Message[] = [];

  private constructor(readonly kernel: RunningKernel) {
    kernel.client.onIopub((message) => this.log.push(message));
  }

  static async start(options: LaunchOptions = {}): Promise<KernelSession> {
    return new KernelSession(await launchKernel({ argv: builtKernelArgv(), ...options }));
  }

  get client(): KernelClient {
    return this.kernel.client;
  }

  start(channel: "shell" | "control", msgType: string, content: object, options: RequestOptions = {}): Pending {
    const inFlight = this.client.start(channel, msgType, content, { timeoutMs: REQUEST_TIMEOUT_MS, ...options });
    return this.track(inFlight.message, inFlight.done, inFlight.received);
  }

  request(channel: "shell" | "control", msgType: string, content: object, options: RequestOptions = {}) {
    return this.start(channel, msgType, content, options).done;
  }

  startExecute(code: string, options: ExecuteOptions = {}): Pending {
    const inFlight = this.client.startExecute(code, { timeoutMs: REQUEST_TIMEOUT_MS, ...options });
    return this.track(inFlight.message, inFlight.done, inFlight.received);
  }

  execute(code: string, options: ExecuteOptions = {}): Promise<Exchange> {
    return this.startExecute(code, options).done;
  }

  /** Runs a cell that must succeed and returns its execute_result's text/plain (undefined if none). */
  async value(code: string): Promise<string | undefined> {
    const exchange = await this.execute(code);
    expect(exchange.reply.content).toMatchObject({ status: "ok" });
    const result = exchange.iopub.find((m) => m.header.msg_type === "execute_result");
    return result ? (result.content.data as Record<string, string>)["text/plain"] : undefined;
  }

  /** Everything in the session log parented to `request`, in arrival order. */
  logFor(request: Message): Message[] {
    return this.log.filter((m) => parentId(m) === request.header.msg_id);
  }

  /** The next published message (from now on) matching `predicate`. */
  next(predicate: (message: Message) => boolean, description: string, timeoutMs = REQUEST_TIMEOUT_MS) {
    return this.client.waitForIopub(predicate, timeoutMs, description);
  }

  stop(): Promise<void> {
    return this.kernel.stop();
  }

  private until(
    received: () => Message[],
    ready: (received: Message[]) => boolean,
    description: string,
    timeoutMs: number,
  ): Promise<Message[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const messages = received();
        if (!ready(messages)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(messages);
      };
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      const unsubscribe = this.client.onIopub(check);
      check();
    });
  }

  private track(
    request: Message,
    done: Promise<{ reply: Message; iopub: Message[] }>,
    received: () => Message[],
  ): Pending {
    return {
      request,
      received,
      until: (ready, description, timeoutMs = REQUEST_TIMEOUT_MS) =>
        this.until(received, ready, description, timeoutMs),
      done: done.then(({ reply, iopub }) => {
        const exchange = { request, reply, iopub };
        expectLifecycle(exchange, this.log);
        return exchange;
      }),
    };
  }
}

export function parentId(message: Message): string | undefined {
  return (message.parent_header as { msg_id?: string }).msg_id;
}

export function statusOf(message: Message): string | undefined {
  return message.header.msg_type === "status" ? String(message.content.execution_state) : undefined;
}

/** Message types in order, statuses spelled out: e.g. `status:busy`, `execute_input`, `status:idle`. */
export function kinds(messages: Message[]): string[] {
  return messages.map((m) => (m.header.msg_type === "status" ? `status:${statusOf(m)}` : m.header.msg_type));
}

/**
 * The reply answers the request (its full header as parent, the matching `_reply` type), and the
 * request's iopub traffic is exactly one `busy` first and one `idle` last with nothing but output
 * between; `log` (everything published so far) must hold no other status for the request either.
 */
export function expectLifecycle(exchange: Exchange, log: Message[] = exchange.iopub): void {
  const { request, reply, iopub } = exchange;
  const header = request.header;
  expect(reply.header.msg_type).toBe(header.msg_type.replace(/_request$/, "_reply"));
  expect(reply.parent_header).toMatchObject({
    msg_id: header.msg_id,
    msg_type: header.msg_type,
    session: header.session,
  });

  for (const message of iopub) {
    expect(message.parent_header).toMatchObject({
      msg_id: header.msg_id,
      msg_type: header.msg_type,
      session: header.session,
    });
    expect(message.header.session).toBe(reply.header.session);
  }
  const sequence = kinds(iopub);
  expect(sequence[0]).toBe("status:busy");
  expect(sequence[sequence.length - 1]).toBe("status:idle");
  expect(sequence.slice(1, -1).filter((kind) => kind.startsWith("status:"))).toEqual([]);

  const statuses = log.filter((m) => parentId(m) === header.msg_id && statusOf(m) !== undefined).map(statusOf);
  expect(statuses).toEqual(["busy", "idle"]);
}

export function ofType(messages: Message[], msgType: string): Message[] {
  return messages.filter((m) => m.header.msg_type === msgType);
}

export function onlyOfType(messages: Message[], msgType: string): Message {
  const found = ofType(messages, msgType);
  expect(found).toHaveLength(1);
  return found[0];
}

/** All text a request wrote to one stream, joined. */
export function streamText(messages: Message[], name: "stdout" | "stderr"): string {
  return messages
    .filter((m) => m.header.msg_type === "stream" && m.content.name === name)
    .map((m) => String(m.content.text))
    .join("");
}

export function resultText(messages: Message[]): string {
  return String((onlyOfType(messages, "execute_result").content.data as Record<string, unknown>)["text/plain"]);
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `tsck-e2e-${prefix}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** A message that marks something as started: `display.text(token)` publishes at once, even from a spinning cell. */
export function isDisplayOf(token: string): (message: Message) => boolean {
  return (m) =>
    m.header.msg_type === "display_data" && (m.content.data as Record<string, unknown>)["text/plain"] === token;
}
