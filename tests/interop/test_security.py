"""What zkdash enforces, end to end (suite `security`; docs/security.md).

Differential where the point is an Apache behaviour (ZK_TARGET=both, Apache
3.8.0 as Debian ships it being the reference; each scenario also asserts the
rule it proves, so a wrong expectation fails on Apache too):

- AclTests: every permission bit (none, READ, WRITE, CREATE, DELETE, ADMIN)
  against every client operation that names a node, for the world, digest
  and ip schemes; `superDigest` bypassing every ACL; ip identities taken from
  the connection (a second loopback source address, 127.0.0.2), not from what
  the client claims; watch notifications only for nodes the watcher may READ
  (CVE-2024-23944, fixed in Debian's 3.8.0-11+deb12u2 and in zkdash); a
  client's deleteContainer never deletes a node (Apache: BadArguments); a
  setWatches replay says nothing about a node the client may not READ (zkdash
  is held to this; Debian's 3.8.0, whose exists needs no permission, is not).
  The last two fail on zkdash today: see "Known bugs" in docs/security.md.
- LimitTests (one server: maxClientCnxns=4, jute.maxbuffer=16384, a
  4lw.commands.whitelist written untidily): the connection limit is per
  client address; a frame over jute.maxbuffer closes the connection; the
  whitelist is trimmed, case-sensitive and always allows srvr.

Held to each side's own rule (not compared):

- ConfigTests: `skipACL=yes` (Apache skips every ACL check; zkdash ignores
  the key with a warning and keeps enforcing) and the `zookeeper.`-prefixed
  superDigest key (Apache ignores it in zoo.cfg; zkdash honours it).

zkdash only (ZK_TARGET does not apply; skipped without tmux):

- DashboardTests: `zkdash monitor --read-only` refuses c / e / d in the Tree
  view and nothing changes; without it a node the dashboard may not change
  answers NoAuth on the status line and nothing changes.
- DemoTests: every socket the demo's nodes listen on is bound to 127.0.0.1,
  and a node that died on its own is not signalled again (K and P refuse, an
  unrelated process is untouched), and nothing is left after q.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import unittest

import harness
from harness import DiffCase, ZkServer, LOOPBACK, wait_until, zkdash_bin
import zkwire

READ, WRITE, CREATE, DELETE, ADMIN = 1, 2, 4, 8, 16
PERMS = [("none", 0), ("READ", READ), ("WRITE", WRITE), ("CREATE", CREATE), ("DELETE", DELETE), ("ADMIN", ADMIN)]
OTHER_SOURCE = "127.0.0.2"      # a second loopback address; the servers listen on 127.0.0.1
SUPER = "%s:%s" % (harness.SUPER_USER, harness.SUPER_PASSWORD)


def digest_id(user, password):
    return "%s:%s" % (user, harness.digest(user, password))


def raw_client(t, source=None, connect=True):
    """A RawClient on t's server, its socket bound to `source` (a loopback address) when given."""
    r = zkwire.RawClient(LOOPBACK, t.port, timeout=10.0)
    t._raws.append(r)
    if source is not None:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10.0)
        s.bind((source, 0))
        s.connect((LOOPBACK, t.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        r.sock, r._buf = s, b""
    if connect:
        resp = r.connect(timeout_ms=10000)
        if resp["timeOut"] <= 0:
            raise AssertionError("handshake refused: %r" % (resp,))
    return r


def super_client(t):
    r = raw_client(t)
    assert r.add_auth("digest", SUPER.encode()) == "OK"
    return r


def err_of(r, opcode, body):
    err, _, _ = r.call(zkwire.OP[opcode], body)
    return zkwire.ERR.get(err, err)


def who_am_i(r):
    """The connection's identities, sorted (Apache keeps them in a hash set: no order)."""
    err, _, rd = r.call(zkwire.OP["whoAmI"], b"")
    if err:
        return zkwire.ERR.get(err, err)
    return sorted(rd.vector(lambda: (rd.string(), rd.string())))


def get_acl(r, path):
    err, _, rd = r.call(zkwire.OP["getACL"], zkwire.enc_string(path))
    if err:
        return zkwire.ERR.get(err, err)
    return rd.vector(rd.acl)


def set_acl(r, path, acl, version=-1):
    body = zkwire.enc_string(path) + zkwire.enc_acls(acl) + zkwire.enc_int(version)
    return err_of(r, "setACL", body)


def multi_first(r, ops):
    """A multi's first op result: 'OK' or the op's error name."""
    _, results = r.multi(ops)
    first = results[0] if results else ("missing",)
    return first[1] if first[0] == "error" else "OK"


def still_open(r):
    try:
        return r.ping() == 0
    except Exception:
        return False


def events_of(r, settle=0.6):
    """Every notification that arrives within `settle` s (after a round trip)."""
    r.ping()
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        r.wait_events(len(r.events) + 1, timeout=max(0.01, deadline - time.monotonic()))
    out = [(e[0], e[2]) for e in r.events]
    r.events.clear()
    return out


# ---------------------------------------------------------------- ACLs

class AclTests(DiffCase):

    # Apache 3.8 (Debian 3.8.0-11+deb12u2): the permission each operation needs
    # on the node it names (create / delete: on the parent; here the node is the
    # parent of the child created or deleted). None = no permission needed.
    NEEDS = [
        ("getData", READ), ("getChildren", READ), ("getChildren2", READ),
        ("getAllChildrenNumber", READ), ("multiRead.getData", READ), ("multiRead.getChildren", READ),
        ("getACL", READ | ADMIN), ("setData", WRITE), ("multi.setData", WRITE),
        ("setACL", ADMIN), ("create.child", CREATE), ("multi.create.child", CREATE),
        ("delete.child", DELETE), ("multi.delete.child", DELETE), ("multi.check", READ),
        ("sync", None), ("addWatch", None), ("getEphemerals", None),
    ]

    def run_ops(self, t, r, su, node, acl):
        """Every operation of NEEDS on `node` from r; su repairs what a granted write changed."""
        out = {}
        p = zkwire.enc_string
        w = lambda path: zkwire.body_path_watch(path, False)  # noqa: E731
        out["getData"] = r.get_data(node)[0]
        out["getChildren"] = r.get_children(node)[0]
        out["getChildren2"] = err_of(r, "getChildren2", w(node))
        out["getAllChildrenNumber"] = r.get_all_children_number(node)[0]
        _, results = r.multi_read([("getData", node), ("getChildren", node)])
        out["multiRead.getData"] = results[0][1] if results[0][0] == "error" else "OK"
        out["multiRead.getChildren"] = results[1][1] if results[1][0] == "error" else "OK"
        out["getACL"] = get_acl(r, node)
        if isinstance(out["getACL"], list):
            out["getACL"] = "OK"
        out["setData"] = r.set_data(node, b"w")[0]
        out["multi.setData"] = multi_first(r, [("setData", zkwire.body_set_data(node, b"m"))])
        out["setACL"] = set_acl(r, node, acl)
        out["create.child"] = r.create(node + "/n", b"", flags=zkwire.EPHEMERAL)[0]
        out["multi.create.child"] = multi_first(r, [("create", zkwire.body_create(node + "/m", b"", None, zkwire.EPHEMERAL))])
        for child in ("/n", "/m"):
            if su.exists(node + child)[0] == "OK":
                su.delete(node + child)
        out["delete.child"] = r.delete(node + "/c")[0]
        if su.exists(node + "/c")[0] != "OK":
            su.create(node + "/c", b"")
        out["multi.delete.child"] = multi_first(r, [("delete", zkwire.body_delete(node + "/c"))])
        if su.exists(node + "/c")[0] != "OK":
            su.create(node + "/c", b"")
        out["multi.check"] = multi_first(r, [("check", zkwire.body_delete(node, -1))])
        out["sync"] = err_of(r, "sync", p(node))
        out["addWatch"] = r.add_watch(node, 0)
        out["getEphemerals"] = r.get_ephemerals(node)[0]
        out["exists"] = r.exists(node)[0]
        return out

    def check_matrix(self, t, label, r, su, base, acl_for, granted=True):
        """acl_for(bits) -> ACL list; r holds the identity the ACL names when granted."""
        table = {}
        for name, bits in PERMS:
            node = "%s/%s" % (base, name)
            acl = acl_for(bits)
            su.create(node, b"d", acl=acl)
            su.create(node + "/c", b"")
            got = self.run_ops(t, r, su, node, acl)
            exists = got.pop("exists")
            # exists: Debian's 3.8.0 answers without any permission; 3.8.4+
            # (ZOOKEEPER-2590) and zkdash need READ. Each side to its own rule.
            if t.kind == "apache":
                self.assertEqual(exists, "OK", "%s %s exists" % (label, name))
            else:
                self.assertEqual(exists, "OK" if granted and bits & READ else "NoAuth", "%s %s exists" % (label, name))
            for op, need in self.NEEDS:
                allowed = need is None or (granted and bits & need)
                want = "OK" if allowed else "NoAuth"
                self.assertEqual(got[op], want, "%s ACL %s: %s answered %s" % (label, name, op, got[op]))
            table[name] = got
        t.record(label, table)

    def setup_root(self, t, su):
        if su.exists(t.root)[0] == "OK":
            self.delete_tree(su, t.root)
        su.create(t.root, b"")

    def delete_tree(self, su, path):
        err, children = su.get_children(path)
        for c in children or []:
            self.delete_tree(su, path + "/" + c)
        su.delete(path)

    def scenario_permission_matrix_world(self, t):
        """world:anyone with exactly one permission bit, from an anonymous client."""
        su = super_client(t)
        self.setup_root(t, su)
        anon = raw_client(t)
        self.check_matrix(t, "world", anon, su, t.root, lambda bits: [(bits, "world", "anyone")])

    def scenario_permission_matrix_digest(self, t):
        """digest:alice with one bit: alice authenticated gets it, a client without the
        digest (or with a wrong password) gets nothing, and an unrelated world entry
        does not widen it."""
        su = super_client(t)
        self.setup_root(t, su)
        alice = raw_client(t)
        t.record("alice_auth", alice.add_auth("digest", b"alice:pw"))
        acl_for = lambda bits: [(bits, "digest", digest_id("alice", "pw"))]  # noqa: E731
        su.create(t.root + "/a", b"")
        self.check_matrix(t, "digest_alice", alice, su, t.root + "/a", acl_for)
        wrong = raw_client(t)
        # A wrong password is no error: the digest id is simply someone else's.
        t.record("wrong_password_auth", wrong.add_auth("digest", b"alice:wrong"))
        su.create(t.root + "/w", b"")
        self.check_matrix(t, "digest_wrong_password", wrong, su, t.root + "/w", acl_for, granted=False)

    def scenario_permission_matrix_ip(self, t):
        """ip:127.0.0.1 with one bit: a client on 127.0.0.1 gets it; one on 127.0.0.2 does not."""
        su = super_client(t)
        self.setup_root(t, su)
        acl_for = lambda bits: [(bits, "ip", LOOPBACK)]  # noqa: E731
        su.create(t.root + "/l", b"")
        self.check_matrix(t, "ip_same_address", raw_client(t), su, t.root + "/l", acl_for)
        su.create(t.root + "/o", b"")
        self.check_matrix(t, "ip_other_address", raw_client(t, OTHER_SOURCE), su, t.root + "/o", acl_for, granted=False)

    def scenario_ip_identity_is_the_connection(self, t):
        """The ip scheme vouches for the connection's source address only: addAuth("ip", X)
        adds the real address, whatever X says; CIDR ACLs match by prefix."""
        su = super_client(t)
        self.setup_root(t, su)
        r = t.root
        for name, expr in (("one", "127.0.0.1"), ("two", "127.0.0.2"), ("net8", "127.0.0.0/8"),
                           ("net31", "127.0.0.0/31"), ("other", "10.0.0.0/8")):
            su.create("%s/%s" % (r, name), b"x", acl=[(READ, "ip", expr)])
        one, two = raw_client(t), raw_client(t, OTHER_SOURCE)
        t.record("whoami_one", who_am_i(one))
        t.record("whoami_two", who_am_i(two))
        self.assertEqual(who_am_i(two), [("ip", OTHER_SOURCE)])
        reads = lambda c: {n: c.get_data("%s/%s" % (r, n))[0] for n in ("one", "two", "net8", "net31", "other")}  # noqa: E731
        t.record("reads_from_1", reads(one))
        t.record("reads_from_2", reads(two))
        self.assertEqual(reads(two), {"one": "NoAuth", "two": "OK", "net8": "OK", "net31": "NoAuth", "other": "NoAuth"})
        # Claiming 127.0.0.1 from 127.0.0.2 adds 127.0.0.2 again (Apache's IPAuthenticationProvider).
        t.record("claim_other_ip", two.add_auth("ip", b"127.0.0.1"))
        t.record("whoami_after_claim", who_am_i(two))
        t.record("claimed_read", two.get_data(r + "/one")[0])
        self.assertEqual(two.get_data(r + "/one")[0], "NoAuth")
        # Mixed list: READ by address, WRITE by digest.
        su.create(r + "/mixed", b"x", acl=[(READ, "ip", LOOPBACK), (WRITE, "digest", digest_id("alice", "pw"))])
        two.add_auth("digest", b"alice:pw")
        t.record("mixed_from_1", (one.get_data(r + "/mixed")[0], one.set_data(r + "/mixed", b"y")[0]))
        t.record("mixed_from_2_alice", (two.get_data(r + "/mixed")[0], two.set_data(r + "/mixed", b"y")[0]))

    def scenario_super_digest(self, t):
        """DigestAuthenticationProvider.superDigest: `digest super:<password>` passes every
        ACL check (read, write, create, delete, setACL, getACL unredacted); a wrong
        password does not; `super` is neither an auth scheme nor an ACL scheme."""
        su = super_client(t)
        self.setup_root(t, su)
        r = t.root
        locked = [(31, "digest", digest_id("nobody", "nopass"))]
        su.create(r + "/locked", b"secret", acl=locked)
        anon = raw_client(t)
        t.record("anon", (anon.get_data(r + "/locked")[0], anon.set_data(r + "/locked", b"x")[0],
                          anon.create(r + "/locked/c", b"")[0], get_acl(anon, r + "/locked")))
        t.record("super_whoami", who_am_i(su))
        t.record("super_read", su.get_data(r + "/locked")[1][0])
        t.record("super_children", su.get_children(r + "/locked"))
        t.record("super_set", su.set_data(r + "/locked", b"changed")[0])
        t.record("super_create", su.create(r + "/locked/c", b"", acl=locked)[0])
        t.record("super_delete", su.delete(r + "/locked/c")[0])
        acls = get_acl(su, r + "/locked")
        t.record("super_get_acl", acls)
        self.assertEqual(acls, [(31, "digest", digest_id("nobody", "nopass"))])  # not redacted
        t.record("super_set_acl", set_acl(su, r + "/locked", locked))
        ops = [("setData", zkwire.body_set_data(r + "/locked", b"m")), ("check", zkwire.body_delete(r + "/locked", -1))]
        t.record("super_multi", [x[0] for x in su.multi(ops)[1]])
        wrong = raw_client(t)
        t.record("wrong_super_password_auth", wrong.add_auth("digest", b"super:not-the-password"))
        t.record("wrong_super_password", (wrong.get_data(r + "/locked")[0], who_am_i(wrong)))
        self.assertEqual(wrong.get_data(r + "/locked")[0], "NoAuth")
        # Another user's name with the super password is just that user.
        other = raw_client(t)
        other.add_auth("digest", ("bob:%s" % harness.SUPER_PASSWORD).encode())
        t.record("super_password_other_user", other.get_data(r + "/locked")[0])
        t.record("super_acl_scheme", su.create(r + "/s", b"", acl=[(31, "super", "")])[0])
        scheme = raw_client(t)
        t.record("super_auth_scheme", scheme.add_auth("super", harness.SUPER_PASSWORD.encode()))
        t.record("super_auth_scheme_connection_open", still_open(scheme))
        # Super can delete what nobody else may: the locked node (its parent is open) and a locked parent's child.
        su.create(r + "/locked/c2", b"", acl=locked)
        su.set_data(r + "/locked", b"x")
        set_acl(su, r, locked)
        t.record("anon_delete_under_locked_parent", anon.delete(r + "/locked")[0])
        t.record("super_delete_under_locked_parent", (su.delete(r + "/locked/c2")[0], su.delete(r + "/locked")[0]))
        set_acl(su, r, zkwire.OPEN_ACL)

    def scenario_watch_events_need_read(self, t):
        """A watcher learns of a change only on nodes it may READ (CVE-2024-23944:
        persistent recursive watches; standard watches alike)."""
        su = super_client(t)
        self.setup_root(t, su)
        r = t.root
        secret = [(31, "digest", digest_id("alice", "pw"))]
        watcher = raw_client(t)
        t.record("add_recursive", watcher.add_watch(r, 1))
        su.create(r + "/open", b"")
        su.create(r + "/secret", b"", acl=secret)
        su.set_data(r + "/open", b"1")
        su.set_data(r + "/secret", b"1")
        su.create(r + "/secret/child", b"")          # open ACL under a secret parent
        su.delete(r + "/secret/child")
        su.delete(r + "/secret")
        su.delete(r + "/open")
        t.record("recursive_events", events_of(watcher))
        self.assertNotIn(("NodeCreated", r + "/secret"), [tuple(e) for e in t.records[-1][1]])
        # Standard watches: an exists watch on a missing path, then created unreadable;
        # a data watch on a readable node that then becomes unreadable.
        plain = raw_client(t)
        t.record("exists_watch_missing", plain.exists(r + "/later", watch=True)[0])
        su.create(r + "/later", b"", acl=secret)
        su.create(r + "/flip", b"")
        t.record("data_watch_open", plain.get_data(r + "/flip", watch=True)[0])
        set_acl(su, r + "/flip", secret)
        su.set_data(r + "/flip", b"2")
        t.record("child_watch_parent_open", plain.get_children(r, watch=True)[0])
        su.create(r + "/hidden", b"", acl=secret)
        t.record("standard_events", events_of(plain))

    def scenario_set_watches_replay_needs_read(self, t):
        """setWatches after a reconnect fires at once what changed since the client's
        zxid (NodeCreated for an exist watch on a node that exists, NodeDataChanged /
        NodeChildrenChanged when mzxid / pzxid is newer). On a node the client may not
        READ that answers what zkdash's exists (NoAuth) and its READ filter on every
        other notification hide: existence, and with a chosen relativeZxid the node's
        mzxid and pzxid. Apache master replays through the same READ check as
        triggered watches; Debian's 3.8.0 (whose exists needs no permission) does not.
        zkdash must send nothing about the unreadable node."""
        su = super_client(t)
        self.setup_root(t, su)
        r = t.root
        secret = [(31, "digest", digest_id("alice", "pw"))]
        su.create(r + "/open", b"")
        su.create(r + "/secret", b"", acl=secret)
        su.create(r + "/secret/kid", b"")
        anon = raw_client(t)
        _, zxid, _ = anon.call(zkwire.OP["exists"], zkwire.body_path_watch(r + "/open", False))
        su.set_data(r + "/open", b"x")
        su.set_data(r + "/secret", b"x")
        su.create(r + "/secret/kid2", b"")
        if t.kind != "apache":
            # Debian's 3.8.0 answers exists without a permission check; zkdash, like 3.8.4+, needs READ.
            self.assertEqual(anon.exists(r + "/secret")[0], "NoAuth")
        t.record("set_watches", anon.set_watches(zxid, data=[r + "/open", r + "/secret"],
                                                 exist=[r + "/secret", r + "/nothing"], child=[r + "/secret"]))
        events = events_of(anon)
        t.record("events_open", [e for e in events if not e[1].startswith(r + "/secret")])
        leaked = [e for e in events if e[1].startswith(r + "/secret")]
        if t.kind == "apache":
            self.assertEqual(sorted(leaked), [("NodeChildrenChanged", r + "/secret"), ("NodeCreated", r + "/secret"),
                                              ("NodeDataChanged", r + "/secret")])
        else:
            self.assertEqual(leaked, [], "setWatches replay told a client without READ about %s: %r "
                                         "(exists on it answers NoAuth)" % (r + "/secret", leaked))

    def scenario_client_sent_delete_container(self, t):
        """deleteContainer (opcode 20) is the container reaper's own request. Apache's prep
        reads its path from the whole request buffer (`new String(request.request.array())`),
        header included, so from a client it never names a node: BadArguments, whatever the
        encoding. It must never let a client delete a node its ACLs protect."""
        su = super_client(t)
        self.setup_root(t, su)
        r = t.root
        locked = [(31, "digest", digest_id("nobody", "nopass"))]
        su.create(r + "/vault", b"", acl=[(READ | CREATE, "world", "anyone")])     # no DELETE
        su.create(r + "/vault/plain", b"precious", acl=locked)
        su.create(r + "/vault/box", b"", acl=locked, flags=zkwire.CONTAINER, opcode="createContainer")
        anon = raw_client(t)
        t.record("delete", anon.delete(r + "/vault/plain")[0])
        out = []
        for path in (r + "/vault/plain", r + "/vault/box"):
            for label, body in (("raw_path", path.encode()), ("jute_string", zkwire.enc_string(path))):
                try:
                    err = zkwire.ERR.get(anon.call(zkwire.OP["deleteContainer"], body)[0])
                except (zkwire.ConnectionClosed, OSError):
                    err = "connection closed"
                    anon = raw_client(t)
                out.append((path[len(r):], label, err))
        t.record("delete_container", out)
        survivors = {p: su.exists(r + p)[0] for p in ("/vault/plain", "/vault/box")}
        t.record("survivors", survivors)
        self.assertEqual(survivors, {"/vault/plain": "OK", "/vault/box": "OK"},
                         "a client's deleteContainer deleted nodes its ACLs protect: %r" % out)


# ---------------------------------------------------------------- limits

class LimitTests(DiffCase):
    """One server per kind: maxClientCnxns=4, jute.maxbuffer=16384 (zoo.cfg for zkdash,
    the JVM property for Apache, which reads only that), an untidy whitelist."""
    MAX_CNXNS = 4
    MAX_BUFFER = 16384
    WHITELIST = "  ruok , ,MNTR,bogus,conf ,"
    _servers = {}

    def server_for(self, kind):
        s = self._servers.get(kind)
        if s is None or not s.alive():
            if s is not None:
                s.destroy()
            cfg = {"maxClientCnxns": str(self.MAX_CNXNS)}
            props = {}
            if kind == "zkdash":
                cfg["jute.maxbuffer"] = str(self.MAX_BUFFER)
            else:
                props["jute.maxbuffer"] = str(self.MAX_BUFFER)
            s = ZkServer(kind, name="security-limits-" + kind, cfg=cfg, whitelist=self.WHITELIST, java_props=props)
            type(self)._servers[kind] = s
            s.start()
        return s

    @classmethod
    def tearDownClass(cls):
        for s in cls._servers.values():
            s.destroy()
        cls._servers = {}

    def try_connect(self, t, source=None):
        r = zkwire.RawClient(LOOPBACK, t.port, timeout=3.0)
        try:
            if source is None:
                r.open_socket()
            else:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(3.0)
                s.bind((source, 0))
                s.connect((LOOPBACK, t.port))
                r.sock, r._buf = s, b""
            resp = r.connect(timeout_ms=10000)
            if resp["timeOut"] > 0:
                t._raws.append(r)
                return "accepted", r
            r.close_socket()
            return "refused-in-handshake", None
        except (zkwire.ConnectionClosed, ConnectionResetError, BrokenPipeError):
            r.close_socket()
            return "closed", None
        except socket.timeout:
            r.close_socket()
            return "no reply", None

    def four_from(self, t, word, source):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5.0)
        s.bind((source, 0))
        try:
            s.connect((LOOPBACK, t.port))
            s.sendall(word.encode())
            s.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                try:
                    b = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not b:
                    break
                chunks.append(b)
            return b"".join(chunks).decode("utf-8", "replace")
        finally:
            s.close()

    def scenario_max_client_cnxns_per_address(self, t):
        held = []
        for _ in range(self.MAX_CNXNS):
            state, r = self.try_connect(t)
            self.assertEqual(state, "accepted")
            held.append(r)
        state, _ = self.try_connect(t)
        t.record("over_limit_same_address", state)
        self.assertEqual(state, "closed")
        t.record("4lw_same_address", t.server.four("ruok") or "<closed>")
        t.record("4lw_other_address", self.four_from(t, "ruok", OTHER_SOURCE))
        # Another client address has a count of its own.
        others = []
        for _ in range(self.MAX_CNXNS):
            state, r = self.try_connect(t, OTHER_SOURCE)
            others.append(state)
            if r is not None:
                held.append(r)
        t.record("other_address", others)
        self.assertEqual(others, ["accepted"] * self.MAX_CNXNS)
        t.record("other_address_over_limit", self.try_connect(t, OTHER_SOURCE)[0])
        t.record("held_still_work", all(still_open(r) for r in held))
        for r in held:
            try:
                r.close_session()
            except Exception:
                pass
        ok = wait_until(lambda: self.try_connect(t)[0] == "accepted", 5.0, 0.1)
        t.record("slot_freed", bool(ok))
        for r in list(t._raws):
            try:
                r.close_session()
            except Exception:
                r.close_socket()
        t._raws = []
        wait_until(lambda: self.four_from(t, "ruok", LOOPBACK) == "imok", 5.0, 0.1)

    def scenario_jute_maxbuffer(self, t):
        su = raw_client(t)
        path = "/it_security_maxbuffer"
        if su.exists(path)[0] == "OK":
            su.delete(path)
        t.record("under_limit", su.create(path, b"u" * (self.MAX_BUFFER // 2))[0])
        t.record("read_back", len(su.get_data(path)[1][0]))
        big = raw_client(t)
        try:
            outcome = big.set_data(path, b"o" * (self.MAX_BUFFER * 2))[0]
        except zkwire.ConnectionClosed:
            outcome = "connection closed"
        except OSError:
            outcome = "connection error"
        t.record("over_limit", outcome)
        self.assertEqual(outcome, "connection closed")
        t.record("data_unchanged", len(su.get_data(path)[1][0]))
        # The frame length itself: up to jute.maxbuffer is read, one byte more closes.
        overhead = 4 + 4 + (4 + len(path)) + 4 + 4      # xid, type, path, data length, version
        edges = []
        for frame_len in (self.MAX_BUFFER, self.MAX_BUFFER + 1):
            r = raw_client(t)
            try:
                edges.append((frame_len - self.MAX_BUFFER, r.set_data(path, b"e" * (frame_len - overhead))[0]))
            except (zkwire.ConnectionClosed, OSError):
                edges.append((frame_len - self.MAX_BUFFER, "connection closed"))
        t.record("frame_length_edge", edges)
        t.record("other_connection_open", still_open(su))
        su.delete(path)
        su.close_session()

    def scenario_four_letter_word_whitelist(self, t):
        out = {}
        for w in ("ruok", "conf", "srvr", "mntr", "stat", "envi", "dump", "wchp", "cons", "crst", "srst"):
            reply = t.server.four(w) or ""
            out[w] = reply if "not executed" in reply or w == "ruok" else ("answered" if reply else "empty")
        t.record("replies", out)
        self.assertEqual(out["ruok"], "imok")
        self.assertEqual(out["conf"], "answered")
        self.assertEqual(out["srvr"], "answered")           # always, whitelisted or not
        self.assertEqual(out["mntr"], "mntr is not executed because it is not in the whitelist.\n")  # MNTR != mntr
        self.assertEqual(out["crst"], "crst is not executed because it is not in the whitelist.\n")


# ---------------------------------------------------------------- config keys Apache and zkdash read differently

class _ConfigCase(DiffCase):
    COMPARE = False
    CFG = {}

    def server_for(self, kind):
        s = ZkServer(kind, name="security-cfg-" + kind, cfg=self.CFG)
        self.addCleanup(s.destroy)
        return s.start()


class SkipAclTests(_ConfigCase):
    CFG = {"skipACL": "yes"}

    def scenario_skip_acl_is_ignored(self, t):
        """Apache turns `skipACL=yes` into zookeeper.skipACL and skips every check;
        zkdash does not implement it: a warning at startup, ACLs enforced."""
        owner = raw_client(t)
        owner.add_auth("digest", b"alice:pw")
        owner.create("/it_skipacl", b"x", acl=[(31, "digest", digest_id("alice", "pw"))])
        anon = raw_client(t)
        got = (anon.get_data("/it_skipacl")[0], anon.set_data("/it_skipacl", b"y")[0])
        if t.kind == "apache":
            self.assertEqual(got, ("OK", "OK"))
        else:
            self.assertEqual(got, ("NoAuth", "NoAuth"))
            with open(t.server.log_path, encoding="utf-8", errors="replace") as f:
                self.assertRegex(f.read(), r"skipACL")


class PrefixedSuperDigestTests(_ConfigCase):
    CFG = {"DigestAuthenticationProvider.superDigest": None,
           "zookeeper.DigestAuthenticationProvider.superDigest":
               "%s:%s" % (harness.SUPER_USER, harness.digest(harness.SUPER_USER, harness.SUPER_PASSWORD))}

    def scenario_prefixed_super_digest(self, t):
        """zoo.cfg `zookeeper.DigestAuthenticationProvider.superDigest`: Apache makes it the
        property zookeeper.zookeeper.…, i.e. no super user; zkdash honours it (with a note)."""
        owner = raw_client(t)
        owner.create("/it_prefixed_super", b"x", acl=[(31, "digest", digest_id("nobody", "nopass"))])
        su = raw_client(t)
        su.add_auth("digest", SUPER.encode())
        got = su.get_data("/it_prefixed_super")[0]
        self.assertEqual(got, "NoAuth" if t.kind == "apache" else "OK")


# ---------------------------------------------------------------- the dashboard

def _tmux_reason():
    if shutil.which("tmux") is None:
        return "tmux is not installed"
    b = zkdash_bin()
    if not os.access(b, os.X_OK):
        return "zkdash binary not found/executable: %s" % b
    return None


class DashboardTests(unittest.TestCase):
    """`zkdash monitor` on a zkdash server, in tmux (test_monitor.Pane)."""

    @classmethod
    def setUpClass(cls):
        reason = _tmux_reason()
        if reason:
            raise unittest.SkipTest(reason)
        cls.server = ZkServer("zkdash", name="security-dashboard", whitelist="*")
        cls.addClassCleanup(cls.server.destroy)
        cls.server.start()
        c = harness.kazoo_client(cls.server.hosts)
        try:
            from kazoo.security import make_acl
            # "aaa…" sorts before "zookeeper": the first row under /.
            c.create("/aaa_guarded", b"keep")
            c.create("/aaa_guarded/child", b"")
            c.set_acls("/aaa_guarded", [make_acl("world", "anyone", read=True)])
        finally:
            harness.stop_kazoo(c)

    @classmethod
    def tearDownClass(cls):
        import test_monitor
        test_monitor.tearDownModule()

    def node_state(self):
        c = harness.kazoo_client(self.server.hosts)
        try:
            data, st = c.get("/aaa_guarded")
            return data, st.version, c.get_children("/aaa_guarded")
        finally:
            harness.stop_kazoo(c)

    # The tree view's detail pane (right of "│") starts with the selected path;
    # "loading…" follows it until the node's data and Stat have arrived, then
    # "czxid …". Only then do e and d act ("data / stat not loaded yet" before).
    @staticmethod
    def detail_loaded(path):
        pattern = re.compile(r"(?m)│ %s[ \t]*\n.*│ czxid 0x" % re.escape(path))
        return lambda s: pattern.search(s) is not None

    def open_tree(self, *flags):
        import test_monitor
        pane = test_monitor.Pane(self, columns=140, rows=36)
        pane.start_monitor("--servers", self.server.hosts, "--no-admin", "--timeout", "1", *flags)
        pane.keys("2")
        pane.wait_for(lambda s: re.search(r"▸ aaa_guarded\b", s), what="/aaa_guarded in the tree")
        pane.keys("j")      # from / onto /aaa_guarded
        # Not just `"keep" in s`: "zookeeper" contains "keep", and the detail pane
        # names the selected path before its data has arrived.
        loaded = self.detail_loaded("/aaa_guarded")
        pane.wait_for(lambda s: loaded(s) and "data (text, 4 bytes" in s and re.search(r"(?m)│ keep\s*$", s),
                      what="/aaa_guarded selected, its data shown")
        return pane

    def press_for_prompt(self, pane, key, prompt):
        """Presses e or d once, with the selected node's data / Stat already on the
        screen (so in the dashboard's state), and waits for its prompt. No re-press:
        "not loaded yet" stays on the status line until the next key, so after a
        re-press a stale copy cannot be told from a fresh one, and a key pressed
        again after the prompt opened is typed into it (e) or cancels it (d)."""
        pane.keys(key)
        screen = pane.wait_for(lambda s: prompt in s or "not loaded yet" in s, what=repr(prompt))
        if prompt not in screen:
            raise AssertionError("%r answered %r with its detail shown as loaded:\n%s" % (key, "not loaded yet", screen))
        return screen

    def test_a_read_only_refuses_create_edit_delete(self):
        before = self.node_state()
        pane = self.open_tree("--read-only")
        for key in ("e", "c", "d"):
            pane.keys(key)
            pane.wait_text("read-only (--read-only)")
            pane.keys("y")   # would confirm, were anything asked
            screen = pane.screen()
            self.assertNotIn("y/n", screen)
            self.assertNotIn("set /aaa_guarded", screen)
            self.assertNotIn("new child of", screen)
            pane.keys("Escape")
        pane.keys("l")      # expand, then onto the child
        pane.wait_for(lambda s: re.search(r"\bchild\b", s), what="/aaa_guarded/child listed")
        pane.keys("j")
        pane.wait_for(lambda s: "/aaa_guarded/child" in s, what="/aaa_guarded/child selected")
        pane.keys("d")
        pane.wait_text("read-only (--read-only)")
        pane.keys("y")
        time.sleep(0.5)
        self.assertNotIn("deleting", pane.screen())
        pane.keys("q")
        pane.assert_shell_restored()
        self.assertEqual(self.node_state(), before)

    def test_b_acl_refusals_are_shown_as_noauth(self):
        """The dashboard connects without credentials: a node world may only READ
        refuses its edit (WRITE), a child (CREATE on it) and its child's delete
        (DELETE on it); each shows NoAuth and changes nothing."""
        before = self.node_state()
        pane = self.open_tree()
        # Each key waits for the screen that shows the state it needs: the field
        # holding exactly "keep" with the cursor after it, then "keepX", then Enter.
        self.press_for_prompt(pane, "e", "set /aaa_guarded: keep▏")
        pane.keys("X")
        pane.wait_text("set /aaa_guarded: keepX▏")
        pane.keys("Enter")
        pane.wait_text("set /aaa_guarded (version 0) to 5 bytes? y/n")
        pane.keys("y")
        pane.wait_text("/aaa_guarded: NoAuth")
        pane.keys("c")
        pane.wait_for(lambda s: "new child of /aaa_guarded" in s and re.search(r"(?m)…?▏\s*│", s),
                      what="'new child of /aaa_guarded' with an empty field")
        pane.tmux("send-keys", "-t", pane.name, "-l", "newchild")
        pane.wait_text("newchild▏")
        pane.keys("Enter")
        pane.wait_text("data for /aaa_guarded/newchild")
        pane.keys("Enter")
        pane.wait_text("create /aaa_guarded/newchild (persistent, 0 bytes)? y/n")
        pane.keys("y")
        pane.wait_text("/aaa_guarded/newchild: NoAuth")
        pane.keys("l")
        pane.wait_for(lambda s: re.search(r"▾ aaa_guarded\b", s) and re.search(r"(?m)^\s+\S?\s*child\b", s),
                      what="/aaa_guarded expanded, /aaa_guarded/child listed")
        pane.keys("j")
        pane.wait_for(self.detail_loaded("/aaa_guarded/child"), what="/aaa_guarded/child selected, its Stat shown")
        self.press_for_prompt(pane, "d", "delete /aaa_guarded/child (version 0)? y/n")
        pane.keys("y")
        pane.wait_text("/aaa_guarded/child: NoAuth")
        pane.keys("q")
        pane.assert_shell_restored()
        self.assertEqual(self.node_state(), before)


# ---------------------------------------------------------------- the demo

def _tcp_sockets(pid):
    """[(state, (local host, port), (remote host, port))] of pid's TCP sockets, IPv4 and
    IPv6 (state "0A" = LISTEN, "01" = ESTABLISHED)."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            m = re.match(r"socket:\[(\d+)\]", target)
            if m:
                inodes.add(m.group(1))
    except OSError:
        return []

    def decode(text, v6):
        addr, port = text.split(":")
        raw = bytes.fromhex(addr)
        if v6:
            host = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
        else:
            host = socket.inet_ntoa(raw[::-1])
        return host, int(port, 16)

    found = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            with open(table) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) >= 10 and cols[9] in inodes:
                found.append((cols[3], decode(cols[1], v6), decode(cols[2], v6)))
    return found


def _listening(pid):
    return {local for state, local, _ in _tcp_sockets(pid) if state == "0A"}


class DemoTests(unittest.TestCase):
    """The demo in tmux: loopback only, and no signal to a process it no longer owns."""

    @classmethod
    def setUpClass(cls):
        reason = _tmux_reason()
        if reason:
            raise unittest.SkipTest(reason)

    def test_loopback_only_and_no_stale_signals(self):
        import test_demo
        import test_monitor
        self.addCleanup(test_monitor.tearDownModule)
        pane, base, data_dir, nodes = test_demo.DashboardDemoTests.start(self)
        demo_pid = wait_until(pane.monitor_pid, timeout=5)
        self.assertTrue(demo_pid, "no zkdash process in the pane")

        # Every listener of every node is on 127.0.0.1, on the demo's own ports; the
        # demo itself listens on nothing; every connection of them all is loopback.
        expected_ports = set(test_demo.ports_of(base))
        client_ports = {base + sid for sid in nodes}
        listening = set()
        for sid, pid in nodes.items():
            wait_until(lambda: base + sid in {p for _, p in _listening(pid)}, timeout=10)
            listening |= _listening(pid)
        print("DEMO_LISTENERS=%s" % " ".join("%s:%d" % a for a in sorted(listening)))
        self.assertTrue(client_ports <= {p for _, p in listening}, sorted(listening))
        self.assertEqual({h for h, _ in listening}, {LOOPBACK}, "listeners: %r" % sorted(listening))
        self.assertTrue({p for _, p in listening} <= expected_ports, sorted(listening))
        self.assertEqual(_listening(demo_pid), set(), "the demo process itself listens")
        for pid in list(nodes.values()) + [demo_pid]:
            for state, local, remote in _tcp_sockets(pid):
                if state == "0A":
                    continue
                for host, _ in (local, remote):
                    self.assertTrue(host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1"),
                                    "pid %d has a non-loopback connection %r -> %r" % (pid, local, remote))
        # The client address is loopback in the file that holds it. The demo writes
        # it into zoo.cfg; the demo's ensemble runs with reconfigEnabled, so once a
        # node has activated its membership it rewrites zoo.cfg as Apache does
        # (clientPort/clientPortAddress erased, as its server line carries them) and
        # the address is in its line of the zoo.cfg.dynamic.<version> file zoo.cfg
        # names. Wait for that rewrite so the test checks the same file every run.
        zoo_cfg = os.path.join(data_dir, "node-1", "zoo.cfg")

        def dynamic_file():
            with open(zoo_cfg) as f:
                names = [l.split("=", 1)[1].strip() for l in f.read().splitlines()
                         if l.startswith("dynamicConfigFile=")]
            return names[0] if names else None
        dynamic = wait_until(dynamic_file, timeout=15)
        self.assertTrue(dynamic, "node 1 never activated a membership (zoo.cfg not rewritten)")
        with open(dynamic) as f:
            own = [l for l in f.read().splitlines() if l.startswith("server.1=")]
        self.assertEqual(len(own), 1, "no server.1 line in %s" % dynamic)
        self.assertTrue(own[0].endswith(";127.0.0.1:%d" % (base + 1)), own[0])

        # s1 dies on its own (not through the demo): reaped and reported, then
        # K and P refuse instead of signalling a pid the demo no longer owns.
        decoy = subprocess.Popen(["sleep", "300"], preexec_fn=harness._pdeathsig)
        self.addCleanup(lambda: (decoy.kill(), decoy.wait(5)))
        os.kill(nodes[1], signal.SIGKILL)
        pane.wait_text("s1 exited by itself (signal 9)", timeout=15)
        pane.keys("1")
        pane.keys("K")
        pane.wait_text("s1 is not running (exited (signal 9)); R starts it again")
        pane.keys("P")
        pane.wait_text("s1 is not running (exited (signal 9)); R starts it again")
        self.assertEqual(test_demo.process_state(decoy.pid) in ("S", "R"), True)
        for sid in (2, 3):
            self.assertNotIn(test_demo.process_state(nodes[sid]), (None, "T", "Z"), "s%d was signalled" % sid)
        everything = list(test_demo.node_processes(data_dir).values())
        pane.keys("q")
        pane.assert_shell_restored()
        for pid in everything:
            self.assertIsNone(test_demo.process_state(pid), "pid %d left after q" % pid)
        self.assertIn(test_demo.process_state(decoy.pid), ("S", "R"), "the unrelated process was signalled")


if __name__ == "__main__":
    unittest.main()
