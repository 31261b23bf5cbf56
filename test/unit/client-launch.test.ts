import { describe, expect, it } from "@jest/globals";
import { existsSync, statSync } from "fs";
import { dirname, resolve } from "path";
import { launchKernel } from "../../src/client/launch";
import { readConnectionFile } from "../../src/protocol/connection";

const standIn = resolve(__dirname, "../support/stand-in-kernel.js");

describe("launchKernel", () => {
  it("starts a kernel on loopback with a private connection file, talks to it and stops it", async () => {
    const kernel = await launchKernel({ argv: [process.execPath, standIn, "--ungated", "{connection_file}"] });
    try {
      expect(kernel.connection.ip).toBe("127.0.0.1");
      expect(kernel.connection.key).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(kernel.connectionFile).mode & 0o777).toBe(0o600);
      expect(readConnectionFile(kernel.connectionFile)).toEqual(kernel.connection);
      expect(kernel.client.kernelInfo.content).toMatchObject({ implementation: "stand-in" });
      await expect(kernel.client.heartbeat(5000)).resolves.toBe(true);

      // The transport worker raises SIGINT itself, so the interrupt lands even if the main thread is busy.
      const { reply } = await kernel.client.request("control", "interrupt_request", {}, { timeoutMs: 10_000 });
      expect(reply.metadata).toEqual({ sigints: 1 });
    } finally {
      await kernel.stop();
    }
    expect(kernel.child.exitCode).toBe(0);
    expect(existsSync(dirname(kernel.connectionFile))).toBe(false);
    expect(kernel.stderr()).toContain("stand-in kernel listening");
  });

  it("keeps answering heartbeats and takes interrupts while the kernel's main thread spins", async () => {
    const kernel = await launchKernel({ argv: [process.execPath, standIn, "{connection_file}"] });
    try {
      const spinning = kernel.client.waitForIopub((m) => m.content.text === "spinning", 10_000, "the spin to start");
      const execution = kernel.client.startExecute("while (true) {}", { timeoutMs: 10_000 });
      await spinning;
      await expect(kernel.client.heartbeat(5000)).resolves.toBe(true);

      const interrupt = kernel.client.request("control", "interrupt_request", {}, { timeoutMs: 10_000 });
      const { reply } = await execution.done;
      expect(reply.content).toMatchObject({ status: "error", ename: "Interrupted" });
      expect(reply.content.evalue).toMatch(/SIGINT/);
      await interrupt;
    } finally {
      await kernel.stop();
    }
  });

  it("survives interrupts that race the start of a cell, when the kernel uses the interrupt gate", async () => {
    const kernel = await launchKernel({ argv: [process.execPath, standIn, "{connection_file}"] });
    try {
      for (let round = 0; round < 5; round += 1) {
        const busy = kernel.client.waitForIopub((m) => m.content.execution_state === "busy", 10_000, "busy");
        const execution = kernel.client.startExecute("while (true) {}", { timeoutMs: 10_000 });
        await busy;
        const interrupt = kernel.client.request("control", "interrupt_request", {}, { timeoutMs: 10_000 });
        const { reply } = await execution.done;
        expect(reply.content.evalue).toMatch(/SIGINT|before the cell started/);
        await interrupt;
      }
      await expect(kernel.client.heartbeat(5000)).resolves.toBe(true);
    } finally {
      await kernel.stop();
    }
    expect(kernel.child.exitCode).toBe(0);
  });

  it("rejects with the kernel's stderr when it dies before it is ready", async () => {
    const dying = [process.execPath, "-e", 'console.error("no such notebook engine"); process.exit(3)'];
    await expect(launchKernel({ argv: dying })).rejects.toThrow(
      /kernel exited with code 3 before it was ready; its stderr:\nno such notebook engine/,
    );
  });

  it("rejects when the command cannot be started at all", async () => {
    await expect(launchKernel({ argv: ["/nonexistent/ts-kernel-binary"] })).rejects.toThrow(
      /cannot start kernel|ENOENT/,
    );
  });
});
