#!/usr/bin/python3
"""Ensemble benchmark: a 3-node zkdash ensemble against a 3-node Apache ZooKeeper
3.8 ensemble (Debian jars), same settings, same load, same run (by hand, not CI).

usage: /usr/bin/python3 scripts/bench/ensemble_bench.py [--repeat 3] [--ops 10000]
           [--long 1000000] [--big 1000000] [--only zkdash|apache] [--quick]
           [--json out.json] [--markdown out.md] [--work-dir DIR]
           [--multi-inflight 13] [--window-ops 50000] [--failovers 3] [--keep]

ZKDASH_BIN selects the zkdash binary (default .build/release/zkdash; build it
with `swift build -c release`). --quick = --ops 2000 --long 100000 --big 100000
--repeat 1 --failovers 1 --window-ops 10000: a few minutes, for development.

Both kinds: 3 voters on 127.0.0.1 (tests/interop/ensemble.py), tickTime 2000,
initLimit 10, syncLimit 5, default snapCount (100000), fsync on every write
(zkdash always; Apache forceSync=yes, its default, also passed explicitly),
dataDir and dataLogDir of every node under one work dir (one filesystem).
Apache runs `java -Xmx3g` with the JVM's default collector (G1 here) and
default JIT, not the small-heap C1-only flags of the test suites.

Load: scripts/bench/zkbench.c (Apache's C client, async, pipelined), 100-byte
znodes, latency per request send -> completion. For each kind, zkdash first:

  start/failover  ensemble A: failover_bench.run: spawn -> first acknowledged
                  write, then --failovers times leader SIGKILL -> new leader and
                  -> first write (old leader restarted in between)
  throughput      ensemble B: a warm-up pass (config c, not reported: JIT and
                  caches), then --repeat rounds, fresh paths each round, of
                    (a) 1 session x 200 in flight on the leader: create,get,set,delete
                    (b) 1 session x 200 in flight on a follower: create,get,set,delete
                    (c) 16 sessions round-robin over the 3 nodes x --multi-inflight
                        each (13: ~200 in flight in total, as in a/b):
                        create,get,set,mixed,delete; mixed = 90 % get / 10 % set
                        on the nodes just created
                    (d) 1 session x 1 in flight on a follower (latency):
                        create,get,set,delete
                  --ops operations per phase; the table shows the median of the
                  rounds, a second table every round (a slowdown as the txn
                  history grows shows there)
  long run        ensemble C (fresh, so the first window starts from an empty
                  history): --long creates in a row, 1 session x 200 in flight
                  on a follower; ops/s per --window-ops completed txns
  memory          ensemble D: VmRSS per node right after start; --big creates
                  (config c sessions); VmRSS once every node holds them;
                  bytes per znode = (RSS big - RSS idle) / big, node average;
                  newest snapshot.<zxid> in the leader's dataDir/version-2
  recovery        ensemble D: kill -9 all three nodes, restart on the same data:
                  -> first acknowledged write, -> every node's srvr shows a Mode;
                  then the snapshot written at that start (all --big znodes)

Prints markdown tables (figure | zkdash | Apache | zkdash/Apache | target) and
the machine; --json keeps every raw figure. Loopback only; every process
started here is stopped on exit, Ctrl-C and exceptions included (ensemble.py
and harness.py register atexit / signal cleanup), and every wait is bounded.
The machine is shared: record its load next to the figures (printed).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "interop"))
sys.path.insert(0, HERE)

# harness.zkdash_bin() defaults to the debug build; a benchmark wants release.
os.environ.setdefault("ZKDASH_BIN", os.path.join(REPO, ".build", "release", "zkdash"))

import harness  # noqa: E402
from ensemble import ApacheEnsemble, ZkdashEnsemble, parse_srvr  # noqa: E402
import failover_bench  # noqa: E402

TICK_MS = 2000
VALUE_BYTES = 100
APACHE_JVM = ["-Xmx3g", "-Djava.net.preferIPv4Stack=true", "-Dzookeeper.forceSync=yes"]
KIND_NAMES = {"zkdash": "zkdash", "apache": "Apache"}
SNAPSHOT_RE = re.compile(r"^snapshot\.([0-9a-fA-F]+)$")

# (name, title, which node(s), sessions, in flight per session (None: --multi-inflight), phases)
CONFIGS = [
    ("a", "1 session × 200 in flight, leader", "leader", 1, 200, "create,get,set,delete"),
    ("b", "1 session × 200 in flight, follower", "follower", 1, 200, "create,get,set,delete"),
    ("c", "16 sessions over all nodes × {mi} in flight each", "all", 16, None, "create,get,set,mixed,delete"),
    ("d", "1 session × 1 in flight, follower (latency)", "follower", 1, 1, "create,get,set,delete"),
]


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# ---------------------------------------------------------------- zkbench

class Zkbench:
    def __init__(self, workdir):
        self.path = os.path.join(workdir, "zkbench")
        subprocess.run(["gcc", "-O2", "-o", self.path, os.path.join(HERE, "zkbench.c"),
                        "-lzookeeper_mt", "-lpthread"], check=True, timeout=120)

    def run(self, hosts, sessions, inflight, count, phases, root, window_ops=50000):
        """{phase: {key: value}} plus 'windows': [ops/s per window]; raises if zkbench fails."""
        nphases = phases.count(",") + 1
        # A floor of 25 ops/s per phase (plus connect time) bounds every run.
        timeout = 300 + nphases * count / 25.0
        cmd = [self.path, "--hosts", ",".join(hosts), "--sessions", str(sessions), "--inflight", str(inflight),
               "--count", str(count), "--value-bytes", str(VALUE_BYTES), "--phases", phases, "--root", root,
               "--window-ops", str(window_ops)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=harness._pdeathsig)
        if proc.returncode != 0:
            raise RuntimeError("zkbench exited %d: %s\n%s" % (proc.returncode, " ".join(cmd), proc.stderr[-2000:]))
        out = {"windows": [], "stderr": proc.stderr.strip()[-2000:]}
        for line in proc.stdout.splitlines():
            fields = dict(part.split("=", 1) for part in line.split())
            if "window" in fields:
                if "partial" not in fields:
                    out["windows"].append(float(fields["ops_per_s"]))
                continue
            phase = fields.pop("phase")
            out[phase] = {k: (float(v) if re.match(r"^-?[0-9.]+$", v) else v) for k, v in fields.items()}
            if out[phase]["errors"]:
                log("  WARNING %s %s: %d errors: %s" % (root, phase, out[phase]["errors"], proc.stderr.strip()[-500:]))
        return out


# ---------------------------------------------------------------- ensembles

def make_ensemble(kind):
    if kind == "zkdash":
        return ZkdashEnsemble(voters=3, tick_ms=TICK_MS)
    return ApacheEnsemble(voters=3, admin=False, tick_ms=TICK_MS, client_in_server_line=True,
                          jvm_flags=APACHE_JVM)


def memory_mb(node):
    """(VmRSS, RssAnon, Pss) in MB, None where unreadable. RSS counts the shared
    code every process maps (zkdash: its binary and the Swift runtime, shared
    by the three nodes); RssAnon is the node's own heap and stacks, Pss charges
    shared pages to the processes that share them."""
    rss = anon = pss = None
    try:
        with open("/proc/%d/status" % node.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024.0
                elif line.startswith("RssAnon:"):
                    anon = int(line.split()[1]) / 1024.0
        with open("/proc/%d/smaps_rollup" % node.proc.pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024.0
    except (OSError, AttributeError):
        pass
    return rss, anon, pss


def record_memory(ens, out, when):
    """Fills out["rss_<when>_mb"], ["anon_<when>_mb"], ["pss_<when>_mb"], one value per node."""
    figures = [memory_mb(n) for n in ens.nodes]
    for index, key in enumerate(("rss", "anon", "pss")):
        out["%s_%s_mb" % (key, when)] = [f[index] for f in figures]


def rss_mb(node):
    return memory_mb(node)[0]


def node_count(node):
    v = parse_srvr(node.srvr(2.0)).get("Node count")
    return int(v) if v else -1


def zxid(node):
    return node.zxid(2.0)


def newest_snapshot(node):
    """(zxid, bytes, name) of the newest snapshot.<zxid> in the node's dataDir/version-2, or None."""
    d = os.path.join(node.data_dir, "version-2")
    best = None
    try:
        for name in os.listdir(d):
            m = SNAPSHOT_RE.match(name)
            if m:
                z = int(m.group(1), 16)
                if best is None or z > best[0]:
                    best = (z, os.path.getsize(os.path.join(d, name)), name)
    except OSError:
        pass
    return best


def poll(pred, limit_s, interval=0.05):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return None


def leader_and_follower(ens):
    leader = ens.wait_for_leader(120)
    followers = sorted((n for n in ens.nodes if n is not leader), key=lambda n: n.sid)
    return leader, followers[0]


# ---------------------------------------------------------------- measurements

def measure_failover(kind, args, bench, out):
    r = failover_bench.run(kind, lambda: make_ensemble(kind), args.failovers)
    out.update({"start_ms": r["start"], "leader_ms": r["leader"], "write_ms": r["write"]})


def measure_throughput(kind, args, bench, out):
    """Rounds of configs a-d on one fresh ensemble (same ensemble every round, fresh paths)."""
    ens = make_ensemble(kind)
    out["rounds"] = []
    try:
        ens.start(timeout=120)
        leader, follower = leader_and_follower(ens)
        log("%s: leader %s, follower %s" % (kind, leader.name, follower.name))
        all_hosts = [n.client_address for n in ens.nodes]
        hosts = {"leader": [leader.client_address], "follower": [follower.client_address], "all": all_hosts}
        log("%s: warm-up (config c, %d ops per phase)" % (kind, args.ops))
        out["warmup"] = bench.run(all_hosts, 16, args.multi_inflight, args.ops, "create,get,set,delete", "/warmup")
        for rnd in range(1, args.repeat + 1):
            figures = {}
            out["rounds"].append(figures)
            for name, _, where, sessions, inflight, phases in CONFIGS:
                inflight = inflight or args.multi_inflight
                try:
                    r = bench.run(hosts[where], sessions, inflight, args.ops, phases, "/r%d%s" % (rnd, name))
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    # A failed or timed-out configuration loses only itself, not the round.
                    log("ERROR %s round %d (%s): %s" % (kind, rnd, name, str(e)[:500]))
                    out.setdefault("errors", []).append("round %d (%s): %s" % (rnd, name, str(e)[:500]))
                    continue
                figures[name] = {p: v for p, v in r.items() if p not in ("windows", "stderr")}
                log("%s round %d (%s): %s" % (kind, rnd, name, "  ".join(
                    "%s %.0f/s p99 %.1fms" % (p, v["ops_per_s"], v["p99_ms"]) for p, v in figures[name].items())))
    finally:
        ens.destroy()


def measure_long(kind, args, bench, out):
    """--long creates in a row on a fresh ensemble (so the first window starts from an empty history)."""
    ens = make_ensemble(kind)
    try:
        ens.start(timeout=120)
        _, follower = leader_and_follower(ens)
        log("%s: long run, %d creates, 1 session x 200 on %s" % (kind, args.long, follower.name))
        r = bench.run([follower.client_address], 1, 200, args.long, "long", "/long", window_ops=args.window_ops)
        log("%s: long windows ops/s: %s" % (kind, " ".join("%.0f" % w for w in r["windows"])))
        out.update({"windows": r["windows"], "phase": r["long"], "window_ops": args.window_ops})
    finally:
        ens.destroy()


def measure_memory_recovery(kind, args, bench, out):
    """RSS idle / at --big znodes, snapshot sizes, kill -9 of all nodes and recovery."""
    ens = make_ensemble(kind)
    try:
        ens.start(timeout=120)
        leader, _ = leader_and_follower(ens)
        record_memory(ens, out, "idle")
        log("%s: RSS idle MB %s (private %s, PSS %s)" % (kind, fmt_list(out["rss_idle_mb"]), fmt_list(out["anon_idle_mb"]),
                                                     fmt_list(out["pss_idle_mb"])))
        z0 = zxid(leader)
        base_count = node_count(leader)
        all_hosts = [n.client_address for n in ens.nodes]
        r = bench.run(all_hosts, 16, args.multi_inflight, args.big, "create", "/fill")
        out["fill"] = r["create"]
        target = base_count + 1 + args.big       # + /fill itself
        if not poll(lambda: all(node_count(n) >= target for n in ens.nodes), 300, 0.5):
            raise RuntimeError("nodes did not reach %d znodes in 300 s: %s" % (
                target, [node_count(n) for n in ens.nodes]))
        record_memory(ens, out, "big")
        out["bytes_per_znode"] = [(b - a) * 1024 * 1024 / args.big
                                  for a, b in zip(out["rss_idle_mb"], out["rss_big_mb"])]
        log("%s: fill %.0f ops/s; RSS at %d znodes MB %s" % (kind, out["fill"]["ops_per_s"], args.big,
                                                            fmt_list(out["rss_big_mb"])))
        z_end = zxid(leader)
        snap = newest_snapshot(leader)
        if snap and z0 is not None and snap[0] > z0 and (snap[0] >> 32) == (z0 >> 32):
            # Same epoch: every txn of the fill after z0 is one create.
            covered = min(args.big, (snap[0] & 0xFFFFFFFF) - (z0 & 0xFFFFFFFF))
            out["snapshot_after_fill"] = {"name": snap[2], "bytes": snap[1], "znodes": covered}
        else:
            out["snapshot_after_fill"] = {"name": snap[2] if snap else None, "bytes": snap[1] if snap else None,
                                          "znodes": 0, "note": "no snapshot written during the fill"}
        log("%s: newest snapshot after fill: %s" % (kind, out["snapshot_after_fill"]))

        # kill -9 every node, restart on the same data.
        for n in ens.nodes:
            n.kill()
        t0 = time.monotonic()
        for n in ens.nodes:
            n.start()
        t_write = t_modes = None
        moded = set()
        deadline = t0 + 600
        while time.monotonic() < deadline and (t_write is None or t_modes is None):
            for n in ens.nodes:
                if n not in moded and n.mode(0.5) in ("leader", "follower"):
                    moded.add(n)
            if t_modes is None and len(moded) == len(ens.nodes):
                t_modes = time.monotonic() - t0
            if t_write is None and failover_bench.try_write(ens.nodes, "/bench-recovery-"):
                t_write = time.monotonic() - t0
            time.sleep(failover_bench.POLL_S)
        if t_write is None or t_modes is None:
            raise RuntimeError("no recovery within 600 s (write %s, modes %s)\n%s" % (t_write, t_modes, ens.describe()))
        out["recovery_write_s"] = t_write
        out["recovery_modes_s"] = t_modes
        log("%s: recovery: first write %.2f s, every node with a Mode %.2f s" % (kind, t_write, t_modes))
        new_leader = ens.wait_for_leader(120)
        # The snapshot each kind writes at start holds all --big znodes (zkdash writes it in the background).
        snap = poll(lambda: (lambda s: s if s and s[0] >= z_end else None)(newest_snapshot(new_leader)), 180, 0.5)
        if snap:
            size0 = None
            while size0 != snap[1]:         # wait until its size is stable (renamed only when complete, but be sure)
                size0 = snap[1]
                time.sleep(0.5)
                snap = newest_snapshot(new_leader)
            out["snapshot_after_restart"] = {"name": snap[2], "bytes": snap[1], "znodes": args.big}
        else:
            out["snapshot_after_restart"] = {"name": None, "bytes": None, "note": "none with zxid >= 0x%x in 180 s" % z_end}
        log("%s: snapshot after restart: %s" % (kind, out["snapshot_after_restart"]))
        poll(lambda: all(node_count(n) >= target for n in ens.nodes), 120, 0.5)
        out["rss_after_recovery_mb"] = [rss_mb(n) for n in ens.nodes]
    finally:
        ens.destroy()


def measure_kind(kind, args, bench, res):
    """Fills res section by section, so an interrupted run still reports what it measured."""
    sections = [("failover", measure_failover), ("throughput", measure_throughput),
                ("long", measure_long if args.long else None), ("memory", measure_memory_recovery)]
    res["loadavg"] = {}
    for name, fn in sections:
        # The machine is shared: the load at each section's start goes into the JSON and the log.
        with open("/proc/loadavg") as f:
            res["loadavg"][name] = f.read().strip()
        log("== %s: %s (loadavg %s)" % (kind, name, res["loadavg"][name]))
        if fn is None:
            continue
        t0 = time.monotonic()
        res[name] = {}
        try:
            fn(kind, args, bench, res[name])
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:
            # One failed section must not lose the others (nor its own figures so far); the report names it.
            log("ERROR %s %s: %s" % (kind, name, e))
            res[name].update({"error": "%s: %s" % (type(e).__name__, e), "traceback": traceback.format_exc()})
        log("== %s: %s done in %.0f s" % (kind, name, time.monotonic() - t0))


# ---------------------------------------------------------------- report

def fmt(v):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) >= 1):
        return "%d" % v
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 1:
        return "%.2f" % v
    return "%.3g" % v


def fmt_list(vs):
    return " / ".join(fmt(v) for v in vs)


def median(vs):
    vs = [v for v in vs if v is not None]
    return statistics.median(vs) if vs else None


def mean(vs):
    vs = [v for v in vs if v is not None]
    return sum(vs) / len(vs) if vs else None


def check(value, target):
    """target: (op, threshold); returns 'met' / 'MISSED' / ''."""
    if value is None or target is None:
        return ""
    op, t = target
    ok = value >= t if op == ">=" else value <= t
    return "met" if ok else "MISSED"


class Table:
    def __init__(self, title, kinds):
        self.title = title
        self.kinds = kinds
        self.rows = []

    def row(self, label, z, a, target=None, ratio="auto", target_on="ratio"):
        """target (op, t) applies to the zkdash/Apache ratio, or to zkdash's own figure (target_on='zkdash').
        ratio: 'auto' = z / a, None = no ratio, or a value computed by the caller."""
        if ratio == "auto":
            ratio = z / a if z is not None and a else None
        tcell = "–"
        if target:
            subject = ratio if target_on == "ratio" else z
            tcell = "%s%s %g %s" % ("zkdash " if target_on == "zkdash" else "", "≥" if target[0] == ">=" else "≤",
                                    target[1], check(subject, target))
        self.rows.append((label, z, a, ratio, tcell.strip()))

    def render(self):
        lines = ["### " + self.title, "", "| figure | zkdash | Apache | zkdash/Apache | target |", "|---|---|---|---|---|"]
        for label, z, a, ratio, tcell in self.rows:
            lines.append("| %s | %s | %s | %s | %s |" % (label, fmt(z), fmt(a), fmt(ratio), tcell))
        return "\n".join(lines) + "\n"


def get(results, kind, *keys):
    v = results.get(kind)
    for k in keys:
        if v is None:
            return None
        if isinstance(v, dict):
            v = v.get(k)
        elif isinstance(v, list) and isinstance(k, int) and k < len(v):
            v = v[k]
        else:
            return None
    return v


def round_values(results, kind, cfg, phase, key):
    rounds = get(results, kind, "throughput", "rounds") or []
    return [r.get(cfg, {}).get(phase, {}).get(key) for r in rounds]


def render(results, meta, args):
    kinds = meta["kinds"]
    out = ["# zkdash vs Apache ZooKeeper: 3-node ensembles", ""]
    out.append("| machine | |")
    out.append("|---|---|")
    for k in ("date", "host", "nproc", "memory", "kernel", "loadavg_start", "loadavg_end", "work_dir_fs",
              "zkdash_bin", "repo_head", "apache", "java", "merged_from"):
        out.append("| %s | %s |" % (k, meta.get(k, "–")))
    out.append("")
    out.append("Settings: 3 voters on 127.0.0.1, tickTime %d, initLimit 10, syncLimit 5, default snapCount, "
               "fsync on (Apache forceSync=yes), %d-byte values, all data on one filesystem; Apache `java %s`. "
               "ops per phase %d, rounds %d, long run %d creates (window %d), fill %d znodes, failovers %d. "
               "The machine's 2 cores are shared with other work (see loadavg): compare ratios more than "
               "absolute figures." % (TICK_MS, VALUE_BYTES, " ".join(APACHE_JVM), args.ops, args.repeat,
                                      args.long, args.window_ops, args.big, args.failovers))
    out.append("")
    for kind in kinds:
        loads = (results.get(kind) or {}).get("loadavg") or {}
        if loads:
            out.append("%s load average (1/5/15 min) at each section's start: %s" % (KIND_NAMES[kind], "; ".join(
                "%s %s" % (k, " ".join(v.split()[:3])) for k, v in loads.items())))
            out.append("")
    for kind in kinds:
        for section, v in results.get(kind, {}).items():
            if isinstance(v, dict) and "error" in v:
                out.append("**%s %s failed**: `%s`" % (KIND_NAMES[kind], section, v["error"].splitlines()[0][:300]))
                out.append("")
        for e in get(results, kind, "throughput", "errors") or []:
            out.append("**%s throughput %s**" % (KIND_NAMES[kind], e.splitlines()[0][:300]))
            out.append("")

    # Throughput and latency, median of rounds, one table per configuration.
    for name, title, _, _, inflight, phases in CONFIGS:
        t = Table("(%s) %s — median of %d round(s)" % (name, title.format(mi=args.multi_inflight), args.repeat), kinds)
        for phase in phases.split(","):
            z = {k: median(round_values(results, "zkdash", name, phase, k)) for k in ("ops_per_s", "p50_ms", "p99_ms", "max_ms", "errors")}
            a = {k: median(round_values(results, "apache", name, phase, k)) for k in ("ops_per_s", "p50_ms", "p99_ms", "max_ms", "errors")}
            t.row("%s ops/s" % phase, z["ops_per_s"], a["ops_per_s"], (">=", 3))
            t.row("%s p50 ms" % phase, z["p50_ms"], a["p50_ms"])
            t.row("%s p99 ms" % phase, z["p99_ms"], a["p99_ms"], ("<=", 0.5))
            t.row("%s max ms" % phase, z["max_ms"], a["max_ms"])
            zerr = sum(v or 0 for v in round_values(results, "zkdash", name, phase, "errors"))
            aerr = sum(v or 0 for v in round_values(results, "apache", name, phase, "errors"))
            if zerr or aerr:
                t.row("%s errors (all rounds)" % phase, zerr, aerr, ratio=None)
        out.append(t.render())

    # Every round, so a slowdown from round to round shows; * marks a round with errors.
    out.append("### ops/s of every round (* = the phase had errors)")
    out.append("")
    out.append("| config / phase | " + " | ".join("zkdash r%d" % i for i in range(1, args.repeat + 1))
               + " | zkdash last/first | " + " | ".join("Apache r%d" % i for i in range(1, args.repeat + 1))
               + " | Apache last/first |")
    out.append("|---|" + "---|" * (2 * args.repeat + 2))

    def cells(kind, name, phase):
        ops = round_values(results, kind, name, phase, "ops_per_s")
        errs = round_values(results, kind, name, phase, "errors")
        text = [fmt(v) + ("*" if e else "") for v, e in zip(ops, errs)]
        text += ["–"] * (args.repeat - len(text))
        trend = ops[-1] / ops[0] if len(ops) > 1 and ops[0] and ops[-1] is not None else None
        return " | ".join(text) + " | " + fmt(trend)
    for name, _, _, _, _, phases in CONFIGS:
        for phase in phases.split(","):
            out.append("| (%s) %s | %s | %s |" % (name, phase, cells("zkdash", name, phase), cells("apache", name, phase)))
    out.append("")
    # Phases with errors or a request slower than 5 s (a stalled connection): listed so they are not missed.
    odd = []
    for kind in kinds:
        for i, rnd in enumerate(get(results, kind, "throughput", "rounds") or [], 1):
            for name, phases in rnd.items():
                for phase, v in phases.items():
                    if v.get("errors") or (v.get("max_ms") or 0) > 5000:
                        odd.append("- %s round %d (%s) %s: %d errors, max %.0f ms, %.0f ops/s" % (
                            KIND_NAMES[kind], i, name, phase, v.get("errors") or 0, v.get("max_ms") or 0,
                            v.get("ops_per_s") or 0))
    if odd:
        out.append("Anomalies (errors, or a request slower than 5 s):")
        out.append("")
        out.extend(odd)
        out.append("")

    # Long run.
    zw = get(results, "zkdash", "long", "windows") or []
    aw = get(results, "apache", "long", "windows") or []
    t = Table("long run: %d creates, 1 session × 200 in flight on a follower, ops/s per %d-txn window"
              % (args.long, args.window_ops), kinds)
    t.row("whole run ops/s", get(results, "zkdash", "long", "phase", "ops_per_s"),
          get(results, "apache", "long", "phase", "ops_per_s"), (">=", 3))
    t.row("p99 ms", get(results, "zkdash", "long", "phase", "p99_ms"),
          get(results, "apache", "long", "phase", "p99_ms"), ("<=", 0.5))
    t.row("first window ops/s", zw[0] if zw else None, aw[0] if aw else None)
    t.row("last window ops/s", zw[-1] if zw else None, aw[-1] if aw else None)
    t.row("min window ops/s", min(zw) if zw else None, min(aw) if aw else None)
    t.row("last / first", zw[-1] / zw[0] if zw else None, aw[-1] / aw[0] if aw else None,
          (">=", 0.8), ratio=None, target_on="zkdash")
    worst = min(z / a for z, a in zip(zw, aw)) if zw and aw else None
    t.row("worst window ratio (min over k of zkdash k / Apache k)", None, None, (">=", 3), ratio=worst)
    out.append(t.render())
    if zw or aw:
        out.append("| window | zkdash ops/s | Apache ops/s | zkdash/Apache |")
        out.append("|---|---|---|---|")
        for i in range(max(len(zw), len(aw))):
            z = zw[i] if i < len(zw) else None
            a = aw[i] if i < len(aw) else None
            out.append("| %d | %s | %s | %s |" % (i + 1, fmt(z), fmt(a), fmt(z / a if z and a else None)))
        out.append("")

    # Memory and snapshots.
    t = Table("memory and snapshot (%d × %d-byte znodes)" % (args.big, VALUE_BYTES), kinds)
    m = lambda k, *keys: get(results, k, "memory", *keys)  # noqa: E731
    t.row("RSS idle MB (node average)", mean(m("zkdash", "rss_idle_mb") or []), mean(m("apache", "rss_idle_mb") or []), ("<=", 0.1))
    t.row("RSS at %d znodes MB (node average)" % args.big, mean(m("zkdash", "rss_big_mb") or []),
          mean(m("apache", "rss_big_mb") or []), ("<=", 0.25))
    t.row("  private (RssAnon) idle MB", mean(m("zkdash", "anon_idle_mb") or []), mean(m("apache", "anon_idle_mb") or []), ("<=", 0.1))
    t.row("  PSS idle MB", mean(m("zkdash", "pss_idle_mb") or []), mean(m("apache", "pss_idle_mb") or []), ("<=", 0.1))
    t.row("  private (RssAnon) at %d znodes MB" % args.big, mean(m("zkdash", "anon_big_mb") or []),
          mean(m("apache", "anon_big_mb") or []), ("<=", 0.25))
    t.row("bytes per znode (RSS big − idle) / big", mean(m("zkdash", "bytes_per_znode") or []),
          mean(m("apache", "bytes_per_znode") or []))
    t.row("RSS after kill -9 recovery MB (node average)", mean(m("zkdash", "rss_after_recovery_mb") or []),
          mean(m("apache", "rss_after_recovery_mb") or []))
    t.row("fill ops/s (16 sessions)", m("zkdash", "fill", "ops_per_s"), m("apache", "fill", "ops_per_s"), (">=", 3))
    # A snapshot from before the fill (znodes 0) says nothing about the fill: shown as –, with a note below.
    zs, as_ = m("zkdash", "snapshot_after_fill") or {}, m("apache", "snapshot_after_fill") or {}
    t.row("newest snapshot after the fill, MB", mb(zs.get("bytes")) if zs.get("znodes") else None,
          mb(as_.get("bytes")) if as_.get("znodes") else None)
    t.row("  znodes of the fill in it", zs.get("znodes"), as_.get("znodes"))
    t.row("  bytes per znode", per(zs.get("bytes"), zs.get("znodes")), per(as_.get("bytes"), as_.get("znodes")), ("<=", 1))
    zs, as_ = m("zkdash", "snapshot_after_restart") or {}, m("apache", "snapshot_after_restart") or {}
    t.row("snapshot written at restart (all %d znodes), MB" % args.big, mb(zs.get("bytes")), mb(as_.get("bytes")), ("<=", 1))
    out.append(t.render())
    for kind in kinds:
        for key in ("snapshot_after_fill", "snapshot_after_restart"):
            note = (m(kind, key) or {}).get("note")
            if note:
                out.append("- %s %s: %s" % (KIND_NAMES[kind], key, note))
    out.append("")
    out.append("Per node (sid 1/2/3): RSS idle MB zkdash %s, Apache %s; RSS big MB zkdash %s, Apache %s" % (
        fmt_list(m("zkdash", "rss_idle_mb") or []), fmt_list(m("apache", "rss_idle_mb") or []),
        fmt_list(m("zkdash", "rss_big_mb") or []), fmt_list(m("apache", "rss_big_mb") or [])))
    out.append("")

    t = Table("recovery: kill -9 all 3 nodes with %d znodes, restart on the same data" % args.big, kinds)
    t.row("→ first acknowledged write, s", m("zkdash", "recovery_write_s"), m("apache", "recovery_write_s"), ("<=", 0.5))
    t.row("→ every node's srvr shows a Mode, s", m("zkdash", "recovery_modes_s"), m("apache", "recovery_modes_s"), ("<=", 0.5))
    out.append(t.render())

    f = lambda k, key: get(results, k, "failover", key)  # noqa: E731
    t = Table("start and failover (failover_bench.py's measurements), ms; failovers: median of %d" % args.failovers, kinds)
    t.row("spawn → first acknowledged write (fresh ensemble)", f("zkdash", "start_ms"), f("apache", "start_ms"))
    t.row("leader SIGKILL → new leader", median(f("zkdash", "leader_ms") or []), median(f("apache", "leader_ms") or []))
    t.row("leader SIGKILL → first acknowledged write", median(f("zkdash", "write_ms") or []), median(f("apache", "write_ms") or []))
    out.append(t.render())
    return "\n".join(out)


def mb(b):
    return b / 1024.0 / 1024.0 if b is not None else None


def per(b, n):
    return b / n if b is not None and n else None


# ---------------------------------------------------------------- machine

def sh(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (p.stdout + p.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return "(%s)" % e


def machine_info(workdir):
    with open("/proc/meminfo") as f:
        mem = next((l.split(":", 1)[1].strip() for l in f if l.startswith("MemTotal")), "?")
    with open("/proc/loadavg") as f:
        load = f.read().strip()
    # Debian ships zookeeper.jar plus a versioned symlink zookeeper-3.8.0.jar to it.
    jars = sorted(n for n in os.listdir("/usr/share/java") if re.match(r"^zookeeper-[0-9][0-9.]*\.jar$", n))
    jar = jars[-1] if jars else "zookeeper.jar"
    commit = sh(["git", "-C", REPO, "log", "-1", "--format=%h %cd %s", "--date=iso"])
    dirty = sh(["git", "-C", REPO, "status", "--porcelain", "--", "Sources", "Package.swift"])
    zbin = harness.zkdash_bin()
    try:
        zbin_desc = "%s (built %s)" % (zbin, datetime.datetime.fromtimestamp(os.path.getmtime(zbin)).isoformat(timespec="seconds"))
    except OSError:
        zbin_desc = "%s (missing)" % zbin
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": platform.node(),
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "kernel": platform.release(),
        "loadavg_start": load,
        "work_dir_fs": sh(["df", "--output=source,fstype,target", workdir]).splitlines()[-1],
        "zkdash_bin": zbin_desc,
        # The work tree's HEAD: ZKDASH_BIN may have been built from another state (compare its build time).
        "repo_head": commit[:120] + (" (Sources modified in the work tree)" if dirty else ""),
        "apache": "%s (%s)" % (re.sub(r"^zookeeper-|\.jar$", "", jar), jar),
        "java": sh([harness.JAVA, "-version"]).splitlines()[0],
    }


def report_from(args):
    """Merges saved runs and renders them as one report (same settings assumed:
    the first file's arguments are used; each file's machine header is kept)."""
    results, meta, saved_args, notes = {}, None, None, []
    for path in args.report_from:
        with open(path) as f:
            saved = json.load(f)
        for kind, figures in saved["results"].items():
            results[kind] = figures
            notes.append("%s from %s (zkdash %s, started %s)" % (
                kind, os.path.basename(path), saved["meta"].get("zkdash_commit", "?"), saved["meta"].get("date", "?")))
        meta = meta or saved["meta"]
        saved_args = saved_args or saved["args"]
    meta = dict(meta)
    meta["kinds"] = [k for k in ("zkdash", "apache") if k in results]
    meta["merged_from"] = "; ".join(notes)
    report = render(results, meta, argparse.Namespace(**saved_args))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report + "\n")
    print(report)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ops", type=int, default=10000, help="operations per phase per round")
    parser.add_argument("--long", type=int, default=1000000, help="creates in the long run (0: skip)")
    parser.add_argument("--big", type=int, default=1000000, help="znodes for RSS / snapshot / recovery")
    parser.add_argument("--window-ops", type=int, default=50000, help="txns per long-run window")
    parser.add_argument("--multi-inflight", type=int, default=13, help="in flight per session of the 16-session load")
    parser.add_argument("--failovers", type=int, default=3)
    parser.add_argument("--only", choices=["zkdash", "apache"])
    parser.add_argument("--quick", action="store_true", help="ops 2000, long 100000, big 100000, repeat 1, failovers 1")
    parser.add_argument("--json")
    parser.add_argument("--markdown")
    parser.add_argument("--work-dir", help="parent of the data dirs (default: the system temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the data dirs (ZK_KEEP_TMP=1)")
    parser.add_argument("--report-from", nargs="+", metavar="JSON",
                        help="measure nothing: render the report from --json files of earlier runs (a kind "
                             "in a later file replaces the same kind of an earlier one; e.g. a zkdash-only "
                             "rerun merged with a run of both)")
    args = parser.parse_args()
    if args.report_from:
        report_from(args)
        return
    if args.quick:
        args.ops, args.long, args.big, args.repeat, args.failovers = 2000, 100000, 100000, 1, 1
        args.window_ops = min(args.window_ops, 10000)
    if args.keep:
        os.environ["ZK_KEEP_TMP"] = "1"
    harness.install_signal_handlers()
    kinds = [args.only] if args.only else ["zkdash", "apache"]
    if "zkdash" in kinds and not os.access(harness.zkdash_bin(), os.X_OK):
        sys.exit("zkdash binary not found: %s (swift build -c release, or set ZKDASH_BIN)" % harness.zkdash_bin())

    # Every node's temp dir (ensemble.py uses tempfile.mkdtemp) goes under one work dir: one filesystem.
    workdir = tempfile.mkdtemp(prefix="ensemble-bench-", dir=args.work_dir)
    tempfile.tempdir = workdir
    results = {}
    meta = {}
    try:
        bench = Zkbench(workdir)
        meta = machine_info(workdir)
        meta["kinds"] = kinds
        log("work dir %s, zkdash %s" % (workdir, meta["zkdash_bin"]))
        for kind in kinds:
            results[kind] = {}
            measure_kind(kind, args, bench, results[kind])
        with open("/proc/loadavg") as f:
            meta["loadavg_end"] = f.read().strip()
    finally:
        try:
            report = render(results, meta, args) if meta else ""
        except Exception:
            report = "(report failed)\n" + traceback.format_exc()
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"meta": meta, "args": vars(args), "results": results}, f, indent=1)
        if args.markdown and report:
            with open(args.markdown, "w") as f:
                f.write(report + "\n")
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        print()
        print(report, flush=True)      # also what was measured before a Ctrl-C or an error


if __name__ == "__main__":
    main()
