#!/usr/bin/env python3
"""A room full of learners: kernels launched the way a notebook server launches them.

Each kernel starts from a kernelspec through jupyter_client's KernelManager (what jupyter_server
and nbclient build on), in an empty folder, and is timed from launch to its first kernel_info_reply
and to the first typed result (`const x: number = 1; x + 1`, or `x: int = 1; x + 1` in Python).
K = 1 is the median of several cold launches one after another; K = 4 and K = 8 start that many
of the same kernel at the same moment, as a class opening the same notebook does. With four
running and warm, each kernel's PSS and RSS are read from /proc/<pid>/smaps_rollup, summed over
the kernel's process tree (a process's figures cover all of its threads).

Usage: python3 test/jupyter/room_bench.py --kernels KERNELS.json [--launches N] [--rooms 4,8]

KERNELS.json: [{"name": ..., "argv": [..., "{connection_file}", ...], "code": ...,
"interrupt_mode": ..., "env": {...}, "fresh_cache": bool}, ...]; the first is ours, the others
its baselines. A kernel with "fresh_cache" gets an empty XDG_CACHE_HOME on every launch, as a
learner's first kernel on a shared server would. Prints a Markdown report; exits 1 only if it
could not run.
"""

import argparse
import json
import os
import queue
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time

READY_TIMEOUT = 90  # seconds from launch to kernel_info_reply, for K = 8 on a busy 2-core machine
RESULT_TIMEOUT = 60  # seconds from kernel_info_reply to the first result
PROBE_INTERVAL = 0.1  # seconds between kernel_info probes; tslab fails sends (EBUSY) when flooded with them
SETTLE = 3.0  # seconds the warm kernels idle before their memory is read


def now():
    return time.monotonic()


RUNNING = []  # every launch not stopped yet, so that an interrupted run leaves no kernel behind


class Launch:
    """One kernel's start: its figures, or why one is missing."""

    def __init__(self):
        RUNNING.append(self)
        self.to_info = None
        self.to_result = None
        self.problem = None
        self.km = None
        self.kc = None
        self.cache_dir = None


def start(spec, cwd):
    from jupyter_client.manager import KernelManager

    launch = Launch()
    env = dict(os.environ)
    env.update(spec.get("env", {}))
    if spec.get("fresh_cache"):
        launch.cache_dir = tempfile.mkdtemp(prefix="room-cache-")
        env["XDG_CACHE_HOME"] = launch.cache_dir
    launch.km = KernelManager(kernel_name=spec["kernel_name"])
    launch.began = now()
    launch.km.start_kernel(cwd=cwd, env=env)
    return launch


def shown_text(msg):
    """The value a message shows: an execute_result, or stdout, where tslab prints a cell's last value."""
    if msg["msg_type"] == "execute_result":
        return msg["content"]["data"].get("text/plain", "")
    if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
        return msg["content"]["text"]
    return None


def first_result(launch, code):
    """Waits for the kernel the way a front end does: kernel_info until it answers, then the first cell."""
    kc = launch.km.client()
    launch.kc = kc
    kc.start_channels()
    probes = set()
    deadline = launch.began + READY_TIMEOUT
    iopub_live = False
    try:
        # A SUB socket misses what is published before its subscription reaches the kernel; only a
        # probe's own status on iopub proves the first cell's output will be seen.
        while launch.to_info is None or not iopub_live:
            if now() > deadline:
                launch.problem = "no kernel_info_reply" if launch.to_info is None else "iopub never answered"
                return
            if not launch.km.is_alive():
                launch.problem = "the kernel exited while starting"
                return
            if launch.to_info is None or not iopub_live:
                probes.add(kc.kernel_info())
            waited_until = now() + PROBE_INTERVAL
            while now() < waited_until:
                try:
                    msg = kc.get_shell_msg(timeout=PROBE_INTERVAL / 2)
                    if launch.to_info is None and msg["parent_header"].get("msg_id") in probes:
                        launch.to_info = now() - launch.began
                except queue.Empty:
                    pass
                try:
                    msg = kc.get_iopub_msg(timeout=0.001)
                    if msg["parent_header"].get("msg_id") in probes:
                        iopub_live = True
                except queue.Empty:
                    pass
        msg_id = kc.execute(code)
        until = now() + RESULT_TIMEOUT
        while True:
            try:
                msg = kc.get_iopub_msg(timeout=max(until - now(), 0.01))
            except queue.Empty:
                launch.problem = "no result for the first cell"
                return
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            shown = shown_text(msg)
            if shown is not None:
                if shown.strip() != "2":
                    launch.problem = f"first cell showed {shown!r}, not 2"
                else:
                    launch.to_result = now() - launch.began
                return
            if msg["msg_type"] == "error":
                launch.problem = f"first cell failed: {msg['content'].get('ename')}: {msg['content'].get('evalue')}"
                return
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                launch.problem = "the first cell finished without showing a value"
                return
    except Exception as e:  # noqa: BLE001 - a bench reports, it does not stop at one kernel
        launch.problem = f"{type(e).__name__}: {e}"


def stop(launch):
    if launch in RUNNING:
        RUNNING.remove(launch)
    try:
        if launch.kc is not None:
            launch.kc.stop_channels()
        if launch.km is not None and launch.km.has_kernel:
            launch.km.shutdown_kernel(now=False)
        if launch.km is not None:
            launch.km.cleanup_resources()
    except Exception as e:  # noqa: BLE001
        print(f"[room] could not stop a kernel cleanly: {e}", file=sys.stderr)
        if launch.km is not None and launch.km.has_kernel:
            launch.km.shutdown_kernel(now=True)
    if launch.cache_dir:
        shutil.rmtree(launch.cache_dir, ignore_errors=True)


def room(spec, k, cwd):
    """K kernels launched at the same moment, each timed from its own launch."""
    launches = [None] * k
    barrier = threading.Barrier(k)

    def one(i):
        barrier.wait()
        launches[i] = start(spec, cwd)
        first_result(launches[i], spec["code"])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return launches


# ---------------------------------------------------------------------------------------------
# Memory from /proc


def descendants(pid):
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            continue
        for child in children:
            found.append(child)
            found.extend(descendants(child))
    return found


def rollup(pid):
    """(PSS, RSS) in KiB of one process from smaps_rollup; None if it has gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            text = f.read()
    except OSError:
        return None
    fields = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("Pss:", "Rss:"):
            fields[parts[0]] = int(parts[1])
    return fields.get("Pss:", 0), fields.get("Rss:", 0)


def tree_memory(pid):
    pss = rss = 0
    for p in [pid, *descendants(pid)]:
        figures = rollup(p)
        if figures:
            pss += figures[0]
            rss += figures[1]
    return pss, rss


# ---------------------------------------------------------------------------------------------
# Report


def seconds(value):
    return "—" if value is None else f"{value:.2f} s"


def mib(kib):
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def worst_or_none(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def ratio(ours, other):
    if ours is None or other is None or other == 0:
        return "—"
    return f"{ours / other:.2f}×"


def table(results, rows):
    names = [r["name"] for r in results]
    head = ["", *names] + [f"ours ÷ {n}" for n in names[1:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, key, fmt in rows:
        values = [r["figures"].get(key) for r in results]
        cells = [fmt(v) for v in values] + [ratio(values[0], v) for v in values[1:]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", required=True, help="JSON file describing the kernels (see above)")
    parser.add_argument("--launches", type=int, default=5, help="cold launches one after another (K = 1)")
    parser.add_argument("--rooms", default="4,8", help="room sizes launched at once, comma-separated")
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args()
    # Stopped from outside (the bench's own limit, a CI timeout): still stop every kernel it started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    rooms = [int(k) for k in args.rooms.split(",") if k]

    with open(args.kernels) as f:
        specs = json.load(f)

    work = tempfile.mkdtemp(prefix="room-bench-")
    # Everything Jupyter reads or writes lives here, so the run neither sees nor touches a user's setup.
    for var, sub in [("JUPYTER_PATH", "share"), ("JUPYTER_DATA_DIR", "data"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTER_CONFIG_DIR", "config"), ("IPYTHONDIR", "ipython")]:
        os.environ[var] = os.path.join(work, sub)
        os.makedirs(os.environ[var], exist_ok=True)
    notebook_dir = os.path.join(work, "notebooks")
    os.makedirs(notebook_dir)
    try:
        import jupyter_client
    except ImportError:
        print("- jupyter_client is not importable by this Python: no room rows (install python3-jupyter-client)")
        return 1

    notes = [f"- jupyter_client {jupyter_client.__version__} KernelManager, Python {sys.version.split()[0]}, "
             f"{os.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in os.getloadavg())} at start"]
    for i, spec in enumerate(specs):
        spec["kernel_name"] = f"room-bench-{i}"
        folder = os.path.join(os.environ["JUPYTER_PATH"], "kernels", spec["kernel_name"])
        os.makedirs(folder)
        with open(os.path.join(folder, "kernel.json"), "w") as f:
            json.dump({"argv": spec["argv"], "display_name": spec["name"], "language": "any",
                       "interrupt_mode": spec.get("interrupt_mode", "signal")}, f)

    progress = lambda text: print(f"[room] {text}", file=sys.stderr, flush=True)  # noqa: E731
    results = [{"name": s["name"], "figures": {}, "problems": []} for s in specs]
    try:
        # One launch each, untimed: the disk cache, IPython's profile and our code cache are as a
        # server that has run a kernel before finds them.
        for spec, result in zip(specs, results):
            launch = start(spec, notebook_dir)
            first_result(launch, spec["code"])
            stop(launch)
            if launch.problem:
                result["problems"].append(f"warm-up launch: {launch.problem}")
            progress(f"{spec['name']}: warm-up launch {seconds(launch.to_result)}")

        singles = [[] for _ in specs]
        # Alternating spreads the machine's background noise over all kernels.
        for n in range(args.launches):
            for i, spec in enumerate(specs):
                launch = start(spec, notebook_dir)
                first_result(launch, spec["code"])
                stop(launch)
                singles[i].append(launch)
                if launch.problem:
                    results[i]["problems"].append(f"K=1 launch {n + 1}: {launch.problem}")
                progress(f"K=1 {n + 1}/{args.launches} {spec['name']}: kernel_info {seconds(launch.to_info)}, "
                         f"first result {seconds(launch.to_result)}")
        for result, launches in zip(results, singles):
            result["figures"]["k1_info"] = median_or_none([l.to_info for l in launches])
            result["figures"]["k1_result"] = median_or_none([l.to_result for l in launches])
            result["figures"]["k1_result_worst"] = worst_or_none([l.to_result for l in launches])

        for k in rooms:
            for spec, result in zip(specs, results):
                launches = room(spec, k, notebook_dir)
                try:
                    for l in launches:
                        if l.problem:
                            result["problems"].append(f"K={k}: {l.problem}")
                    f = result["figures"]
                    f[f"k{k}_info"] = median_or_none([l.to_info for l in launches])
                    f[f"k{k}_result"] = median_or_none([l.to_result for l in launches])
                    f[f"k{k}_result_worst"] = worst_or_none([l.to_result for l in launches])
                    if k == 4:
                        time.sleep(SETTLE)
                        memory = [tree_memory(l.km.provisioner.process.pid) for l in launches if l.km.has_kernel]
                        f["pss"] = median_or_none([m[0] for m in memory])
                        f["rss"] = median_or_none([m[1] for m in memory])
                finally:
                    for l in launches:
                        stop(l)
                progress(f"K={k} {spec['name']}: median first result {seconds(f[f'k{k}_result'])}, "
                         f"worst {seconds(f[f'k{k}_result_worst'])}")
    finally:
        for launch in list(RUNNING):
            stop(launch)
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        (f"K=1: launch → kernel_info (median of {args.launches})", "k1_info", seconds),
        (f"K=1: launch → first typed result (median of {args.launches})", "k1_result", seconds),
        (f"K=1: launch → first typed result (worst of {args.launches})", "k1_result_worst", seconds),
    ]
    for k in rooms:
        rows += [
            (f"K={k} at once: launch → kernel_info (median)", f"k{k}_info", seconds),
            (f"K={k} at once: launch → first typed result (median)", f"k{k}_result", seconds),
            (f"K={k} at once: launch → first typed result (worst)", f"k{k}_result_worst", seconds),
        ]
    if 4 in rooms:
        rows += [("PSS per warm kernel, four running (median)", "pss", mib),
                 ("RSS per warm kernel, four running (median)", "rss", mib)]
    lines = ["## A room full of learners (kernels launched by jupyter_client, as a server does)", "", *notes]
    for spec in specs:
        lines.append(f"- {spec['name']}: `{' '.join(spec['argv'])}`, first cell `{spec['code']}`")
    lines += ["", *table(results, rows), ""]
    for result in results:
        for problem in result["problems"]:
            lines.append(f"- {result['name']}: {problem}")
    print("\n".join(lines), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
