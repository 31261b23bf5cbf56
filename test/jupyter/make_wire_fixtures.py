#!/usr/bin/env python3
"""Write known-answer wire frames signed by jupyter_client's own Session.

The frames let a unit test check our verifier (src/protocol/wire.ts, signer.ts) against the
reference implementation instead of against our own signer. Everything that Session would make
up (msg ids, dates, session ids) is fixed, so running this again gives the same file.

Usage: /usr/bin/python3 test/jupyter/make_wire_fixtures.py > test/fixtures/jupyter-client-frames.json
"""

import base64
import json
import sys
from datetime import datetime, timezone

import jupyter_client
from jupyter_client.session import Session

# Not a secret: a key for test fixtures, committed with them.
KEY = "5f0c1e7a-fixture-key-for-wire-tests"
DATE = datetime(2024, 5, 17, 9, 30, 0, 123456, tzinfo=timezone.utc)


def header(session, msg_id, msg_type):
    return {
        "msg_id": msg_id,
        "session": session.session,
        "username": session.username,
        "date": DATE,
        "msg_type": msg_type,
        "version": "5.3",
    }


def frames(session, msg_id, msg_type, content, parent=None, metadata=None, buffers=(), idents=(b"client-1",)):
    msg = {
        "header": header(session, msg_id, msg_type),
        "parent_header": parent or {},
        "metadata": metadata or {},
        "content": content,
    }
    # Session.send appends raw buffers after the four signed frames; serialize() alone does not.
    return session.serialize(msg, ident=list(idents)) + list(buffers)


def entry(name, scheme, message_frames, expect):
    # What a verifier must read back: the content as Session packed it, and the parent's id.
    expect["content"] = json.loads(message_frames[expect_index(message_frames) + 5])
    expect["parent_msg_id"] = json.loads(message_frames[expect_index(message_frames) + 3]).get("msg_id")
    return {
        "name": name,
        "signature_scheme": scheme,
        "frames_base64": [base64.b64encode(f).decode("ascii") for f in message_frames],
        "expect": expect,
    }


def expect_index(message_frames):
    return message_frames.index(b"<IDS|MSG>")


def main():
    sha256 = Session(key=KEY.encode(), signature_scheme="hmac-sha256", session="fixture-client", username="alice")
    sha512 = Session(key=KEY.encode(), signature_scheme="hmac-sha512", session="fixture-client", username="alice")
    execute = frames(
        sha256,
        "msg-execute-1",
        "execute_request",
        {
            "code": "const s = 'naïve ☕ 😀';\ns.length",
            "silent": False,
            "store_history": True,
            "user_expressions": {},
            "allow_stdin": True,
            "stop_on_error": True,
        },
    )
    parent = header(sha256, "msg-input-request-1", "input_request")
    reply = frames(
        sha256,
        "msg-input-reply-1",
        "input_reply",
        {"value": "Ada"},
        parent=parent,
        metadata={"trusted": True},
        idents=(b"client-1", b"router-hop"),
    )
    comm = frames(
        sha512,
        "msg-comm-1",
        "comm_msg",
        {"comm_id": "c-1", "data": {"method": "update"}},
        buffers=(b"\x00\x01binary\xff",),
        idents=(),
    )
    json.dump(
        {
            "generator": "test/jupyter/make_wire_fixtures.py",
            "jupyter_client": jupyter_client.__version__,
            "key": KEY,
            "messages": [
                entry(
                    "execute_request with non-ASCII code",
                    "hmac-sha256",
                    execute,
                    {"msg_type": "execute_request", "msg_id": "msg-execute-1", "identities": ["client-1"], "buffers": 0},
                ),
                entry(
                    "input_reply with a parent, metadata and two identities",
                    "hmac-sha256",
                    reply,
                    {
                        "msg_type": "input_reply",
                        "msg_id": "msg-input-reply-1",
                        "identities": ["client-1", "router-hop"],
                        "buffers": 0,
                    },
                ),
                entry(
                    "comm_msg signed with hmac-sha512, carrying a binary buffer",
                    "hmac-sha512",
                    comm,
                    {"msg_type": "comm_msg", "msg_id": "msg-comm-1", "identities": [], "buffers": 1},
                ),
            ],
        },
        sys.stdout,
        indent=2,
        ensure_ascii=False,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
