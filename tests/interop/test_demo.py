"""`zkdash demo` (suite `demo`): a local ensemble of zkdash servers as child
processes, with the sample tree, the dashboard's K / R / P / L keys and the
guarantee that no child outlives the demo.

Out-of-process: runs the zkdash binary (ZKDASH_BIN or .build/debug/zkdash).
`--headless` runs are plain subprocesses (stdout read line by line); the
dashboard runs in tmux (test_monitor.Pane, its own tmux server socket).
Every run gets a base port P from 21000-22199 whose client (P+i), quorum
(P+700+i) and election (P+1700+i) ports are all free.  Assertions are about
processes, ports, the sample tree, signals and cleanup, never about which
node leads (LEADING / FOLLOWING / STANDALONE all pass).  ZK_TARGET does not
apply.  Skipped when the binary has no `demo` subcommand; the dashboard
tests also when tmux is missing.
"""

import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import harness
import test_monitor
from harness import LOOPBACK, wait_until, zkdash_bin

NODES = 3
START_TIMEOUT = float(os.environ.get("DEMO_START_TIMEOUT", "60"))
_used_bases = set()


def setUpModule():
    b = zkdash_bin()
    if not os.access(b, os.X_OK):
        raise unittest.SkipTest("zkdash binary not found/executable: %s (swift build, or set ZKDASH_BIN)" % b)
    p = subprocess.run([b, "demo", "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    if p.returncode != 0 or "--base-port" not in (p.stdout + p.stderr).decode("utf-8", "replace"):
        raise unittest.SkipTest("%s has no `demo` subcommand yet" % b)


def tearDownModule():
    test_monitor.tearDownModule()


def ports_of(base, nodes=NODES):
    return ([base + i for i in range(1, nodes + 1)] + [base + 700 + i for i in range(1, nodes + 1)]
            + [base + 1700 + i for i in range(1, nodes + 1)])


def free_base(nodes=NODES):
    """A base port whose every demo port is free (bind + nothing answering)."""
    lo, hi = harness.shard_slice(21000, 22199)
    for _ in range(200):
        base = random.randrange(lo, hi + 1)
        if base in _used_bases:
            continue
        if all(harness._port_free(p) for p in ports_of(base, nodes)):
            _used_bases.add(base)
            return base
    raise RuntimeError("no free base port in 21000-22199")


def process_state(pid):
    """'R', 'S', 'T' (stopped), 'Z' (zombie), ... or None when gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def alive(pid):
    return process_state(pid) not in (None, "Z", "X")


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def node_processes(data_dir):
    """{node id: pid} of the live `zkdash server` processes using data_dir."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        m = re.search(r" server --config %s/node-(\d+)/zoo\.cfg" % re.escape(data_dir), cmdline(pid))
        if m and alive(pid):
            found[int(m.group(1))] = pid
    return found


def kill_leftovers(pids):
    for pid in pids:
        if alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


class HeadlessDemo:
    """`zkdash demo --headless` as a subprocess; stdout collected line by line."""

    def __init__(self, case, base, data_dir=None, extra=()):
        self.base = base
        args = [zkdash_bin(), "demo", "--headless", "--base-port", str(base)] + list(extra)
        if data_dir:
            args += ["--data-dir", data_dir]
        self.stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr_file)
        self.lines = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.pids = {}
        case.addCleanup(self.cleanup)

    def _read(self):
        for raw in self.proc.stdout:
            with self._lock:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def text(self):
        with self._lock:
            return "\n".join(self.lines)

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode("utf-8", "replace")

    def wait_for(self, pattern, timeout=START_TIMEOUT):
        def found():
            m = re.search(pattern, self.text(), re.M)
            if m is None and self.proc.poll() is not None:
                raise AssertionError("demo exited (%s) before %r; stdout:\n%s\nstderr:\n%s"
                                     % (self.proc.returncode, pattern, self.text(), self.stderr()))
            return m
        m = wait_until(found, timeout=timeout, interval=0.1)
        if not m:
            raise AssertionError("no %r within %.0fs; stdout:\n%s\nstderr:\n%s"
                                 % (pattern, timeout, self.text(), self.stderr()))
        return m

    def wait_started(self):
        self.wait_for(r"^connect string: ")
        self.wait_for(r"^node s%d: pid \d+" % NODES)
        self.pids = {int(n): int(p) for n, p in re.findall(r"^node s(\d+): pid (\d+)", self.text(), re.M)}
        return self.pids

    def cleanup(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        kill_leftovers(self.pids.values())
        self._reader.join(5)
        self.proc.stdout.close()
        self.stderr_file.close()


class HeadlessDemoTests(unittest.TestCase):
    maxDiff = None

    def test_a_tree_members_and_sigterm(self):
        base = free_base()
        demo = HeadlessDemo(self, base)
        pids = demo.wait_started()
        out = demo.text()
        expected = ",".join("%s:%d" % (LOOPBACK, base + i) for i in range(1, NODES + 1))
        self.assertIn("connect string: %s" % expected, out)
        self.assertEqual(sorted(pids), list(range(1, NODES + 1)))
        for node, pid in pids.items():
            self.assertTrue(alive(pid), "node %d (pid %d) is not running" % (node, pid))
            self.assertIn("server --config", cmdline(pid))
            self.assertIn("--exit-with-parent", cmdline(pid))
            self.assertIn("node s%d: pid %d, client 127.0.0.1:%d, quorum port %d, election port %d, voter"
                          % (node, pid, base + node, base + 700 + node, base + 1700 + node), out)
        data_dir = re.search(r"data in (\S+) \(removed on exit\)", out).group(1)
        self.assertTrue(os.path.isfile(os.path.join(data_dir, "node-2", "zoo.cfg")))
        with open(os.path.join(data_dir, "node-2", "data", "myid")) as f:
            self.assertEqual(f.read().strip(), "2")
        server = demo.wait_for(r"sample tree written through (\S+)").group(1)

        # The node that took the writes has the naming service.
        c = harness.kazoo_client(server)
        try:
            data, _ = c.get("/demo/naming/services/orders")
            self.assertEqual(data, b"127.0.0.1:9001")
            self.assertEqual(c.get("/demo/naming/services/payments")[0], b"127.0.0.1:9002")
            self.assertIn(b'"maxConnections"', c.get("/demo/config/app.json")[0])
        finally:
            harness.stop_kazoo(c)

        # The members' ephemerals, wherever each member's session is (every node
        # of a replicated ensemble has them all; standalone nodes their own).
        def members():
            names, brokers, controller = set(), set(), False
            for node in range(1, NODES + 1):
                k = harness.kazoo_client("%s:%d" % (LOOPBACK, base + node))
                try:
                    if k.exists("/demo/members"):
                        names |= set(k.get_children("/demo/members"))
                    if k.exists("/brokers/ids"):
                        brokers |= set(k.get_children("/brokers/ids"))
                    controller = controller or k.exists("/controller") is not None
                finally:
                    harness.stop_kazoo(k)
            return names, brokers, controller
        got = wait_until(lambda: (lambda m: m if len(m[0]) == 3 and len(m[1]) == 3 and m[2] else None)(members()),
                         timeout=30, interval=0.5)
        self.assertTrue(got, "members / brokers / controller: %r\nstdout:\n%s" % (members(), demo.text()))
        self.assertEqual(got[0], {"member-1", "member-2", "member-3"})
        self.assertEqual(got[1], {"1", "2", "3"})

        t0 = time.monotonic()
        demo.proc.send_signal(signal.SIGTERM)
        rc = demo.proc.wait(15)
        print("DEMO_SIGTERM_STOP_S=%.2f" % (time.monotonic() - t0))
        self.assertEqual(rc, 0, demo.stderr())
        for node, pid in pids.items():
            self.assertIsNone(process_state(pid), "node %d (pid %d) still there after the demo exited" % (node, pid))
        self.assertFalse(os.path.exists(data_dir), "the temporary data dir was not removed")
        self.assertIn("stopped", demo.text())

    def test_b_sigkill_of_the_demo_takes_every_child(self):
        base = free_base()
        data_dir = tempfile.mkdtemp(prefix="zkdemo-kill-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        demo = HeadlessDemo(self, base, data_dir=data_dir)
        pids = demo.wait_started()
        self.assertEqual(sorted(node_processes(data_dir)), list(range(1, NODES + 1)))
        demo.proc.kill()
        demo.proc.wait(10)
        t0 = time.monotonic()
        gone = wait_until(lambda: not any(alive(p) for p in pids.values()), timeout=5, interval=0.05)
        print("DEMO_CHILDREN_GONE_AFTER_SIGKILL_S=%.2f" % (time.monotonic() - t0))
        self.assertTrue(gone, "children still running 5 s after SIGKILL of the demo: %r"
                        % {n: process_state(p) for n, p in pids.items()})
        # The data dir given with --data-dir is kept.
        self.assertTrue(os.path.isfile(os.path.join(data_dir, "node-1", "zoo.cfg")))

    def test_c_a_port_in_use_is_named(self):
        for offset, use in ((1, "client port of node 1"), (702, "quorum port of node 2"), (1703, "election port of node 3")):
            base = free_base()
            port = base + offset
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((LOOPBACK, port))
            s.listen(1)
            try:
                p = subprocess.run([zkdash_bin(), "demo", "--headless", "--base-port", str(base)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
            finally:
                s.close()
            err = p.stderr.decode("utf-8", "replace")
            self.assertEqual(p.returncode, 1, err)
            self.assertIn("port %d (%s) is in use; pick another --base-port" % (port, use), err)
            self.assertNotIn("connect string", p.stdout.decode("utf-8", "replace"))

    def test_d_bad_flags_exit_64(self):
        for args, text in ((["--nodes", "0"], "--nodes must be between 1 and 9"),
                           (["--nodes", "10"], "--nodes must be between 1 and 9"),
                           (["--observers", "10"], "--observers must be between 0 and 9"),
                           (["--base-port", "64000"], "--base-port must be between 1023 and")):
            p = subprocess.run([zkdash_bin(), "demo", "--headless"] + args, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
            self.assertEqual(p.returncode, 64, args)
            self.assertIn(text, p.stderr.decode("utf-8", "replace"))


class DashboardDemoTests(unittest.TestCase):
    """The dashboard on the demo's nodes, in tmux."""
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if test_monitor.TMUX is None:
            raise unittest.SkipTest("tmux is not installed (apt-get install tmux)")

    def start(self, env=None):
        base = free_base()
        data_dir = tempfile.mkdtemp(prefix="zkdemo-tui-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        self.addCleanup(lambda: kill_leftovers(node_processes(data_dir).values()))
        pane = test_monitor.Pane(self, columns=120, rows=36)
        cmd = ["%s=%s" % kv for kv in (env or {}).items()] + [
            zkdash_bin(), "demo", "--base-port", str(base), "--data-dir", data_dir]
        pane.type_line(" ".join(test_monitor._sh(a) for a in cmd) + "; echo ZKDASH_EXIT=$?")
        addresses = ["127.0.0.1:%d" % (base + i) for i in range(1, NODES + 1)]
        pane.wait_for(lambda s: "1 Ensemble" in s and all(a in s for a in addresses) and "process pid" in s,
                      timeout=START_TIMEOUT, what="the demo's three rows")
        nodes = wait_until(lambda: (lambda n: n if len(n) == NODES else None)(node_processes(data_dir)), timeout=10)
        self.assertTrue(nodes, "node processes: %r" % node_processes(data_dir))
        return pane, base, data_dir, nodes

    @staticmethod
    def node_rows(screen):
        """{sid: (address, state, lag)} from the Ensemble table (lag None when not shown)."""
        rows = {}
        for line in screen.splitlines():
            m = re.match(r"^\s*(\d+)\s+(127\.0\.0\.1:\d+)\s+([A-Z-]+)\s+(\S+)\s+(?:[·█▏▎▍▌▋▊▉ ]+\s)?\s*(\d+|-)?", line)
            if m:
                lag = m.group(5)
                rows[int(m.group(1))] = (m.group(2), m.group(3), int(lag) if lag and lag.isdigit() else None)
        return rows

    def select_row(self, pane, sid):
        """Moves the selection to the row of `sid` (the selection starts on the first row)."""
        screen = pane.screen()
        order = list(self.node_rows(screen))
        pane.keys("g")
        for _ in range(order.index(sid)):
            pane.keys("j")

    def test_e_slow_disk(self):
        """S on a follower under the write load: the demo's control word (nothing else can send
        it: only the demo's children take --demo-control) makes every fsync of that node take
        200 ms more and holds its commits until its own log has them, so it falls behind: its
        LAG shows more than 0 and its mntr max_fsynctime reaches 200 while the other nodes' stay
        low; the process line says so; S again restores it and its LAG goes back to 0; both
        steps are in Events."""
        pane, base, data_dir, nodes = self.start()
        screen = pane.wait_for(lambda s: any(r[1] == "FOLLOWING" for r in self.node_rows(s).values())
                               and any(r[1] == "LEADING" for r in self.node_rows(s).values()), what="a leader and a follower")
        rows = self.node_rows(screen)
        sid = next(k for k, r in rows.items() if r[1] == "FOLLOWING")
        port = int(rows[sid][0].rsplit(":", 1)[1])
        self.select_row(pane, sid)
        pane.keys("L")
        pane.wait_text("write load on")
        pane.keys("S")
        pane.wait_text("s%d disk slowed: every fsync takes 200 ms more" % sid)
        pane.wait_text("slow disk (every fsync +200 ms)")
        screen = pane.wait_for(lambda s: (self.node_rows(s).get(sid, (0, 0, None))[2] or 0) > 0, timeout=30,
                               what="s%d's LAG above 0" % sid)

        def max_fsync(p):
            text = harness.four_letter(p, "mntr") or ""
            m = re.search(r"zk_max_fsynctime\t(\d+)", text)
            return int(m.group(1)) if m else None
        self.assertTrue(wait_until(lambda: (max_fsync(port) or 0) >= 200, timeout=20), "s%d mntr: %r" % (sid, max_fsync(port)))
        others = [int(r[0].rsplit(":", 1)[1]) for k, r in rows.items() if k != sid]
        for p in others:
            self.assertLess(max_fsync(p) or 0, 200, "port %d" % p)
        pane.keys("S")
        pane.wait_text("s%d disk at full speed" % sid)
        pane.keys("L")
        pane.wait_text("write load off")
        pane.wait_for(lambda s: self.node_rows(s).get(sid, (0, 0, None))[2] == 0, timeout=30, what="s%d's LAG back to 0" % sid)
        pane.keys("4")
        pane.wait_for(lambda s: "s%d disk slowed" % sid in s and "s%d disk at full speed" % sid in s, what="both steps in Events")
        pane.keys("q")
        pane.assert_shell_restored()

    def test_f_partitioned_leader_steps_down_and_rejoins(self):
        """N on the leader: the demo cuts its quorum and election traffic both ways (its client
        port stays open). It loses its quorum and steps down (LOOKING / not serving), the other
        two elect a new leader in a new epoch; N again heals it and it rejoins as a FOLLOWING
        node of the new leader.  Each step is on the process line and in Events."""
        pane, base, data_dir, nodes = self.start()
        screen = pane.wait_for(lambda s: sorted(r[1] for r in self.node_rows(s).values()) == ["FOLLOWING", "FOLLOWING", "LEADING"],
                               what="a leader and two followers")
        rows = self.node_rows(screen)
        old = next(k for k, r in rows.items() if r[1] == "LEADING")
        old_port = int(rows[old][0].rsplit(":", 1)[1])
        self.select_row(pane, old)
        pane.keys("N")
        pane.wait_text("s%d partitioned: its quorum and election traffic is cut both ways" % old)
        pane.wait_text("partitioned from its peers · N heals it")

        def new_leader(s):
            r = self.node_rows(s)
            leaders = [k for k, v in r.items() if v[1] == "LEADING"]
            return leaders[0] if len(leaders) == 1 and leaders[0] != old and r[old][1] != "LEADING" else None
        screen = pane.wait_for(new_leader, timeout=30, what="a new leader while s%d is cut off" % old)
        leader = new_leader(screen)
        # The old leader stepped down: it answers clients' 4lw but serves nothing.
        self.assertIn("not currently serving", harness.four_letter(old_port, "srvr") or "")
        pane.keys("N")
        pane.wait_text("s%d partition healed: it rejoins through an election" % old)
        pane.wait_for(lambda s: self.node_rows(s).get(old, (0, ""))[1] == "FOLLOWING"
                      and self.node_rows(s).get(leader, (0, ""))[1] == "LEADING", timeout=30,
                      what="s%d FOLLOWING s%d" % (old, leader))
        mode = harness.four_letter(old_port, "srvr") or ""
        self.assertIn("Mode: follower", mode)
        pane.keys("4")
        pane.wait_for(lambda s: "s%d partitioned" % old in s and "s%d partition healed" % old in s, what="both steps in Events")
        pane.keys("q")
        pane.assert_shell_restored()

    def test_g_add_change_role_remove_and_resume(self):
        """A starts s4 with the members in its zoo.cfg; once it follows (without a vote) a reconfig
        makes it a voter: it appears as a row (discovered in conf) and Events shows the
        reconfiguration "s4 joined as participant". O on s4 makes it an observer (OBSERVING), D on
        s2 removes it by reconfig and stops it: its row goes, Events says it left, and the rest keep
        a leader. Each server's zoo.cfg then points at its zoo.cfg.dynamic.<version> file, and a
        demo started again on the same --data-dir brings back that membership: s1, s3 and s4 as an
        observer, not s2."""
        pane, base, data_dir, nodes = self.start()
        pane.wait_for(lambda s: sorted(r[1] for r in self.node_rows(s).values()) == ["FOLLOWING", "FOLLOWING", "LEADING"],
                      what="a leader and two followers")
        pane.keys("A")
        pane.wait_text("s4 joined the ensemble as a voter", timeout=60)
        pane.wait_for(lambda s: self.node_rows(s).get(4, (0, ""))[1] == "FOLLOWING", timeout=30, what="s4's row FOLLOWING")
        self.assertIn("Mode: follower", harness.four_letter(base + 4, "srvr") or "")
        self.assertIn("server.4=", harness.four_letter(base + 1, "conf") or "")
        self.select_row(pane, 4)
        pane.keys("O")
        pane.wait_text("s4 is now an observer (reconfig)", timeout=40)
        pane.wait_for(lambda s: self.node_rows(s).get(4, (0, ""))[1] == "OBSERVING", timeout=30, what="s4 OBSERVING")
        self.select_row(pane, 2)
        pane.keys("D")
        pane.wait_text("s2 removed from the ensemble by reconfig, then stopped", timeout=40)
        pane.wait_for(lambda s: sorted(self.node_rows(s)) == [1, 3, 4], timeout=30, what="s2's row gone")
        pane.wait_for(lambda s: sum(1 for r in self.node_rows(s).values() if r[1] == "LEADING") == 1, timeout=30, what="one leader")
        with open(os.path.join(data_dir, "node-1", "zoo.cfg")) as f:
            cfg = f.read()
        self.assertRegex(cfg, r"dynamicConfigFile=.*/node-1/zoo\.cfg\.dynamic\.[0-9a-f]+")
        self.assertNotIn("server.1=", cfg)
        pane.keys("4")
        pane.wait_for(lambda s: "s4 joined as participant" in s and "s2 left" in s, what="the reconfigurations in Events")
        pane.keys("q")
        pane.assert_shell_restored()

        # Started again on the same directory, without flags that say so: the membership the
        # servers activated last, s4 an observer, s2 not started.
        demo = HeadlessDemo(self, base, data_dir=data_dir)
        demo.wait_for(r"^resuming membership 0x[0-9a-f]+ from .*/node-\d/zoo\.cfg: s1 s3 s4 \(observer\)")
        demo.wait_for(r"^node s4: pid \d+, client 127\.0\.0\.1:%d, .*, observer$" % (base + 4))
        self.assertNotRegex(demo.text(), r"(?m)^node s2:")
        modes = lambda: sorted((harness.four_letter(base + i, "srvr") or "").partition("Mode: ")[2].split("\n")[0]  # noqa: E731
                               for i in (1, 3, 4))
        self.assertTrue(wait_until(lambda: modes() == ["follower", "leader", "observer"], timeout=40),
                        "modes after the resume: %r" % modes())
        conf = harness.four_letter(base + 4, "conf") or ""
        self.assertIn("server.4=127.0.0.1:%d:%d:observer" % (base + 704, base + 1704), conf)
        self.assertNotIn("server.2=", conf)
        self.assertIsNone(harness.four_letter(base + 2, "srvr"), "s2 answers after the resume")

    def test_a_kill_restart_pause_load_and_quit(self):
        pane, base, data_dir, nodes = self.start()
        old = nodes[1]
        # The selection starts on the first row: s1. K asks first; n cancels, y kills.
        pane.keys("K")
        pane.wait_text("kill s1 (pid %d) with SIGKILL? y/n" % old)
        pane.keys("n")
        pane.wait_text("kill cancelled")
        self.assertTrue(alive(old), "s1 (pid %d) killed although the kill was cancelled" % old)
        pane.keys("K")
        pane.wait_text("kill s1 (pid %d) with SIGKILL? y/n" % old)
        pane.keys("y")
        pane.wait_text("s1 killed (SIGKILL)")
        self.assertTrue(wait_until(lambda: process_state(old) is None, timeout=5), "s1 (pid %d) not reaped" % old)
        pane.wait_text("process killed (SIGKILL)")

        pane.keys("R")
        screen = pane.wait_for(lambda s: re.search(r"s1 restarted, pid (\d+)", s), what="s1 restarted")
        new = int(re.search(r"s1 restarted, pid (\d+)", screen).group(1))
        self.assertNotEqual(new, old)
        self.assertTrue(alive(new))
        self.assertIn("%s/node-1/zoo.cfg" % data_dir, cmdline(new))

        pane.keys("P")
        pane.wait_text("s1 paused (SIGSTOP)")
        self.assertTrue(wait_until(lambda: process_state(new) == "T", timeout=5),
                        "s1 (pid %d) is %s, not stopped" % (new, process_state(new)))
        pane.wait_text("process pid %d paused (SIGSTOP)" % new)
        pane.keys("P")
        pane.wait_text("s1 resumed (SIGCONT)")
        self.assertTrue(wait_until(lambda: process_state(new) not in ("T", None), timeout=5))

        pane.keys("L")
        pane.wait_text("write load on (50 writes/s)")
        pane.wait_text("write load 50/s")  # the banner
        pane.keys("L")
        pane.wait_text("write load off")

        # Every action is in the event log.
        pane.keys("4")
        # Waited for together: tmux can capture a frame the dashboard is still painting.
        expected = ("s1 resumed (SIGCONT)", "s1 killed (SIGKILL)", "s1 restarted, pid %d" % new, "s1 paused (SIGSTOP)",
                    "write load on (50 writes/s)")
        pane.wait_for(lambda s: all(text in s for text in expected), what="every action in Events")

        everything = list(node_processes(data_dir).values())
        self.assertEqual(len(everything), NODES)
        pane.keys("q")
        pane.assert_shell_restored()
        for pid in everything:
            self.assertIsNone(process_state(pid), "pid %d left after q" % pid)
        self.assertEqual(node_processes(data_dir), {})

    def mode_of(self, port):
        try:
            text = harness.four_letter(port, "srvr", timeout=2) or ""
        except Exception:
            return None
        m = re.search(r"Mode: (\w+)", text)
        return m.group(1) if m else None

    @staticmethod
    def event_lines(screen):
        """The Events view's lines, oldest first, without their clock."""
        return [line[10:].rstrip() for line in screen.splitlines() if re.match(r"\d\d:\d\d:\d\d  ", line)]

    def test_d_events_tell_the_truth(self):
        """Issue 13 items 3 and 4 in the dashboard: a first line with the initial states, a
        follower killed, restarted, paused and resumed is no election, every demo action is
        listed before the state change it caused, and the old leader's fall before the new
        leader's election."""
        pane, base, data_dir, nodes = self.start()
        ports = {sid: base + sid for sid in range(1, NODES + 1)}
        leader = wait_until(lambda: next((sid for sid, p in ports.items() if self.mode_of(p) == "leader"), None),
                            timeout=START_TIMEOUT)
        self.assertTrue(leader, "no leader in the demo")
        pane.wait_text("voters %d/%d up" % (NODES, NODES), timeout=START_TIMEOUT)
        follower = next(sid for sid in ports if sid != leader)
        pane.keys("4")
        screen = pane.wait_for(lambda s: any(l.startswith("watching %d node(s)" % NODES) for l in self.event_lines(s)),
                               what="the initial line")
        self.assertTrue(self.event_lines(screen)[0].startswith("watching"), screen)
        pane.keys("1")
        for _ in range(follower - 1):
            pane.keys("j")
        f = "s%d" % follower

        def after(action, effect, timeout=30):
            """Waits for an Events line matching `effect` listed after the last `action` line."""
            def seen(screen):
                lines = self.event_lines(screen)
                acts = [i for i, l in enumerate(lines) if l.startswith(action)]
                return acts and any(re.match(effect, l) for l in lines[acts[-1] + 1:])
            pane.keys("4")
            return pane.wait_for(seen, timeout=timeout, what="%r after %r" % (effect, action))

        pane.keys("K")
        pane.wait_text("kill %s" % f)
        pane.keys("y")
        after("%s killed" % f, r"%s FOLLOWING → DOWN" % f)
        pane.keys("1", "R")
        after("%s restarted" % f, r"%s DOWN → FOLLOWING" % f, timeout=40)
        pane.keys("1", "P")
        after("%s paused" % f, r"%s FOLLOWING → DOWN" % f)
        pane.keys("1", "P")
        screen = after("%s resumed" % f, r"%s DOWN → FOLLOWING" % f)
        lines = self.event_lines(screen)
        self.assertFalse([l for l in lines if " elected" in l][1:],
                         "a follower's rejoin logged as an election:\n" + screen)
        self.assertFalse([l for l in lines if l.startswith("quorum regained")], "nothing was lost:\n" + screen)
        pane.keys("3")
        screen = pane.wait_text("RECENT ELECTIONS")
        self.assertEqual(screen.count("won after") + screen.count(" elected"), 1,
                         "one election only (the demo's first):\n" + screen)

        # Now the leader: its fall is listed before the new leader's election.
        pane.keys("1", "g")
        for _ in range(leader - 1):
            pane.keys("j")
        pane.keys("K")
        pane.wait_text("kill s%d" % leader)
        pane.keys("y")
        screen = after("s%d killed" % leader, r"s\d elected \(epoch", timeout=40)
        lines = self.event_lines(screen)
        fell = [i for i, l in enumerate(lines) if l.startswith("s%d LEADING → DOWN" % leader)]
        elected = [i for i, l in enumerate(lines) if re.match(r"s\d elected \(epoch", l)]
        killed = [i for i, l in enumerate(lines) if l.startswith("s%d killed" % leader)]
        self.assertTrue(fell and killed, screen)
        self.assertLess(killed[0], fell[0], screen)
        self.assertLess(fell[0], elected[-1], "the new leader is listed before the old one's fall:\n" + screen)
        pane.keys("q")
        pane.assert_shell_restored()

    def test_b_sigterm_stops_every_node_and_monitor_refuses_the_keys(self):
        pane, base, data_dir, nodes = self.start()
        # A plain monitor on the same nodes may not act on them.
        other = test_monitor.Pane(self, columns=120, rows=30)
        other.start_monitor("--servers", ",".join("127.0.0.1:%d" % (base + i) for i in range(1, NODES + 1)),
                            "--no-admin", "--timeout", "1")
        other.keys("K")
        other.wait_text("K: only nodes started by zkdash demo can be killed")
        other.keys("q")
        other.assert_shell_restored()
        self.assertEqual(node_processes(data_dir), nodes)

        demo = wait_until(pane.monitor_pid, timeout=5)
        self.assertTrue(demo, "no zkdash process in the pane")
        os.kill(demo, signal.SIGTERM)
        pane.assert_shell_restored(exit_code="0")
        for pid in nodes.values():
            self.assertIsNone(process_state(pid), "pid %d left after SIGTERM" % pid)

    def test_c_a_crash_takes_the_nodes_along(self):
        pane, base, data_dir, nodes = self.start(env={"SWIFT_BACKTRACE": "enable=no"})
        demo = wait_until(pane.monitor_pid, timeout=5)
        self.assertTrue(demo, "no zkdash process in the pane")
        os.kill(demo, signal.SIGSEGV)
        pane.assert_shell_restored(exit_code="139")
        gone = wait_until(lambda: not any(alive(p) for p in nodes.values()), timeout=5, interval=0.05)
        self.assertTrue(gone, "nodes left after the dashboard crashed: %r"
                        % {n: process_state(p) for n, p in nodes.items()})
