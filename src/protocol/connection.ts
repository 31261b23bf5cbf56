import { chmodSync, readFileSync, writeFileSync } from "fs";
import { ConnectionInfo } from "./transport-contract";

export class ConnectionFileError extends Error {
  override name = "ConnectionFileError";
  constructor(
    message: string,
    /** The offending field, when one field is to blame. */
    readonly field?: keyof ConnectionInfo,
  ) {
    super(message);
  }
}

const PORT_FIELDS = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;

export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConnectionFileError(`cannot read connection file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConnectionFileError(`connection file ${path} is not JSON: ${(err as Error).message}`);
  }
  return parseConnectionInfo(value, path);
}

/** Checks every field the kernel relies on, so a bad file fails at startup and names its fault. */
export function parseConnectionInfo(value: unknown, source = "connection info"): ConnectionInfo {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConnectionFileError(`${source} must be a JSON object`);
  }
  const raw = value as Record<string, unknown>;
  const fail = (field: keyof ConnectionInfo, problem: string): never => {
    throw new ConnectionFileError(`${source}: "${field}" ${problem}, got ${JSON.stringify(raw[field])}`, field);
  };

  const transport = raw.transport;
  if (transport !== "tcp" && transport !== "ipc") fail("transport", 'must be "tcp" or "ipc"');
  if (typeof raw.ip !== "string" || raw.ip === "") fail("ip", "must be a non-empty string");
  for (const field of PORT_FIELDS) {
    const port = raw[field];
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      fail(field, "must be an integer from 1 to 65535");
    }
  }
  if (typeof raw.key !== "string") fail("key", "must be a string (empty to disable signing)");
  if (typeof raw.signature_scheme !== "string") fail("signature_scheme", 'must be a string such as "hmac-sha256"');
  if (raw.kernel_name !== undefined && typeof raw.kernel_name !== "string") fail("kernel_name", "must be a string");

  const info: ConnectionInfo = {
    transport: transport as ConnectionInfo["transport"],
    ip: raw.ip as string,
    shell_port: raw.shell_port as number,
    iopub_port: raw.iopub_port as number,
    stdin_port: raw.stdin_port as number,
    control_port: raw.control_port as number,
    hb_port: raw.hb_port as number,
    key: raw.key as string,
    signature_scheme: raw.signature_scheme as string,
  };
  if (raw.kernel_name !== undefined) info.kernel_name = raw.kernel_name as string;
  return info;
}

/** The file holds the signing key, so only its owner may read it. */
export function writeConnectionFile(path: string, info: ConnectionInfo): void {
  writeFileSync(path, JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  // `mode` only applies when the file is created; an existing file keeps its old permissions.
  chmodSync(path, 0o600);
}

/** The ZeroMQ endpoint for one port, on exactly the interface the file names. */
export function bindAddress(info: Pick<ConnectionInfo, "transport" | "ip">, port: number): string {
  if (info.transport === "ipc") return `ipc://${info.ip}-${port}`;
  const host = info.ip.includes(":") ? `[${info.ip}]` : info.ip;
  return `tcp://${host}:${port}`;
}

export function isIpv6(info: Pick<ConnectionInfo, "transport" | "ip">): boolean {
  return info.transport === "tcp" && info.ip.includes(":");
}

/** A warning when the file asks to listen on every interface, or undefined when it does not. */
export function exposureWarning(info: Pick<ConnectionInfo, "transport" | "ip">): string | undefined {
  if (info.transport !== "tcp" || (info.ip !== "0.0.0.0" && info.ip !== "::")) return undefined;
  return (
    `listening on all interfaces (ip ${info.ip}): anyone who can reach these ports and knows the key ` +
    `can run code as this user`
  );
}
