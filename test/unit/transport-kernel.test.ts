import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { AddressInfo, createServer } from "net";
import * as zmq from "zeromq";
import { KernelClient } from "../../src/client/kernel-client";
import { freePorts } from "../../src/client/free-port";
import { answer, newMessage } from "../../src/protocol/build";
import { Envelope, Message } from "../../src/protocol/message";
import { openClientTransport } from "../../src/transport/client-transport";
import { bindAddress } from "../../src/protocol/connection";
import { startKernelTransport } from "../../src/transport/kernel-transport";
import { createSigner } from "../../src/protocol/signer";
import { ConnectionInfo, IncomingChannel, KernelTransport } from "../../src/protocol/transport-contract";
import { decodeFrames, encodeFrames } from "../../src/protocol/wire";
import { BUILT_TRANSPORT_WORKER } from "../support/built";

/**
 * The real transport (worker thread and all) in this process, behind a few lines of stand-in
 * kernel: enough to check what reaches the core, what it sends back, and what never gets through.
 */
const kernelIdentity = { session: "kernel-session", username: "kernel" };
let connection: ConnectionInfo;
let transport: KernelTransport;
const forwarded: { channel: IncomingChannel; message: Message }[] = [];
const waitingForInput = new Map<string, (value: string) => void>();

function publish(request: Envelope, msgType: string, content: object): void {
  transport.send("iopub", { identities: [], message: answer(kernelIdentity, request, msgType, content).message });
}

function handle(channel: IncomingChannel, request: Envelope): void {
  forwarded.push({ channel, message: request.message });
  const { msg_type: type } = request.message.header;
  if (channel === "stdin" && type === "input_reply") {
    const parentId = (request.message.parent_header as { msg_id: string }).msg_id;
    waitingForInput.get(parentId)?.(String(request.message.content.value));
    return;
  }
  const reply = (content: object) =>
    transport.send(channel, answer(kernelIdentity, request, type.replace(/_request$/, "_reply"), content));

  publish(request, "status", { execution_state: "busy" });
  if (type === "execute_request") {
    const code = String(request.message.content.code);
    if (code.startsWith("input:")) {
      // Like a kernel calling input(): ask on stdin, routed with the shell request's identities.
      const ask = answer(kernelIdentity, request, "input_request", { prompt: code.slice(6), password: false });
      waitingForInput.set(ask.message.header.msg_id, (value) => {
        publish(request, "stream", { name: "stdout", text: `got ${value}` });
        reply({ status: "ok", execution_count: 1 });
        publish(request, "status", { execution_state: "idle" });
      });
      transport.send("stdin", ask);
      return;
    }
    publish(request, "stream", { name: "stdout", text: code });
    reply({ status: "ok", execution_count: 1 });
  } else {
    reply({ status: "ok", implementation: "stand-in" });
  }
  publish(request, "status", { execution_state: "idle" });
}

let client: KernelClient;

beforeAll(async () => {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  connection = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: "integration-key",
    signature_scheme: "hmac-sha256",
  };
  transport = await startKernelTransport(connection, { onMessage: handle }, { workerScript: BUILT_TRANSPORT_WORKER });
  client = await KernelClient.connect(connection, { timeoutMs: 10_000 });
});

afterAll(async () => {
  await client?.close();
  await transport?.close();
});

describe("kernel transport, driven by KernelClient", () => {
  it("is ready only once iopub is heard, and keeps the kernel_info_reply", () => {
    expect(client.kernelInfo.header.msg_type).toBe("kernel_info_reply");
    expect(client.kernelInfo.content).toMatchObject({ implementation: "stand-in" });
  });

  it("correlates a reply and its iopub traffic, busy first and idle last", async () => {
    const { reply, iopub } = await client.execute("1 + 1", { timeoutMs: 10_000 });
    expect(reply.header.msg_type).toBe("execute_reply");
    expect(iopub.map((m) => m.header.msg_type)).toEqual(["status", "stream", "status"]);
    expect(iopub.map((m) => m.content.execution_state ?? m.content.text)).toEqual(["busy", "1 + 1", "idle"]);
    for (const message of [reply, ...iopub])
      expect(message.parent_header).toHaveProperty("session", client.identity.session);

    const seen = forwarded.find((f) => f.message.content.code === "1 + 1");
    expect(seen?.channel).toBe("shell");
    expect(client.rejectedCount).toBe(0);
  });

  it("keeps concurrent requests apart", async () => {
    const results = await Promise.all(["a", "b", "c"].map((code) => client.execute(code, { timeoutMs: 10_000 })));
    expect(results.map((r) => r.iopub[1].content.text)).toEqual(["a", "b", "c"]);
  });

  it("carries control requests and delivers iopub to listeners", async () => {
    const seen: Message[] = [];
    const unsubscribe = client.onIopub((m) => seen.push(m));
    const { reply, iopub } = await client.request("control", "kernel_info_request", {}, { timeoutMs: 10_000 });
    unsubscribe();
    expect(reply.header.msg_type).toBe("kernel_info_reply");
    expect(seen).toEqual(iopub);
  });

  it("answers input_request on stdin with the right parent", async () => {
    const prompts: string[] = [];
    const stop = client.onStdinRequest((request) => {
      prompts.push(String(request.content.prompt));
      return "forty-two";
    });
    const { iopub } = await client.execute("input:Name? ", { timeoutMs: 10_000 });
    stop();
    expect(prompts).toEqual(["Name? "]);
    expect(iopub[1].content.text).toBe("got forty-two");
    const inputReply = forwarded.find((f) => f.message.header.msg_type === "input_reply");
    expect(inputReply?.channel).toBe("stdin");
  });

  it("echoes heartbeats from the worker thread", async () => {
    await expect(client.heartbeat(5000)).resolves.toBe(true);
  });

  it("drops badly signed and unsigned messages instead of forwarding them", async () => {
    const dealer = new zmq.Dealer({ linger: 0 });
    dealer.connect(bindAddress(connection, connection.shell_port));
    try {
      const who = { session: "intruder", username: "intruder" };
      const forged = newMessage(who, "execute_request", { code: "forged" });
      const unsigned = newMessage(who, "execute_request", { code: "unsigned" });
      const genuine = newMessage(who, "kernel_info_request", {});
      await dealer.send(encodeFrames({ identities: [], message: forged }, createSigner("hmac-sha256", "wrong-key")));
      await dealer.send(encodeFrames({ identities: [], message: unsigned }, createSigner("hmac-sha256", "")));
      await dealer.send(
        encodeFrames({ identities: [], message: genuine }, createSigner("hmac-sha256", connection.key)),
      );

      // ZeroMQ keeps one connection's messages in order, so once the genuine one is answered the
      // two before it have been dealt with.
      const [frames] = await Promise.all([dealer.receive()]);
      const decoded = decodeFrames(frames, createSigner("hmac-sha256", connection.key));
      if (decoded.kind !== "message") throw new Error(decoded.reason);
      expect(decoded.envelope.message.parent_header).toHaveProperty("msg_id", genuine.header.msg_id);

      const codes = forwarded.map((f) => f.message.content.code);
      expect(codes).not.toContain("forged");
      expect(codes).not.toContain("unsigned");
      expect(forwarded.some((f) => f.message.header.msg_id === genuine.header.msg_id)).toBe(true);
    } finally {
      dealer.close();
    }
  });

  it("lets a client count what the kernel signed with a key it does not share", async () => {
    const reasons: string[] = [];
    const delivered: Envelope[] = [];
    const outsider = openClientTransport(
      { ...connection, key: "not-the-key" },
      { onMessage: (_, envelope) => delivered.push(envelope), onRejected: (_, reason) => reasons.push(reason) },
    );
    try {
      // Its subscription takes a moment to reach the kernel, so keep the kernel publishing until it lands.
      const deadline = Date.now() + 10_000;
      while (reasons.length === 0 && Date.now() < deadline) await client.execute("noise", { timeoutMs: 10_000 });
      expect(reasons[0]).toBe("bad signature");
      expect(delivered).toEqual([]);
    } finally {
      outsider.close();
    }
  });

  it("tells a subscriber who joins late the kernel's latest status, as a new message", async () => {
    const { iopub } = await client.execute("before the late subscriber", { timeoutMs: 10_000 });
    const idle = iopub[iopub.length - 1];
    const signer = createSigner(connection.signature_scheme, connection.key);
    const late = new zmq.Subscriber({ linger: 0 });
    late.connect(bindAddress(connection, connection.iopub_port));
    late.subscribe();
    try {
      const [frames] = await Promise.race([
        late.receive().then((f) => [f]),
        new Promise<never>((_, fail) => setTimeout(() => fail(new Error("no status within 5 s")), 5000).unref()),
      ]);
      const decoded = decodeFrames(frames, signer);
      expect(decoded.kind).toBe("message");
      if (decoded.kind !== "message") return;
      const { message } = decoded.envelope;
      expect(message.header.msg_type).toBe("status");
      expect(message.content).toEqual({ execution_state: "idle" });
      expect(message.parent_header).toEqual(idle.parent_header);
      expect(message.header.msg_id).not.toBe(idle.header.msg_id);
    } finally {
      late.close();
    }
  });

  it("refuses to start, naming the socket, when a port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    const [a, b, c, d] = await freePorts(4);
    const clash = { ...connection, shell_port: port, iopub_port: a, stdin_port: b, control_port: c, hb_port: d };
    try {
      await expect(
        startKernelTransport(clash, { onMessage: () => undefined }, { workerScript: BUILT_TRANSPORT_WORKER }),
      ).rejects.toThrow(`cannot bind shell socket to tcp://127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
  });

  it("flushes and closes cleanly, after which heartbeats stop", async () => {
    transport.send("iopub", {
      identities: [],
      message: newMessage(kernelIdentity, "status", { execution_state: "idle" }),
    });
    await transport.flush();
    await transport.close();
    await expect(client.heartbeat(300)).resolves.toBe(false);
  });
});
