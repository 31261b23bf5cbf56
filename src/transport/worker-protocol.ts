import { Channel, Envelope } from "../protocol/message";
import { ByteBudget } from "../shared/byte-budget";
import { InterruptGate } from "../shared/interrupt-gate";
import { ConnectionInfo, Delivery, IncomingChannel } from "../protocol/transport-contract";
import { SerializedMessage } from "../protocol/wire";

/** What the main thread hands the transport worker when it starts it. */
export interface WorkerInit {
  connection: ConnectionInfo;
  /** When present, SIGINT is raised only as the gate allows (see interrupt-gate.ts). */
  interruptGate?: InterruptGate;
  /** Bytes posted for sending and not yet handed to ZeroMQ; the worker refunds each message's `charged`. */
  sendBudget: ByteBudget;
  /** When present, the worker watches this parent and says "orphaned" once it has gone. */
  parent?: { ppid: number; graceMs: number };
}

/** Main thread → worker. `id`s correlate a request with its `done`. */
export type ToWorker =
  | { type: "send"; channel: Channel; identities: Uint8Array[]; message: SerializedMessage; charged: number }
  | { type: "flush"; id: number }
  | { type: "close"; id: number };

/** Worker → main thread. */
export type FromWorker =
  | { type: "ready" }
  | { type: "failed"; error: string }
  | { type: "message"; channel: IncomingChannel; envelope: Envelope; delivery?: Delivery }
  | { type: "done"; id: number }
  | { type: "orphaned" };
