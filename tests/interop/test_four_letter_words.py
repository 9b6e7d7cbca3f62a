"""Four-letter words: output structure and keys must match Apache 3.8.

Each scenario gets a fresh server per target (deterministic node count and
zxid), puts it in the same state (one kazoo session with a persistent and an
ephemeral node, a data and a child watch), sends the word and records the
output with numbers, addresses, hex ids, dates, paths and the version
normalised.  Values that are deterministic (mode, node count, zxid, ephemeral
paths, watched paths, config values) are compared exactly.
"""

import re
import time
import unittest

import harness
from harness import DiffCase, ZkServer

WORDS = ["ruok", "srvr", "stat", "mntr", "conf", "cons", "crst", "srst", "envi",
         "dump", "wchs", "wchc", "wchp", "isro", "dirs"]

# mntr keys documented for 3.8 standalone servers; their values must make sense.
MNTR_CORE = ["zk_version", "zk_server_state", "zk_ephemerals_count", "zk_num_alive_connections",
             "zk_avg_latency", "zk_outstanding_requests", "zk_znode_count", "zk_global_sessions",
             "zk_packets_sent", "zk_packets_received", "zk_watch_count", "zk_min_latency",
             "zk_max_latency", "zk_approximate_data_size", "zk_open_file_descriptor_count",
             "zk_max_file_descriptor_count", "zk_uptime", "zk_local_sessions"]


def normalize(text, server):
    if text is None:
        return None
    text = text.replace(server.workdir, "<WORKDIR>")
    text = re.sub(r"\b\d+\.\d+\.\d+-[^\n]*", "<VERSION>", text)
    text = re.sub(r"/?127\.0\.0\.1:\d+", "<ADDR>", text)
    text = re.sub(r"0x[0-9a-fA-F]+", "<HEX>", text)
    text = re.sub(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ \d\d:\d\d:\d\d \w+ \d{4}", "<DATE>", text)
    text = re.sub(r"(?<![\w<])-?\d+(\.\d+)?(?![\w>])", "<N>", text)
    return text


def kv_lines(text, sep):
    out = []
    for line in text.splitlines():
        if sep in line:
            k, v = line.split(sep, 1)
            out.append((k.strip(), v.strip()))
    return out


class FourLetterWordTests(DiffCase):

    def server_for(self, kind):
        s = ZkServer(kind, name="4lw-" + kind)
        self.addCleanup(s.destroy)
        return s.start()

    def populate(self, t):
        """Same state on both targets; returns the kazoo client."""
        c = t.client()
        c.create("/w", b"data")
        c.create("/e", b"", ephemeral=True)
        c.get("/w", watch=lambda ev: None)
        c.get_children("/w", watch=lambda ev: None)
        t.label(c.client_id[0], "c1")
        return c

    def word(self, t, w):
        out = t.server.four(w)
        self.assertIsNotNone(out, "connection refused for %s" % w)
        return out

    # ---------------------------------------------------------- simple answers

    def scenario_ruok(self, t):
        self.populate(t)
        t.record("ruok", self.word(t, "ruok"))
        self.assertEqual(self.word(t, "ruok"), "imok")

    def scenario_isro(self, t):
        self.populate(t)
        t.record("isro", self.word(t, "isro"))
        self.assertEqual(self.word(t, "isro"), "rw")

    def scenario_crst_srst(self, t):
        self.populate(t)
        t.record("crst", self.word(t, "crst"))
        t.record("srst", self.word(t, "srst"))
        s = self.word(t, "srvr")
        t.record("srvr_after_srst", normalize(s, t.server))
        m = re.search(r"Latency min/avg/max: (\d+)/([\d.]+)/(\d+)", s)
        self.assertIsNotNone(m, s)
        t.record("latency_after_reset", m.groups())

    # ---------------------------------------------------------- srvr / stat / cons

    def scenario_srvr(self, t):
        self.populate(t)
        out = self.word(t, "srvr")
        t.record("shape", normalize(out, t.server))
        kv = dict(kv_lines(out, ":"))
        t.record("values", {k: kv.get(k) for k in ("Mode", "Node count", "Zxid", "Outstanding")})
        self.assertEqual(kv.get("Mode"), "standalone")
        self.assertRegex(out.splitlines()[0], r"^Zookeeper version: 3\.8\.\d+-.*")

    def scenario_stat(self, t):
        self.populate(t)
        out = self.word(t, "stat")
        head, _, rest = out.partition("\n\n")
        lines = head.splitlines()
        t.record("first", normalize(lines[0], t.server))
        t.record("clients_header", lines[1] if len(lines) > 1 else None)
        t.record("client_lines", sorted(normalize(x, t.server) for x in lines[2:]))
        t.record("tail", normalize(rest, t.server))
        kv = dict(kv_lines(rest, ":"))
        t.record("values", {k: kv.get(k) for k in ("Mode", "Node count", "Zxid", "Outstanding")})
        # zktop's parser: /ip:port[interest](k=v,...)
        for x in lines[2:]:
            self.assertRegex(x, r"^ /[\da-fA-F:\.]+:\d+\[\d+\]\((.*)\)$")

    def scenario_cons(self, t):
        self.populate(t)
        out = self.word(t, "cons")
        lines = out.split("\n")
        t.record("line_count", len(lines))
        t.record("lines", sorted(normalize(x, t.server) for x in lines if x.strip()))
        t.record("blank_lines", [i for i, x in enumerate(lines) if not x.strip()][-2:] and
                 len([x for x in lines if not x.strip()]))
        keys = []
        for x in lines:
            m = re.search(r"\((.*)\)$", x.strip())
            if m:
                keys.append(tuple(kv.split("=")[0] for kv in m.group(1).split(",")))
        t.record("keys", sorted(keys))

    # ---------------------------------------------------------- mntr

    def scenario_mntr_core(self, t):
        self.populate(t)
        out = self.word(t, "mntr")
        kv = dict(kv_lines(out, "\t"))
        for k in MNTR_CORE:
            self.assertIn(k, kv, "mntr lacks %s" % k)
        t.record("present", [k for k in MNTR_CORE if k in kv])
        t.record("values", {k: kv.get(k) for k in ("zk_server_state", "zk_ephemerals_count",
                                                   "zk_znode_count", "zk_global_sessions",
                                                   "zk_watch_count", "zk_outstanding_requests",
                                                   "zk_local_sessions")})
        self.assertEqual(kv.get("zk_server_state"), "standalone")
        t.record("version_shape", normalize(kv.get("zk_version", ""), t.server))
        t.record("line_format", all(re.match(r"^zk_[a-z0-9_]+\t\S.*$", x) for x in out.splitlines() if x))

    # The keys dashboards and exporters read: both must print them, same names.
    DASHBOARD_MNTR_KEYS = [
        "zk_version", "zk_server_state", "zk_avg_latency", "zk_min_latency", "zk_max_latency",
        "zk_packets_received", "zk_packets_sent", "zk_num_alive_connections", "zk_outstanding_requests",
        "zk_znode_count", "zk_watch_count", "zk_ephemerals_count", "zk_approximate_data_size",
        "zk_open_file_descriptor_count", "zk_max_file_descriptor_count", "zk_global_sessions",
        "zk_local_sessions", "zk_uptime",
    ]

    def scenario_mntr_dashboard_keys(self, t):
        self.populate(t)
        keys = set(k for k, _ in kv_lines(self.word(t, "mntr"), "\t"))
        t.record("dashboard_keys", [k for k in self.DASHBOARD_MNTR_KEYS if k in keys])

    # Every mntr key zkdash prints, by Apache's name. Apache 3.8 prints about
    # 500; the rest time its own request-processor threads, which zkdash does
    # not have (docs/server.md). Both servers must print each of these keys,
    # which proves zkdash uses Apache's names; and zkdash may print no other.
    ZKDASH_MNTR_KEYS = sorted(DASHBOARD_MNTR_KEYS + [
        "zk_non_mtls_remote_conn_count", "zk_last_client_response_size", "zk_max_client_response_size",
        "zk_min_client_response_size", "zk_connection_drop_probability", "zk_auth_failed_count",
        "zk_outstanding_tls_handshake", "zk_non_mtls_local_conn_count",
    ] + ["zk_%s_%s" % (stat, name) for name in ("fsynctime", "snapshottime", "startup_snap_load_time",
                                                 "startup_txns_load_time", "startup_txns_loaded", "election_time")
         for stat in ("avg", "min", "max", "cnt", "sum")])

    def scenario_mntr_full_keyset(self, t):
        self.populate(t)
        out = self.word(t, "mntr")
        keys = set(k for k, _ in kv_lines(out, "\t"))
        t.record("zkdash_keys_present", [k for k in self.ZKDASH_MNTR_KEYS if k in keys])
        if t.kind == "zkdash":
            self.assertEqual(sorted(keys - set(self.ZKDASH_MNTR_KEYS)), [], "zkdash prints keys Apache does not name")

    # ---------------------------------------------------------- conf / envi / dirs

    def scenario_conf(self, t):
        self.populate(t)
        out = self.word(t, "conf")
        pairs = kv_lines(out, "=")
        t.record("keys", [k for k, _ in pairs])
        vals = dict(pairs)
        t.record("values", {k: normalize(vals.get(k), t.server) if k in ("dataDir", "dataLogDir") else vals.get(k)
                            for k in ("secureClientPort", "dataDir", "dataLogDir", "tickTime",
                                      "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout",
                                      "clientPortListenBacklog", "serverId")})
        self.assertEqual(vals.get("clientPort"), str(t.port))
        t.record("shape", normalize(out, t.server))

    def scenario_envi(self, t):
        self.populate(t)
        out = self.word(t, "envi")
        lines = out.splitlines()
        t.record("header", lines[0] if lines else None)
        t.record("keys", [k for k, _ in kv_lines(out, "=")])
        vals = dict(kv_lines(out, "="))
        t.record("host.name", vals.get("host.name"))
        t.record("user.dir", normalize(vals.get("user.dir"), t.server))
        self.assertRegex(vals.get("zookeeper.version", ""), r"^3\.8\.\d+-")

    def scenario_dirs(self, t):
        self.populate(t)
        out = self.word(t, "dirs")
        t.record("shape", normalize(out, t.server))
        kv = dict(kv_lines(out, ":"))
        self.assertGreater(int(kv.get("logdir_size", "0")), 0, "a txn log must exist after writes")

    # ---------------------------------------------------------- dump / watches

    def scenario_dump(self, t):
        self.populate(t)
        out = self.word(t, "dump")
        # Connections fall into expiry buckets by when they were made: two
        # made a tick apart (a loaded machine) get two bucket headers on either
        # server. The shape counts one header per run of them.
        t.record("shape", re.sub(r"(<N> expire at <DATE>:\n)+", r"\1", normalize(out, t.server)))
        self.assertIn("\t/e\n", out)

    def scenario_wchs(self, t):
        self.populate(t)
        out = self.word(t, "wchs")
        t.record("wchs", out)

    def scenario_wchc(self, t):
        self.populate(t)
        out = self.word(t, "wchc")
        t.record("shape", normalize(out, t.server))
        t.record("paths", sorted(x.strip() for x in out.splitlines() if x.startswith("\t")))

    def scenario_wchp(self, t):
        self.populate(t)
        out = self.word(t, "wchp")
        t.record("shape", normalize(out, t.server))
        t.record("paths", [x for x in out.splitlines() if x.startswith("/")])

    # ---------------------------------------------------------- unknown / framing

    def scenario_unknown_word(self, t):
        self.populate(t)
        t.record("xxxx", self.word(t, "xxxx"))
        t.record("lowercase_only", self.word(t, "RUOK"))
        t.record("with_newline", harness.four_letter(t.port, "ruok\n"))
        t.record("no_shutdown_write", harness.four_letter(t.port, "ruok", shutdown_write=False, timeout=3))


class _WhitelistBase(DiffCase):
    WHITELIST = None

    def server_for(self, kind):
        s = ZkServer(kind, name="4lw-wl-" + kind, whitelist=self.WHITELIST)
        self.addCleanup(s.destroy)
        return s.start()


class WhitelistTests(_WhitelistBase):
    """Default whitelist: no 4lw.commands.whitelist key at all."""

    def scenario_default_whitelist(self, t):
        out = {}
        for w in WORDS:
            r = t.server.four(w)
            out[w] = r if w != "srvr" else normalize(r, t.server)
        t.record("replies", out)
        for w in WORDS:
            if w != "srvr":
                self.assertEqual(out[w], "%s is not executed because it is not in the whitelist.\n" % w)
        self.assertIn("Mode: standalone", out["srvr"])


class ExplicitWhitelistTests(_WhitelistBase):
    WHITELIST = "stat, ruok,conf"

    def scenario_explicit_whitelist(self, t):
        out = {}
        for w in ("ruok", "stat", "conf", "srvr", "mntr", "isro", "envi"):
            r = t.server.four(w) or ""
            out[w] = r if "not executed" in r or w == "ruok" else ("answered" if r else "empty")
        t.record("replies", out)
        self.assertEqual(out["ruok"], "imok")
        self.assertEqual(out["stat"], "answered")
        # Apache always enables srvr, whatever the whitelist says
        self.assertEqual(out["srvr"], "answered")
        self.assertEqual(out["mntr"], "mntr is not executed because it is not in the whitelist.\n")

if __name__ == "__main__":
    unittest.main()
