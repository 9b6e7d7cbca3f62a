#!/usr/bin/python3
"""Standalone server benchmark: zkdash against Apache ZooKeeper 3.8, same run.

Load comes from zkbench (Apache's C client library, pipelined). Prints a
markdown table of ops/s, RSS at 100k and 1M znodes, and restart/recovery
times, plus zkdash/Apache ratios. Loopback only; every server it starts is
stopped before it exits.

usage: scripts/bench/run_bench.py [--ops N] [--window W] [--big N] [--only zkdash|apache]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZKDASH = os.environ.get("ZKDASH_BIN", os.path.join(REPO, ".build", "release", "zkdash"))
APACHE_CP = "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar"
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serving(port, timeout=1.0):
    """True once `srvr` reports a mode: `ruok` answers before the data is loaded."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(b"srvr")
            s.shutdown(socket.SHUT_WR)
            answer = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
            return b"Mode:" in answer
    except OSError:
        return False


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class Server:
    def __init__(self, kind, workdir):
        self.kind = kind
        self.workdir = workdir
        self.port = free_port()
        self.data = os.path.join(workdir, "data")
        os.makedirs(self.data, exist_ok=True)
        self.cfg = os.path.join(workdir, "zoo.cfg")
        with open(self.cfg, "w") as f:
            f.write("tickTime=2000\ndataDir=%s\nclientPort=%d\nclientPortAddress=%s\n"
                    "maxClientCnxns=0\n4lw.commands.whitelist=*\nadmin.enableServer=false\n"
                    % (self.data, self.port, HOST))
        self.proc = None

    def command(self):
        if self.kind == "zkdash":
            return [ZKDASH, "server", "--config", self.cfg, "--log-level", "warning"]
        return ["java", "-Xmx3g", "-Dzookeeper.admin.enableServer=false", "-cp", APACHE_CP,
                "org.apache.zookeeper.server.ZooKeeperServerMain", self.cfg]

    def start(self):
        """Starts and returns seconds until the server serves (srvr shows a mode)."""
        started = time.monotonic()
        log = open(os.path.join(self.workdir, "server.log"), "ab")
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=log)
        deadline = started + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited during start; see %s" % (self.kind, log.name))
            if serving(self.port):
                return time.monotonic() - started
            time.sleep(0.01)
        raise RuntimeError("%s did not start serving in 300 s" % self.kind)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def zkbench(binary, port, count, window, phases):
    out = subprocess.run([binary, "%s:%d" % (HOST, port), str(count), str(window), "100", phases],
                         check=True, capture_output=True, text=True, timeout=1800).stdout
    results = {}
    for line in out.splitlines():
        fields = dict(part.split("=", 1) for part in line.split())
        results[fields["phase"]] = fields
        if int(fields["errors"]) != 0:
            raise RuntimeError("zkbench %s: %s errors" % (fields["phase"], fields["errors"]))
    return results


def measure(kind, zkbench_bin, args):
    workdir = tempfile.mkdtemp(prefix="zkbench-%s-" % kind)
    server = Server(kind, workdir)
    figures = {}
    try:
        figures["first start s"] = server.start()
        ops = zkbench(zkbench_bin, server.port, args.ops, args.window, "create,get,set,delete")
        for phase in ("create", "get", "set", "delete"):
            figures["%s ops/s" % phase] = float(ops[phase]["ops_per_s"])
        zkbench(zkbench_bin, server.port, 100_000, args.window, "fill")
        figures["RSS MB at 100k znodes"] = rss_kb(server.proc.pid) / 1024
        zkbench(zkbench_bin, server.port, args.big, args.window, "fill")
        figures["RSS MB at %s znodes" % human(args.big)] = rss_kb(server.proc.pid) / 1024
        server.stop(signal.SIGKILL)
        figures["recovery s (kill -9, %s znodes)" % human(args.big)] = server.start()
        figures["RSS MB after recovery"] = rss_kb(server.proc.pid) / 1024
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return figures


def human(n):
    return "%dM" % (n // 1_000_000) if n % 1_000_000 == 0 else "%dk" % (n // 1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--window", type=int, default=1000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["zkdash", "apache"])
    args = parser.parse_args()
    zkbench_bin = os.path.join(tempfile.gettempdir(), "zkbench")
    subprocess.run(["gcc", "-O2", "-o", zkbench_bin, os.path.join(REPO, "scripts", "bench", "zkbench.c"),
                    "-lzookeeper_mt", "-lpthread"], check=True)
    kinds = [args.only] if args.only else ["zkdash", "apache"]
    results = {kind: measure(kind, zkbench_bin, args) for kind in kinds}
    keys = list(results[kinds[0]].keys())
    print("| figure | " + " | ".join(kinds) + (" | zkdash / Apache |" if len(kinds) == 2 else " |"))
    print("|---|" + "---|" * len(kinds) + ("---|" if len(kinds) == 2 else ""))
    for key in keys:
        row = [results[k][key] for k in kinds]
        cells = ["%.0f" % v if v >= 100 else "%.2f" % v for v in row]
        ratio = " | %.2f" % (row[0] / row[1]) if len(kinds) == 2 and row[1] else ""
        print("| %s | %s%s |" % (key, " | ".join(cells), ratio))


if __name__ == "__main__":
    sys.exit(main())
