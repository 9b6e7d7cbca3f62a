"""`zkdash export`, `import` and `diff` (issue 16, tree operations) against real servers:
one Apache 3.8 and one `zkdash server`, standalone, each started here on loopback.

- A tree made by kazoo (text, JSON, binary with NUL and 0xFF, null data, an empty node, a
  container, a digest-protected node, an ephemeral) is exported, imported elsewhere with
  --apply, exported again: the nodes are byte-for-byte the same JSON (ephemerals listed, not
  recreated); `diff` says the same (exit 0), then names a changed node (exit 1).
- Across servers: Apache's export imported into zkdash and back, and `diff` of the same path
  on the two servers.
- The dry run changes nothing; --read-only refuses --apply (64); a node the session may not
  read stops the export (2, the path named); a missing root is 3; a bad file is 4 (import) /
  2 (diff); NoAuth while importing names the node and exits 2.
"""

import base64
import json
import os
import tempfile
import unittest

import harness
import zkwire
from test_tls import zkdash, ZkdashRun  # noqa: F401  (the binary runner and its result)

BOB = ("digest", "bob:bob-secret")


def build_tree(hosts, root):
    """The sample tree under root, made with kazoo; returns the client (keeps the ephemeral)."""
    from kazoo.security import make_digest_acl
    c = harness.kazoo_client(hosts, start_timeout=20, auth_data=[BOB])
    c.create(root, b'{"name":"app","replicas":3}')
    c.create(root + "/text", "line1\nline2 ünï".encode())
    c.create(root + "/bin", bytes([0, 1, 2, 0xFF, 0]))
    c.create(root + "/null", None)
    c.create(root + "/empty", b"")
    raw = zkwire.RawClient(harness.LOOPBACK, int(hosts.rsplit(":", 1)[1]))
    try:
        raw.connect()
        # kazoo 2.8 cannot make a container: createContainer (19) with flags 4, on the wire.
        assert raw.create(root + "/cont", b"c", flags=4, opcode="createContainer")[0] == "OK"
    finally:
        raw.close_socket()
    c.create(root + "/cont/kid", b"k")
    c.create(root + "/secret", b"bob-data", acl=[make_digest_acl("bob", "bob-secret", all=True)])
    from kazoo.security import ACL, Id, Permissions
    c.create(root + "/ro", b"everyone reads", acl=[ACL(Permissions.READ, Id("world", "anyone")),
                                                   make_digest_acl("bob", "bob-secret", all=True)])
    c.create(root + "/locks")
    c.create(root + "/locks/lock-", b"", ephemeral=True, sequence=True)
    return c


class TreeTransferTests(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not os.access(harness.zkdash_bin(), os.X_OK):
            raise unittest.SkipTest("zkdash binary not found: %s" % harness.zkdash_bin())
        cls.servers = {}
        for kind in ("apache", "zkdash"):
            s = harness.ZkServer(kind, name="transfer-%s" % kind)
            cls.addClassCleanup(s.destroy)
            s.start()
            cls.servers[kind] = s
        cls.clients = {kind: build_tree(s.hosts, "/app") for kind, s in cls.servers.items()}
        for c in cls.clients.values():
            cls.addClassCleanup(harness.stop_kazoo, c)
        cls.dir = tempfile.mkdtemp(prefix="zkdash-transfer-")

    def run_ok(self, *args, rc=0):
        run = zkdash(*args)
        self.assertEqual(run.rc, rc, run.describe())
        return run

    def export(self, kind, path, *flags, rc=0):
        return self.run_ok("export", "--servers", self.servers[kind].hosts, "--auth", "digest:bob:bob-secret",
                           *flags, path, rc=rc)

    def file(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_a_export_format(self):
        """Each kind of data and node as the format says: text stays text, bytes go base64, null
        is null, the container and the ephemeral are marked, ACL perms as letters."""
        for kind in self.servers:
            with self.subTest(kind=kind):
                doc = json.loads(self.export(kind, "/app").out)
                self.assertEqual(doc["format"], "zkdash-export/1")
                self.assertEqual(doc["root"], "/app")
                nodes = {n["path"]: n for n in doc["nodes"]}
                self.assertEqual(sorted(nodes), ["", "bin", "cont", "cont/kid", "empty", "locks",
                                                 "locks/lock-0000000000", "null", "ro", "secret", "text"])
                self.assertEqual(nodes["text"]["data"], "line1\nline2 ünï")
                self.assertEqual((nodes["bin"]["encoding"], base64.b64decode(nodes["bin"]["data"])),
                                 ("base64", bytes([0, 1, 2, 0xFF, 0])))
                self.assertIsNone(nodes["null"]["data"])
                self.assertEqual(nodes["empty"]["data"], "")
                # Both servers report a container's ephemeralOwner as 0 to clients (Apache's
                # getClientEphemeralOwner): no client can tell it from a persistent node.
                self.assertNotIn("kind", nodes["cont"])
                self.assertEqual(nodes["ro"]["acl"][0], {"perms": "r", "scheme": "world", "id": "anyone"})
                self.assertEqual(nodes["locks/lock-0000000000"]["kind"], "ephemeral")
                self.assertTrue(nodes["locks/lock-0000000000"]["owner"].startswith("0x"))
                self.assertEqual(nodes["secret"]["acl"], [{"perms": "cdrwa", "scheme": "digest",
                                                           "id": "bob:" + harness.digest("bob", "bob-secret")}])
                self.assertEqual(nodes[""]["acl"], [{"perms": "cdrwa", "scheme": "world", "id": "anyone"}])

    def test_b_round_trip_on_each_server(self):
        """export /app -> import --apply /copy-K -> export /copy-K: the same nodes, byte for byte,
        but the ephemeral (not recreated, said so); diff says the same, then names a change."""
        for kind, s in self.servers.items():
            with self.subTest(kind=kind):
                exported = self.export(kind, "/app").out
                src = self.file("app-%s.json" % kind, exported)
                target = "/copy-%s" % kind
                dry = self.run_ok("import", "--servers", s.hosts, "--auth", "digest:bob:bob-secret", "--input", src, target)
                self.assertIn("would create %s/bin" % target, dry.out)
                self.assertIn("10 changes; run with --apply to make them", dry.out)
                self.assertIn("skip %s/locks/lock-0000000000: ephemeral" % target, dry.out)
                self.assertEqual(self.export(kind, target, rc=3).rc, 3, "the dry run created nothing")
                done = self.run_ok("import", "--servers", s.hosts, "--auth", "digest:bob:bob-secret", "--input", src,
                                   "--apply", target)
                self.assertIn("10 changes made", done.out)
                again = json.loads(self.export(kind, target).out)
                before = json.loads(exported)
                self.assertEqual(again["root"], target)
                self.assertEqual(again["nodes"], [n for n in before["nodes"] if n.get("kind") != "ephemeral"])
                # Importing again changes nothing.
                twice = self.run_ok("import", "--servers", s.hosts, "--auth", "digest:bob:bob-secret", "--input", src, target)
                self.assertIn("nothing to change", twice.out)
                same = self.run_ok("diff", "--auth", "digest:bob:bob-secret", "%s%s" % (s.hosts, target), src, rc=1)
                self.assertEqual(same.out.splitlines()[2:], ["+ ./locks/lock-0000000000  only in B (ephemeral)"])
                c = self.clients[kind]
                c.set(target + "/text", b"changed")
                diff = self.run_ok("diff", "--auth", "digest:bob:bob-secret", src, "%s%s" % (s.hosts, target), rc=1)
                self.assertIn('~ ./text  data: 17 bytes → "changed" (7 bytes)', diff.out)
                c.set(target + "/text", "line1\nline2 ünï".encode())

    def test_c_across_servers(self):
        """Apache's /app imported into zkdash at /from-apache, then diffed across the two
        servers (same path on two ensembles): equal but for the ephemeral's absence."""
        a, z = self.servers["apache"], self.servers["zkdash"]
        src = self.file("apache-app.json", self.export("apache", "/app").out)
        self.run_ok("import", "--servers", z.hosts, "--auth", "digest:bob:bob-secret", "--input", src, "--apply", "/from-apache")
        diff = self.run_ok("diff", "--auth", "digest:bob:bob-secret", "%s/app" % a.hosts, "%s/from-apache" % z.hosts, rc=1)
        self.assertEqual(diff.out.splitlines()[2:], ["- ./locks/lock-0000000000  only in A (ephemeral)"])
        # Back into Apache from zkdash's copy: nothing to change but the ephemeral's parent is there.
        back = self.file("zkdash-copy.json", self.export("zkdash", "/from-apache").out)
        plan = self.run_ok("import", "--servers", a.hosts, "--auth", "digest:bob:bob-secret", "--input", back, "/app")
        self.assertIn("nothing to change", plan.out)

    def test_d_refusals(self):
        """--read-only refuses --apply (64); without bob the export stops at /app/secret (2, named);
        a missing root (3); a file that is not an export: import 4, diff 2; NoAuth while
        importing a change to /app/secret names it (2)."""
        for kind, s in self.servers.items():
            with self.subTest(kind=kind):
                src = self.file("refusals-%s.json" % kind, self.export(kind, "/app").out)
                run = zkdash("import", "--servers", s.hosts, "--input", src, "--apply", "--read-only", "/x")
                self.assertEqual(run.rc, 64, run.describe())
                run = zkdash("export", "--servers", s.hosts, "/app")
                self.assertEqual((run.rc, run.out), (2, ""), run.describe())
                self.assertIn("/app/secret: NoAuth", run.err)
                run = zkdash("export", "--servers", s.hosts, "/no-such")
                self.assertEqual(run.rc, 3, run.describe())
                bad = self.file("bad.json", '{"format": "zkdash-export/1", "root": "/", "nodes": []}')
                run = zkdash("import", "--servers", s.hosts, "--input", bad, "/x")
                self.assertEqual(run.rc, 4, run.describe())
                self.assertIn("the export has no root node", run.err)
                run = zkdash("diff", bad, src)
                self.assertEqual(run.rc, 2, run.describe())
                # Planning reads the target: an unreadable node there stops it, named.
                run = zkdash("import", "--servers", s.hosts, "--input", src, "/app")
                self.assertEqual(run.rc, 2, run.describe())
                self.assertIn("/app/secret: NoAuth: not authorised to read it", run.err)
                # A write the ACL refuses (world may read /ro, only bob write): named, exit 2.
                with open(src) as f:
                    doc = json.load(f)
                doc["nodes"] = [n for n in doc["nodes"] if n["path"] in ("", "ro")]
                for n in doc["nodes"]:
                    if n["path"] == "ro":
                        n["data"] = "overwritten"
                changed = self.file("changed-%s.json" % kind, json.dumps(doc))
                run = zkdash("import", "--servers", s.hosts, "--input", changed, "--apply", "/app")
                self.assertEqual(run.rc, 2, run.describe())
                self.assertIn("/app/ro: NoAuth: not authorised to write it", run.err)
                self.assertIn("0 changes made before this one", run.err)


class ContextTests(unittest.TestCase):
    """`--context NAME` (issue 16, contexts): a named ensemble's flags from the config file
    (ZKDASH_CONFIG here, else $XDG_CONFIG_HOME/zkdash/config.toml), the command line winning."""

    @classmethod
    def setUpClass(cls):
        if not os.access(harness.zkdash_bin(), os.X_OK):
            raise unittest.SkipTest("zkdash binary not found: %s" % harness.zkdash_bin())
        cls.server = harness.ZkServer("zkdash", name="context-zkdash")
        cls.addClassCleanup(cls.server.destroy)
        cls.server.start()
        c = harness.kazoo_client(cls.server.hosts, start_timeout=20, auth_data=[BOB])
        from kazoo.security import make_digest_acl
        c.create("/ctx", b"")
        c.create("/ctx/bobs", b"bob-data", acl=[make_digest_acl("bob", "bob-secret", all=True)])
        harness.stop_kazoo(c)
        cls.dir = tempfile.mkdtemp(prefix="zkdash-context-")
        cls.config = os.path.join(cls.dir, "config.toml")
        with open(cls.config, "w") as f:
            f.write('# contexts for the test\n[contexts.local]\nservers = "%s"\nauth = ["digest:bob:bob-secret"]\n'
                    'theme = "light"\ntimeout = 5\n\n[contexts.nowhere]\nservers = "127.0.0.1:1"\n'
                    '\n[contexts.typo]\nserver = "x"\n' % cls.server.hosts)

    def run_with(self, *args):
        return zkdash(*args, env={"ZKDASH_CONFIG": self.config})

    def test_a_a_context_gives_servers_and_identities(self):
        run = self.run_with("get", "--context", "local", "/ctx/bobs")
        self.assertEqual((run.rc, run.out), (0, "bob-data"), run.describe())
        run = self.run_with("ls", "--context=local", "/ctx")
        self.assertEqual((run.rc, run.out), (0, "bobs\n"), run.describe())
        # A key the command does not take (theme) is left out, not an error.
        run = self.run_with("status", "--context", "local", "--json")
        self.assertEqual(run.rc, 0, run.describe())

    def test_b_the_command_line_wins(self):
        run = self.run_with("get", "--context", "nowhere", "--servers", self.server.hosts, "--auth", "digest:bob:bob-secret", "/ctx/bobs")
        self.assertEqual((run.rc, run.out), (0, "bob-data"), run.describe())

    def test_c_mistakes_are_named(self):
        run = self.run_with("get", "--context", "prod", "/x")
        self.assertEqual(run.rc, 64, run.describe())
        self.assertIn("no [contexts.prod] in %s (there are: local, nowhere, typo)" % self.config, run.err)
        run = self.run_with("get", "--context", "typo", "/x")
        self.assertEqual(run.rc, 64, run.describe())
        self.assertIn("[contexts.typo] server: not a context key", run.err)
        run = zkdash("get", "--context", "local", "/x", env={"ZKDASH_CONFIG": os.path.join(self.dir, "missing.toml")})
        self.assertEqual(run.rc, 64, run.describe())
        self.assertIn("cannot read", run.err)

