import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn } from "child_process";
import { readFileSync } from "fs";
import { join, resolve } from "path";
import * as zmq from "zeromq";
import { freePorts } from "../../src/client/free-port";
import { KernelClient } from "../../src/client/kernel-client";
import { Message } from "../../src/protocol/message";
import { bindAddress, writeConnectionFile } from "../../src/protocol/connection";
import { createSigner } from "../../src/protocol/signer";
import { ConnectionInfo } from "../../src/protocol/transport-contract";
import { decodeFrames } from "../../src/protocol/wire";
import { kinds, KernelSession, makeTempDir, parentId, removeDir, statusOf } from "./helpers";

const ROOT = resolve(__dirname, "../..");
// The compiler that checks cells is the `typescript` this package depends on (5.9), not tslab's bundled 5.0.
const { version: typescriptVersion } = JSON.parse(readFileSync(require.resolve("typescript/package.json"), "utf8")) as {
  version: string;
};
const { version: packageVersion } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };

/** The fields of kernel_info_reply the test reads, as the spec defines them. */
interface KernelInfoContent {
  status: string;
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: unknown;
  banner: string;
  help_links: { text: string; url: string }[];
}

function protocolAtLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = version.split(".").map(Number);
  return a > major || (a === major && b >= minor);
}

describe("protocol basics", () => {
  let session: KernelSession;

  beforeAll(async () => {
    session = await KernelSession.start();
  });

  afterAll(async () => {
    await session?.stop();
  });

  it.each(["shell", "control"] as const)(
    "answers kernel_info_request on %s with the full description",
    async (channel) => {
      const exchange = await session.request(channel, "kernel_info_request", {});
      const content = exchange.reply.content as unknown as KernelInfoContent;

      expect(content.status).toBe("ok");
      expect(protocolAtLeast(content.protocol_version, 5, 3)).toBe(true);
      expect(protocolAtLeast(exchange.reply.header.version, 5, 3)).toBe(true);
      expect(content.implementation).toBe("ts-concurrency-kernel");
      expect(content.implementation_version).toBe(packageVersion);
      expect(content.language_info).toEqual({
        name: "typescript",
        version: typescriptVersion,
        mimetype: "text/typescript",
        file_extension: ".ts",
        codemirror_mode: "typescript",
        pygments_lexer: "typescript",
        nbconvert_exporter: "script",
      });
      expect((content.language_info as { version: string }).version).toMatch(/^5\.9\./);
      expect(content.banner).toContain(`TypeScript ${typescriptVersion}`);
      expect(content.help_links.length).toBeGreaterThan(0);
      for (const link of content.help_links) {
        expect(link).toEqual({ text: expect.any(String), url: expect.stringMatching(/^https:\/\//) });
      }
      expect(kinds(exchange.iopub)).toEqual(["status:busy", "status:idle"]);
    },
  );

  it("answers heartbeats", async () => {
    await expect(session.client.heartbeat(5000)).resolves.toBe(true);
  });

  it("answers comm_info_request with a comm_info_reply listing no comms", async () => {
    const { reply } = await session.request("shell", "comm_info_request", {});
    expect(reply.header.msg_type).toBe("comm_info_reply");
    expect(reply.content).toEqual({ status: "ok", comms: {} });
  });

  it("closes a comm opened for a target it does not have", async () => {
    const commId = "e2e-comm-4711";
    const idle = session.next(
      (m) => statusOf(m) === "idle" && (m.parent_header as { msg_type?: string }).msg_type === "comm_open",
      "idle after comm_open",
    );
    const open = session.client.send("shell", "comm_open", {
      comm_id: commId,
      target_name: "no.such.target",
      data: {},
    });
    await idle;

    const traffic = session.logFor(open);
    expect(kinds(traffic)).toEqual(["status:busy", "comm_close", "status:idle"]);
    expect(traffic[1].content).toEqual({ comm_id: commId, data: {} });
  });

  it("ignores an unknown message type and keeps serving", async () => {
    const unknown = session.client.send("shell", "no_such_request", { anything: 1 });
    expect(await session.value("40 + 2")).toBe("42");
    // Shell is handled in order, so the unknown request was dealt with before that cell ran.
    expect(session.logFor(unknown)).toEqual([]);
    const { reply } = await session.request("shell", "kernel_info_request", {});
    expect(reply.content.status).toBe("ok");
  });

  it("brackets every request it has answered with exactly one busy and one idle", () => {
    const byParent = new Map<string, Message[]>();
    for (const message of session.log) {
      const id = parentId(message);
      if (id === undefined) continue;
      byParent.set(id, [...(byParent.get(id) ?? []), message]);
    }
    expect(byParent.size).toBeGreaterThanOrEqual(5);
    for (const messages of byParent.values()) {
      expect(messages.map(statusOf).filter(Boolean)).toEqual(["busy", "idle"]);
      expect(statusOf(messages[0])).toBe("busy");
    }
  });
});

describe("shutdown", () => {
  it("answers shutdown_request on control, echoes restart, and exits with code 0", async () => {
    const session = await KernelSession.start();
    try {
      const exited = new Promise<number | null>((done) => session.kernel.child.once("exit", (code) => done(code)));
      const pending = session.start("control", "shutdown_request", { restart: true });
      const { reply } = await pending.done;
      expect(reply.content).toEqual({ status: "ok", restart: true });

      const code = await Promise.race([
        exited,
        new Promise<string>((done) => setTimeout(() => done("still running after 10 s"), 10_000).unref()),
      ]);
      expect(code).toBe(0);

      // The process is gone, so whatever it published is already on its way; give it a moment to
      // land, then there must be no second status for the request (a missed one cannot fail this).
      await new Promise((done) => setTimeout(done, 500));
      expect(session.logFor(pending.request).map(statusOf)).toEqual(["busy", "idle"]);
    } finally {
      await session.stop();
    }
  });
});

describe("startup", () => {
  /**
   * `status: starting` goes out once, as soon as the sockets are bound, so a subscriber only sees it
   * if its subscription reached the kernel first. We subscribe before the kernel exists and retry
   * the start a few times: when it is seen it must be the very first message, with no parent.
   */
  it("publishes status: starting before anything else", async () => {
    const attempts: string[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const first = await firstIopubMessage();
      attempts.push(first ? kinds([first])[0] : "nothing");
      if (first && statusOf(first) === "starting") {
        expect(first.parent_header).toEqual({});
        return;
      }
      // Missed it: the first message we saw must then be the client's own connection probe.
      expect(first && statusOf(first)).toBe("busy");
    }
    throw new Error(`never saw status: starting first; first messages seen: ${attempts.join(", ")}`);
  });
});

/** Starts a kernel with an iopub subscriber already connected, and returns the first message it got. */
async function firstIopubMessage(): Promise<Message | undefined> {
  const dir = await makeTempDir("starting");
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const connection: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: "startup-test-key",
    signature_scheme: "hmac-sha256",
  };
  const file = join(dir, "connection.json");
  writeConnectionFile(file, connection);
  const signer = createSigner(connection.signature_scheme, connection.key);

  const subscriber = new zmq.Subscriber({ reconnectInterval: 1, linger: 0 });
  subscriber.connect(bindAddress(connection, iopub));
  subscriber.subscribe();
  const first = (async () => {
    for await (const frames of subscriber) {
      const decoded = decodeFrames(frames, signer);
      if (decoded.kind === "message") return decoded.envelope.message;
    }
    return undefined;
  })().catch(() => undefined);

  const child = spawn(process.execPath, [join(ROOT, "dist/app/cli.js"), "kernel", file], { stdio: "ignore" });
  const exited = new Promise((done) => child.once("exit", done));
  let client: KernelClient | undefined;
  try {
    // Once the client's handshake has been heard on iopub, our earlier subscriber has heard something too.
    client = await KernelClient.connect(connection, { timeoutMs: 20_000 });
    const timeout = new Promise<undefined>((done) => setTimeout(() => done(undefined), 5000).unref());
    return await Promise.race([first, timeout]);
  } finally {
    subscriber.close();
    await client?.close();
    child.kill("SIGKILL");
    await exited;
    await removeDir(dir);
  }
}
