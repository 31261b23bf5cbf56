import { Channel, Envelope } from "./message";

/** The connection file Jupyter hands a kernel (see the messaging spec, "Connection files"). */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type IncomingChannel = Exclude<Channel, "iopub">;

/**
 * What the transport already did about a message before handing it over. For an interrupt_request:
 * "signalled" (SIGINT was raised into a running script, which stops it), "held" (the kernel was busy
 * outside a script: the core must stop what it is waiting on), or "idle" (nothing was running).
 */
export interface Delivery {
  interrupt?: "signalled" | "held" | "idle";
}

export interface TransportHandlers {
  /** A verified, parsed message. Unsigned, badly signed or malformed messages never get here. */
  onMessage(channel: IncomingChannel, envelope: Envelope, delivery?: Delivery): void;
  /**
   * The transport died underneath the kernel (its worker thread crashed or exited). Without this
   * handler the failure is only logged; heartbeats stop either way, so the frontend will notice.
   */
  onFatal?(error: Error): void;
}

/** The kernel side of the wire, as the kernel core sees it. Only the transport imports zeromq. */
export interface KernelTransport {
  /** Queued per socket and sent in order; never throws because a socket is busy. */
  send(channel: Channel, envelope: Envelope<unknown>): void;
  /** Resolves once everything queued so far has been handed to ZeroMQ. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
