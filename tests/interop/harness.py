"""Out-of-process test harness: servers under test, loopback proxy, and the
differential test-case base class.

Targets (env ZK_TARGET):
  apache  - Apache ZooKeeper 3.8 ZooKeeperServerMain from the Debian jars
  zkdash  - the zkdash binary (ZKDASH_BIN or .build/debug/zkdash)
  both    - (default) every scenario runs on both; observations must match

Everything binds 127.0.0.1 only, on ports in 24000-32000 checked to be free.
Every server started here is stopped by try/finally, by unittest cleanups and
by atexit; each child also gets PR_SET_PDEATHSIG so it dies with this process.
"""

import atexit
import base64
import ctypes
import hashlib
import logging
import os
import random
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import zkwire  # noqa: E402

LOOPBACK = "127.0.0.1"
# Below the kernel's ephemeral range (32768+) and above the Swift tests' 21000-23999.
# Ports are not handed back during a run: the nemesis suite alone takes hundreds
# (a proxy per peer pair and port), and 1,000 ran out once the tls suite came.
PORT_RANGE = (24000, 32000)


def shard_slice(lo, hi):
    """This process's part of the port range lo..hi (inclusive). `run.py --jobs N`
    runs N processes with INTEROP_SHARD=i/N; each takes its own slice so two
    processes never pick the same port between checking it and binding it."""
    spec = os.environ.get("INTEROP_SHARD", "")
    if not spec:
        return lo, hi
    index, count = (int(x) for x in spec.split("/"))
    width = (hi - lo + 1) // count
    return lo + index * width, lo + (index + 1) * width - 1


PORT_RANGE = shard_slice(*PORT_RANGE)
KINDS = ("apache", "zkdash")

JAVA = os.environ.get("ZK_JAVA", "/usr/bin/java")
APACHE_CLASSPATH = ":".join([
    "/usr/share/java/zookeeper.jar",       # its manifest Class-Path pulls jute, netty, slf4j-api, ...
    "/usr/share/java/slf4j-simple.jar",    # logs to stderr
])
APACHE_MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain"
APACHE_JVM_FLAGS = [
    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
    "-Dzookeeper.admin.enableServer=false",
    "-Djava.net.preferIPv4Stack=true",
]

SUPER_USER, SUPER_PASSWORD = "super", "interop-secret"

logging.getLogger("kazoo").setLevel(logging.CRITICAL if not os.environ.get("ZK_TEST_VERBOSE") else logging.DEBUG)
logging.getLogger("kazoo").addHandler(logging.NullHandler())
logging.getLogger("kazoo").propagate = bool(os.environ.get("ZK_TEST_VERBOSE"))


def digest(user, password):
    """ZooKeeper DigestAuthenticationProvider digest: base64(sha1(user:password))."""
    return base64.b64encode(hashlib.sha1(("%s:%s" % (user, password)).encode()).digest()).decode()


def selected_kinds():
    v = os.environ.get("ZK_TARGET", "both").strip().lower()
    if v in ("", "both", "all"):
        return list(KINDS)
    if v in KINDS:
        return [v]
    raise SystemExit("ZK_TARGET must be zkdash, apache or both (got %r)" % v)


def zkdash_bin():
    return os.environ.get("ZKDASH_BIN") or os.path.join(REPO, ".build", "debug", "zkdash")


def wait_until(pred, timeout=10.0, interval=0.05, what="condition"):
    """Polls pred() until truthy or timeout; returns the last value (falsy on timeout)."""
    deadline = time.monotonic() + timeout
    val = None
    for _ in range(int(timeout / max(interval, 0.001)) + 2):
        val = pred()
        if val:
            return val
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    return val


# ---------------------------------------------------------------- ports

_used_ports = set()
_port_lock = threading.Lock()


def _port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((LOOPBACK, port))
    except OSError:
        return False
    finally:
        s.close()
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.settimeout(0.2)
    try:
        return c.connect_ex((LOOPBACK, port)) != 0
    finally:
        c.close()


def free_port():
    with _port_lock:
        lo, hi = PORT_RANGE
        candidates = list(range(lo, hi + 1))
        random.shuffle(candidates)
        for p in candidates[:3000]:
            if p in _used_ports:
                continue
            if _port_free(p):
                _used_ports.add(p)
                return p
    raise RuntimeError("no free loopback port in %d-%d" % PORT_RANGE)


def closed_port():
    """A port in range with nothing listening (to simulate an unreachable server)."""
    return free_port()


# ---------------------------------------------------------------- four letter words

def four_letter(port, word, timeout=5.0, host=LOOPBACK, shutdown_write=True):
    """Sends a 4lw and returns the full reply text ('' if closed without data).
    Returns None if the connection is refused."""
    if isinstance(word, str):
        word = word.encode()
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except OSError:
        return None
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        s.sendall(word)
        if shutdown_write:
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
    return b"".join(chunks).decode("utf-8", "replace")


# ---------------------------------------------------------------- servers

_live_servers = []
_live_lock = threading.Lock()


def _pdeathsig():
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def stop_process(proc, timeout=10.0):
    """SIGTERM, then SIGKILL after `timeout`; the exit code (None when never started)."""
    if proc is None:
        return None
    if proc.poll() is not None:
        return proc.returncode
    try:
        proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(10)


def kill_process(proc):
    """SIGKILL (kill -9) and reap."""
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait(10)


class ServerStartError(Exception):
    pass


class ZkServer:
    """One standalone server under test on a loopback port with a temp dataDir."""

    def __init__(self, kind, cfg=None, port=None, workdir=None, name=None, whitelist="*",
                 java_props=None):
        assert kind in KINDS, kind
        self.kind = kind
        self.name = name or kind
        self.port = port or free_port()
        self.owns_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="zkinterop-%s-" % kind)
        self.data_dir = os.path.join(self.workdir, "data")
        self.log_dir = os.path.join(self.workdir, "datalog")
        os.makedirs(self.data_dir, exist_ok=True)
        os.makedirs(self.log_dir, exist_ok=True)
        self.cfg_path = os.path.join(self.workdir, "zoo.cfg")
        self.cfg = {
            "tickTime": "2000",
            "dataDir": self.data_dir,
            "dataLogDir": self.log_dir,
            "clientPort": str(self.port),
            "clientPortAddress": LOOPBACK,
            "maxClientCnxns": "60",
            "admin.enableServer": "false",
            "DigestAuthenticationProvider.superDigest": "%s:%s" % (SUPER_USER, digest(SUPER_USER, SUPER_PASSWORD)),
        }
        if whitelist is not None:
            self.cfg["4lw.commands.whitelist"] = whitelist
        for k, v in (cfg or {}).items():
            if v is None:
                self.cfg.pop(k, None)
            else:
                self.cfg[k] = str(v)
        self.java_props = dict(java_props or {})
        self.proc = None
        self.log_path = os.path.join(self.workdir, "server.log")
        self._log_fh = None
        self.starts = 0
        self.start_seconds = None

    # -- config / command
    def write_cfg(self):
        with open(self.cfg_path, "w") as f:
            for k, v in self.cfg.items():
                f.write("%s=%s\n" % (k, v))

    def command(self):
        if self.kind == "apache":
            props = ["-D%s=%s" % kv for kv in self.java_props.items()]
            return [JAVA] + APACHE_JVM_FLAGS + props + ["-cp", APACHE_CLASSPATH, APACHE_MAIN, self.cfg_path]
        # zkdash server reads the JAAS file Apache gets as a JVM property from --jaas-config.
        jaas = self.java_props.get("java.security.auth.login.config")
        return [zkdash_bin(), "server", "--config", self.cfg_path] + (["--jaas-config", jaas] if jaas else [])

    @property
    def hosts(self):
        return "%s:%d" % (LOOPBACK, self.port)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def returncode(self):
        return None if self.proc is None else self.proc.poll()

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return "(no log)"

    # -- lifecycle
    def start(self, timeout=None):
        """Starts and waits until ready.  If the port was taken meanwhile (another
        test run on this machine), moves to a fresh port, at most twice."""
        for attempt in range(3):
            try:
                return self._start_once(timeout)
            except ServerStartError as e:
                text = str(e).lower()
                if attempt < 2 and ("address already in use" in text or "bindexception" in text
                                    or "eaddrinuse" in text):
                    self.port = free_port()
                    self.cfg["clientPort"] = str(self.port)
                    continue
                raise

    def _start_once(self, timeout=None):
        if self.alive():
            return self
        if timeout is None:
            timeout = float(os.environ.get("ZK_START_TIMEOUT", "40" if self.kind == "apache" else "30"))
        cmd = self.command()
        if self.kind == "zkdash" and not os.access(cmd[0], os.X_OK):
            raise ServerStartError("zkdash binary not found/executable: %s (build with `swift build` or set ZKDASH_BIN)" % cmd[0])
        self.write_cfg()
        self._log_fh = open(self.log_path, "ab")
        self._log_fh.write(("\n===== start %d: %s\n" % (self.starts + 1, " ".join(cmd))).encode())
        self._log_fh.flush()
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log_fh,
                                     stderr=subprocess.STDOUT, cwd=self.workdir,
                                     preexec_fn=_pdeathsig)
        self.starts += 1
        with _live_lock:
            if self not in _live_servers:
                _live_servers.append(self)
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - t0
        return self

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.1) + 10):
            if self.proc.poll() is not None:
                raise ServerStartError("%s exited with %s during startup; log tail:\n%s"
                                       % (self.name, self.proc.returncode, self.log_tail()))
            if time.monotonic() > deadline:
                break
            if self.ready_probe():
                return
            time.sleep(0.1)
        raise ServerStartError("%s not ready within %.0fs on %s; log tail:\n%s"
                               % (self.name, timeout, self.hosts, self.log_tail()))

    def ready_probe(self):
        """srvr answering with a Mode line, else a successful ZK handshake."""
        reply = four_letter(self.port, "srvr", timeout=1.0)
        if reply is None:
            return False          # refused: not listening yet
        if "Mode:" in reply:
            return True
        if "not currently serving" in reply:
            return False
        try:
            c = zkwire.RawClient(LOOPBACK, self.port, timeout=2.0)
            resp = c.connect(timeout_ms=4000)
            ok = resp["timeOut"] > 0
            if ok:
                try:
                    c.close_session()
                except Exception:
                    pass
            c.close_socket()
            return ok
        except Exception:
            return False

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL after timeout.  Returns the exit code."""
        rc = stop_process(self.proc, timeout)
        self._close_log()
        return rc

    def kill9(self):
        kill_process(self.proc)
        self._close_log()

    def restart(self, timeout=None):
        self.stop()
        return self.start(timeout)

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
                if self in _live_servers:
                    _live_servers.remove(self)
            if self.owns_workdir and not os.environ.get("ZK_KEEP_TMP"):
                shutil.rmtree(self.workdir, ignore_errors=True)

    def four(self, word, timeout=5.0):
        return four_letter(self.port, word, timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.destroy()


def cleanup_all():
    with _live_lock:
        servers = list(_live_servers)
    for s in servers:
        try:
            s.destroy()
        except Exception:
            pass
    for p in list(_proxies):
        try:
            p.close()
        except Exception:
            pass


atexit.register(cleanup_all)


def _signal_cleanup(signum, frame):
    cleanup_all()
    raise SystemExit(128 + signum)


def install_signal_handlers():
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, _signal_cleanup)
        except (ValueError, OSError):
            pass


# ---------------------------------------------------------------- shared servers

_shared = {}
_shared_fail = {}


def shared_server(kind):
    """A long-lived default-profile server of this kind for the whole process.
    Restarted (fresh) if it died; a startup failure is remembered so later
    tests fail fast instead of each waiting for the start timeout."""
    if kind in _shared_fail:
        raise ServerStartError("(cached) " + _shared_fail[kind])
    s = _shared.get(kind)
    if s is not None and s.alive():
        return s
    if s is not None:
        s.destroy()
    s = ZkServer(kind, name="shared-" + kind)
    try:
        s.start()
    except ServerStartError as e:
        _shared_fail[kind] = str(e)
        s.destroy()
        raise
    _shared[kind] = s
    return s


# ---------------------------------------------------------------- loopback proxy

_proxies = []


class LoopbackProxy:
    """TCP forwarder 127.0.0.1:listen_port -> 127.0.0.1:target_port.

    cut()       drops every connection and stops listening (clients see refused)
    drop()      drops every connection but keeps listening (forces reconnect)
    blackhole() forwards nothing and closes nothing: open connections stay open but silent
                (what each side sends waits in the kernel's buffers), new connections are
                accepted and held, never forwarded -- a network partition before TCP gives up
    restore()   listens again (same port) after cut(); after blackhole() forwards again: the
                held-up connections carry their buffered bytes on (TCP after a partition
                heals), the connections accepted meanwhile are closed (their connect "timed out")
    close()     stops the thread, closes the listening socket and every connection

    rewrite: None, or a function of the first bytes the accepting side sends on each connection,
    returning the bytes to forward in their place, or None while it needs more (a protocol's
    greeting that names an address; see test_nemesis.py).
    """

    def __init__(self, target_port, port=None, rewrite=None):
        self.target_port = target_port
        self.port = port or free_port()
        self.rewrite = rewrite
        self._lock = threading.Lock()
        self._pairs = []
        self._held = []            # accepted during a black hole, never forwarded
        self._pending = {}         # accepted socket -> first bytes not yet rewritten
        self._frozen = False       # black hole
        self._lsock = None
        self._stop = threading.Event()
        self._thread = None
        self.accepted = 0
        _proxies.append(self)
        self.restore()

    @property
    def hosts(self):
        return "%s:%d" % (LOOPBACK, self.port)

    def restore(self):
        with self._lock:
            held, self._held = self._held, []
            self._frozen = False
        for c in held:
            _close_quietly(c)
        if self._lsock is not None:
            return
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            ls.bind((LOOPBACK, self.port))
            ls.listen(64)
        except OSError:
            ls.close()
            raise
        self._lsock = ls
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, daemon=True, name="proxy-%d" % self.port)
            self._thread.start()

    def blackhole(self):
        with self._lock:
            self._frozen = True

    def _loop(self):
        bufsize = 65536
        while not self._stop.is_set():
            with self._lock:
                socks = [] if self._frozen else [s for pair in self._pairs for s in pair]
                ls = self._lsock
            rl = socks + ([ls] if ls is not None else [])
            if not rl:
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select(rl, [], [], 0.05)
            except (OSError, ValueError):
                continue
            for s in ready:
                if s is ls:
                    try:
                        c, _ = ls.accept()
                    except OSError:
                        continue
                    with self._lock:
                        if self._frozen:
                            self._held.append(c)
                            if len(self._held) > 64:       # a peer retrying all along: bound the fds
                                _close_quietly(self._held.pop(0))
                            continue
                    try:
                        u = socket.create_connection((LOOPBACK, self.target_port), timeout=5)
                    except OSError:
                        c.close()
                        continue
                    self.accepted += 1
                    with self._lock:
                        self._pairs.append((c, u))
                        if self.rewrite is not None:
                            self._pending[c] = b""
                    continue
                with self._lock:
                    if self._frozen:
                        break                  # black hole since select: forward nothing more
                    pair = next((p for p in self._pairs if s in p), None)
                if pair is None:
                    continue
                other = pair[1] if s is pair[0] else pair[0]
                try:
                    data = s.recv(bufsize)
                    if data:
                        if s is pair[0] and s in self._pending:
                            data = self._pending.pop(s, b"") + data
                            out = self.rewrite(data)
                            if out is None and len(data) < 4096:
                                self._pending[s] = data
                                continue
                            data = data if out is None else out
                        other.sendall(data)
                        continue
                except OSError:
                    pass
                self._close_pair(pair)

    def _close_pair(self, pair):
        with self._lock:
            if pair in self._pairs:
                self._pairs.remove(pair)
            self._pending.pop(pair[0], None)
        for s in pair:
            _close_quietly(s)

    def drop(self):
        with self._lock:
            pairs = list(self._pairs)
            held, self._held = self._held, []
        for p in pairs:
            for s in p:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self._close_pair(p)
        for c in held:
            _close_quietly(c)

    def cut(self):
        with self._lock:
            ls, self._lsock = self._lsock, None
        if ls is not None:
            # close() alone leaves the port listening while the loop thread's
            # select() still holds the socket (up to its 50 ms timeout): a
            # connect in that window was accepted instead of refused (the
            # nemesis SelfTest, once, with the CPU busy). shutdown() stops
            # the listening at once.
            try:
                ls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            ls.close()
        self.drop()

    def close(self):
        self._stop.set()
        self.cut()
        if self._thread is not None:
            self._thread.join(2)
        if self in _proxies:
            _proxies.remove(self)


def _close_quietly(s):
    try:
        s.close()
    except OSError:
        pass


# ---------------------------------------------------------------- kazoo helpers

def kazoo_client(hosts, timeout=10.0, start=True, start_timeout=15.0, **kw):
    from kazoo.client import KazooClient
    kw.setdefault("connection_retry", dict(max_tries=-1, delay=0.1, backoff=1.5, max_delay=1.0))
    kw.setdefault("command_retry", dict(max_tries=40, delay=0.02, backoff=1.5, max_delay=0.5))
    c = KazooClient(hosts=hosts, timeout=timeout, randomize_hosts=False, **kw)
    if start:
        c.start(timeout=start_timeout)
    return c


def stop_kazoo(c):
    try:
        c.stop()
    except Exception:
        pass
    try:
        c.close()
    except Exception:
        pass


# ---------------------------------------------------------------- differential cases

class Target:
    """Per-target context handed to a scenario."""

    def __init__(self, case, kind, server, scenario):
        self.case = case
        self.kind = kind
        self.server = server
        self.scenario = scenario
        self.records = []
        self._clients = []
        self._raws = []
        self._cleanups = []
        self.root = "/it_" + scenario
        self.session_labels = {}

    @property
    def hosts(self):
        return self.server.hosts

    @property
    def port(self):
        return self.server.port

    def record(self, key, value):
        self.records.append((key, value))
        return value

    def client(self, hosts=None, **kw):
        c = kazoo_client(hosts or self.hosts, **kw)
        self._clients.append(c)
        return c

    def forget_client(self, c):
        if c in self._clients:
            self._clients.remove(c)

    def raw(self, connect=True, timeout_ms=10000, port=None):
        r = zkwire.RawClient(LOOPBACK, port or self.port, timeout=10.0)
        self._raws.append(r)
        if connect:
            resp = r.connect(timeout_ms=timeout_ms)
            if resp["timeOut"] <= 0:
                raise AssertionError("raw handshake refused: %r" % (resp,))
        return r

    def add_cleanup(self, fn, *args):
        self._cleanups.append((fn, args))

    def label(self, session_id, label):
        self.session_labels[session_id] = label

    def owner(self, eph):
        if eph == 0:
            return 0
        return self.session_labels.get(eph, "unknown-session")

    def fresh_root(self, client):
        """Deletes and recreates this scenario's namespace node; returns its stat."""
        if client.exists(self.root):
            client.delete(self.root, recursive=True)
        client.create(self.root, b"")
        return client.exists(self.root)

    def rel_stat(self, stat, base_zxid):
        """Stat with zxids relative to base_zxid and times/sessions normalised."""
        if stat is None:
            return None
        d = stat if isinstance(stat, dict) else {
            "czxid": stat.czxid, "mzxid": stat.mzxid, "ctime": stat.ctime, "mtime": stat.mtime,
            "version": stat.version, "cversion": stat.cversion, "aversion": stat.aversion,
            "ephemeralOwner": stat.ephemeralOwner, "dataLength": stat.dataLength,
            "numChildren": stat.numChildren, "pzxid": stat.pzxid}
        now_ms = time.time() * 1000
        for k in ("ctime", "mtime"):
            if not (now_ms - 600000 < d[k] < now_ms + 600000):
                raise AssertionError("%s=%d is not a wall-clock ms timestamp near now (%d)" % (k, d[k], now_ms))
        if d["mtime"] < d["ctime"]:
            raise AssertionError("mtime < ctime: %r" % (d,))
        return {
            "czxid": d["czxid"] - base_zxid, "mzxid": d["mzxid"] - base_zxid,
            "pzxid": d["pzxid"] - base_zxid,
            "version": d["version"], "cversion": d["cversion"], "aversion": d["aversion"],
            "ephemeralOwner": self.owner(d["ephemeralOwner"]),
            "dataLength": d["dataLength"], "numChildren": d["numChildren"],
            # A node never modified has mtime == ctime; after a set the two
            # may still be equal when it lands in the same millisecond, so
            # that case is only checked for order (above), not recorded.
            "mtime==ctime": d["mtime"] == d["ctime"] if d["mzxid"] == d["czxid"] else "modified",
        }

    def close(self):
        for fn, args in reversed(self._cleanups):
            try:
                fn(*args)
            except Exception:
                pass
        for c in self._clients:
            stop_kazoo(c)
        for r in self._raws:
            r.close_socket()
        self._clients, self._raws, self._cleanups = [], [], []


def _fmt(v, limit=400):
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "...(%d chars)" % len(s)


def compare_records(a_kind, a, b_kind, b):
    """Returns a list of human-readable differences between two record lists."""
    diffs = []
    for i in range(max(len(a), len(b))):
        ka, va = a[i] if i < len(a) else ("<missing>", None)
        kb, vb = b[i] if i < len(b) else ("<missing>", None)
        if ka != kb:
            diffs.append("record #%d key differs: %s=%s vs %s=%s (sequence diverged; stopping)"
                         % (i, ka, _fmt(va), kb, _fmt(vb)))
            break
        if va != vb:
            if isinstance(va, list) and isinstance(vb, list) and (len(va) > 8 or len(vb) > 8):
                try:
                    sa, sb = set(map(repr, va)), set(map(repr, vb))
                    only_a, only_b = sorted(sa - sb), sorted(sb - sa)
                    diffs.append("%s: %d vs %d items; only in %s (%d): %s; only in %s (%d): %s" % (
                        ka, len(va), len(vb), a_kind, len(only_a), ", ".join(only_a[:40]) + (" ..." if len(only_a) > 40 else ""),
                        b_kind, len(only_b), ", ".join(only_b[:40]) + (" ..." if len(only_b) > 40 else "")))
                    continue
                except TypeError:
                    pass
            diffs.append("%s:\n      %-7s %s\n      %-7s %s" % (ka, a_kind, _fmt(va), b_kind, _fmt(vb)))
    return diffs


class DiffCase(unittest.TestCase):
    """Scenarios are methods `scenario_<name>(self, t)`; each becomes
    `test_<name>`, run on every selected target.  Assertions inside the
    scenario must hold on each target; with both targets, the recorded
    observations (t.record) must be identical, Apache being the reference."""

    KINDS = KINDS          # kinds this suite supports
    COMPARE = True         # compare records across targets
    maxDiff = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        for name, fn in list(vars(cls).items()):
            if name.startswith("scenario_") and callable(fn):
                tname = "test_" + name[len("scenario_"):]
                if tname not in vars(cls):
                    setattr(cls, tname, _make_test(name, fn))

    # hook: which server a scenario runs on (override for custom configs)
    def server_for(self, kind):
        return shared_server(kind)

    def kinds(self):
        return [k for k in selected_kinds() if k in self.KINDS]


class ScenarioTimeout(Exception):
    pass


def _arm_watchdog(seconds, label):
    """SIGALRM in the main thread bounds every scenario, even one stuck in a
    client call whose connection thread died."""
    if threading.current_thread() is not threading.main_thread():
        return

    def fire(signum, frame):
        raise ScenarioTimeout("scenario %s exceeded %.0fs" % (label, seconds))

    signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _disarm_watchdog():
    if threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)


def _make_test(scenario_name, fn):
    short = scenario_name[len("scenario_"):]

    def test(self):
        kinds = self.kinds()
        if not kinds:
            raise unittest.SkipTest("suite does not run on ZK_TARGET=%s" % os.environ.get("ZK_TARGET"))
        results, failures, skips = {}, [], []
        for kind in kinds:
            try:
                server = self.server_for(kind)
            except ServerStartError as e:
                failures.append("[%s] server did not start: %s" % (kind, str(e)[:3000]))
                continue
            t = Target(self, kind, server, short)
            t0 = time.monotonic()
            limit = float(os.environ.get("ZK_TEST_TIMEOUT", "240"))
            try:
                _arm_watchdog(limit, "%s[%s]" % (short, kind))
                fn(self, t)
                results[kind] = t.records
                if os.environ.get("ZK_TEST_DUMP"):
                    for k, v in t.records:
                        sys.stderr.write("    [%s] %s = %s\n" % (kind, k, _fmt(v, 1000)))
            except unittest.SkipTest as e:
                skips.append("[%s] %s" % (kind, e))
            except Exception as e:
                tb = traceback.format_exc(limit=6)
                failures.append("[%s]%s %s: %s\n%s" % (
                    kind, " (REFERENCE FAILED - test or environment is wrong)" if kind == "apache" else "",
                    type(e).__name__, str(e)[:2000], tb[-2500:]))
            finally:
                _disarm_watchdog()
                t.close()
            if not server.alive():
                failures.append("[%s] SERVER PROCESS EXITED (rc=%s) during %s; log tail:\n%s"
                                % (kind, server.returncode(), short, server.log_tail(30)))
            if os.environ.get("ZK_TEST_TIMING"):
                sys.stderr.write("  %s[%s] %.2fs\n" % (short, kind, time.monotonic() - t0))
        if self.COMPARE and "apache" in results and "zkdash" in results:
            diffs = compare_records("apache", results["apache"], "zkdash", results["zkdash"])
            if diffs:
                failures.append("[zkdash] differs from Apache (%d):\n  " % len(diffs) + "\n  ".join(diffs[:25]))
        if failures:
            self.fail("\n".join(failures))
        if skips and len(skips) == len(kinds):
            raise unittest.SkipTest("; ".join(skips))

    test.__name__ = "test_" + short
    test.__doc__ = fn.__doc__
    return test
