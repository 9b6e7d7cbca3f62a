#!/usr/bin/python3
"""Dashboard memory benchmark (run by hand, not in CI): RSS of `zkdash monitor`
after browsing a znode with 100,000 children.

usage: ZKDASH_BIN=$PWD/.build/release/zkdash /usr/bin/python3 scripts/bench/dashboard_bench.py [--children 100000]

Starts a zkdash server on 127.0.0.1, creates /big with N children (kazoo,
transactions of 1,000), opens `zkdash monitor` on it in a 160x45 tmux pane,
goes to the Tree view, expands /big, pages through it (PgDn x20, G, g), waits
5 s and reads VmRSS / VmHWM of the monitor process. Prints a markdown table.
Everything binds 127.0.0.1; the server, tmux and the monitor are stopped on exit.
"""

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "interop"))
import harness  # noqa: E402
from kazoo.client import KazooClient  # noqa: E402

SOCKET = "zkdash-bench-%d" % os.getpid()


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCKET] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=10).stdout.decode("utf-8", "replace")


def screen():
    return tmux("capture-pane", "-p", "-t", "bench")


def wait_text(text, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in screen():
            return True
        time.sleep(0.1)
    raise SystemExit("timed out waiting for %r; screen:\n%s" % (text, screen()))


def memory(pid):
    figures = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                figures[key] = int(value.split()[0]) / 1024.0
    return figures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--children", type=int, default=100_000)
    args = ap.parse_args()
    server = harness.ZkServer("zkdash", whitelist="*")
    server.start()
    try:
        zk = KazooClient(hosts="127.0.0.1:%d" % server.port)
        zk.start()
        zk.create("/big", b"")
        started = time.time()
        for base in range(0, args.children, 1000):
            tx = zk.transaction()
            for i in range(base, min(base + 1000, args.children)):
                tx.create("/big/child-%06d" % i, b"x" * 16)
            tx.commit()
        print("created %d children in %.1fs" % (args.children, time.time() - started), file=sys.stderr)
        zk.stop()
        env = "env LANG=C.UTF-8 TERM=xterm-256color"
        tmux("new-session", "-d", "-s", "bench", "-x", "160", "-y", "45",
             "%s %s monitor --servers 127.0.0.1:%d --no-admin" % (env, harness.zkdash_bin(), server.port))
        wait_text("1 Ensemble")
        pid = int(tmux("display-message", "-p", "-t", "bench", "#{pane_pid}").strip())
        time.sleep(2)
        before = memory(pid)
        tmux("send-keys", "-t", "bench", "2")
        wait_text("big")
        # Rows: / , big, zookeeper -> select big and expand it.
        tmux("send-keys", "-t", "bench", "j")
        time.sleep(0.3)
        tmux("send-keys", "-t", "bench", "Enter")
        wait_text("child-000000")
        for _ in range(20):
            tmux("send-keys", "-t", "bench", "PageDown")
            time.sleep(0.1)
        tmux("send-keys", "-t", "bench", "G")
        wait_text("child-%06d" % (args.children - 1))
        tmux("send-keys", "-t", "bench", "g")
        time.sleep(5)
        after = memory(pid)
        print("| measure | MB |\n| --- | --- |")
        print("| VmRSS before opening the tree (polling 1 node) | %.1f |" % before["VmRSS"])
        print("| VmRSS after browsing /big (%d children) | %.1f |" % (args.children, after["VmRSS"]))
        print("| VmHWM (peak) | %.1f |" % after["VmHWM"])
        print("| of which heap (RssAnon) before / after | %.1f / %.1f |" % (before["RssAnon"], after["RssAnon"]))
        print("| of which mapped files (RssFile: binary, Swift runtime, Foundation) before / after | %.1f / %.1f |"
              % (before["RssFile"], after["RssFile"]))
        tmux("send-keys", "-t", "bench", "q")
        time.sleep(0.5)
    finally:
        tmux("kill-server")
        try:
            os.unlink("/tmp/tmux-%d/%s" % (os.getuid(), SOCKET))
        except OSError:
            pass
        server.stop()


if __name__ == "__main__":
    main()
