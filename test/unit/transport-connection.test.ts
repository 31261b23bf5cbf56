import { describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  bindAddress,
  ConnectionFileError,
  exposureWarning,
  parseConnectionInfo,
  readConnectionFile,
  writeConnectionFile,
} from "../../src/protocol/connection";
import { ConnectionInfo } from "../../src/protocol/transport-contract";

const valid: ConnectionInfo = {
  transport: "tcp",
  ip: "127.0.0.1",
  shell_port: 50001,
  iopub_port: 50002,
  stdin_port: 50003,
  control_port: 50004,
  hb_port: 50005,
  key: "secret",
  signature_scheme: "hmac-sha256",
  kernel_name: "ts-concurrency",
};

function failure(value: unknown): ConnectionFileError {
  try {
    parseConnectionInfo(value, "test.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectionFileError);
    return error as ConnectionFileError;
  }
  throw new Error("expected parseConnectionInfo to throw");
}

describe("parseConnectionInfo", () => {
  it("accepts a complete file and ignores fields it does not know", () => {
    expect(parseConnectionInfo({ ...valid, extra: true })).toEqual(valid);
  });

  it.each([
    ["transport", { ...valid, transport: "udp" }],
    ["ip", { ...valid, ip: "" }],
    ["shell_port", { ...valid, shell_port: "50001" }],
    ["hb_port", { ...valid, hb_port: 70000 }],
    ["control_port", { ...valid, control_port: 1.5 }],
    ["key", { ...valid, key: undefined }],
    ["signature_scheme", { ...valid, signature_scheme: 256 }],
  ])("names the bad field %s", (field, value) => {
    const error = failure(value);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`"${field}"`);
    expect(error.message).toContain("test.json");
  });

  it("names a missing port", () => {
    const { iopub_port: _omitted, ...rest } = valid;
    expect(failure(rest).field).toBe("iopub_port");
  });

  it("rejects something that is not an object", () => {
    expect(failure([1, 2]).message).toContain("must be a JSON object");
  });
});

describe("connection files on disk", () => {
  it("writes with owner-only permissions and reads back what it wrote", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsck-conn-"));
    try {
      const path = join(dir, "kernel.json");
      writeFileSync(path, "{}", { mode: 0o644 });
      writeConnectionFile(path, valid);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readConnectionFile(path)).toEqual(valid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports unreadable and non-JSON files with their path", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsck-conn-"));
    try {
      const path = join(dir, "broken.json");
      writeFileSync(path, "{ not json");
      expect(() => readConnectionFile(path)).toThrow(/broken\.json is not JSON/);
      expect(() => readConnectionFile(join(dir, "absent.json"))).toThrow(/cannot read connection file .*absent\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bindAddress", () => {
  it("uses the transport and the ip exactly as given", () => {
    expect(bindAddress({ transport: "tcp", ip: "127.0.0.1" }, 5555)).toBe("tcp://127.0.0.1:5555");
    expect(bindAddress({ transport: "tcp", ip: "10.1.2.3" }, 1)).toBe("tcp://10.1.2.3:1");
    expect(bindAddress({ transport: "ipc", ip: "/tmp/kernel-abc" }, 5)).toBe("ipc:///tmp/kernel-abc-5");
  });

  it("brackets IPv6 literals, as ZeroMQ endpoints require", () => {
    expect(bindAddress({ transport: "tcp", ip: "::1" }, 5555)).toBe("tcp://[::1]:5555");
  });
});

describe("exposureWarning", () => {
  it("warns only for all-interfaces addresses", () => {
    expect(exposureWarning({ transport: "tcp", ip: "0.0.0.0" })).toMatch(/all interfaces/);
    expect(exposureWarning({ transport: "tcp", ip: "::" })).toMatch(/all interfaces/);
    expect(exposureWarning({ transport: "tcp", ip: "127.0.0.1" })).toBeUndefined();
    expect(exposureWarning({ transport: "ipc", ip: "0.0.0.0" })).toBeUndefined();
  });
});
