#!/usr/bin/python3
"""Failover benchmark: zkdash ensemble vs Apache ZooKeeper 3.8, same tickTime, same run
(run by hand, not in CI).

usage: /usr/bin/python3 scripts/bench/failover_bench.py [--rounds 5] [--tick-ms 2000]
           [--voters 3] [--skip-apache]

For each implementation (3 voters on loopback, tickTime --tick-ms, initLimit 10,
syncLimit 5, whitelist *):

  start       spawn all nodes -> first acknowledged write (a raw-protocol client
              retries `create` on every node, each attempt on a fresh connection,
              so no client backoff is measured)
  failover    repeated --rounds times: SIGKILL the leader, then
                -> new leader: first moment a survivor answers srvr `Mode: leader`
                   (polled every 5 ms)
                -> first write: first create acknowledged by any survivor (same
                   raw client, attempts every 5 ms)
              then the old leader is restarted and the ensemble settles again.

  demo        `zkdash demo --headless` (3 voters, its own tickTime 500 ms) spawned ->
              first acknowledged write on any of its nodes, --rounds times

Prints a markdown table of medians (and min/max) plus the zkdash/Apache ratio.
ZKDASH_BIN selects the binary (use a release build: `swift build -c release
-Xswiftc -static-stdlib`, ZKDASH_BIN=.build/release/zkdash).  Everything binds
127.0.0.1; every process started here is stopped on exit.
"""

import argparse
import os
import subprocess
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "interop"))

import harness  # noqa: E402
from ensemble import ApacheEnsemble, ZkdashEnsemble  # noqa: E402
from zkwire import RawClient  # noqa: E402

POLL_S = 0.005


def is_leader(node):
    """srvr on a fresh connection with a short deadline: Mode: leader?"""
    return "Mode: leader" in (harness.four_letter(node.client_port, "srvr", timeout=0.5) or "")


def try_write(nodes, path):
    """One create attempt per live node on a fresh connection; True once one is acknowledged."""
    for node in nodes:
        if not node.alive():
            continue
        client = RawClient(harness.LOOPBACK, node.client_port, timeout=0.5)
        try:
            client.connect(timeout_ms=6000)
            err, _ = client.create(path, b"x", flags=2)  # sequential: every attempt is a new znode
            if err == "OK":
                return True
        except Exception:
            pass
        finally:
            try:
                client.close_socket()
            except Exception:
                pass
    return False


def wait_for(pred, limit_s):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(POLL_S)
    return False


def measure_start(ens):
    t0 = time.monotonic()
    for node in ens.nodes:
        node.start()
    if not wait_for(lambda: try_write(ens.nodes, "/bench-start-"), 120):
        raise RuntimeError("no write accepted within 120 s:\n" + ens.describe())
    elapsed = time.monotonic() - t0
    ens.wait_for_leader(60)
    return elapsed * 1000


def measure_failover(ens):
    leader = ens.leader()
    if leader is None:
        ens.wait_for_leader(60)
        leader = ens.leader()
    survivors = [n for n in ens.nodes if n is not leader]
    leader.kill()
    t0 = time.monotonic()
    if not wait_for(lambda: any(is_leader(n) for n in survivors), 120):
        raise RuntimeError("no new leader within 120 s:\n" + ens.describe())
    t_leader = time.monotonic() - t0
    if not wait_for(lambda: try_write(survivors, "/bench-failover-"), 120):
        raise RuntimeError("no write after failover within 120 s:\n" + ens.describe())
    t_write = time.monotonic() - t0
    leader.start()
    ens.wait_for_leader(120)
    wait_for(lambda: all(n.mode() in ("leader", "follower") for n in ens.nodes), 60)
    return t_leader * 1000, t_write * 1000


class _Node:
    def __init__(self, port):
        self.client_port = port

    def alive(self):
        return True


def measure_demo(rounds):
    """ms from spawning `zkdash demo --headless` to the first acknowledged write."""
    figures = []
    for _ in range(rounds):
        base = harness.free_port()
        while not all(harness._port_free(base + d) for d in (1, 2, 3, 701, 702, 703, 1701, 1702, 1703)):
            base = harness.free_port()
        nodes = [_Node(base + i) for i in (1, 2, 3)]
        t0 = time.monotonic()
        proc = subprocess.Popen([harness.zkdash_bin(), "demo", "--headless", "--base-port", str(base)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=harness._pdeathsig)
        try:
            if not wait_for(lambda: try_write(nodes, "/bench-demo-"), 60):
                raise RuntimeError("demo accepted no write within 60 s")
            figures.append((time.monotonic() - t0) * 1000)
            print("  demo: first write %.0f ms" % figures[-1], flush=True)
        finally:
            harness.stop_process(proc, 10)
    return figures


def run(name, factory, rounds):
    ens = factory()
    try:
        start_ms = measure_start(ens)
        leaders, writes = [], []
        for _ in range(rounds):
            to_leader, to_write = measure_failover(ens)
            leaders.append(to_leader)
            writes.append(to_write)
            print("  %s: new leader %.0f ms, first write %.0f ms" % (name, to_leader, to_write), flush=True)
        return {"start": start_ms, "leader": leaders, "write": writes}
    finally:
        ens.destroy()


def spread(values):
    return "%.0f (%.0f–%.0f)" % (statistics.median(values), min(values), max(values))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tick-ms", type=int, default=2000)
    parser.add_argument("--voters", type=int, default=3)
    parser.add_argument("--skip-apache", action="store_true")
    args = parser.parse_args()
    harness.install_signal_handlers()
    results = {}
    print("zkdash: %s" % harness.zkdash_bin(), flush=True)
    results["zkdash"] = run("zkdash", lambda: ZkdashEnsemble(voters=args.voters, tick_ms=args.tick_ms), args.rounds)
    demo = measure_demo(args.rounds)
    if not args.skip_apache:
        results["apache"] = run("apache", lambda: ApacheEnsemble(voters=args.voters, admin=False, tick_ms=args.tick_ms,
                                                               client_in_server_line=True), args.rounds)
    print()
    print("%d voters, tickTime %d ms, %d failovers each; median (min–max) ms" % (args.voters, args.tick_ms, args.rounds))
    print()
    print("| figure | zkdash | Apache 3.8 | zkdash / Apache |")
    print("|---|---|---|---|")
    z = results["zkdash"]
    a = results.get("apache")
    rows = [
        ("start → first acknowledged write", [z["start"]], [a["start"]] if a else None),
        ("leader SIGKILL → new leader", z["leader"], a["leader"] if a else None),
        ("leader SIGKILL → first acknowledged write", z["write"], a["write"] if a else None),
    ]
    rows.append(("`zkdash demo` spawn → first acknowledged write", demo, None))
    for label, zv, av in rows:
        ratio = "%.2f" % (statistics.median(zv) / statistics.median(av)) if av else "–"
        print("| %s | %s | %s | %s |" % (label, spread(zv), spread(av) if av else "–", ratio))


if __name__ == "__main__":
    main()
