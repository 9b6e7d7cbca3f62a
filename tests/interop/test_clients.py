"""Real client programs against each target: Apache's Java CLI (zkCli.sh), the
C client shell (cli_mt) and zktop (curses, run inside a private tmux server)."""

import os
import re
import shutil
import subprocess
import threading
import time
import unittest
import uuid

import harness
from harness import DiffCase, wait_until

ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"
CLI_MT = "/usr/lib/zookeeper/bin/cli_mt"
ZKTOP = "/usr/bin/zktop"

NOISE = re.compile(r"^(SLF4J:|Connecting to |Welcome to ZooKeeper!|JLine support is|WATCHER::|"
                   r"WatchedEvent state:(SyncConnected|Closed) type:None path:null|\s*$)")


def norm_cli(text):
    text = re.sub(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ \d\d:\d\d:\d\d( \w+)? \d{4}", "<DATE>", text)
    text = re.sub(r"0x[0-9a-fA-F]+", "<HEX>", text)
    text = re.sub(r"time = \d+ msec", "time = <N> msec", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+:\d+\(0x[0-9a-f]+\)", "<TS>", text)
    text = re.sub(r"session id: 0x[0-9a-f]+|session Id = [0-9a-f]+", "session <ID>", text)
    return text


def run_zkcli(hosts, *args, stdin=None, log_dir=None, merged=False, timeout=60):
    """zkCli.sh -server HOSTS ARGS (or the commands piped on stdin, one per line): (exit status,
    output lines without NOISE).  Output is stdout then stderr, or, merged, both through one pipe
    in the order zkCli printed them (its stdout and stderr flush on every println)."""
    env = dict(os.environ, CLIENT_JVMFLAGS="-Xmx128m -XX:TieredStopAtLevel=1")
    if log_dir:
        env["ZOO_LOG_DIR"] = log_dir
    r = subprocess.run([ZKCLI, "-server", hosts] + list(args), input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT if merged else subprocess.PIPE, text=True, timeout=timeout, env=env)
    lines = [l for l in (r.stdout + "\n" + (r.stderr or "")).splitlines() if not NOISE.match(l)]
    return r.returncode, lines


class ZkCliTests(DiffCase):
    """zkCli.sh one-shot commands and a piped multi-command session."""

    def setUp(self):
        if not os.access(ZKCLI, os.X_OK):
            self.skipTest("%s missing (Debian package zookeeper)" % ZKCLI)

    def cli(self, t, *args, stdin=None):
        return run_zkcli(t.hosts, *args, stdin=stdin, log_dir=t.server.workdir)

    def scenario_create_get_set_delete(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        base = c.exists(r).czxid
        rc, out = self.cli(t, "create", r + "/zc", "data")
        t.record("create", (rc, out))
        self.assertEqual(out, ["Created %s/zc" % r])
        rc, out = self.cli(t, "create", "-s", r + "/zc/s-", "x")
        t.record("create_seq", (rc, out))
        rc, out = self.cli(t, "ls", r)
        t.record("ls", (rc, out))
        self.assertEqual(out, ["[zc]"])
        rc, out = self.cli(t, "get", "-s", r + "/zc")
        t.record("get_s", (rc, norm_cli("\n".join(out))))
        self.assertEqual(out[0], "data")
        stat = dict(l.split(" = ", 1) for l in out[1:] if " = " in l)
        # zkCli's own createSession is a txn too, then the create
        self.assertEqual(int(stat["cZxid"], 16) - base, 2)
        self.assertEqual(stat["numChildren"], "1")
        rc, out = self.cli(t, "set", r + "/zc", "new")
        t.record("set", (rc, out))
        rc, out = self.cli(t, "set", "-v", "7", r + "/zc", "x")
        t.record("set_bad_version", (rc, out))
        rc, out = self.cli(t, "stat", r + "/zc")
        t.record("stat", (rc, norm_cli("\n".join(out))))
        self.assertIn("dataVersion = 1", out)
        rc, out = self.cli(t, "ls", "-s", r + "/zc")
        t.record("ls_s", (rc, norm_cli("\n".join(out))))
        rc, out = self.cli(t, "delete", r + "/zc")
        t.record("delete_not_empty", (rc, out))
        rc, out = self.cli(t, "deleteall", r + "/zc")
        t.record("deleteall", (rc, out))
        rc, out = self.cli(t, "get", r + "/zc")
        t.record("get_missing", (rc, out))
        self.assertIn("Node does not exist: %s/zc" % r, out)

    def scenario_acl_commands(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/a", b"x")
        rc, out = self.cli(t, "getAcl", r + "/a")
        t.record("getAcl", (rc, out))
        self.assertEqual(out, ["'world,'anyone", ": cdrwa"])
        script = "\n".join([
            "addauth digest u:p",
            "setAcl %s/a auth::cdrwa" % r,
            "getAcl %s/a" % r,
            "create %s/b bee" % r,
            "setAcl %s/b world:anyone:r" % r,
            "getAcl %s/b" % r,
            "set %s/b nope" % r,
            "get %s/a" % r,
            "quit", ""])
        rc, out = self.cli(t, stdin=script)
        t.record("piped_session", (rc, out))
        self.assertIn("'digest,'u:" + harness.digest("u", "p"), out)
        rc, out = self.cli(t, "get", r + "/a")
        t.record("get_without_auth", (rc, out))
        self.assertTrue(any("Insufficient permission" in l for l in out), out)

    def scenario_misc_commands(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        rc, out = self.cli(t, "create", "-c", r + "/container", "")
        t.record("create_container", (rc, out))
        rc, out = self.cli(t, "create", "-t", "1000", r + "/ttl", "")
        t.record("create_ttl", (rc, out))
        rc, out = self.cli(t, "sync", r)
        t.record("sync", (rc, out))
        rc, out = self.cli(t, "getAllChildrenNumber", "/zookeeper")
        t.record("getAllChildrenNumber", (rc, out))
        rc, out = self.cli(t, "getEphemerals", r)
        t.record("getEphemerals", (rc, out))
        rc, out = self.cli(t, "whoami")
        t.record("whoami", (rc, out))
        rc, out = self.cli(t, "config")
        t.record("config", (rc, norm_cli("\n".join(out))))
        rc, out = self.cli(t, "ls", "-R", "/zookeeper")
        t.record("ls_R", (rc, out))


    def scenario_quota_commands(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/q", b"12345")
        c.create(r + "/q/a", b"abc")
        rc, out = self.cli(t, "setquota", "-n", "5", r + "/q")
        t.record("setquota_n", (rc, out))
        rc, out = self.cli(t, "setquota", "-b", "100", r + "/q")
        t.record("setquota_b_again", (rc, out))
        c.create(r + "/q/b", b"bb")
        rc, out = self.cli(t, "listquota", r + "/q")
        t.record("listquota", (rc, out))
        t.record("quota_tree", sorted(c.get_children("/zookeeper/quota" + r + "/q")) if
                 c.exists("/zookeeper/quota" + r + "/q") else None)
        rc, out = self.cli(t, "delquota", "-n", r + "/q")
        t.record("delquota", (rc, out))
        rc, out = self.cli(t, "listquota", r + "/q")
        t.record("listquota_after", (rc, out))


class CClientTests(DiffCase):
    """The C client's shell (cli_mt), fed commands one at a time on stdin."""

    def setUp(self):
        if not os.access(CLI_MT, os.X_OK):
            self.skipTest("%s missing (Debian package zookeeper-bin)" % CLI_MT)

    class Shell:
        def __init__(self, hosts):
            cmd = [CLI_MT, "-h", hosts]
            if shutil.which("stdbuf"):
                cmd = ["stdbuf", "-o0", "-e0"] + cmd
            self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, preexec_fn=harness._pdeathsig)
            self.buf = b""
            self.lock = threading.Lock()
            self.th = threading.Thread(target=self._pump, daemon=True)
            self.th.start()

        def _pump(self):
            for _ in range(1000000):
                b = self.p.stdout.read1(65536) if hasattr(self.p.stdout, "read1") else self.p.stdout.read(1)
                if not b:
                    return
                with self.lock:
                    self.buf += b

        def text(self):
            with self.lock:
                return self.buf.decode("utf-8", "replace")

        def wait_for(self, pattern, timeout=5.0):
            return wait_until(lambda: re.search(pattern, self.text(), re.M), timeout, 0.02)

        def run(self, line, expect=None, timeout=5.0, quiet=0.25):
            start = len(self.text())
            self.p.stdin.write((line + "\n").encode())
            self.p.stdin.flush()
            if expect:
                wait_until(lambda: re.search(expect, self.text()[start:], re.M), timeout, 0.02)
            # then wait for the output to settle
            last, stable_since = None, time.monotonic()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                cur = len(self.text())
                if cur != last:
                    last, stable_since = cur, time.monotonic()
                elif time.monotonic() - stable_since >= quiet:
                    break
                time.sleep(0.02)
            return self.text()[start:]

        def close(self):
            try:
                if self.p.poll() is None:
                    self.p.stdin.write(b"quit\n")
                    self.p.stdin.flush()
                    self.p.wait(5)
            except Exception:
                pass
            if self.p.poll() is None:
                self.p.kill()
                self.p.wait(5)
            self.th.join(2)

    def shell(self, t):
        sh = self.Shell(t.hosts)
        t.add_cleanup(sh.close)
        self.assertTrue(sh.wait_for(r"state = CONNECTED_STATE", 10), "C client did not connect:\n" + sh.text())
        return sh

    @staticmethod
    def clean(out):
        """Normalised lines minus async watcher lines (their placement is timing-dependent)."""
        out = re.sub(r"([cm]zxid)=[0-9a-fA-F]+", r"\1=<ZXID>", norm_cli(out))
        return [l for l in out.splitlines() if l.strip() and not l.startswith("Watcher ")]

    def scenario_basic_ops(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        sh = self.shell(t)
        steps = [
            ("create %s/cc" % r, r"rc = "),
            ("set %s/cc hello" % r, r"rc = |Error"),
            ("get %s/cc" % r, r"rc = "),
            ("ls %s" % r, r"rc = "),
            ("ls2 %s" % r, r"rc = "),
            ("exists %s/cc" % r, None),
            ("create +s %s/cc/s-" % r, r"rc = "),
            ("create +e %s/cc/e" % r, r"rc = "),
            ("create2 %s/c2" % r, r"rc = "),
            ("sync %s/cc" % r, r"rc = "),
            # Wait for the completion line itself: on a loaded machine Apache's
            # came after the 0.25 s quiet period and landed in the next command.
            ("delete %s/c2" % r, r"rc = |Error"),
            ("delete %s/cc" % r, r"rc = |Error"),
            ("get %s/missing" % r, r"rc = "),
        ]
        for cmd, expect in steps:
            out = sh.run(cmd, expect)
            t.record(cmd.replace(r, "<R>"), self.clean(out.replace(r, "<R>")))
        full = sh.text()
        t.record("events", sorted(set(re.findall(r"Watcher (\w+_EVENT) state = (\w+) for path (\S+)",
                                                 full.replace(r, "<R>")))))
        self.assertIn("name = %s/cc/s-0000000000" % r, full)
        self.assertRegex(full, r"value_len = 5\s+hello")
        self.assertIn("%s/missing: rc = -101" % r, full)
        self.assertEqual(sorted(c.get_children(r + "/cc")), ["e", "s-0000000000"])
        self.assertEqual(c.get(r + "/cc")[0], b"hello")

    def scenario_watches_and_auth(self, t):
        c = t.client()
        t.fresh_root(c)
        r = t.root
        sh = self.shell(t)
        out = sh.run("exists %s/w" % r, r"rc = |Stat")      # exists with watch=1 on a missing node
        t.record("exists_missing", self.clean(out.replace(r, "<R>")))
        c.create(r + "/w", b"x")
        self.assertTrue(sh.wait_for(r"CREATED_EVENT.*%s/w" % re.escape(r), 5), sh.text())
        out = sh.run("get %s/w" % r, r"rc = ")                # get sets a data watch
        c.set(r + "/w", b"y")
        self.assertTrue(sh.wait_for(r"CHANGED_EVENT.*%s/w" % re.escape(r), 5), sh.text())
        sh.run("addauth digest u:p")
        c.create(r + "/sec", b"s", acl=[__import__("kazoo.security", fromlist=["x"]).make_digest_acl("u", "p", all=True)])
        out = sh.run("get %s/sec" % r, r"rc = ")
        t.record("get_with_auth", self.clean(out.replace(r, "<R>")))
        self.assertIn("value_len = 1", out)
        events = sorted(set(re.findall(r"Watcher (\w+_EVENT) state = (\w+) for path (\S+)", sh.text().replace(r, "<R>"))))
        t.record("events", events)

    def scenario_watch_after_reconnect(self, t):
        """The C client re-sends its watches (setWatches) after reconnecting."""
        proxy = harness.LoopbackProxy(t.port)
        t.add_cleanup(proxy.close)
        c = t.client()
        t.fresh_root(c)
        r = t.root
        c.create(r + "/rw", b"x")
        sh = self.Shell(proxy.hosts)
        t.add_cleanup(sh.close)
        self.assertTrue(sh.wait_for(r"state = CONNECTED_STATE", 10), sh.text())
        sh.run("get %s/rw" % r, r"rc = ")
        before = sh.text().count("CONNECTED_STATE")
        proxy.drop()
        ok = wait_until(lambda: sh.text().count("CONNECTED_STATE") > before, 15, 0.05)
        self.assertTrue(ok, "C client did not reconnect:\n" + sh.text()[-2000:])
        time.sleep(0.3)
        c.set(r + "/rw", b"changed")
        fired = sh.wait_for(r"CHANGED_EVENT.*%s/rw" % re.escape(r), 5)
        t.record("watch_fired_after_reconnect", bool(fired))
        self.assertTrue(fired, sh.text()[-2000:])


class ZkTopTests(DiffCase):
    """zktop polls `stat` every 3 s; run it in a private tmux server and read the screen."""

    def setUp(self):
        if not (os.access(ZKTOP, os.X_OK) and shutil.which("tmux")):
            self.skipTest("zktop or tmux missing (Debian packages zktop, tmux)")

    def tmux(self, sock, *args, check=True):
        return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null"] + list(args), capture_output=True,
                              text=True, timeout=15, check=check)

    def run_zktop(self, t, servers):
        sock = "zkinterop-%s" % uuid.uuid4().hex[:10]
        t.add_cleanup(lambda: self.tmux(sock, "kill-server", check=False))
        cmd = "%s --servers %s; echo ZKTOP-EXITED rc=$?; sleep 60" % (ZKTOP, servers)
        self.tmux(sock, "new-session", "-d", "-s", "zk", "-x", "200", "-y", "50", cmd)
        screen = ""
        for _ in range(100):
            time.sleep(0.2)
            screen = self.tmux(sock, "capture-pane", "-p", "-t", "zk").stdout
            if "ZKTOP-EXITED" in screen or re.search(r"^0\s+127\.0\.0\.1\s+\d+ [A-Z]", screen, re.M):
                break
        time.sleep(0.5)
        screen = self.tmux(sock, "capture-pane", "-p", "-t", "zk").stdout
        self.tmux(sock, "send-keys", "-t", "zk", "q", check=False)
        return screen

    def scenario_zktop_shows_server(self, t):
        c = t.client()
        c.ensure_path("/it_zktop")
        screen = self.run_zktop(t, t.hosts)
        lines = screen.splitlines()
        self.assertNotIn("Traceback", screen)
        self.assertNotIn("ZKTOP-EXITED", screen, screen)
        row = next((l for l in lines if re.match(r"^0\s+127\.0\.0\.1\s+%d " % t.port, l)), None)
        self.assertIsNotNone(row, "no server row in zktop screen:\n" + screen)
        fields = row.split()
        t.record("mode_letter", fields[3])
        self.assertEqual(fields[3], "S", "zktop must see Mode: standalone (U = unparseable stat):\n" + screen)
        t.record("row_fields", len(fields))
        self.assertEqual(len(fields), 11, row)
        self.assertRegex(lines[0], r"^Ensemble -- nodecount:\d+ zxid:0x[0-9a-f]+ sessions:\d+")
        t.record("summary_shape", re.sub(r"0x[0-9a-f]+|\d+", "<N>", lines[0].strip()))
        sess = [l for l in lines if re.match(r"^127\.0\.0\.1\s+\d+ 0 ", l)]
        t.record("has_session_rows", bool(sess))
        self.assertTrue(sess, "zktop shows no client sessions:\n" + screen)

    def scenario_zktop_unreachable(self, t):
        """A closed port shows as Unavailable; proves the 'S' above is real parsing."""
        port = harness.closed_port()
        screen = self.run_zktop(t, "127.0.0.1:%d" % port)
        row = next((l for l in screen.splitlines() if re.match(r"^0\s+127\.0\.0\.1\s+%d " % port, l)), None)
        self.assertIsNotNone(row, screen)
        t.record("mode_letter", row.split()[3])
        self.assertEqual(row.split()[3], "U")


if __name__ == "__main__":
    unittest.main()
