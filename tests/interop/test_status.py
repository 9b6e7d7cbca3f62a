"""`zkdash status` against real Apache ZooKeeper 3.8 ensembles (suite `status`).

Out-of-process: starts Apache quorum peers (tests/interop/ensemble.py) or
embedded zkdash servers, runs the zkdash binary (ZKDASH_BIN or
.build/debug/zkdash) as `zkdash status ... --timeout 1` and checks its exit
status, its JSON rounds and its human table against what the servers
themselves say (srvr, AdminServer).  ZK_TARGET does not apply: the servers are
always Apache (plus zkdash standalone servers for the last class), the
monitor is always zkdash.

The whole module is skipped when the binary has no `status` subcommand.

Contract (abridged): `zkdash status --servers H:P[@ADMIN],... | --config
zoo.cfg [--json] [--watch] [--count N] [--interval S] [--timeout S]
[--admin-port P | --no-admin]`; JSON round = {time, leader, leader_sid,
epoch, quorum, voters_up, voters_total, majority, votes{source, tally},
nodes[{server, sid, role, state, reason, refused, zxid, epoch, counter, lag,
epochs_behind, latency_ms, connections, outstanding, znodes, watches,
version, aliases, raw}]}; exit 0 = quorum with one leader (or a lone
standalone), 1 otherwise, 64 = bad flags.
"""

import datetime
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import unittest

import harness
from harness import LOOPBACK, free_port, wait_until, zkdash_bin
from ensemble import ApacheEnsemble, FakeListener, parse_srvr, NOT_SERVING

STATES = {"LOOKING", "LEADING", "FOLLOWING", "OBSERVING", "STANDALONE", "DOWN",
          "NOT SERVING", "REFUSED", "UNKNOWN"}
TOP_KEYS = {"time", "leader", "leader_sid", "epoch", "quorum", "voters_up", "voters_total",
            "majority", "votes", "nodes"}
NODE_KEYS = {"server", "sid", "role", "state", "reason", "refused", "zxid", "epoch", "counter",
             "lag", "epochs_behind", "latency_ms", "connections", "outstanding", "znodes",
             "watches", "version", "aliases", "raw"}
TIMEOUT = "1"          # --timeout for every zkdash status run
RUN_LIMIT = 40.0       # hard limit for one zkdash process (a hang fails the test)


# ---------------------------------------------------------------- running zkdash status

class StatusRun:
    def __init__(self, cmd, rc, out, err, wall):
        self.cmd, self.rc, self.out, self.err, self.wall = cmd, rc, out, err, wall
        self._rounds = None

    def describe(self, limit=3000):
        return "$ %s\nexit %s after %.2fs\n--- stdout\n%s\n--- stderr\n%s" % (
            " ".join(self.cmd), self.rc, self.wall, self.out[:limit], self.err[:limit])

    @property
    def rounds(self):
        """JSON objects on stdout: the whole text as one document, else one per line."""
        if self._rounds is None:
            text = self.out.strip()
            try:
                doc = json.loads(text)
                self._rounds = doc if isinstance(doc, list) else [doc]
            except ValueError:
                rounds = []
                for line in text.splitlines():
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        rounds.append(json.loads(line))
                    except ValueError:
                        raise AssertionError("stdout line is not JSON: %r\n%s" % (line[:300], self.describe()))
                self._rounds = rounds
        return self._rounds

    @property
    def doc(self):
        r = self.rounds
        if len(r) != 1:
            raise AssertionError("expected exactly one JSON round, got %d\n%s" % (len(r), self.describe()))
        return r[0]


def run_status(args, limit=RUN_LIMIT):
    cmd = [zkdash_bin(), "status"] + list(args)
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=limit, preexec_fn=harness._pdeathsig)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("zkdash status did not finish within %.0fs: %s\n--- stdout\n%s\n--- stderr\n%s" % (
            limit, " ".join(cmd), (e.stdout or b"").decode("utf-8", "replace")[-2000:],
            (e.stderr or b"").decode("utf-8", "replace")[-2000:]))
    return StatusRun(cmd, p.returncode, p.stdout.decode("utf-8", "replace"),
                     p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)


def status_json(servers, *extra):
    return run_status(["--servers", servers, "--json", "--timeout", TIMEOUT] + list(extra))


_has_status = None


def status_subcommand_reason():
    """None if the binary has `status`, else why the suite is skipped."""
    global _has_status
    if _has_status is None:
        b = zkdash_bin()
        if not os.access(b, os.X_OK):
            _has_status = "zkdash binary not found/executable: %s (swift build, or set ZKDASH_BIN)" % b
        else:
            try:
                p = subprocess.run([b, "status", "--help"], stdin=subprocess.DEVNULL, capture_output=True,
                                   timeout=20, preexec_fn=harness._pdeathsig)
                text = (p.stdout + p.stderr).decode("utf-8", "replace")
                if p.returncode == 0 and "--servers" in text:
                    _has_status = ""
                else:
                    _has_status = ("%s has no `status` subcommand yet (`zkdash status --help` exit %s: %s)"
                                   % (b, p.returncode, text.strip().splitlines()[0][:200] if text.strip() else ""))
            except (OSError, subprocess.TimeoutExpired) as e:
                _has_status = "cannot run %s status --help: %s" % (b, e)
    return _has_status or None


def setUpModule():
    reason = status_subcommand_reason()
    if reason:
        raise unittest.SkipTest(reason)


# ---------------------------------------------------------------- checks

def zx(v):
    """Zxid as int from '0x...' (or an int); None stays None."""
    if v is None:
        return None
    if isinstance(v, int):
        return v
    return int(str(v), 16)


def state_of(doc, server):
    return next((n["state"] for n in doc.get("nodes", []) if n.get("server") == server), None)


class StatusCase(unittest.TestCase):
    maxDiff = None

    def check_schema(self, doc, run):
        ctx = run.describe()
        self.assertIsInstance(doc, dict, ctx)
        missing = TOP_KEYS - set(doc)
        self.assertFalse(missing, "round lacks keys %s\n%s" % (sorted(missing), ctx))
        try:
            datetime.datetime.fromisoformat(str(doc["time"]).replace("Z", "+00:00"))
        except ValueError:
            self.fail("time is not ISO 8601: %r\n%s" % (doc["time"], ctx))
        self.assertIsInstance(doc["quorum"], bool, ctx)
        for k in ("voters_up", "voters_total", "majority"):
            self.assertIsInstance(doc[k], int, "%s\n%s" % (k, ctx))
        for k in ("leader_sid", "epoch"):
            self.assertTrue(doc[k] is None or isinstance(doc[k], int), "%s=%r\n%s" % (k, doc[k], ctx))
        self.assertTrue(doc["leader"] is None or isinstance(doc["leader"], str), ctx)
        self.assertIsInstance(doc["votes"], dict, ctx)
        self.assertIn(doc["votes"].get("source"), ("telemetry", "adminserver", "modes", "none"), ctx)
        self.assertIsInstance(doc["votes"].get("tally"), dict, ctx)
        self.assertIsInstance(doc["nodes"], list, ctx)
        for n in doc["nodes"]:
            missing = NODE_KEYS - set(n)
            self.assertFalse(missing, "node %r lacks keys %s\n%s" % (n.get("server"), sorted(missing), ctx))
            self.assertIn(n["state"], STATES, ctx)
            self.assertIn(n["role"], ("participant", "observer", None), ctx)
            self.assertIsInstance(n["refused"], list, ctx)
            if n["zxid"] is not None:
                self.assertRegex(n["zxid"], r"^0x[0-9a-fA-F]+$", ctx)
            if n["latency_ms"] is not None:
                self.assertEqual(set(n["latency_ms"]), {"min", "avg", "max"}, ctx)
            for k in ("sid", "epoch", "counter", "lag", "epochs_behind", "connections", "outstanding",
                      "znodes", "watches"):
                self.assertTrue(n[k] is None or isinstance(n[k], int), "%s.%s=%r\n%s" % (n["server"], k, n[k], ctx))

    def json_round(self, run, rc=None):
        if rc is not None:
            self.assertEqual(run.rc, rc, "exit status\n" + run.describe())
        self.assertGreaterEqual(run.rc, 0, "killed by a signal\n" + run.describe())
        doc = run.doc
        self.check_schema(doc, run)
        return doc

    def node(self, doc, server, run=None):
        hits = [n for n in doc["nodes"] if n["server"] == server]
        self.assertEqual(len(hits), 1, "node %s in %s\n%s" % (server, [n["server"] for n in doc["nodes"]],
                                                            run.describe() if run else json.dumps(doc)[:3000]))
        return hits[0]

    def poll(self, args, pred, timeout=15.0, what="condition"):
        """Runs `zkdash status` repeatedly until pred(run, doc) holds; returns (run, doc)."""
        deadline = time.monotonic() + timeout
        last = None
        for _ in range(1000):
            run = run_status(args)
            doc = None
            try:
                doc = run.doc
            except AssertionError:
                pass
            last = run
            if doc is not None and pred(run, doc):
                return run, doc
            if time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self.fail("zkdash status never showed %s within %.0fs; last run:\n%s" % (what, timeout, last.describe()))


def write_and_sync(ens):
    """One write through the leader, then until every live node's srvr shows the same zxid."""
    c = harness.kazoo_client(ens.leader().client_address)
    try:
        c.ensure_path("/status-test")
        c.set("/status-test", str(time.time()).encode())
    finally:
        harness.stop_kazoo(c)        # closeSession is a txn too: sync after it
    live = [n for n in ens.nodes if n.alive()]
    ok = wait_until(lambda: len({parse_srvr(n.srvr()).get("Zxid") for n in live}) == 1, timeout=10, interval=0.1)
    assert ok, {n.sid: parse_srvr(n.srvr()).get("Zxid") for n in live}


def start_ensemble(case_cls, **kw):
    kw.setdefault("client_in_server_line", True)
    ens = ApacheEnsemble(**kw)
    case_cls.addClassCleanup(ens.destroy)
    ens.start()
    return ens


# ---------------------------------------------------------------- a, b: healthy ensemble

class HealthyEnsembleTests(StatusCase):
    """3 voters, whitelist *, AdminServer on; nothing is killed here."""

    @classmethod
    def setUpClass(cls):
        cls.ens = start_ensemble(cls, voters=3, whitelist="*", admin=True)
        write_and_sync(cls.ens)

    def test_a_json_round(self):
        """a: 3 nodes, one LEADING with its srvr zxid, two FOLLOWING, quorum, exit 0, votes from AdminServer."""
        ens = self.ens
        leader = ens.leader()
        self.assertIsNotNone(leader)
        before = {n.sid: parse_srvr(n.srvr()) for n in ens.nodes}
        run = status_json(ens.servers_arg(with_admin=True))
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(len(doc["nodes"]), 3, ctx)
        self.assertEqual([n["state"] for n in doc["nodes"]].count("LEADING"), 1, ctx)
        self.assertEqual([n["state"] for n in doc["nodes"]].count("FOLLOWING"), 2, ctx)
        self.assertEqual(sorted(n["sid"] for n in doc["nodes"]), [1, 2, 3], ctx)
        self.assertIs(doc["quorum"], True, ctx)
        self.assertEqual(doc["leader"], leader.client_address, ctx)
        self.assertEqual(doc["leader_sid"], leader.sid, ctx)
        self.assertEqual((doc["voters_up"], doc["voters_total"], doc["majority"]), (3, 3, 2), ctx)
        leader_zxid = zx(before[leader.sid]["Zxid"])
        for n in ens.nodes:
            j = self.node(doc, n.client_address, run)
            srvr = before[n.sid]
            self.assertEqual(j["sid"], n.sid, ctx)
            self.assertEqual(j["role"], "participant", ctx)
            self.assertEqual(j["state"], "LEADING" if n is leader else "FOLLOWING", ctx)
            self.assertEqual(zx(j["zxid"]), zx(srvr["Zxid"]), "%s zxid vs srvr %s\n%s" % (n.client_address, srvr["Zxid"], ctx))
            self.assertEqual(j["epoch"], leader_zxid >> 32, ctx)
            self.assertEqual(j["counter"], zx(srvr["Zxid"]) & 0xFFFFFFFF, ctx)
            self.assertEqual(j["znodes"], int(srvr["Node count"]), "%s znodes\n%s" % (n.client_address, ctx))
            self.assertEqual(j["aliases"], [], ctx)
            self.assertEqual(j["refused"], [], ctx)
            self.assertIn("3.8.0", j["version"] or "", ctx)
            self.assertIsNotNone(j["latency_ms"], ctx)
            self.assertIsNotNone(j["connections"], ctx)
            self.assertIsNotNone(j["outstanding"], ctx)
            self.assertIsNotNone(j["watches"], ctx)
            if n is not leader:
                self.assertEqual(j["lag"], 0, "%s lag after a sync\n%s" % (n.client_address, ctx))
                self.assertEqual(j["epochs_behind"], 0, ctx)
            else:
                self.assertIn(j["lag"], (0, None), ctx)
        self.assertEqual(doc["epoch"], leader_zxid >> 32, ctx)
        self.assertEqual(doc["votes"]["source"], "adminserver", ctx)
        tally = doc["votes"]["tally"]
        self.assertEqual(tally.get(str(leader.sid), tally.get(leader.client_address)), 3,
                         "all three voters name sid %d\n%s" % (leader.sid, ctx))
        # the leader's zxid did not move while zkdash looked
        self.assertEqual(zx(parse_srvr(leader.srvr())["Zxid"]), leader_zxid)

    def test_a_human_table(self):
        """a: the table names every server with its state, and a summary with the leader and quorum."""
        ens = self.ens
        leader = ens.leader()
        run = run_status(["--servers", ens.servers_arg(with_admin=True), "--timeout", TIMEOUT])
        self.assertEqual(run.rc, 0, run.describe())
        lines = run.out.splitlines()
        for n in ens.nodes:
            rows = [l for l in lines if n.client_address in l]
            self.assertTrue(rows, "no row for %s\n%s" % (n.client_address, run.describe()))
            want = "LEADING" if n is leader else "FOLLOWING"
            self.assertTrue(any(want in l.upper() for l in rows),
                            "row of %s lacks %s\n%s" % (n.client_address, want, run.describe()))
        self.assertTrue(any("QUORUM" in l.upper() for l in lines), "no summary with quorum\n" + run.describe())
        self.assertTrue(any("LEADER" in l.upper() and (leader.client_address in l or re.search(r"\b%d\b" % leader.sid, l))
                            and "LEADING" not in l.upper() for l in lines),
                        "no summary line naming the leader\n" + run.describe())
        try:
            json.loads(run.out)
            self.fail("human output is JSON\n" + run.describe())
        except ValueError:
            pass

    def test_b_discovery_from_one_seed(self):
        """b: one seed (plain host:port) -> the rest of the ensemble comes from its conf."""
        ens = self.ens
        for seed in (ens.nodes[1].client_address, ens.nodes[0].admin_address):
            run = status_json(seed)
            doc = self.json_round(run, rc=0)
            got = sorted(n["server"] for n in doc["nodes"])
            self.assertEqual(got, sorted(n.client_address for n in ens.nodes), run.describe())
            self.assertEqual([n["state"] for n in doc["nodes"]].count("LEADING"), 1, run.describe())
            self.assertEqual(sorted(n["sid"] for n in doc["nodes"]), [1, 2, 3], run.describe())
            self.assertIs(doc["quorum"], True, run.describe())

    def test_b_config_file(self):
        """b: --config zoo.cfg takes members from the server.N lines (;host:clientPort)."""
        ens = self.ens
        path = os.path.join(ens.nodes[0].workdir, "status-zoo.cfg")
        ens.write_cfg_copy(path, client_in_server_line=True)
        run = run_status(["--config", path, "--json", "--timeout", TIMEOUT])
        doc = self.json_round(run, rc=0)
        self.assertEqual(sorted(n["server"] for n in doc["nodes"]), sorted(n.client_address for n in ens.nodes),
                         run.describe())
        self.assertEqual(doc["leader"], ens.leader().client_address, run.describe())
        self.assertEqual(sorted(n["sid"] for n in doc["nodes"]), [1, 2, 3], run.describe())

    def test_watch_count_rounds(self):
        """--watch --count 3 --interval 0.2: three JSON lines, increasing times, exit 0."""
        run = status_json(self.ens.servers_arg(with_admin=True), "--watch", "--count", "3", "--interval", "0.2")
        self.assertEqual(run.rc, 0, run.describe())
        lines = [l for l in run.out.splitlines() if l.strip()]
        self.assertEqual(len(lines), 3, "one JSON object per line per round\n" + run.describe())
        docs = [json.loads(l) for l in lines]
        for d in docs:
            self.check_schema(d, run)
        times = [d["time"] for d in docs]
        self.assertEqual(times, sorted(times), run.describe())
        self.assertEqual(len(set(times)), 3, "each round has its own time\n" + run.describe())


    def test_count_without_watch_is_one_round(self):
        run = status_json(self.ens.servers_arg(with_admin=True), "--count", "3")
        self.json_round(run, rc=0)

    def test_admin_port_of_another_node_is_not_trusted(self):
        """n1@<n2's AdminServer>: n2's answers must not be taken as n1's."""
        ens = self.ens
        n1, n2, n3 = ens.nodes
        servers = "%s@%d,%s,%s" % (n1.client_address, n2.admin_port, n2.admin_address, n3.admin_address)
        run = status_json(servers)
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual([self.node(doc, n.client_address, run)["sid"] for n in ens.nodes], [1, 2, 3], ctx)
        j1 = self.node(doc, n1.client_address, run)
        self.assertEqual(j1["state"], "LEADING" if ens.leader() is n1 else "FOLLOWING", ctx)
        if "admin" in j1:
            self.assertIs(j1["admin"], False, "n1 marked as using n2's AdminServer\n" + ctx)
        leader = ens.leader()
        tally = doc["votes"]["tally"]
        self.assertEqual(sum(tally.values()), 3, ctx)
        self.assertEqual(tally.get(str(leader.sid)), 3, ctx)


    def test_watch_reader_goes_away(self):
        """`zkdash status --watch ... | head -1`: when the reader closes the pipe, zkdash ends
        quietly (an exit status, or SIGPIPE) within a few seconds: no crash, no backtrace."""
        problems = []
        for fmt in (["--json"], []):
            cmd = [zkdash_bin(), "status", "--servers", self.ens.servers_arg(with_admin=True), "--watch",
                   "--interval", "0.1", "--timeout", TIMEOUT] + fmt
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 preexec_fn=harness._pdeathsig)
            self.addCleanup(lambda p=p: p.poll() is None and (p.kill(), p.wait(5)))
            first = p.stdout.readline()
            p.stdout.close()
            t0 = time.monotonic()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
                problems.append("%s: still running 10 s after its reader went away" % " ".join(fmt or ["table"]))
                continue
            err = p.stderr.read().decode("utf-8", "replace")
            ok = p.returncode in (0, 1, -signal.SIGPIPE) and "Fatal error" not in err and "crashed" not in err
            if not ok or time.monotonic() - t0 > 3:
                problems.append("%s: first line %r; exit %s after %.1fs; stderr:\n%s" % (
                    " ".join(fmt) or "table", first[:80], p.returncode, time.monotonic() - t0,
                    "\n".join(err.splitlines()[:6])))
        if problems:
            self.fail("\n\n".join(problems))


class ObserverEnsembleTests(StatusCase):
    """3 voters + 1 observer (sid 4)."""

    @classmethod
    def setUpClass(cls):
        cls.ens = start_ensemble(cls, voters=3, observers=1, whitelist="*", admin=True)
        write_and_sync(cls.ens)

    def test_observer_row(self):
        ens = self.ens
        obs = ens.observers[0]
        run = status_json(ens.servers_arg(with_admin=True))
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        j = self.node(doc, obs.client_address, run)
        self.assertEqual((j["state"], j["role"], j["sid"]), ("OBSERVING", "observer", 4), ctx)
        self.assertEqual((doc["voters_up"], doc["voters_total"], doc["majority"]), (3, 3, 2), ctx)
        self.assertEqual(doc["leader"], ens.leader().client_address, ctx)
        self.assertEqual(j["lag"], 0, ctx)

    def test_observer_discovered(self):
        ens = self.ens
        run = status_json(ens.nodes[0].client_address)
        doc = self.json_round(run, rc=0)
        self.assertEqual(sorted(n["server"] for n in doc["nodes"]), sorted(n.client_address for n in ens.nodes),
                         run.describe())
        self.assertEqual(self.node(doc, ens.observers[0].client_address, run)["state"], "OBSERVING", run.describe())


class PlainLinesTests(StatusCase):
    """One node per loopback address (127.0.0.1-3), one shared clientPort and
    AdminServer port, plain `server.N=host:qp:ep` lines: the usual production
    layout, where the client address is the server's host + clientPort."""

    @classmethod
    def setUpClass(cls):
        cls.ens = start_ensemble(cls, voters=3, whitelist="*", admin=True, client_in_server_line=False,
                                 distinct_hosts=True)
        write_and_sync(cls.ens)

    def check(self, run):
        ens = self.ens
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(sorted(n["server"] for n in doc["nodes"]), sorted(n.client_address for n in ens.nodes), ctx)
        self.assertEqual(sorted(n["sid"] for n in doc["nodes"]), [1, 2, 3], ctx)
        self.assertEqual(doc["leader"], ens.leader().client_address, ctx)
        self.assertIs(doc["quorum"], True, ctx)
        return doc

    def test_b_config_plain_lines(self):
        """--config: host of each server.N line + clientPort; admin.serverPort applies to every member."""
        ens = self.ens
        path = ens.write_cfg_copy(os.path.join(ens.nodes[0].workdir, "plain-zoo.cfg"), client_in_server_line=False)
        run = run_status(["--config", path, "--json", "--timeout", TIMEOUT])
        doc = self.check(run)
        self.assertEqual(doc["votes"]["source"], "adminserver", run.describe())

    def test_b_discovery_plain_lines(self):
        """one seed: plain server lines -> each member at its host + the seed's client port."""
        ens = self.ens
        self.check(status_json(ens.nodes[1].client_address))


class PlainLinesOneHostTests(StatusCase):
    """Plain server.N lines with every node on 127.0.0.1 (distinct client ports):
    a seed's conf cannot give the others' client ports."""

    @classmethod
    def setUpClass(cls):
        cls.ens = start_ensemble(cls, voters=3, whitelist="*", admin=False, client_in_server_line=False)

    def test_b_discovery_plain_lines_one_host_not_merged(self):
        """The members the seed's conf names keep their own rows (sids 1..3); they are not
        folded into the seed's row, and a healthy ensemble is not reported as having no leader."""
        ens = self.ens
        seed = ens.nodes[0]
        run = status_json(seed.client_address)
        self.assertGreaterEqual(run.rc, 0, run.describe())
        doc = run.doc
        self.check_schema(doc, run)
        ctx = run.describe()
        self.assertEqual(self.node(doc, seed.client_address, run)["sid"], seed.sid, ctx)
        self.assertEqual(sorted(n["sid"] for n in doc["nodes"] if n["sid"] is not None),
                         [1, 2, 3], "one row per server.N line\n" + ctx)

    def test_b_plain_lines_one_host_all_listed(self):
        """Given all three explicitly, plain lines are no obstacle."""
        ens = self.ens
        run = status_json(ens.servers_arg(with_admin=False))
        doc = self.json_round(run, rc=0)
        self.assertEqual(doc["leader"], ens.leader().client_address, run.describe())
        self.assertEqual(sorted(n["sid"] for n in doc["nodes"]), [1, 2, 3], run.describe())


class OneRowPerNodeTests(StatusCase):
    """Issue 13 item 1: one node is one row whatever name reaches it. Plain server.N
    lines (no client port), every node on 127.0.0.1 with its own client port, the
    client port bound to the wildcard so ::1 reaches it too (an IPv6-capable JVM)."""

    @classmethod
    def setUpClass(cls):
        import ensemble as ens_mod
        flags = [f for f in ens_mod.APACHE_JVM_FLAGS if "preferIPv4Stack" not in f]
        cls.ens = start_ensemble(cls, voters=3, whitelist="*", admin=False, client_in_server_line=False,
                                 wildcard_client=True, jvm_flags=flags)

    def check_rows(self, run, seed):
        doc = run.doc
        self.check_schema(doc, run)
        ctx = run.describe()
        sids = sorted(n["sid"] for n in doc["nodes"] if n["sid"] is not None)
        self.assertEqual(sids, [1, 2, 3], "one row per sid, none twice\n" + ctx)
        self.assertEqual(len(doc["nodes"]), 3, "no row without a sid\n" + ctx)
        leading = [n for n in doc["nodes"] if n["state"] == "LEADING"]
        self.assertLessEqual(len(leading), 1, "one process is one leader\n" + ctx)
        self.assertNotIn("say LEADING", doc["problem"] or "", ctx)
        own = [n for n in doc["nodes"] if n["sid"] == seed.sid]
        self.assertEqual(own[0]["state"], "LEADING" if seed is self.ens.leader() else "FOLLOWING", ctx)
        for n in doc["nodes"]:
            if n["sid"] != seed.sid:
                # The others' client ports are unknown: their rows say so, never s<seed>'s figures.
                self.assertEqual(n["state"], "UNKNOWN", ctx)
                self.assertRegex(n["reason"] or "", r"client (port|address) unknown|answers as", ctx)
                self.assertIsNone(n["zxid"], ctx)

    def test_a_seed_by_any_name(self):
        ens = self.ens
        for seed in (ens.leader(), ens.followers()[0]):
            for host in ("[::1]", "localhost", LOOPBACK):
                run = status_json("%s:%d" % (host, seed.client_port))
                self.check_rows(run, seed)

    def test_b_three_names_for_one_node(self):
        ens = self.ens
        first = ens.nodes[0]
        names = ["[::1]:%d" % first.client_port, "localhost:%d" % first.client_port, first.client_address]
        run = status_json(",".join(names + [n.client_address for n in ens.nodes[1:]]))
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(sorted(n["sid"] for n in doc["nodes"]), [1, 2, 3], ctx)
        row = [n for n in doc["nodes"] if n["sid"] == first.sid][0]
        self.assertEqual(sorted([row["server"]] + row["aliases"]), sorted(names), ctx)
        self.assertIs(doc["quorum"], True, ctx)


class TwoLeadersTests(StatusCase):
    """Leaders of two different ensembles listed together."""

    @classmethod
    def setUpClass(cls):
        cls.a = start_ensemble(cls, voters=3, whitelist="*", admin=False)
        cls.b = start_ensemble(cls, voters=3, whitelist="*", admin=False)

    def test_two_leaders_not_healthy(self):
        la, lb = self.a.leader(), self.b.leader()
        run = status_json("%s,%s" % (la.client_address, lb.client_address))
        doc = self.json_round(run, rc=1)
        ctx = run.describe()
        self.assertEqual([n["state"] for n in doc["nodes"]], ["LEADING", "LEADING"], ctx)
        self.assertIs(doc["quorum"], False, ctx)


# ---------------------------------------------------------------- c: default whitelist

class DefaultWhitelistTests(StatusCase):
    """c: 4lw.commands.whitelist omitted (srvr only), AdminServer off."""

    @classmethod
    def setUpClass(cls):
        cls.ens = start_ensemble(cls, voters=3, whitelist=None, admin=False)

    def check(self, run):
        ens = self.ens
        leader = ens.leader()
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(len(doc["nodes"]), 3, ctx)
        for n in ens.nodes:
            j = self.node(doc, n.client_address, run)
            self.assertEqual(j["state"], "LEADING" if n is leader else "FOLLOWING", ctx)
            self.assertIn("mntr", j["refused"], ctx)
            self.assertIn("conf", j["refused"], ctx)
            self.assertNotIn("srvr", j["refused"], ctx)
            self.assertEqual(zx(j["zxid"]) is not None, True, ctx)
            self.assertEqual(j["znodes"], int(parse_srvr(n.srvr())["Node count"]), ctx)
        self.assertIs(doc["quorum"], True, ctx)
        self.assertEqual(doc["leader"], leader.client_address, ctx)
        self.assertEqual(doc["votes"]["source"], "modes", ctx)
        self.assertEqual((doc["voters_up"], doc["voters_total"]), (3, 3), ctx)
        return doc

    def test_c_default_whitelist(self):
        self.check(status_json(self.ens.servers_arg(with_admin=False)))

    def test_c_default_whitelist_no_admin(self):
        self.check(status_json(self.ens.servers_arg(with_admin=False), "--no-admin"))

    def test_c_refused_stays_listed_in_watch(self):
        """--watch: a word the node refuses stays in `refused` in every round (zkdash stops
        asking it for a while, but the node still refuses it)."""
        ens = self.ens
        run = status_json(ens.servers_arg(with_admin=False), "--watch", "--count", "4", "--interval", "0.2")
        self.assertEqual(run.rc, 0, run.describe())
        rounds = run.rounds
        self.assertEqual(len(rounds), 4, run.describe())
        table = [[sorted(n["refused"]) for n in d["nodes"]] for d in rounds]
        for i, d in enumerate(rounds):
            for n in d["nodes"]:
                self.assertTrue({"mntr", "conf"} <= set(n["refused"]),
                                "round %d, %s: refused=%r; per round: %s\n%s" % (
                                    i + 1, n["server"], n["refused"], table, run.describe(1500)))

    def test_c_default_whitelist_table(self):
        run = run_status(["--servers", self.ens.servers_arg(with_admin=False), "--timeout", TIMEOUT])
        self.assertEqual(run.rc, 0, run.describe())
        for n in self.ens.nodes:
            self.assertIn(n.client_address, run.out, run.describe())


# ---------------------------------------------------------------- d: leader killed

class LeaderKillTests(StatusCase):
    """d: kill -9 the leader of a fresh 3-voter ensemble (one ensemble per test)."""

    def setUp(self):
        self.ens = ApacheEnsemble(voters=3, whitelist="*", admin=True, client_in_server_line=True)
        self.addCleanup(self.ens.destroy)
        self.ens.start()
        write_and_sync(self.ens)

    def test_d_leader_killed_polling(self):
        ens = self.ens
        old = ens.leader()
        servers = ens.servers_arg(with_admin=True)
        run = status_json(servers)
        doc = self.json_round(run, rc=0)
        self.assertEqual(doc["leader"], old.client_address, run.describe())
        old_epoch = zx(parse_srvr(old.srvr())["Zxid"]) >> 32
        old.kill()

        def converged(run, doc):
            try:
                j = self.node(doc, old.client_address)
            except AssertionError:
                return False
            leaders = [n for n in doc["nodes"] if n["state"] == "LEADING"]
            return j["state"] == "DOWN" and len(leaders) == 1 and doc["quorum"] is True
        run, doc = self.poll(["--servers", servers, "--json", "--timeout", TIMEOUT], converged,
                             timeout=15, what="old leader DOWN + a new leader + quorum")
        self.check_schema(doc, run)
        ctx = run.describe()
        j = self.node(doc, old.client_address, run)
        self.assertRegex(j["reason"] or "", r"(?i)refused|connect", ctx)
        new = ens.wait_for_leader(timeout=10)
        self.assertIsNot(new, old)
        self.assertEqual(doc["leader"], new.client_address, ctx)
        self.assertEqual(doc["leader_sid"], new.sid, ctx)
        self.assertEqual((doc["voters_up"], doc["voters_total"], doc["majority"]), (2, 3, 2), ctx)
        self.assertEqual(run.rc, 0, ctx)
        self.assertEqual(doc["epoch"], zx(parse_srvr(new.srvr())["Zxid"]) >> 32, ctx)
        self.assertGreater(doc["epoch"], old_epoch, "a new leader starts a new epoch\n" + ctx)
        for n in ens.nodes:
            if n is old:
                continue
            self.assertEqual(self.node(doc, n.client_address, run)["state"],
                             "LEADING" if n is new else "FOLLOWING", ctx)

    def test_d_leader_killed_watch(self):
        """--watch --count N --interval 0.5 --json: successive lines show the old leader
        LEADING, then DOWN, and another node LEADING."""
        ens = self.ens
        old = ens.leader()
        count = 24
        cmd = [zkdash_bin(), "status", "--servers", ens.servers_arg(with_admin=True), "--json", "--watch",
               "--count", str(count), "--interval", "0.5", "--timeout", TIMEOUT]
        lines, err_chunks = [], []
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=harness._pdeathsig)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait(5)))

        def reader():
            for raw in p.stdout:
                lines.append((time.monotonic() - t0, raw.decode("utf-8", "replace")))

        def err_reader():
            err_chunks.append(p.stderr.read().decode("utf-8", "replace"))
        th = threading.Thread(target=reader, daemon=True)
        te = threading.Thread(target=err_reader, daemon=True)
        th.start()
        te.start()
        first_seen = wait_until(lambda: len(lines) >= 1, timeout=8, interval=0.05)
        killed_at = time.monotonic() - t0
        old.kill()
        try:
            rc = p.wait(count * 0.5 + 25)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
            rc = "timeout"
        th.join(5)
        te.join(5)
        text = "".join(l for _, l in lines)
        ctx = "$ %s\nexit %s\n--- stdout (%d lines)\n%s\n--- stderr\n%s" % (
            " ".join(cmd), rc, len(lines), text[-4000:], "".join(err_chunks)[-2000:])
        self.assertNotEqual(rc, "timeout", "did not stop after --count %d\n%s" % (count, ctx))
        self.assertGreaterEqual(rc, 0, ctx)
        docs = []
        for _, l in lines:
            if l.strip():
                try:
                    docs.append(json.loads(l))
                except ValueError:
                    self.fail("not a JSON line: %r\n%s" % (l[:200], ctx))
        self.assertEqual(len(docs), count, "one JSON line per round\n" + ctx)
        self.assertTrue(first_seen, "first round not written within 8 s (stdout not flushed per round?)\n" + ctx)
        for d in docs:
            run = StatusRun(cmd, rc, text, "", 0)
            self.check_schema(d, run)
        states = [next((n["state"] for n in d["nodes"] if n["server"] == old.client_address), None) for d in docs]
        self.assertEqual(states[0], "LEADING", ctx)
        self.assertIn("DOWN", states, ctx)
        first_down = states.index("DOWN")
        self.assertTrue(all(s == "DOWN" for s in states[first_down:]), "old leader stays DOWN: %s\n%s" % (states, ctx))
        last = docs[-1]
        new_leaders = [n for n in last["nodes"] if n["state"] == "LEADING"]
        self.assertEqual(len(new_leaders), 1, ctx)
        self.assertNotEqual(new_leaders[0]["server"], old.client_address, ctx)
        self.assertIs(last["quorum"], True, ctx)
        self.assertEqual(last["leader"], new_leaders[0]["server"], ctx)
        self.assertEqual(docs[0]["leader"], old.client_address, ctx)
        times = [d["time"] for d in docs]
        self.assertEqual(times, sorted(times), ctx)
        # events: each round carries the events since the previous one
        events = [(i, e) for i, d in enumerate(docs) for e in (d.get("events") or [])]
        self.assertIn("events", docs[0], "no events key in --watch rounds\n" + ctx)
        after = [e for i, e in events if i >= first_down]
        down_events = [e for e in after if e.get("kind") == "state" and "DOWN" in e.get("text", "")
                       and re.search(r"\bs%d\b" % old.sid, e.get("text", ""))]
        self.assertTrue(down_events, "no state event for s%d going DOWN in the rounds after the kill: %s\n%s"
                        % (old.sid, after, ctx))
        self.assertEqual(len(down_events), 1, "the DOWN transition is reported once: %s" % down_events)
        new_sid = new_leaders[0]["sid"]
        self.assertTrue(any(re.search(r"\bs%d\b" % new_sid, e.get("text", "")) and e.get("kind") in ("election", "state", "quorum")
                            for e in after), "no event names the new leader s%s: %s\n%s" % (new_sid, after, ctx))
        for i, e in events:
            self.assertEqual(set(e) >= {"time", "kind", "text"}, True, "event %r\n%s" % (e, ctx))
        # the rounds were written as they happened, not all at exit
        arrivals = [t for t, l in lines if l.strip()]
        self.assertLess(arrivals[0], killed_at + 1.0, "first line arrived at %.1fs, only at exit?\n%s" % (arrivals[0], ctx))
        self.assertEqual(rc, 0, "last round has a quorum with one leader\n" + ctx)


    def test_d_leader_killed_watch_table(self):
        """--watch (table): the event lines under the table name the transition."""
        ens = self.ens
        old = ens.leader()
        cmd = [zkdash_bin(), "status", "--servers", ens.servers_arg(with_admin=True), "--watch",
               "--count", "16", "--interval", "0.5", "--timeout", TIMEOUT]
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=harness._pdeathsig)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait(5)))
        time.sleep(1.2)
        old.kill()
        try:
            out, err = p.communicate(timeout=16 * 0.5 + 25)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            self.fail("did not stop after --count 16: %s" % out[-3000:])
        text = out.decode("utf-8", "replace")
        ctx = "$ %s\nexit %s\n--- stdout\n%s\n--- stderr\n%s" % (" ".join(cmd), p.returncode, text[-5000:],
                                                                err.decode("utf-8", "replace")[-1500:])
        self.assertRegex(text, r"\bs%d\s+LEADING\s*(\u2192|->)\s*DOWN" % old.sid, ctx)
        self.assertIn(old.client_address, text, ctx)
        self.assertEqual(p.returncode, 0, ctx)

    def test_d_follower_hung(self):
        """SIGSTOP a follower (a hung JVM: the port accepts, nothing answers): DOWN with a
        timeout reason, quorum kept 2/3, the round still bounded by --timeout; SIGCONT: back."""
        ens = self.ens
        f = sorted(ens.followers(), key=lambda n: n.sid)[0]
        os.kill(f.proc.pid, signal.SIGSTOP)
        self.addCleanup(lambda: f.alive() and os.kill(f.proc.pid, signal.SIGCONT))
        servers = ens.servers_arg(with_admin=True)
        run = status_json(servers)
        ctx = run.describe()
        self.assertLess(run.wall, float(TIMEOUT) * 3 + 2, ctx)
        doc = self.json_round(run, rc=0)
        j = self.node(doc, f.client_address, run)
        self.assertEqual(j["state"], "DOWN", ctx)
        self.assertRegex(j["reason"] or "", r"(?i)time|no answer|within", ctx)
        self.assertIs(doc["quorum"], True, ctx)
        self.assertEqual(doc["voters_up"], 2, ctx)
        os.kill(f.proc.pid, signal.SIGCONT)
        self.poll(["--servers", servers, "--json", "--timeout", TIMEOUT],
                  lambda run, doc: state_of(doc, f.client_address) == "FOLLOWING" and doc["voters_up"] == 3,
                  timeout=20, what="the resumed follower FOLLOWING again")

    def test_d_old_leader_rejoins(self):
        """kill -9 the leader, then start it again: it comes back FOLLOWING, 3 voters up, lag 0."""
        ens = self.ens
        old = ens.leader()
        old.kill()
        ens.wait_for_leader(timeout=20, exclude=(old,))
        old.start()
        new = ens.wait_for_leader(timeout=30)
        ens.warm_admin()
        write_and_sync(ens)
        servers = ens.servers_arg(with_admin=True)

        def back(run, doc):
            try:
                return (self.node(doc, old.client_address)["state"] == "FOLLOWING" and doc["voters_up"] == 3
                        and doc["quorum"] is True)
            except AssertionError:
                return False
        run, doc = self.poll(["--servers", servers, "--json", "--timeout", TIMEOUT], back, timeout=15,
                             what="old leader back as FOLLOWING")
        ctx = run.describe()
        self.assertEqual(run.rc, 0, ctx)
        self.assertEqual(doc["leader"], new.client_address, ctx)
        j = self.node(doc, old.client_address, run)
        self.assertEqual((j["lag"], j["epochs_behind"], j["sid"]), (0, 0, old.sid), ctx)
        self.assertEqual(j["refused"], [], ctx)


# ---------------------------------------------------------------- e: quorum lost

class QuorumLossTests(StatusCase):
    """e: kill two of three voters."""

    @classmethod
    def setUpClass(cls):
        cls.ens = start_ensemble(cls, voters=3, whitelist="*", admin=True)

    def test_e_two_of_three_killed(self):
        ens = self.ens
        survivor = sorted(ens.followers(), key=lambda n: n.sid)[0]
        for n in ens.nodes:
            if n is not survivor:
                n.kill()
        self.assertTrue(wait_until(lambda: NOT_SERVING in (survivor.srvr() or ""), timeout=20, interval=0.2),
                        "survivor still serving: %r" % survivor.srvr())
        servers = ens.servers_arg(with_admin=True)

        def lost(run, doc):
            try:
                return self.node(doc, survivor.client_address)["state"] in ("LOOKING", "NOT SERVING")
            except AssertionError:
                return False
        run, doc = self.poll(["--servers", servers, "--json", "--timeout", TIMEOUT], lost, timeout=15,
                             what="survivor LOOKING/NOT SERVING")
        self.check_schema(doc, run)
        ctx = run.describe()
        self.assertEqual(run.rc, 1, ctx)
        self.assertIs(doc["quorum"], False, ctx)
        self.assertIsNone(doc["leader"], ctx)
        self.assertIsNone(doc["leader_sid"], ctx)
        self.assertLessEqual(doc["voters_up"], 1, ctx)
        self.assertEqual(doc["voters_total"], 3, ctx)
        for n in ens.nodes:
            if n is survivor:
                continue
            j = self.node(doc, n.client_address, run)
            self.assertEqual(j["state"], "DOWN", ctx)
            self.assertRegex(j["reason"] or "", r"(?i)refused", ctx)
        self.assertNotIn("LEADING", [n["state"] for n in doc["nodes"]], ctx)
        # the human table says so too, with exit 1
        run2 = run_status(["--servers", servers, "--timeout", TIMEOUT])
        self.assertEqual(run2.rc, 1, run2.describe())
        self.assertIn(survivor.client_address, run2.out, run2.describe())
        self.assertRegex(run2.out.upper(), r"LOOKING|NOT SERVING", run2.describe())


# ---------------------------------------------------------------- f: bad input

def closed_port_v4_v6():
    """A port closed on both 127.0.0.1 and ::1."""
    for _ in range(50):
        p = free_port()
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.settimeout(0.5)
        try:
            if s.connect_ex(("::1", p)) != 0:
                return p
        finally:
            s.close()
    raise RuntimeError("no closed port on ::1")


class BadInputTests(StatusCase):
    """f: unreachable, unresolvable, silent, garbage and duplicate entries in one command; bad flags."""

    @classmethod
    def setUpClass(cls):
        cls.ens = start_ensemble(cls, voters=1, standalone=True, whitelist="*", admin=True,
                                 client_in_server_line=False)
        cls.real = cls.ens.nodes[0]

    def test_f_standalone_apache_healthy(self):
        run = status_json(self.real.client_address)
        doc = self.json_round(run, rc=0)
        j = self.node(doc, self.real.client_address, run)
        self.assertEqual(j["state"], "STANDALONE", run.describe())
        self.assertEqual(doc["leader"], self.real.client_address, run.describe())
        self.assertIs(doc["quorum"], True, run.describe())

    def test_f_bad_entries_in_one_command(self):
        closed = closed_port_v4_v6()
        closed6 = closed_port_v4_v6()
        silent = FakeListener(reply=None)
        self.addCleanup(silent.close)
        garbage = FakeListener(reply=b"hello\n")
        self.addCleanup(garbage.close)
        empty = FakeListener(reply=b"")
        self.addCleanup(empty.close)
        real = self.real.client_address
        entries = ["%s:%d" % (LOOPBACK, closed), "no-such-node.invalid:2181", "[::1]:%d" % closed6,
                   silent.address, garbage.address, empty.address, real, real]
        run = run_status(["--servers", ",".join(entries), "--json", "--timeout", TIMEOUT])
        ctx = run.describe()
        self.assertIn(run.rc, (0, 1), "exit 0 or 1, never a signal or a usage error\n" + ctx)
        self.assertLess(run.wall, float(TIMEOUT) * 3 + 2, "took %.1fs with a silent listener\n%s" % (run.wall, ctx))
        doc = self.json_round(run)
        self.assertEqual(len(doc["nodes"]), len(entries) - 1, "one row per node: the real one is listed twice\n" + ctx)
        by = {}
        for n in doc["nodes"]:
            by.setdefault(n["server"], []).append(n)

        def one(server_pred, label):
            hits = [n for n in doc["nodes"] if server_pred(n["server"])]
            self.assertEqual(len(hits), 1, "%s row\n%s" % (label, ctx))
            return hits[0]
        n = one(lambda s: s == "%s:%d" % (LOOPBACK, closed), "closed port")
        self.assertEqual(n["state"], "DOWN", ctx)
        self.assertRegex(n["reason"] or "", r"(?i)refused", ctx)
        n = one(lambda s: s.startswith("no-such-node.invalid"), ".invalid name")
        self.assertEqual(n["state"], "DOWN", ctx)
        self.assertRegex(n["reason"] or "", r"(?i)resolv", ctx)
        n = one(lambda s: "::1" in s, "IPv6 closed port")
        self.assertEqual(n["state"], "DOWN", ctx)
        self.assertRegex(n["reason"] or "", r"(?i)refused", ctx)
        self.assertIn(str(closed6), n["server"], ctx)
        n = one(lambda s: s == silent.address, "silent listener")
        self.assertEqual(n["state"], "DOWN", ctx)
        self.assertRegex(n["reason"] or "", r"(?i)time|no answer|within", ctx)
        n = one(lambda s: s == garbage.address, "garbage listener")
        self.assertEqual(n["state"], "UNKNOWN", ctx)
        self.assertIn("hello", n["raw"] or "", ctx)
        n = one(lambda s: s == empty.address, "listener closing without a byte")
        self.assertEqual(n["state"], "UNKNOWN", ctx)
        reals = by.get(real, [])
        self.assertEqual(len(reals), 1, "%s given twice is one row\n%s" % (real, ctx))
        self.assertEqual(reals[0]["aliases"], [real], ctx)
        self.assertEqual(reals[0]["state"], "STANDALONE", ctx)
        for n in doc["nodes"]:
            if n["server"] not in (real, garbage.address, empty.address):
                self.assertIsNotNone(n["reason"], "DOWN rows say why\n" + ctx)

    def test_f_config_standalone_apache(self):
        """--config of a standalone zoo.cfg (no server.N lines): the one server at clientPortAddress:clientPort."""
        run = run_status(["--config", self.real.cfg_path, "--json", "--timeout", TIMEOUT])
        doc = self.json_round(run, rc=0)
        self.assertEqual([n["server"] for n in doc["nodes"]], [self.real.client_address], run.describe())
        self.assertEqual(doc["nodes"][0]["state"], "STANDALONE", run.describe())

    def test_f_config_missing_file(self):
        run = run_status(["--config", os.path.join(self.real.workdir, "no-such.cfg"), "--json"], limit=20)
        self.assertIn(run.rc, (1, 64), run.describe())
        self.assertTrue(run.err.strip(), run.describe())

    def test_f_bad_flags_are_named(self):
        """Each refusal names what is wrong (issue 13 item 2): an unknown flag is
        named even with no --servers; a negative number is a value, refused by
        name; an unreadable --config says why; the usage is the subcommand's."""
        real = self.real.client_address
        missing = os.path.join(self.real.workdir, "no-such.cfg")
        cases = [
            (["status", "--bogus"], ["Unknown option '--bogus'"]),
            (["monitor", "--bogus"], ["Unknown option '--bogus'"]),
            (["status", "--servers", real, "--timeout", "-1"], ["--timeout must be between"]),
            (["status", "--servers", real, "--watch", "--count", "-1"], ["--count must be at least 1"]),
            (["status", "--config", missing], ["cannot read %s: No such file or directory" % missing, "Usage: zkdash status"]),
            (["status"], ["give --servers", "Usage: zkdash status"]),
        ]
        problems = []
        for args, wanted in cases:
            p = subprocess.run([zkdash_bin()] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=20, preexec_fn=harness._pdeathsig)
            err = p.stderr.decode("utf-8", "replace")
            if p.returncode != 64:
                problems.append("%s: exit %d, expected 64\n%s" % (" ".join(args), p.returncode, err))
            for text in wanted:
                if text not in err:
                    problems.append("%s: stderr lacks %r\n%s" % (" ".join(args), text, err))
            if "Missing value" in err:
                problems.append("%s: a number was taken for a flag\n%s" % (" ".join(args), err))
        if problems:
            self.fail("\n\n".join(problems))

    def bad_flags(self, args, label):
        run = run_status(args, limit=20)
        self.assertEqual(run.rc, 64, "%s: exit 64\n%s" % (label, run.describe()))
        self.assertTrue(run.err.strip(), "%s: usage message on stderr\n%s" % (label, run.describe()))
        return run

    def test_f_bad_flags(self):
        real = self.real.client_address
        cfg = os.path.join(self.real.workdir, "zoo.cfg")
        cases = [
            (["--servers", ""], "--servers ''"),
            (["--servers", "127.0.0.1:notaport"], "--servers host:notaport"),
            (["--servers", real, "--interval", "-1"], "--interval -1"),
            (["--servers", real, "--config", cfg], "--servers and --config"),
            ([], "neither --servers nor --config"),
            (["--servers", "127.0.0.1:70000"], "port out of range"),
            (["--servers", real, "--admin-port", "8080", "--no-admin"], "--admin-port with --no-admin"),
            (["--servers", "::1:2181"], "IPv6 without brackets"),
            (["--servers", "%s,,%s" % (real, real)], "empty entry"),
            (["--servers", real, "--timeout", "-1"], "--timeout -1"),
            (["--servers", real, "--bogus"], "unknown flag"),
        ]
        problems = []
        for args, label in cases:
            try:
                self.bad_flags(args, label)
            except AssertionError as e:
                problems.append(str(e))
        if problems:
            self.fail("\n\n".join(problems))


# ---------------------------------------------------------------- g: zkdash standalone servers

class ZkdashStandaloneTests(StatusCase):
    """g: embedded zkdash servers (standalone: no replication yet)."""

    @classmethod
    def setUpClass(cls):
        cls.servers = []
        for i in range(3):
            s = harness.ZkServer("zkdash", name="status-zkdash-%d" % i, whitelist="*")
            cls.addClassCleanup(s.destroy)
            s.start()
            cls.servers.append(s)

    def test_g_single_zkdash_standalone(self):
        s = self.servers[0]
        run = status_json(s.hosts)
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(len(doc["nodes"]), 1, ctx)
        j = doc["nodes"][0]
        self.assertEqual(j["state"], "STANDALONE", ctx)
        self.assertEqual(doc["leader"], s.hosts, ctx)
        self.assertIs(doc["quorum"], True, ctx)
        srvr = parse_srvr(s.four("srvr"))
        self.assertEqual(zx(j["zxid"]), zx(srvr["Zxid"]), ctx)
        self.assertEqual(j["znodes"], int(srvr["Node count"]), ctx)

    def test_g_three_zkdash_standalones_are_not_an_ensemble(self):
        run = status_json(",".join(s.hosts for s in self.servers))
        doc = self.json_round(run, rc=1)
        ctx = run.describe()
        self.assertEqual([n["state"] for n in doc["nodes"]], ["STANDALONE"] * 3, ctx)
        self.assertIs(doc["quorum"], False, ctx)
        self.assertIsNone(doc["leader"], ctx)

    def test_g_zkdash_standalone_ipv6(self):
        """a zkdash server on [::1]: --servers [::1]:port -> STANDALONE."""
        s = harness.ZkServer("zkdash", name="status-zkdash-v6", whitelist="*", cfg={"clientPortAddress": "::1"})
        s.ready_probe = lambda: "Mode:" in (harness.four_letter(s.port, "srvr", 1.0, host="::1") or "")
        self.addCleanup(s.destroy)
        s.start()
        addr = "[::1]:%d" % s.port
        run = status_json(addr)
        doc = self.json_round(run, rc=0)
        self.assertEqual([(n["server"], n["state"]) for n in doc["nodes"]], [(addr, "STANDALONE")], run.describe())
        self.assertEqual(doc["leader"], addr, run.describe())

    def test_g_zkdash_standalone_killed(self):
        s = harness.ZkServer("zkdash", name="status-zkdash-killed", whitelist="*")
        self.addCleanup(s.destroy)
        s.start()
        run = status_json(s.hosts)
        self.json_round(run, rc=0)
        s.kill9()
        run = status_json(s.hosts)
        doc = self.json_round(run, rc=1)
        j = doc["nodes"][0]
        self.assertEqual(j["state"], "DOWN", run.describe())
        self.assertRegex(j["reason"] or "", r"(?i)refused", run.describe())
        self.assertIs(doc["quorum"], False, run.describe())
        self.assertIsNone(doc["leader"], run.describe())


if __name__ == "__main__":
    harness.install_signal_handlers()
    unittest.main()
