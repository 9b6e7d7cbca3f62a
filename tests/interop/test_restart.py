"""Durability across restarts (the zkdash target is what matters; Apache runs
the same scenarios when selected, to prove the tests).

- kill -9 while a client pipelines async creates: every acknowledged create
  must be present after restarting on the same dataDir.
- clean SIGTERM stop: the whole tree (data, stats, ACLs, sequence counters)
  comes back identical and zxids keep increasing.
- snapCount=100 so snapshots are taken during the run, then restart (clean
  and kill -9).
"""

import glob
import os
import threading
import time
import unittest

import harness
from harness import DiffCase, ZkServer, wait_until
from kazoo.security import make_digest_acl


def dump_tree(c, root):
    """{path: (data, stat-tuple, acls)} for root and everything below it."""
    out = {}
    stack = [root]
    for _ in range(100000):
        if not stack:
            break
        p = stack.pop()
        data, st = c.get(p)
        acls, _ = c.get_acls(p)
        out[p] = (data, (st.czxid, st.mzxid, st.pzxid, st.version, st.cversion, st.aversion,
                         st.ephemeralOwner, st.dataLength, st.numChildren, st.ctime, st.mtime),
                  sorted((a.perms, a.id.scheme, a.id.id) for a in acls))
        for k in c.get_children(p):
            stack.append(p.rstrip("/") + "/" + k)
    return out


class RestartTests(DiffCase):
    COMPARE = False

    def server_for(self, kind):
        s = ZkServer(kind, name="restart-" + kind)
        self.addCleanup(s.destroy)
        return s.start()

    def reconnect_client(self, t, **kw):
        return t.client(start_timeout=30, **kw)

    def pipelined_creates(self, c, root, total, stop_after_acks, kill):
        """Issues create_async for total nodes; calls kill() once stop_after_acks
        are acknowledged.  Returns (acked set, issued count)."""
        acked, lock = set(), threading.Lock()
        killed = threading.Event()

        def make_cb(path):
            def cb(res):
                try:
                    res.get_nowait() if hasattr(res, "get_nowait") else res.get(timeout=0)
                except Exception:
                    return
                with lock:
                    acked.add(path)
            return cb

        issued = 0
        t0 = time.monotonic()
        for i in range(total):
            path = "%s/n-%06d" % (root, i)
            try:
                r = c.create_async(path, ("v%d" % i).encode())
            except Exception:
                break
            r.rawlink(make_cb(path))
            issued += 1
            if i % 50 == 0:
                time.sleep(0.005)
            with lock:
                n = len(acked)
            if not killed.is_set() and (n >= stop_after_acks or time.monotonic() - t0 > 20):
                kill()
                killed.set()
                break
        if not killed.is_set():
            wait_until(lambda: len(acked) >= stop_after_acks, 20)
            kill()
        time.sleep(0.5)          # let in-flight callbacks for already-read replies run
        with lock:
            return set(acked), issued

    def scenario_kill9_during_pipelined_writes(self, t):
        c = t.client()
        c.ensure_path("/it_k9")
        acked, issued = self.pipelined_creates(c, "/it_k9", 20000, 800, t.server.kill9)
        t.record("acked_some", len(acked) > 0)
        self.assertGreater(len(acked), 0)
        t.record("in_flight_at_kill", issued - len(acked))
        harness.stop_kazoo(c)
        t.forget_client(c)
        t.server.start()
        c2 = self.reconnect_client(t)
        present = set("/it_k9/" + k for k in c2.get_children("/it_k9"))
        missing = sorted(acked - present)
        self.assertEqual(missing, [], "%d of %d acknowledged creates lost after kill -9 (issued %d): %s"
                         % (len(missing), len(acked), issued, missing[:10]))
        for p in sorted(acked)[:: max(1, len(acked) // 50)]:
            self.assertEqual(c2.get(p)[0], ("v%d" % int(p.rsplit("-", 1)[1])).encode())
        # a write after recovery gets a larger zxid than anything recovered
        maxz = max(c2.exists(p).mzxid for p in sorted(present)[-20:])
        st = c2.set("/it_k9", b"after")
        self.assertGreater(st.mzxid, maxz)
        t.record("recovered", True)

    def scenario_kill9_twice(self, t):
        c = t.client()
        c.ensure_path("/it_k9b")
        acked1, _ = self.pipelined_creates(c, "/it_k9b", 5000, 300, t.server.kill9)
        harness.stop_kazoo(c)
        t.forget_client(c)
        t.server.start()
        c = self.reconnect_client(t)
        c.ensure_path("/it_k9b2")
        acked2, _ = self.pipelined_creates(c, "/it_k9b2", 5000, 300, t.server.kill9)
        harness.stop_kazoo(c)
        t.forget_client(c)
        t.server.start()
        c = self.reconnect_client(t)
        present = set("/it_k9b/" + k for k in c.get_children("/it_k9b"))
        present |= set("/it_k9b2/" + k for k in c.get_children("/it_k9b2"))
        self.assertEqual(sorted((acked1 | acked2) - present), [])
        t.record("recovered", True)

    def build_tree(self, c, root):
        c.create(root, b"root")
        c.create(root + "/a", b"A" * 100)
        c.set(root + "/a", b"A2")
        c.set(root + "/a", b"A3")
        for i in range(5):
            c.create(root + "/a/s-", ("%d" % i).encode(), sequence=True)
        c.delete(root + "/a/s-0000000002")
        c.create(root + "/b", b"\x00\x01\x02", acl=[make_digest_acl("u", "p", all=True)])
        c.create(root + "/deep/x/y/z", b"deep", makepath=True)
        c.set_acls(root + "/deep", c.get_acls(root + "/deep")[0])
        tx = c.transaction()
        tx.create(root + "/tx1", b"t")
        tx.set_data(root + "/a", b"A4")
        tx.commit()
        c.create(root + "/big", b"B" * 500000)

    def scenario_clean_restart_preserves_tree(self, t):
        c = t.client(auth_data=[("digest", "u:p")])
        root = "/it_clean"
        self.build_tree(c, root)
        before = dump_tree(c, root)
        last = c.exists(root + "/tx1").mzxid
        harness.stop_kazoo(c)
        t.forget_client(c)
        rc = t.server.stop()
        t.record("stopped", True)
        t.server.start()
        c = self.reconnect_client(t, auth_data=[("digest", "u:p")])
        after = dump_tree(c, root)
        self.assertEqual(sorted(before), sorted(after))
        for p in before:
            self.assertEqual(before[p], after[p], "node %s differs after restart" % p)
        # sequence counter and zxid continue
        self.assertEqual(c.create(root + "/a/s-", sequence=True), root + "/a/s-0000000005")
        self.assertGreater(c.exists(root + "/a/s-0000000005").czxid, last)
        t.record("tree_identical", True)

    def scenario_restart_twice_and_write_between(self, t):
        c = t.client()
        c.create("/it_twice", b"1")
        harness.stop_kazoo(c)
        t.forget_client(c)
        t.server.restart()
        c = self.reconnect_client(t)
        c.set("/it_twice", b"2")
        c.create("/it_twice/k", b"k")
        harness.stop_kazoo(c)
        t.forget_client(c)
        t.server.restart()
        c = self.reconnect_client(t)
        self.assertEqual(c.get("/it_twice")[0], b"2")
        self.assertEqual(c.get("/it_twice")[1].version, 1)
        self.assertEqual(c.get_children("/it_twice"), ["k"])
        t.record("ok", True)

    def scenario_session_survives_restart(self, t):
        """Sessions are durable: a client that reconnects within its timeout
        keeps its session and its ephemerals across a server restart."""
        c = t.client(timeout=10.0)
        sid = c.client_id[0]
        c.create("/it_sess_e", b"", ephemeral=True)
        t.server.stop()
        t.server.start()
        ok = wait_until(lambda: c.connected, 20)
        self.assertTrue(ok, "client did not reconnect")
        self.assertEqual(c.client_id[0], sid, "session changed")
        self.assertIsNotNone(c.exists("/it_sess_e"), "ephemeral of a live session lost across restart")
        t.record("ok", True)

    def scenario_orphan_ephemeral_expires_after_restart(self, t):
        """A session whose client never comes back expires after restart and its
        ephemerals go away."""
        raw = t.raw(timeout_ms=4000)
        raw.create("/it_orphan", b"", flags=1)
        raw.close_socket()
        t.server.stop()
        t.server.start()
        c = self.reconnect_client(t)
        gone = wait_until(lambda: c.exists("/it_orphan") is None, 25, 0.2)
        self.assertTrue(gone, "ephemeral of a dead session still present 25s after restart")
        t.record("ok", True)

    def scenario_snapshots_with_small_snapcount(self, t):
        t.server.stop()
        t.server.cfg["snapCount"] = "100"
        t.server.start()
        c = t.client()
        c.create("/it_snap")
        for i in range(400):
            c.create("/it_snap/n%04d" % i, b"x" * 100)
        for i in range(0, 400, 3):
            c.set("/it_snap/n%04d" % i, b"y")
        for i in range(0, 400, 7):
            c.delete("/it_snap/n%04d" % i)
        before = dump_tree(c, "/it_snap")
        files = self.data_files(t.server)
        self.assertGreater(len(files), 2, "with snapCount=100 and ~700 txns, expected several "
                                          "snapshot/log files, found %r" % files)
        harness.stop_kazoo(c)
        t.forget_client(c)
        t.server.stop()
        t.server.start()
        c = self.reconnect_client(t)
        after = dump_tree(c, "/it_snap")
        self.assertEqual(before, after)
        # and after kill -9 with more writes
        for i in range(150):
            c.create("/it_snap/m%04d" % i, b"z")
        t.server.kill9()
        harness.stop_kazoo(c)
        t.forget_client(c)
        t.server.start()
        c = self.reconnect_client(t)
        self.assertEqual(len([k for k in c.get_children("/it_snap") if k.startswith("m")]), 150)
        t.record("ok", True)

    def scenario_apache_compatible_file_layout(self, t):
        """dataDir/version-2/snapshot.<zxid> and dataLogDir/version-2/log.<zxid>, as
        Apache's tools (zkCleanup.sh, zkTxnLogToolkit, autopurge) expect."""
        c = t.client()
        for i in range(20):
            c.create("/it_layout%d" % i)
        t.server.stop()
        snaps = glob.glob(os.path.join(t.server.data_dir, "version-2", "snapshot.*"))
        logs = glob.glob(os.path.join(t.server.log_dir, "version-2", "log.*"))
        t.server.start()
        self.assertTrue(logs, "no dataLogDir/version-2/log.* files: %r" % self.data_files(t.server))
        self.assertTrue(snaps, "no dataDir/version-2/snapshot.* files: %r" % self.data_files(t.server))
        t.record("ok", True)

    @staticmethod
    def data_files(server):
        out = []
        for d in (server.data_dir, server.log_dir):
            for dirpath, _, names in os.walk(d):
                for n in names:
                    out.append(os.path.relpath(os.path.join(dirpath, n), server.workdir))
        return sorted(out)


if __name__ == "__main__":
    unittest.main()
