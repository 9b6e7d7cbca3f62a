"""Dynamic reconfiguration of VOTERS (suite `reconfig`, loaded by test_reconfig.py's load_tests):
the same steps, through kazoo and 4lw, against a 3-voter Apache 3.8 ensemble and a 3-voter zkdash
ensemble, both with `reconfigEnabled=true` and a super digest; each scenario returns a dict of
normalised observations (no ports, versions or timings) that must equal the one pinned here,
which is what Apache 3.8 does (Apache's half runs first and proves it).

Members are named by role, not sid, since which sid leads differs between the two servers:
L = the leader when the scenario starts, F1 / F2 = its followers (lower sid first), N = the node
added (sid 4), O = the observer.  Scenarios: add a 4th voter live (joiner started with the members
plus itself, Apache's documented procedure: it syncs as a non-voting follower first), remove a
follower, remove the leader, promote an observer and demote it back, a non-incremental
`new_members` replacing a follower, `zkdash reconfig --add` of a voter (zkdash only), and Apache's own
CLI, `zkCli.sh reconfig` (ZkCliReconfigTests: one piped zkCli session per side).

ZK_TARGET=apache|zkdash runs one half only."""

import os
import re
import shutil
import sys
import tempfile
import unittest

import harness
from ensemble import ApacheEnsemble, ZkdashEnsemble
from test_clients import ZKCLI, run_zkcli
from test_monitor import apache_reason
from test_reconfig import RECONFIG_CFG, SUPER, bound_ports, cli

WAIT = 30           # shared 2-core machines: every wait is generous


def roles(text):
    """{'server.1': 'participant', ...} from config text (/zookeeper/config, or `conf`'s membership)."""
    out = {}
    for line in (text or "").splitlines():
        if line.startswith("server.") and "=" in line:
            name, spec = line.split("=", 1)
            fields = spec.split(";")[0].split(":")
            out[name] = fields[3] if len(fields) > 3 else "participant"
    return out


def server_line(node, role):
    return "server.%d=%s:%d:%d:%s;%s:%d" % (node.sid, node.host, node.quorum_port, node.election_port, role,
                                           node.host, node.client_port)


def category(node):
    """What srvr says, as a word: leader / follower / observer / not serving / no answer / down."""
    if not node.alive():
        return "down"
    return node.mode(timeout=5) or "no answer"


def outcome(fn):
    """'ok' or the class of what fn raised (any exception: a dropped connection is an answer too)."""
    try:
        fn()
        return "ok"
    except Exception as e:  # noqa: BLE001
        return type(e).__name__


class _Scenario:
    """One ensemble, its members' labels and clients (all cleaned up by the test case)."""

    def __init__(self, case, cls, observers=0):
        self.case = case
        self.ens = cls(voters=3, observers=observers, extra_cfg=RECONFIG_CFG)
        case.addCleanup(self.ens.destroy)
        self.ens.start()
        leader = self.ens.wait_for_leader(WAIT)
        followers = sorted((n for n in self.ens.voters if n is not leader), key=lambda n: n.sid)
        self.label = {leader.sid: "L", followers[0].sid: "F1", followers[1].sid: "F2"}
        for o in self.ens.observers:
            self.label[o.sid] = "O"
        self.L, self.F1, self.F2 = leader, followers[0], followers[1]

    def node(self, label):
        return next(n for n in self.ens.nodes if self.label.get(n.sid) == label)

    def named(self, text):
        """roles(text) with sids replaced by labels."""
        return {self.label.get(int(k.split(".")[1]), k): v for k, v in roles(text).items()}

    def conf(self, node):
        return self.named(node.four("conf", timeout=5))

    def client(self, nodes, super_user=False):
        c = harness.kazoo_client(self.ens.connect_string(nodes), start_timeout=WAIT,
                                 auth_data=[("digest", SUPER)] if super_user else None)
        self.case.addCleanup(harness.stop_kazoo, c)
        return c

    def join_follower(self, label="N"):
        """Adds and starts N (members + itself in its zoo.cfg); waits for it to answer as a follower."""
        n = self.ens.add_node()
        self.label[n.sid] = label
        n.start()
        harness.wait_until(lambda: category(n) == "follower", timeout=WAIT, interval=0.3)
        return n

    def reconfig(self, via, **kw):
        """(outcome, labelled roles of the config returned or None) of a reconfig sent through `via`."""
        args = dict(joining=None, leaving=None, new_members=None)
        args.update(kw)
        result = []
        what = outcome(lambda: result.append(self.client(via, super_user=True).reconfig(**args)))
        return what, (self.named(result[0][0].decode()) if result else None)

    def confs_settle(self, nodes, want):
        """Waits for every node's `conf` membership to be `want`: `want` if so, else {label: membership}."""
        harness.wait_until(lambda: all(self.conf(n) == want for n in nodes), timeout=WAIT, interval=0.3)
        got = {self.label[n.sid]: self.conf(n) for n in nodes}
        return want if all(v == want for v in got.values()) else got

    def settle(self, node, transient=("not serving", "no answer")):
        """The node's category once it is none of `transient` (or whatever it is after WAIT)."""
        return harness.wait_until(lambda: (lambda c: c if c not in transient else None)(category(node)),
                                  timeout=WAIT, interval=0.3) or category(node)

    def write_read(self, writer, reader, path):
        """A create through `writer`'s server, read back through `reader`'s after sync."""
        def go():
            self.client(writer).create(path, b"v", makepath=True)
            r = self.client(reader)
            r.sync(path)
            assert r.get(path)[0] == b"v"
        return outcome(go)

    def one_leader(self, nodes):
        """Sorted categories of `nodes` once exactly one leads and the rest follow (or after WAIT)."""
        want = lambda: sorted(category(n) for n in nodes)  # noqa: E731
        harness.wait_until(lambda: want() == sorted(["leader"] + ["follower"] * (len(nodes) - 1)),
                           timeout=WAIT, interval=0.3)
        return want()


class _VoterCase(unittest.TestCase):
    maxDiff = None
    expected = None

    def differential(self, scenario, **kw):
        """Runs scenario(_Scenario) on Apache, then zkdash; each must give `expected`."""
        kinds = harness.selected_kinds()
        for kind, cls in (("apache", ApacheEnsemble), ("zkdash", ZkdashEnsemble)):
            if kind not in kinds or (kind == "apache" and apache_reason()):
                continue
            seen = scenario(_Scenario(self, cls, **kw))
            if os.environ.get("ZK_TEST_DUMP"):
                sys.stderr.write("%s %s: %r\n" % (self.id(), kind, seen))
            self.assertEqual(seen, self.expected, "Apache 3.8 itself" if kind == "apache" else "zkdash")


FOUR_VOTERS = {"L": "participant", "F1": "participant", "F2": "participant", "N": "participant"}


class AddVoterTests(_VoterCase):
    expected = {
        # Before the reconfig the joiner serves as a follower that does not vote; its `conf`
        # shows the leader's config, without itself.
        "N before": "follower", "N conf before": {"L": "participant", "F1": "participant", "F2": "participant"},
        "reconfig": "ok", "returned": FOUR_VOTERS,
        "conf": FOUR_VOTERS,
        "N after": "follower",
        "write via N, read via F1": "ok",
        "F1 killed: write via L, read via N": "ok",
        # 4 voters need 3: with F1 and N down, L and F2 lose the quorum (with N a non-voter they would not).
        "N killed too": ["not serving", "not serving"],
    }

    def test_add_voter_live(self):
        def scenario(s):
            seen = {}
            n = s.join_follower()
            seen["N before"] = category(n)
            seen["N conf before"] = s.conf(n)
            seen["reconfig"], seen["returned"] = s.reconfig([s.F1], joining=server_line(n, "participant"))
            if seen["reconfig"] != "ok":
                return seen
            seen["conf"] = s.confs_settle(s.ens.nodes, FOUR_VOTERS)
            seen["N after"] = category(n)
            seen["write via N, read via F1"] = s.write_read([n], [s.F1], "/voters/a")
            s.F1.kill()
            seen["F1 killed: write via L, read via N"] = s.write_read([s.L], [n], "/voters/b")
            n.kill()
            harness.wait_until(lambda: category(s.L) == category(s.F2) == "not serving", timeout=WAIT, interval=0.3)
            seen["N killed too"] = [category(s.L), category(s.F2)]
            return seen
        self.differential(scenario)


TWO_VOTERS = {"L": "participant", "F2": "participant"}


class RemoveFollowerTests(_VoterCase):
    expected = {
        "reconfig": "ok", "returned": TWO_VOTERS, "conf": TWO_VOTERS,
        "write via F2, read via L": "ok",
        # Apache: the removed server stays connected to the leader as a non-voting follower; it
        # keeps serving reads and writes, and its conf shows the new config, without itself.
        "F1 afterwards": "follower", "F1 conf afterwards": TWO_VOTERS,
        "write via F1, read via L": "ok",
        # ... but it does not count: with F2 down, L (1 of 2 voters) and F1 stop serving.
        "F2 killed: L, F1": ["not serving", "not serving"],
        # Restarted with the files it has (zoo.cfg now names a dynamic file without it), it
        # refuses to start: Apache "My id 1 not in the peer list" (exit 1), zkdash "myid 1 is
        # not one of the server.N lines" (exit 2, its config error).
        "F1 restarted": "exits at start",
    }

    def test_remove_follower(self):
        def scenario(s):
            seen = {}
            seen["reconfig"], seen["returned"] = s.reconfig([s.L], leaving=str(s.F1.sid))
            if seen["reconfig"] != "ok":
                return seen
            seen["conf"] = s.confs_settle([s.L, s.F2], TWO_VOTERS)
            seen["write via F2, read via L"] = s.write_read([s.F2], [s.L], "/voters/a")
            seen["F1 afterwards"] = s.settle(s.F1)
            seen["F1 conf afterwards"] = s.conf(s.F1)
            seen["write via F1, read via L"] = s.write_read([s.F1], [s.L], "/voters/b")
            s.F2.kill()
            harness.wait_until(lambda: category(s.L) == category(s.F1) == "not serving", timeout=WAIT, interval=0.3)
            seen["F2 killed: L, F1"] = [category(s.L), category(s.F1)]
            s.F1.kill()
            s.F1.start()
            harness.wait_until(lambda: not s.F1.alive(), timeout=WAIT, interval=0.3)
            seen["F1 restarted"] = "exits at start" if s.F1.returncode() not in (None, 0) else category(s.F1)
            return seen
        self.differential(scenario)


class RemoveLeaderTests(_VoterCase):
    RACY = "ok or ConnectionLoss"
    expected = {
        # Apache commits it, then the leader steps down: the follower that relayed the request
        # may drop the client's connection before or after the answer (both seen on 3.8).
        "reconfig": RACY,
        # The designated leader takes over: the lower sid of the two, on both servers.
        "F1 and F2": ["follower", "leader"], "new leader": "F1",
        "write via F2, read via F1": "ok",
        "members read via F2": {"F1": "participant", "F2": "participant"},
        # The old leader comes back as a non-voting follower of the new one, and serves.
        "L afterwards": "follower", "L conf afterwards": {"F1": "participant", "F2": "participant"},
        "write via L, read via F2": "ok",
    }

    def test_remove_leader(self):
        def scenario(s):
            seen = {}
            # Sent through a follower: the leader's own clients would see it go.
            what, _ = s.reconfig([s.F1], leaving=str(s.L.sid))
            seen["reconfig"] = self.RACY if what in ("ok", "ConnectionLoss") else what
            if os.environ.get("ZK_TEST_DUMP"):
                sys.stderr.write("remove leader: the reconfig call gave %s\n" % what)
            if seen["reconfig"] != self.RACY:
                return seen
            seen["F1 and F2"] = s.one_leader([s.F1, s.F2])
            seen["new leader"] = next((s.label[n.sid] for n in (s.F1, s.F2) if category(n) == "leader"), None)
            seen["write via F2, read via F1"] = s.write_read([s.F2], [s.F1], "/voters/a")
            c = s.client([s.F2])
            c.sync("/zookeeper/config")
            seen["members read via F2"] = s.named(c.get("/zookeeper/config")[0].decode())
            seen["L afterwards"] = s.settle(s.L, ("leader", "not serving", "no answer"))
            seen["L conf afterwards"] = s.conf(s.L)
            seen["write via L, read via F2"] = s.write_read([s.L], [s.F2], "/voters/b")
            return seen
        self.differential(scenario)


class MissedReconfigTests(_VoterCase):
    """A voter that was down while the voters were replaced: its own voters (L, F1, F2) are no
    longer voters and cannot elect anyone, so it must learn the new membership from the members'
    election answers (Apache's notifications carry the config; so do zkdash's)."""
    NEW = {"F2": "participant", "N": "participant", "M": "participant"}
    expected = {
        "reconfig": "ok or ConnectionLoss",
        "N and M": ["follower", "leader"],
        "F2 after restart": "follower",
        "F2 conf": NEW,
        "write via F2, read via N": "ok",
        "L and F1": ["follower", "follower"],
    }

    def test_voter_down_during_a_reconfig_rejoins(self):
        def scenario(s):
            seen = {}
            n = s.join_follower("N")
            m = s.join_follower("M")
            s.F2.kill()
            members = ",".join(server_line(x, "participant") for x in (s.F2, n, m))
            what, _ = s.reconfig([s.F1], new_members=members)
            seen["reconfig"] = "ok or ConnectionLoss" if what in ("ok", "ConnectionLoss") else what
            if seen["reconfig"] != "ok or ConnectionLoss":
                return seen
            seen["N and M"] = s.one_leader([n, m])
            s.F2.start()
            seen["F2 after restart"] = s.settle(s.F2)
            seen["F2 conf"] = s.conf(s.F2)
            seen["write via F2, read via N"] = s.write_read([s.F2], [n], "/voters/missed")
            seen["L and F1"] = sorted(s.settle(x) for x in (s.L, s.F1))
            return seen
        self.differential(scenario)


def dynamic_files(s, node):
    """What a reconfiguration left in node's zoo.cfg: the membership lines still there, the
    dynamicConfigFile it points at (name pattern, hex version's counter) and that file's members."""
    import re
    with open(node.cfg_path) as f:
        cfg = f.read()
    pointer = [l.split("=", 1)[1].strip() for l in cfg.splitlines() if l.startswith("dynamicConfigFile=")]
    seen = {"server lines left": sum(1 for l in cfg.splitlines() if l.startswith("server.")), "pointer": len(pointer)}
    if pointer:
        m = re.match(r".*/zoo\.cfg\.dynamic\.([0-9a-f]+)$", pointer[0])
        seen["named zoo.cfg.dynamic.<hex>"] = bool(m) and os.path.dirname(pointer[0]) == os.path.dirname(node.cfg_path)
        with open(pointer[0]) as f:
            text = f.read()
        seen["version inside"] = "version=" in text
        seen["members"] = s.named(text)
    return seen


class DynamicConfigFileTests(_VoterCase):
    """After a reconfiguration every member's zoo.cfg points at `zoo.cfg.dynamic.<version>` beside it
    (its server lines gone), the file lists the members without a version line, and the whole
    ensemble restarted from those files comes back with the same membership."""
    AFTER = {"server lines left": 0, "pointer": 1, "named zoo.cfg.dynamic.<hex>": True, "version inside": False,
             "members": FOUR_VOTERS}
    expected = {
        "reconfig": "ok",
        "files": {"L": AFTER, "F1": AFTER, "F2": AFTER, "N": AFTER},
        "after restarting everyone": ["follower", "follower", "follower", "leader"],
        "conf after restart": FOUR_VOTERS,
        "write via N, read via F2": "ok",
    }

    def test_dynamic_config_files_and_restart(self):
        def scenario(s):
            seen = {}
            n = s.join_follower()
            seen["reconfig"], _ = s.reconfig([s.L], joining=server_line(n, "participant"))
            if seen["reconfig"] != "ok":
                return seen
            s.confs_settle(s.ens.nodes, FOUR_VOTERS)
            harness.wait_until(lambda: all(dynamic_files(s, x).get("members") == FOUR_VOTERS for x in s.ens.nodes),
                               timeout=WAIT, interval=0.3)
            seen["files"] = {s.label[x.sid]: dynamic_files(s, x) for x in s.ens.nodes}
            for x in s.ens.nodes:
                x.stop()
            for x in s.ens.nodes:
                x.start()
            seen["after restarting everyone"] = s.one_leader(s.ens.nodes)
            seen["conf after restart"] = s.confs_settle(s.ens.nodes, FOUR_VOTERS)
            seen["write via N, read via F2"] = s.write_read([n], [s.F2], "/voters/restarted")
            return seen
        self.differential(scenario)


WITH_O = dict(FOUR_VOTERS, O="participant")
del WITH_O["N"]
O_OBSERVING = dict(WITH_O, O="observer")


class PromoteObserverTests(_VoterCase):
    expected = {
        "O before": "observer",
        # The observer's own ports, role participant: it becomes a voting follower...
        "promote": "ok", "promoted": WITH_O, "conf after promote": WITH_O, "O after promote": "follower",
        "write via O, read via F1": "ok",
        # ... and back (Apache keeps the same ports and changes only the role).
        "demote": "ok", "demoted": O_OBSERVING, "conf after demote": O_OBSERVING, "O after demote": "observer",
    }

    def test_promote_and_demote_observer(self):
        def scenario(s):
            seen = {}
            o = s.node("O")
            seen["O before"] = category(o)
            seen["promote"], seen["promoted"] = s.reconfig([s.L], joining=server_line(o, "participant"))
            if seen["promote"] != "ok":
                return seen
            seen["conf after promote"] = s.confs_settle(s.ens.nodes, WITH_O)
            seen["O after promote"] = s.settle(o, ("observer", "not serving", "no answer"))
            seen["write via O, read via F1"] = s.write_read([o], [s.F1], "/voters/a")
            seen["demote"], seen["demoted"] = s.reconfig([s.L], joining=server_line(o, "observer"))
            if seen["demote"] != "ok":
                return seen
            seen["conf after demote"] = s.confs_settle(s.ens.nodes, O_OBSERVING)
            seen["O after demote"] = s.settle(o, ("follower", "not serving", "no answer"))
            return seen
        self.differential(scenario, observers=1)


class NonIncrementalTests(_VoterCase):
    L_F2_N = {"L": "participant", "F2": "participant", "N": "participant"}
    expected = {
        "reconfig": "ok", "returned": L_F2_N, "conf": L_F2_N, "N after": "follower",
        "write via N, read via F2": "ok",
        # Replaced: a non-voting follower, as after `leaving`.
        "F1 afterwards": "follower",
    }

    def test_new_members_replace_a_follower(self):
        def scenario(s):
            seen = {}
            n = s.join_follower()
            members = ",".join(server_line(x, "participant") for x in (s.L, s.F2, n))
            seen["reconfig"], seen["returned"] = s.reconfig([s.L], new_members=members)
            if seen["reconfig"] != "ok":
                return seen
            seen["conf"] = s.confs_settle([s.L, s.F2, n], self.L_F2_N)
            seen["N after"] = category(n)
            seen["write via N, read via F2"] = s.write_read([n], [s.F2], "/voters/a")
            seen["F1 afterwards"] = s.settle(s.F1)
            return seen
        self.differential(scenario)


class CliAddVoterTests(unittest.TestCase):
    """`zkdash reconfig --add` of a participant against a zkdash ensemble (the joiner as in
    AddVoterTests): exit 0, the printed config names the new voter, every member's conf lists it."""

    def test_cli_add_voter(self):
        if "zkdash" not in harness.selected_kinds():
            self.skipTest("ZK_TARGET=apache")
        s = _Scenario(self, ZkdashEnsemble)
        n = s.join_follower()
        code, out, err = cli(s.ens, "--add", server_line(n, "participant"))
        self.assertEqual((code, server_line(n, "participant") in out), (0, True), err)
        self.assertEqual(s.confs_settle(s.ens.nodes, FOUR_VOTERS), FOUR_VOTERS)


def zkcli_error(line):
    """zkCli's message for a failed reconfig, as the KeeperException it stands for."""
    for prefix, name in (("Insufficient permission", "NoAuth"), ("Arguments are not valid", "BadArguments"),
                         ("version No is not valid", "BadVersion"), ("Another reconfiguration is in progress",
                                                                     "ReconfigInProgress"),
                         ("No quorum of new config", "NewConfigNoQuorum")):
        if line.startswith(prefix):
            return name
    m = re.match(r"KeeperErrorCode = (\w+)", line)
    return m.group(1) if m else "other"


class ZkCliReconfigTests(_VoterCase):
    """Apache's own CLI, `zkCli.sh reconfig` (ZooKeeperMain + ZooKeeperAdmin), on both ensembles:
    one zkCli session connected to L, its commands piped on stdin, each preceded by
    `stat /zkcli-step-<i>` (its "Node does not exist" line marks where the step's output starts;
    stdout and stderr share one pipe, so the order is zkCli's own).  Each step's output becomes
    {"committed" | "config": labelled roles, "version": the config version's counter within its
    epoch, "stat": the -s stat with mZxid / dataLength checked against the config} or {"error":
    the KeeperException class, "text": zkCli's line}.  The observer O (sid 100) is never started:
    its ports are bound by the test and never listen.  Afterwards: every member's `conf`, modes,
    a write through the re-added F1."""

    STEPS = [
        ("initial config", "config"),
        ("add O without addauth", "reconfig -add {O}"),
        ("addauth", "addauth digest " + SUPER),
        ("add O", "reconfig -add {O}"),
        ("config -s", "config -s"),
        ("remove O, -v wrong", "reconfig -v 1 -remove 100"),
        ("remove O, -s", "reconfig -s -remove 100"),
        ("remove a non-member", "reconfig -remove 99"),
        ("add N", "reconfig -add {N}"),
        ("remove abc", "reconfig -remove abc"),
        ("-members L,F2,N", "reconfig -members {L},{F2},{N}"),
        ("-file L,F1,F2,N", "reconfig -file {file}"),
        ("garbage", 'reconfig -add "some thing"'),
        ("final config", "config"),
    ]
    O3 = {"L": "participant", "F1": "participant", "F2": "participant"}
    WITH_O = dict(O3, O="observer")
    # The stat of /zookeeper/config (`config -s`, `reconfig -s`): mZxid is the config's version,
    # dataLength its length, the rest fixed.
    STAT = {"cZxid": "0x0", "ctime": "<time 0>", "mZxid": "= version", "mtime": "<date>",
            "pZxid": "0x0", "cversion": "0", "dataVersion": "-1", "aclVersion": "-1", "ephemeralOwner": "0x0",
            "dataLength": "= config", "numChildren": "0"}
    expected = {
        # zkCli's exit status is its last command's: `config` succeeded.
        "zkCli exit status": 0,
        "initial config": {"config": O3, "version": 0},
        # Versions are zxid counters within the epoch: zkCli's createSession is 1, and every failed
        # reconfig consumes one too (the NoAuth here is 2, the BadVersion 4, the MarshallingError 8).
        "add O without addauth": {"error": "NoAuth", "text": "Insufficient permission : "},
        "addauth": "no output",
        "add O": {"committed": WITH_O, "version": 3},
        "config -s": {"config": WITH_O, "version": 3, "stat": STAT},
        "remove O, -v wrong": {"error": "BadVersion", "text": "version No is not valid : "},
        "remove O, -s": {"committed": O3, "version": 5, "stat": STAT},
        # Removing a sid that is no member is no error: a new config, the same members, committed.
        "remove a non-member": {"committed": O3, "version": 6},
        "add N": {"committed": FOUR_VOTERS, "version": 7},
        "remove abc": {"error": "MarshallingError", "text": "KeeperErrorCode = MarshallingError"},
        "-members L,F2,N": {"committed": {"L": "participant", "F2": "participant", "N": "participant"}, "version": 9},
        # -file: zkCli parses the file itself and sends its members (plus `version=0`) non-incrementally;
        # the replaced F1, a non-voting follower since -members, votes again.
        "-file L,F1,F2,N": {"committed": FOUR_VOTERS, "version": 10},
        "garbage": {"error": "BadArguments", "text": "Arguments are not valid : "},
        "final config": {"config": FOUR_VOTERS, "version": 10},
        "conf afterwards": FOUR_VOTERS,
        "modes afterwards": ["follower", "follower", "follower", "leader"],
        "L afterwards": "leader",
        "write via F1, read via N": "ok",
    }

    def test_zkcli_reconfig(self):
        if not os.access(ZKCLI, os.X_OK):
            self.skipTest("%s missing (Debian package zookeeper)" % ZKCLI)

        def scenario(s):
            tmp = tempfile.mkdtemp(prefix="zkcli-reconfig-")
            self.addCleanup(shutil.rmtree, tmp, True)
            n = s.join_follower()
            s.label[100] = "O"
            p1, p2, p3 = bound_ports(self)
            lines = {"O": "server.100=%s:%d:%d:observer;%s:%d" % (harness.LOOPBACK, p1, p2, harness.LOOPBACK, p3),
                     "N": server_line(n, "participant"), "file": os.path.join(tmp, "members.cfg")}
            for label, node in (("L", s.L), ("F1", s.F1), ("F2", s.F2)):
                lines[label] = server_line(node, "participant")
            with open(lines["file"], "w") as f:
                f.write("".join(lines[k] + "\n" for k in ("L", "F1", "F2", "N")))
            script = []
            for i, (_, command) in enumerate(self.STEPS):
                script += ["stat /zkcli-step-%d" % i, command.format(**lines)]
            rc, out = run_zkcli(s.L.client_address, stdin="\n".join(script + ["quit", ""]), log_dir=tmp,
                                merged=True, timeout=120)
            if os.environ.get("ZK_TEST_DUMP"):
                sys.stderr.write("zkCli session:\n%s\n" % "\n".join(out))
            seen = {"zkCli exit status": rc}
            for i, (name, _) in enumerate(self.STEPS):
                seen[name] = self.step(s, out, i)
            members = [s.L, s.F1, s.F2, n]
            seen["conf afterwards"] = s.confs_settle(members, FOUR_VOTERS)
            seen["modes afterwards"] = s.one_leader(members)
            seen["L afterwards"] = category(s.L)
            seen["write via F1, read via N"] = s.write_read([s.F1], [n], "/zkcli/a")
            return seen
        self.differential(scenario)

    @staticmethod
    def step(s, out, i):
        """The normalised output of step i (between its marker and the next one)."""
        marker = "Node does not exist: /zkcli-step-%d" % i
        if marker not in out:
            return "no marker in %r" % out
        start = out.index(marker) + 1
        end = next((j for j in range(start, len(out)) if out[j].startswith("Node does not exist: /zkcli-step-")),
                   len(out))
        lines = out[start:end]
        if not lines:
            return "no output"
        seen = {}
        if lines[0] == "Committed new configuration:":
            kind, lines = "committed", lines[1:]
        elif lines[0].startswith(("server.", "version=")):
            kind = "config"
        else:
            return {"error": zkcli_error(lines[0]), "text": lines[0]} if len(lines) == 1 else lines
        config = [l for l in lines if l.startswith(("server.", "version="))]
        seen[kind] = s.named("\n".join(config))
        version = next((int(l.split("=", 1)[1], 16) for l in config if l.startswith("version=")), None)
        seen["version"] = version & 0xffffffff if version is not None else None
        stat = dict(l.split(" = ", 1) for l in lines[len(config):] if " = " in l)
        if stat:
            if version is not None and stat.get("mZxid") == "0x%x" % version:
                stat["mZxid"] = "= version"
            if "mtime" in stat:
                stat["mtime"] = "<date>"
            # Java's Date.toString of time 0, in the JVM's time zone (UTC here: Thu Jan 01 00:00:00 UTC 1970).
            if re.match(r"(Wed Dec 31|Thu Jan 01) \d\d:\d\d:\d\d \S+ (1969|1970)$", stat.get("ctime", "")):
                stat["ctime"] = "<time 0>"
            if stat.get("dataLength") == str(len("\n".join(config).encode())):
                stat["dataLength"] = "= config"
            seen["stat"] = stat
        rest = [l for l in lines[len(config):] if " = " not in l]
        if rest:
            seen["other lines"] = rest
        return seen


if __name__ == "__main__":
    unittest.main()
