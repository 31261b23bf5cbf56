#!/usr/bin/env python3
"""Check frames our signer produced with jupyter_client's own Session.

Reads the JSON that test/jupyter/sign_our_frames.js prints (built kernel code, from dist/) and,
for each message, has Session.deserialize accept it and read back its type, id, content and date;
then has it reject the message with each signed frame tampered with. Prints one "ok: ..." line
per message; exits 1 with "FAIL: ..." on the first failure.

Usage: node test/jupyter/sign_our_frames.js | /usr/bin/python3 test/jupyter/verify_our_frames.py
"""

import base64
import json
import sys
from datetime import datetime

import jupyter_client
from jupyter_client.session import Session


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def session(key, scheme):
    # A fresh Session for each check: one remembers the signatures it accepted and refuses repeats.
    return Session(key=key.encode(), signature_scheme=scheme)


def decode(key, scheme, frames):
    s = session(key, scheme)
    _idents, msg_list = s.feed_identities(frames, copy=True)
    return s.deserialize(msg_list, content=True, copy=True)


def main():
    data = json.load(sys.stdin)
    key = data["key"]
    if not data["messages"]:
        fail("no messages to check")
    for m in data["messages"]:
        scheme, expect = m["signature_scheme"], m["expect"]
        frames = [base64.b64decode(f) for f in m["frames_base64"]]
        name = f"{expect['msg_type']} ({scheme})"
        try:
            msg = decode(key, scheme, frames)
        except Exception as e:  # noqa: BLE001 - any refusal is the failure being reported
            fail(f"jupyter_client refused our {name}: {e!r}")
        if msg["header"]["msg_type"] != expect["msg_type"] or msg["header"]["msg_id"] != expect["msg_id"]:
            fail(f"{name}: header read back as {msg['header']!r}")
        if msg["content"] != expect["content"]:
            fail(f"{name}: content read back as {msg['content']!r}, expected {expect['content']!r}")
        if not isinstance(msg["header"]["date"], datetime):
            fail(f"{name}: jupyter_client did not read the header date {msg['header']['date']!r} as a date")
        if len(msg["buffers"]) != expect["buffers"]:
            fail(f"{name}: {len(msg['buffers'])} buffers, expected {expect['buffers']}")

        at = frames.index(b"<IDS|MSG>") + 1
        for k in range(at, at + 5):
            tampered = list(frames)
            tampered[k] = tampered[k][:-1] + bytes([tampered[k][-1] ^ 1])
            try:
                decode(key, scheme, tampered)
            except ValueError as e:
                if "Signature" not in str(e):
                    fail(f"{name}: frame {k - at} tampered was refused, but not for its signature: {e}")
            else:
                fail(f"{name}: jupyter_client accepted it with frame {k - at} tampered")
        try:
            decode(key + "x", scheme, frames)
        except ValueError:
            pass
        else:
            fail(f"{name}: jupyter_client accepted it under another key")
        print(f"ok: jupyter_client {jupyter_client.__version__} verifies our {name} and refuses it tampered")


if __name__ == "__main__":
    main()
