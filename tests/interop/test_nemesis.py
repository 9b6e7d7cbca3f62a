"""Nemesis and linearizability on real processes (suite `nemesis`, issue 14 item 2).

Several kazoo clients (threads; each its own session, 4 s session timeout, connected to a random
subset of the ensemble's nodes) run four workloads while a nemesis driven by random.Random(seed)
kills -9, restarts, and pauses (SIGSTOP, SIGCONT 1-5 s later) leaders and followers and partitions
the network (2-6 s, then healed) -- keeping a majority up and connected most of the time, losing
quorum briefly now and then:

(a) registers   /reg/<k>: read (sync + get -> value, version), blind write (set, version -1),
                compare-and-set (set with the version of the client's last read of that register,
                sometimes a stale one); every operation is recorded with time.monotonic() at
                invoke and at completion and its outcome: ok, fail (definite: BadVersion, NoNode)
                or info (indeterminate: ConnectionLoss, timeout, session expired -- it may have
                taken effect at any time after its invoke, or never).  Every written value is
                unique.
(b) sequential  create /seq/n- (sequence flag) with a unique id as data.
(c) ephemerals  a client connected through LoopbackProxy's (one per chosen node) creates 1-3
                ephemerals under /eph, then is killed: its proxies are cut (the client can reach
                no server any more) and it is stopped without a close, so the session is
                abandoned and must expire on its own.
(d) no acknowledged write lost: the final state is read on every node after healing.

After the nemesis time every partition is healed, every node resumed / restarted, a leader
awaited, the workers go on for a few seconds (liveness), every session is closed, and the final
state is read from each node (sync, then get of every register, /seq and /eph with data).

Checks (pure functions over the recorded History, so they can be re-run on a saved file):

1. linearizable  every register's history (with one final read after healing as a definite
                 read) is linearizable for a (value, version) register: Wing & Gong / Lowe search
                 with memoization of (linearized set, state); info reads are dropped, info
                 writes / CAS may take effect at any point after their invoke or never.  A
                 lost acknowledged write shows here (the final read cannot be explained).  On a
                 violation the smallest failing prefix is shrunk to a minimal anomalous
                 sub-history.
2. acked         every acknowledged sequential create exists at the end with its own data;
                 nothing appears that no client issued.
3. sequential    acknowledged names are unique; per session names increase in issue order; a
                 create acknowledged before another was invoked got the smaller number (a found
                 indeterminate create included).
4. ephemerals    every ephemeral of a killed session is gone on every node by
                 max(kill, heal) + session timeout + slack, and stays gone.
5. replicas      after healing, every node (each read by its own client after sync) holds the
                 same registers (value, version), /seq children and data, /eph children.
6. recovered     after healing every worker completes an operation (the ensemble serves again).

Configs: zkdash3 and zkdash5 (`zkdash server` quorums, tickTime 200) -- failing checks;
apache3 (Debian Apache ZooKeeper 3.8.0, tickTime 500) -- the same workload for comparison: its
anomalies are recorded and printed as figures, not failures (3.8.0 has ZOOKEEPER-4643).

Partitions (PeerNetwork), on 127.0.0.1 only, without namespaces or firewall rules: every node has
its own zoo.cfg.  Its own server.N line names the ports it binds; the line of every other member M
names node N's proxies to M: one LoopbackProxy per directed pair and peer port, P(N->M) on the
quorum port and on the election port, forwarding to M's real ports.  Quorum connections go learner
-> leader and election connections are opened by either side, so cutting P(N->M) and P(M->N) on
both ports separates N and M both ways.  Apache's election greeting names the sender's own
election address and a receiver with the higher sid connects back to it: the election proxies
rewrite that address to the receiver's proxy to the sender, so no peer connection bypasses the
proxies.  Apache 3.8 takes the differing server lines: with reconfigEnabled=false (the default) it
neither adopts the leader's view nor stores it ("Dynamic reconfig is disabled, we don't store the
last seen config").  Client ports stay direct: a client can still reach a node that is cut off,
which must then stop serving (checks 1 and 2 catch a partitioned old leader that still acks).
Shapes: the leader or a follower cut off from every other node; a 2 | 3 split of 5 nodes (the
leader on the small side half the time); one link leader -/- follower (both still reach the rest;
with 3 nodes `split` is a link).  Each cut either refuses (open connections closed on both halves,
new ones refused: a partition once TCP has given up) or black-holes (connections stay open and
carry nothing, new ones are accepted and never forwarded; at heal the held-up bytes flow on, like
TCP after a short partition).  Steps, by weight: kill leader 2, kill follower 2, pause leader 2,
pause follower 2, quorum loss 1, quiet 1, partition leader 2, follower 1, split 1, link 1; before a
kill, pause or partition, killed nodes are restarted until the cut-off side plus the killed nodes
are at most a minority.  Every partition is healed at its end and again before the final reads.

Tests: NemesisRuns.test_<config>_<check>; a config's seeds run once, on its first test.
SelfTest feeds every check fabricated good and bad inputs (stale read, lost write, fork,
concurrent writes in either order, duplicate / decreasing sequence names, a surviving ephemeral,
diverged replicas), and checks the partition plumbing: the election greeting rewrite, each node's
proxied view, a proxy's refuse / black hole / restore on real loopback sockets, partition counts.

Env: NEMESIS_SEED (one seed per selected config), NEMESIS_SEEDS=N (N seeds per config: random,
or NEMESIS_SEED, NEMESIS_SEED+1, ...), NEMESIS_SECONDS (nemesis time per run, default 50),
NEMESIS_KEEP=1 (save every run's history; a failing or anomalous run is always saved).
Replay: `NEMESIS_SEED=S /usr/bin/python3 tests/interop/run.py nemesis -k zkdash3`.
Re-check a saved history: `/usr/bin/python3 tests/interop/test_nemesis.py /tmp/nemesis-....json`.
"""

import datetime
import json
import os
import random
import re
import shutil
import struct
import sys
import tempfile
import threading
import time
import traceback
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import harness  # noqa: E402
from harness import LOOPBACK, LoopbackProxy, wait_until, zkdash_bin  # noqa: E402
from ensemble import APACHE_JVM_FLAGS, ApacheEnsemble, ApacheNode, ZkdashEnsemble, ZkdashNode  # noqa: E402

SESSION_TIMEOUT = 4.0
EPH_SLACK = SESSION_TIMEOUT + 4.0        # an abandoned session's ephemerals are gone by then
OP_TIMEOUT = 6.0                         # client-side bound of one operation (then: info)
POST_HEAL_S = 3.0                        # workers go on this long after healing
RECOVER_BOUND = 20.0                     # every worker completes an op within this after healing
PACE = (0.03, 0.09)                      # a worker's pause between operations
SEQ_SHARE = 0.25                         # share of a worker's operations that are sequential creates
WORKERS = 4
DEFAULT_SECONDS = 50.0
INIT = "init"
SEQ_RE = re.compile(r"^n-(\d{10})$")
LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?([+-]\d{4}|Z)?")

CI_SEEDS = {"zkdash3": [4113], "zkdash5": [4117], "apache3": [4119]}
CONFIGS = {
    "zkdash3": dict(kind="zkdash", voters=3),
    "zkdash5": dict(kind="zkdash", voters=5),
    "apache3": dict(kind="apache", voters=3),
}
# Apache's slf4j-simple log lines carry no time unless told: needed to show log lines around an anomaly.
APACHE_FLAGS = APACHE_JVM_FLAGS + ["-Dorg.slf4j.simpleLogger.showDateTime=true",
                                   "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                                   "-Duser.timezone=UTC"]

CHECKS = ["1_linearizable", "2_acked", "3_sequential", "4_ephemerals", "5_replicas", "6_recovered"]


def seconds_default():
    return float(os.environ.get("NEMESIS_SECONDS", DEFAULT_SECONDS))


def registers_for(seconds):
    """Enough registers to keep each history at a few hundred operations."""
    return max(6, int(round(seconds / 5.0)))


# ---------------------------------------------------------------- history

class History:
    """Everything one run recorded.  Times are time.monotonic(); wall = t + wall_offset."""

    def __init__(self, config="", seed=None, seconds=0.0, voters=3, registers=4):
        self.config, self.seed, self.seconds, self.voters = config, seed, seconds, voters
        self.registers = ["/reg/%d" % k for k in range(registers)]
        self.wall_offset = time.time() - time.monotonic()
        self.t0 = time.monotonic()
        self.ops = []            # register ops: dicts (see Worker.reg_op)
        self.creates = []        # sequential creates
        self.eph = []            # ephemeral sessions: {"session", "kill", "names": [[name, status]]}
        self.faults = []         # {"t", "kind", "sid", "role", "note"}
        self.heal = None         # time the healed ensemble had a leader
        self.post = {}           # worker -> first ok completion after heal
        self.final = {}          # sid -> {"regs": {path: [value, version]}, "seq": {name: data}, "eph": [names]}
        self.final_ref = None    # sid of the node the final register reads come from
        self.eph_polls = []      # [t, sid, [names]]
        self.notes = []
        self.logs = {}           # sid -> server.log path (copied on failure)
        self.error = None        # the run did not complete: text
        self._lock = threading.Lock()
        self._n = 0

    def next_id(self):
        with self._lock:
            self._n += 1
            return self._n

    def add(self, kind, item):
        with self._lock:
            getattr(self, kind).append(item)

    def fault(self, kind, sid=None, role=None, note="", **extra):
        f = {"t": time.monotonic(), "kind": kind, "sid": sid, "role": role, "note": note}
        f.update(extra)
        self.add("faults", f)

    def rel(self, t):
        return "-" if t is None else "+%.3f" % (t - self.t0)

    def wall(self, t):
        return datetime.datetime.fromtimestamp(t + self.wall_offset, datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3]

    def replay(self):
        env = "NEMESIS_SEED=%s NEMESIS_SECONDS=%g" % (self.seed, self.seconds)
        return "%s ZKDASH_BIN=%s /usr/bin/python3 tests/interop/run.py nemesis -k %s" % (env, zkdash_bin(), self.config)

    def label(self):
        return "seed %s, config %s" % (self.seed, self.config)

    def to_json(self):
        d = {k: getattr(self, k) for k in ("config", "seed", "seconds", "voters", "registers", "wall_offset", "t0",
                                           "ops", "creates", "eph", "faults", "heal", "post", "final_ref",
                                           "eph_polls", "notes", "logs", "error")}
        d["final"] = {str(k): v for k, v in self.final.items()}
        return d

    @classmethod
    def from_json(cls, d):
        h = cls(d["config"], d["seed"], d["seconds"], d["voters"], len(d["registers"]))
        for k, v in d.items():
            if k == "final":
                h.final = {int(s): x for s, x in v.items()}
            elif k == "post":
                h.post = {int(s): x for s, x in v.items()}
            else:
                setattr(h, k, v)
        return h


def write_history(h):
    fd, path = tempfile.mkstemp(prefix="nemesis-%s-%s-" % (h.config, h.seed), suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(h.to_json(), f)
    return path


def load_history(path):
    with open(path) as f:
        return History.from_json(json.load(f))


# ---------------------------------------------------------------- linearizability (registers)

def reg_step(state, op):
    """The model: a register holding (value, version).  Returns the state after op, or None when op
    cannot take effect in `state`.  An info op is only ever asked to take effect (skipping it is
    the search's other choice)."""
    value, version = state
    kind, status = op["kind"], op["status"]
    if status == "fail" and op.get("error") not in ("BadVersionError",):
        return None                                  # NoNode etc.: the register always exists
    if kind == "read":
        r = op.get("result")
        return state if status == "ok" and r is not None and r[0] == value and r[1] == version else None
    if kind == "write":
        if status == "fail":
            return None                              # a blind write cannot fail on version
        if status == "ok" and op.get("result") is not None and op["result"] != version + 1:
            return None
        return (op["value"], version + 1)
    if kind == "cas":
        if status == "fail":
            return state if version != op["expect"] else None
        if version != op["expect"]:
            return None
        if status == "ok" and op.get("result") is not None and op["result"] != version + 1:
            return None
        return (op["value"], version + 1)
    return None


class LinResult:
    def __init__(self, ok, steps, stuck=None, inconclusive=False, best=0, total=0):
        self.ok, self.steps, self.stuck, self.inconclusive = ok, steps, stuck, inconclusive
        self.best, self.total = best, total


def version_claims(ops):
    """{version: {op index}}: which write produced each version, as far as the history says -- an ok
    write / CAS by the version it returned, any write whose (unique) value a read returned by
    that read's version.  Each version has exactly one writer in any linearization."""
    writer = {o["value"]: i for i, o in enumerate(ops) if o["kind"] in ("write", "cas")}
    claims = {}
    for i, o in enumerate(ops):
        if o["kind"] in ("write", "cas") and o["status"] == "ok" and o.get("result") is not None:
            claims.setdefault(o["result"], set()).add(i)
        elif o["kind"] == "read" and o["status"] == "ok" and o.get("result") and o["result"][0] in writer:
            claims.setdefault(o["result"][1], set()).add(writer[o["result"][0]])
    return claims


def check_linearizable(ops, init=(INIT, 0), max_steps=3_000_000):
    """Lowe's just-in-time linearization (Wing & Gong with a cache of (linearized set, state)).

    ops: dicts with kind (read | write | cas), status (ok | fail | info), invoke, complete (None
    for info), value / expect / result.  Info reads are dropped (no effect); info writes and CAS
    have no return: they may be linearized anywhere after their invoke, or never.

    Two sound prunings keep indeterminate ops from exploding the search: (1) an info write / CAS
    may become version v+1 only if the history names no other writer of v+1 (version_claims); (2)
    unobserved info ops (no read returns their value) whose effect only fills a version gap are
    interchangeable once invoked -- blind writes all alike, CAS alike per expected version -- so
    at each point only the first of each kind is tried."""
    ops = [o for o in ops if not (o["status"] == "info" and o["kind"] == "read")]
    claims = version_claims(ops)
    observed = set().union(*claims.values()) if claims else set()
    ev = []
    for i, o in enumerate(ops):
        ev.append((o["invoke"], 0, i))
        if o["status"] != "info":
            ev.append((o["complete"], 1, i))
    ev.sort()                                        # at equal times calls come first (concurrent)
    m = len(ev)
    nxt = list(range(1, m + 1)) + [-1]
    nxt[m] = -1
    prv = [-1] + list(range(0, m))
    kind = [None] + [e[1] for e in ev]
    opi = [None] + [e[2] for e in ev]
    call_pos = [-1] * len(ops)
    ret_pos = [-1] * len(ops)
    for p in range(1, m + 1):
        if kind[p] == 0:
            call_pos[opi[p]] = p
        else:
            ret_pos[opi[p]] = p
    info_class = [None] * len(ops)
    for i, o in enumerate(ops):
        if o["status"] == "info" and i not in observed:
            info_class[i] = ("w",) if o["kind"] == "write" else ("cas", o.get("expect"))

    def remove(p):
        nxt[prv[p]] = nxt[p]
        if nxt[p] != -1:
            prv[nxt[p]] = prv[p]

    def reinsert(p):
        nxt[prv[p]] = p
        if nxt[p] != -1:
            prv[nxt[p]] = p

    need = sum(1 for o in ops if o["status"] != "info")
    done, lin, state, stack, cache, steps, best, stuck = 0, 0, tuple(init), [], set(), 0, 0, None
    tried = set()
    p = nxt[0]
    while True:
        if done == need:
            return LinResult(True, steps, best=need, total=need)
        steps += 1
        if steps > max_steps:
            return LinResult(False, steps, stuck, inconclusive=True, best=best, total=need)
        if p != -1 and kind[p] == 0:
            i = opi[p]
            o = ops[i]
            allowed = True
            if o["status"] == "info":
                c = claims.get(state[1] + 1)
                if c:
                    allowed = i in c
                elif i in observed:
                    allowed = False
                elif info_class[i] in tried:
                    allowed = False
                else:
                    tried.add(info_class[i])
            new = reg_step(state, o) if allowed else None
            if new is not None:
                nl = lin | (1 << i)
                key = (nl, new)
                if key not in cache:
                    cache.add(key)
                    stack.append((i, state, tried))
                    lin, state, tried = nl, new, set()
                    if ret_pos[i] != -1:
                        done += 1
                    remove(call_pos[i])
                    if ret_pos[i] != -1:
                        remove(ret_pos[i])
                    p = nxt[0]
                    continue
            p = nxt[p]
            continue
        # a return whose op is not linearized yet (or the end): backtrack
        if done >= best and p != -1:
            best, stuck = done, ops[opi[p]]
        if not stack:
            return LinResult(False, steps, stuck, best=best, total=need)
        i, state, tried = stack.pop()
        lin &= ~(1 << i)
        if ret_pos[i] != -1:
            done -= 1
            reinsert(ret_pos[i])
        reinsert(call_pos[i])
        p = nxt[call_pos[i]]


def _observed_values(op):
    if op["kind"] == "read" and op["status"] == "ok" and op.get("result"):
        return {op["result"][0]}
    return set()


def minimal_anomaly(ops, init=(INIT, 0), budget_s=20.0):
    """A small non-linearizable sub-history: the shortest failing prefix (ops by invoke time), then
    greedy removal of every op whose removal keeps it failing -- never a write whose value a
    remaining read observed (that would trade the anomaly for an unexplained read)."""
    ops = sorted([o for o in ops if not (o["status"] == "info" and o["kind"] == "read")], key=lambda o: o["invoke"])
    deadline = time.monotonic() + budget_s

    def fails(sub):
        r = check_linearizable(sub, init, max_steps=300_000)
        return not r.ok and not r.inconclusive
    if not fails(ops):
        return ops
    lo, hi = 1, len(ops)                  # smallest n with ops[:n] failing
    while lo < hi:
        mid = (lo + hi) // 2
        if fails(ops[:mid]):
            hi = mid
        else:
            lo = mid + 1
    cur = ops[:lo]
    k = 0
    while k < len(cur) - 1 and time.monotonic() < deadline:
        cand = cur[:k] + cur[k + 1:]
        seen = set().union(*[_observed_values(o) for o in cand]) if cand else set()
        if cur[k]["kind"] in ("write", "cas") and cur[k].get("value") in seen:
            k += 1
            continue
        if fails(cand):
            cur = cand
        else:
            k += 1
    return cur


def fmt_op(h, o):
    if o["kind"] == "read":
        what = "read"
    elif o["kind"] == "write":
        what = "write(%r)" % o["value"]
    else:
        what = "cas(v%s -> %r)" % (o["expect"], o["value"])
    if o["status"] == "ok":
        res = "ok" + (" %r v%d" % tuple(o["result"]) if o["kind"] == "read" else " -> v%s" % o.get("result"))
    elif o["status"] == "fail":
        res = "fail %s" % o.get("error")
    else:
        res = "info %s" % o.get("error")
    return "[w%s s%s] %s %s..%s (%s..%s UTC) %s" % (o.get("proc"), o.get("node", "?"), what, h.rel(o["invoke"]),
                                                   h.rel(o.get("complete")), h.wall(o["invoke"]),
                                                   h.wall(o["complete"]) if o.get("complete") else "never",
                                                   res)


def check_registers(h):
    out = []
    for path in h.registers:
        ops = [o for o in h.ops if o["reg"] == path]
        r = check_linearizable(ops)
        if r.ok:
            continue
        if r.inconclusive:
            out.append("%s: linearizability search gave up after %d steps (%d ops, best %d/%d) -- inconclusive"
                       % (path, r.steps, len(ops), r.best, r.total))
            continue
        sub = minimal_anomaly(ops)
        lines = ["%s: NOT linearizable (%d ops; the search linearized at most %d of %d definite ops, stuck at: %s)"
                 % (path, len(ops), r.best, r.total, fmt_op(h, r.stuck) if r.stuck else "?"),
                 "  minimal anomalous sub-history (%d ops, initial value %r v0):" % (len(sub), INIT)]
        lines += ["    " + fmt_op(h, o) for o in sub]
        out.append("\n".join(lines))
    return out


# ---------------------------------------------------------------- sequential creates, ephemerals, replicas

def seq_no(name):
    m = SEQ_RE.match(name or "")
    return int(m.group(1)) if m else None


def check_acked(h):
    """Every acknowledged sequential create exists with its data on every node; nothing unissued
    appears."""
    out = []
    if h.final.get(h.final_ref, {}).get("seq") is None:
        return ["no final listing of /seq (the run did not reach its final reads)"]
    issued = {c["data"] for c in h.creates}
    for sid in sorted(h.final, key=lambda s: (s != h.final_ref, s)):
        final = h.final[sid].get("seq") or {}
        lost = []
        for c in h.creates:
            if c["status"] != "ok":
                continue
            got = final.get(c["name"])
            if got is None:
                lost.append(c)
            elif got != c["data"]:
                out.append("s%s: acknowledged create %s holds %r, not its own data %r (w%s, %s..%s)"
                           % (sid, c["name"], got, c["data"], c["proc"], h.rel(c["invoke"]), h.rel(c["complete"])))
        if lost:
            out.append("LOST on s%s%s: %d acknowledged create(s) not in /seq at the end: %s" % (
                sid, " (the leader)" if sid == h.final_ref else "", len(lost), "; ".join(
                    "%s (data %s, w%s via s%s, acked %s..%s = %s UTC)" % (
                        c["name"], c["data"], c["proc"], c.get("node"), h.rel(c["invoke"]), h.rel(c["complete"]),
                        h.wall(c["complete"])) for c in lost[:6])))
        for name, data in sorted(final.items()):
            if data not in issued:
                out.append("s%s: /seq/%s holds %r, which no client issued" % (sid, name, data))
    return out


def check_sequential(h):
    """Unique names; increasing per session in issue order; real-time order respected."""
    out = []
    final = h.final.get(h.final_ref, {}).get("seq") or {}
    by_data = {d: n for n, d in final.items()}
    seen = {}
    items = []
    for c in h.creates:
        name = c["name"] if c["status"] == "ok" else by_data.get(c["data"])
        if name is None:
            continue
        n = seq_no(name)
        if n is None:
            out.append("sequential create got a malformed name %r (%s)" % (name, c["data"]))
            continue
        if c["status"] == "ok":
            if name in seen:
                o = seen[name]
                out.append("DUPLICATE sequential name %s acknowledged twice: %s (w%s %s..%s) and %s (w%s %s..%s)"
                           % (name, o["data"], o["proc"], h.rel(o["invoke"]), h.rel(o["complete"]),
                              c["data"], c["proc"], h.rel(c["invoke"]), h.rel(c["complete"])))
            seen[name] = c
        items.append((c, n))
    # per session, in issue order
    sessions = {}
    for c, n in items:
        sessions.setdefault((c["proc"], c["session"]), []).append((c["invoke"], n, c))
    for key, lst in sessions.items():
        lst.sort(key=lambda x: x[0])
        for (t1, n1, c1), (t2, n2, c2) in zip(lst, lst[1:]):
            if n2 <= n1:
                out.append("session %s of w%s: %s (invoked %s) got n-%010d after %s (invoked %s) got n-%010d"
                           % (c1["session"], key[0], c2["data"], h.rel(t2), n2, c1["data"], h.rel(t1), n1))
    # real time: acknowledged before the other was invoked -> smaller number
    done = sorted([(c["complete"], n, c) for c, n in items if c["status"] == "ok"], key=lambda x: x[0])
    j, best = 0, None
    for c, n in sorted(items, key=lambda x: x[0]["invoke"]):
        while j < len(done) and done[j][0] < c["invoke"]:
            if best is None or done[j][1] > best[1]:
                best = done[j]
            j += 1
        if best is not None and best[1] >= n:
            b = best[2]
            out.append("ORDER: %s (w%s, invoked %s) got n-%010d although %s (w%s) was acknowledged earlier "
                       "(%s) with n-%010d" % (c["data"], c["proc"], h.rel(c["invoke"]), n, b["data"], b["proc"],
                                              h.rel(b["complete"]), best[1]))
    return out


def check_ephemerals(h):
    """A killed session's ephemerals are gone on every node by max(kill, heal) + timeout + slack."""
    out = []
    if h.heal is None:
        return ["the ensemble was never healed: no ephemeral deadline"]
    if not h.eph_polls:
        return ["no poll of /eph after healing"]
    owner = {}
    for s in h.eph:
        for name, status in s["names"]:
            owner[name] = s
    last = {}
    for t, sid, names in h.eph_polls:
        last[sid] = (t, names)
        for name in names:
            s = owner.get(name)
            if s is None:
                out.append("/eph/%s on s%s at %s: no client created it" % (name, sid, h.rel(t)))
                continue
            deadline = max(s["kill"], h.heal) + SESSION_TIMEOUT + EPH_SLACK
            if t > deadline:
                out.append("SURVIVING EPHEMERAL /eph/%s of session %s on s%s at %s: killed %s, healed %s, deadline %s"
                           % (name, s["session"], sid, h.rel(t), h.rel(s["kill"]), h.rel(h.heal), h.rel(deadline)))
    latest = max((s["kill"] for s in h.eph), default=h.heal)
    deadline = max(latest, h.heal) + SESSION_TIMEOUT + EPH_SLACK
    for sid in sorted(h.final):
        if sid not in last or last[sid][0] <= deadline:
            out.append("s%s: no poll of /eph after the last deadline %s" % (sid, h.rel(deadline)))
    return sorted(set(out), key=out.index)


def check_replicas(h):
    out = []
    if not h.final or h.final_ref not in h.final:
        return ["no final reads"]
    ref = h.final[h.final_ref]
    if len(h.final) < h.voters:
        out.append("final reads from %d of %d nodes only (%s)" % (len(h.final), h.voters, sorted(h.final)))
    for sid, f in sorted(h.final.items()):
        if sid == h.final_ref:
            continue
        for key in ("regs", "seq", "eph"):
            a, b = ref.get(key), f.get(key)
            if isinstance(a, list):
                a, b = sorted(a), sorted(b or [])
            if a != b:
                if isinstance(a, dict) and isinstance(b, dict):
                    diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                    detail = "; ".join("%s: s%s %r, s%s %r" % (k, h.final_ref, a.get(k), sid, b.get(k))
                                       for k in diff[:8])
                else:
                    detail = "s%s %r, s%s %r" % (h.final_ref, a, sid, b)
                out.append("DIVERGED %s after healing: %s" % (key, detail))
    return out


def check_recovered(h):
    if h.heal is None:
        return ["the ensemble did not elect a leader after healing"]
    out = []
    for w in range(WORKERS):
        t = h.post.get(w)
        if t is None or t - h.heal > RECOVER_BOUND:
            out.append("worker w%d completed no operation within %.0f s of healing%s" % (
                w, RECOVER_BOUND, "" if t is None else " (first at %s)" % h.rel(t)))
    return out


CHECK_FUNCS = [("1_linearizable", check_registers), ("2_acked", check_acked), ("3_sequential", check_sequential),
               ("4_ephemerals", check_ephemerals), ("5_replicas", check_replicas), ("6_recovered", check_recovered)]


def run_checks(h):
    out = {}
    for name, fn in CHECK_FUNCS:
        try:
            out[name] = fn(h)
        except Exception:
            out[name] = ["checker crashed: %s" % traceback.format_exc()]
    return out


# ---------------------------------------------------------------- clients

def _outcome(exc):
    """(status, error name) of an exception from a kazoo call."""
    from kazoo.exceptions import BadVersionError, NoNodeError, NodeExistsError
    name = type(exc).__name__
    if isinstance(exc, (BadVersionError, NoNodeError, NodeExistsError)):
        return "fail", name
    return "info", name            # ConnectionLoss, timeouts, SessionExpired, closed: unknown


def new_client(hosts, start_timeout=10.0):
    from kazoo.client import KazooClient
    c = KazooClient(hosts=hosts, timeout=SESSION_TIMEOUT, randomize_hosts=True,
                    connection_retry=dict(max_tries=-1, delay=0.1, backoff=1.5, max_delay=1.0))
    c.start(timeout=start_timeout)
    return c


def connected(c):
    from kazoo.protocol.states import KazooState
    return c.state == KazooState.CONNECTED


def _session(c):
    try:
        return "0x%x" % c.client_id[0]
    except Exception:
        return None


class Worker:
    """One session doing register reads / writes / CAS and sequential creates."""

    def __init__(self, wid, ens, h, rng, stop):
        self.wid, self.ens, self.h, self.rng, self.stop = wid, ens, h, rng, stop
        k = rng.randint(1, len(ens.nodes))
        self.nodes = sorted(rng.sample(ens.nodes, k), key=lambda n: n.sid)
        self.hosts = ens.connect_string(self.nodes)
        self.client = None
        self.last = {}            # register -> version last read
        self.n = 0
        self.thread = threading.Thread(target=self.loop, daemon=True, name="nemesis-w%d" % wid)

    def start(self):
        self.thread.start()
        return self

    def value(self):
        self.n += 1
        return "w%d-%d" % (self.wid, self.n)

    def node_of(self):
        try:
            host = self.client._connection._socket.getpeername()
            return next((n.sid for n in self.nodes if n.client_port == host[1]), None)
        except Exception:
            return None

    def loop(self):
        while not self.stop.is_set():
            if self.client is None:
                try:
                    self.client = new_client(self.hosts, start_timeout=5.0)
                except Exception as e:
                    self.h.notes.append("w%d: start failed: %s" % (self.wid, type(e).__name__))
                    self.client = None
                    self.stop.wait(0.5)
                    continue
            if not connected(self.client):
                self.stop.wait(0.05)
                continue
            try:
                if self.rng.random() < SEQ_SHARE:
                    self.seq_create()
                else:
                    self.reg_op()
            except Exception as e:   # a bug here must not hide as silence
                self.h.notes.append("w%d: %s" % (self.wid, traceback.format_exc(limit=3)))
                self.stop.wait(0.2)
            self.stop.wait(self.rng.uniform(*PACE))
        if self.client is not None:
            harness.stop_kazoo(self.client)

    def _done(self, op_or_create, t):
        if op_or_create["status"] == "ok" and self.h.heal is not None and op_or_create["invoke"] >= self.h.heal:
            self.h.post.setdefault(self.wid, t)

    def reg_op(self):
        c = self.client
        path = self.rng.choice(self.h.registers)
        r = self.rng.random()
        kind = "read" if r < 0.4 else ("write" if r < 0.6 else "cas")
        op = {"id": self.h.next_id(), "proc": self.wid, "reg": path, "kind": kind, "session": _session(c),
              "node": self.node_of()}
        if kind != "read":
            op["value"] = self.value()
        if kind == "cas":
            v = self.last.get(path, 0)
            if self.rng.random() < 0.1:
                v = max(0, v + self.rng.choice([-1, 1]))
            op["expect"] = v
        op["invoke"] = time.monotonic()
        try:
            if kind == "read":
                c.sync_async(path).get(timeout=OP_TIMEOUT)
                data, stat = c.get_async(path).get(timeout=OP_TIMEOUT)
                res = [data.decode() if data is not None else None, stat.version]
                self.last[path] = stat.version
            elif kind == "write":
                res = c.set_async(path, op["value"].encode(), -1).get(timeout=OP_TIMEOUT).version
            else:
                res = c.set_async(path, op["value"].encode(), op["expect"]).get(timeout=OP_TIMEOUT).version
            op["complete"] = time.monotonic()
            op["status"], op["result"] = "ok", res
        except Exception as e:
            t = time.monotonic()
            op["status"], op["error"] = _outcome(e)
            op["complete"] = t if op["status"] == "fail" else None
            op["gave_up"] = t
        self.h.add("ops", op)
        self._done(op, op["complete"] or 0)

    def seq_create(self):
        c = self.client
        cr = {"id": self.h.next_id(), "proc": self.wid, "data": "s%d-%d" % (self.wid, self.h.next_id()),
              "session": _session(c), "node": self.node_of(), "invoke": time.monotonic()}
        try:
            name = c.create_async("/seq/n-", cr["data"].encode(), sequence=True).get(timeout=OP_TIMEOUT)
            cr["complete"] = time.monotonic()
            cr["status"], cr["name"] = "ok", name.rsplit("/", 1)[1]
        except Exception as e:
            t = time.monotonic()
            cr["status"], cr["error"] = _outcome(e)
            cr["complete"] = t if cr["status"] == "fail" else None
            cr["gave_up"] = t
        self.h.add("creates", cr)
        self._done(cr, cr["complete"] or 0)


class EphemeralCycler:
    """Sessions that create ephemerals and are then abandoned (proxies cut, client stopped)."""

    def __init__(self, ens, h, rng, stop):
        self.ens, self.h, self.rng, self.stop = ens, h, rng, stop
        self.thread = threading.Thread(target=self.loop, daemon=True, name="nemesis-eph")
        self.k = 0

    def start(self):
        self.thread.start()
        return self

    def loop(self):
        while not self.stop.is_set():
            try:
                self.one()
            except Exception:
                self.h.notes.append("eph: %s" % traceback.format_exc(limit=3))
            self.stop.wait(self.rng.uniform(0.2, 1.0))

    def one(self):
        nodes = self.rng.sample(self.ens.nodes, self.rng.randint(1, 2))
        proxies = [LoopbackProxy(n.client_port) for n in nodes]
        c, rec = None, None
        try:
            try:
                c = new_client(",".join(p.hosts for p in proxies), start_timeout=5.0)
            except Exception:
                return
            sess = _session(c)
            rec = {"session": sess, "names": [], "kill": None, "via": [n.sid for n in nodes]}
            for _ in range(self.rng.randint(1, 3)):
                self.k += 1
                name = "e%s-%d" % (sess, self.k)
                try:
                    c.create_async("/eph/" + name, name.encode(), ephemeral=True).get(timeout=OP_TIMEOUT)
                    rec["names"].append([name, "ok"])
                except Exception as e:
                    rec["names"].append([name, _outcome(e)[0]])
            self.stop.wait(self.rng.uniform(0.3, 2.0))
        finally:
            for p in proxies:
                p.cut()               # the session can reach no server: abandoned
            if c is not None and rec is not None:
                rec["kill"] = time.monotonic()
                self.h.add("eph", rec)
                t = threading.Thread(target=harness.stop_kazoo, args=(c,), daemon=True)
                t.start()
                t.join(5)
            for p in proxies:
                p.close()


# ---------------------------------------------------------------- network: per-pair proxies, partitions

SERVER_LINE = re.compile(r"^server\.(\d+)=([^:;]+):(\d+):(\d+)(.*)$")
PEER_PORTS = ("quorum", "election")
CUT_KINDS = ("refuse", "blackhole")


def apache_election_rewrite(announce_port):
    """Apache's election greeting (QuorumCnxManager.InitialMessage: long protocol version
    -65536 / -65535, long sid, int n, n bytes "host:port[|host:port]") names the sender's own
    election address, and a receiver with the higher sid drops the connection and connects back
    to that address -- around the proxies.  Rewritten to announce `announce_port` (the receiver's
    proxy to the sender), so the connection back goes through a proxy too.  Returns None while the
    greeting is incomplete; anything else passes unchanged."""
    addr = ("%s:%d" % (LOOPBACK, announce_port)).encode()

    def rewrite(buf):
        if len(buf) < 8:
            return None
        if struct.unpack(">q", buf[:8])[0] not in (-65536, -65535):
            return buf
        if len(buf) < 20:
            return None
        n = struct.unpack(">i", buf[16:20])[0]
        if n <= 0 or n > 2048:
            return buf
        if len(buf) < 20 + n:
            return None
        return buf[:16] + struct.pack(">i", len(addr)) + addr + buf[20 + n:]
    return rewrite


class PeerNetwork:
    """One LoopbackProxy per directed pair of members and peer port: P(N->M, quorum) forwards to
    M's real quorum port, P(N->M, election) to M's real election port, and node N's zoo.cfg names
    every other member M by the ports of N's proxies to M (its own server.N line keeps the ports
    it binds).  Election connections are opened by either side, quorum connections learner ->
    leader; so cutting P(N->M) and P(M->N) on both ports separates N and M in both directions.
    Client ports stay direct.

    cut(pairs, kind): kind "refuse" closes the pairs' proxied connections (both halves) and
    refuses new ones; "blackhole" keeps them open but forwards nothing, and accepts new ones
    without forwarding them (until heal(): then held-up bytes flow on, held connections close)."""

    def __init__(self, nodes, apache=False):
        self.sids = sorted(n.sid for n in nodes)
        self.proxies = {}
        try:
            for n in nodes:
                for m in nodes:
                    if n is not m:
                        self.proxies[(n.sid, m.sid, "quorum")] = LoopbackProxy(m.quorum_port)
                        self.proxies[(n.sid, m.sid, "election")] = LoopbackProxy(m.election_port)
        except Exception:
            self.close()
            raise
        if apache:
            for (a, b, port), p in self.proxies.items():
                if port == "election":
                    p.rewrite = apache_election_rewrite(self.proxies[(b, a, "election")].port)
        self.cuts = {}            # frozenset({a, b}) -> kind
        self.lock = threading.Lock()

    def ports(self, sid, peer):
        """(quorum, election) port by which node `sid` reaches `peer`."""
        return self.proxies[(sid, peer, "quorum")].port, self.proxies[(sid, peer, "election")].port

    def view(self, sid, line):
        """A server.M line of node sid's zoo.cfg, rewritten to sid's proxies when M != sid."""
        m = SERVER_LINE.match(line)
        if not m or int(m.group(1)) == sid or int(m.group(1)) not in self.sids:
            return line
        q, e = self.ports(sid, int(m.group(1)))
        return "server.%s=%s:%d:%d%s" % (m.group(1), m.group(2), q, e, m.group(5))

    def cut(self, pairs, kind):
        assert kind in CUT_KINDS
        with self.lock:
            for a, b in pairs:
                self.cuts[frozenset((a, b))] = kind
                for x, y in ((a, b), (b, a)):
                    for port in PEER_PORTS:
                        p = self.proxies[(x, y, port)]
                        if kind == "refuse":
                            p.cut()
                        else:
                            p.blackhole()

    def heal(self):
        """Every proxy forwards again; returns the pairs that were cut."""
        with self.lock:
            was, self.cuts = dict(self.cuts), {}
            for p in self.proxies.values():
                for attempt in range(20):
                    try:
                        p.restore()
                        break
                    except OSError:              # the port is briefly in use: retry
                        time.sleep(0.1)
        return was

    def close(self):
        for p in self.proxies.values():
            try:
                p.close()
            except Exception:
                pass


class _ProxiedView:
    """A node whose zoo.cfg names the other members through its PeerNetwork proxies."""

    def cfg_lines(self):
        net = getattr(self.ensemble, "net", None)
        lines = super().cfg_lines()
        return lines if net is None else [net.view(self.sid, line) for line in lines]


class ProxiedZkdashNode(_ProxiedView, ZkdashNode):
    pass


class ProxiedApacheNode(_ProxiedView, ApacheNode):
    pass


class _Partitionable:
    def _make_net(self, apache):
        self.net = PeerNetwork(self.nodes, apache=apache)

    def destroy(self):
        try:
            super().destroy()
        finally:
            if getattr(self, "net", None) is not None:
                self.net.close()


class PartitionableZkdashEnsemble(_Partitionable, ZkdashEnsemble):
    node_class = ProxiedZkdashNode

    def __init__(self, **kw):
        super().__init__(**kw)
        self._make_net(apache=False)


class PartitionableApacheEnsemble(_Partitionable, ApacheEnsemble):
    node_class = ProxiedApacheNode

    def __init__(self, **kw):
        super().__init__(**kw)
        self._make_net(apache=True)


# ---------------------------------------------------------------- nemesis

class Nemesis:
    """kill -9 / restart / SIGSTOP-SIGCONT of leaders and followers, and network partitions (cuts
    of PeerNetwork pairs); at most a minority down or cut off, except for brief deliberate quorum
    losses."""

    def __init__(self, ens, h, rng):
        self.ens, self.h, self.rng = ens, h, rng
        self.net = getattr(ens, "net", None)
        self.killed = set()
        self.due = {}
        self.minority = (len(ens.voters) - 1) // 2

    def up(self):
        return [n for n in self.ens.nodes if n.sid not in self.killed and not n.paused]

    def leader(self):
        for n in self.up():
            if n.mode(0.5) == "leader":
                return n
        return None

    def role(self, n):
        return "leader" if n.mode(0.5) == "leader" else "follower"

    def pick(self, want):
        up = sorted(self.up(), key=lambda n: n.sid)
        if not up:
            return None
        ld = self.leader()
        if want == "leader" and ld is not None:
            return ld
        others = [n for n in up if n is not ld]
        return self.rng.choice(others or up)

    def kill(self, n, note=""):
        role = self.role(n)
        n.kill()
        self.killed.add(n.sid)
        self.h.fault("kill", n.sid, role, note)

    def restart(self, n, note=""):
        n.start()
        self.killed.discard(n.sid)
        self.h.fault("restart", n.sid, None, note)

    def pause(self, n, d, note=""):
        role = self.role(n)
        n.pause()
        self.h.fault("pause", n.sid, role, "%.1f s %s" % (d, note))
        time.sleep(d)
        n.resume()
        self.h.fault("resume", n.sid, None, note)

    # partitions take about a third of the steps (and, lasting 2-6 s, about half the time)
    STEPS = [("kill_leader", 2), ("kill_follower", 2), ("pause_leader", 2), ("pause_follower", 2),
             ("quorum_loss", 1), ("quiet", 1),
             ("partition_leader", 2), ("partition_follower", 1), ("partition_split", 1), ("partition_link", 1)]

    def restart_due(self, now, note):
        for sid, t in sorted(self.due.items(), key=lambda kv: kv[1]):
            if t <= now and sid in self.killed:
                self.restart(self.ens.node(sid), note)
                del self.due[sid]

    def make_room(self, k, note):
        """Restarts killed nodes, the earliest due first, until k more nodes down or cut off
        leave a majority."""
        while self.killed and len(self.killed) + k > self.minority:
            sid = min(self.killed, key=lambda s: self.due.get(s, 0.0))
            self.restart(self.ens.node(sid), note)
            self.due.pop(sid, None)
            time.sleep(self.rng.uniform(0.5, 1.5))

    def partition(self, choice, k, until):
        """One partition for 2-6 s, then healed.  leader / follower: that node cut off from every
        other; split (5 nodes): a random 2 | 3 split, the leader on the small side half the time;
        link: the leader and one follower cannot reach each other, both still reach the rest (with
        3 nodes, split is a link cut).  Cut kind: refuse or black hole, at random."""
        sids = sorted(n.sid for n in self.ens.nodes)
        ld = self.leader()
        lsid = ld.sid if ld is not None else None
        followers = [s for s in sids if s != lsid]
        live_followers = [n.sid for n in self.up() if n.sid != lsid] or followers
        shape = choice.split("_")[1]
        if shape == "split" and len(sids) < 5:
            shape = "link"
        if shape == "leader":
            side = [lsid if lsid is not None else self.rng.choice(sids)]
        elif shape == "follower":
            side = [self.rng.choice(live_followers)]
        elif shape == "split":
            if lsid is not None and self.rng.random() < 0.5:
                side = sorted([lsid] + self.rng.sample(followers, self.minority - 1))
            else:
                side = sorted(self.rng.sample(followers, self.minority))
        else:
            a = lsid if lsid is not None else self.rng.choice(sids)
            side = [a]
        if shape == "link":
            b = self.rng.choice(live_followers if lsid is not None else [s for s in sids if s != side[0]])
            pairs = [(side[0], b)]
            groups = "s%d -/- s%d" % (side[0], b)
        else:
            rest = [s for s in sids if s not in side]
            pairs = [(a, b) for a in side for b in rest]
            groups = "s%s | s%s" % (",s".join(map(str, side)), ",s".join(map(str, rest)))
        kind = self.rng.choice(CUT_KINDS)
        d = min(self.rng.uniform(2.0, 6.0), max(1.5, until - time.monotonic()))
        role = "leader" if lsid is not None and lsid in side else ("follower" if lsid is not None else None)
        self.net.cut(pairs, kind)
        self.h.fault("partition", side[0] if shape in ("leader", "follower") else None, role,
                     "step %d: %s %s (%s) %.1f s" % (k, shape, groups, kind, d),
                     shape=shape, cut=kind, pairs=[list(p) for p in pairs], side=side)
        time.sleep(d)
        self.net.heal()
        self.h.fault("heal_partition", None, None, "step %d" % k)

    def run(self, until):
        """Steps until `until`: a killed node comes back 1-6 s later (sooner when another fault
        needs the room); pauses last 1-5 s; a quorum loss pauses a majority for 1-3 s; a partition
        lasts 2-6 s."""
        self.due = {}
        steps = [(n, w) for n, w in self.STEPS if self.net is not None or not n.startswith("partition")]
        names = [n for n, w in steps for _ in range(w)]
        k = 0
        while time.monotonic() < until:
            k += 1
            self.restart_due(time.monotonic(), "step %d: its downtime is over" % k)
            choice = self.rng.choice(names)
            if choice.startswith(("kill", "pause")):
                self.make_room(1, "step %d: room for a fault" % k)
            elif choice.startswith("partition"):
                cut_off = self.minority if choice == "partition_split" and len(self.ens.voters) >= 5 else 1
                self.make_room(cut_off, "step %d: room for a partition" % k)
            if choice.startswith("kill"):
                n = self.pick(choice.split("_")[1])
                if n is not None:
                    self.kill(n, "step %d" % k)
                    self.due[n.sid] = time.monotonic() + self.rng.uniform(1.0, 6.0)
                time.sleep(self.rng.uniform(0.5, 2.0))
            elif choice.startswith("pause"):
                n = self.pick(choice.split("_")[1])
                if n is not None:
                    self.pause(n, self.rng.uniform(1.0, 5.0), "step %d" % k)
                time.sleep(self.rng.uniform(0.5, 2.0))
            elif choice.startswith("partition"):
                self.partition(choice, k, until)
                time.sleep(self.rng.uniform(0.5, 2.0))
            elif choice == "quorum_loss":
                # a majority down for 1-3 s: pause enough of the running nodes (the killed stay down)
                need = len(self.ens.voters) // 2 + 1 - len(self.killed)
                up = sorted(self.up(), key=lambda n: n.sid)
                self.rng.shuffle(up)
                victims = up[:max(0, need)]
                d = self.rng.uniform(1.0, 3.0)
                self.h.fault("quorum_loss", None, None, "step %d: pause s%s for %.1f s" % (
                    k, ",".join(str(n.sid) for n in victims), d))
                for n in victims:
                    n.pause()
                    self.h.fault("pause", n.sid, None, "quorum loss")
                time.sleep(d)
                for n in victims:
                    n.resume()
                    self.h.fault("resume", n.sid, None, "quorum loss")
                time.sleep(self.rng.uniform(1.0, 2.0))
            else:
                self.h.fault("quiet", None, None, "step %d" % k)
                time.sleep(self.rng.uniform(1.0, 2.5))

    def heal(self):
        if self.net is not None and self.net.heal():
            self.h.fault("heal_partition", None, None, "heal")
        for n in self.ens.nodes:
            if n.paused:
                n.resume()
        for sid in sorted(self.killed):
            self.restart(self.ens.node(sid), "heal")
        self.h.fault("heal", None, None, "")
        return self.ens.wait_for_leader(timeout=60)


# ---------------------------------------------------------------- one run

def final_reads(ens, h):
    """Each node read by its own client (connected to that node only) after sync."""
    leader = ens.leader()
    h.final_ref = leader.sid if leader is not None else ens.nodes[0].sid
    for n in ens.nodes:
        c = None
        for _ in range(3):
            try:
                c = new_client(n.client_address, start_timeout=10.0)
                break
            except Exception:
                time.sleep(1.0)
        if c is None:
            h.notes.append("final: no session on s%d" % n.sid)
            continue
        try:
            f = {"regs": {}, "seq": {}, "eph": []}
            c.sync("/")
            for path in h.registers:
                t0 = time.monotonic()
                data, stat = c.get(path)
                t1 = time.monotonic()
                f["regs"][path] = [data.decode(), stat.version]
                if n.sid == h.final_ref:
                    h.add("ops", {"id": h.next_id(), "proc": "final", "reg": path, "kind": "read", "node": n.sid,
                                  "invoke": t0, "complete": t1, "status": "ok", "result": f["regs"][path]})
            for name in c.get_children("/seq"):
                data, _ = c.get("/seq/" + name)
                f["seq"][name] = data.decode()
            f["eph"] = sorted(c.get_children("/eph"))
            h.final[n.sid] = f
        finally:
            harness.stop_kazoo(c)


def poll_ephemerals(ens, h):
    """Polls /eph on every node until every killed session's deadline has passed (one poll per
    node after the last deadline)."""
    latest = max((s["kill"] for s in h.eph), default=h.heal)
    deadline = max(latest, h.heal) + SESSION_TIMEOUT + EPH_SLACK
    clients = {}
    try:
        for n in ens.nodes:
            clients[n.sid] = new_client(n.client_address, start_timeout=10.0)
        while True:
            after = time.monotonic() > deadline + 0.2
            for sid, c in clients.items():
                c.sync("/eph")
                h.eph_polls.append([time.monotonic(), sid, sorted(c.get_children("/eph"))])
            if after:
                break
            time.sleep(0.5)
    finally:
        for c in clients.values():
            harness.stop_kazoo(c)


def counts(h):
    ops = h.ops
    f = {}
    f["reg_ops"] = sum(1 for o in ops if o["proc"] != "final")
    for st in ("ok", "fail", "info"):
        f["reg_" + st] = sum(1 for o in ops if o["status"] == st and o["proc"] != "final")
    f["seq"] = len(h.creates)
    f["seq_ok"] = sum(1 for c in h.creates if c["status"] == "ok")
    f["seq_info"] = sum(1 for c in h.creates if c["status"] == "info")
    f["eph_sessions"] = len(h.eph)
    f["eph_nodes"] = sum(1 for s in h.eph for _, st in s["names"] if st == "ok")
    for k in ("kill", "restart", "pause", "quorum_loss"):
        f[k] = sum(1 for x in h.faults if x["kind"] == k)
    f["kill_leader"] = sum(1 for x in h.faults if x["kind"] == "kill" and x["role"] == "leader")
    f["pause_leader"] = sum(1 for x in h.faults if x["kind"] == "pause" and x["role"] == "leader")
    parts = [x for x in h.faults if x["kind"] == "partition"]
    f["partition"] = len(parts)
    f["partition_leader"] = sum(1 for x in parts if x["role"] == "leader")
    f["partition_blackhole"] = sum(1 for x in parts if x.get("cut") == "blackhole")
    for shape in ("leader", "follower", "split", "link"):
        f["partition_" + shape + "_shape"] = sum(1 for x in parts if x.get("shape") == shape)
    return f


def figures_line(h, results):
    f = counts(h)
    bad = {k: len(v) for k, v in results.items() if v}
    return ("%s seed %s: %.0f s; registers %d ops (ok %d, fail %d, info %d) on %d registers; sequential %d "
            "(ok %d, info %d); ephemeral sessions %d (%d ephemerals); faults: %d kills (%d leader), %d restarts, "
            "%d pauses (%d leader), %d quorum losses, %d partitions (%d involving the leader, %d black holes; "
            "shapes: %d leader, %d follower, %d split, %d link); anomalies: %s"
            % (h.config, h.seed, h.seconds, f["reg_ops"], f["reg_ok"], f["reg_fail"], f["reg_info"], len(h.registers),
               f["seq"], f["seq_ok"], f["seq_info"], f["eph_sessions"], f["eph_nodes"], f["kill"], f["kill_leader"],
               f["restart"], f["pause"], f["pause_leader"], f["quorum_loss"], f["partition"], f["partition_leader"],
               f["partition_blackhole"], f["partition_leader_shape"], f["partition_follower_shape"],
               f["partition_split_shape"], f["partition_link_shape"],
               ", ".join("%s %d" % kv for kv in sorted(bad.items())) or "none"))


def run_one(case, config, seed, seconds):
    cfg = CONFIGS[config]
    rng = random.Random(seed)
    h = History(config, seed, seconds, cfg["voters"], registers_for(seconds))
    sys.stdout.write("\n     nemesis: %s seed %s, %.0f s -- replay: %s\n" % (config, seed, seconds, h.replay()))
    sys.stdout.flush()
    if cfg["kind"] == "zkdash":
        ens = PartitionableZkdashEnsemble(voters=cfg["voters"])
    else:
        ens = PartitionableApacheEnsemble(voters=cfg["voters"], admin=False, jvm_flags=APACHE_FLAGS)
    case.addCleanup(ens.destroy)
    h.logs = {n.sid: n.log_path for n in ens.nodes}
    ens.start(one_by_one=(cfg["kind"] == "zkdash"))
    c = new_client(ens.hosts, start_timeout=30.0)
    try:
        for p in h.registers:
            c.create(p, INIT.encode(), makepath=True)
        c.ensure_path("/seq")
        c.ensure_path("/eph")
    finally:
        harness.stop_kazoo(c)
    stop = threading.Event()
    eph_stop = threading.Event()
    workers = [Worker(w, ens, h, random.Random(rng.random()), stop) for w in range(WORKERS)]
    eph = EphemeralCycler(ens, h, random.Random(rng.random()), eph_stop)
    nem = Nemesis(ens, h, random.Random(rng.random()))
    h.notes.append("worker nodes: " + "; ".join("w%d s%s" % (w.wid, ",".join(str(n.sid) for n in w.nodes))
                                                for w in workers))
    h.t0 = time.monotonic()
    for w in workers:
        w.start()
    eph.start()
    try:
        try:
            time.sleep(1.0)
            nem.run(time.monotonic() + seconds)
        finally:
            try:
                nem.heal()
                h.heal = time.monotonic()
            except Exception as e:
                h.error = "no leader after healing: %s" % e
        eph_stop.set()
        eph.thread.join(15)
        if h.heal is not None:
            wait_until(lambda: len(h.post) == WORKERS, timeout=RECOVER_BOUND, interval=0.2)
            time.sleep(max(0.0, h.heal + POST_HEAL_S - time.monotonic()))
    finally:
        stop.set()
        for w in workers:
            w.thread.join(OP_TIMEOUT * 2 + 5)
        eph_stop.set()
    if h.error is None:
        def settled():
            zs = [n.zxid(1.0) for n in ens.nodes]
            return None not in zs and len(set(zs)) == 1
        if not wait_until(settled, timeout=30, interval=0.3):
            h.notes.append("zxids did not converge within 30 s after healing: %s"
                           % {n.sid: n.zxid(1.0) for n in ens.nodes})
        poll_ephemerals(ens, h)      # first: /eph is compared across nodes once no session is expiring
        final_reads(ens, h)
    return h, ens


def save_logs(h, ens):
    d = tempfile.mkdtemp(prefix="nemesis-%s-%s-logs-" % (h.config, h.seed))
    for n in ens.nodes:
        try:
            shutil.copy(n.log_path, os.path.join(d, "s%d.log" % n.sid))
        except OSError:
            pass
    h.logs = {n.sid: os.path.join(d, "s%d.log" % n.sid) for n in ens.nodes}
    return d


def log_lines_around(h, t_lo, t_hi, margin=2.0, cap=30):
    """Servers' log lines whose time falls within [t_lo - margin, t_hi + margin] (monotonic)."""
    lo, hi = t_lo + h.wall_offset - margin, t_hi + h.wall_offset + margin
    out = []
    for sid, path in sorted(h.logs.items()):
        try:
            with open(path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            continue
        picked = []
        for line in lines:
            m = LOG_TIME.match(line)
            if not m:
                continue
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(
                tzinfo=datetime.timezone.utc).timestamp() + (float(m.group(2)) if m.group(2) else 0.0)
            if lo - 1.0 <= t <= hi:
                picked.append(line)
        for line in picked[-cap:]:
            out.append("s%s| %s" % (sid, line[:300]))
    return out


# ---------------------------------------------------------------- tests

def seeds_for(config):
    one = os.environ.get("NEMESIS_SEED")
    n = os.environ.get("NEMESIS_SEEDS")
    if n:
        if one:
            return [int(one) + k for k in range(int(n))]
        base = random.SystemRandom().randrange(1, 10 ** 6)
        return [random.Random(base + k).randrange(1, 10 ** 6) for k in range(int(n))]
    if one:
        return [int(one)]
    return CI_SEEDS[config]


def fmt_fault(h, x):
    return "%s %s%s%s%s" % (h.rel(x["t"]), x["kind"], " s%s" % x["sid"] if x["sid"] else "",
                            " (%s)" % x["role"] if x.get("role") else "",
                            " [%s]" % x["note"] if x["kind"] == "partition" else "")


REL_TIME = re.compile(r"(?<![\w.])\+(\d+\.\d{3})\b")


def finding_window(h, text):
    """(lo, hi) monotonic times a finding's text names (its +S.mmm times), or None."""
    ts = [h.t0 + float(x) for x in REL_TIME.findall(text)]
    return (min(ts), max(ts)) if ts else None


class NemesisRuns(unittest.TestCase):
    """Each config's seeds run once (on its first test); test_<config>_<check> reports one check."""

    _runs = {}    # config -> [(History, results, path)] or an error text

    def runs(self, config):
        if config not in NemesisRuns._runs:
            out = []
            seed = None
            try:
                for seed in seeds_for(config):
                    h, ens = None, None
                    try:
                        h, ens = run_one(self, config, seed, seconds_default())
                        results = run_checks(h)
                        if h.error:
                            results["6_recovered"] = [h.error] + results.get("6_recovered", [])
                        path, logs = None, None
                        if any(results.values()) or os.environ.get("NEMESIS_KEEP"):
                            logs = save_logs(h, ens)
                            path = write_history(h)
                    finally:
                        self.doCleanups()
                    sys.stdout.write("     nemesis: %s\n" % figures_line(h, results))
                    if path:
                        sys.stdout.write("     nemesis: history %s (servers' logs %s)\n" % (path, logs))
                    sys.stdout.flush()
                    out.append((h, results, path))
            except Exception:
                out = ("the %s run did not complete (seed %s; replay: NEMESIS_SEED=%s /usr/bin/python3 "
                       "tests/interop/run.py nemesis -k %s):\n%s" % (config, seed, seed, config, traceback.format_exc()))
            NemesisRuns._runs[config] = out
        return NemesisRuns._runs[config]

    def check(self, config, check):
        runs = self.runs(config)
        if isinstance(runs, str):
            self.fail(runs)
        failures = []
        for h, results, path in runs:
            vs = results.get(check, [])
            if not vs:
                continue
            text = ["%s: check %s: %d finding(s)" % (h.label(), check, len(vs)), "replay: " + h.replay(),
                    "history: %s" % path,
                    "faults: " + ", ".join(fmt_fault(h, x) for x in h.faults if x["kind"] not in ("quiet",))]
            text += ["[%s] %s" % (h.label(), v) for v in vs[:8]]
            if len(vs) > 8:
                text.append("... and %d more" % (len(vs) - 8))
            win = finding_window(h, vs[0])
            if win is not None:
                text.append("servers' log lines around the first finding (%s..%s +- 2 s, UTC):" % (
                    h.wall(win[0]), h.wall(win[1])))
                text += ["  " + line for line in log_lines_around(h, win[0], win[1])]
            failures.append("\n".join(text))
        if not failures:
            return
        if CONFIGS[config]["kind"] == "apache":
            # the comparison: Apache 3.8.0's anomalies are figures, not failures of this suite
            sys.stdout.write("     nemesis: RECORDED for comparison (Apache 3.8.0, not a failure):\n")
            for f in failures:
                for line in f.splitlines()[:40]:
                    sys.stdout.write("       %s\n" % line)
            sys.stdout.flush()
            return
        self.fail("\n\n".join(failures))


def _add_check_tests():
    for config in CONFIGS:
        for name in CHECKS:
            def test(self, config=config, name=name):
                self.check(config, name)
            test.__name__ = "test_%s_%s" % (config, name)
            test.__doc__ = "check %s over the %s runs%s" % (
                name, config, " (recorded for comparison)" if CONFIGS[config]["kind"] == "apache" else "")
            setattr(NemesisRuns, test.__name__, test)


_add_check_tests()


# ---------------------------------------------------------------- self-test

def _op(kind, invoke, complete, status="ok", value=None, expect=None, result=None, error=None, proc=0, reg="/reg/0"):
    o = {"id": 0, "proc": proc, "reg": reg, "kind": kind, "invoke": invoke, "complete": complete,
         "status": status}
    if value is not None:
        o["value"] = value
    if expect is not None:
        o["expect"] = expect
    if result is not None:
        o["result"] = result
    if error is not None:
        o["error"] = error
    return o


def R(t0, t1, value, version, **kw):
    return _op("read", t0, t1, result=[value, version], **kw)


def W(t0, t1, value, version=None, status="ok", **kw):
    return _op("write", t0, t1 if status != "info" else None, status=status, value=value, result=version, **kw)


def CAS(t0, t1, expect, value, version=None, status="ok", **kw):
    return _op("cas", t0, t1 if status != "info" else None, status=status, value=value, expect=expect,
               result=version, error="BadVersionError" if status == "fail" else None, **kw)


def fabricated_history():
    """An honest small run: 2 registers, sequential creates, two killed ephemeral sessions, 3 nodes."""
    h = History("selftest", 0, 10.0, 3, 2)
    h.t0 = 0.0
    h.ops = [W(1.0, 1.1, "a", 1), R(1.2, 1.3, "a", 1), CAS(1.4, 1.6, 1, "b", 2), R(1.7, 1.8, "b", 2),
             CAS(1.5, 1.9, 1, "c", status="fail"), W(2.0, None, "d", status="info", error="ConnectionLoss"),
             _op("read", 2.1, None, status="info", error="ConnectionLoss"),
             R(9.0, 9.1, "d", 3, proc="final"),
             W(1.0, 1.2, "x", 1, reg="/reg/1"), R(9.0, 9.1, "x", 1, reg="/reg/1", proc="final")]
    h.creates = [
        {"proc": 0, "session": "0x1", "data": "s0-1", "invoke": 1.0, "complete": 1.1, "status": "ok", "name": "n-0000000000"},
        {"proc": 1, "session": "0x2", "data": "s1-2", "invoke": 1.05, "complete": 1.3, "status": "ok", "name": "n-0000000002"},
        {"proc": 0, "session": "0x1", "data": "s0-3", "invoke": 1.2, "complete": 1.25, "status": "ok", "name": "n-0000000001"},
        {"proc": 0, "session": "0x1", "data": "s0-4", "invoke": 1.4, "complete": None, "status": "info"},
        {"proc": 0, "session": "0x1", "data": "s0-5", "invoke": 1.5, "complete": None, "status": "info"},
        {"proc": 1, "session": "0x2", "data": "s1-6", "invoke": 2.0, "complete": 2.1, "status": "ok", "name": "n-0000000004"},
    ]
    seq = {"n-0000000000": "s0-1", "n-0000000001": "s0-3", "n-0000000002": "s1-2", "n-0000000003": "s0-4",
           "n-0000000004": "s1-6"}
    h.eph = [{"session": "0x10", "kill": 3.0, "names": [["e0x10-1", "ok"], ["e0x10-2", "info"]]},
             {"session": "0x11", "kill": 6.0, "names": [["e0x11-3", "ok"]]}]
    h.heal = 5.0
    h.final = {s: {"regs": {"/reg/0": ["d", 3], "/reg/1": ["x", 1]}, "seq": dict(seq), "eph": []} for s in (1, 2, 3)}
    h.final_ref = 1
    deadline = 6.0 + SESSION_TIMEOUT + EPH_SLACK
    h.eph_polls = [[7.0, 1, ["e0x11-3"]], [7.0, 2, []], [7.0, 3, ["e0x11-3"]]] + \
        [[deadline + 0.5, s, []] for s in (1, 2, 3)]
    h.post = {w: 5.5 for w in range(WORKERS)}
    return h


class SelfTest(unittest.TestCase):
    """Every check against fabricated histories: honest ones pass, each planted anomaly is caught."""

    def lin(self, ops):
        r = check_linearizable(ops)
        self.assertFalse(r.inconclusive)
        return r.ok

    def test_lin_sequential_history_is_linearizable(self):
        self.assertTrue(self.lin([W(0, 1, "a", 1), R(2, 3, "a", 1), CAS(4, 5, 1, "b", 2), R(6, 7, "b", 2)]))

    def test_lin_stale_read(self):
        self.assertFalse(self.lin([W(0, 1, "a", 1), W(2, 3, "b", 2), R(4, 5, "a", 1)]))

    def test_lin_stale_read_concurrent_is_fine(self):
        # the read overlaps the second write: it may precede it
        self.assertTrue(self.lin([W(0, 1, "a", 1), W(2, 5, "b", 2), R(4, 6, "a", 1)]))

    def test_lin_lost_write(self):
        # an acknowledged write never visible: the final read still sees the initial value
        self.assertFalse(self.lin([W(0, 1, "a", 1), R(10, 11, INIT, 0, proc="final")]))

    def test_lin_lost_write_overwritten_version(self):
        # the value was overwritten, but the version shows a write went missing
        self.assertFalse(self.lin([W(0, 1, "a", 1), W(2, 3, "b", 2), R(10, 11, "b", 1)]))

    def test_lin_fork(self):
        # two CAS from the same version both succeed
        self.assertFalse(self.lin([R(0, 1, INIT, 0), CAS(2, 4, 0, "a", 1, proc=1), CAS(2.5, 4.5, 0, "b", 1, proc=2)]))

    def test_lin_fork_detected_by_reads(self):
        self.assertFalse(self.lin([CAS(2, 4, 0, "a", proc=1), CAS(2.5, 4.5, 0, "b", proc=2),
                                   R(5, 6, "a", 1), R(7, 8, "b", 1)]))

    def test_lin_concurrent_writes_either_order(self):
        for final in ("a", "b"):
            self.assertTrue(self.lin([W(0, 5, "a", proc=1), W(1, 4, "b", proc=2), R(6, 7, final, 2)]), final)

    def test_lin_concurrent_cas_one_wins(self):
        for winner, loser in (("a", "b"), ("b", "a")):
            ops = [CAS(0, 3, 0, winner, 1, proc=1), CAS(1, 2, 0, loser, status="fail", proc=2), R(4, 5, winner, 1)]
            self.assertTrue(self.lin(ops))

    def test_lin_badversion_when_version_matched(self):
        self.assertFalse(self.lin([CAS(0, 1, 0, "a", status="fail"), R(2, 3, INIT, 0)]))

    def test_lin_info_write_may_or_may_not_happen(self):
        self.assertTrue(self.lin([W(0, None, "x", status="info"), R(5, 6, "x", 1)]))
        self.assertTrue(self.lin([W(0, None, "x", status="info"), R(5, 6, INIT, 0)]))
        # ... even long after it was given up
        self.assertTrue(self.lin([W(0, None, "x", status="info"), R(5, 6, INIT, 0), R(7, 8, "x", 1)]))

    def test_lin_info_write_fills_a_version_gap(self):
        self.assertTrue(self.lin([W(0, None, "x", status="info"), W(1, 2, "y", 2)]))
        self.assertFalse(self.lin([W(1, 2, "y", 2)]))
        # two gaps, two indeterminate writers (either may take either), and a CAS that needs v2
        self.assertTrue(self.lin([W(0, None, "x", status="info"), W(0.5, None, "z", status="info"),
                                  CAS(3, 4, 2, "c", 3), R(5, 6, "c", 3)]))
        self.assertFalse(self.lin([W(0, None, "x", status="info"), CAS(3, 4, 2, "c", 3)]))

    def test_lin_two_writers_of_one_version(self):
        # an indeterminate write observed at v1 and an acknowledged write that returned v1
        self.assertFalse(self.lin([W(0, None, "x", status="info"), W(1, 2, "y", 1), R(3, 4, "x", 1)]))

    def test_lin_info_write_cannot_unhappen(self):
        self.assertFalse(self.lin([W(0, None, "x", status="info"), R(5, 6, "x", 1), R(7, 8, INIT, 0)]))

    def test_lin_info_write_cannot_precede_invoke(self):
        self.assertFalse(self.lin([R(0, 1, "x", 1), W(2, None, "x", status="info")]))

    def test_lin_read_of_unwritten_value(self):
        self.assertFalse(self.lin([W(0, 1, "a", 1), R(2, 3, "zz", 1)]))

    def test_lin_wrong_version_returned(self):
        self.assertFalse(self.lin([W(0, 1, "a", 5)]))

    def test_lin_larger_history(self):
        # 300 ops, 3 processes, overlapping; generated from a sequential execution: must pass
        rng = random.Random(7)
        ops, state, t = [], (INIT, 0), 0.0
        for k in range(300):
            t += 1.0
            kind = rng.choice(["read", "write", "cas", "cas_bad", "info"])
            inv, comp = t - rng.uniform(0, 0.9), t + rng.uniform(0, 0.9)     # overlap neighbours
            if kind == "read":
                ops.append(R(inv, comp, state[0], state[1], proc=k % 3))
            elif kind == "write":
                state = ("v%d" % k, state[1] + 1)
                ops.append(W(inv, comp, state[0], state[1], proc=k % 3))
            elif kind == "cas":
                ops.append(CAS(inv, comp, state[1], "v%d" % k, state[1] + 1, proc=k % 3))
                state = ("v%d" % k, state[1] + 1)
            elif kind == "cas_bad":
                ops.append(CAS(inv, comp, state[1] + 7, "v%d" % k, status="fail", proc=k % 3))
            elif rng.random() < 0.5:
                ops.append(W(inv, None, "lost%d" % k, status="info", proc=k % 3))         # never happened
            else:
                state = ("v%d" % k, state[1] + 1)                                          # happened
                ops.append(W(inv, None, state[0], status="info", proc=k % 3))
        t0 = time.monotonic()
        self.assertTrue(self.lin(ops))
        ops.append(R(t + 5, t + 6, ops[0]["value"] if ops[0]["kind"] != "read" else "nope", 999))
        self.assertFalse(self.lin(ops))
        self.assertLess(time.monotonic() - t0, 30)

    def test_minimal_anomaly_isolates_the_stale_read(self):
        noise = [R(0.1 + k, 0.2 + k, "a", 1, proc=3) for k in range(1, 6)]
        ops = [W(0, 0.5, "a", 1)] + noise + [W(10, 11, "b", 2), R(12, 13, "a", 1, proc=2), R(14, 15, "b", 2)]
        sub = minimal_anomaly(ops)
        self.assertEqual([(o["kind"], o.get("value"), o.get("result")) for o in sub],
                         [("write", "a", 1), ("write", "b", 2), ("read", None, ["a", 1])])

    def test_honest_history_passes_every_check(self):
        h = fabricated_history()
        res = run_checks(h)
        self.assertEqual({k: v for k, v in res.items() if v}, {})

    def caught(self, check, edit):
        h = fabricated_history()
        edit(h)
        res = run_checks(h)
        self.assertTrue(res[check], "check %s did not catch it: %s" % (check, res))
        return res[check]

    def test_registers_lost_write_at_final_read(self):
        def edit(h):
            h.ops[9]["result"] = [INIT, 0]                # /reg/1's acknowledged write "x" is gone
        self.caught("1_linearizable", edit)

    def test_acked_create_lost(self):
        self.caught("2_acked", lambda h: h.final[1]["seq"].pop("n-0000000002"))

    def test_acked_create_with_foreign_data(self):
        def edit(h):
            h.final[1]["seq"]["n-0000000002"] = "s0-4"
            h.final[1]["seq"].pop("n-0000000003")
        self.caught("2_acked", edit)

    def test_unissued_node_appears(self):
        self.caught("2_acked", lambda h: h.final[1]["seq"].__setitem__("n-0000000009", "ghost"))

    def test_duplicate_sequential_name(self):
        def edit(h):
            h.creates[5]["name"] = "n-0000000002"
        self.assertTrue(any("DUPLICATE" in v for v in self.caught("3_sequential", edit)))

    def test_sequential_real_time_order(self):
        def edit(h):
            # s1-6 was invoked after n-...2 was acknowledged but got a smaller number
            h.creates[5]["name"] = "n-0000000001"
            h.final[1]["seq"]["n-0000000001"] = "s1-6"
            h.final[1]["seq"]["n-0000000004"] = "s0-3"
        self.assertTrue(any("ORDER" in v for v in self.caught("3_sequential", edit)))

    def test_sequential_per_session_order(self):
        def edit(h):
            # the indeterminate s0-5 exists and got a smaller number than s0-4, in one session
            h.final[1]["seq"]["n-0000000005"] = "s0-4"
            h.final[1]["seq"]["n-0000000003"] = "s0-5"
        self.assertTrue(any("session" in v for v in self.caught("3_sequential", edit)))

    def test_ephemeral_survives_its_session(self):
        def edit(h):
            h.eph_polls[-1][2] = ["e0x10-2"]              # the indeterminate one, still on s3 after the deadline
        self.assertTrue(any("SURVIVING" in v for v in self.caught("4_ephemerals", edit)))

    def test_ephemeral_unknown(self):
        self.caught("4_ephemerals", lambda h: h.eph_polls[-2][2].append("e0x99-1"))

    def test_ephemeral_no_poll_after_deadline(self):
        self.caught("4_ephemerals", lambda h: h.eph_polls.__setitem__(slice(3, None), []))

    def test_replicas_diverged(self):
        def edit(h):
            h.final[3]["regs"]["/reg/0"] = ["b", 2]
        self.assertTrue(any("DIVERGED" in v for v in self.caught("5_replicas", edit)))

    def test_replica_with_extra_sequential_node(self):
        self.caught("5_replicas", lambda h: h.final[2]["seq"].__setitem__("n-0000000007", "s0-5"))

    def test_not_recovered(self):
        self.caught("6_recovered", lambda h: h.post.pop(2))

    def test_history_round_trips_through_json(self):
        h = fabricated_history()
        h2 = History.from_json(json.loads(json.dumps(h.to_json())))
        self.assertEqual(run_checks(h2), run_checks(h))

    # -- the partition plumbing (sockets on 127.0.0.1 only, well under 1 s)

    def test_election_greeting_rewrite(self):
        addr = b"127.0.0.1:24001"
        greeting = struct.pack(">qqi", -65536, 2, len(addr)) + addr
        rw = apache_election_rewrite(24999)
        self.assertIsNone(rw(greeting[:12]))                  # incomplete: wait for more
        self.assertIsNone(rw(greeting[:-3]))
        out = rw(greeting + b"notification")
        self.assertEqual(out, struct.pack(">qqi", -65536, 2, 15) + b"127.0.0.1:24999" + b"notification")
        old = struct.pack(">q", 2) + b"rest"                   # pre-3.5 greeting: the sid only
        self.assertEqual(rw(old), old)

    def test_proxied_views(self):
        class N:
            def __init__(self, sid):
                self.sid, self.quorum_port, self.election_port = sid, harness.free_port(), harness.free_port()
        nodes = [N(1), N(2), N(3)]
        net = PeerNetwork(nodes)
        try:
            line = "server.2=127.0.0.1:%d:%d;127.0.0.1:2181" % (nodes[1].quorum_port, nodes[1].election_port)
            self.assertEqual(net.view(2, line), line)         # a node's own line: the ports it binds
            q, e = net.ports(1, 2)
            self.assertEqual(net.view(1, line), "server.2=127.0.0.1:%d:%d;127.0.0.1:2181" % (q, e))
            self.assertEqual(net.proxies[(1, 2, "quorum")].target_port, nodes[1].quorum_port)
            self.assertEqual(net.proxies[(3, 2, "election")].target_port, nodes[1].election_port)
            self.assertEqual(len({p.port for p in net.proxies.values()}), 12)
            net.cut([(1, 2)], "refuse")
            self.assertEqual(sorted(k for k, p in net.proxies.items() if p._lsock is None),
                             [(1, 2, "election"), (1, 2, "quorum"), (2, 1, "election"), (2, 1, "quorum")])
            self.assertEqual(net.heal(), {frozenset((1, 2)): "refuse"})
            self.assertTrue(all(p._lsock is not None for p in net.proxies.values()))
        finally:
            net.close()
        self.assertTrue(all(p._lsock is None for p in net.proxies.values()))

    def test_proxy_refuse_blackhole_restore(self):
        import socket
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((LOOPBACK, harness.free_port()))
        ls.listen(16)
        conns = []

        def echo():
            while True:
                try:
                    c, _ = ls.accept()
                except OSError:
                    return
                conns.append(c)

                def serve(c=c):
                    try:
                        while True:
                            b = c.recv(100)
                            if not b:
                                break
                            c.sendall(b)
                    except OSError:
                        pass
                threading.Thread(target=serve, daemon=True).start()
        threading.Thread(target=echo, daemon=True).start()
        p = LoopbackProxy(ls.getsockname()[1])

        def connect():
            s = socket.create_connection((LOOPBACK, p.port), timeout=2)
            s.settimeout(0.4)
            return s

        def closed(s):
            s.settimeout(2)
            try:
                return s.recv(10) == b""
            except ConnectionResetError:
                return True
        try:
            a = connect()
            a.sendall(b"1")
            self.assertEqual(a.recv(10), b"1")
            p.blackhole()
            a.sendall(b"2")
            self.assertRaises(socket.timeout, a.recv, 10)      # open, silent
            b = connect()                                      # accepted, never forwarded
            b.sendall(b"x")
            self.assertRaises(socket.timeout, b.recv, 10)
            p.restore()
            a.settimeout(2)
            self.assertEqual(a.recv(10), b"2")                 # the held-up byte flows on
            self.assertTrue(closed(b))                         # the held connection is closed
            p.cut()
            self.assertTrue(closed(a))                         # both halves closed ...
            self.assertRaises(ConnectionRefusedError, connect)  # ... and new ones refused
            p.restore()
            c = connect()
            c.sendall(b"3")
            c.settimeout(2)
            self.assertEqual(c.recv(10), b"3")
            for s in (a, b, c):
                s.close()
        finally:
            p.close()
            ls.close()
            for c in conns:
                c.close()
        self.assertRaises(ConnectionRefusedError, socket.create_connection, (LOOPBACK, p.port), 1)

    def test_partitions_are_counted(self):
        h = fabricated_history()
        h.fault("partition", 2, "leader", "step 1: leader s2 | s1,s3 (blackhole) 3.0 s", shape="leader",
                cut="blackhole", pairs=[[2, 1], [2, 3]], side=[2])
        h.fault("heal_partition", None, None, "step 1")
        h.fault("partition", None, "follower", "step 2: link s2 -/- s3 (refuse) 2.0 s", shape="link",
                cut="refuse", pairs=[[2, 3]], side=[2])
        h2 = History.from_json(json.loads(json.dumps(h.to_json())))
        f = counts(h2)
        self.assertEqual((f["partition"], f["partition_leader"], f["partition_blackhole"], f["partition_link_shape"]),
                         (2, 1, 1, 1))
        self.assertIn("2 partitions (1 involving the leader, 1 black holes", figures_line(h2, run_checks(h2)))


if __name__ == "__main__":
    # Re-run the checks on saved histories: test_nemesis.py /tmp/nemesis-<config>-<seed>-*.json
    rc = 0
    for path in sys.argv[1:]:
        h = load_history(path)
        res = run_checks(h)
        print("%s: %s" % (path, figures_line(h, res)))
        for name, vs in res.items():
            for v in vs:
                print("  %s: %s" % (name, v))
                rc = 1
    sys.exit(rc)
