#!/usr/bin/python3
"""Captures raw answers of real Apache ZooKeeper 3.8 servers (Debian jars) as
unit-test fixtures for the EnsembleMonitor parsers.

usage: /usr/bin/python3 scripts/capture_apache_answers.py [--out DIR] [--only SETUP ...]

SETUP is one of: ensemble standalone looking default-whitelist (default: all).
Writes one file per answer, bytes exactly as received, into
Tests/EnsembleMonitorTests/Fixtures/apache-3.8/ (or --out), plus index.json
(file -> setup, role, sid, word/command, ports, HTTP status) and README.md.

Files:
  <role>.<word>.txt                 four-letter-word answer (role: leader,
                                    follower, observer, standalone, looking,
                                    default-whitelist)
  <role>.admin.<command>.json       AdminServer GET /commands/<command> body
                                    when it answered 200 with JSON
  <role>.admin.<command>.txt        anything else: "HTTP <status>", the
                                    Content-Type, an empty line, then the body
Every server binds 127.0.0.1 only; every process is stopped on exit.
"""

import argparse
import datetime
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "interop"))

import harness  # noqa: E402
from ensemble import ApacheEnsemble, parse_srvr, parse_mntr, NOT_SERVING  # noqa: E402
from harness import wait_until  # noqa: E402

DEFAULT_OUT = os.path.join(REPO, "Tests", "EnsembleMonitorTests", "Fixtures", "apache-3.8")

ROLE_WORDS = ["srvr", "stat", "mntr", "conf", "cons", "wchs", "envi", "isro", "ruok"]
ROLE_ADMIN = ["leader", "zabstate", "conf", "srvr", "mntr", "voting_view", "stat"]


class Capture:
    def __init__(self, out):
        self.out = out
        self.index = []
        self.setups = {}
        os.makedirs(out, exist_ok=True)

    def _write(self, name, data):
        with open(os.path.join(self.out, name), "wb") as f:
            f.write(data)
        return name

    def word(self, setup, role, node, word):
        data = node.four_bytes(word, timeout=5.0)
        name = "%s.%s.txt" % (role, word)
        if data is None:
            data = b""
            note = "connection refused"
        else:
            note = None
        self._write(name, data)
        self.index.append({"file": name, "setup": setup, "role": role, "sid": node.sid,
                           "kind": "4lw", "word": word, "client_port": node.client_port,
                           "admin_port": node.admin_port, "bytes": len(data), "note": note})
        return data.decode("utf-8", "replace")

    def admin(self, setup, role, node, command):
        status, body, ctype = node.admin(command, timeout=5.0)
        if status == 200 and ctype and "json" in ctype:
            name = "%s.admin.%s.json" % (role, command)
            self._write(name, body)
        else:
            name = "%s.admin.%s.txt" % (role, command)
            head = "HTTP %s\nContent-Type: %s\n\n" % (status if status is not None else "(no answer)", ctype)
            self._write(name, head.encode() + (body or b""))
        self.index.append({"file": name, "setup": setup, "role": role, "sid": node.sid,
                           "kind": "admin", "command": command, "http_status": status,
                           "content_type": ctype, "client_port": node.client_port,
                           "admin_port": node.admin_port, "bytes": len(body or b"")})
        return status, body

    def describe(self, setup, ens, roles, notes):
        self.setups[setup] = {
            "nodes": [{"sid": n.sid, "type": "observer" if n.observer else "participant",
                       "client_port": n.client_port, "quorum_port": n.quorum_port,
                       "election_port": n.election_port,
                       "admin_port": n.admin_port if ens.admin else None,
                       "captured_as": roles.get(n.sid)} for n in ens.nodes],
            "whitelist": ens.whitelist, "admin": ens.admin, "tickTime": ens.tick_ms,
            "standalone": ens.standalone, "client_in_server_line": ens.client_in_server_line,
            "cfg": [l for l in ens.nodes[0].cfg_lines() if not l.startswith(("dataDir", "dataLogDir"))],
            "notes": notes,
        }


def populate(hosts_list, root="/zkdash-fixture"):
    """Creates a few znodes (one ephemeral) and leaves one kazoo session with
    watches on each given server.  Returns the clients (caller stops them)."""
    clients = []
    for i, hosts in enumerate(hosts_list):
        c = harness.kazoo_client(hosts, timeout=10.0)
        clients.append(c)
        if i == 0:
            c.ensure_path(root)
            for k in range(5):
                c.create("%s/node-%d" % (root, k), ("value-%d" % k).encode())
            c.create("%s/ephemeral" % root, b"e", ephemeral=True)
            c.set("%s/node-0" % root, b"changed")
        c.sync(root)
        c.get(root + "/node-1", watch=lambda ev: None)
        c.get_children(root, watch=lambda ev: None)
        c.exists(root + "/missing-%d" % i, watch=lambda ev: None)
    return clients


def wait_synced(ens, nodes):
    """Until every given node reports the leader's zxid in srvr."""
    def same():
        zx = {parse_srvr(n.srvr()).get("Zxid") for n in nodes}
        return len(zx) == 1 and None not in zx
    return wait_until(same, timeout=10, interval=0.1)


def setup_ensemble(cap):
    ens = ApacheEnsemble(voters=3, observers=1, whitelist="*", admin=True, client_in_server_line=True)
    clients = []
    try:
        ens.start()
        leader = ens.leader()
        follower = sorted(ens.followers(), key=lambda n: n.sid)[0]
        observer = ens.observers[0]
        clients = populate([leader.client_address, follower.client_address, observer.client_address])
        wait_synced(ens, ens.nodes)
        time.sleep(0.5)
        roles = {leader.sid: "leader", follower.sid: "follower", observer.sid: "observer"}
        for role, node in (("leader", leader), ("follower", follower), ("observer", observer)):
            for w in ROLE_WORDS:
                cap.word("ensemble", role, node, w)
            for c in ROLE_ADMIN:
                cap.admin("ensemble", role, node, c)
        other = [n for n in ens.voters if n.sid not in roles][0]
        roles[other.sid] = "(follower, not captured)"
        version = parse_srvr(leader.srvr()).get("Zookeeper version")
        cap.describe("ensemble", ens, roles, [
            "3 voters + 1 observer (sid 4), whitelist *, AdminServer on 127.0.0.1",
            "server.N lines in the `;127.0.0.1:clientPort` form",
            "5 persistent znodes + 1 ephemeral under /zkdash-fixture, one kazoo session per "
            "captured node with 2 data watches and 1 child watch each",
            "srvr version: %s" % version])
        return version
    finally:
        for c in clients:
            harness.stop_kazoo(c)
        ens.destroy()


def setup_standalone(cap):
    ens = ApacheEnsemble(voters=1, standalone=True, whitelist="*", admin=True)
    clients = []
    try:
        ens.start()
        n = ens.nodes[0]
        clients = populate([n.client_address])
        for w in ["srvr", "stat", "mntr", "conf", "ruok", "isro"]:
            cap.word("standalone", "standalone", n, w)
        for c in ["leader", "zabstate", "srvr", "voting_view"]:
            cap.admin("standalone", "standalone", n, c)
        cap.describe("standalone", ens, {n.sid: "standalone"}, [
            "ZooKeeperServerMain, no server.N lines, whitelist *, AdminServer on",
            "same znodes/watches as the ensemble setup"])
    finally:
        for c in clients:
            harness.stop_kazoo(c)
        ens.destroy()


def setup_looking(cap):
    ens = ApacheEnsemble(voters=3, whitelist="*", admin=True, client_in_server_line=False)
    try:
        ens.start()
        leader = ens.leader()
        survivor = sorted(ens.followers(), key=lambda n: n.sid)[0]
        # While still serving: conf/mntr with plain `server.N=host:qp:ep` lines.
        for w in ["conf", "srvr", "mntr"]:
            cap.word("looking", "plain-lines", survivor, w)
        cap.admin("looking", "plain-lines", survivor, "voting_view")
        killed = [n for n in ens.voters if n is not survivor]
        for n in killed:
            n.kill()
        ok = wait_until(lambda: NOT_SERVING in (survivor.srvr() or ""), timeout=30, interval=0.2)
        if not ok:
            raise RuntimeError("survivor sid %d still serving: %r" % (survivor.sid, survivor.srvr()))
        time.sleep(0.5)
        for w in ["srvr", "stat", "mntr", "conf", "ruok", "isro", "cons"]:
            cap.word("looking", "looking", survivor, w)
        for c in ["leader", "zabstate", "srvr", "mntr", "voting_view"]:
            cap.admin("looking", "looking", survivor, c)
        roles = {survivor.sid: "looking (survivor)"}
        for n in killed:
            roles[n.sid] = "killed (SIGKILL)%s" % (", was leader" if n is leader else "")
        cap.describe("looking", ens, roles, [
            "3 voters, whitelist *, AdminServer on; leader and the other follower killed with "
            "SIGKILL, the survivor captured once srvr said it was not serving",
            "server.N lines in the plain `host:quorumPort:electionPort` form (no client address); "
            "`plain-lines.*` are the survivor's answers while it still served (before the kills)"])
    finally:
        ens.destroy()


def setup_default_whitelist(cap):
    ens = ApacheEnsemble(voters=3, whitelist=None, admin=False)
    try:
        ens.start()
        node = sorted(ens.followers(), key=lambda n: n.sid)[0]
        for w in ["srvr", "stat", "mntr", "conf", "cons", "wchs", "ruok", "envi", "isro"]:
            cap.word("default-whitelist", "default-whitelist", node, w)
        cap.describe("default-whitelist", ens, {node.sid: "default-whitelist (a follower)"}, [
            "3 voters, no 4lw.commands.whitelist line (Apache default: srvr only), AdminServer off"])
    finally:
        ens.destroy()


SETUPS = {
    "ensemble": setup_ensemble,
    "standalone": setup_standalone,
    "looking": setup_looking,
    "default-whitelist": setup_default_whitelist,
}


def write_readme(cap, version):
    idx_path = os.path.join(cap.out, "index.json")
    old = {}
    if os.path.exists(idx_path):
        try:
            old = json.load(open(idx_path))
        except ValueError:
            old = {}
    setups = dict(old.get("setups", {}))
    setups.update(cap.setups)
    files = [e for e in old.get("files", []) if e["setup"] not in cap.setups] + cap.index
    files.sort(key=lambda e: e["file"])
    version = version or old.get("version")
    doc = {"version": version, "captured": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "setups": setups, "files": files}
    with open(idx_path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")

    L = []
    L.append("# Apache ZooKeeper 3.8 answers (fixtures)")
    L.append("")
    L.append("Captured from real Apache servers by `scripts/capture_apache_answers.py`")
    L.append("(re-runnable: `/usr/bin/python3 scripts/capture_apache_answers.py`).")
    L.append("Each file holds the bytes exactly as received; nothing is normalised.")
    L.append("")
    L.append("- Version (srvr): `%s`" % version)
    L.append("- Server: Debian `zookeeper` 3.8.0-11+deb12u2 jars, OpenJDK 17, `QuorumPeerMain`")
    L.append("  (`ZooKeeperServerMain` for standalone), everything on 127.0.0.1.")
    L.append("- Captured: %s" % doc["captured"])
    L.append("- `index.json` lists every file with its setup, role, sid, word or admin")
    L.append("  command, ports, HTTP status and content type.")
    L.append("")
    L.append("Naming: `<role>.<word>.txt` = four-letter word; `<role>.admin.<command>.json` =")
    L.append("AdminServer `GET /commands/<command>` answered 200 with JSON (body only);")
    L.append("`<role>.admin.<command>.txt` = anything else (`HTTP <status>`, `Content-Type:`,")
    L.append("an empty line, then the body).")
    L.append("")
    for name, s in sorted(setups.items()):
        L.append("## %s" % name)
        L.append("")
        for n in s.get("notes", []):
            L.append("- %s" % n)
        L.append("")
        L.append("| sid | type | clientPort | quorum | election | admin | captured as |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        for n in s["nodes"]:
            L.append("| %d | %s | %d | %d | %d | %s | %s |" % (
                n["sid"], n["type"], n["client_port"], n["quorum_port"], n["election_port"],
                n["admin_port"] if n["admin_port"] else "off", n["captured_as"] or "-"))
        L.append("")
        L.append("zoo.cfg (dataDir/dataLogDir omitted):")
        L.append("")
        L.append("```")
        L.extend(s["cfg"])
        L.append("```")
        L.append("")
        L.append("Files: " + ", ".join("`%s`" % e["file"] for e in files if e["setup"] == name))
        L.append("")
    L.append("## Notes")
    L.append("")
    L.append("- Ports differ on every capture run (free loopback ports from 24000-24999);")
    L.append("  tests should take them from `index.json` or the answers themselves.")
    L.append("- The AdminServer needs `/usr/share/java/servlet-api.jar` on the classpath with")
    L.append("  the Debian jars (zookeeper.jar's manifest does not pull javax.servlet).")
    L.append("- `zabstate` exists in this 3.8.0 build; `leader`, `voting_view` too.")
    L.append("- With the default whitelist every word but `srvr` gets")
    L.append("  `<word> is not executed because it is not in the whitelist.`")
    L.append("")
    with open(os.path.join(cap.out, "README.md"), "w") as f:
        f.write("\n".join(L))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*", choices=sorted(SETUPS))
    args = ap.parse_args()
    harness.install_signal_handlers()
    cap = Capture(args.out)
    version = None
    try:
        for name in args.only or ["ensemble", "standalone", "looking", "default-whitelist"]:
            t0 = time.monotonic()
            v = SETUPS[name](cap)
            version = version or v
            print("captured %-18s %.1fs" % (name, time.monotonic() - t0), flush=True)
        if version is None:
            for e in cap.index:
                if e.get("word") == "srvr":
                    data = open(os.path.join(cap.out, e["file"]), "rb").read().decode("utf-8", "replace")
                    version = parse_srvr(data).get("Zookeeper version") or version
                    if version:
                        break
        write_readme(cap, version)
        print("%d files in %s" % (len(cap.index), cap.out))
    finally:
        harness.cleanup_all()


if __name__ == "__main__":
    sys.exit(main())
