"""Real Apache ZooKeeper 3.8 ensembles (Debian jars) on loopback, for the
`status` suite, the fixture capture script and the monitor benchmark, and
replicated zkdash ensembles (ZkdashEnsemble: the same interface, nodes run
`zkdash server --config zoo.cfg`) for the `ensemble` suite.

    ens = ApacheEnsemble(voters=3, observers=1, whitelist="*", admin=True)
    ens.start()                      # all nodes, then wait_for_leader()
    ens.leader().srvr()              # 4lw text
    ens.nodes[0].admin("leader")     # (http status, body bytes)
    ens.leader().kill()              # SIGKILL; also pause() / resume() (SIGSTOP / SIGCONT), restart()
    ens.stop_all()
    ZkdashEnsemble(voters=3, observers=1, tick_ms=200).start().hosts   # kazoo connect string

Every node: its own temp dir (zoo.cfg, data/myid, datalog, server.log),
clientPort / quorum port / election port / AdminServer port from
harness.free_port() (24000-32000, checked free), everything bound to
127.0.0.1 (with `distinct_hosts=True` node N binds 127.0.0.N instead and all
nodes share one clientPort and one AdminServer port).  `whitelist=None` omits the 4lw.commands.whitelist line (Apache's
default: srvr only).  `standalone=True` runs one ZooKeeperServerMain without
server.N lines.  Children get PR_SET_PDEATHSIG and every node is registered
with harness's cleanup (atexit, SIGTERM/SIGHUP handlers) as well as its own
atexit hook, so nothing outlives the Python process.
"""

import atexit
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import harness
from harness import LOOPBACK, four_letter, free_port, wait_until

APACHE_QUORUM_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain"
APACHE_STANDALONE_MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain"
# servlet-api.jar: zookeeper.jar's manifest pulls jetty9 but not javax.servlet,
# without which the AdminServer does not start ("Unable to load jetty").
APACHE_CLASSPATH = harness.APACHE_CLASSPATH + ":/usr/share/java/servlet-api.jar"
APACHE_JVM_FLAGS = ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.net.preferIPv4Stack=true"]

NOT_SERVING = "This ZooKeeper instance is not currently serving requests"

_live = []
_live_lock = threading.Lock()


def parse_srvr(text):
    """{'Mode': 'leader', 'Zxid': '0x...', 'Node count': '5', ...} from srvr/stat text."""
    out = {}
    for line in (text or "").splitlines():
        if ":" in line and not line.startswith(" "):
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def parse_mntr(text):
    out = {}
    for line in (text or "").splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            out[k.strip()] = v.strip()
    return out


def http_get(port, path, timeout=5.0, host=LOOPBACK):
    """(status, body bytes, content-type) of GET http://host:port/path; (None, error text, None)
    if nothing answered."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read(), r.getheader("Content-Type")
    except (OSError, http.client.HTTPException) as e:
        return None, ("%s: %s" % (type(e).__name__, e)).encode(), None
    finally:
        conn.close()


class NoReplication(harness.ServerStartError):
    """Quorum members answer `Mode: standalone` (a binary without replication)."""


class ApacheNode:
    """One Apache server process (quorum peer or standalone)."""

    NAME_PREFIX = ""

    def __init__(self, ensemble, sid, observer=False):
        self.ensemble = ensemble
        self.sid = sid
        self.observer = observer
        # distinct_hosts: node N binds 127.0.0.N and every node shares one
        # clientPort and one AdminServer port (the one-node-per-host layout).
        self.host = "127.0.0.%d" % sid if ensemble.distinct_hosts else LOOPBACK
        self.client_port = ensemble.shared_client_port or free_port()
        self.quorum_port = free_port()
        self.election_port = free_port()
        self.admin_port = ensemble.shared_admin_port or free_port()
        self.workdir = tempfile.mkdtemp(prefix="zkens-%d-" % sid)
        self.data_dir = os.path.join(self.workdir, "data")
        self.log_dir = os.path.join(self.workdir, "datalog")
        os.makedirs(self.data_dir, exist_ok=True)
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.data_dir, "myid"), "w") as f:
            f.write("%d\n" % sid)
        self.cfg_path = os.path.join(self.workdir, "zoo.cfg")
        self.log_path = os.path.join(self.workdir, "server.log")
        self.proc = None
        self._log_fh = None
        self.starts = 0
        self.paused = False
        self.name = self.NAME_PREFIX + ("observer" if observer else "voter") + "-%d" % sid
        with _live_lock:
            _live.append(self)        # so atexit removes the temp dir even if never started

    # -- addresses
    @property
    def port(self):
        return self.client_port

    @property
    def client_address(self):
        return "%s:%d" % (self.host, self.client_port)

    hosts = client_address

    @property
    def admin_address(self):
        """host:port@admin for zkdash --servers (plain host:port if AdminServer is off)."""
        if self.ensemble.admin:
            return "%s@%d" % (self.client_address, self.admin_port)
        return self.client_address

    def server_line(self):
        kind = ":observer" if self.observer else ""
        s = "server.%d=%s:%d:%d%s" % (self.sid, self.host, self.quorum_port, self.election_port, kind)
        if self.ensemble.client_in_server_line:
            s += ";%s:%d" % (self.host, self.client_port)
        return s

    def cfg_lines(self):
        e = self.ensemble
        lines = [
            "tickTime=%d" % e.tick_ms,
            "initLimit=%d" % e.init_limit,
            "syncLimit=%d" % e.sync_limit,
            "dataDir=%s" % self.data_dir,
            "dataLogDir=%s" % self.log_dir,
            "clientPort=%d" % self.client_port,
        ] + ([] if e.wildcard_client else ["clientPortAddress=%s" % self.host]) + [
            "maxClientCnxns=200",
            "admin.enableServer=%s" % ("true" if e.admin else "false"),
            "admin.serverAddress=%s" % self.host,
            "admin.serverPort=%d" % self.admin_port,
        ]
        if e.whitelist is not None:
            lines.append("4lw.commands.whitelist=%s" % e.whitelist)
        if not e.standalone:
            if self.observer:
                lines.append("peerType=observer")
            lines.append("cnxTimeout=2000")
            for n in e.nodes:
                lines.append(n.server_line())
        for k, v in e.extra_cfg.items():
            lines.append("%s=%s" % (k, v))
        return lines

    def cfg_rewritten_by_server(self):
        try:
            with open(self.cfg_path) as f:
                return any(l.startswith("dynamicConfigFile=") for l in f) and \
                    not any(l.startswith("dynamicConfigFile=") for l in self.cfg_lines())
        except OSError:
            return False

    def write_cfg(self):
        with open(self.cfg_path, "w") as f:
            f.write("\n".join(self.cfg_lines()) + "\n")

    def command(self):
        main = APACHE_STANDALONE_MAIN if self.ensemble.standalone else APACHE_QUORUM_MAIN
        flags = self.ensemble.jvm_flags if self.ensemble.jvm_flags is not None else APACHE_JVM_FLAGS
        return ([harness.JAVA] + flags + ["-cp", APACHE_CLASSPATH, main, self.cfg_path])

    # -- lifecycle
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def returncode(self):
        return None if self.proc is None else self.proc.poll()

    def start(self):
        """Starts the process (does not wait; see ApacheEnsemble.wait_for_leader / wait_serving)."""
        if self.alive():
            return self
        # A reconfiguration rewrites zoo.cfg to point at its dynamic config file (Apache and
        # zkdash alike): a restart must read that, not our original server lines.
        if not self.cfg_rewritten_by_server():
            self.write_cfg()
        self._log_fh = open(self.log_path, "ab")
        self._log_fh.write(("\n===== start %d: %s\n" % (self.starts + 1, " ".join(self.command()))).encode())
        self._log_fh.flush()
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=self._log_fh,
                                     stderr=subprocess.STDOUT, cwd=self.workdir,
                                     preexec_fn=harness._pdeathsig)
        self.starts += 1
        with _live_lock:
            if self not in _live:
                _live.append(self)
        with harness._live_lock:
            if self not in harness._live_servers:
                harness._live_servers.append(self)
        return self

    def stop(self, timeout=10.0):
        """SIGTERM, SIGKILL after timeout; returns the exit code."""
        if self.paused:
            self.resume()          # a stopped process would not act on SIGTERM
        rc = harness.stop_process(self.proc, timeout)
        self._close_log()
        return rc

    def kill(self):
        """SIGKILL (kill -9) and reap."""
        harness.kill_process(self.proc)
        self.paused = False
        self._close_log()

    kill9 = kill

    def pause(self):
        """SIGSTOP: the process keeps its sockets but answers nothing."""
        if self.alive():
            self.proc.send_signal(signal.SIGSTOP)
            self.paused = True

    def resume(self):
        """SIGCONT after pause()."""
        if self.alive():
            self.proc.send_signal(signal.SIGCONT)
        self.paused = False

    def restart(self, timeout=10.0):
        """stop() then start() (does not wait for the node to serve)."""
        self.stop(timeout)
        return self.start()

    def _close_log(self):
        if self._log_fh is not None:
            try:
                self._log_fh.close()
            except OSError:
                pass
            self._log_fh = None

    def destroy(self):
        try:
            self.stop()
        finally:
            with _live_lock:
                if self in _live:
                    _live.remove(self)
            with harness._live_lock:
                if self in harness._live_servers:
                    harness._live_servers.remove(self)
            if not os.environ.get("ZK_KEEP_TMP"):
                shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return "(no log)"

    # -- probes
    def four(self, word, timeout=5.0):
        return four_letter(self.client_port, word, timeout, host=self.host)

    def four_bytes(self, word, timeout=5.0):
        """Raw bytes of a 4lw answer (None if refused)."""
        try:
            s = socket.create_connection((self.host, self.client_port), timeout=timeout)
        except OSError:
            return None
        chunks = []
        deadline = time.monotonic() + timeout
        try:
            s.sendall(word.encode() if isinstance(word, str) else word)
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            for _ in range(100000):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
                try:
                    b = s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    break
                if not b:
                    break
                chunks.append(b)
        except OSError:
            pass
        finally:
            s.close()
        return b"".join(chunks)

    def srvr(self, timeout=2.0):
        return self.four("srvr", timeout)

    def mntr(self, timeout=2.0):
        """mntr as a dict ({} when not answered or not serving)."""
        return parse_mntr(self.four("mntr", timeout))

    def zxid(self, timeout=2.0):
        """srvr's Zxid as an int; None when the node does not answer with one."""
        z = parse_srvr(self.srvr(timeout)).get("Zxid")
        return int(z, 16) if z else None

    def describe(self, log_lines=15):
        """State, srvr answer and log tail, for failure messages."""
        if self.proc is None:
            state = "never started"
        elif self.alive():
            state = "paused (SIGSTOP)" if self.paused else "running"
        else:
            state = "exited rc=%s" % self.returncode()
        srvr = self.srvr(1.0) if self.alive() and not self.paused else None
        fields = parse_srvr(srvr)
        if "Mode" in fields:
            srvr = "Mode: %s, Zxid: %s, Node count: %s" % (fields.get("Mode"), fields.get("Zxid"),
                                                         fields.get("Node count"))
        return "--- %s (%s, client %s) srvr: %s\n%s" % (
            self.name, state, self.client_address, (srvr or "(no answer)").strip(),
            "\n".join("    " + l for l in self.log_tail(log_lines).splitlines() if l.strip()))

    def mode(self, timeout=2.0):
        """'leader' | 'follower' | 'observer' | 'standalone' | 'not serving' | None (no answer)."""
        r = self.srvr(timeout)
        if r is None or r == "":
            return None
        if NOT_SERVING in r:
            return "not serving"
        return parse_srvr(r).get("Mode")

    def admin(self, command, timeout=5.0):
        """(status, body bytes, content type) of the AdminServer command."""
        return http_get(self.admin_port, "/commands/%s" % command, timeout, host=self.host)

    def __repr__(self):
        return "<ApacheNode sid=%d %s client=%d admin=%d>" % (self.sid, "observer" if self.observer else "voter",
                                                              self.client_port, self.admin_port)


class ApacheEnsemble:
    """voters + observers Apache 3.8 quorum peers on loopback (or one standalone server)."""

    node_class = ApacheNode

    def __init__(self, voters=3, observers=0, whitelist="*", admin=True, tick_ms=500, init_limit=10,
                 sync_limit=5, client_in_server_line=False, standalone=False, extra_cfg=None,
                 distinct_hosts=False, jvm_flags=None, wildcard_client=False):
        if standalone:
            assert voters == 1 and observers == 0, "standalone is one server"
        self.distinct_hosts = distinct_hosts
        # wildcard_client: no clientPortAddress, so the client port listens on
        # every loopback address, IPv6 ::1 included (with an IPv6-capable JVM).
        self.wildcard_client = wildcard_client
        self.shared_client_port = free_port() if distinct_hosts else None
        self.shared_admin_port = free_port() if distinct_hosts else None
        self.whitelist = whitelist
        self.admin = admin
        self.tick_ms = tick_ms
        self.init_limit = init_limit
        self.sync_limit = sync_limit
        self.client_in_server_line = client_in_server_line
        self.standalone = standalone
        self.extra_cfg = dict(extra_cfg or {})
        # JVM flags of every Apache node (None: APACHE_JVM_FLAGS, small heap for tests);
        # benchmarks pass their own (e.g. a heap for 1M znodes).
        self.jvm_flags = list(jvm_flags) if jvm_flags is not None else None
        self.nodes = []
        for sid in range(1, voters + 1):
            self.nodes.append(self.node_class(self, sid))
        for sid in range(voters + 1, voters + observers + 1):
            self.nodes.append(self.node_class(self, sid, observer=True))

    # -- views
    @property
    def voters(self):
        return [n for n in self.nodes if not n.observer]

    @property
    def observers(self):
        return [n for n in self.nodes if n.observer]

    def node(self, sid):
        return next(n for n in self.nodes if n.sid == sid)

    def by_mode(self, mode):
        return [n for n in self.nodes if n.alive() and n.mode() == mode]

    def leader(self):
        ls = self.by_mode("leader")
        return ls[0] if len(ls) == 1 else None

    def followers(self):
        return self.by_mode("follower")

    @property
    def hosts(self):
        """Client connect string of every node (kazoo `hosts`)."""
        return self.connect_string()

    def connect_string(self, nodes=None):
        return ",".join(n.client_address for n in (nodes if nodes is not None else self.nodes))

    def describe(self, nodes=None, log_lines=15):
        """Every node's state, srvr answer and log tail (for failure messages)."""
        return "\n".join(n.describe(log_lines) for n in (nodes if nodes is not None else self.nodes))

    def servers_arg(self, with_admin=None, nodes=None):
        """Comma list for `zkdash status --servers`."""
        with_admin = self.admin if with_admin is None else with_admin
        return ",".join(n.admin_address if with_admin else n.client_address for n in (nodes or self.nodes))

    def write_cfg_copy(self, path, client_in_server_line=True):
        """A zoo.cfg listing the members (for `zkdash status --config`)."""
        saved = self.client_in_server_line
        self.client_in_server_line = client_in_server_line
        try:
            lines = [l for l in self.nodes[0].cfg_lines() if not l.startswith("peerType")]
        finally:
            self.client_in_server_line = saved
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def add_node(self, sid=None, observer=False):
        """A new node (fresh ports and temp dir, next free sid unless given) appended to
        `nodes`, its zoo.cfg written but not started: it lists every member plus itself,
        the config a server joining by `reconfig` starts with (Apache's documented
        procedure).  Members already running keep their own zoo.cfg."""
        sid = sid if sid is not None else max(n.sid for n in self.nodes) + 1
        assert all(n.sid != sid for n in self.nodes), "sid %d taken" % sid
        node = self.node_class(self, sid, observer=observer)
        self.nodes.append(node)
        node.write_cfg()
        return node

    # -- lifecycle
    def start(self, timeout=None, one_by_one=False):
        """Starts every node and waits for a leader with every live node serving.
        one_by_one: each node is started once the previous one answers, and once
        a majority of voters runs, only after they have a leader (every later
        node joins an established ensemble)."""
        majority = len(self.voters) // 2 + 1
        for i, n in enumerate(self.nodes):
            n.start()
            if one_by_one and not self.standalone and i + 1 < len(self.nodes):
                if not wait_until(lambda: n.mode() is not None, self._timeout(timeout), 0.02):
                    raise harness.ServerStartError("%s does not answer srvr\n%s" % (n.name, self.describe()))
                if i + 1 >= majority:
                    self.wait_for_leader(timeout)
        if self.standalone:
            self.wait_serving(self.nodes, timeout)
        else:
            self.wait_for_leader(timeout)
        self.warm_admin()
        return self

    def warm_admin(self):
        """One AdminServer request per live node: a cold Jetty takes about a second to
        answer its first request, which would exceed a monitor's short --timeout."""
        if not self.admin:
            return
        for n in self.nodes:
            if n.alive():
                n.admin("leader", timeout=15)

    def _timeout(self, timeout):
        return timeout if timeout is not None else float(os.environ.get("ZK_START_TIMEOUT", "60"))

    def _check_alive(self):
        for n in self.nodes:
            if n.proc is not None and n.proc.poll() is not None and n._log_fh is not None:
                raise harness.ServerStartError("%s exited with %s; log tail:\n%s"
                                               % (n.name, n.proc.returncode, n.log_tail()))

    def wait_serving(self, nodes=None, timeout=None):
        """Waits until every given (default: every live) node answers srvr with a Mode line."""
        timeout = self._timeout(timeout)
        nodes = nodes or [n for n in self.nodes if n.alive()]

        def ok():
            self._check_alive()
            return all(n.mode() not in (None, "not serving") for n in nodes)
        if not wait_until(ok, timeout=timeout, interval=0.2):
            raise harness.ServerStartError("not serving within %.0fs: %s\n%s" % (
                timeout, {n.sid: n.mode() for n in nodes}, self.describe(nodes)))
        return True

    def wait_for_leader(self, timeout=None, exclude=()):
        """Waits until exactly one live node says Mode: leader and every other
        live node (not in exclude) says follower/observer; returns the leader."""
        timeout = self._timeout(timeout)
        live = lambda: [n for n in self.nodes if n.alive() and n not in exclude]  # noqa: E731

        def ok():
            self._check_alive()
            modes = {n: n.mode() for n in live()}
            if "standalone" in modes.values():
                raise NoReplication("a node with server.N lines runs standalone: %s\n%s" % (
                    {n.sid: m for n, m in modes.items()}, self.describe()))
            leaders = [n for n, m in modes.items() if m == "leader"]
            if len(leaders) != 1:
                return None
            for n, m in modes.items():
                if n is leaders[0]:
                    continue
                if m != ("observer" if n.observer else "follower"):
                    return None
            return leaders[0]
        leader = wait_until(ok, timeout=timeout, interval=0.2)
        if not leader:
            raise harness.ServerStartError("no leader within %.0fs: %s\n%s" % (
                timeout, {n.sid: n.mode() for n in live()}, self.describe()))
        return leader

    def stop_all(self):
        for n in self.nodes:
            try:
                n.stop()
            except Exception:
                pass

    def destroy(self):
        for n in self.nodes:
            try:
                n.destroy()
            except Exception:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.destroy()


class ZkdashNode(ApacheNode):
    """One `zkdash server --config zoo.cfg` quorum member; same interface as ApacheNode."""

    NAME_PREFIX = "zkdash-"

    def command(self):
        level = os.environ.get("ZKDASH_LOG_LEVEL")      # e.g. debug: election details in server.log
        return [harness.zkdash_bin(), "server", "--config", self.cfg_path] + (["--log-level", level] if level else [])

    def cfg_lines(self):
        # zkdash has no AdminServer (it would only warn about admin.* keys)
        return [l for l in super().cfg_lines() if not l.startswith("admin.")]

    def start(self):
        b = harness.zkdash_bin()
        if not os.access(b, os.X_OK):
            raise harness.ServerStartError("zkdash binary not found/executable: %s (swift build, or set ZKDASH_BIN)" % b)
        return super().start()

    def __repr__(self):
        return "<ZkdashNode sid=%d %s client=%d>" % (self.sid, "observer" if self.observer else "voter",
                                                     self.client_port)


class ZkdashEnsemble(ApacheEnsemble):
    """voters + observers `zkdash server` processes forming one quorum on loopback.

    zoo.cfg per node: tickTime (200 ms unless told), initLimit 10, syncLimit 5,
    dataDir (with myid) / dataLogDir, clientPort + clientPortAddress 127.0.0.1,
    4lw.commands.whitelist, `server.N=127.0.0.1:QP:EP[:observer];127.0.0.1:CP`
    and `peerType=observer` on observers.  Same interface as ApacheEnsemble
    (no AdminServer)."""

    node_class = ZkdashNode

    def __init__(self, voters=3, observers=0, whitelist="*", tick_ms=200, init_limit=10, sync_limit=5,
                 extra_cfg=None):
        super().__init__(voters=voters, observers=observers, whitelist=whitelist, admin=False,
                         tick_ms=tick_ms, init_limit=init_limit, sync_limit=sync_limit,
                         client_in_server_line=True, extra_cfg=extra_cfg)

    def _timeout(self, timeout):
        return timeout if timeout is not None else float(os.environ.get("ZK_START_TIMEOUT", "30"))


def destroy_all():
    with _live_lock:
        nodes = list(_live)
    for n in nodes:
        try:
            n.destroy()
        except Exception:
            pass


atexit.register(destroy_all)


# ---------------------------------------------------------------- fake servers

class FakeListener:
    """A loopback TCP listener that either never replies (silent=True: accepts,
    reads and holds the connection open) or answers `reply` bytes and closes."""

    def __init__(self, reply=None, port=None):
        self.reply = reply
        self.port = port or free_port()
        self._ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._ls.bind((LOOPBACK, self.port))
        self._ls.listen(64)
        self._stop = threading.Event()
        self._conns = []
        self.accepted = 0
        self._thread = threading.Thread(target=self._loop, daemon=True, name="fake-%d" % self.port)
        self._thread.start()
        _fakes.append(self)

    @property
    def address(self):
        return "%s:%d" % (LOOPBACK, self.port)

    def _loop(self):
        self._ls.settimeout(0.1)
        while not self._stop.is_set():
            try:
                c, _ = self._ls.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            self.accepted += 1
            if self.reply is None:
                self._conns.append(c)     # silent: hold it open, never answer
                continue
            try:
                c.settimeout(0.5)
                try:
                    c.recv(64)
                except OSError:
                    pass
                c.sendall(self.reply)
            except OSError:
                pass
            finally:
                c.close()

    def close(self):
        self._stop.set()
        try:
            self._ls.close()
        except OSError:
            pass
        for c in self._conns:
            try:
                c.close()
            except OSError:
                pass
        self._thread.join(2)
        if self in _fakes:
            _fakes.remove(self)


_fakes = []


def _close_fakes():
    for f in list(_fakes):
        try:
            f.close()
        except Exception:
            pass


atexit.register(_close_fakes)


if __name__ == "__main__":
    # Smoke check: /usr/bin/python3 tests/interop/ensemble.py [voters] [observers] [zkdash]
    import sys
    harness.install_signal_handlers()
    v = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    o = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    zk = len(sys.argv) > 3 and sys.argv[3] == "zkdash"
    t0 = time.monotonic()
    ens = ZkdashEnsemble(voters=v, observers=o) if zk else ApacheEnsemble(voters=v, observers=o)
    try:
        ens.start()
        print("ready in %.1fs" % (time.monotonic() - t0))
        for n in ens.nodes:
            print(n, n.mode(), parse_srvr(n.srvr()).get("Zxid"))
        if not zk:
            print(ens.nodes[0].admin("leader"))
    finally:
        ens.destroy()
