"""kazoo (python3-kazoo 2.8) against each target; differential by default.

Operations kazoo 2.8 cannot express (container/TTL creates, addWatch,
multiRead, getEphemerals, setWatches after reconnect, malformed paths that
kazoo normalises client-side) are driven through zkwire.RawClient.
"""

import threading
import time
import unittest

import harness
from harness import DiffCase, wait_until
import zkwire

from kazoo import exceptions as kex
from kazoo.protocol.states import KazooState
from kazoo.security import ACL, Id, make_digest_acl, make_acl, OPEN_ACL_UNSAFE
import kazoo.version


def attempt(fn, *a, **kw):
    """('ok', value) or ('err', ExceptionName)."""
    try:
        return ("ok", fn(*a, **kw))
    except Exception as e:  # noqa: BLE001
        return ("err", type(e).__name__)


def err_name(fn, *a, **kw):
    r = attempt(fn, *a, **kw)
    return "OK" if r[0] == "ok" else r[1]


def acl_tuple(a):
    return (a.perms, a.id.scheme, a.id.id)


class EventSink:
    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def __call__(self, ev):
        with self.lock:
            self.events.append((ev.type, ev.path))

    def wait(self, n=1, timeout=5.0, settle=0.3):
        wait_until(lambda: len(self.events) >= n, timeout)
        time.sleep(settle)
        with self.lock:
            return list(self.events)


class KazooTests(DiffCase):

    # ---------------------------------------------------------- create

    def scenario_create_persistent(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        t.record("create", c.create(r + "/a", b"hello"))
        data, st = c.get(r + "/a")
        self.assertEqual(data, b"hello")
        t.record("get", (data, t.rel_stat(st, base)))
        t.record("exists", t.rel_stat(c.exists(r + "/a"), base))
        t.record("dup", err_name(c.create, r + "/a", b"x"))
        t.record("noparent", err_name(c.create, r + "/nope/child", b"x"))
        t.record("makepath", c.create(r + "/m/n/o", b"deep", makepath=True))
        t.record("makepath_stats", [t.rel_stat(c.exists(p), base) for p in (r + "/m", r + "/m/n", r + "/m/n/o")])
        t.record("empty_data", t.rel_stat(c.exists(c.create(r + "/empty")), base))
        t.record("root_stat", t.rel_stat(c.exists(r), base))
        self.assertEqual(c.exists(r).numChildren, 3)

    def scenario_create_ephemeral(self, t):
        c = t.client()
        t.label(c.client_id[0], "c1")
        base = t.fresh_root(c).czxid
        r = t.root
        t.record("create", c.create(r + "/e", b"eph", ephemeral=True))
        st = c.exists(r + "/e")
        self.assertEqual(st.ephemeralOwner, c.client_id[0])
        t.record("stat", t.rel_stat(st, base))
        t.record("child_of_ephemeral", err_name(c.create, r + "/e/child", b""))
        t.record("eph_child_of_ephemeral", err_name(c.create, r + "/e/child", b"", ephemeral=True))
        t.record("delete_own", err_name(c.delete, r + "/e"))
        t.record("gone", c.exists(r + "/e"))

    def scenario_create_sequential(self, t):
        c = t.client()
        t.label(c.client_id[0], "c1")
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/p")
        names = []
        names.append(c.create(r + "/p/s-", b"", sequence=True))
        names.append(c.create(r + "/p/s-", b"", sequence=True))
        c.create(r + "/p/plain")
        names.append(c.create(r + "/p/s-", b"", sequence=True))
        c.delete(r + "/p/plain")          # bumps parent cversion
        names.append(c.create(r + "/p/x", b"", sequence=True))
        names.append(c.create(r + "/p/", b"", sequence=True))   # empty prefix
        names.append(c.create(r + "/p/e-", b"", sequence=True, ephemeral=True))
        t.record("names", names)
        # Apache keeps a per-parent count of child creations and uses it as
        # the %010d suffix; deletes do not advance it.  The cversion clients
        # see is 2*creations - numChildren (DataNode.copyStat), so it does
        # count deletes.  Here: creations before each call = 0,1,3,4,5,6.
        self.assertEqual(names[0], r + "/p/s-0000000000")
        self.assertEqual(names[1], r + "/p/s-0000000001")
        self.assertEqual(names[2], r + "/p/s-0000000003")
        self.assertEqual(names[3], r + "/p/x0000000004")
        self.assertEqual(names[4], r + "/p/0000000005")
        st = c.exists(r + "/p")
        self.assertEqual(st.cversion, 2 * 7 - st.numChildren)
        st = c.exists(r + "/p")
        t.record("parent", t.rel_stat(st, base))
        t.record("children", sorted(c.get_children(r + "/p")))
        t.record("eph_owner", t.owner(c.exists(names[5]).ephemeralOwner))
        # sequence on a fresh parent with cversion from set_acls untouched
        c.create(r + "/q")
        c.set_acls(r + "/q", OPEN_ACL_UNSAFE)
        t.record("after_setacl", c.create(r + "/q/n", sequence=True))

    def scenario_create2_include_data(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        path, st = c.create(r + "/c2", b"abc", include_data=True)
        self.assertEqual(path, r + "/c2")
        self.assertEqual(st.dataLength, 3)
        t.record("create2", (path, t.rel_stat(st, base)))
        path, st = c.create(r + "/c2s-", b"", sequence=True, include_data=True)
        t.record("create2_seq", (path, t.rel_stat(st, base)))
        self.assertEqual(st, c.exists(path))
        t.record("create2_exists", err_name(c.create, r + "/c2", b"", include_data=True))

    def scenario_container_nodes(self, t):
        """createContainer (opcode 19) via the raw client: kazoo 2.8 has no container API."""
        c = t.client()
        base = t.fresh_root(c).czxid
        raw = t.raw()
        r = t.root
        err, res = raw.create(r + "/box", b"x", flags=zkwire.CONTAINER, opcode="createContainer")
        self.assertEqual(err, "OK")
        path, st = res
        t.record("create", path)
        # stored as Long.MIN_VALUE internally, but DataNode.copyStat shows
        # clients 0 for container/TTL owners
        self.assertEqual(st["ephemeralOwner"], 0)
        t.record("stat", t.rel_stat(st, base))
        t.record("child", c.create(r + "/box/child", b""))
        t.record("numChildren", c.exists(r + "/box").numChildren)
        t.record("container_flag_wrong_opcode", raw.create(r + "/box2", b"", flags=zkwire.CONTAINER)[0])
        t.record("createContainer_with_persistent_flag",
                 raw.create(r + "/box3", b"", flags=zkwire.PERSISTENT, opcode="createContainer")[0])
        t.record("eph_child_of_container", raw.create(r + "/box/e", b"", flags=zkwire.EPHEMERAL)[0])
        t.record("children", sorted(c.get_children(r)))
        t.record("delete_container_op", raw.delete(r + "/box", opcode="deleteContainer")[0])
        t.record("root_stat", t.rel_stat(c.exists(r), base))

    def scenario_ttl_nodes(self, t):
        """TTL nodes: Apache 3.8 refuses them unless extendedTypesEnabled (off by default)."""
        c = t.client()
        t.fresh_root(c)
        raw = t.raw()
        r = t.root
        t.record("createTTL", raw.create(r + "/ttl", b"x", flags=zkwire.PERSISTENT_WITH_TTL,
                                         opcode="createTTL", ttl=1000)[0])
        t.record("createTTL_seq", raw.create(r + "/ttls-", b"x", flags=zkwire.PERSISTENT_SEQUENTIAL_WITH_TTL,
                                             opcode="createTTL", ttl=1000)[0])
        t.record("createTTL_zero_ttl", raw.create(r + "/ttl0", b"x", flags=zkwire.PERSISTENT_WITH_TTL,
                                                  opcode="createTTL", ttl=0)[0])
        t.record("create_ttl_flag_plain_opcode", raw.create(r + "/ttl2", b"x", flags=zkwire.PERSISTENT_WITH_TTL)[0])
        t.record("create_bad_flag", raw.create(r + "/bad", b"x", flags=42)[0])
        t.record("exists", [c.exists(r + p) is not None for p in ("/ttl", "/ttl0", "/ttl2", "/bad")])
        t.record("still_connected", raw.exists("/")[0])

    def scenario_null_data(self, t):
        """data=None is a null jute buffer (length -1): Apache keeps null."""
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/null", None)
        data, st = c.get(r + "/null")
        t.record("kazoo_create_none", (data, t.rel_stat(st, base)))
        c.create(r + "/empty", b"")
        t.record("kazoo_create_empty", c.get(r + "/empty")[0])
        c.set(r + "/empty", None)
        t.record("kazoo_set_none", c.get(r + "/empty")[0])
        raw = t.raw()
        raw.create(r + "/rawnull", None)
        err, res = raw.get_data(r + "/rawnull")
        t.record("raw_get_null", (err, res[0], res[1]["dataLength"]))
        kids, st = c.get_children(r, include_data=True)
        t.record("children", sorted(kids))

    # ---------------------------------------------------------- delete / exists / get / set

    def scenario_delete(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/d", b"1")
        c.set(r + "/d", b"2")
        t.record("bad_version", err_name(c.delete, r + "/d", version=0))
        t.record("good_version", err_name(c.delete, r + "/d", version=1))
        t.record("no_node", err_name(c.delete, r + "/d"))
        c.create(r + "/full/kid", makepath=True)
        t.record("not_empty", err_name(c.delete, r + "/full"))
        t.record("not_empty_bad_version", err_name(c.delete, r + "/full", version=7))
        kid_czxid = c.exists(r + "/full/kid").czxid
        t.record("recursive", err_name(c.delete, r + "/full", recursive=True))
        # The root's pzxid counted from /full/kid's create, two txns back, not from `base`:
        # a session of an earlier test expiring on the shared server takes a zxid at any time
        # (CI once saw 12 on one server and 13 on the other). Failed writes taking a zxid, what
        # the distance from `base` also showed, scenario_reply_header_zxids checks.
        root_after = t.rel_stat(c.exists(r), base)
        root_after["pzxid"] = root_after["pzxid"] + base - kid_czxid
        t.record("root_after", root_after)
        t.record("delete_root", err_name(c.delete, "/"))
        t.record("delete_zookeeper", err_name(c.delete, "/zookeeper"))
        t.record("delete_zookeeper_quota", err_name(c.delete, "/zookeeper/quota"))
        t.record("delete_zookeeper_config", err_name(c.delete, "/zookeeper/config"))

    def scenario_exists_get(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        self.assertIsNone(c.exists(r + "/none"))
        t.record("exists_missing", c.exists(r + "/none"))
        t.record("get_missing", err_name(c.get, r + "/none"))
        c.create(r + "/bin", bytes(range(256)))
        data, st = c.get(r + "/bin")
        self.assertEqual(data, bytes(range(256)))
        t.record("binary", (len(data), t.rel_stat(st, base)))
        c.create(r + "/utf", "héllo ☃".encode("utf-8"))
        t.record("utf8", c.get(r + "/utf")[0])
        t.record("get_root", t.rel_stat(c.exists(r), base))

    def scenario_set(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/s", b"v0")
        last = [c.exists(r + "/s").czxid]

        def set_stat(st):
            """rel_stat, with mzxid as "the next write's zxid, past the last": other sessions'
            txns (an earlier test's sessions expiring: closeSession) may land in between on either
            server, so the distance is not comparable (CI saw Apache 12 and zkdash 7 once)."""
            d = t.rel_stat(st, base)
            d["mzxid"] = "advanced" if st.mzxid > last[0] else "did not advance"
            last[0] = max(last[0], st.mzxid)
            return d

        st = c.set(r + "/s", b"v1")
        t.record("set1", set_stat(st))
        self.assertEqual(st.version, 1)
        st = c.set(r + "/s", b"v1")            # same data still bumps version
        t.record("set_same", set_stat(st))
        t.record("set_bad_version", err_name(c.set, r + "/s", b"x", version=0))
        st = c.set(r + "/s", b"longer value", version=2)
        t.record("set_good_version", set_stat(st))
        t.record("set_missing", err_name(c.set, r + "/missing", b"x"))
        st = c.set(r + "/s", b"")
        t.record("set_empty", set_stat(st))
        after = c.get(r + "/s")
        d = t.rel_stat(after[1], base)
        d["mzxid"] = "the last set's" if after[1].mzxid == last[0] else "another"
        t.record("get_after", (after[0], d))
        t.record("parent_unchanged", t.rel_stat(c.exists(r), base))

    def scenario_get_children(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        for n in ("b", "a", "c"):
            c.create(r + "/" + n, n.encode())
        c.create(r + "/a/x")
        kids = c.get_children(r)
        t.record("children", sorted(kids))
        kids, st = c.get_children(r, include_data=True)
        t.record("children2", (sorted(kids), t.rel_stat(st, base)))
        t.record("leaf", c.get_children(r + "/b"))
        t.record("missing", err_name(c.get_children, r + "/none"))
        t.record("missing2", err_name(c.get_children, r + "/none", include_data=True))
        self.assertIn("zookeeper", c.get_children("/"))

    def scenario_zookeeper_system_nodes(self, t):
        c = t.client()
        kids = sorted(c.get_children("/zookeeper"))
        t.record("zookeeper_children", kids)
        self.assertEqual(kids, ["config", "quota"])
        t.record("quota_children", c.get_children("/zookeeper/quota"))
        d, st = c.get("/zookeeper")
        t.record("zookeeper_node", (d, st.czxid, st.mzxid, st.version, st.cversion, st.ephemeralOwner, st.numChildren))
        d, st = c.get("/zookeeper/quota")
        t.record("quota_node", (d, st.czxid, st.version, st.numChildren, st.dataLength))
        d, st = c.get("/zookeeper/config")
        t.record("config_node", (d, st.czxid, st.version, st.numChildren, st.dataLength))
        t.record("config_acl", [acl_tuple(a) for a in c.get_acls("/zookeeper/config")[0]])
        t.record("zookeeper_acl", [acl_tuple(a) for a in c.get_acls("/zookeeper")[0]])
        t.record("create_under_zookeeper", err_name(c.create, "/zookeeper/it_tmp", b""))
        if c.exists("/zookeeper/it_tmp"):
            c.delete("/zookeeper/it_tmp")
        t.record("set_zookeeper_config", err_name(c.set, "/zookeeper/config", b"x"))

    # ---------------------------------------------------------- ACLs and auth

    def scenario_acls(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/n", b"")
        acls, st = c.get_acls(r + "/n")
        t.record("default", ([acl_tuple(a) for a in acls], t.rel_stat(st, base)))
        self.assertEqual([acl_tuple(a) for a in acls], [(31, "world", "anyone")])
        read_only = [make_acl("world", "anyone", read=True)]
        st = c.set_acls(r + "/n", read_only)
        t.record("set_acls", t.rel_stat(st, base))
        t.record("set_acls_bad_version", err_name(c.set_acls, r + "/n", OPEN_ACL_UNSAFE, version=0))
        t.record("write_denied", err_name(c.set, r + "/n", b"x"))
        t.record("create_child_denied", err_name(c.create, r + "/n/k"))
        t.record("read_ok", err_name(c.get, r + "/n"))
        t.record("setacl_denied_no_admin", err_name(c.set_acls, r + "/n", OPEN_ACL_UNSAFE))
        t.record("empty_acl", err_name(c.create, r + "/e", b"", acl=[]))
        t.record("set_empty_acl", err_name(c.set_acls, r, []))
        t.record("bogus_scheme", err_name(c.create, r + "/b", b"", acl=[make_acl("bogus", "x", all=True)]))
        t.record("set_acls_missing", err_name(c.set_acls, r + "/missing", OPEN_ACL_UNSAFE))
        t.record("get_acls_missing", err_name(c.get_acls, r + "/missing"))
        c.create(r + "/cd", b"", acl=[make_acl("world", "anyone", create=True, read=True, delete=False)])
        t.record("create_under_create_only", err_name(c.create, r + "/cd/x"))
        t.record("delete_child_without_delete_perm", err_name(c.delete, r + "/cd/x"))
        c.create(r + "/dl", b"", acl=[make_acl("world", "anyone", delete=True, read=True)])
        t.record("create_under_delete_only", err_name(c.create, r + "/dl/x"))
        t.record("delete_node_itself_needs_parent_perm", err_name(c.delete, r + "/dl"))
        t.record("root_after", t.rel_stat(c.exists(r), base))

    def scenario_digest_auth(self, t):
        owner = t.client()
        base = t.fresh_root(owner).czxid
        r = t.root
        owner.add_auth("digest", "alice:pw")
        acl = make_digest_acl("alice", "pw", all=True)
        t.record("acl_id", acl.id.id)
        owner.create(r + "/secret", b"s3cret", acl=[acl])
        t.record("owner_read", owner.get(r + "/secret")[0])
        other = t.client()
        t.record("anon_read", err_name(other.get, r + "/secret"))
        # exists on a node without READ: Apache 3.8.0 (the Debian reference)
        # answers the Stat; 3.8.4+ answers NoAuth (ZOOKEEPER-2590), and zkdash
        # follows 3.8.4+. Each side is held to its own version's rule.
        anon_exists = err_name(other.exists, r + "/secret")
        if t.kind == "apache":
            self.assertEqual(anon_exists, "OK")
        else:
            self.assertEqual(anon_exists, "NoAuthError")
        t.record("anon_get_acls", err_name(other.get_acls, r + "/secret"))      # getACL needs no perm in 3.8? recorded
        t.record("anon_set", err_name(other.set, r + "/secret", b"x"))
        owner.create(r + "/secret2", b"", acl=[acl])
        t.record("anon_delete_leaf", err_name(other.delete, r + "/secret2"))     # delete checks the parent's ACL
        other.add_auth("digest", "alice:wrong")
        t.record("wrong_pw_read", err_name(other.get, r + "/secret"))
        other.add_auth("digest", "alice:pw")
        t.record("right_pw_read", other.get(r + "/secret")[0])
        su = t.client()
        su.add_auth("digest", "%s:%s" % (harness.SUPER_USER, harness.SUPER_PASSWORD))
        t.record("super_read", su.get(r + "/secret")[0])
        acls, _ = owner.get_acls(r + "/secret")
        t.record("acls", [acl_tuple(a) for a in acls])
        # malformed digest ids
        t.record("digest_no_colon", err_name(owner.create, r + "/m1", b"",
                                             acl=[ACL(31, Id("digest", "nocolon"))]))
        t.record("auth_scheme_without_auth", err_name(t.client().create, r + "/m2", b"",
                                                      acl=[ACL(31, Id("auth", ""))]))

    def scenario_auth_scheme_acl(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.add_auth("digest", "bob:pw1")
        c.create(r + "/mine", b"x", acl=[ACL(31, Id("auth", ""))])
        acls, _ = c.get_acls(r + "/mine")
        t.record("expanded", [acl_tuple(a) for a in acls])
        self.assertEqual([acl_tuple(a) for a in acls],
                         [(31, "digest", "bob:" + harness.digest("bob", "pw1"))])
        c.add_auth("digest", "carol:pw2")
        c.create(r + "/ours", b"x", acl=[ACL(1, Id("auth", "ignored"))])
        t.record("expanded_two_ids", sorted(acl_tuple(a) for a in c.get_acls(r + "/ours")[0]))
        anon = t.client()
        t.record("anon_read", err_name(anon.get, r + "/mine"))

    def scenario_ip_acl(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/lo", b"lo", acl=[make_acl("ip", "127.0.0.1", all=True)])
        t.record("ip_exact_read", c.get(r + "/lo")[0])
        c.create(r + "/net", b"net", acl=[make_acl("ip", "127.0.0.0/8", all=True)])
        t.record("ip_cidr_read", c.get(r + "/net")[0])
        # an ACL naming another address is only a string; no traffic goes there
        c.create(r + "/other", b"x", acl=[make_acl("ip", "192.0.2.1", all=True)])
        t.record("ip_other_read", err_name(c.get, r + "/other"))
        t.record("ip_other_cidr", err_name(c.create, r + "/oc", b"", acl=[make_acl("ip", "192.0.2.0/24", read=True)]))
        t.record("ip_bad", err_name(c.create, r + "/bad", b"", acl=[make_acl("ip", "not-an-ip", all=True)]))
        t.record("ip_bad_mask", err_name(c.create, r + "/bad2", b"", acl=[make_acl("ip", "127.0.0.1/99", all=True)]))
        t.record("acls", [acl_tuple(a) for a in c.get_acls(r + "/net")[0]])

    def scenario_auth_failures_raw(self, t):
        raw = t.raw()
        t.record("unknown_scheme", raw.add_auth("nosuchscheme", b"x"))
        alive = True
        try:
            raw.ping()
        except Exception:
            alive = False
        t.record("connection_alive_after_failed_auth", alive)
        raw2 = t.raw()
        t.record("digest_malformed_no_colon", raw2.add_auth("digest", b"justuser"))
        try:
            raw2.ping()
            t.record("alive2", True)
        except Exception:
            t.record("alive2", False)
        raw3 = t.raw()
        t.record("world_auth", raw3.add_auth("world", b"anyone"))
        raw4 = t.raw()
        t.record("ip_auth", raw4.add_auth("ip", b"127.0.0.1"))

    def scenario_get_acls_redaction(self, t):
        """getACL with READ but without ADMIN shows digest ids with the hash
        replaced (ZOOKEEPER-1392); with neither it is NoAuth."""
        owner = t.client()
        t.fresh_root(owner)
        r = t.root
        owner.add_auth("digest", "alice:pw")
        owner.create(r + "/n", b"", acl=[make_digest_acl("alice", "pw", all=True),
                                         make_acl("world", "anyone", read=True)])
        anon = t.client()
        acls, st = anon.get_acls(r + "/n")
        t.record("anon_read_only", [acl_tuple(a) for a in acls])
        acls, _ = owner.get_acls(r + "/n")
        t.record("owner_admin", [acl_tuple(a) for a in acls])
        owner.create(r + "/w", b"", acl=[make_digest_acl("alice", "pw", all=True),
                                         make_acl("world", "anyone", write=True)])
        t.record("anon_write_only", err_name(anon.get_acls, r + "/w"))

    def scenario_reconfig_disabled(self, t):
        """reconfig (opcode 16) on a standalone server without reconfigEnabled.
        Sent raw: kazoo 2.8 does not know error -123 and its connection thread dies."""
        c = t.client()
        raw = t.raw()
        body = (zkwire.enc_string("server.9=127.0.0.1:24998:24997;24996") + zkwire.enc_string(None)
                + zkwire.enc_string(None) + zkwire.enc_long(-1))
        err, _, _ = raw.call(zkwire.OP["reconfig"], body)
        t.record("reconfig", zkwire.ERR.get(err, err))
        t.record("connection_usable", raw.exists("/")[0])
        t.record("config_node", c.get("/zookeeper/config")[0])

    # ---------------------------------------------------------- sync / transactions / multiRead

    def scenario_sync(self, t):
        c = t.client()
        t.fresh_root(c)
        t.record("sync", c.sync(t.root))
        t.record("sync_root", c.sync("/"))
        t.record("sync_missing", err_name(c.sync, t.root + "/missing"))

    def scenario_transaction_commit(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/old", b"o")
        tx = c.transaction()
        tx.create(r + "/t1", b"1")
        tx.create(r + "/t1/t2", b"2")
        tx.set_data(r + "/old", b"o2")
        tx.check(r + "/old", 1)
        tx.delete(r + "/t1/t2")
        tx.create(r + "/s-", b"", sequence=True)
        res = tx.commit()
        out = []
        for x in res:
            if isinstance(x, (str, bool)):
                out.append(x)
            elif isinstance(x, Exception):
                out.append(type(x).__name__)
            else:
                out.append(t.rel_stat(x, base))
        t.record("results", out)
        self.assertEqual(res[0], r + "/t1")
        # all ops of one multi share one zxid
        st1, st_old = c.exists(r + "/t1"), c.exists(r + "/old")
        self.assertEqual(st1.czxid, st_old.mzxid)
        t.record("t1", t.rel_stat(st1, base))
        t.record("root", t.rel_stat(c.exists(r), base))
        t.record("empty_tx", c.transaction().commit())

    def scenario_transaction_rollback(self, t):
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/x", b"x")
        tx = c.transaction()
        tx.create(r + "/new", b"n")
        tx.set_data(r + "/x", b"changed")
        tx.check(r + "/x", 5)
        tx.delete(r + "/x")
        tx.create(r + "/new2")
        res = tx.commit()
        t.record("results", [type(x).__name__ for x in res])
        self.assertIsInstance(res[2], kex.BadVersionError)
        self.assertIsNone(c.exists(r + "/new"))
        self.assertEqual(c.get(r + "/x")[0], b"x")
        t.record("x_after", t.rel_stat(c.exists(r + "/x"), base))
        t.record("root_after", t.rel_stat(c.exists(r), base))
        # failures of other kinds inside a multi
        for label, build in (
            ("nonode_first", lambda tx: (tx.delete(r + "/missing"), tx.create(r + "/a"))),
            ("exists_last", lambda tx: (tx.create(r + "/b"), tx.create(r + "/x"))),
            ("notempty", lambda tx: (tx.create(r + "/x/k"), tx.delete(r + "/x"))),
            ("eph_parent", lambda tx: (tx.create(r + "/ep", ephemeral=True), tx.create(r + "/ep/k"))),
            ("check_missing", lambda tx: (tx.check(r + "/missing", 0),)),
        ):
            tx = c.transaction()
            build(tx)
            t.record(label, [type(x).__name__ if isinstance(x, Exception) else "ok" for x in tx.commit()])
        t.record("children", sorted(c.get_children(r)))

    def scenario_multi_raw_results(self, t):
        """Exact per-op multi result types/codes on the wire (kazoo hides some)."""
        c = t.client()
        base = t.fresh_root(c).czxid
        raw = t.raw()
        r = t.root
        ops = [("create", zkwire.body_create(r + "/a", b"a")),
               ("create2", zkwire.body_create(r + "/b", b"b")),
               ("setData", zkwire.body_set_data(r + "/a", b"aa")),
               ("check", zkwire.enc_string(r + "/a") + zkwire.enc_int(1)),
               ("delete", zkwire.body_delete(r + "/b"))]
        err, res = raw.multi(ops)
        norm = []
        for x in res:
            if x[0] == "create2":
                norm.append(("create2", x[1], t.rel_stat(x[2], base)))
            elif x[0] == "setData":
                norm.append(("setData", t.rel_stat(x[1], base)))
            else:
                norm.append(x)
        t.record("ok_multi", (err, norm))
        err, res = raw.multi([("create", zkwire.body_create(r + "/c")),
                              ("delete", zkwire.body_delete(r + "/nope")),
                              ("create", zkwire.body_create(r + "/d"))])
        t.record("failed_multi", (err, res))
        err, res = raw.multi([("getData", zkwire.body_path_watch(r, False))])
        t.record("read_op_in_multi", (err, res))
        t.record("still_ok", raw.exists(r)[0])

    def scenario_multi_read(self, t):
        """multiRead (opcode 22): not in kazoo 2.8, sent raw."""
        c = t.client()
        base = t.fresh_root(c).czxid
        r = t.root
        c.create(r + "/a", b"A")
        c.create(r + "/a/k1")
        raw = t.raw()
        err, res = raw.multi_read([("getData", r + "/a"), ("getChildren", r + "/a"),
                                   ("getData", r + "/missing"), ("getChildren", r + "/missing"),
                                   ("getData", r)])
        out = []
        for x in (res or []):
            if x[0] == "getData":
                out.append(("getData", x[1], t.rel_stat(x[2], base)))
            else:
                out.append(x)
        t.record("multi_read", (err, out))
        self.assertEqual(err, "OK")

    def scenario_raw_misc_ops(self, t):
        """getEphemerals, getAllChildrenNumber, removeWatches/checkWatches (3.6+ ops)."""
        c = t.client()
        t.fresh_root(c)
        r = t.root
        raw = t.raw()
        raw.create(r + "/e1", b"", flags=zkwire.EPHEMERAL)
        raw.create(r + "/p", b"")
        raw.create(r + "/p/e2", b"", flags=zkwire.EPHEMERAL)
        err, eph = raw.get_ephemerals(r)
        t.record("get_ephemerals", (err, sorted(eph or [])))
        err, eph = raw.get_ephemerals(r + "/p")
        t.record("get_ephemerals_prefix", (err, sorted(eph or [])))
        t.record("all_children_number", raw.get_all_children_number(r))
        t.record("all_children_number_missing", raw.get_all_children_number(r + "/nope"))
        raw.get_data(r + "/p", watch=True)
        t.record("check_watches_data", raw.remove_watches(r + "/p", 2, opcode="checkWatches"))
        t.record("check_watches_child_none", raw.remove_watches(r + "/p", 1, opcode="checkWatches"))
        t.record("remove_watches_data", raw.remove_watches(r + "/p", 2))
        t.record("events", raw.wait_events(1, 1.0))
        t.record("remove_again", raw.remove_watches(r + "/p", 2))
        t.record("remove_any_missing_path", raw.remove_watches(r + "/zz", 3))

    # ---------------------------------------------------------- stat semantics

    def scenario_stat_fields(self, t):
        c = t.client()
        t.label(c.client_id[0], "c1")
        base = t.fresh_root(c).czxid
        r = t.root
        seq = []
        c.create(r + "/p", b"12345")
        seq.append(("create", t.rel_stat(c.exists(r + "/p"), base)))
        c.create(r + "/p/a")
        seq.append(("child+", t.rel_stat(c.exists(r + "/p"), base)))
        c.set(r + "/p/a", b"zz")
        seq.append(("child set", t.rel_stat(c.exists(r + "/p"), base)))
        c.create(r + "/p/b", ephemeral=True)
        seq.append(("eph child+", t.rel_stat(c.exists(r + "/p"), base)))
        c.delete(r + "/p/a")
        seq.append(("child-", t.rel_stat(c.exists(r + "/p"), base)))
        c.set_acls(r + "/p", OPEN_ACL_UNSAFE)
        seq.append(("setacl", t.rel_stat(c.exists(r + "/p"), base)))
        c.set(r + "/p", b"")
        seq.append(("set empty", t.rel_stat(c.exists(r + "/p"), base)))
        seq.append(("eph", t.rel_stat(c.exists(r + "/p/b"), base)))
        for label, st in seq:
            t.record(label, st)
        s = dict(seq)
        self.assertEqual(s["child+"]["cversion"], 1)
        self.assertEqual(s["child+"]["pzxid"], s["child+"]["czxid"] + 1)
        self.assertEqual(s["child set"], s["child+"])
        self.assertEqual(s["child-"]["cversion"], 3)
        self.assertEqual(s["setacl"]["aversion"], 1)
        self.assertEqual(s["eph"]["ephemeralOwner"], "c1")
        # the zxid in a reply header equals the mzxid of the write
        self.assertEqual(c.last_zxid, c.exists(r + "/p").mzxid)

    # ---------------------------------------------------------- watches

    def scenario_data_watch(self, t):
        c = t.client()
        w = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/n", b"")
        sink = EventSink()
        w.get(r + "/n", watch=sink)
        c.set(r + "/n", b"1")
        c.set(r + "/n", b"2")      # watch is one-shot
        t.record("get_watch_set", sink.wait(1))
        sink2 = EventSink()
        w.get(r + "/n", watch=sink2)
        c.delete(r + "/n")
        t.record("get_watch_delete", sink2.wait(1))
        sink3 = EventSink()
        t.record("exists_missing", w.exists(r + "/n", watch=sink3))
        c.create(r + "/n", b"again")
        c.set(r + "/n", b"x")
        t.record("exists_watch_create", sink3.wait(1))
        sink4 = EventSink()
        w.exists(r + "/n", watch=sink4)
        c.set(r + "/n", b"y")
        t.record("exists_watch_set", sink4.wait(1))
        sink5 = EventSink()
        w.exists(r + "/n", watch=sink5)
        c.create(r + "/n/kid")     # child change does not fire a data watch
        c.delete(r + "/n/kid")
        c.set_acls(r + "/n", OPEN_ACL_UNSAFE)   # neither does an ACL change
        t.record("exists_watch_no_fire", sink5.wait(0, timeout=0.2, settle=0.5))
        c.delete(r + "/n")
        t.record("exists_watch_delete", sink5.wait(1))
        sink6 = EventSink()
        self.assertEqual(attempt(w.get, r + "/n", watch=sink6)[0], "err")
        c.create(r + "/n")
        t.record("failed_get_sets_no_watch", sink6.wait(0, timeout=0.2, settle=0.5))

    def scenario_child_watch(self, t):
        c = t.client()
        w = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/p")
        sink = EventSink()
        w.get_children(r + "/p", watch=sink)
        c.set(r + "/p", b"data")          # no child event
        c.create(r + "/p/a")
        c.create(r + "/p/b")
        t.record("child_create", sink.wait(1))
        sink2 = EventSink()
        w.get_children(r + "/p", watch=sink2)
        c.create(r + "/p/a/deeper")       # grandchild: no event on /p
        c.delete(r + "/p/a/deeper")
        c.delete(r + "/p/b")
        t.record("child_delete", sink2.wait(1))
        sink3 = EventSink()
        w.get_children(r + "/p/a", watch=sink3)
        c.delete(r + "/p/a")
        t.record("child_watch_on_deleted_node", sink3.wait(1))
        sink4, sink5 = EventSink(), EventSink()
        w.get_children(r + "/p", watch=sink4)
        w.get(r + "/p", watch=sink5)
        c.delete(r + "/p")
        t.record("delete_parent_child_watch", sink4.wait(1))
        t.record("delete_parent_data_watch", sink5.wait(1))

    def scenario_watch_from_multi_and_self(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        sink_self = EventSink()
        c.exists(r + "/m", watch=sink_self)
        tx = c.transaction()
        tx.create(r + "/m")
        tx.set_data(r + "/m", b"x")
        tx.commit()
        t.record("multi_create_then_set", sink_self.wait(1))

    def scenario_watches_survive_reconnect_kazoo(self, t):
        if not hasattr(__import__("kazoo.protocol.serialization", fromlist=["x"]), "SetWatches"):
            raise unittest.SkipTest("kazoo %s never re-sends setWatches after a reconnect; covered by "
                                    "watches_survive_reconnect_raw" % kazoo.version.__version__)

    def scenario_watches_survive_reconnect_raw(self, t):
        """Reconnect the same session on a new socket and re-arm watches with
        setWatches (opcode 101), as the Java and C clients do."""
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/d", b"")
        c.create(r + "/k", b"")
        c.create(r + "/changed", b"")
        raw = t.raw(timeout_ms=10000)
        raw.get_data(r + "/d", watch=True)
        raw.exists(r + "/x", watch=True)
        raw.get_children(r + "/k", watch=True)
        raw.get_data(r + "/changed", watch=True)
        rel = raw.last_zxid
        raw.close_socket()
        c.set(r + "/changed", b"while away")      # happens while disconnected
        c.create(r + "/gone")
        resp = raw.connect()                      # same session id + password
        t.record("resumed_same_session", resp["sessionId"] == raw.session_id and resp["timeOut"] > 0)
        t.record("set_watches", raw.set_watches(rel, data=[r + "/d", r + "/changed"],
                                                exist=[r + "/x", r + "/gone"], child=[r + "/k"]))
        t.record("immediate", sorted(raw.wait_events(2, 3.0)))
        raw.events.clear()
        c.set(r + "/d", b"1")
        c.create(r + "/x")
        c.create(r + "/k/kid")
        t.record("after_changes", sorted(raw.wait_events(3, 5.0)))

    def scenario_watch_dropped_with_connection(self, t):
        """A new socket for the same session without setWatches: old watches do not fire."""
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/d")
        raw = t.raw()
        raw.get_data(r + "/d", watch=True)
        raw.close_socket()
        resp = raw.connect()
        t.record("resumed", resp["timeOut"] > 0)
        c.set(r + "/d", b"x")
        t.record("events", raw.wait_events(1, 1.5))

    def scenario_persistent_watches(self, t):
        """addWatch (opcode 106): kazoo 2.8 has no add_watch, so sent raw."""
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/p")
        c.create(r + "/rec")
        raw = t.raw()
        t.record("add_persistent", raw.add_watch(r + "/p", 0))
        t.record("add_recursive", raw.add_watch(r + "/rec", 1))
        t.record("add_missing_path", raw.add_watch(r + "/notyet", 0))
        c.set(r + "/p", b"1")
        c.set(r + "/p", b"2")
        c.create(r + "/p/kid")
        c.delete(r + "/p/kid")
        c.create(r + "/notyet")
        c.create(r + "/rec/a")
        c.create(r + "/rec/a/b")
        c.set(r + "/rec/a/b", b"v")
        c.delete(r + "/rec/a/b")
        c.set(r + "/rec", b"top")
        c.delete(r + "/p")
        evs = raw.wait_events(11, 6.0)
        evs = raw.wait_events(len(evs) + 1, 0.5)    # nothing extra may follow
        t.record("events", evs)
        t.record("remove_persistent", raw.remove_watches(r + "/rec", 3))
        raw.events.clear()
        c.create(r + "/rec/after")
        t.record("after_remove", raw.wait_events(1, 1.0))

    # ---------------------------------------------------------- sessions

    def scenario_close_removes_ephemerals(self, t):
        c1 = t.client()
        c2 = t.client()
        t.fresh_root(c2)
        r = t.root
        c1.create(r + "/e", ephemeral=True)
        c1.create(r + "/es-", ephemeral=True, sequence=True)
        sink = EventSink()
        c2.exists(r + "/e", watch=sink)
        t0 = time.monotonic()
        c1.stop()
        evs = sink.wait(1, timeout=5.0, settle=0.0)
        took = time.monotonic() - t0
        t.record("event", evs)
        t.record("children", c2.get_children(r))
        self.assertLess(took, 3.0, "closing a session must remove its ephemerals immediately")

    def scenario_session_expiry(self, t):
        """Owner reaches the server through a loopback proxy that is then cut:
        no pings, no close -> the server must expire the session (timeout 4s)
        and delete its ephemerals; on reconnect the client learns it expired."""
        proxy = harness.LoopbackProxy(t.port)
        t.add_cleanup(proxy.close)
        owner = t.client(hosts=proxy.hosts, timeout=4.0)
        states = []
        owner.add_listener(lambda s: states.append(s))
        watcher = t.client()
        t.fresh_root(watcher)
        r = t.root
        owner.create(r + "/e", b"", ephemeral=True)
        sink = EventSink()
        watcher.exists(r + "/e", watch=sink)
        sid = owner.client_id[0]
        t0 = time.monotonic()
        proxy.cut()
        evs = sink.wait(1, timeout=20.0, settle=0.0)
        took = time.monotonic() - t0
        t.record("deleted_event", evs)
        self.assertTrue(evs, "ephemeral not removed within 20s of the owner going silent")
        self.assertGreater(took, 2.0, "session expired too early (%.1fs) for a 4s timeout" % took)
        proxy.restore()
        ok = wait_until(lambda: KazooState.LOST in states and owner.connected, 20.0, 0.1)
        t.record("states", [str(s) for s in states])
        self.assertTrue(ok, "client did not observe LOST then reconnect: %r" % states)
        self.assertNotEqual(owner.client_id[0], sid)
        t.record("new_session_works", err_name(owner.create, r + "/after", b""))

    def scenario_idle_session_kept_alive(self, t):
        """A 4 s session idle for 7 s stays alive on pings alone."""
        c = t.client(timeout=4.0)
        t.fresh_root(c)
        sid = c.client_id[0]
        c.create(t.root + "/e", b"", ephemeral=True)
        states = []
        c.add_listener(lambda s: states.append(str(s)))
        time.sleep(7)
        t.record("states_while_idle", states)
        t.record("same_session", c.client_id[0] == sid)
        t.record("ephemeral_present", c.exists(t.root + "/e") is not None)

    def scenario_read_only_handshake(self, t):
        raw = t.raw(connect=False)
        raw.open_socket()
        resp = raw.connect(read_only=True)
        t.record("response", (resp["timeOut"] > 0, resp["readOnly"]))
        t.record("write_ok", raw.create("/it_ro_probe", b"", flags=zkwire.EPHEMERAL)[0])
        raw2 = t.raw(connect=False)
        raw2.open_socket()
        raw2.send_raw(zkwire.frame(zkwire.enc_int(0) + zkwire.enc_long(0) + zkwire.enc_int(10000)
                                   + zkwire.enc_long(0) + zkwire.enc_buffer(b"\x00" * 16)))
        r = zkwire.Reader(raw2.read_frame())
        t.record("pre_3_4_handshake_without_readonly_byte",
                 (r.int(), r.int() > 0, r.long() != 0, len(r.buffer() or b""), r.remaining()))

    def scenario_reply_header_zxids(self, t):
        """Reply headers carry the server's last committed zxid, also for reads,
        errors and failed writes (which consume a zxid in Apache)."""
        c = t.client()
        t.fresh_root(c)
        r = t.root
        raw = t.raw()
        err, z_create, _ = raw.call(zkwire.OP["create"], zkwire.body_create(r + "/z"))
        err, z_read, _ = raw.call(zkwire.OP["getData"], zkwire.body_path_watch(r + "/z", False))
        err2, z_err, _ = raw.call(zkwire.OP["getData"], zkwire.body_path_watch(r + "/none", False))
        err3, z_failed_write, _ = raw.call(zkwire.OP["create"], zkwire.body_create(r + "/z"))
        err4, z_next, _ = raw.call(zkwire.OP["create"], zkwire.body_create(r + "/z2"))
        st = c.exists(r + "/z2")
        t.record("deltas", (z_read - z_create, z_err - z_create, zkwire.ERR.get(err3),
                            z_failed_write - z_create, z_next - z_create, st.czxid - z_create))
        self.assertEqual(z_read, z_create)

    def scenario_session_timeout_negotiation(self, t):
        out = []
        for requested in (1, 3999, 4000, 10000, 40000, 40001, 600000):
            raw = t.raw(connect=False)
            raw.open_socket()
            resp = raw.connect(timeout_ms=requested)
            out.append((requested, resp["timeOut"]))
            raw.close_session()
        t.record("negotiated", out)
        self.assertEqual(dict(out)[1], 4000)
        self.assertEqual(dict(out)[600000], 40000)

    def scenario_wrong_session_password(self, t):
        raw = t.raw()
        sid = raw.session_id
        other = t.raw(connect=False)
        other.open_socket()
        bad = bytes(b ^ 0xFF for b in raw.passwd)
        resp = other.connect(session_id=sid, passwd=bad)
        t.record("bad_password_response", (resp["timeOut"], resp["sessionId"] == 0,
                                           resp["passwd"] == b"\x00" * 16, resp["readOnly"]))
        closed = False
        try:
            other.ping()
        except Exception:
            closed = True
        t.record("connection_closed", closed)
        # Apache closes the session's current connection before checking the
        # password (ZooKeeperServer.processConnectRequest); the session itself survives.
        try:
            raw.ping()
            t.record("original_connection", "alive")
        except Exception:
            t.record("original_connection", "closed")
            raw.close_socket()
            resp = raw.connect()
            t.record("original_reconnects", (resp["timeOut"] > 0, resp["sessionId"] == sid))
        t.record("original_still_works", raw.exists("/")[0])
        # unknown session id
        ghost = t.raw(connect=False)
        ghost.open_socket()
        resp = ghost.connect(session_id=0x7EADBEEF00000001, passwd=b"\x01" * 16)
        t.record("unknown_session", (resp["timeOut"], resp["sessionId"]))
        # kazoo with a wrong password: LOST then a fresh session
        states = []
        kc = t.client(start=False, client_id=(sid, bad))
        kc.add_listener(lambda s: states.append(str(s)))
        kc.start(timeout=15)
        t.record("kazoo_states", states[:2])
        self.assertNotEqual(kc.client_id[0], sid)

    def scenario_reattach_session(self, t):
        """A second connection presenting the right id+password takes the session over."""
        a = t.raw()
        a.create("/it_reattach_probe", b"", flags=zkwire.EPHEMERAL)
        b = t.raw(connect=False)
        b.open_socket()
        resp = b.connect(session_id=a.session_id, passwd=a.passwd)
        t.record("reattach", (resp["timeOut"] > 0, resp["sessionId"] == a.session_id))
        t.record("b_sees_own_ephemeral", b.exists("/it_reattach_probe")[1]["ephemeralOwner"] == a.session_id)
        try:
            a.ping()
            t.record("old_socket", "alive")
        except Exception as e:
            t.record("old_socket", "closed")
        t.record("close_via_b", b.close_session())
        c = t.client()
        t.record("ephemeral_gone", c.exists("/it_reattach_probe"))

    # ---------------------------------------------------------- paths and limits

    def scenario_path_validation(self, t):
        """Malformed paths sent raw (kazoo normalises paths client-side)."""
        raw = t.raw()
        out = []
        for p in ("a/b", "/a/", "/a//b", "/a/./b", "/a/../b", "/.", "/..", "", "/a\u0000b",
                  "/a\u0001b", "/\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
                  "/a\ufffeb", "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/quota/x",
                  "/zookeeper/config/x"):
            err, _ = raw.create(p, b"")
            out.append((p, err))
            if err == "OK":
                raw.delete(p)
        t.record("create", out)
        err, name = raw.create("/", b"", flags=zkwire.PERSISTENT_SEQUENTIAL)
        t.record("create_seq_root_prefix", (err, bool(name) and len(name) == 11 and name[1:].isdigit()))
        if err == "OK":
            raw.delete(name)
        out = []
        for op in ("get_data", "exists", "get_children", "set", "delete"):
            for p in ("a/b", "/a/", "/a//b", ""):
                if op == "set":
                    err = raw.set_data(p, b"")[0]
                elif op == "delete":
                    err = raw.delete(p)[0]
                else:
                    err = getattr(raw, op)(p)[0]
                out.append((op, p, err))
        t.record("reads", out)
        t.record("still_connected", raw.exists("/")[0])

    def scenario_data_size_limit(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        just_under = b"u" * (1024 * 1024 - 1024)
        t.record("just_under", err_name(c.create, r + "/big", just_under))
        self.assertEqual(len(c.get(r + "/big")[0]), len(just_under))
        t.record("limit_create", err_name(c.create, r + "/huge", b"h" * (1024 * 1024)))
        ok = wait_until(lambda: c.connected, 15.0)
        t.record("reconnected", bool(ok))
        t.record("huge_absent", wait_until(lambda: attempt(c.exists, r + "/huge")[0] == "ok", 10)
                 and c.exists(r + "/huge") is None)
        t.record("limit_set", err_name(c.set, r + "/big", b"s" * (1024 * 1024)))
        wait_until(lambda: c.connected, 15.0)
        wait_until(lambda: attempt(c.exists, r)[0] == "ok", 10)
        t.record("big_unchanged", len(c.get(r + "/big")[0]))
        # raw: exactly what comes back on the socket
        raw = t.raw()
        err = None
        try:
            err = raw.create(r + "/rawhuge", b"r" * (1024 * 1024))[0]
        except zkwire.ConnectionClosed:
            err = "connection closed"
        except OSError as e:
            err = "connection error"
        t.record("raw_limit", err)

    # ---------------------------------------------------------- misc client api

    def scenario_client_4lw_helpers(self, t):
        c = t.client()
        t.record("ruok", c.command(b"ruok"))
        v = c.server_version()
        t.record("server_version_major_minor", v[:2])
        self.assertEqual(tuple(v[:2]), (3, 8))

    # ---------------------------------------------------------- recipes

    def scenario_recipe_lock(self, t):
        clients = [t.client() for _ in range(3)]
        t.fresh_root(clients[0])
        path = t.root + "/lock"
        holders, max_seen, errors = [], [0], []
        lock_state = threading.Lock()

        def worker(i, c):
            lk = c.Lock(path, "client-%d" % i)
            for _ in range(3):
                try:
                    if not lk.acquire(timeout=20):
                        errors.append("timeout %d" % i)
                        return
                    with lock_state:
                        holders.append(i)
                        max_seen[0] = max(max_seen[0], len(holders))
                    time.sleep(0.02)
                    with lock_state:
                        holders.remove(i)
                    lk.release()
                except Exception as e:  # noqa: BLE001
                    errors.append(repr(e))
                    return

        ths = [threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(clients)]
        for th in ths:
            th.start()
        for th in ths:
            th.join(60)
        self.assertFalse(any(th.is_alive() for th in ths), "lock workers hung")
        self.assertEqual(errors, [])
        self.assertEqual(max_seen[0], 1, "two clients held the lock at once")
        t.record("lock_ok", True)
        lk = clients[0].Lock(path, "x")
        t.record("contenders_idle", lk.contenders())

    def scenario_recipe_election(self, t):
        clients = [t.client() for _ in range(3)]
        t.fresh_root(clients[0])
        path = t.root + "/election"
        leaders, errors = [], []
        done = threading.Event()

        def lead(i):
            leaders.append(i)
            time.sleep(0.05)

        def worker(i, c):
            try:
                c.Election(path, "node-%d" % i).run(lead, i)
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        ths = [threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(clients)]
        for th in ths:
            th.start()
        for th in ths:
            th.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(leaders), [0, 1, 2])
        t.record("each_led_once", True)

    def scenario_recipe_counter(self, t):
        clients = [t.client() for _ in range(3)]
        t.fresh_root(clients[0])
        path = t.root + "/counter"
        errors = []

        def worker(c):
            cnt = c.Counter(path)
            try:
                for _ in range(10):
                    cnt += 1
            except Exception as e:  # noqa: BLE001
                errors.append(repr(e))

        ths = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
        for th in ths:
            th.start()
        for th in ths:
            th.join(60)
        self.assertEqual(errors, [])
        t.record("value", clients[0].Counter(path).value)
        self.assertEqual(clients[0].Counter(path).value, 30)
        fc = clients[1].Counter(t.root + "/fcounter", default=0.0)
        fc += 2.5
        fc -= 1.0
        t.record("float", fc.value)

    def scenario_recipe_queue(self, t):
        prod, cons = t.client(), t.client()
        t.fresh_root(prod)
        q = prod.Queue(t.root + "/q")
        for i in range(10):
            q.put(("item-%d" % i).encode(), priority=100 if i % 2 else 50)
        qc = cons.Queue(t.root + "/q")
        t.record("len", len(qc))
        got = [qc.get() for _ in range(11)]
        t.record("order", got)
        self.assertIsNone(got[-1])
        lq = prod.LockingQueue(t.root + "/lq")
        lq.put_all([b"a", b"b", b"c"])
        lqc = cons.LockingQueue(t.root + "/lq")
        out = []
        for _ in range(3):
            v = lqc.get(timeout=5)
            out.append(v)
            self.assertTrue(lqc.consume())
        t.record("locking_queue", out)
        t.record("locking_len", len(lqc))


if __name__ == "__main__":
    unittest.main()
