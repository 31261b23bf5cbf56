import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomUUID } from "crypto";
import { existsSync } from "fs";
import { join } from "path";
import * as zmq from "zeromq";
import { newMessage } from "../../src/protocol/build";
import { Message } from "../../src/protocol/message";
import { bindAddress } from "../../src/transport/connection";
import { createSigner, Signer } from "../../src/transport/signer";
import { decodeFrames, encodeFrames } from "../../src/transport/wire";
import { KernelSession, makeTempDir, parentId, removeDir } from "./helpers";

/**
 * A raw DEALER on the kernel's shell port, outside the project's client, so that frames can be
 * signed with the wrong key, cut short or left unsigned.
 */
describe("message authentication", () => {
  let session: KernelSession;
  let dir: string;
  let shell: zmq.Dealer;
  let goodSigner: Signer;
  const identity = { session: `intruder-${randomUUID()}`, username: "intruder" };

  beforeAll(async () => {
    dir = await makeTempDir("security");
    session = await KernelSession.start();
    const { connection } = session.kernel;
    goodSigner = createSigner(connection.signature_scheme, connection.key);
    shell = new zmq.Dealer({ linger: 0 });
    shell.connect(bindAddress(connection, connection.shell_port));
  });

  afterAll(async () => {
    shell?.close();
    await session?.stop();
    await removeDir(dir);
  });

  /** A cell that proves it ran by creating `marker`. */
  function markerRequest(marker: string): Message {
    const code = `import * as fs from "fs";\nfs.writeFileSync(${JSON.stringify(marker)}, "ran");`;
    return newMessage(identity, "execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false,
    });
  }

  function framesSignedBy(signer: Signer, message: Message): Buffer[] {
    return encodeFrames({ identities: [], message }, signer);
  }

  /** The four frames the signature covers: header, parent header, metadata, content. */
  function signedParts(message: Message): Buffer[] {
    return framesSignedBy(goodSigner, message).slice(2, 6);
  }

  /** Frames with the signature frame (right after the delimiter) replaced. */
  function withSignature(message: Message, signature: string): Buffer[] {
    const frames = framesSignedBy(goodSigner, message);
    // No identities were given, so frames are: delimiter, signature, header, parent, metadata, content.
    frames[1] = Buffer.from(signature, "utf8");
    return frames;
  }

  /** Waits on the raw socket for the reply to `request`, skipping replies to anything else. */
  async function replyTo(request: Message, timeoutMs = 30_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    shell.receiveTimeout = timeoutMs;
    while (Date.now() < deadline) {
      const decoded = decodeFrames(await shell.receive(), goodSigner);
      if (decoded.kind === "message" && parentId(decoded.envelope.message) === request.header.msg_id) {
        return decoded.envelope.message;
      }
    }
    throw new Error(`no reply to ${request.header.msg_type} within ${timeoutMs} ms`);
  }

  /**
   * Sends a correctly signed request after `frames` on the same socket. The kernel handles one
   * peer's shell messages in order, so once this is answered, `frames` have been dealt with.
   */
  async function sendThenSync(frames: Buffer[]): Promise<void> {
    await shell.send(frames);
    const probe = newMessage(identity, "kernel_info_request", {});
    await shell.send(framesSignedBy(goodSigner, probe));
    const reply = await replyTo(probe);
    expect(reply.content.status).toBe("ok");
  }

  it("runs a correctly signed request from the raw socket (the check below can see a run)", async () => {
    const marker = join(dir, "signed-correctly");
    const request = markerRequest(marker);
    await shell.send(framesSignedBy(goodSigner, request));
    const reply = await replyTo(request);
    expect(reply.content.status).toBe("ok");
    expect(existsSync(marker)).toBe(true);
  });

  it.each([
    ["signed with the wrong key", (m: Message) => framesSignedBy(createSigner("hmac-sha256", "not-the-kernel-key"), m)],
    ["with a truncated signature", (m: Message) => withSignature(m, goodSigner.sign(signedParts(m)).slice(0, 32))],
    ["unsigned", (m: Message) => withSignature(m, "")],
  ])("never runs a request %s, and keeps answering", async (_name, frame) => {
    const marker = join(dir, `bad-${randomUUID()}`);
    await sendThenSync(frame(markerRequest(marker)));

    expect(existsSync(marker)).toBe(false);
    expect(await session.value("1 + 1")).toBe("2");
    expect(existsSync(marker)).toBe(false);
  });

  it("rejects a correctly signed message whose content was altered afterwards", async () => {
    const marker = join(dir, "tampered");
    const frames = framesSignedBy(goodSigner, markerRequest(join(dir, "harmless-original")));
    const tampered = markerRequest(marker);
    frames[5] = Buffer.from(JSON.stringify(tampered.content), "utf8");
    await sendThenSync(frames);

    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, "harmless-original"))).toBe(false);
    await expect(session.client.heartbeat(5000)).resolves.toBe(true);
  });
});
