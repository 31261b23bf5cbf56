/**
 * Frames as the built kernel signs them, for jupyter_client to check (test/jupyter/verify_our_frames.py):
 * the other half of the known-answer test in test/unit/transport-wire-jupyter-client.test.ts.
 * Prints JSON: the key, and per message its scheme, frames (base64) and what it should decode to.
 * Usage: node test/jupyter/sign_our_frames.js | /usr/bin/python3 test/jupyter/verify_our_frames.py
 */
const { randomBytes } = require("crypto");
const { answer, newMessage } = require("../../dist/protocol/build");
const { createSigner } = require("../../dist/protocol/signer");
const { encodeFrames } = require("../../dist/protocol/wire");

// A fresh key each run, as every kernel start gets one.
const key = randomBytes(32).toString("hex");
const kernel = { session: "kernel-session", username: "kernel" };
const client = { session: "client-session", username: "client" };
const request = {
  identities: [Buffer.from("client-1")],
  message: newMessage(client, "execute_request", { code: "console.log('naïve ☕ 😀')" }),
};

const messages = [
  [
    "hmac-sha256",
    answer(
      kernel,
      request,
      "execute_reply",
      { status: "ok", execution_count: 1, user_expressions: {}, payload: [] },
      { started: new Date().toISOString() },
    ),
  ],
  [
    "hmac-sha256",
    {
      identities: [Buffer.from("kernel.kernel-session.stream")],
      message: newMessage(kernel, "stream", { name: "stdout", text: "naïve ☕ 😀\n" }, request.message.header),
    },
  ],
  ["hmac-sha256", { identities: [], message: newMessage(kernel, "status", { execution_state: "starting" }) }],
  [
    "hmac-sha512",
    {
      identities: [Buffer.from("client-1")],
      message: { ...newMessage(kernel, "comm_msg", { comm_id: "c-1", data: {} }), buffers: [Buffer.from([0, 1, 255])] },
    },
  ],
];

const out = {
  key,
  messages: messages.map(([scheme, envelope]) => ({
    signature_scheme: scheme,
    frames_base64: encodeFrames(envelope, createSigner(scheme, key)).map((f) => f.toString("base64")),
    expect: {
      msg_type: envelope.message.header.msg_type,
      msg_id: envelope.message.header.msg_id,
      content: envelope.message.content,
      buffers: envelope.message.buffers.length,
    },
  })),
};
process.stdout.write(JSON.stringify(out) + "\n");
