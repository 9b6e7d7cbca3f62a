"""Replicated zkdash ensembles on real processes (suite `ensemble`).

Every test starts its own quorum of `zkdash server --config zoo.cfg`
processes (ensemble.ZkdashEnsemble: tickTime 200 ms, initLimit 10, syncLimit
5, loopback ports from harness.free_port()), drives it with kazoo and the
four-letter words, kills (SIGKILL), pauses (SIGSTOP) and restarts nodes, and
asserts what a user sees: srvr's Mode line, the not-serving answer, kazoo
reads and writes on each server, and that no acknowledged write is ever lost.

ZK_TARGET does not apply.  ZK_ENSEMBLE=apache runs the same tests on Apache
3.8 quorum peers (ensemble.ApacheEnsemble) to prove the tests themselves;
the default is zkdash.  The last two classes run the whole kazoo suite
(test_kazoo.KazooTests) through a 3-voter + 1-observer ensemble: once with
the voters' connect string, once with the observer alone.

Known server bugs are kept as strict expected failures (`known_bug`): the
runner reports them as PASS (expected failure) and as FAIL once they pass.
"""

import os
import shutil
import socket
import struct
import sys
import threading
import time
import unittest

import harness
import zkwire
from harness import wait_until
from ensemble import ApacheEnsemble, ZkdashEnsemble, NoReplication, NOT_SERVING, parse_srvr
import test_kazoo


ENSEMBLE = os.environ.get("ZK_ENSEMBLE", "zkdash").strip().lower()
if ENSEMBLE not in ("zkdash", "apache"):
    raise SystemExit("ZK_ENSEMBLE must be zkdash or apache (got %r)" % ENSEMBLE)

TICK_MS = 200
SYNC_LIMIT = 5
# Seconds from a failure (kill -9 / SIGSTOP of the leader) to a new leader
# with every live voter following it.  Apache needs ~1-3 s with tickTime 200.
ELECTION_BOUND = float(os.environ.get("ZK_ELECTION_BOUND", "10"))
TEST_LIMIT = float(os.environ.get("ZK_TEST_TIMEOUT", "120"))   # SIGALRM watchdog per test
SUPER_DIGEST = {"DigestAuthenticationProvider.superDigest": "%s:%s" % (
    harness.SUPER_USER, harness.digest(harness.SUPER_USER, harness.SUPER_PASSWORD))}


def new_ensemble(voters=3, observers=0, tick_ms=TICK_MS, extra_cfg=None):
    if ENSEMBLE == "apache":
        return ApacheEnsemble(voters=voters, observers=observers, admin=False, tick_ms=tick_ms,
                              sync_limit=SYNC_LIMIT, client_in_server_line=True, extra_cfg=extra_cfg)
    return ZkdashEnsemble(voters=voters, observers=observers, tick_ms=tick_ms, sync_limit=SYNC_LIMIT,
                          extra_cfg=extra_cfg)


_no_replication = []     # set once a quorum member answered `Mode: standalone`: the rest is skipped


def started_ensemble(voters, observers, tick_ms, extra_cfg, start=True, attempts=3, one_by_one=False):
    """new_ensemble(...).start(one_by_one), again on fresh ports when another
    process took one of ours between free_port() and the bind (other test runs
    share the port range).  A binary without replication is remembered: every
    later test is skipped with that reason."""
    if _no_replication:
        raise unittest.SkipTest(_no_replication[0])
    for attempt in range(attempts):
        ens = new_ensemble(voters, observers, tick_ms, extra_cfg)
        if not start:
            return ens
        try:
            return ens.start(one_by_one=one_by_one)
        except NoReplication:
            ens.destroy()
            _no_replication.append("%s has no replication (quorum members answer Mode: standalone)"
                                   % harness.zkdash_bin())
            raise
        except harness.ServerStartError as e:
            ens.destroy()
            text = str(e).lower()
            if attempt + 1 < attempts and ("address already in use" in text or "bindexception" in text):
                continue
            raise


def known_bug(reason):
    """A strict expected failure on zkdash (an unexpected success fails the
    run, so the mark must go when the bug is fixed); a normal test on Apache."""
    def deco(fn):
        if ENSEMBLE != "zkdash":
            return fn
        fn.known_bug = reason
        return unittest.expectedFailure(fn)
    return deco


def epoch_of(zxid):
    return None if zxid is None else zxid >> 32


def counter_of(zxid):
    return None if zxid is None else zxid & 0xFFFFFFFF


# ---------------------------------------------------------------- a writer under failures

class Writer:
    """A thread creating root/<name>-000000, <name>-000001, ... through its own
    kazoo client, one at a time (window=1) or with up to `window` creates in
    flight (pipelined, as busy clients do).  `acked` holds every create that
    returned success, `failed` every one that raised (its outcome is unknown:
    it may or may not have been applied).  A path is never retried."""

    def __init__(self, case, hosts, root, pace=0.002, name="w", window=1):
        self.root = root
        self.name = name
        self.pace = pace
        self.window = window
        self.client = case.client(hosts)
        self.client.ensure_path(root)
        self.acked, self.failed = [], []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._slots = threading.Semaphore(window)
        self._i = 0
        self.thread = threading.Thread(target=self._run, daemon=True, name=name)
        case.addCleanup(self.stop)

    def start(self):
        self.thread.start()
        return self

    def _done(self, path, result):
        try:
            result.get(timeout=0)
            with self.lock:
                self.acked.append(path)
        except Exception as e:  # noqa: BLE001 - the outcome of this write is unknown
            with self.lock:
                self.failed.append((path, type(e).__name__))
        finally:
            self._slots.release()

    def _run(self):
        while not self._stop.is_set():
            if not self._slots.acquire(timeout=0.2):
                continue
            path = "%s/%s-%06d" % (self.root, self.name, self._i)
            data = ("v%d" % self._i).encode()
            self._i += 1
            try:
                r = self.client.create_async(path, data)
            except Exception as e:  # noqa: BLE001
                self._slots.release()
                with self.lock:
                    self.failed.append((path, type(e).__name__))
                return
            r.rawlink(lambda res, path=path: self._done(path, res))
            if self.window == 1:
                r.wait(15)
                with self.lock:
                    failing = bool(self.failed) and self.failed[-1][0] == path
                if failing:
                    time.sleep(0.05)
            if self.pace:
                time.sleep(self.pace)

    def in_flight(self):
        return self._i - self.count() - len(self.failures())

    def count(self):
        with self.lock:
            return len(self.acked)

    def failures(self):
        with self.lock:
            return list(self.failed)

    def wait_more(self, n, timeout):
        """True once n more creates were acknowledged."""
        target = self.count() + n
        return bool(wait_until(lambda: self.count() >= target, timeout, 0.02))

    def stop(self):
        """Stops issuing and waits (bounded) for the answers to creates in flight."""
        self._stop.set()
        if self.thread.is_alive():
            self.thread.join(20)
        wait_until(lambda: self.in_flight() <= 0, 20, 0.02)
        with self.lock:
            return list(self.acked)

    def server_port(self):
        """Client port of the server the writer is connected to now (None if not connected)."""
        try:
            return self.client._connection._socket.getpeername()[1]
        except Exception:  # noqa: BLE001
            return None

    def summary(self):
        with self.lock:
            kinds = {}
            for _, k in self.failed:
                kinds[k] = kinds.get(k, 0) + 1
            return "%s: %d acked, %d failed %s" % (self.name, len(self.acked), len(self.failed), kinds)


# ---------------------------------------------------------------- base case

class EnsembleCase(unittest.TestCase):
    maxDiff = None
    # Start nodes one by one, each later one joining an established ensemble
    # (True), or all at once (False, the default since the join rule of
    # JoinRuleTests was fixed: members elected in different rounds are joined).
    ONE_BY_ONE = False

    def setUp(self):
        self.ensembles = []
        self._t0 = time.monotonic()
        harness._arm_watchdog(TEST_LIMIT, self.id())

    def note(self, text):
        """With ZK_TEST_DUMP=1: timings, writer counts and elections on stderr."""
        if os.environ.get("ZK_TEST_DUMP"):
            sys.stderr.write("    [%5.1fs] %s\n" % (time.monotonic() - self._t0, text))

    def tearDown(self):
        harness._disarm_watchdog()

    # -- ensembles and clients
    def ensemble(self, voters=3, observers=0, start=True, tick_ms=TICK_MS, extra_cfg=None):
        """A new ensemble, destroyed by cleanup; started (one leader, everyone
        else following) unless start=False."""
        try:
            ens = started_ensemble(voters, observers, tick_ms, extra_cfg, start, one_by_one=self.ONE_BY_ONE)
        except harness.ServerStartError as e:
            self.fail("ensemble did not start: %s" % e)
        self.ensembles.append(ens)
        self.addCleanup(ens.destroy)
        return ens

    def client(self, hosts, **kw):
        kw.setdefault("start_timeout", 15.0)
        c = harness.kazoo_client(hosts, **kw)
        self.addCleanup(harness.stop_kazoo, c)
        return c

    def close(self, c):
        harness.stop_kazoo(c)

    # -- bounded waits with the nodes' state in the failure message
    def state(self, ens=None, extra=""):
        ens = ens or self.ensembles[-1]
        return "%s\n%s" % (extra, ens.describe(log_lines=12))

    def wait_for(self, pred, timeout, what, ens=None, interval=0.1):
        v = wait_until(pred, timeout, interval)
        if not v:
            self.fail("%s: not within %.0fs\n%s" % (what, timeout, self.state(ens)))
        return v

    def leader_within(self, ens, timeout=ELECTION_BOUND, exclude=(), since=None):
        """Waits for exactly one leader with every other live node (not excluded)
        following/observing; returns (leader, seconds since `since`)."""
        since = since if since is not None else time.monotonic()
        try:
            leader = ens.wait_for_leader(timeout=timeout, exclude=exclude)
        except harness.ServerStartError as e:
            self.fail("no single leader with every live node following within %.0fs: %s" % (timeout, e))
        return leader, time.monotonic() - since

    def modes(self, ens, nodes=None):
        return {n.sid: n.mode() for n in (nodes if nodes is not None else ens.nodes)}

    def assert_roles(self, ens, leader_sid, nodes=None):
        nodes = nodes if nodes is not None else [n for n in ens.nodes if n.alive()]
        want = {n.sid: "leader" if n.sid == leader_sid else ("observer" if n.observer else "follower")
                for n in nodes}
        got = self.modes(ens, nodes)
        self.assertEqual(got, want, "modes (srvr Mode:)\n" + self.state(ens))

    def zxids_equal(self, ens, nodes=None, timeout=10.0):
        """Waits until every node answers srvr with the same Zxid; returns it."""
        nodes = nodes if nodes is not None else [n for n in ens.nodes if n.alive()]

        def same():
            zs = {n.zxid() for n in nodes}
            return len(zs) == 1 and None not in zs and zs
        zs = self.wait_for(same, timeout, "the same srvr Zxid on %s (now %s)" % (
            [n.sid for n in nodes], {n.sid: hex(n.zxid() or 0) for n in nodes}), ens)
        return zs.pop()

    def read_children(self, node, root, sample_data=True):
        """sync + getChildren (and a sample of getData) through a client
        connected to this node alone: {child name: data or None}."""
        c = self.client(node.client_address)
        try:
            c.sync(root)
            kids = c.get_children(root)
            out = {k: None for k in kids}
            if sample_data:
                names = sorted(kids)
                picks = names[::max(1, len(names) // 40)] + names[-5:]
                for k in picks:
                    out[k] = c.get(root + "/" + k)[0]
            return out
        finally:
            self.close(c)

    def assert_writes_present(self, ens, root, writers, nodes=None):
        """Every acknowledged create of every writer is on every node (read there
        after sync), with its data; nothing appears that was never issued."""
        nodes = nodes if nodes is not None else [n for n in ens.nodes if n.alive()]
        acked = set()
        issued = set()
        for w in writers:
            acked |= set(p.rsplit("/", 1)[1] for p in w.acked)
            issued |= acked | set(p.rsplit("/", 1)[1] for p, _ in w.failed)
        self.assertTrue(acked, "no write was acknowledged at all: " + "; ".join(w.summary() for w in writers))
        seen = {}
        for n in nodes:
            got = self.read_children(n, root)
            seen[n.sid] = set(got)
            missing = sorted(acked - set(got))
            self.assertEqual(missing, [], "%d of %d acknowledged writes missing on %s (%s): %s\n%s" % (
                len(missing), len(acked), n.name, "; ".join(w.summary() for w in writers),
                missing[:10], self.state(ens)))
            phantom = sorted(set(got) - issued)
            self.assertEqual(phantom, [], "writes nobody issued on %s: %s" % (n.name, phantom[:10]))
            for k, v in got.items():
                if v is not None:
                    self.assertEqual(v, ("v%d" % int(k.rsplit("-", 1)[1])).encode(), "data of %s on %s" % (k, n.name))
        first = nodes[0].sid
        for sid, names in seen.items():
            self.assertEqual(sorted(names ^ seen[first]), [], "s%d and s%d disagree on %s's children (after sync)\n%s"
                             % (sid, first, root, self.state(ens)))

    def not_serving(self, node):
        r = node.srvr(1.0)
        return r is not None and NOT_SERVING in r

    def kazoo_cannot_connect(self, node, timeout=3.0):
        from kazoo.handlers.threading import KazooTimeoutError
        c = harness.kazoo_client(node.client_address, start=False,
                                 connection_retry=dict(max_tries=-1, delay=0.1, max_delay=0.3))
        try:
            c.start(timeout=timeout)
        except KazooTimeoutError:
            return True
        finally:
            harness.stop_kazoo(c)
        return False


# ---------------------------------------------------------------- healthy ensemble

class ThreeVotersTests(EnsembleCase):
    """One healthy 3-voter ensemble per test."""

    def test_one_leader_two_followers(self):
        ens = self.ensemble()
        leaders = [n for n in ens.nodes if n.mode() == "leader"]
        self.assertEqual(len(leaders), 1, self.state(ens))
        self.assert_roles(ens, leaders[0].sid)
        for n in ens.nodes:
            s = parse_srvr(n.srvr())
            self.assertIn("Zxid", s, n.srvr())
            self.assertRegex(s.get("Zookeeper version", ""), r"^3\.8", n.srvr())

    def test_writes_through_a_follower_visible_everywhere(self):
        ens = self.ensemble()
        leader = ens.leader()
        follower = next(n for n in ens.nodes if n is not leader)
        c = self.client(follower.client_address)
        c.create("/it_fw", b"from-follower")
        c.create("/it_fw/kid", b"k")
        st = c.set("/it_fw", b"changed")
        for n in ens.nodes:
            r = self.client(n.client_address)
            r.sync("/it_fw")
            data, rst = r.get("/it_fw")
            self.assertEqual((data, rst.version, rst.mzxid, rst.numChildren), (b"changed", 1, st.mzxid, 1),
                             "read on %s after sync" % n.name)
            self.assertEqual(r.get_children("/it_fw"), ["kid"])
            self.close(r)

    def test_closed_session_ephemeral_disappears_everywhere(self):
        ens = self.ensemble()
        leader = ens.leader()
        follower = next(n for n in ens.nodes if n is not leader)
        owner = self.client(follower.client_address)
        owner.ensure_path("/it_eph")
        owner.create("/it_eph/e", b"mine", ephemeral=True)
        sid = owner.client_id[0]
        readers = {n.sid: self.client(n.client_address) for n in ens.nodes}
        for n in ens.nodes:
            r = readers[n.sid]
            r.sync("/it_eph")
            st = r.exists("/it_eph/e")
            self.assertIsNotNone(st, "ephemeral not visible on %s" % n.name)
            self.assertEqual(st.ephemeralOwner, sid)
        owner.stop()          # closeSession is committed before stop() returns
        for n in ens.nodes:
            r = readers[n.sid]
            r.sync("/it_eph")
            self.assertIsNone(r.exists("/it_eph/e"), "ephemeral of a closed session still on %s after sync\n%s"
                              % (n.name, self.state(ens)))

    def test_zxid_equal_everywhere_after_sync(self):
        ens = self.ensemble()
        clients = {n.sid: self.client(n.client_address) for n in ens.nodes}
        for i, c in enumerate(clients.values()):
            c.create("/it_zx%d" % i, b"x")
        last = clients[1].set("/it_zx0", b"y").mzxid
        for c in clients.values():
            c.sync("/")
        zs = {n.sid: n.zxid() for n in ens.nodes}
        self.assertEqual(set(zs.values()), {last}, "srvr Zxid per node after sync: %s (last write %s)\n%s"
                         % ({k: hex(v or 0) for k, v in zs.items()}, hex(last), self.state(ens)))
        for n in ens.nodes:
            self.assertEqual(n.mntr().get("zk_znode_count"), ens.leader().mntr().get("zk_znode_count"),
                             "znode count on %s" % n.name)

    def test_sequential_names_unique_across_servers(self):
        ens = self.ensemble()
        clients = [self.client(n.client_address) for n in ens.nodes]
        clients[0].create("/it_seq")
        # interleaved across the three servers, all in flight together
        pending = [c.create_async("/it_seq/s-", b"", sequence=True) for _ in range(40) for c in clients]
        names = [r.get(timeout=15) for r in pending]
        self.assertEqual(len(names), 120)
        self.assertEqual(len(set(names)), 120, "duplicate sequential names handed out by different servers")
        self.assertEqual(sorted(names), ["/it_seq/s-%010d" % i for i in range(120)])
        for c in clients:
            c.sync("/it_seq")
            self.assertEqual(len(c.get_children("/it_seq")), 120)

    def test_watch_on_one_server_fires_for_a_write_on_another(self):
        ens = self.ensemble()
        a, b = [n for n in ens.nodes if n is not ens.leader()]
        ca, cb = self.client(a.client_address), self.client(b.client_address)
        ca.create("/it_xw", b"0")
        cb.sync("/it_xw")
        got = threading.Event()
        events = []

        def watch(ev):
            events.append((ev.type, ev.path))
            got.set()
        cb.get("/it_xw", watch=watch)
        ca.set("/it_xw", b"1")
        self.assertTrue(got.wait(5), "no watch on s%d for a write through s%d" % (b.sid, a.sid))
        self.assertEqual(events, [("CHANGED", "/it_xw")])
        self.assertEqual(cb.get("/it_xw")[0], b"1", "the watch fired before the change was visible")

    def test_big_value_replicates(self):
        """1 MB - 1 KB (the largest value the suites allow) through a follower."""
        ens = self.ensemble()
        follower = next(n for n in ens.nodes if n is not ens.leader())
        c = self.client(follower.client_address)
        big = bytes(range(256)) * (1023 * 4)
        c.create("/it_big", big)
        for n in ens.nodes:
            r = self.client(n.client_address)
            r.sync("/it_big")
            self.assertEqual(r.get("/it_big")[0], big, "1 MB value on %s" % n.name)
            self.close(r)

    def test_server_behind_the_client_refuses_it(self):
        """A client that has seen a newer zxid than the server has (it reconnects
        to a lagging server) is refused, so it never reads back in time."""
        ens = self.ensemble()
        n = ens.nodes[0]
        c = self.client(ens.hosts)
        c.create("/it_lz", b"")
        raw = zkwire.RawClient(harness.LOOPBACK, n.client_port, timeout=5.0)
        self.addCleanup(raw.close_socket)
        try:
            resp = raw.connect(timeout_ms=4000, last_zxid=n.zxid() + (1 << 32))
        except (zkwire.WireError, OSError) as e:
            resp = type(e).__name__
        self.assertFalse(isinstance(resp, dict) and resp["timeOut"] > 0,
                         "s%d gave a session to a client ahead of it: %r" % (n.sid, resp))
        ok = zkwire.RawClient(harness.LOOPBACK, n.client_port, timeout=5.0)
        self.addCleanup(ok.close_socket)
        self.assertGreater(ok.connect(timeout_ms=4000, last_zxid=n.zxid())["timeOut"], 0)


# ---------------------------------------------------------------- failures

class FailoverTests(EnsembleCase):
    """kill -9, SIGSTOP and restarts under continuous writers.  Sessions may
    last up to 10 s here (maxSessionTimeout; tickTime 200 alone would cap them
    at 4 s), so a client whose server died keeps its session across the
    election."""

    CFG = {"maxSessionTimeout": "10000"}

    def ensemble(self, voters=3, observers=0, start=True, tick_ms=TICK_MS, extra_cfg=None):
        return super().ensemble(voters, observers, start, tick_ms, dict(self.CFG, **(extra_cfg or {})))

    def writers(self, ens, root, leader):
        """Three writers over the whole connect string (kazoo takes the first
        host that answers): one starting at the leader, one at a follower, and
        a pipelined one (20 creates in flight) at the other follower."""
        others = [n for n in ens.nodes if n is not leader]
        a = Writer(self, ens.connect_string([leader] + others), root, name="at_leader").start()
        b = Writer(self, ens.connect_string(others + [leader]), root, name="at_follower").start()
        c = Writer(self, ens.connect_string(others[::-1] + [leader]), root, name="pipelined", window=20,
                   pace=0.003).start()
        return [a, b, c]

    def warm(self, ws, n=30, timeout=15):
        for w in ws:
            self.assertTrue(w.wait_more(n, timeout), "writes do not go through: %s\n%s"
                            % (w.summary(), self.state()))

    def stop_writers(self, ws):
        for w in ws:
            w.stop()
            self.close(w.client)
        self.note("; ".join(w.summary() for w in ws))

    def ephemeral_owners(self, ens, root, nodes):
        """One client per node (that node first in its connect string), each
        holding an ephemeral root/e-<sid>; returns {sid: client}."""
        out = {}
        for n in nodes:
            c = self.client(ens.connect_string([n] + [m for m in ens.nodes if m is not n]))
            c.ensure_path(root)
            c.create("%s/e-%d" % (root, n.sid), b"", ephemeral=True)
            out[n.sid] = c
        return out

    def assert_sessions_kept(self, ens, root, owners):
        """Every owner reconnected with its session (no expiry) and every
        ephemeral is on every node."""
        for sid, c in owners.items():
            self.wait_for(lambda: c.connected, 15, "the client that started at s%d reconnected" % sid, ens)
        ids = {sid: c.client_id[0] for sid, c in owners.items()}
        for n in [m for m in ens.nodes if m.alive()]:
            got = self.read_children(n, root, sample_data=False)
            want = {"e-%d" % sid for sid in owners}
            self.assertEqual(want - set(got), set(), "ephemerals of live sessions missing on %s\n%s"
                             % (n.name, self.state(ens)))
        r = self.client(ens.hosts)
        for sid in owners:
            st = r.exists("%s/e-%d" % (root, sid))
            self.assertEqual(st.ephemeralOwner, ids[sid], "owner of e-%d changed" % sid)

    def test_leader_kill9_under_writes(self):
        ens = self.ensemble()
        old = ens.leader()
        owners = self.ephemeral_owners(ens, "/it_lk_e", ens.nodes)
        ids = {sid: c.client_id[0] for sid, c in owners.items()}
        ws = self.writers(ens, "/it_lk", old)
        self.warm(ws)
        t0 = time.monotonic()
        old.kill()
        self.note("killed leader s%d; %s" % (old.sid, "; ".join(w.summary() for w in ws)))
        new, took = self.leader_within(ens, since=t0)
        self.note("new leader s%d after %.2fs" % (new.sid, took))
        self.assertNotEqual(new.sid, old.sid)
        self.assertLess(took, ELECTION_BOUND)
        for w in ws:
            self.assertTrue(w.wait_more(30, 20), "writes did not resume after the new leader (%.1fs): %s\n%s"
                            % (took, w.summary(), self.state(ens)))
        self.stop_writers(ws)
        self.assert_writes_present(ens, "/it_lk", ws)
        zx = self.zxids_equal(ens)
        self.assertGreater(epoch_of(zx), 1, "a new leader starts a new epoch")
        # sessions survive a leader change, including the one whose server died
        del owners[old.sid]
        self.assert_sessions_kept(ens, "/it_lk_e", owners)
        self.assertEqual({sid: c.client_id[0] for sid, c in owners.items()},
                         {sid: ids[sid] for sid in owners})
        # the old leader comes back as a follower of the new one, caught up
        old.start()
        self.leader_within(ens)
        self.assert_roles(ens, new.sid)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_lk", ws)

    def victim_follower(self, ens, leader, ws):
        """A follower, and the writers not connected to it (their server stays up)."""
        victim = next(n for n in ens.nodes if n is not leader and n.client_port == ws[1].server_port()) \
            if ws[1].server_port() != leader.client_port else next(n for n in ens.nodes if n is not leader)
        unaffected = [w for w in ws if w.server_port() not in (None, victim.client_port)]
        return victim, unaffected

    def follower_outage(self, root, down, during, up):
        """Writers on every node; down(victim) takes away the follower one writer
        is on; the other writers must go on without a single failure, then
        during(victim), up(victim); the victim follows the same leader again,
        caught up, with every acknowledged write, and every writer still has
        its session (the victim's moved to another server)."""
        ens = self.ensemble()
        leader = ens.leader()
        ws = self.writers(ens, root, leader)
        self.warm(ws)
        victim, unaffected = self.victim_follower(ens, leader, ws)
        failed_before = {w.name: len(w.failures()) for w in unaffected}
        sessions = {w.name: w.client.client_id[0] for w in ws}
        down(victim)
        t0 = time.monotonic()
        for w in unaffected:
            self.assertTrue(w.wait_more(30, 10), "writes stalled without follower s%d: %s\n%s"
                            % (victim.sid, w.summary(), self.state(ens)))
        during(victim, t0)
        self.assertEqual({w.name: len(w.failures()) for w in unaffected}, failed_before,
                         "writes failed though their server stayed up: %s" % [w.summary() for w in unaffected])
        up(victim)
        self.wait_for(lambda: victim.mode() == "follower", ELECTION_BOUND, "s%d following again" % victim.sid, ens)
        self.assertIs(ens.leader(), leader, "the leader changed when a follower went away\n" + self.state(ens))
        self.warm(ws, 20, timeout=20)
        self.assertEqual({w.name: w.client.client_id[0] for w in ws}, sessions,
                         "a writer lost its session (10 s) to a follower outage")
        self.stop_writers(ws)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, root, ws)

    def test_follower_kill9_under_writes(self):
        self.follower_outage("/it_fk", lambda n: n.kill(), lambda n, t0: None, lambda n: n.start())

    def test_follower_paused_beyond_sync_limit(self):
        def during(victim, t0):
            self.assertFalse(victim.srvr(0.5), "a SIGSTOPped server answered srvr")
            pause_s = 3 * SYNC_LIMIT * TICK_MS / 1000.0      # three times syncLimit
            time.sleep(max(0.0, pause_s - (time.monotonic() - t0)))
        self.follower_outage("/it_fp", lambda n: n.pause(), during, lambda n: n.resume())

    def test_leader_paused_others_elect_then_it_follows(self):
        ens = self.ensemble()
        old = ens.leader()
        ws = self.writers(ens, "/it_lp", old)
        self.warm(ws)
        t0 = time.monotonic()
        old.pause()
        new, took = self.leader_within(ens, exclude=(old,), since=t0)
        self.note("paused leader s%d; new leader s%d after %.2fs" % (old.sid, new.sid, took))
        self.assertNotEqual(new.sid, old.sid)
        # writers on the followers go on through the new leader; the one on the
        # paused leader needs its read timeout to move on
        for w in ws[1:]:
            self.assertTrue(w.wait_more(30, 20), "no writes after the new leader: %s\n%s"
                            % (w.summary(), self.state(ens)))
        old.resume()
        self.wait_for(lambda: old.mode() == "follower", ELECTION_BOUND,
                      "the resumed old leader (s%d) following s%d" % (old.sid, new.sid), ens)
        self.leader_within(ens)
        self.assert_roles(ens, new.sid)
        self.warm(ws, 20, timeout=30)
        self.stop_writers(ws)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_lp", ws)

    def test_kill9_everyone_during_writes(self):
        ens = self.ensemble()
        ws = self.writers(ens, "/it_all", ens.leader())
        self.warm(ws, 100)
        for n in ens.nodes:               # as close to "at once" as signals get
            n.proc.kill()
        for n in ens.nodes:
            n.kill()
        counts = [w.count() for w in ws]
        self.note("killed all; %s" % "; ".join(w.summary() for w in ws))
        t0 = time.monotonic()
        for n in ens.nodes:
            n.start()
        leader, took = self.leader_within(ens, timeout=30, since=t0)
        self.note("leader s%d %.2fs after the restart" % (leader.sid, took))
        for w in ws:
            self.assertTrue(w.wait_more(20, 30), "writes did not resume after the restart: %s\n%s"
                            % (w.summary(), self.state(ens)))
        self.stop_writers(ws)
        self.assertTrue(all(c > 0 for c in counts))
        self.assert_writes_present(ens, "/it_all", ws)
        self.zxids_equal(ens)

    def test_minority_leader_writes_never_acked_nor_kept(self):
        """Both followers die; until the leader notices (syncLimit) it may take
        writes, but it cannot commit them: none may be acknowledged, and after
        the followers elect a new leader and the old one rejoins, none may
        exist anywhere (the old leader truncates what it logged alone)."""
        ens = self.ensemble()
        leader = ens.leader()
        followers = [n for n in ens.nodes if n is not leader]
        c = self.client(leader.client_address)
        c.create("/it_ml", b"")
        for n in followers:
            n.kill()
        results = [(i, c.create_async("/it_ml/lost-%03d" % i, b"x")) for i in range(50)]
        acked = []
        deadline = time.monotonic() + 15
        for i, r in results:
            try:
                r.get(timeout=max(0.1, deadline - time.monotonic()))
                acked.append(i)
            except Exception:  # noqa: BLE001 - failed or unanswered: not acknowledged
                pass
        self.note("lone leader: %d writes answered, none acked" % len(results))
        self.assertEqual(acked, [], "a leader without followers acknowledged writes\n" + self.state(ens))
        self.wait_for(lambda: self.not_serving(leader), ELECTION_BOUND, "the lone leader stepping down", ens)
        leader.kill()
        self.close(c)
        for n in followers:
            n.start()
        new, _ = self.leader_within(ens, timeout=20)
        self.note("new leader s%d" % new.sid)
        c = self.client(ens.connect_string(followers))
        c.create("/it_ml/after", b"a")
        leader.start()
        self.leader_within(ens)
        self.note("old leader back")
        self.assert_roles(ens, new.sid)
        self.zxids_equal(ens)
        seen = {}
        for n in ens.nodes:
            seen[n.sid] = sorted(self.read_children(n, "/it_ml", sample_data=False))
        self.assertEqual(seen, {n.sid: ["after"] for n in ens.nodes},
                         "children of /it_ml per node after the old leader rejoined\n" + self.state(ens))

    def test_dead_clients_session_expires_under_the_new_leader(self):
        """A client connected to the leader dies with it: after the election its
        session expires (the new leader tracks it) and its ephemeral goes away
        everywhere; a live client's session and ephemeral stay."""
        ens = self.ensemble()
        old = ens.leader()
        followers = [n for n in ens.nodes if n is not old]
        raw = zkwire.RawClient(harness.LOOPBACK, old.client_port, timeout=10.0)
        self.addCleanup(raw.close_socket)
        self.assertGreater(raw.connect(timeout_ms=4000)["timeOut"], 0)
        self.assertEqual(raw.create("/it_dead", b"", flags=zkwire.EPHEMERAL)[0], "OK")
        live = self.client(ens.connect_string(followers))
        live.create("/it_live", b"", ephemeral=True)
        old.kill()
        raw.close_socket()               # the client is gone too: no reconnect, no close
        t0 = time.monotonic()
        new, _ = self.leader_within(ens)
        r = self.client(ens.connect_string(followers))
        self.wait_for(lambda: r.exists("/it_dead") is None, 4 + 10, "the dead client's ephemeral expiring", ens)
        self.note("dead session's ephemeral gone %.1fs after the leader died" % (time.monotonic() - t0))
        for n in followers:
            got = self.read_children(n, "/", sample_data=False)
            self.assertNotIn("it_dead", got, "expired ephemeral still on %s" % n.name)
            self.assertIn("it_live", got, "a live session's ephemeral vanished on %s" % n.name)
        self.assertTrue(live.connected)

    def test_sequence_numbers_continue_across_leader_change(self):
        ens = self.ensemble()
        old = ens.leader()
        clients = {n.sid: self.client(n.client_address) for n in ens.nodes}
        clients[old.sid].create("/it_sq")
        names = [clients[n.sid].create("/it_sq/s-", sequence=True) for n in ens.nodes for _ in range(3)]
        old.kill()
        self.leader_within(ens)
        for n in ens.nodes:
            if n is not old:
                c = self.client(n.client_address)
                names += [c.create("/it_sq/s-", sequence=True) for _ in range(3)]
        self.assertEqual(names, ["/it_sq/s-%010d" % i for i in range(15)],
                         "sequential names must continue without reuse after a leader change")

    def test_follower_far_behind_rejoins_and_everyone_recovers_from_disk(self):
        """snapCount 100: while a follower is down, thousands of txns go by
        (several snapshots and log files on the others); it rejoins and catches
        up, and after kill -9 of everyone the whole quorum comes back from its
        snapshots and logs with every acknowledged write."""
        ens = self.ensemble(extra_cfg={"snapCount": "100"})
        leader = ens.leader()
        victim = next(n for n in ens.nodes if n is not leader)
        victim.kill()
        w = Writer(self, ens.connect_string([n for n in ens.nodes if n is not victim]), "/it_far",
                   name="far", window=50, pace=0).start()
        self.assertTrue(w.wait_more(2000, 30), w.summary())
        victim.start()
        self.wait_for(lambda: victim.mode() == "follower", 20, "the far-behind follower following", ens)
        self.assertTrue(w.wait_more(200, 15), w.summary())
        self.stop_writers([w])
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_far", [w])
        for n in ens.nodes:
            n.proc.kill()
        for n in ens.nodes:
            n.kill()
        for n in ens.nodes:
            n.start()
        self.leader_within(ens, timeout=30)
        c = self.client(ens.hosts)
        c.create("/it_far_after")        # a txn of the new epoch (Apache's leader shows epoch<<32 before one)
        self.close(c)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_far", [w])

    def test_leader_dies_while_a_follower_syncs(self):
        """A follower far behind restarts and the leader is killed while it is
        still catching up (or just after): the two left elect within the bound
        and agree on everything acknowledged."""
        ens = self.ensemble()
        leader = ens.leader()
        behind, other = [n for n in ens.nodes if n is not leader]
        behind.kill()
        w = Writer(self, ens.connect_string([other, leader]), "/it_ls", window=50, pace=0).start()
        self.assertTrue(w.wait_more(3000, 30), w.summary())
        self.stop_writers([w])
        behind.start()
        self.wait_for(lambda: behind.mode() is not None, 10, "s%d answering" % behind.sid, ens)
        t0 = time.monotonic()
        leader.kill()
        new, took = self.leader_within(ens, since=t0)
        self.note("s%d leads %.2fs after the leader died during s%d's sync" % (new.sid, took, behind.sid))
        if other.sid > behind.sid:       # (if the sync finished first, sids decide: the same answer)
            self.assertIs(new, other, "the follower that was up to date must lead\n" + self.state(ens))
        c = self.client(ens.connect_string([behind]))
        c.create("/it_ls_after")
        self.close(c)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_ls", [w])

    def test_rolling_restart_under_writes(self):
        """Each node in turn (followers first, the leader last) is stopped and
        started again while writers run; every acknowledged write survives."""
        ens = self.ensemble()
        leader = ens.leader()
        ws = self.writers(ens, "/it_roll", leader)
        self.warm(ws)
        for n in [m for m in ens.nodes if m is not leader] + [leader]:
            n.stop()
            self.assertTrue(any(w.wait_more(20, 15) for w in ws), "no writes with s%d down: %s\n%s"
                            % (n.sid, [w.summary() for w in ws], self.state(ens)))
            n.start()
            self.leader_within(ens, timeout=20)
            self.note("s%d restarted; leader s%d" % (n.sid, ens.leader().sid))
        self.warm(ws, 20, timeout=20)
        self.stop_writers(ws)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_roll", ws)

    def test_leader_killed_three_times_in_a_row(self):
        """Leader churn: kill -9 whoever leads, restart it, three times, under
        writes; every election opens a larger epoch and nothing acked is lost."""
        ens = self.ensemble()
        ws = self.writers(ens, "/it_churn", ens.leader())
        self.warm(ws)
        epochs = [epoch_of(ens.leader().zxid())]
        for _ in range(3):
            old = ens.leader()
            old.kill()
            new, took = self.leader_within(ens)
            self.assertTrue(any(w.wait_more(20, 20) for w in ws), [w.summary() for w in ws])
            epochs.append(epoch_of(new.zxid()))
            self.note("killed s%d; s%d leads after %.2fs, epoch %s" % (old.sid, new.sid, took, epochs[-1]))
            old.start()
            self.leader_within(ens, timeout=20)
        self.assertEqual(epochs, sorted(set(epochs)), "epochs must grow with every new leader: %s" % epochs)
        self.warm(ws, 20, timeout=20)
        self.stop_writers(ws)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_churn", ws)

    def test_follower_with_a_wiped_data_dir_rejoins(self):
        """A follower's disk is lost (dataDir emptied but for myid): it starts
        from nothing and gets the whole tree from the leader."""
        ens = self.ensemble()
        leader = ens.leader()
        w = Writer(self, leader.client_address, "/it_wipe", window=20, pace=0).start()
        self.assertTrue(w.wait_more(500, 15), w.summary())
        victim = next(n for n in ens.nodes if n is not leader)
        victim.kill()
        for d in (victim.data_dir, victim.log_dir):
            for name in os.listdir(d):
                if name != "myid":
                    shutil.rmtree(os.path.join(d, name), ignore_errors=True)
        self.assertTrue(w.wait_more(200, 15), w.summary())
        victim.start()
        self.wait_for(lambda: victim.mode() == "follower", ELECTION_BOUND, "the wiped follower following", ens)
        self.stop_writers([w])
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_wipe", [w])

    def test_short_leader_pause_keeps_the_leader(self):
        """A leader stalled for less than syncLimit (GC-like) is not replaced."""
        ens = self.ensemble()
        leader = ens.leader()
        c = self.client(ens.hosts)
        c.create("/it_short", b"")
        leader.pause()
        time.sleep(0.3 * SYNC_LIMIT * TICK_MS / 1000.0)
        leader.resume()
        c.set("/it_short", b"after")
        time.sleep(2 * SYNC_LIMIT * TICK_MS / 1000.0)
        self.assert_roles(ens, leader.sid)

    def test_two_of_three_killed_survivor_stops_serving(self):
        ens = self.ensemble()
        c = self.client(ens.hosts)
        c.create("/it_q", b"before")
        self.close(c)
        leader = ens.leader()
        survivor = next(n for n in ens.nodes if n is not leader)
        dead = [n for n in ens.nodes if n is not survivor]
        for n in dead:
            n.kill()
        self.wait_for(lambda: self.not_serving(survivor), ELECTION_BOUND,
                      "the survivor answering 4lw with %r" % NOT_SERVING, ens)
        self.assertTrue(self.kazoo_cannot_connect(survivor), "kazoo connected to a node without quorum")
        self.assertTrue(self.not_serving(survivor))
        dead[0].start()
        self.leader_within(ens, timeout=20)
        c = self.client(survivor.client_address)
        self.assertEqual(c.get("/it_q")[0], b"before")
        c.set("/it_q", b"after")
        self.zxids_equal(ens)


# ---------------------------------------------------------------- observers

class ObserverTests(EnsembleCase):
    def test_observer_mode_and_client_view(self):
        ens = self.ensemble(voters=3, observers=1)
        leader = ens.leader()
        obs = ens.observers[0]
        self.assert_roles(ens, leader.sid)
        self.assertEqual(obs.mode(), "observer")
        c = self.client(obs.client_address)          # the observer alone
        c.create("/it_obs", b"via-observer")
        self.assertEqual(c.get("/it_obs")[0], b"via-observer")
        voter = self.client(ens.connect_string(ens.voters))
        voter.sync("/it_obs")
        self.assertEqual(voter.get("/it_obs")[0], b"via-observer", "a write through the observer not on the voters")
        events = []
        got = threading.Event()

        def watch(ev):
            events.append((ev.type, ev.path))
            got.set()
        c.get("/it_obs", watch=watch)
        voter.set("/it_obs", b"by-voter")
        self.assertTrue(got.wait(5), "the observer's client got no data watch for a voter's write")
        self.assertEqual(events, [("CHANGED", "/it_obs")])
        got.clear()
        c.get_children("/it_obs", watch=watch)
        voter.create("/it_obs/kid")
        self.assertTrue(got.wait(5), "no child watch through the observer")
        self.assertEqual(events[-1], ("CHILD", "/it_obs"))
        c.sync("/it_obs")
        self.assertEqual(c.get("/it_obs")[0], b"by-voter")

    def test_killing_the_observer_never_affects_voters(self):
        ens = self.ensemble(voters=3, observers=1)
        leader = ens.leader()
        obs = ens.observers[0]
        w = Writer(self, ens.connect_string(ens.voters), "/it_ok").start()
        self.assertTrue(w.wait_more(30, 15), w.summary())
        obs.kill()
        self.assertTrue(w.wait_more(50, 10), "voters stalled when the observer died: " + w.summary())
        self.assertEqual(w.failures(), [], "writes on the voters failed when the observer died")
        self.assert_roles(ens, leader.sid, ens.voters)
        obs.start()
        self.wait_for(lambda: obs.mode() == "observer", ELECTION_BOUND, "restarted observer observing", ens)
        self.assertTrue(w.wait_more(20, 10), w.summary())
        self.assertEqual(w.failures(), [])
        w.stop()
        self.close(w.client)
        self.assert_roles(ens, leader.sid)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_ok", [w])

    def test_observer_follows_the_new_leader(self):
        """A client on the observer alone keeps writing across a leader kill:
        the observer finds the new leader and serves again."""
        ens = self.ensemble(voters=3, observers=1, extra_cfg={"maxSessionTimeout": "10000"})
        old = ens.leader()
        obs = ens.observers[0]
        w = Writer(self, obs.client_address, "/it_of").start()
        self.assertTrue(w.wait_more(30, 15), w.summary())
        old.kill()
        new, took = self.leader_within(ens)
        self.note("new leader s%d after %.2fs" % (new.sid, took))
        self.assertTrue(w.wait_more(30, 20), "no writes through the observer after the new leader: %s\n%s"
                        % (w.summary(), self.state(ens)))
        self.assertEqual(obs.mode(), "observer")
        w.stop()
        self.close(w.client)
        self.zxids_equal(ens)
        self.assert_writes_present(ens, "/it_of", [w])

    def test_zookeeper_config_lists_the_members(self):
        ens = self.ensemble(voters=3, observers=1)
        want = "\n".join("server.%d=127.0.0.1:%d:%d:%s;127.0.0.1:%d" % (
            n.sid, n.quorum_port, n.election_port, "observer" if n.observer else "participant", n.client_port)
            for n in ens.nodes) + "\nversion=0"
        for n in ens.nodes:
            c = self.client(n.client_address)
            data, st = c.get("/zookeeper/config")
            self.assertEqual((data or b"").decode(), want, "/zookeeper/config on %s" % n.name)
            self.close(c)

    def test_observer_does_not_count_toward_quorum(self):
        ens = self.ensemble(voters=3, observers=1)
        leader = ens.leader()
        obs = ens.observers[0]
        survivor = next(n for n in ens.voters if n is not leader)
        down = [n for n in ens.voters if n is not survivor]
        for n in down:
            n.kill()
        self.wait_for(lambda: self.not_serving(survivor) and self.not_serving(obs), ELECTION_BOUND,
                      "voter s%d and observer s%d both not serving" % (survivor.sid, obs.sid), ens)
        self.note("survivor and observer not serving")
        # and it stays that way: 1 voter + 1 observer is no quorum of 3 voters
        # (not longer: a looking observer backs off its notifications as Apache's
        # do, up to seconds, which delays its return once a quorum is back)
        for _ in range(int(2 * SYNC_LIMIT * TICK_MS / 1000.0 / 0.25)):
            self.assertEqual(self.modes(ens, [survivor, obs]), {survivor.sid: "not serving", obs.sid: "not serving"},
                             self.state(ens))
            time.sleep(0.25)
        self.note("stayed not serving")
        self.assertTrue(self.kazoo_cannot_connect(obs, 2.0), "kazoo connected to the observer without a quorum")
        self.note("kazoo could not connect")
        down[0].start()
        self.leader_within(ens, timeout=20)
        self.note("leader again")
        self.assertEqual(obs.mode(), "observer")


# ---------------------------------------------------------------- the seed walkthroughs

class WalkthroughTests(EnsembleCase):
    """The two election walkthroughs of the seed documents, on real processes."""

    def start_one_by_one(self, ens, sids, settle):
        """Starts the given voters one after another, waiting after each until it
        answers (not serving while there is no quorum) and `settle` more seconds."""
        for sid in sids:
            n = ens.node(sid)
            n.start()
            self.wait_for(lambda: n.mode() is not None, 10, "s%d answering srvr" % sid, ens)
            time.sleep(settle)

    def test_a_fresh_five_started_one_by_one(self):
        """s1 starts: LOOKING (1 vote of 5).  s2: both LOOKING, votes for s2 (2 of 5).
        s3: everyone votes s3, 3 of 5 -> s3 LEADING, s1 s2 FOLLOWING.  s4 and s5
        find a leader and follow it."""
        ens = self.ensemble(voters=5, start=False)
        settle = 5 * TICK_MS / 1000.0
        self.start_one_by_one(ens, [1], settle)
        self.assertEqual(self.modes(ens, [ens.node(1)]), {1: "not serving"}, self.state(ens))
        self.start_one_by_one(ens, [2], settle)
        self.assertEqual(self.modes(ens, [ens.node(1), ens.node(2)]), {1: "not serving", 2: "not serving"},
                         "two of five must not elect\n" + self.state(ens))
        self.start_one_by_one(ens, [3], 0)
        leader, _ = self.leader_within(ens)
        self.assertEqual(leader.sid, 3, "with s1..s3 up, s3 (largest myid, equal zxids) must lead\n" + self.state(ens))
        self.assert_roles(ens, 3)
        for sid in (4, 5):
            self.start_one_by_one(ens, [sid], 0)
            self.wait_for(lambda: ens.node(sid).mode() == "follower", ELECTION_BOUND, "s%d following" % sid, ens)
            self.assert_roles(ens, 3)

    def test_b_zxid_then_sid_decides_after_leader_failure(self):
        """sids 1..5, zxids 8 8 8 7 7 (same epoch), s3 leading; s3 and s5 fail ->
        s1, s2, s4 elect: s1 and s2 have the larger zxid, s2 the larger sid.

        Built on real processes: s1..s3 start first (s3 leads, as in (a)),
        then s4, s5 follow.  Writes (a session create and persistent creates)
        bring every node to counter 7 of the epoch; s4 and s5 are stopped;
        one more write commits on s1..s3 (3 of 5 is still a quorum) -> 8.
        s3 is killed (s5 is already down: "3 and 5 fail"), then s4 comes back
        with its zxid 7 on disk while s1 and s2 are looking.  s4 is stopped
        before the 8th txn, not paused: a paused follower may still find the
        proposal and commit for 8 in its socket buffer when resumed."""
        ens = self.ensemble(voters=5, start=False)
        self.start_one_by_one(ens, [1, 2, 3], 0)
        leader, _ = self.leader_within(ens)
        self.assertEqual(leader.sid, 3, self.state(ens))
        self.start_one_by_one(ens, [4, 5], 0)
        self.leader_within(ens)
        self.assert_roles(ens, 3)
        c = self.client(ens.node(1).client_address)      # its session is the epoch's first txn
        for i in range(20):
            z = ens.node(3).zxid() or 0
            if counter_of(z) >= 7:
                break
            c.create("/it_w%d" % i, b"")
        c.sync("/")
        z7 = (epoch_of(ens.node(3).zxid()) << 32) | 7
        exact = wait_until(lambda: all(n.zxid() == z7 for n in ens.nodes), 5)
        if not exact:
            self.fail("could not bring all five to zxid %s: %s\n%s" % (
                hex(z7), {n.sid: hex(n.zxid() or 0) for n in ens.nodes}, self.state(ens)))
        ens.node(4).stop()
        ens.node(5).stop()
        c.create("/it_w8", b"eight")
        z8 = z7 + 1
        self.assertEqual({sid: ens.node(sid).zxid() for sid in (1, 2, 3)}, {1: z8, 2: z8, 3: z8},
                         "s1..s3 at zxid 8 (s3 waits for a quorum of acks: s1, s2)\n" + self.state(ens))
        ens.node(3).kill()
        self.wait_for(lambda: self.not_serving(ens.node(1)) and self.not_serving(ens.node(2)), ELECTION_BOUND,
                      "s1 and s2 looking (2 of 5)", ens)
        ens.node(4).start()
        leader, _ = self.leader_within(ens, timeout=20)
        self.assertEqual(leader.sid, 2, "s1 s2 have zxid 8, s4 7: the larger zxid, then the larger sid -> s2\n"
                         + self.state(ens))
        self.assert_roles(ens, 2)
        self.close(c)
        r = self.client(ens.node(4).client_address)
        r.sync("/")
        self.assertEqual(r.get("/it_w8")[0], b"eight", "s4 did not receive txn 8 from the new leader")
        self.zxids_equal(ens)


# ---------------------------------------------------------------- election rules with fake peers

class FakeElectionPeer:
    """A stand-in quorum member on zkdash's election wire (QuorumWire): every
    frame is an int length then the payload; a connection opens with
    [long -65536, long sid], then notifications [int state, long leader, long
    zxid, long round, long peerEpoch, int version].  It listens on its
    election port (reads and drops what the real node says), keeps sending
    one fixed notification to the real node's election port, and listens on
    its quorum port to see whether the real node tries to follow it."""

    STATES = {"looking": 0, "following": 1, "leading": 2}

    def __init__(self, node, state, leader, round_, peer_epoch, zxid=0):
        self.sid = node.sid
        self.payload = struct.pack(">iqqqqi", self.STATES[state], leader, zxid, round_, peer_epoch, 2)
        self.quorum_connects = 0
        self._stop = threading.Event()
        self._socks = []
        self._threads = []
        for port, on_accept in ((node.election_port, self._drain), (node.quorum_port, self._quorum)):
            ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((harness.LOOPBACK, port))
            ls.listen(16)
            ls.settimeout(0.1)
            self._socks.append(ls)
            self._spawn(self._accept_loop, ls, on_accept)

    def _spawn(self, fn, *args):
        th = threading.Thread(target=fn, args=args, daemon=True)
        th.start()
        self._threads.append(th)

    def _accept_loop(self, ls, on_accept):
        while not self._stop.is_set():
            try:
                c, _ = ls.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._socks.append(c)
            on_accept(c)

    def _drain(self, c):
        c.settimeout(0.1)
        self._spawn(self._read_until_closed, c)

    def _read_until_closed(self, c):
        while not self._stop.is_set():
            try:
                if not c.recv(4096):
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def _quorum(self, c):
        self.quorum_connects += 1
        c.close()

    def tell(self, port, every=0.1):
        """Sends the notification to 127.0.0.1:port, reconnecting and resending every `every` s."""
        def loop():
            hello = struct.pack(">iqq", 16, -65536, self.sid)
            frame = struct.pack(">i", len(self.payload)) + self.payload
            while not self._stop.is_set():
                try:
                    s = socket.create_connection((harness.LOOPBACK, port), timeout=1)
                except OSError:
                    time.sleep(every)
                    continue
                self._socks.append(s)
                try:
                    s.sendall(hello)
                    while not self._stop.is_set():
                        s.sendall(frame)
                        time.sleep(every)
                except OSError:
                    time.sleep(every)
        self._spawn(loop)

    def close(self):
        self._stop.set()
        for s in self._socks:
            try:
                s.close()
            except OSError:
                pass
        for th in self._threads:
            th.join(2)


@unittest.skipIf(ENSEMBLE != "zkdash", "fake peers speak zkdash's election framing, not Apache's")
class JoinRuleTests(EnsembleCase):
    """How a starting member joins an established ensemble: s1 is a real
    zkdash, s2 and s3 fake peers announcing that s3 leads (epoch 1) and s2
    follows it.  Apache's FLE (lookForLeader, out-of-election votes; Vote.equals
    compares only leader and peerEpoch for FOLLOWING/LEADING votes,
    ZOOKEEPER-1732) then follows s3 whatever election round each announces:
    s1 must connect to s3's quorum port."""

    def join(self, round2, round3):
        ens = self.ensemble(start=False)
        s1, s2, s3 = ens.nodes
        fakes = [FakeElectionPeer(s2, "following", 3, round2, 1), FakeElectionPeer(s3, "leading", 3, round3, 1)]
        for f in fakes:
            self.addCleanup(f.close)
            f.tell(s1.election_port)
        s1.start()
        self.wait_for(lambda: fakes[1].quorum_connects > 0, 5,
                      "s1 connecting to the leader s3's quorum port (s2 FOLLOWING s3 in round %d, s3 LEADING "
                      "in round %d)" % (round2, round3), ens)

    def test_joins_leader_and_follower_of_the_same_round(self):
        self.join(3, 3)

    def test_joins_leader_and_follower_of_different_rounds(self):
        self.join(2, 3)


# ---------------------------------------------------------------- kazoo's suite through an ensemble

class _EnsembleServer:
    """What harness.DiffCase needs of a server (hosts, port, alive, returncode,
    log_tail), backed by an ensemble.  Each scenario gets one node as its
    server (rotating over `nodes`): kazoo connects to it first (the rest of the
    connect string comes after it) and raw clients use its port."""

    def __init__(self, ens, nodes):
        self.ens = ens
        self.nodes = nodes
        self.node = nodes[0]
        self._i = 0

    def rotate(self):
        self.node = self.nodes[self._i % len(self.nodes)]
        self._i += 1
        return self

    @property
    def hosts(self):
        return self.ens.connect_string([self.node] + [n for n in self.nodes if n is not self.node])

    @property
    def port(self):
        return self.node.client_port

    def alive(self):
        return all(n.alive() for n in self.ens.nodes)

    def returncode(self):
        return next((n.returncode() for n in self.ens.nodes if n.returncode() is not None), None)

    def log_tail(self, n=30):
        return self.ens.describe(log_lines=n)


class _KazooThroughEnsemble(test_kazoo.KazooTests):
    """Runs test_kazoo's scenarios on a 3-voter + 1-observer ensemble of its
    own (one per class: scenario roots are fixed names and some leave nodes
    only their own auth can delete), in the single server's profile:
    tickTime 2000 (session timeouts negotiate 4 s - 40 s as the scenarios
    expect) and the super digest."""

    COMPARE = False
    _ens = None
    _fail = None
    _server = None

    def kinds(self):
        return [ENSEMBLE]

    def targets(self, ens):
        raise NotImplementedError

    @classmethod
    def ensemble(cls):
        if cls._fail:
            raise harness.ServerStartError("(cached) " + cls._fail)
        if cls._ens is not None and all(n.alive() for n in cls._ens.nodes):
            return cls._ens
        if cls._ens is not None:
            cls._ens.destroy()
            cls._ens = None
        try:
            ens = started_ensemble(3, 1, 2000, SUPER_DIGEST)
        except harness.ServerStartError as e:
            cls._fail = str(e)
            raise
        cls._ens = ens
        return ens

    @classmethod
    def tearDownClass(cls):
        if cls._ens is not None:
            cls._ens.destroy()
            cls._ens = None
        super().tearDownClass()

    def server_for(self, kind):
        ens = self.ensemble()
        cls = type(self)
        if cls._server is None or cls._server.ens is not ens:
            cls._server = _EnsembleServer(ens, self.targets(ens))
        return cls._server.rotate()


class KazooThroughVotersTests(_KazooThroughEnsemble):
    """test_kazoo's scenarios with the voters' connect string; each scenario
    starts at the next voter (so leader and followers both serve it)."""

    def targets(self, ens):
        return ens.voters


class KazooThroughObserverTests(_KazooThroughEnsemble):
    """test_kazoo's scenarios through the observer alone."""

    def targets(self, ens):
        return ens.observers


def load_tests(loader, standard_tests, pattern):
    """Everything but the abstract base (unittest would collect it: it is a TestCase)."""
    suite = unittest.TestSuite()
    for cls in (ThreeVotersTests, FailoverTests, ObserverTests, WalkthroughTests, JoinRuleTests,
                KazooThroughVotersTests, KazooThroughObserverTests):
        suite.addTests(loader.loadTestsFromTestCase(cls))
    return suite


if __name__ == "__main__":
    unittest.main()
