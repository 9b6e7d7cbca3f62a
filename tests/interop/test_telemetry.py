"""Quorum members' four-letter words and zkdash's election telemetry (suite `telemetry`).

Out-of-process: starts `zkdash server` quorum members (3 voters + sid 4
observing, tickTime 200 ms, loopback ports from harness.free_port()) and asks
them `vote`, `mntr`, `srvr` and `conf` per role, while a lone member is still
LOOKING, and after its leader is killed; runs `zkdash status` against them
and checks the states (LEADING / FOLLOWING / OBSERVING / LOOKING), the vote
tally from the `vote` telemetry and the election event
("sN elected (epoch E) after X ms").  The last class proves the monitor still
works on Apache 3.8, which does not know `vote` (it closes the connection).

Servers: ensemble.ZkdashEnsemble (zoo.cfg lines
`server.N=127.0.0.1:QP:EP[:observer];127.0.0.1:CP`).  ZK_TARGET does not apply.
"""

import json
import os
import re
import subprocess
import threading
import time
import unittest

import harness
from harness import wait_until, zkdash_bin
from ensemble import NOT_SERVING, ZkdashEnsemble, parse_mntr, parse_srvr
import test_status as ts
from test_monitor import apache_reason

TICK_MS = 200
NOT_SERVING_TEXT = NOT_SERVING + "\n"


def setUpModule():
    reason = ts.status_subcommand_reason()
    if reason:
        raise unittest.SkipTest(reason)


def new_ensemble(case, voters=3, observers=1):
    ens = ZkdashEnsemble(voters=voters, observers=observers, tick_ms=TICK_MS)
    case.addClassCleanup(ens.destroy) if isinstance(case, type) else case.addCleanup(ens.destroy)
    return ens


# ---------------------------------------------------------------- the vote word

# An observer votes for nobody: leader=-9223372036854775808 (Apache's Long.MIN_VALUE).
VOTE_LINE = re.compile(r"^vote leader=(-?\d+) zxid=0x[0-9a-f]+ epoch=(\d+) round=(\d+)$")
RECEIVED_LINE = re.compile(r"^received from=(\d+) leader=(-?\d+) zxid=0x[0-9a-f]+ epoch=\d+ round=\d+ "
                           r"state=(LOOKING|LEADING|FOLLOWING|OBSERVING) age_ms=\d+$")
ELECTION_LINE = re.compile(r"^election start_ms=\d+ duration_ms=(\d+) rounds=(\d+) winner=(\d+)$")


def parse_vote(text):
    """{'state', 'round', 'vote': (leader, epoch, round), 'received': [...], 'elections': [(duration, rounds, winner)]};
    raises AssertionError on any line outside the documented format."""
    assert text and text.endswith("\n"), "vote answer %r" % text
    out = {"received": [], "elections": []}
    for line in text.splitlines():
        if line.startswith("state="):
            out["state"] = line[len("state="):]
        elif line.startswith("round="):
            out["round"] = int(line[len("round="):])
        elif VOTE_LINE.match(line):
            m = VOTE_LINE.match(line)
            out["vote"] = tuple(int(g) for g in m.groups())
        elif RECEIVED_LINE.match(line):
            m = RECEIVED_LINE.match(line)
            out["received"].append((int(m.group(1)), int(m.group(2)), m.group(3)))
        elif ELECTION_LINE.match(line):
            out["elections"].append(tuple(int(g) for g in ELECTION_LINE.match(line).groups()))
        else:
            raise AssertionError("vote line outside the format: %r in\n%s" % (line, text))
    return out


def member_line(node):
    kind = "observer" if node.observer else "participant"
    return "server.%d=127.0.0.1:%d:%d:%s;127.0.0.1:%d" % (node.sid, node.quorum_port, node.election_port, kind,
                                                          node.client_port)


class TelemetryCase(ts.StatusCase):
    def four(self, node, word):
        answer = node.four(word, timeout=5.0)
        self.assertIsNotNone(answer, "%s refused the connection for %s\n%s" % (node.name, word, node.log_tail()))
        return answer


# ---------------------------------------------------------------- one member alone: LOOKING

class LoneMemberTests(TelemetryCase):
    """Only s1 of 3 voters + 1 observer runs: it looks for a quorum forever."""

    @classmethod
    def setUpClass(cls):
        cls.ens = new_ensemble(cls)
        cls.member = cls.ens.nodes[0]
        cls.member.start()
        ok = wait_until(lambda: (cls.member.four("vote", 1.0) or "").startswith("state=LOOKING"), timeout=30, interval=0.2)
        if not ok:
            raise AssertionError("s1 never answered vote with state=LOOKING\n" + cls.member.log_tail())

    def test_vote_answers_while_looking(self):
        text = self.four(self.member, "vote")
        v = parse_vote(text)
        self.assertEqual(v["state"], "LOOKING", text)
        self.assertEqual(v["vote"][0], 1, "a lone member votes for itself\n" + text)
        self.assertEqual(v["vote"][2], v["round"], text)
        self.assertEqual(v["elections"], [], "no election has finished\n" + text)

    def test_other_words_say_not_serving_like_apache(self):
        # Apache 3.8 while electing: these answer the not-serving sentence;
        # ruok, envi, isro still answer (captured: looking.*.txt fixtures).
        for word in ("srvr", "stat", "mntr", "conf", "cons", "wchs", "dump", "dirs", "crst", "srst"):
            self.assertEqual(self.four(self.member, word), NOT_SERVING_TEXT, word)
        self.assertEqual(self.four(self.member, "ruok"), "imok")
        self.assertEqual(self.four(self.member, "isro"), "null")
        self.assertTrue(self.four(self.member, "envi").startswith("Environment:\n"))

    def test_status_shows_looking_with_its_vote(self):
        run = ts.status_json(self.member.client_address)
        doc = self.json_round(run, rc=1)
        ctx = run.describe()
        j = self.node(doc, self.member.client_address, run)
        self.assertEqual(j["state"], "LOOKING", ctx)
        self.assertEqual((j["vote"], j["vote_source"]), (1, "telemetry"), ctx)
        self.assertEqual(doc["votes"], {"source": "telemetry", "tally": {"1": 1}}, ctx)
        self.assertIs(doc["quorum"], False, ctx)
        self.assertIsNone(doc["leader"], ctx)
        self.assertEqual(j["refused"], [], ctx)



# ---------------------------------------------------------------- a healthy 3 + 1 ensemble

class RoleTests(TelemetryCase):
    """3 voters + sid 4 observing, all up; one write committed."""

    @classmethod
    def setUpClass(cls):
        cls.ens = new_ensemble(cls)
        cls.ens.start()
        cls.leader = cls.ens.leader()
        c = harness.kazoo_client(cls.leader.client_address)
        try:
            c.ensure_path("/telemetry")
        finally:
            harness.stop_kazoo(c)
        live = cls.ens.nodes
        wait_until(lambda: len({parse_srvr(n.srvr()).get("Zxid") for n in live}) == 1, timeout=10, interval=0.1)

    def role(self, node):
        if node is self.leader:
            return "leader"
        return "observer" if node.observer else "follower"

    def test_vote_per_role(self):
        states = {"leader": "LEADING", "follower": "FOLLOWING", "observer": "OBSERVING"}
        for n in self.ens.nodes:
            text = self.four(n, "vote")
            v = parse_vote(text)
            ctx = "%s\n%s" % (n.name, text)
            self.assertEqual(v["state"], states[self.role(n)], ctx)
            self.assertEqual(v["vote"][0], self.leader.sid, ctx)
            self.assertGreaterEqual(len(v["elections"]), 1, ctx)
            self.assertEqual(v["elections"][-1][2], self.leader.sid, "the last election's winner\n" + ctx)
            self.assertLess(v["elections"][-1][0], 30000, ctx)
            for sender, _, _ in v["received"]:
                self.assertNotEqual(sender, n.sid, ctx)

    def test_mntr_per_role(self):
        leader_keys = ("zk_learners", "zk_synced_followers", "zk_synced_non_voting_followers",
                       "zk_synced_observers", "zk_pending_syncs")
        for n in self.ens.nodes:
            text = self.four(n, "mntr")
            m = parse_mntr(text)
            role = self.role(n)
            ctx = "%s\n%s" % (n.name, "\n".join(text.splitlines()[:45]))
            lines = text.splitlines()
            self.assertEqual(lines[1], "zk_server_state\t" + role, ctx)
            peer = {"leader": "leading", "follower": "following", "observer": "observing"}[role]
            self.assertEqual(lines[2], "zk_peer_state\t%s - broadcast" % peer, ctx)
            self.assertEqual(m.get("zk_quorum_size"), "3", ctx)
            for kind in ("avg", "min", "max", "cnt", "sum"):
                self.assertIn("zk_%s_election_time" % kind, m, ctx)
            if role == "leader":
                self.assertEqual([m.get(k) for k in leader_keys], ["3", "2", "0", "1", "0"], ctx)
            else:
                self.assertFalse([k for k in leader_keys if k in m], ctx)
            if role == "observer":
                self.assertEqual(lines[3], "zk_observer_master_id\t%d" % self.leader.sid, ctx)
                self.assertEqual(m["zk_cnt_election_time"], "0", "Apache's observers record no election time\n" + ctx)
            else:
                self.assertNotIn("zk_observer_master_id", m, ctx)
                self.assertGreaterEqual(int(m["zk_cnt_election_time"]), 1, ctx)
            # Apache's gauges keep their relative order (captured leader.mntr.txt).
            order = [k for k in ("zk_peer_state", "zk_ephemerals_count", "zk_synced_followers", "zk_watch_count",
                                 "zk_pending_syncs", "zk_uptime", "zk_learners", "zk_quorum_size",
                                 "zk_avg_election_time") if k in m]
            keys = [l.split("\t")[0] for l in lines]
            self.assertEqual(sorted(order, key=keys.index), order, ctx)

    def test_srvr_per_role(self):
        zxids = {}
        for n in self.ens.nodes:
            s = parse_srvr(self.four(n, "srvr"))
            self.assertEqual(s.get("Mode"), self.role(n), "%s: %s" % (n.name, s))
            zxids[n.sid] = int(s["Zxid"], 16)
        self.assertEqual(len(set(zxids.values())), 1, "one write, synced everywhere: %s" % zxids)
        self.assertGreaterEqual(zxids[self.leader.sid] >> 32, 1, zxids)

    def test_conf_per_role(self):
        members = "".join(member_line(n) + "\n" for n in self.ens.nodes)
        for n in self.ens.nodes:
            text = self.four(n, "conf")
            ctx = "%s\n%s" % (n.name, text)
            tail = ("serverId=%d\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\nelectionPort=%d\nquorumPort=%d\n"
                    "peerType=%d\nmembership: \n%sversion=0") % (
                n.sid, n.election_port, n.quorum_port, 1 if n.observer else 0, members)
            self.assertTrue(text.endswith(tail), "expected the quorum part\n%s\n--- got\n%s" % (tail, text))
            self.assertTrue(text.startswith("clientPort=%d\nsecureClientPort=-1\n" % n.client_port), ctx)

    def test_status_json_one_leader_and_the_tally(self):
        run = ts.status_json(self.ens.servers_arg(with_admin=False))
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(doc["leader"], self.leader.client_address, ctx)
        self.assertEqual(doc["leader_sid"], self.leader.sid, ctx)
        self.assertEqual(doc["votes"], {"source": "telemetry", "tally": {str(self.leader.sid): 3}}, ctx)
        self.assertEqual((doc["voters_up"], doc["voters_total"], doc["majority"]), (3, 3, 2), ctx)
        self.assertEqual(doc["membership_source"], "conf", ctx)
        expected = {"leader": "LEADING", "follower": "FOLLOWING", "observer": "OBSERVING"}
        for n in self.ens.nodes:
            j = self.node(doc, n.client_address, run)
            self.assertEqual(j["state"], expected[self.role(n)], ctx)
            self.assertEqual((j["sid"], j["role"]), (n.sid, "observer" if n.observer else "participant"), ctx)
            self.assertEqual((j["vote"], j["vote_source"]), (self.leader.sid, "telemetry"), ctx)
            self.assertEqual(j["refused"], [], ctx)

    def test_status_discovers_the_members_from_one_seed(self):
        seed = next(n for n in self.ens.nodes if n is not self.leader and not n.observer)
        run = ts.status_json(seed.client_address)
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(sorted(n["server"] for n in doc["nodes"]),
                         sorted(n.client_address for n in self.ens.nodes), ctx)
        self.assertEqual(sorted((n["sid"], n["state"]) for n in doc["nodes"]),
                         sorted((n.sid, {"leader": "LEADING", "follower": "FOLLOWING", "observer": "OBSERVING"}[
                             self.role(n)]) for n in self.ens.nodes), ctx)

    def test_status_table_names_roles_and_the_telemetry_tally(self):
        run = ts.run_status(["--servers", self.ens.servers_arg(with_admin=False), "--timeout", ts.TIMEOUT])
        self.assertEqual(run.rc, 0, run.describe())
        self.assertIn("votes (telemetry): s%d×3" % self.leader.sid, run.out, run.describe())
        for state in ("LEADING", "FOLLOWING", "OBSERVING"):
            self.assertIn(state, run.out, run.describe())


# ---------------------------------------------------------------- the leader killed

class ReelectionTests(TelemetryCase):
    """kill -9 the leader of a 3 + 1 ensemble while `zkdash status --watch --json` polls."""

    def setUp(self):
        self.ens = new_ensemble(self)
        self.ens.start()

    def test_new_election_in_vote_history_and_status_events(self):
        ens = self.ens
        old = ens.leader()
        before = {n.sid: len(parse_vote(n.four("vote"))["elections"]) for n in ens.nodes if n is not old}
        old_epoch = int(parse_srvr(old.srvr())["Zxid"], 16) >> 32
        cmd = [zkdash_bin(), "status", "--servers", ens.servers_arg(with_admin=False), "--json", "--watch",
               "--count", "60", "--interval", "0.5", "--timeout", "0.5"]
        docs, errors = [], []
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=harness._pdeathsig)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait(5)))

        def reader():
            for raw in p.stdout:
                try:
                    docs.append(json.loads(raw.decode("utf-8", "replace")))
                except ValueError as e:
                    errors.append("%s: %r" % (e, raw[:200]))
        th = threading.Thread(target=reader, daemon=True)
        th.start()
        self.assertTrue(wait_until(lambda: len(docs) >= 2, timeout=10, interval=0.05), "no JSON rounds")
        old.kill()
        new = ens.wait_for_leader(timeout=20)
        self.assertIsNot(new, old)
        new_epoch = int(parse_srvr(new.srvr())["Zxid"], 16) >> 32
        self.assertGreater(new_epoch, old_epoch)

        # vote: one more finished election on every survivor, won by the new leader.
        for n in ens.nodes:
            if n is old:
                continue
            v = parse_vote(self.four(n, "vote"))
            self.assertGreaterEqual(len(v["elections"]), before[n.sid] + 1, "%s: %s" % (n.name, v))
            self.assertEqual(v["elections"][-1][2], new.sid, "%s: %s" % (n.name, v))
            self.assertEqual(v["vote"][0], new.sid, "%s: %s" % (n.name, v))
        m = parse_mntr(self.four(new, "mntr"))
        self.assertGreaterEqual(int(m["zk_cnt_election_time"]), 2, m)

        # The duration is the new leader's own record (`vote`); a round whose
        # `vote` answer was lost falls back to mntr's zk_election_time.
        pattern = re.compile(r"^s%d elected \(epoch %d\) after [\d,]+ ms( \(zk_election_time\))?$" % (new.sid, new_epoch))

        def seen():
            events = [e for d in docs for e in d.get("events", [])]
            return any(e["kind"] == "election" and pattern.match(e["text"]) for e in events)
        wait_until(seen, timeout=15, interval=0.1)
        p.kill()
        p.wait(5)
        th.join(5)
        events = [e for d in docs for e in d.get("events", [])]
        ctx = "$ %s\n%d rounds, errors %s\nevents:\n%s\nlast round: %s" % (
            " ".join(cmd), len(docs), errors, "\n".join("  %s %s" % (e["kind"], e["text"]) for e in events),
            json.dumps(docs[-1] if docs else None)[:3000])
        self.assertFalse(errors, ctx)
        self.assertTrue(seen(), "no election event matching %s\n%s" % (pattern.pattern, ctx))
        self.assertTrue([e for e in events if e["text"].startswith("s%d LEADING → DOWN (" % old.sid)], ctx)
        last = docs[-1]
        self.assertEqual(last["leader_sid"], new.sid, ctx)
        self.assertEqual(last["votes"]["source"], "telemetry", ctx)
        self.assertEqual(last["votes"]["tally"], {str(new.sid): 2}, ctx)
        self.assertEqual(last["epoch"], new_epoch, ctx)


# ---------------------------------------------------------------- Apache does not know `vote`

class ApacheVoteTests(TelemetryCase):
    """3 Apache 3.8 voters, whitelist *, no AdminServer."""

    @classmethod
    def setUpClass(cls):
        reason = apache_reason()
        if reason:
            raise unittest.SkipTest(reason)
        cls.ens = ts.start_ensemble(cls, voters=3, whitelist="*", admin=False)

    def test_a_apache_closes_on_vote(self):
        n = self.ens.nodes[0]
        self.assertEqual(n.four("vote"), "", "Apache reads vote as a frame length and closes")
        self.assertIn(n.mode(), ("leader", "follower"))

    def test_b_status_is_unchanged(self):
        run = ts.status_json(self.ens.servers_arg(with_admin=False))
        doc = self.json_round(run, rc=0)
        ctx = run.describe()
        self.assertEqual(doc["votes"]["source"], "modes", ctx)
        for j in doc["nodes"]:
            self.assertIn(j["state"], ("LEADING", "FOLLOWING"), ctx)
            self.assertEqual(j["refused"], [], ctx)
            self.assertNotEqual(j["vote_source"], "telemetry", ctx)

    def test_z_apache_in_election_stays_not_serving(self):
        leader = self.ens.leader()
        others = [n for n in self.ens.nodes if n is not leader]
        leader.kill()
        others[1].kill()
        survivor = others[0]

        def not_serving(run, doc):
            return ts.state_of(doc, survivor.client_address) == "NOT SERVING"
        run, doc = self.poll(["--servers", survivor.client_address, "--json", "--timeout", ts.TIMEOUT], not_serving,
                             timeout=20, what="the survivor NOT SERVING")
        ctx = run.describe()
        j = self.node(doc, survivor.client_address, run)
        self.assertEqual(run.rc, 1, ctx)
        self.assertEqual(j["reason"], "not currently serving requests", ctx)
        self.assertEqual(j["refused"], [], ctx)
        self.assertIn(j["vote_source"], ("none", None), ctx)
        self.assertEqual(survivor.srvr(), NOT_SERVING_TEXT)


if __name__ == "__main__":
    harness.install_signal_handlers()
    unittest.main()
