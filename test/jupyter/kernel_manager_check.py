#!/usr/bin/env python3
"""Drive the installed ts-concurrency kernel with Jupyter's own client library.

This is the proof that a real Jupyter client (jupyter_client's KernelManager and
BlockingKernelClient, which notebook servers, nbclient and nbconvert build on) can start the
kernel from its kernelspec and get the right messages back for everything a front end does.

Usage: python3 test/jupyter/kernel_manager_check.py [--kernel NAME]

The kernelspec must already be installed where Jupyter looks (see .ci/run). Prints one
"ok: ..." line per check and exits 1 with "FAIL: ..." on the first failure. Every wait has a
timeout, and a watchdog ends the whole run, so it cannot hang.
"""

import argparse
import json
import os
import queue
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone

import zmq
from jupyter_client.manager import KernelManager

STEP_TIMEOUT = 30  # seconds for any one request to be answered
STARTUP_TIMEOUT = 60  # the first start compiles TypeScript, allow for a slow machine
WHOLE_RUN_TIMEOUT = 300  # the watchdog: the whole script never takes longer than this


class CheckFailed(Exception):
    pass


def ok(text):
    print(f"ok: {text}", flush=True)


def expect(condition, what, detail=None):
    if not condition:
        message = what if detail is None else f"{what}\n    got: {detail!r}"
        raise CheckFailed(message)


def on_watchdog(signum, frame):
    raise CheckFailed(f"the whole check took longer than {WHOLE_RUN_TIMEOUT} s (watchdog)")


# ---------------------------------------------------------------------------------------------
# Message helpers


def reply_to(get_msg, channel, msg_id, timeout=STEP_TIMEOUT):
    """The reply on a channel whose parent is msg_id, skipping replies to other requests."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            msg = get_msg(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise CheckFailed(f"no {channel} reply to {msg_id} within {timeout} s") from None
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def shell_reply(kc, msg_id, timeout=STEP_TIMEOUT):
    return reply_to(kc.get_shell_msg, "shell", msg_id, timeout)


def control_reply(kc, msg_id, timeout=STEP_TIMEOUT):
    return reply_to(kc.get_control_msg, "control", msg_id, timeout)


def iopub_until_idle(kc, msg_id, timeout=STEP_TIMEOUT):
    """All iopub messages for request msg_id up to and including its status: idle."""
    deadline = time.monotonic() + timeout
    messages = []
    while True:
        left = deadline - time.monotonic()
        try:
            msg = kc.get_iopub_msg(timeout=max(left, 0.01))
        except queue.Empty:
            seen = [m["msg_type"] for m in messages]
            raise CheckFailed(f"no status idle on iopub for {msg_id} within {timeout} s; saw {seen}") from None
        if msg["parent_header"].get("msg_id") != msg_id:
            continue  # left over from an earlier request
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages


def iopub_until(kc, msg_id, msg_type, timeout=STEP_TIMEOUT):
    """iopub messages for msg_id up to the first of msg_type (to act while a cell still runs)."""
    deadline = time.monotonic() + timeout
    messages = []
    while True:
        left = deadline - time.monotonic()
        try:
            msg = kc.get_iopub_msg(timeout=max(left, 0.01))
        except queue.Empty:
            raise CheckFailed(f"no {msg_type} on iopub for {msg_id} within {timeout} s") from None
        if msg["parent_header"].get("msg_id") == msg_id:
            messages.append(msg)
            if msg["msg_type"] == msg_type:
                return messages


def types(messages):
    return [m["msg_type"] for m in messages]


def check_busy_idle(messages, what):
    states = [m["content"]["execution_state"] for m in messages if m["msg_type"] == "status"]
    expect(states[:1] == ["busy"] and states[-1:] == ["idle"], f"{what}: iopub must go busy ... idle", states)


def execute(kc, code, timeout=STEP_TIMEOUT, **kwargs):
    """Runs code; returns (reply, iopub messages for it). The reply is checked to match."""
    msg_id = kc.execute(code, **kwargs)
    messages = iopub_until_idle(kc, msg_id, timeout)
    reply = shell_reply(kc, msg_id, timeout)
    expect(reply["msg_type"] == "execute_reply", "shell reply to execute_request is execute_reply", reply["msg_type"])
    check_busy_idle(messages, repr(code))
    return reply, messages


def first(messages, msg_type, what):
    found = [m for m in messages if m["msg_type"] == msg_type]
    expect(found, f"{what}: expected {msg_type} on iopub", types(messages))
    return found[0]


def stdout_of(messages):
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")


def request(kc, method, *args, **kwargs):
    """Sends a shell request with a client method and returns its reply, waiting for idle too."""
    msg_id = getattr(kc, method)(*args, **kwargs)
    reply = shell_reply(kc, msg_id)
    check_busy_idle(iopub_until_idle(kc, msg_id), method)
    return reply


def ping_heartbeat(connection, timeout=2.0):
    """One REQ/REP round trip on the heartbeat socket, the way a front end checks liveness."""
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    try:
        sock.connect(f"{connection['transport']}://{connection['ip']}:{connection['hb_port']}")
        payload = b"are-you-there-%d" % os.getpid()
        sock.send(payload)
        if not sock.poll(int(timeout * 1000)):
            return None
        return sock.recv()
    finally:
        sock.close()


# ---------------------------------------------------------------------------------------------
# The checks, in the order a notebook session meets them


def check_kernel_info(kc):
    reply = request(kc, "kernel_info")
    c = reply["content"]
    expect(c.get("status") == "ok", "kernel_info_reply status ok", c)
    lang = c.get("language_info", {})
    expect(lang.get("name") == "typescript", "kernel_info language_info.name is typescript", lang)
    expect(str(c.get("protocol_version", "")).startswith("5."), "protocol_version 5.x", c.get("protocol_version"))
    ok(f"kernel_info: {c.get('implementation')} {c.get('implementation_version')}, "
       f"language {lang.get('name')} {lang.get('version', '')}, protocol {c.get('protocol_version')}")

    # JupyterLab asks this when it connects.
    c = request(kc, "comm_info")["content"]
    expect(c.get("status") == "ok" and isinstance(c.get("comms"), dict), "comm_info_reply ok with a comms dict", c)
    ok("comm_info: ok, no comms")


def check_execute_result(kc):
    reply, messages = execute(kc, "1 + 1")
    expect(reply["content"]["status"] == "ok", "execute_reply status ok for 1 + 1", reply["content"])
    count = reply["content"]["execution_count"]
    inp = first(messages, "execute_input", "1 + 1")
    expect(inp["content"]["code"] == "1 + 1", "execute_input echoes the code", inp["content"])
    expect(inp["content"]["execution_count"] == count, "execute_input has the reply's execution_count",
           (inp["content"]["execution_count"], count))
    result = first(messages, "execute_result", "1 + 1")
    expect(result["content"]["data"].get("text/plain") == "2", "execute_result text/plain is 2", result["content"])
    expect(result["content"]["execution_count"] == count, "execute_result has the reply's execution_count",
           (result["content"]["execution_count"], count))
    ok(f"execute 1 + 1 -> execute_result '2' [{count}], parent headers match, iopub {types(messages)}")
    return count


def check_stream(kc):
    reply, messages = execute(kc, 'console.log("hi")')
    expect(reply["content"]["status"] == "ok", "execute_reply status ok for console.log", reply["content"])
    expect(stdout_of(messages) == "hi\n", 'console.log("hi") streams "hi\\n" on stdout', types(messages))
    ok('console.log("hi") -> stream stdout "hi\\n"')


def check_type_error(kc):
    code = 'const typedWrong: number = "not a number";'
    reply, messages = execute(kc, code)
    c = reply["content"]
    expect(c["status"] == "error", "a type error gives execute_reply status error", c)
    expect(c.get("ename") and isinstance(c.get("traceback"), list) and c["traceback"],
           "error reply has ename and a traceback", c)
    err = first(messages, "error", "type error")
    expect(err["content"]["ename"] == c["ename"], "iopub error matches the reply's ename", err["content"])
    text = "\n".join(c["traceback"])
    expect("string" in text and "number" in text, "the traceback explains the type mismatch", text)
    ok(f"type error -> error reply ename={c['ename']!r}, {len(c['traceback'])} traceback line(s)")


def check_is_complete(kc):
    incomplete = request(kc, "is_complete", "function f() {")["content"]
    expect(incomplete.get("status") == "incomplete", "is_complete('function f() {') is incomplete", incomplete)
    complete = request(kc, "is_complete", "const done = 1;")["content"]
    expect(complete.get("status") == "complete", "is_complete('const done = 1;') is complete", complete)
    ok(f"is_complete: incomplete (indent {incomplete.get('indent')!r}) / complete")


def check_complete(kc):
    reply, _ = execute(kc, "const someLongVariableName = 7;")
    expect(reply["content"]["status"] == "ok", "defining a variable for completion works", reply["content"])
    code = "someLongVar"
    c = request(kc, "complete", code, len(code))["content"]
    expect(c.get("status") == "ok", "complete_reply status ok", c)
    expect("someLongVariableName" in c.get("matches", []), "completion offers someLongVariableName", c)
    expect(c.get("cursor_start") == 0 and c.get("cursor_end") == len(code), "completion replaces the typed word", c)
    code = "Math.flo"
    c = request(kc, "complete", code, len(code))["content"]
    expect("floor" in c.get("matches", []), "completion of Math.flo offers floor", c)
    ok(f"complete: someLongVar -> someLongVariableName; Math.flo -> {c['matches'][:3]}")


def check_inspect(kc):
    code = "Math.floor"
    c = request(kc, "inspect", code, len(code))["content"]
    expect(c.get("status") == "ok" and c.get("found") is True, "inspect Math.floor is found", c)
    text = c.get("data", {}).get("text/plain", "")
    expect("floor" in text, "inspect text mentions floor", text)
    ok(f"inspect Math.floor found: {text.splitlines()[0][:70]!r}")


def check_history(kc):
    c = request(kc, "history", raw=True, output=False, hist_access_type="tail", n=50)["content"]
    expect(c.get("status") == "ok", "history_reply status ok", c)
    entries = c.get("history", [])
    codes = [entry[2] for entry in entries]
    expect("1 + 1" in codes and 'console.log("hi")' in codes, "history tail has the cells run so far", codes)
    ok(f"history tail: {len(entries)} entries, last {entries[-1][:3]!r}")


def check_input(kc):
    code = 'const who = await input("Your name? ");\nconsole.log(`hello ${who}`);'
    msg_id = kc.execute(code, allow_stdin=True)
    try:
        req = kc.get_stdin_msg(timeout=STEP_TIMEOUT)
    except queue.Empty:
        raise CheckFailed("input() sent no input_request on stdin") from None
    expect(req["msg_type"] == "input_request", "stdin message is input_request", req["msg_type"])
    expect(req["parent_header"].get("msg_id") == msg_id, "input_request's parent is the execute_request",
           req["parent_header"])
    expect(req["content"].get("prompt") == "Your name? ", "input_request carries the prompt", req["content"])
    kc.input("Ada")
    messages = iopub_until_idle(kc, msg_id)
    reply = shell_reply(kc, msg_id)
    expect(reply["content"]["status"] == "ok", "execute_reply ok after answering input", reply["content"])
    expect("hello Ada" in stdout_of(messages), "the answer reaches the cell", types(messages))

    # And through the client's own helper, as jupyter console does it.
    answers = []

    def stdin_hook(msg):
        answers.append(msg["content"]["prompt"])
        kc.input("42")

    reply = kc.execute_interactive('Number(await input("n? ")) + 1', allow_stdin=True, stdin_hook=stdin_hook,
                                   output_hook=lambda m: None, timeout=STEP_TIMEOUT)
    expect(reply["content"]["status"] == "ok" and answers == ["n? "],
           "execute_interactive's stdin_hook answers input()", (reply["content"], answers))
    ok("input(): input_request on stdin with prompt, answer reaches the cell (manual and execute_interactive)")


def check_heartbeat_while_busy(km, kc):
    # The cell touches a file when its synchronous loop starts, so the checks below run while it
    # spins. (Not a console.log: stream text written just before a blocking loop is only
    # published once the loop ends.)
    with tempfile.TemporaryDirectory() as tmp:
        marker = os.path.join(tmp, "spinning")
        code = (f'require("fs").writeFileSync({json.dumps(marker)}, "");\n'
                'const busyUntil = Date.now() + 5000;\nwhile (Date.now() < busyUntil) {}')
        msg_id = kc.execute(code)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not os.path.exists(marker):
            expect(time.monotonic() < deadline, "the busy cell started its loop")
            time.sleep(0.05)
    time.sleep(1.5)  # longer than the heartbeat channel's time_to_dead (1 s)
    expect(km.is_alive(), "km.is_alive() while a cell is busy")
    expect(kc.hb_channel.is_beating(), "client heartbeat channel still beating while a cell is busy")
    echo = ping_heartbeat(km.get_connection_info())
    expect(echo is not None and echo.startswith(b"are-you-there"), "heartbeat echoes while busy", echo)
    checked_at = datetime.now(timezone.utc)
    messages = iopub_until_idle(kc, msg_id)
    reply = shell_reply(kc, msg_id)
    expect(reply["content"]["status"] == "ok", "the busy cell finishes ok", reply["content"])
    idle_at = messages[-1]["header"]["date"]
    expect(idle_at > checked_at, "the heartbeat checks ran while the cell was still busy", (idle_at, checked_at))
    ok(f"heartbeat: km.is_alive(), hb_channel.is_beating() and a direct hb echo while a cell spins "
       f"(cell went idle {(idle_at - checked_at).total_seconds():.1f} s after the checks)")


def check_interrupt(km, kc):
    reply, _ = execute(kc, "let counter = 41;")
    expect(reply["content"]["status"] == "ok", "setting up state before the interrupt", reply["content"])
    msg_id = kc.execute("while (true) {}")
    iopub_until(kc, msg_id, "execute_input")
    time.sleep(1.0)
    started = time.monotonic()
    km.interrupt_kernel()
    messages = iopub_until_idle(kc, msg_id, timeout=20)
    reply = shell_reply(kc, msg_id, timeout=20)
    took = time.monotonic() - started
    c = reply["content"]
    expect(c["status"] == "error", "the interrupted cell's reply is an error", c)
    ok(f"interrupt (interrupt_mode message): while (true) {{}} stopped in {took:.2f} s, ename={c.get('ename')!r}, "
       f"iopub {types(messages)}")

    # km.interrupt_kernel() does not read the kernel's answer; a client on the control channel does.
    msg_id = kc.execute("while (true) {}")
    iopub_until(kc, msg_id, "execute_input")
    time.sleep(0.5)
    request_msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request_msg)
    try:
        answer = kc.get_control_msg(timeout=STEP_TIMEOUT)
    except queue.Empty:
        raise CheckFailed("no interrupt_reply on control") from None
    expect(answer["msg_type"] == "interrupt_reply" and answer["content"].get("status") == "ok"
           and answer["parent_header"].get("msg_id") == request_msg["header"]["msg_id"],
           "interrupt_reply ok on control, parent matching", answer)
    iopub_until_idle(kc, msg_id, timeout=20)
    expect(shell_reply(kc, msg_id, timeout=20)["content"]["status"] == "error", "second interrupted cell is an error")
    ok("interrupt_request from the client's control channel -> interrupt_reply ok, cell stopped")

    reply, messages = execute(kc, "counter + 1")
    expect(reply["content"]["status"] == "ok", "the cell after an interrupt runs", reply["content"])
    result = first(messages, "execute_result", "after interrupt")
    expect(result["content"]["data"].get("text/plain") == "42", "state survives the interrupt (counter + 1 == 42)",
           result["content"])
    ok("after interrupt: next cell runs and sees earlier state (counter + 1 -> 42)")


def check_restart(km, kc):
    old_process = km.provisioner.process
    started = time.monotonic()
    km.restart_kernel(now=False)  # shutdown_request(restart=True) on control, then a fresh start
    kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
    took = time.monotonic() - started
    new_pid = km.provisioner.process.pid
    expect(km.is_alive(), "kernel alive after restart")
    expect(old_process.pid != new_pid, "restart started a new process", (old_process.pid, new_pid))
    expect(old_process.poll() == 0, "the old kernel exited by itself with status 0 (not killed)", old_process.poll())
    ok(f"restart_kernel: old kernel exited 0, new process (pid {old_process.pid} -> {new_pid}) ready in {took:.1f} s")

    # A fresh kernel's first cell spends a while compiling; an interrupt then must still stop it.
    msg_id = kc.execute("while (true) {}")
    iopub_until(kc, msg_id, "execute_input", timeout=STARTUP_TIMEOUT)
    km.interrupt_kernel()
    iopub_until_idle(kc, msg_id, timeout=STARTUP_TIMEOUT)
    c = shell_reply(kc, msg_id, timeout=STARTUP_TIMEOUT)["content"]
    expect(c["status"] == "error" and c.get("ename") == "KeyboardInterrupt",
           "an interrupt sent as soon as the first cell starts stops it", c)
    ok("interrupt right after execute_input on a fresh kernel (cell still compiling) stops the cell")

    reply, _ = execute(kc, "counter")
    c = reply["content"]
    expect(c["status"] == "error" and "counter" in "\n".join(c.get("traceback", [])),
           "restart forgets earlier state (counter is no longer defined)", c)
    reply, messages = execute(kc, "2 * 21")
    result = first(messages, "execute_result", "after restart")
    expect(result["content"]["data"].get("text/plain") == "42", "execute works after restart", result["content"])
    count = reply["content"]["execution_count"]
    expect(count == 3, "execution counts start again after restart (third cell is [3])", count)
    ok(f"after restart: earlier state gone, 2 * 21 -> 42 [{count}]")


def check_shutdown(km, kc):
    process = km.provisioner.process
    msg_id = kc.shutdown()
    reply = control_reply(kc, msg_id)
    c = reply["content"]
    expect(reply["msg_type"] == "shutdown_reply" and c.get("status") == "ok" and c.get("restart") is False,
           "shutdown_reply ok on control", reply)
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    expect(process.poll() is not None, "the kernel process exits by itself after shutdown_request")
    expect(process.returncode == 0, "the kernel exits with status 0", process.returncode)
    # Everything the kernel published for the request has arrived by now: one busy, one idle.
    states = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
        except queue.Empty:
            break
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status":
            states.append(msg["content"]["execution_state"])
    expect(states == ["busy", "idle"], "shutdown_request gets exactly one busy and one idle on iopub", states)
    ok(f"shutdown: shutdown_reply ok, iopub busy/idle, process exited by itself with status {process.returncode}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", default="ts-concurrency", help="kernelspec name (default: ts-concurrency)")
    args = parser.parse_args()

    signal.signal(signal.SIGALRM, on_watchdog)
    signal.alarm(WHOLE_RUN_TIMEOUT)

    km = KernelManager(kernel_name=args.kernel)
    kc = None
    began = time.monotonic()
    try:
        try:
            km.start_kernel()
        except Exception as e:  # noqa: BLE001 - report any launch problem plainly
            raise CheckFailed(f"could not start kernel {args.kernel!r}: {e}") from e
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except RuntimeError as e:
            raise CheckFailed(f"kernel did not become ready: {e}") from e
        spec = km.kernel_spec
        ok(f"started {args.kernel!r} ({spec.display_name}, interrupt_mode {spec.interrupt_mode}) "
           f"in {time.monotonic() - began:.1f} s")

        check_kernel_info(kc)
        check_execute_result(kc)
        check_stream(kc)
        check_type_error(kc)
        check_is_complete(kc)
        check_complete(kc)
        check_inspect(kc)
        check_history(kc)
        check_input(kc)
        check_heartbeat_while_busy(km, kc)
        check_interrupt(km, kc)
        check_restart(km, kc)
        check_shutdown(km, kc)
    except CheckFailed as e:
        print(f"FAIL: {e}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.alarm(0)
        if kc is not None:
            kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        km.cleanup_resources()
    print(f"all kernel checks passed in {time.monotonic() - began:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
