"""TLS client ports, SASL DIGEST-MD5 and digest ACLs: Apache 3.8 and zkdash (suite `tls`; issue 15).

The Apache classes pin down what Apache 3.8.0 (Debian 3.8.0-11+deb12u2, jars under
/usr/share/java) does; the zkdash classes hold the binary to it: the client flags
`--tls-ca/--tls-cert/--tls-key/--admin-tls-ca/--auth/--auth-file/--sasl` (and their
ZKDASH_* variables) of `zkdash status|get|ls|monitor`, and `zkdash server` reading the
same zoo.cfg keys (docs/security.md section 7).  ZK_TARGET does not apply.
Certificates come from tls_fixtures.py (openssl CLI, one set per run); Apache servers
from tls_fixtures.TlsApacheEnsemble (ensemble.ApacheEnsemble + secureClientPort,
NettyServerCnxnFactory, PEM key/trust stores), zkdash servers from
tls_fixtures.zkdash_tls_server / TlsZkdashEnsemble with the same keys.  Every server
binds loopback (127.0.0.1; one zkdash TLS port 127.0.0.2).

Apache 3.8 (some classes also run zkdash's client against their servers: test_zkdash_*):
- FixtureTests: the certificates themselves (chains, SANs, validity, PKCS#8
  keys, the PEM keystore layout Apache reads).
- ApacheTlsTests (shared_apache(): one standalone server, secureClientPort + plain
  clientPort, ssl.clientAuth=need, SASL user alice, znodes with world / sasl:alice /
  digest:bob / x509 ACLs): 4lw over TLS (Python ssl and `openssl s_client`), what a
  plaintext client sees on the TLS port, TLS to the plain port, kazoo over TLS
  with the right certificates and refused with none / expired / untrusted ones
  (exception types, timings), the x509 identity, SASL DIGEST-MD5 with kazoo and
  on the wire, digest ACLs, zkCli.sh (ZooKeeperMain) over TLS with SASL.
- ClientAuthModeTests: ssl.clientAuth=want, =none and the key left out (= need).
- BadServerCertTests: a server presenting an expired certificate and one
  from an untrusted CA.
- ConfigVariantTests: serverCnxnFactory as a zoo.cfg key, the NIO factory with
  a secure port (exit 1), ssl.protocol=TLSv1.3 with and without
  ssl.ciphersuites, ssl.ciphersuites on TLS 1.2.
- TlsEnsembleTests: 3 voters with secureClientPort only (no plain clientPort).

zkdash:
- ZkdashCliApacheTests (shared_apache()): status / get / ls with the right flags,
  refusals in words with exit codes and time bounds, --auth digest, --sasl, exit
  statuses 0/1/2/3/64, secrets from ZKDASH_AUTH / --auth-file / ZKDASH_SASL /
  ZKDASH_TLS_*, passwords never echoed.
- ZkdashAdminHttpsTests: 3 Apache voters whose AdminServers speak HTTPS only
  (tf.admin_https_cfg), `status --admin-tls-ca`.
- ZkdashServerTlsTests: `zkdash server` with ApacheTlsTests' keys (and want / none /
  absent, an expired own certificate, TLSv1.3, a 127.0.0.2 port): 4lw, plaintext on the
  TLS port, kazoo, zkCli, the client-auth modes, zkdash's own client against it.
- ZkdashQuorumTlsTests: a 3-node zkdash quorum with TLS ports (status, kazoo).
- ZkdashServerBadTlsConfigTests: bad ssl.* settings stop the start naming the key.
- ZkdashMonitorTlsTests: `zkdash monitor` in tmux (test_monitor.Pane): the banner's TLS
  line, TLS refusals in the node's detail, the Tree view over TLS with --auth.
zkdash server runs SASL DIGEST-MD5 from the same zoo.cfg key and JAAS file (--jaas-config)
and gives TLS sessions Apache's x509 identity.  zkdash misbehaviour found here is
pinned by @unittest.expectedFailure tests asserting the right behaviour (comments
say what zkdash does instead); features that do not exist yet are skipped, naming them.

Findings are summarised in README.md ("tls suite").
"""

import logging
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import harness
from harness import LOOPBACK, wait_until
import ensemble
import tls_fixtures as tf
import zkwire

WORLD, SASL_NODE, DIGEST_NODE = "/tls/world", "/tls/sasl", "/tls/digest"
X509_NODE = "/tls-x509"          # outside /tls: test_o lists /tls's children
ALICE, ALICE_PW = "alice", "alice-secret"
BOB, BOB_PW = "bob", "bob-secret"
ALL = 31                         # cdrwa
START_TIMEOUT = 3.0              # kazoo start() timeout where a refusal is expected
FAIL_FAST = 5.0                  # a refused handshake must be known within this (loaded CI)


def setUpModule():
    missing = [p for p in (tf.OPENSSL, harness.JAVA, "/usr/share/java/zookeeper.jar",
                           "/usr/share/java/netty-codec.jar") if not os.path.exists(p)]
    if missing:
        raise unittest.SkipTest("missing: %s (apt-get install openssl zookeeper libnetty-java)" % ", ".join(missing))
    try:
        import kazoo.client  # noqa: F401
    except ImportError:
        raise unittest.SkipTest("python3-kazoo is not installed")


def tearDownModule():
    for key in list(_SHARED):
        try:
            _SHARED.pop(key).destroy()
        except Exception:       # noqa: BLE001
            pass
    tm = sys.modules.get("test_monitor")
    if tm is not None and tm.TMUX:
        # ZkdashMonitorTlsTests used test_monitor's tmux server (its tearDownModule only runs
        # with the monitor suite)
        subprocess.run([tm.TMUX, "-L", tm.SOCKET, "kill-server"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        try:
            os.unlink(os.path.join(os.environ.get("TMUX_TMPDIR") or "/tmp", "tmux-%d" % os.getuid(), tm.SOCKET))
        except OSError:
            pass


def have_puresasl():
    try:
        import puresasl.client  # noqa: F401
        return True
    except ImportError:
        return False


def sasl_opts(user=ALICE, password=ALICE_PW):
    return {"mechanism": "DIGEST-MD5", "username": user, "password": password}


def digest_acl(user, password, perms=ALL):
    """Apache's digest id: user:base64(sha1("user:password")), computed here independently."""
    import base64
    import hashlib
    h = base64.b64encode(hashlib.sha1(("%s:%s" % (user, password)).encode()).digest()).decode()
    return (perms, "digest", "%s:%s" % (user, h))


def kazoo_acl(perms, scheme, ident):
    from kazoo.security import ACL, Id
    return ACL(perms, Id(scheme, ident))


# ---------------------------------------------------------------- kazoo with a log of its attempts

class _Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append((time.monotonic(), record.levelname, record.getMessage()))


class KazooAttempt:
    """Starts a KazooClient with its own logger and records what happened:
    exc (None or the exception start() raised), seconds (start's wall time),
    failures [(t since start, message)] from kazoo's own 'Connection dropped' lines,
    attempts (its 'Connecting to' lines)."""

    _n = 0

    def __init__(self, hosts, start_timeout=START_TIMEOUT, **kw):
        from kazoo.client import KazooClient
        KazooAttempt._n += 1
        self.log = logging.getLogger("tls-kazoo-%d" % KazooAttempt._n)
        self.log.setLevel(logging.INFO)
        self.log.propagate = False
        self.rec = _Recorder()
        self.log.addHandler(self.rec)
        kw.setdefault("connection_retry", dict(max_tries=-1, delay=0.1, backoff=1.5, max_delay=1.0))
        kw.setdefault("command_retry", dict(max_tries=3, delay=0.05, backoff=1.5, max_delay=0.5))
        self.client = KazooClient(hosts=hosts, timeout=10.0, randomize_hosts=False, logger=self.log, **kw)
        self.exc = None
        self.t0 = time.monotonic()
        try:
            self.client.start(timeout=start_timeout)
        except Exception as e:     # noqa: BLE001
            self.exc = e
        self.seconds = time.monotonic() - self.t0

    @property
    def failures(self):
        return [(t - self.t0, m) for t, lvl, m in self.rec.records if m.startswith("Connection dropped")]

    @property
    def attempts(self):
        return sum(1 for _, _, m in self.rec.records if m.startswith("Connecting to"))

    def messages(self):
        return ["+%.2fs %s %s" % (t - self.t0, lvl, m) for t, lvl, m in self.rec.records]

    def describe(self):
        return "start(): %s after %.2fs, %d attempts\n%s" % (
            "ok" if self.exc is None else "%s(%s)" % (type(self.exc).__name__, self.exc),
            self.seconds, self.attempts, "\n".join(self.messages()[:12]))

    def close(self):
        harness.stop_kazoo(self.client)


def kazoo_tls(fx, hosts, cert="client", ca=None, **kw):
    """KazooAttempt over TLS with Fixtures pair `cert` (None: no client certificate)."""
    args = dict(use_ssl=True, ca=ca or fx.ca, verify_certs=True)
    if cert:
        c, k = fx.pair(cert)
        args.update(certfile=c, keyfile=k)
    args.update(kw)
    return KazooAttempt(hosts, **args)


def parallel(fns):
    """Runs the callables in threads; returns their results in order (exceptions as values)."""
    out = [None] * len(fns)

    def run(i, fn):
        try:
            out[i] = fn()
        except BaseException as e:     # noqa: BLE001
            out[i] = e
    ts = [threading.Thread(target=run, args=(i, fn), daemon=True) for i, fn in enumerate(fns)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return out


# ---------------------------------------------------------------- raw clients

def handshake(port, ca, cert=None, key=None, timeout=5.0):
    """('ok', tls version, cipher) or (exception class name, reason/verify message, str) plus seconds."""
    t0 = time.monotonic()
    try:
        s = tf.tls_connect(port, ca, cert, key, timeout=timeout)
    except ssl.SSLCertVerificationError as e:
        return ("SSLCertVerificationError", e.verify_message, str(e)), time.monotonic() - t0
    except ssl.SSLError as e:
        return (type(e).__name__, e.reason, str(e)), time.monotonic() - t0
    except OSError as e:
        return (type(e).__name__, None, str(e)), time.monotonic() - t0
    try:
        # TLS 1.3 would only report a refused client certificate on the first read;
        # Apache 3.8 negotiates TLS 1.2, where the handshake itself fails.  Read anyway.
        s.sendall(b"ruok")
        s.settimeout(timeout)
        try:
            got = s.recv(64)
        except ssl.SSLError as e:
            return (type(e).__name__, e.reason, "after handshake: %s" % e), time.monotonic() - t0
        return ("ok", s.version(), got.decode("ascii", "replace")), time.monotonic() - t0
    finally:
        s.close()


def tls_raw(port, fx, cert="client", timeout=10.0):
    """A zkwire.RawClient whose socket is a TLS connection (not yet a session)."""
    r = zkwire.RawClient(LOOPBACK, port, timeout=timeout)
    c, k = fx.pair(cert) if cert else (None, None)
    r.sock, r._buf = tf.tls_connect(port, fx.ca, c, k, timeout=timeout), b""
    return r


def who_am_i(r):
    err, _, rd = r.call(zkwire.OP["whoAmI"], b"")
    if err:
        return zkwire.ERR.get(err, err)
    return sorted(rd.vector(lambda: (rd.string(), rd.string())))


def sasl_exchange(r, user, password, rounds=5):
    """SASL DIGEST-MD5 on an open session, as kazoo and Apache's Java client do it:
    opcode 102 (sasl) requests whose body is one jute buffer; the first carries no
    token.  Returns (result, transcript): result 'OK' or the error name, or
    'closed'; transcript [(token sent, err, token received)]."""
    import puresasl.client
    cli = puresasl.client.SASLClient("zk-sasl-md5", "zookeeper", mechanism="DIGEST-MD5",
                                     username=user, password=password)
    transcript = []
    token = cli.process(None) or b""
    for _ in range(rounds):
        if cli.complete and not token:
            return "OK", transcript
        try:
            err, _, rd = r.call(zkwire.OP["sasl"], zkwire.enc_buffer(token))
        except (zkwire.ConnectionClosed, OSError) as e:
            transcript.append((token, "closed", str(e)))
            return "closed", transcript
        got = rd.buffer() if not err else None
        transcript.append((token, zkwire.ERR.get(err, err) if err else 0, got))
        if err:
            return zkwire.ERR.get(err, err), transcript
        token = cli.process(got) or b""
        if cli.complete and not token:
            return "OK", transcript
    return "unfinished", transcript


def connection_closed(r, timeout=3.0):
    """True once the server has closed r's connection (a ping fails)."""
    try:
        r.ping()
        return False
    except (zkwire.ConnectionClosed, OSError, ssl.SSLError):
        return True


def zk_cli(fx, server, command, cert="client", jaas=None, timeout=60):
    """Apache's zkCli (ZooKeeperMain) over TLS: the JVM flags zkCli.sh would need
    (CLIENT_JVMFLAGS).  Returns (rc, stdout, stderr)."""
    cmd = [harness.JAVA, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
           "-Djava.net.preferIPv4Stack=true",
           "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
           "-Dzookeeper.client.secure=true",
           "-Dzookeeper.ssl.trustStore.location=%s" % fx.ca,
           "-Dzookeeper.ssl.trustStore.type=PEM"]
    if cert:
        cmd += ["-Dzookeeper.ssl.keyStore.location=%s" % fx.keystore(cert), "-Dzookeeper.ssl.keyStore.type=PEM"]
    if jaas:
        cmd += ["-Djava.security.auth.login.config=%s" % jaas]
    cmd += ["-cp", ensemble.APACHE_CLASSPATH + ":" + tf.NETTY_EXTRA_CLASSPATH,
            "org.apache.zookeeper.ZooKeeperMain", "-server", server] + list(command)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout, preexec_fn=harness._pdeathsig)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def log_has(node, text, timeout=10.0):
    """True once the node's server.log contains text (Apache may log after the client saw the result)."""
    def look():
        with open(node.log_path, errors="replace") as f:
            return text in f.read()
    return wait_until(look, timeout, 0.1)


def check_sasl_login(case, r, fx):
    """A DIGEST-MD5 login as alice on the open RawClient r, Apache's way: two rounds (empty
    token -> challenge with realm zk-sasl-md5; the digest-response -> rspauth), then whoAmI
    holds sasl:alice and the x509 subject (r is on a TLS port)."""
    result, tr = sasl_exchange(r, ALICE, ALICE_PW)
    case.assertEqual(result, "OK", tr)
    case.assertEqual(len(tr), 2, tr)
    case.assertEqual(tr[0][0], b"")
    ch = tr[0][2].decode()
    for part in ('realm="zk-sasl-md5"', "nonce=", "charset=utf-8", "algorithm=md5-sess"):
        case.assertIn(part, ch)
    resp = tr[1][0].decode()
    for part in ('username="alice"', 'digest-uri="zookeeper/zk-sasl-md5"', "qop=auth", "response="):
        case.assertIn(part, resp)
    case.assertTrue(tr[1][2].startswith(b"rspauth="), tr)
    ids = who_am_i(r)
    case.assertIn(("sasl", ALICE), ids)
    case.assertIn(("x509", "O=zkdash interop,CN=zkdash-test-client"), ids)


def check_sasl_refused(case, port):
    """A wrong password on the plain port: round 2 answers AuthFailed and the server closes."""
    r = zkwire.RawClient(LOOPBACK, port)
    try:
        r.connect()
        result, tr = sasl_exchange(r, ALICE, "wrong")
        case.assertEqual(result, "AuthFailed", tr)
        case.assertEqual(len(tr), 2, tr)
        case.assertTrue(wait_until(lambda: connection_closed(r), 3.0))
    finally:
        r.close_socket()


def assert_log(case, node, *texts):
    for text in texts:
        case.assertTrue(log_has(node, text), "%r not in %s; tail:\n%s" % (text, node.log_path, node.log_tail(15)))


def start_ensembles(case_cls, *ensembles):
    """Starts every node of every ensemble at once (JVM start-up overlaps), then waits."""
    for e in ensembles:
        case_cls.addClassCleanup(e.destroy)
    for e in ensembles:
        for n in e.nodes:
            n.start()
    for e in ensembles:
        if e.standalone:
            e.wait_serving(e.nodes, timeout=60)
        else:
            e.wait_for_leader(timeout=60)
    return ensembles


# ---------------------------------------------------------------- running zkdash (issue 15)
#
# `zkdash status|get|ls|monitor` with --tls-ca/--tls-cert/--tls-key/--auth/--auth-file/--sasl
# (docs/security.md section 7) against the Apache servers above, and `zkdash server` reading
# the same zoo.cfg keys.  The messages below are the documented ones.

NEED_CERT = ("TLS: the server refused the handshake: it requires a client certificate it trusts "
             "(--tls-cert, --tls-key)")
BAD_SERVER_CERT = ("TLS: the server's certificate was refused: not signed by a CA in --tls-ca, "
                   "expired or not yet valid")
NOT_FOR_HOST = "TLS: the server's certificate is not issued for this host name or address"
PLAIN_PORT = "TLS: the server closed the connection during the handshake (a plain client port? drop --tls-ca for it)"
SILENT_TLS_PORT = ("no server answered before the connect deadline; if this is a TLS port "
                   "(secureClientPort), add --tls-ca")
STATUS_TLS_PORT = "the port speaks TLS (a secureClientPort?): add --tls-ca"   # status/monitor, probed
NOAUTH = "NoAuth: not authorised to read it"
SASL_REFUSED = ("SASL login as %s failed: the server refused it (wrong user or password, or SASL not "
                "enabled on the server)")
GET_TIMEOUT = 2          # --timeout of a `zkdash get` expected to fail (it retries until then)
STATUS_TIMEOUT = 2       # status' default --timeout
SLACK = 3.0              # a refusal must be reported within its timeout + this
SECRET_ENV = ("ZKDASH_TLS_CA", "ZKDASH_TLS_CERT", "ZKDASH_TLS_KEY", "ZKDASH_AUTH", "ZKDASH_SASL")

_zkdash_reason = []


def zkdash_reason():
    """None when the binary has `get --tls-ca` (issue 15's client side), else why not."""
    if not _zkdash_reason:
        b = harness.zkdash_bin()
        if not os.access(b, os.X_OK):
            _zkdash_reason.append("zkdash binary not found/executable: %s (swift build, or set ZKDASH_BIN)" % b)
        else:
            p = subprocess.run([b, "get", "--help"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=30, preexec_fn=harness._pdeathsig)
            text = p.stdout.decode("utf-8", "replace")
            ok = p.returncode == 0 and "--tls-ca" in text and "--sasl" in text
            _zkdash_reason.append(None if ok else "%s has no `get --tls-ca/--sasl` yet" % b)
    return _zkdash_reason[0]


def need_zkdash(case_or_cls):
    reason = zkdash_reason()
    if reason:
        raise unittest.SkipTest(reason)


class ZkdashRun:
    """One finished `zkdash ...`: rc, out, err (text), seconds."""

    def __init__(self, args, env, rc, out, err, seconds):
        self.args, self.env, self.rc, self.out, self.err, self.seconds = args, env, rc, out, err, seconds

    def describe(self):
        env = " ".join("%s=%r" % kv for kv in sorted((self.env or {}).items()))
        return "%s zkdash %s\n-> exit %s after %.2fs\nstdout: %s\nstderr: %s" % (
            env, " ".join(self.args), self.rc, self.seconds, self.out[-2000:], self.err[-2000:])

    def json(self):
        import json
        return json.loads(self.out.strip().splitlines()[-1])


def zkdash(*args, env=None, timeout=60):
    """Runs the binary with args; the security variables of this process's environment are
    dropped (env adds some back).  Returns a ZkdashRun."""
    e = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    e.update(env or {})
    args = [str(a) for a in args]
    t0 = time.monotonic()
    p = subprocess.run([harness.zkdash_bin()] + args, env=e, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       preexec_fn=harness._pdeathsig)
    return ZkdashRun(args, env, p.returncode, p.stdout.decode("utf-8", "replace"),
                     p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)


def tls_flags(fx, cert="client", ca=None):
    """--tls-ca [--tls-cert --tls-key] for Fixtures pair `cert` (None: no client certificate)."""
    flags = ["--tls-ca", ca or fx.ca]
    if cert:
        c, k = fx.pair(cert)
        flags += ["--tls-cert", c, "--tls-key", k]
    return flags


def json_node(doc, server):
    for n in doc["nodes"]:
        if n["server"] == server:
            return n
    raise AssertionError("%s not in %s" % (server, [n["server"] for n in doc["nodes"]]))


class ZkdashCase(unittest.TestCase):
    maxDiff = None

    def assertRun(self, run, rc, out=None, err_has=(), limit=None):
        """Exit code, exact stdout (if given), stderr substrings and a time bound."""
        self.assertEqual(run.rc, rc, run.describe())
        if out is not None:
            self.assertEqual(run.out, out, run.describe())
        for text in ([err_has] if isinstance(err_has, str) else err_has):
            self.assertIn(text, run.err, run.describe())
        if limit is not None:
            self.assertLess(run.seconds, limit, run.describe())

    def assertFlagError(self, run, text):
        """Exit 64 at once, `text` on the error line itself (the usage lines that follow name
        every flag), nothing on stdout."""
        self.assertRun(run, 64, out="", limit=SLACK)
        first = (run.err.strip().splitlines() or [""])[0]
        self.assertTrue(first.startswith("Error: "), run.describe())
        self.assertIn(text, first, run.describe())

    def assertGetRefused(self, run, text, timeout=GET_TIMEOUT):
        """A get/ls that cannot reach its server: exit 1, the cause on stderr, nothing on
        stdout, reported by the time its --timeout is up (+ SLACK)."""
        self.assertRun(run, 1, out="", err_has=text, limit=timeout + SLACK)

    def status_json(self, servers, *flags, rc=0):
        run = zkdash("status", "--servers", servers, "--json", "--no-admin", *flags)
        self.assertEqual(run.rc, rc, run.describe())
        return run, run.json()

    def assertStatusRefused(self, servers, flags, text, states=("DOWN",)):
        """`zkdash status --json`: exit 1 (no quorum), every node in `states` and the cause
        as its reason (the table's NOTE), within the status timeout + SLACK."""
        run, doc = self.status_json(servers, *flags, rc=1)
        self.assertLess(run.seconds, STATUS_TIMEOUT + SLACK, run.describe())
        self.assertIs(doc["quorum"], False, run.describe())
        for server in servers.split(","):
            n = json_node(doc, server)
            self.assertIn(n["state"], states, run.describe())
            self.assertIn(text, n["reason"] or "", run.describe())
        return run, doc


# ---------------------------------------------------------------- the certificates

class FixtureTests(unittest.TestCase):
    """tls_fixtures.Fixtures: what the later tests rely on, checked with openssl."""

    @classmethod
    def setUpClass(cls):
        cls.fx = tf.Fixtures.shared()

    def test_chains_verify(self):
        fx = self.fx
        for cert in (fx.server_cert, fx.client_cert):
            self.assertIn(": OK", fx.verify(cert, fx.ca))
        self.assertIn(": OK", fx.verify(fx.untrusted_server_cert, fx.untrusted_ca))
        self.assertIn(": OK", fx.verify(fx.untrusted_client_cert, fx.untrusted_ca))
        for cert, why in ((fx.expired_client_cert, "certificate has expired"),
                          (fx.expired_server_cert, "certificate has expired"),
                          (fx.untrusted_server_cert, "unable to get local issuer certificate"),
                          (fx.untrusted_client_cert, "unable to get local issuer certificate")):
            with self.assertRaises(tf.OpensslError) as cm:
                fx.verify(cert, fx.ca)
            self.assertIn(why, str(cm.exception))

    def test_names(self):
        fx = self.fx
        sans = tf.openssl("x509", "-in", fx.server_cert, "-noout", "-ext", "subjectAltName")
        for want in ("IP Address:127.0.0.1", "DNS:localhost", "IP Address:0:0:0:0:0:0:0:1"):
            self.assertIn(want, sans)
        self.assertIn("CN=zkdash-test-client", fx.subject(fx.client_cert))
        self.assertIn(tf.openssl("x509", "-in", fx.untrusted_server_cert, "-noout", "-ext", "subjectAltName")
                      .split("\n", 1)[1].strip(), sans)

    def test_expired_validity_is_in_the_past(self):
        import email.utils
        for cert in (self.fx.expired_client_cert, self.fx.expired_server_cert):
            d = self.fx.dates(cert)
            nb = email.utils.parsedate_to_datetime(re.sub(r"\s+GMT$", " +0000", d["notBefore"].replace("  ", " ")))
            na = email.utils.parsedate_to_datetime(re.sub(r"\s+GMT$", " +0000", d["notAfter"].replace("  ", " ")))
            self.assertLess(nb, na, d)
            self.assertLess(na.timestamp(), time.time() - 3600, d)

    def test_keys_and_keystores(self):
        fx = self.fx
        for name in ("server", "client", "expired_client", "expired_server", "untrusted_server", "untrusted_client"):
            cert, key = fx.pair(name)
            with open(key) as f:
                text = f.read()
            self.assertTrue(text.startswith("-----BEGIN PRIVATE KEY-----"), "%s: not unencrypted PKCS#8" % key)
            self.assertEqual(tf.openssl("pkey", "-in", key, "-pubout"),
                             tf.openssl("x509", "-in", cert, "-noout", "-pubkey"), "%s does not match %s" % (key, cert))
            with open(fx.keystore(name)) as f:
                ks = f.read()
            blocks = re.findall(r"-----BEGIN ([A-Z ]+)-----", ks)
            self.assertEqual(blocks, ["PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"], name)
            with open(cert) as f:
                self.assertIn(f.read().strip(), ks)


# ---------------------------------------------------------------- one Apache server with everything

_SHARED = {}


def make_znodes(node, fx):
    """/tls/world (world), /tls/digest (digest:bob), /tls/sasl (sasl:alice, with pure-sasl) and
    /tls-x509 (x509: the client certificate's subject), made over the plain port by one
    session holding the sasl and digest identities (an ACL need not match its creator)."""
    setup = harness.kazoo_client(node.client_address, start_timeout=20,
                                 **({"sasl_options": sasl_opts()} if have_puresasl() else {}))
    try:
        setup.add_auth("digest", "%s:%s" % (BOB, BOB_PW))
        setup.ensure_path("/tls")
        setup.create(WORLD, b"world-data", acl=[kazoo_acl(ALL, "world", "anyone")])
        setup.create(DIGEST_NODE, b"bob-data", acl=[kazoo_acl(*digest_acl(BOB, BOB_PW))])
        if have_puresasl():
            setup.create(SASL_NODE, b"alice-data", acl=[kazoo_acl(ALL, "sasl", ALICE)])
        setup.create(X509_NODE, b"x509-data", acl=[kazoo_acl(ALL, "x509", client_subject(fx))])
    finally:
        harness.stop_kazoo(setup)


def client_subject(fx):
    """The client certificate's subject in RFC 2253 form (Apache's x509 id)."""
    return fx.subject(fx.client_cert).split("=", 1)[1]


def shared_apache():
    """The standalone Apache 3.8 of ApacheTlsTests, shared with the zkdash-side classes
    (ZkdashCliApacheTests, ZkdashMonitorTlsTests): secureClientPort + clientPort,
    ssl.clientAuth=need, SASL user alice, make_znodes().  Started once per run, stopped
    by tearDownModule."""
    ens = _SHARED.get("apache")
    if ens is not None:
        if all(n.alive() for n in ens.nodes):
            return ens
        ens.destroy()
    fx = tf.Fixtures.shared()
    ens = tf.TlsApacheEnsemble(fx, client_auth="need", plain=True, sasl_users={ALICE: ALICE_PW})
    _SHARED["apache"] = ens
    try:
        for n in ens.nodes:
            n.start()
        ens.wait_serving(ens.nodes, timeout=60)
        make_znodes(ens.nodes[0], fx)
    except BaseException:
        _SHARED.pop("apache", None)
        ens.destroy()
        raise
    return ens


class ApacheTlsTests(unittest.TestCase):
    """Standalone Apache 3.8: secureClientPort + clientPort (both Netty), ssl.clientAuth=need,
    PEM stores, SASL DIGEST-MD5 user alice (JAAS Server section), and
    /tls/world (world:anyone), /tls/sasl (sasl:alice), /tls/digest (digest:bob),
    /tls-x509 (x509:O=zkdash interop,CN=zkdash-test-client).  The server is shared_apache()."""

    @classmethod
    def setUpClass(cls):
        cls.fx = tf.Fixtures.shared()
        cls.ens = shared_apache()
        cls.node = cls.ens.nodes[0]
        cls.tls_port = cls.node.secure_port
        cls.plain_port = cls.node.client_port
        # a plaintext client that sends a 4lw and waits (no half-close): runs in the
        # background while the other tests do (Netty closes it after ~10 s)
        cls.silence = {}

        def probe():
            cls.silence["result"] = tf.plain_probe(cls.tls_port, b"ruok", half_close=False, wait=20.0)
        cls.silence_thread = threading.Thread(target=probe, daemon=True)
        cls.silence_thread.start()

    def need_sasl(self):
        if not have_puresasl():
            self.skipTest("python3-pure-sasl is not installed: kazoo 2.8 has no SASL without it")

    # -- configuration and four-letter words

    def test_a_zoo_cfg_keys(self):
        """The exact keys this server runs with (README "tls suite")."""
        with open(self.node.cfg_path) as f:
            cfg = dict(l.split("=", 1) for l in f.read().splitlines() if "=" in l)
        self.assertEqual(cfg["secureClientPort"], str(self.tls_port))
        self.assertEqual(cfg["ssl.keyStore.type"], "PEM")
        self.assertEqual(cfg["ssl.trustStore.type"], "PEM")
        self.assertEqual(cfg["ssl.clientAuth"], "need")
        self.assertEqual(cfg["authProvider.1"], tf.SASL_PROVIDER)
        self.assertIn("-Dzookeeper.serverCnxnFactory=%s" % tf.NETTY_FACTORY, self.node.command())
        assert_log(self, self.node, "Using org.apache.zookeeper.server.NettyServerCnxnFactory",
                   "configure org.apache.zookeeper.server.NettyServerCnxnFactory",
                   "secure: true on addr /127.0.0.1:%d" % self.tls_port)

    def test_b_4lw_over_tls(self):
        """ruok / srvr / conf / mntr answer over TLS exactly as over plaintext; conf names both ports."""
        n, fx = self.node, self.fx
        self.assertEqual(n.tls_four("ruok"), "imok")
        srvr = ensemble.parse_srvr(n.tls_four("srvr"))
        self.assertEqual(srvr.get("Mode"), "standalone", srvr)
        conf = n.tls_four("conf")
        self.assertIn("secureClientPort=%d\n" % self.tls_port, conf)
        self.assertIn("clientPort=%d\n" % self.plain_port, conf)
        self.assertIn("zk_version", n.tls_four("mntr"))
        # the same words on the plain port
        self.assertEqual(harness.four_letter(self.plain_port, "ruok"), "imok")
        self.assertEqual(tf.tls_four_letter(self.tls_port, "ruok", fx.ca, fx.client_cert, fx.client_key), "imok")

    def test_c_4lw_with_openssl_s_client(self):
        """`openssl s_client -connect 127.0.0.1:P -cert -key -CAfile -quiet` + ruok/srvr: the answer,
        exit 0; without a client certificate: exit 1 with TLS alert 42 (bad certificate)."""
        fx = self.fx
        rc, out, err = tf.openssl_s_client_four(self.tls_port, "ruok", fx.ca, fx.client_cert, fx.client_key)
        self.assertEqual((rc, out), (0, "imok"), err)
        rc, out, err = tf.openssl_s_client_four(self.tls_port, "srvr\n", fx.ca, fx.client_cert, fx.client_key)
        self.assertEqual(rc, 0, err)
        self.assertIn("Mode: standalone", out)
        t0 = time.monotonic()
        rc, out, err = tf.openssl_s_client_four(self.tls_port, "ruok", fx.ca)
        self.assertNotEqual(rc, 0)
        self.assertEqual(out, "")
        self.assertIn("alert bad certificate", err)
        self.assertIn("SSL alert number 42", err)
        self.assertLess(time.monotonic() - t0, FAIL_FAST)

    def test_d_protocol_and_names(self):
        """Apache 3.8.0's default ssl.protocol is TLSv1.2; its certificate verifies for the
        names a client dials (127.0.0.1, localhost) and not for another."""
        fx = self.fx
        for name in ("127.0.0.1", "localhost"):
            s = tf.tls_connect(self.tls_port, fx.ca, fx.client_cert, fx.client_key, server_hostname=name)
            try:
                self.assertEqual(s.version(), "TLSv1.2")
                self.assertIn("ECDHE", s.cipher()[0])
            finally:
                s.close()
        with self.assertRaises(ssl.SSLCertVerificationError) as cm:
            tf.tls_connect(self.tls_port, fx.ca, fx.client_cert, fx.client_key, server_hostname="zk.example")
        self.assertIn("Hostname mismatch", str(cm.exception))

    def test_e_plaintext_client_on_tls_port(self):
        """A plaintext client on the TLS port gets no bytes, ever.  Five or more non-TLS bytes
        (a ZooKeeper ConnectRequest, 'srvr\\n') are not a TLS record: closed at once (FIN).
        A 4-byte 4lw with the write side shut (echo ruok | nc) is closed at once too."""
        connect_req = zkwire.connect_request()
        for payload, half in ((connect_req, False), (b"srvr\n", False), (b"ruok", True), (b"srvr", True)):
            outcome, got, secs = tf.plain_probe(self.tls_port, payload, half_close=half, wait=5.0)
            self.assertEqual((outcome, got), ("closed", b""), "payload %r half_close=%s" % (payload[:12], half))
            self.assertLess(secs, 2.0, "payload %r" % payload[:12])
        assert_log(self, self.node, "NotSslRecordException")

    def test_f_tls_client_on_plain_port(self):
        """A TLS ClientHello on the plain port: Apache reads its first 4 bytes as a frame length
        (0x160301..: "Len error") and closes; the client sees EOF in the handshake."""
        (kind, reason, text), secs = handshake(self.plain_port, self.fx.ca, self.fx.client_cert, self.fx.client_key)
        self.assertIn(kind, ("SSLZeroReturnError", "SSLEOFError", "ConnectionResetError"), text)
        self.assertLess(secs, FAIL_FAST)
        assert_log(self, self.node, "java.io.IOException: Len error ")

    # -- kazoo over TLS

    def test_g_kazoo_tls_reads(self):
        """kazoo use_ssl=True, ca, certfile, keyfile, verify_certs=True: reads work; ACLs still apply."""
        from kazoo.exceptions import NoAuthError
        a = kazoo_tls(self.fx, self.node.secure_address, start_timeout=20)
        try:
            self.assertIsNone(a.exc, a.describe())
            c = a.client
            self.assertEqual(c.get(WORLD)[0], b"world-data")
            self.assertRaises(NoAuthError, c.get, DIGEST_NODE)
            if have_puresasl():
                self.assertRaises(NoAuthError, c.get, SASL_NODE)
            c.add_auth("digest", "%s:%s" % (BOB, BOB_PW))
            self.assertEqual(c.get(DIGEST_NODE)[0], b"bob-data")
            c.set(WORLD, b"world-data")
        finally:
            a.close()

    def test_h_kazoo_tls_refused(self):
        """No / expired / untrusted client certificate, or a CA that did not sign the server's:
        kazoo retries forever and start() raises KazooTimeoutError('Connection time-out') at
        its timeout; each attempt fails within a fraction of a second and kazoo logs the
        ssl.SSLError as 'Connection dropped: socket connection error: [SSL: ...]'."""
        from kazoo.handlers.threading import KazooTimeoutError
        fx, hosts = self.fx, self.node.secure_address
        cases = [
            ("no client cert", lambda: kazoo_tls(fx, hosts, cert=None), "SSLV3_ALERT_BAD_CERTIFICATE"),
            ("expired client cert", lambda: kazoo_tls(fx, hosts, cert="expired_client"),
             "SSLV3_ALERT_CERTIFICATE_UNKNOWN"),
            ("untrusted client cert", lambda: kazoo_tls(fx, hosts, cert="untrusted_client"),
             "SSLV3_ALERT_CERTIFICATE_UNKNOWN"),
            ("wrong CA", lambda: kazoo_tls(fx, hosts, ca=fx.untrusted_ca),
             "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain"),
            ("plain kazoo on the TLS port", lambda: KazooAttempt(hosts), "socket connection broken"),
        ]
        results = parallel([c[1] for c in cases])
        try:
            for (label, _, cause), a in zip(cases, results):
                self.assertIsInstance(a, KazooAttempt, "%s: %r" % (label, a))
                self.assertIsInstance(a.exc, KazooTimeoutError, "%s\n%s" % (label, a.describe()))
                self.assertEqual(str(a.exc), "Connection time-out")
                self.assertGreaterEqual(a.seconds, START_TIMEOUT - 0.2, label)
                self.assertLess(a.seconds, START_TIMEOUT + 5, label)
                self.assertTrue(a.failures, "%s: no failed attempt logged\n%s" % (label, a.describe()))
                first_t, first = a.failures[0]
                self.assertIn(cause, first, "%s\n%s" % (label, a.describe()))
                self.assertLess(first_t, START_TIMEOUT, "%s\n%s" % (label, a.describe()))
                # it retries (connection_retry max_tries=-1): 5-9 attempts in 3 s on an idle machine
                self.assertGreaterEqual(a.attempts, 1, "%s\n%s" % (label, a.describe()))
        finally:
            for a in results:
                if isinstance(a, KazooAttempt):
                    a.close()

    def test_i_raw_handshake_failures(self):
        """The same refusals seen by Python's ssl module (what any OpenSSL-based client sees):
        TLS 1.2, so a refused client certificate fails the handshake itself."""
        fx = self.fx
        cases = [
            ((fx.ca, None, None), ("SSLError", "SSLV3_ALERT_BAD_CERTIFICATE")),
            ((fx.ca, fx.expired_client_cert, fx.expired_client_key), ("SSLError", "SSLV3_ALERT_CERTIFICATE_UNKNOWN")),
            ((fx.ca, fx.untrusted_client_cert, fx.untrusted_client_key),
             ("SSLError", "SSLV3_ALERT_CERTIFICATE_UNKNOWN")),
            ((fx.untrusted_ca, fx.client_cert, fx.client_key),
             ("SSLCertVerificationError", "self-signed certificate in certificate chain")),
            ((fx.ca, fx.client_cert, fx.client_key), ("ok", "TLSv1.2")),
        ]
        for (ca, cert, key), want in cases:
            got, secs = handshake(self.tls_port, ca, cert, key)
            self.assertEqual(got[:2], want, "cert %s: %r" % (cert, got))
            self.assertLess(secs, FAIL_FAST, "cert %s" % cert)

    def test_j_x509_identity(self):
        """A session on the TLS port carries an x509 identity: the client certificate's subject
        in RFC 2253 form (as `openssl x509 -subject -nameopt RFC2253` prints it), beside ip;
        an ACL x509:<that subject> grants it (the same read is NoAuth on the plain port)."""
        fx = self.fx
        r = tls_raw(self.tls_port, fx)
        try:
            self.assertGreater(r.connect()["timeOut"], 0)
            subject = fx.subject(fx.client_cert).split("=", 1)[1]
            self.assertEqual(who_am_i(r), [("ip", LOOPBACK), ("x509", subject)])
            self.assertEqual(subject, "O=zkdash interop,CN=zkdash-test-client")
            self.assertEqual(r.get_data(WORLD)[0], "OK")
            self.assertEqual(r.get_data(DIGEST_NODE)[0], "NoAuth")
            self.assertEqual(r.get_data(X509_NODE)[1][0], b"x509-data")     # ACL x509:<subject>
        finally:
            r.close_socket()
        r = zkwire.RawClient(LOOPBACK, self.plain_port)
        try:
            r.connect()
            self.assertEqual(who_am_i(r), [("ip", LOOPBACK)])
            self.assertEqual(r.get_data(X509_NODE)[0], "NoAuth")
        finally:
            r.close_socket()

    # -- SASL DIGEST-MD5

    def test_k_sasl_kazoo(self):
        """kazoo sasl_options DIGEST-MD5 alice/alice-secret (via puresasl) logs in on the plain
        port and on the TLS port; the sasl:alice node reads, the digest:bob one does not."""
        self.need_sasl()
        from kazoo.exceptions import NoAuthError
        for label, a in (("plain", KazooAttempt(self.node.client_address, start_timeout=20, sasl_options=sasl_opts())),
                         ("tls", kazoo_tls(self.fx, self.node.secure_address, start_timeout=20,
                                           sasl_options=sasl_opts()))):
            try:
                self.assertIsNone(a.exc, "%s\n%s" % (label, a.describe()))
                self.assertEqual(a.client.get(SASL_NODE)[0], b"alice-data", label)
                self.assertEqual(a.client.get(WORLD)[0], b"world-data", label)
                self.assertRaises(NoAuthError, a.client.get, DIGEST_NODE)
                acl = a.client.get_acls(SASL_NODE)[0]
                self.assertEqual([(x.perms, x.id.scheme, x.id.id) for x in acl], [(ALL, "sasl", ALICE)])
            finally:
                a.close()
        assert_log(self, self.node, "Successfully authenticated client: authenticationID=alice")

    def test_l_sasl_refused_kazoo(self):
        """Wrong password / unknown user: kazoo 2.8 signals CONNECTED before its SASL exchange,
        so start() returns; the server answers AuthFailed and closes; kazoo goes
        AUTH_FAILED then CLOSED (no retry) and calls raise ConnectionClosedError."""
        self.need_sasl()
        from kazoo.exceptions import AuthFailedError, ConnectionClosedError
        from kazoo.protocol.states import KeeperState
        for user, pw in ((ALICE, "wrong"), ("mallory", "x")):
            a = KazooAttempt(self.node.client_address, start_timeout=20, sasl_options=sasl_opts(user, pw))
            try:
                self.assertIsNone(a.exc, a.describe())
                self.assertTrue(wait_until(lambda: a.client.client_state == KeeperState.CLOSED, 5.0),
                                "%s: state %s\n%s" % (user, a.client.client_state, a.describe()))
                self.assertTrue(any(m.startswith("AUTH_FAILED closing") for _, _, m in a.rec.records), a.describe())
                self.assertEqual(a.attempts, 1, a.describe())
                with self.assertRaises((ConnectionClosedError, AuthFailedError)):
                    a.client.get(WORLD)
            finally:
                a.close()
        assert_log(self, self.node, "User 'mallory' not found in list of DIGEST-MD5 authenticateable users",
                   "Closing client connection due to SASL authentication failure")

    def test_m_sasl_on_the_wire(self):
        """The exchange a client must speak (zkdash --sasl): after the session handshake,
        sasl(102) requests with a jute-buffer body.  Round 1: empty token -> challenge
        realm="zk-sasl-md5",nonce=..,charset=utf-8,algorithm=md5-sess.  Round 2: the
        digest-response (digest-uri "zookeeper/zk-sasl-md5", qop=auth) -> rspauth=...
        Then whoAmI lists sasl:alice (and x509 on the TLS port).  A wrong password:
        round 2 answers AuthFailed (-115) and the server closes the connection."""
        self.need_sasl()
        r = tls_raw(self.tls_port, self.fx)
        try:
            r.connect()
            check_sasl_login(self, r, self.fx)
            self.assertEqual(r.get_data(SASL_NODE)[1][0], b"alice-data")
        finally:
            r.close_socket()
        check_sasl_refused(self, self.plain_port)

    # -- digest and world ACLs

    def test_n_digest_acl(self):
        """digest:bob:base64(sha1("bob:bob-secret")) as Apache computes it; addauth with a wrong
        password answers OK (it only adds an identity) and the read stays NoAuth; addauth with
        the scheme `sasl` answers AuthFailed and the server closes the connection."""
        self.assertEqual(digest_acl(BOB, BOB_PW)[2], "bob:" + harness.digest(BOB, BOB_PW))
        r = tls_raw(self.tls_port, self.fx)
        try:
            r.connect()
            self.assertEqual(r.get_data(DIGEST_NODE)[0], "NoAuth")
            self.assertEqual(r.add_auth("digest", b"bob:not-the-password"), "OK")
            self.assertEqual(r.get_data(DIGEST_NODE)[0], "NoAuth")
            self.assertEqual(r.add_auth("digest", ("%s:%s" % (BOB, BOB_PW)).encode()), "OK")
            self.assertEqual(r.get_data(DIGEST_NODE)[1][0], b"bob-data")
            ids = who_am_i(r)
            self.assertIn(("digest", BOB), ids)
            err, _, rd = r.call(zkwire.OP["getACL"], zkwire.enc_string(DIGEST_NODE))
            self.assertEqual(err, 0)
            self.assertEqual(rd.vector(rd.acl), [digest_acl(BOB, BOB_PW)])
        finally:
            r.close_socket()
        r = zkwire.RawClient(LOOPBACK, self.plain_port)
        try:
            r.connect()
            self.assertEqual(r.add_auth("sasl", b"alice"), "AuthFailed")
            self.assertTrue(wait_until(lambda: connection_closed(r), 3.0))
        finally:
            r.close_socket()

    def test_o_world_readable(self):
        """The world node reads anonymously on both ports; the protected ones answer NoAuth."""
        for r in (zkwire.RawClient(LOOPBACK, self.plain_port), tls_raw(self.tls_port, self.fx)):
            try:
                r.connect()
                self.assertEqual(r.get_data(WORLD)[1][0], b"world-data")
                self.assertEqual(r.get_data(DIGEST_NODE)[0], "NoAuth")
                if have_puresasl():
                    self.assertEqual(r.get_data(SASL_NODE)[0], "NoAuth")
                want = ["digest", "sasl", "world"] if have_puresasl() else ["digest", "world"]
                self.assertEqual(sorted(r.get_children("/tls")[1]), want)
            finally:
                r.close_socket()

    def test_p_zkcli_over_tls_with_sasl(self):
        """Apache's own Java client (zkCli.sh = ZooKeeperMain) over TLS with PEM stores and a
        JAAS Client section: SaslAuthenticated, and the sasl:alice node reads."""
        self.need_sasl()
        jaas = tf.write_client_jaas(os.path.join(self.fx.dir, "client-jaas-alice.conf"), ALICE, ALICE_PW)
        rc, out, err = zk_cli(self.fx, self.node.secure_address, ["get", SASL_NODE], jaas=jaas)
        self.assertEqual(rc, 0, out + err[-3000:])
        self.assertIn("state:SaslAuthenticated", out)
        self.assertIn("alice-data", out)
        self.assertIn("ClientCnxnSocketNetty - SSL handler added", err)

    def test_z_plaintext_4lw_waiting_on_tls_port(self):
        """A plaintext 4lw client that waits for the answer (4 bytes, write side open): the
        server's TLS layer waits for a 5-byte record header: silence, then Netty's 10 s
        handshake timeout closes the connection (FIN, no bytes).  This is the "silence"
        a tool must explain ("the port may expect TLS")."""
        self.silence_thread.join(30)
        outcome, got, secs = self.silence.get("result", ("missing", b"", 0.0))
        self.assertEqual((outcome, got), ("closed", b""), self.silence)
        self.assertGreater(secs, 8.0, self.silence)
        self.assertLess(secs, 15.0, self.silence)


# ---------------------------------------------------------------- ssl.clientAuth modes

class ClientAuthModeTests(ZkdashCase):
    """ssl.clientAuth=want, =none, and the key left out (Apache's default: need)."""

    @classmethod
    def setUpClass(cls):
        cls.fx = tf.Fixtures.shared()
        cls.want = tf.TlsApacheEnsemble(cls.fx, client_auth="want", plain=False)
        cls.none = tf.TlsApacheEnsemble(cls.fx, client_auth="none", plain=False)
        cls.default = tf.TlsApacheEnsemble(cls.fx, client_auth=None, plain=False)
        start_ensembles(cls, cls.want, cls.none, cls.default)

    def outcomes(self, ens):
        fx, port = self.fx, ens.nodes[0].secure_port
        out = {}
        for name in (None, "client", "expired_client", "untrusted_client"):
            c, k = fx.pair(name) if name else (None, None)
            got, _ = handshake(port, fx.ca, c, k)
            out[name or "no cert"] = got[0] if got[0] != "SSLError" else got[1]
        return out

    def x509_ids(self, ens, cert):
        r = tls_raw(ens.nodes[0].secure_port, self.fx, cert=cert)
        try:
            r.connect()
            return [i for i in who_am_i(r) if i[0] == "x509"]
        finally:
            r.close_socket()

    def test_want(self):
        """want: no certificate is fine (no x509 identity); a presented certificate must
        still verify (expired / untrusted: refused)."""
        self.assertEqual(self.outcomes(self.want), {
            "no cert": "ok", "client": "ok", "expired_client": "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
            "untrusted_client": "SSLV3_ALERT_CERTIFICATE_UNKNOWN"})
        self.assertEqual(self.x509_ids(self.want, None), [])
        self.assertEqual(len(self.x509_ids(self.want, "client")), 1)

    def test_none(self):
        """none: the server asks for no certificate, so any (or none) is accepted."""
        self.assertEqual(self.outcomes(self.none), {
            "no cert": "ok", "client": "ok", "expired_client": "ok", "untrusted_client": "ok"})
        self.assertEqual(self.x509_ids(self.none, "client"), [])

    def test_default_is_need(self):
        """No ssl.clientAuth line: a client certificate is required."""
        with open(self.default.nodes[0].cfg_path) as f:
            self.assertNotIn("ssl.clientAuth", f.read())
        self.assertEqual(self.outcomes(self.default), {
            "no cert": "SSLV3_ALERT_BAD_CERTIFICATE", "client": "ok",
            "expired_client": "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
            "untrusted_client": "SSLV3_ALERT_CERTIFICATE_UNKNOWN"})

    def test_zkdash_cli_per_mode(self):
        """zkdash get with --tls-ca alone reads on want and none; on the default (need) it exits 1
        with NEED_CERT; an expired certificate on want: refused (alert 46: see
        ZkdashCliApacheTests.test_f for its wording)."""
        need_zkdash(self)
        fx = self.fx
        get = lambda ens, cert=None: zkdash("ls", "--servers", ens.nodes[0].secure_address, "--timeout",  # noqa: E731
                                            GET_TIMEOUT, *tls_flags(fx, cert=cert), "/")
        runs = parallel([lambda: get(self.want), lambda: get(self.none), lambda: get(self.default),
                         lambda: get(self.want, "expired_client")])
        for run in runs[:2]:
            self.assertRun(run, 0, out="zookeeper\n")
        self.assertGetRefused(runs[2], NEED_CERT)
        self.assertRun(runs[3], 1, out="", limit=GET_TIMEOUT + SLACK)

    def test_kazoo_without_client_cert_on_want(self):
        """kazoo with only ca= (no client certificate) reads on a want port."""
        a = kazoo_tls(self.fx, self.want.nodes[0].secure_address, cert=None, start_timeout=20)
        try:
            self.assertIsNone(a.exc, a.describe())
            self.assertEqual(a.client.get("/zookeeper")[1].numChildren, 2)
        finally:
            a.close()


# ---------------------------------------------------------------- bad server certificates

class BadServerCertTests(ZkdashCase):
    """Servers presenting an expired certificate (signed by the trusted CA) and one signed by
    a CA the client does not trust (its PEM keystore holds that CA too), ssl.clientAuth=none.
    Apache starts with either: it does not check its own certificate."""

    @classmethod
    def setUpClass(cls):
        cls.fx = tf.Fixtures.shared()
        cls.expired = tf.TlsApacheEnsemble(cls.fx, keystore="expired_server", client_auth="none", plain=False)
        cls.untrusted = tf.TlsApacheEnsemble(cls.fx, keystore="untrusted_server", client_auth="none", plain=False)
        # readiness: probed over TLS without verification (the suite's client would refuse)
        for e in (cls.expired, cls.untrusted):
            e.nodes[0].four = cls._unverified_four(e.nodes[0])
        start_ensembles(cls, cls.expired, cls.untrusted)

    @staticmethod
    def _unverified_four(node):
        def four(word, timeout=5.0):
            try:
                s = tf.tls_connect(node.secure_port, verify=False, timeout=timeout)
            except (OSError, ssl.SSLError):
                return None
            try:
                s.sendall(word.encode())
                chunks = []
                while True:
                    try:
                        b = s.recv(65536)
                    except (socket.timeout, ssl.SSLError, OSError):
                        break
                    if not b:
                        break
                    chunks.append(b)
                return b"".join(chunks).decode("utf-8", "replace")
            finally:
                s.close()
        return four

    def test_expired_server_cert(self):
        fx, port = self.fx, self.expired.nodes[0].secure_port
        got, secs = handshake(port, fx.ca, fx.client_cert, fx.client_key)
        self.assertEqual(got[:2], ("SSLCertVerificationError", "certificate has expired"), got)
        self.assertLess(secs, FAIL_FAST)
        rc, out, err = tf.openssl_s_client_four(port, "ruok", fx.ca)
        self.assertNotEqual(rc, 0)
        self.assertIn("verify error:num=10:certificate has expired", err)

    def test_untrusted_server_cert(self):
        fx, port = self.fx, self.untrusted.nodes[0].secure_port
        got, secs = handshake(port, fx.ca)
        self.assertEqual(got[:2], ("SSLCertVerificationError", "self-signed certificate in certificate chain"), got)
        self.assertLess(secs, FAIL_FAST)
        rc, out, err = tf.openssl_s_client_four(port, "ruok", fx.ca)
        self.assertNotEqual(rc, 0)
        self.assertIn("verify error:num=19:self-signed certificate in certificate chain", err)
        # trusting that CA instead: fine
        self.assertEqual(handshake(port, fx.untrusted_ca)[0][0], "ok")

    def test_zkdash_refuses_bad_server_certs(self):
        """zkdash get and status: exit 1 with BAD_SERVER_CERT for the expired and the untrusted
        server certificate, within the timeouts (get retries until --timeout)."""
        need_zkdash(self)
        fx = self.fx
        servers = [e.nodes[0].secure_address for e in (self.expired, self.untrusted)]
        runs = parallel([lambda a=a: zkdash("get", "--servers", a, "--timeout", GET_TIMEOUT, *tls_flags(fx),
                                            "/zookeeper") for a in servers])
        for run in runs:
            self.assertIsInstance(run, ZkdashRun, repr(run))
            self.assertGetRefused(run, BAD_SERVER_CERT)
        for a in servers:
            self.assertStatusRefused(a, tls_flags(fx), BAD_SERVER_CERT)

    def test_kazoo_refuses_bad_server_certs(self):
        """kazoo (verify_certs=True): KazooTimeoutError at its start timeout, the cause in its log;
        verify_certs=False connects to the very same server."""
        from kazoo.handlers.threading import KazooTimeoutError
        fx = self.fx
        cases = [(self.expired, "certificate verify failed: certificate has expired"),
                 (self.untrusted, "certificate verify failed: self-signed certificate in certificate chain")]
        results = parallel([lambda e=e: kazoo_tls(fx, e.nodes[0].secure_address, cert=None) for e, _ in cases])
        try:
            for (e, cause), a in zip(cases, results):
                self.assertIsInstance(a, KazooAttempt, repr(a))
                self.assertIsInstance(a.exc, KazooTimeoutError, a.describe())
                self.assertTrue(a.failures and cause in a.failures[0][1], a.describe())
        finally:
            for a in results:
                if isinstance(a, KazooAttempt):
                    a.close()
        a = kazoo_tls(fx, self.expired.nodes[0].secure_address, cert=None, verify_certs=False, start_timeout=20)
        try:
            self.assertIsNone(a.exc, a.describe())
            self.assertTrue(a.client.exists("/zookeeper"))
        finally:
            a.close()


# ---------------------------------------------------------------- other zoo.cfg / JVM variants

class ConfigVariantTests(ZkdashCase):
    """What else Apache 3.8.0 does with these keys (zkdash server must read the same zoo.cfg):
    the factory as a zoo.cfg key, the NIO factory with a secure port, ssl.protocol=TLSv1.3
    with and without ssl.ciphersuites, and ssl.ciphersuites on TLS 1.2."""

    TLS13_SUITES = "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384"

    @classmethod
    def setUpClass(cls):
        cls.fx = fx = tf.Fixtures.shared()
        cls.suite12 = ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" if tf.KEY_ALG.startswith("rsa")
                       else "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
        # serverCnxnFactory from zoo.cfg instead of -Dzookeeper.serverCnxnFactory
        cls.cfg_factory = tf.TlsApacheEnsemble(fx, plain=False, extra_cfg={"serverCnxnFactory": tf.NETTY_FACTORY})
        cls.cfg_factory.jvm_flags = [f for f in cls.cfg_factory.jvm_flags if "serverCnxnFactory" not in f]
        # no Netty at all: NIOServerCnxnFactory + secureClientPort
        cls.nio = tf.TlsApacheEnsemble(fx, plain=True)
        cls.nio.jvm_flags = [f for f in cls.nio.jvm_flags if "serverCnxnFactory" not in f]
        cls.tls13_bare = tf.TlsApacheEnsemble(fx, plain=True, extra_cfg={"ssl.protocol": "TLSv1.3"})
        cls.tls13 = tf.TlsApacheEnsemble(fx, plain=False, extra_cfg={"ssl.protocol": "TLSv1.3",
                                                                     "ssl.ciphersuites": cls.TLS13_SUITES})
        cls.suites = tf.TlsApacheEnsemble(fx, plain=False, extra_cfg={"ssl.ciphersuites": cls.suite12})
        for e in (cls.cfg_factory, cls.nio, cls.tls13_bare, cls.tls13, cls.suites):
            cls.addClassCleanup(e.destroy)
            e.nodes[0].start()
        for e in (cls.cfg_factory, cls.tls13_bare, cls.tls13, cls.suites):
            e.wait_serving(e.nodes, timeout=60)

    def test_factory_as_zoo_cfg_key(self):
        """serverCnxnFactory=...NettyServerCnxnFactory in zoo.cfg works like the -D flag (Apache
        turns unknown zoo.cfg keys into zookeeper.* system properties before it makes the factory)."""
        n = self.cfg_factory.nodes[0]
        self.assertNotIn("-Dzookeeper.serverCnxnFactory=%s" % tf.NETTY_FACTORY, n.command())
        self.assertEqual(n.tls_four("ruok"), "imok")
        assert_log(self, n, "Using org.apache.zookeeper.server.NettyServerCnxnFactory")

    def test_nio_factory_refuses_secure_port(self):
        """Without Netty, secureClientPort makes Apache exit 1: "SSL isn't supported in NIOServerCnxn"."""
        n = self.nio.nodes[0]
        self.assertTrue(wait_until(lambda: not n.alive(), 30.0, 0.2), "still running:\n" + n.log_tail())
        self.assertEqual(n.returncode(), 1)
        assert_log(self, n, "java.lang.UnsupportedOperationException: SSL isn't supported in NIOServerCnxn")

    def test_tls13_without_ciphersuites_fails_every_handshake(self):
        """ssl.protocol=TLSv1.3 alone: Apache 3.8.0's default cipher list holds only TLS 1.2
        suites, so no handshake can succeed ("No appropriate protocol" in its log); the client
        sees EOF during the handshake, no alert.  The server itself starts and serves plaintext."""
        n = self.tls13_bare.nodes[0]
        got, secs = handshake(n.secure_port, self.fx.ca, self.fx.client_cert, self.fx.client_key)
        self.assertIn(got[0], ("SSLZeroReturnError", "SSLEOFError", "ConnectionResetError"), got)
        self.assertLess(secs, FAIL_FAST)
        assert_log(self, n, "No appropriate protocol")
        self.assertEqual(harness.four_letter(n.client_port, "ruok"), "imok")

    def test_tls13(self):
        """ssl.protocol=TLSv1.3 + TLS 1.3 ssl.ciphersuites: TLS 1.3.  A refused client
        certificate now completes the handshake on the client side and fails on the first
        read (alert bad_certificate / certificate_unknown, as in 1.2); a TLS-1.2-only client
        gets alert protocol_version."""
        fx, port = self.fx, self.tls13.nodes[0].secure_port
        got, _ = handshake(port, fx.ca, fx.client_cert, fx.client_key)
        self.assertEqual(got, ("ok", "TLSv1.3", "imok"))
        for cert, reason in ((None, "SSLV3_ALERT_BAD_CERTIFICATE"),
                             ("expired_client", "SSLV3_ALERT_CERTIFICATE_UNKNOWN")):
            c, k = fx.pair(cert) if cert else (None, None)
            got, secs = handshake(port, fx.ca, c, k)
            self.assertEqual(got[:2], ("SSLError", reason), got)
            self.assertTrue(got[2].startswith("after handshake:"), got)
            self.assertLess(secs, FAIL_FAST)
        ctx = tf.client_context(fx.ca, fx.client_cert, fx.client_key)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        raw = socket.create_connection((LOOPBACK, port), timeout=5)
        try:
            with self.assertRaises(ssl.SSLError) as cm:
                ctx.wrap_socket(raw)
            self.assertEqual(cm.exception.reason, "TLSV1_ALERT_PROTOCOL_VERSION")
        finally:
            raw.close()

    def test_zkdash_cli_tls13_and_ciphersuites(self):
        """zkdash's client reads through the TLS 1.3 server and the one limited to one TLS 1.2 suite."""
        need_zkdash(self)
        for e in (self.tls13, self.suites):
            self.assertRun(zkdash("ls", "--servers", e.nodes[0].secure_address, *tls_flags(self.fx), "/"), 0,
                           out="zookeeper\n")

    def test_ciphersuites_tls12(self):
        """ssl.ciphersuites (IANA names, comma separated) limits what TLS 1.2 negotiates."""
        s = tf.tls_connect(self.suites.nodes[0].secure_port, self.fx.ca, self.fx.client_cert, self.fx.client_key)
        try:
            self.assertEqual(s.version(), "TLSv1.2")
            self.assertEqual(s.cipher()[0], {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": "ECDHE-RSA-AES256-GCM-SHA384",
                                             "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": "ECDHE-ECDSA-AES256-GCM-SHA384"}
                             [self.suite12])
        finally:
            s.close()


# ---------------------------------------------------------------- a TLS-only ensemble

class TlsEnsembleTests(ZkdashCase):
    """3 voters, secureClientPort only (no clientPort line), ssl.clientAuth=need, SASL alice;
    quorum traffic stays plaintext (no sslQuorum)."""

    @classmethod
    def setUpClass(cls):
        cls.fx = tf.Fixtures.shared()
        cls.ens = tf.TlsApacheEnsemble(cls.fx, voters=3, plain=False, client_auth="need",
                                       sasl_users={ALICE: ALICE_PW}, tick_ms=200)
        start_ensembles(cls, cls.ens)

    def test_roles_over_tls(self):
        modes = sorted(n.tls_four("srvr") and ensemble.parse_srvr(n.tls_four("srvr")).get("Mode")
                       for n in self.ens.nodes)
        self.assertEqual(modes, ["follower", "follower", "leader"])
        conf = self.ens.nodes[0].tls_four("conf")
        self.assertIn("clientPort=-1\n", conf)          # what conf says when there is no plain port
        self.assertIn("secureClientPort=%d\n" % self.ens.nodes[0].secure_port, conf)
        for n in self.ens.nodes:          # nothing listens on the plain port number
            self.assertIsNone(harness.four_letter(n.client_port, "ruok", timeout=1.0))

    def test_zkdash_status_tls_only(self):
        """zkdash status over the three TLS-only ports: one LEADING, two FOLLOWING, exit 0 (4lw over
        TLS); zkdash ls through all three (a connect string of TLS ports) with --sasl."""
        need_zkdash(self)
        run, doc = self.status_json(self.ens.secure_hosts, *tls_flags(self.fx))
        states = sorted(json_node(doc, n.secure_address)["state"] for n in self.ens.nodes)
        self.assertEqual(states, ["FOLLOWING", "FOLLOWING", "LEADING"], run.describe())
        sasl = ["--sasl", "digest:%s:%s" % (ALICE, ALICE_PW)]
        self.assertRun(zkdash("ls", "--servers", self.ens.secure_hosts, *tls_flags(self.fx), *sasl, "/zookeeper"),
                       0, out="config\nquota\n")

    def test_kazoo_tls_ensemble(self):
        """kazoo over TLS to all three TLS ports: a write through one node reads back through another."""
        sasl = {"sasl_options": sasl_opts()} if have_puresasl() else {}
        nodes = self.ens.nodes
        a = kazoo_tls(self.fx, nodes[0].secure_address, start_timeout=20, **sasl)
        b = kazoo_tls(self.fx, nodes[2].secure_address, start_timeout=20, **sasl)
        try:
            self.assertIsNone(a.exc, a.describe())
            self.assertIsNone(b.exc, b.describe())
            acl = [kazoo_acl(ALL, "sasl", ALICE)] if sasl else None
            a.client.create("/tls-ens", b"replicated", acl=acl)
            b.client.sync("/tls-ens")
            self.assertEqual(b.client.get("/tls-ens")[0], b"replicated")
        finally:
            a.close()
            b.close()
        c = kazoo_tls(self.fx, self.ens.secure_hosts, start_timeout=20)
        try:
            self.assertIsNone(c.exc, c.describe())
            self.assertTrue(c.client.exists("/tls-ens"))
        finally:
            c.close()


# ---------------------------------------------------------------- zkdash clients against Apache 3.8

class ZkdashCliApacheTests(ZkdashCase):
    """`zkdash status|get|ls` against shared_apache() (Apache 3.8 standalone: TLS port with
    ssl.clientAuth=need beside a plain port, SASL user alice, /tls/* znodes, /tls-x509)."""

    @classmethod
    def setUpClass(cls):
        need_zkdash(cls)
        cls.fx = tf.Fixtures.shared()
        cls.ens = shared_apache()
        cls.node = cls.ens.nodes[0]
        cls.tls = cls.node.secure_address
        cls.plain = cls.node.client_address

    def need_sasl(self):
        if not have_puresasl():
            self.skipTest("python3-pure-sasl is not installed: the sasl:alice znode was not made")

    def get(self, path, *flags, servers=None, timeout=None, env=None, cmd="get"):
        args = [cmd, "--servers", servers or self.tls] + list(flags)
        if timeout is not None:
            args += ["--timeout", timeout]
        return zkdash(*(args + [path]), env=env)

    # -- with the right flags

    def test_a_status_over_tls(self):
        """status with --tls-ca/--tls-cert/--tls-key: exit 0, the node STANDALONE with the
        zxid srvr gives over TLS (polled before and after); the table says QUORUM OK."""
        n, fx = self.node, self.fx
        before = int(ensemble.parse_srvr(n.tls_four("srvr"))["Zxid"], 16)
        run, doc = self.status_json(self.tls, *tls_flags(fx))
        after = int(ensemble.parse_srvr(n.tls_four("srvr"))["Zxid"], 16)
        row = json_node(doc, self.tls)
        self.assertEqual(row["state"], "STANDALONE", run.describe())
        self.assertTrue(before <= int(row["zxid"], 16) <= after, (before, row["zxid"], after))
        self.assertIs(doc["quorum"], True)
        table = zkdash("status", "--servers", self.tls, "--no-admin", *tls_flags(fx))
        self.assertRun(table, 0, err_has=())
        self.assertRegex(table.out, r"(?m)^\s+-\s+%s\s+STANDALONE\s" % re.escape(self.tls))
        self.assertIn("QUORUM OK", table.out)

    def test_b_get_and_ls_over_tls(self):
        """get prints the data as stored (no newline added), ls the children sorted one a line;
        the x509 identity of the client certificate reads /tls-x509 (NoAuth on the plain port);
        `localhost:PORT` (a name: SNI and the certificate's DNS name) works as 127.0.0.1 does."""
        fx = self.fx
        self.assertRun(self.get(WORLD, *tls_flags(fx)), 0, out="world-data", err_has="")
        want = "digest\nsasl\nworld\n" if have_puresasl() else "digest\nworld\n"
        self.assertRun(self.get("/tls", *tls_flags(fx), cmd="ls"), 0, out=want)
        self.assertRun(self.get(X509_NODE, *tls_flags(fx)), 0, out="x509-data")
        self.assertRun(self.get(X509_NODE, servers=self.plain), 2, out="", err_has=NOAUTH)
        by_name = "localhost:%d" % self.node.secure_port
        self.assertRun(self.get(WORLD, *tls_flags(fx), servers=by_name), 0, out="world-data")
        self.assertRun(self.get("/tls/none", *tls_flags(fx)), 3, out="", err_has="/tls/none: no such znode")

    # -- refusals

    def test_c_status_refusals_name_the_cause(self):
        """No client certificate / a --tls-ca that did not sign the server's certificate: the node
        DOWN with the cause on its row, exit 1, no waiting; a plaintext status on the TLS port:
        DOWN after its timeout (Apache is silent to a waiting 4lw); --tls-ca on the plain port:
        the handshake closed, 'a plain client port?'."""
        fx = self.fx
        cases = [(self.tls, tls_flags(fx, cert=None), NEED_CERT),
                 (self.tls, tls_flags(fx, ca=fx.untrusted_ca), BAD_SERVER_CERT),
                 (self.tls, [], "no answer within %d s" % STATUS_TIMEOUT),
                 (self.plain, tls_flags(fx), PLAIN_PORT)]
        results = parallel([lambda c=c: self.assertStatusRefused(*c) for c in cases])
        for c, r in zip(cases, results):
            if isinstance(r, BaseException):
                raise r
        table = zkdash("status", "--servers", self.tls, "--no-admin", *tls_flags(fx, cert=None))
        self.assertEqual(table.rc, 1, table.describe())
        self.assertRegex(table.out, r"(?m)^\s+-\s+%s\s+DOWN\s.*%s" % (re.escape(self.tls), re.escape(NEED_CERT)))

    @unittest.skip("not yet (docs/security.md section 7, 'Not yet'): status has no probe that tells a silent "
                   "TLS port from a paused node; its row says 'no answer within 2 s' without naming --tls-ca")
    def test_c2_status_plain_on_tls_port_hints_tls(self):
        run, doc = self.status_json(self.tls, rc=1)
        self.assertIn("--tls-ca", json_node(doc, self.tls)["reason"] or "", run.describe())

    def test_d_status_refused_client_certificate(self):
        # Fixed (was expected to fail until the fix); the finding: zkdash bug: Apache 3.8 refuses an expired or untrusted client certificate with TLS
        # alert 46 (certificate_unknown; test_i_raw_handshake_failures); zkdash status shows the
        # raw BoringSSL error on the row instead of the documented cause:
        #   "TLS: handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268436502 error:10000416:SSL
        #    routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN at .../tls_record.cc:491]))"
        # (zkdash server's own refusals, alerts 116/45/48, are worded: ZkdashServerTlsTests).
        for cert in ("expired_client", "untrusted_client"):
            with self.subTest(cert=cert):
                run, doc = self.status_json(self.tls, *tls_flags(self.fx, cert=cert), rc=1)
                reason = json_node(doc, self.tls)["reason"] or ""
                self.assertIn("the server refused the handshake", reason, run.describe())
                self.assertNotIn("BoringSSL", reason, run.describe())

    def test_e_get_refusals_name_the_cause(self):
        """get/ls exit 1 with the cause, nothing on stdout.  A refusal retrying cannot cure (no
        client certificate, wrong CA, --tls-ca on the plain port) is reported at once, well before
        a --timeout of 20 s; a plain client on the TLS port (Apache is silent: the hint names
        --tls-ca) by the end of its --timeout."""
        fx, t, patient = self.fx, GET_TIMEOUT, 20
        cases = [(dict(), tls_flags(fx, cert=None), NEED_CERT, patient),
                 (dict(), tls_flags(fx, ca=fx.untrusted_ca), BAD_SERVER_CERT, patient),
                 (dict(), [], SILENT_TLS_PORT, t),
                 (dict(servers=self.plain), tls_flags(fx), PLAIN_PORT, patient),
                 (dict(cmd="ls"), tls_flags(fx, cert=None), NEED_CERT, patient)]
        runs = parallel([lambda c=c: self.get(WORLD if c[0].get("cmd") != "ls" else "/tls", *c[1],
                                              timeout=c[3], **c[0]) for c in cases])
        for (kw, flags, text, timeout), run in zip(cases, runs):
            self.assertIsInstance(run, ZkdashRun, repr(run))
            self.assertRun(run, 1, out="", err_has=text, limit=FAIL_FAST if timeout == patient else timeout + SLACK)
            self.assertIn("cannot connect to ", run.err, run.describe())

    def test_e2_status_hints_at_a_silent_tls_port(self):
        """`zkdash status` without --tls-ca on Apache's TLS port (silent to plaintext, like a paused
        node): DOWN with 'the port speaks TLS (a secureClientPort?): add --tls-ca' (a TLS probe
        tells the two apart; a silent plain listener stays "no answer within": TLSConnectionTests)."""
        self.assertStatusRefused(self.tls, [], STATUS_TLS_PORT)

    def test_f_get_refused_client_certificate(self):
        # Fixed (was expected to fail until the fix); the finding: zkdash bug (as test_d): with an expired or untrusted client certificate Apache answers
        # alert 46 and `zkdash get` exits 1 with "TLS: no server answered before the connect
        # deadline (last: handshakeFailed(NIOSSL.BoringSSLError.sslError([... SSLV3_ALERT_
        # CERTIFICATE_UNKNOWN at .../tls_record.cc:491])))": the server did answer (it refused the
        # certificate), and the words should be the documented NEED_CERT message.
        runs = parallel([lambda c=c: self.get(WORLD, *tls_flags(self.fx, cert=c), timeout=20)
                         for c in ("expired_client", "untrusted_client")])
        for run in runs:
            self.assertIsInstance(run, ZkdashRun, repr(run))
            self.assertRun(run, 1, out="", err_has="the server refused the handshake", limit=FAIL_FAST)
            self.assertNotIn("BoringSSL", run.err, run.describe())
            self.assertNotIn("no server answered", run.err, run.describe())

    # -- identities

    def test_g_auth_digest(self):
        """--auth digest:bob:bob-secret reads the digest:bob node (plain and TLS port); without it,
        or with a wrong password (addAuth answers OK, the read NoAuth), exit 2 naming the flags
        that would help; several --auth accumulate."""
        fx, good = self.fx, "digest:%s:%s" % (BOB, BOB_PW)
        self.assertRun(self.get(DIGEST_NODE, servers=self.plain), 2, out="",
                       err_has=["%s: %s" % (DIGEST_NODE, NOAUTH), "--auth digest:USER:PASSWORD", "--sasl"])
        self.assertRun(self.get(DIGEST_NODE, "--auth", good, servers=self.plain), 0, out="bob-data")
        self.assertRun(self.get(DIGEST_NODE, "--auth", good, *tls_flags(fx)), 0, out="bob-data")
        self.assertRun(self.get(DIGEST_NODE, "--auth", "digest:%s:wrong" % BOB, servers=self.plain), 2,
                       out="", err_has=NOAUTH)
        self.assertRun(self.get(DIGEST_NODE, "--auth", "digest:carol:c", "--auth", good, servers=self.plain),
                       0, out="bob-data")
        self.assertRun(self.get("/tls", "--auth", good, servers=self.plain, cmd="ls"), 0)

    def test_h_sasl(self):
        """SASL DIGEST-MD5 (Apache only: zkdash server has no SASL): --sasl digest:alice:alice-secret
        reads the sasl:alice node on the plain and the TLS port; a wrong password or an unknown
        user: exit 2 'SASL login as USER failed: the server refused it ...', in well under a
        second; without --sasl: exit 2 NoAuth; --sasl and --auth together hold both identities."""
        self.need_sasl()
        fx, login = self.fx, "digest:%s:%s" % (ALICE, ALICE_PW)
        self.assertRun(self.get(SASL_NODE, "--sasl", login, servers=self.plain), 0, out="alice-data")
        self.assertRun(self.get(SASL_NODE, "--sasl", login, *tls_flags(fx)), 0, out="alice-data")
        for user, pw in ((ALICE, "wrong"), ("mallory", "x")):
            run = self.get(WORLD, "--sasl", "digest:%s:%s" % (user, pw), servers=self.plain, timeout=5)
            self.assertRun(run, 2, out="", err_has=SASL_REFUSED % user, limit=3.0)
        self.assertRun(self.get(SASL_NODE, servers=self.plain), 2, out="", err_has=NOAUTH)
        both = ["--sasl", login, "--auth", "digest:%s:%s" % (BOB, BOB_PW)]
        self.assertRun(self.get(SASL_NODE, *both, servers=self.plain), 0, out="alice-data")
        self.assertRun(self.get(DIGEST_NODE, *both, servers=self.plain), 0, out="bob-data")
        assert_log(self, self.node, "Successfully authenticated client: authenticationID=alice")

    def test_i_auth_failed_exits_2(self):
        # Fixed (was expected to fail until the fix); the finding: zkdash bug (exit code): an --auth identity the server refuses (AuthFailed, e.g.
        # `--auth sasl:alice`, which Apache answers AuthFailed and closes, test_n_digest_acl)
        # exits 1 "cannot connect to 127.0.0.1:P: authentication failed: the server refused an
        # --auth identity (wrong password?)"; docs/security.md section 7 gives 2 for "an --auth
        # identity refused (AuthFailed)" (and `get --help` says 1 "TLS and login failures
        # included", contradicting both the doc and --sasl failures, which exit 2).
        run = self.get(WORLD, "--auth", "sasl:%s" % ALICE, servers=self.plain, timeout=5)
        self.assertRun(run, 2, out="", err_has="the server refused an --auth identity", limit=3.0)

    # -- flags and secrets

    def test_j_flag_errors_exit_64(self):
        """Bad flags are refused before connecting, exit 64, naming the flag: an unreadable
        --tls-ca, --tls-cert without --tls-key, a key that is not the certificate's, a missing
        --auth-file, a non-digest --sasl."""
        fx = self.fx
        cases = [(["--tls-ca", os.path.join(fx.dir, "no-such-ca.pem")], "--tls-ca"),
                 (["--tls-ca", fx.ca, "--tls-cert", fx.client_cert], "--tls-cert needs --tls-key"),
                 (["--tls-ca", fx.ca, "--tls-cert", fx.client_cert, "--tls-key", fx.server_key], "--tls-key"),
                 (["--auth-file", os.path.join(fx.dir, "no-such-auth-file")], "--auth-file"),
                 (["--sasl", "plain:alice:x"], "--sasl")]
        for flags, text in cases:
            for cmd in ("get", "status"):
                run = zkdash(cmd, "--servers", self.tls, *flags, *([WORLD] if cmd == "get" else []))
                self.assertFlagError(run, text)

    def test_k_secrets_from_env_and_file(self):
        """ZKDASH_AUTH (one identity a line), --auth-file (# comments, blank lines), ZKDASH_SASL
        and ZKDASH_TLS_CA/CERT/KEY do what the flags do, so no secret is on the command line."""
        fx = self.fx
        good = "digest:%s:%s" % (BOB, BOB_PW)
        self.assertRun(self.get(DIGEST_NODE, servers=self.plain, env={"ZKDASH_AUTH": "digest:carol:c\n" + good}),
                       0, out="bob-data")
        path = os.path.join(fx.dir, "zkdash-auth")
        with open(path, "w") as f:
            f.write("# identities for zkdash\n\n%s\n" % good)
        os.chmod(path, 0o600)
        self.assertRun(self.get(DIGEST_NODE, "--auth-file", path, servers=self.plain), 0, out="bob-data")
        env_tls = {"ZKDASH_TLS_CA": fx.ca, "ZKDASH_TLS_CERT": fx.client_cert, "ZKDASH_TLS_KEY": fx.client_key}
        self.assertRun(self.get(WORLD, env=env_tls), 0, out="world-data")
        run = zkdash("status", "--servers", self.tls, "--json", "--no-admin", env=env_tls)
        self.assertEqual((run.rc, json_node(run.json(), self.tls)["state"]), (0, "STANDALONE"), run.describe())
        if have_puresasl():
            self.assertRun(self.get(SASL_NODE, servers=self.plain,
                                    env={"ZKDASH_SASL": "digest:%s:%s" % (ALICE, ALICE_PW)}), 0, out="alice-data")

    def test_l_secrets_never_echoed(self):
        """An --auth / --sasl value that cannot be parsed (flag, ZKDASH_AUTH, --auth-file,
        ZKDASH_SASL) is refused with exit 64 and its password never printed; refused logins
        (AuthFailed, SASL) do not print it either."""
        fx, secret = self.fx, "S3cr3t-pw-XYZ"
        path = os.path.join(fx.dir, "zkdash-auth-bad")
        with open(path, "w") as f:
            f.write("# one bad line\ndigest-bob-%s\n" % secret)
        bad = [(["--auth", "digest:bob" + secret], None, "--auth"),
               (["--auth", secret], None, "--auth"),
               (["--auth", ":bob:" + secret], None, "--auth"),
               (["--sasl", "digest:alice" + secret], None, "--sasl"),
               (["--sasl", "plain:alice:" + secret], None, "--sasl"),
               ([], {"ZKDASH_AUTH": "digest:bob\n" + secret}, "ZKDASH_AUTH line 1"),
               ([], {"ZKDASH_SASL": "digest:alice" + secret}, "--sasl"),
               (["--auth-file", path], None, "--auth-file %s line 2" % path)]
        for flags, env, text in bad:
            run = self.get(WORLD, *flags, servers=self.plain, env=env)
            self.assertFlagError(run, text)
            self.assertNotIn(secret, run.err, run.describe())
        refused = [self.get(WORLD, "--sasl", "digest:alice:" + secret, servers=self.plain, timeout=5),
                   self.get(WORLD, "--auth", "sasl:" + secret, servers=self.plain, timeout=5),
                   self.get(DIGEST_NODE, "--auth", "digest:bob:" + secret, servers=self.plain, timeout=5)]
        for run in refused:
            self.assertIn(run.rc, (1, 2), run.describe())
            self.assertNotIn(secret, run.out + run.err, run.describe())

    def test_m_bad_identity_names_its_source(self):
        # Fixed (was expected to fail until the fix); the finding: zkdash bug (misleading message): a bad line in --auth-file, or in ZKDASH_AUTH, is
        # reported as "Error: --auth: expected SCHEME:DATA (e.g. digest:USER:PASSWORD), got '…'",
        # naming a flag the user did not give, and no line number.
        path = os.path.join(self.fx.dir, "zkdash-auth-bad2")
        with open(path, "w") as f:
            f.write("digest:bob:bob-secret\nnot-an-identity\n")
        run = self.get(WORLD, "--auth-file", path, servers=self.plain)
        self.assertFlagError(run, "--auth-file")
        run = self.get(WORLD, servers=self.plain, env={"ZKDASH_AUTH": "not-an-identity"})
        self.assertFlagError(run, "ZKDASH_AUTH")


# ---------------------------------------------------------------- --admin-tls-ca (HTTPS AdminServers)

class ZkdashAdminHttpsTests(ZkdashCase):
    """3 Apache voters with a plain and a TLS client port (ssl.clientAuth=need) whose
    AdminServers speak HTTPS only (tf.admin_https_cfg: admin.forceHttps + ssl.quorum.* PEM
    stores).  `zkdash status --servers HOST:CLIENTPORT@ADMINPORT --admin-tls-ca ca.pem`."""

    @classmethod
    def setUpClass(cls):
        need_zkdash(cls)
        cls.fx = fx = tf.Fixtures.shared()
        cls.ens = tf.TlsApacheEnsemble(fx, voters=3, client_auth="need", plain=True, admin=True, tick_ms=200,
                                       extra_cfg=tf.admin_https_cfg(fx))
        start_ensembles(cls, cls.ens)
        for n in cls.ens.nodes:         # the first request to a cold Jetty takes ~1 s
            tf.tls_connect(n.admin_port, fx.ca, timeout=15).close()

    def servers(self, tls):
        return ",".join("%s@%d" % (n.secure_address if tls else n.client_address, n.admin_port)
                        for n in self.ens.nodes)

    def test_a_status_over_tls_ports(self):
        """The quorum over its TLS client ports: one LEADING, two FOLLOWING, sids from srvr."""
        run, doc = self.status_json(",".join(n.secure_address for n in self.ens.nodes), *tls_flags(self.fx))
        states = sorted(json_node(doc, n.secure_address)["state"] for n in self.ens.nodes)
        self.assertEqual(states, ["FOLLOWING", "FOLLOWING", "LEADING"], run.describe())
        self.assertIs(doc["quorum"], True)

    def test_b_admin_https_with_plain_client_ports(self):
        """HTTPS AdminServers: with --admin-tls-ca every node's /commands/leader is used (admin
        true, votes from the AdminServer); without it they are not (admin false) and status
        still works from the 4lw."""
        run = zkdash("status", "--servers", self.servers(tls=False), "--json", "--admin-tls-ca", self.fx.ca)
        doc = run.json()
        self.assertEqual(run.rc, 0, run.describe())
        self.assertEqual([n["admin"] for n in doc["nodes"]], [True] * 3, run.describe())
        self.assertEqual(doc["votes"]["source"], "adminserver", run.describe())
        self.assertEqual(doc["votes"]["tally"], {str(self.ens.leader().sid): 3}, run.describe())
        run = zkdash("status", "--servers", self.servers(tls=False), "--json")
        self.assertEqual(run.rc, 0, run.describe())
        self.assertEqual([n["admin"] for n in run.json()["nodes"]], [False] * 3, run.describe())

    def test_c_admin_https_with_tls_client_ports(self):
        """Fixed (was an expected failure): listed by their TLS client ports
        (HOST:SECUREPORT@ADMINPORT), the nodes' HTTPS AdminServers are used (admin true).  Apache
        3.8's /commands/configuration names the plain clientPort (-1 on a TLS-only node), never
        the secure one: zkdash takes an AdminServer as the node's own when it names the plain
        port the node's own `conf` gives (or, with -1, the node's server id)."""
        run = zkdash("status", "--servers", self.servers(tls=True), "--json", "--admin-tls-ca", self.fx.ca,
                     *tls_flags(self.fx))
        self.assertEqual(run.rc, 0, run.describe())
        self.assertEqual([n["admin"] for n in run.json()["nodes"]], [True] * 3, run.describe())

    def test_d_status_refusals_on_a_quorum(self):
        """--tls-ca without a client certificate: all three DOWN with the cause, NO QUORUM, exit 1."""
        self.assertStatusRefused(",".join(n.secure_address for n in self.ens.nodes),
                                 tls_flags(self.fx, cert=None), NEED_CERT)


# ---------------------------------------------------------------- zkdash server with the same zoo.cfg

class ZkdashServerTlsTests(ZkdashCase):
    """`zkdash server --config` with ApacheTlsTests' zoo.cfg keys (tf.zkdash_tls_server:
    secureClientPort + secureClientPortAddress, ssl.keyStore.* / ssl.trustStore.* PEM,
    ssl.clientAuth, clientPort beside it, authProvider.1=...SASLAuthenticationProvider with a
    JAAS Server section passed as --jaas-config) and variants (want / none / key absent, an
    expired own certificate, a TLS port on 127.0.0.2, ssl.protocol=TLSv1.3)."""

    @classmethod
    def setUpClass(cls):
        need_zkdash(cls)
        cls.fx = fx = tf.Fixtures.shared()
        cls.z = tf.zkdash_tls_server(fx, "need", sasl_users={ALICE: ALICE_PW}, name="zkdash-tls-need")
        cls.modes = {m: tf.zkdash_tls_server(fx, m, name="zkdash-tls-%s" % m) for m in ("want", "none", None)}
        cls.expired = tf.zkdash_tls_server(fx, "none", keystore="expired_server", name="zkdash-tls-expired")
        cls.tls13 = tf.zkdash_tls_server(fx, "need", extra_cfg={"ssl.protocol": "TLSv1.3"}, name="zkdash-tls13")
        cls.other_host = tf.zkdash_tls_server(fx, "need", secure_host="127.0.0.2", name="zkdash-tls-127.0.0.2")
        for s in [cls.z, cls.expired, cls.tls13, cls.other_host] + list(cls.modes.values()):
            cls.addClassCleanup(s.destroy)
        for s in [cls.z, cls.expired, cls.tls13] + list(cls.modes.values()):
            s.start()
        try:
            cls.other_host.start()
        except harness.ServerStartError:
            cls.other_host = None          # no 127.0.0.2 on this machine
        # a plaintext 4lw that waits on the TLS port (ApacheTlsTests.test_z's probe), in the background
        cls.silence = {}

        def probe():
            cls.silence["result"] = tf.plain_probe(cls.z.secure_port, b"ruok", half_close=False, wait=16.0)
        cls.silence_thread = threading.Thread(target=probe, daemon=True)
        cls.silence_thread.start()

    def need_sasl(self):
        if not have_puresasl():
            self.skipTest("python3-pure-sasl is not installed: kazoo 2.8 has no SASL without it")

    def test_a_reads_apaches_keys(self):
        """The zoo.cfg holds exactly server_tls_cfg()'s keys as TlsApacheEnsemble writes them; conf
        names both ports; authProvider.1 (SASL) is on with the JAAS file's users."""
        z = self.z
        with open(z.cfg_path) as f:
            cfg = dict(l.split("=", 1) for l in f.read().splitlines() if "=" in l)
        for k, v in tf.server_tls_cfg(self.fx, "need").items():
            self.assertEqual(cfg[k], v, k)
        self.assertEqual(cfg["secureClientPort"], str(z.secure_port))
        conf = tf.tls_four_letter(z.secure_port, "conf", self.fx.ca, self.fx.client_cert, self.fx.client_key)
        self.assertIn("secureClientPort=%d\n" % z.secure_port, conf)
        self.assertIn("clientPort=%d\n" % z.port, conf)
        self.assertEqual(cfg["authProvider.1"], tf.SASL_PROVIDER)
        self.assertTrue(wait_until(lambda: "SASL DIGEST-MD5 on: 1 users from" in z.log_tail(200), 5.0),
                        z.log_tail())

    def test_b_4lw_over_tls(self):
        """ruok / srvr / mntr over TLS (Python ssl and `openssl s_client`); zkdash negotiates TLS 1.3
        (Apache 3.8.0: 1.2); without a client certificate s_client fails (alert 116, certificate
        required: TLS 1.3 reports it after the handshake)."""
        fx, port = self.fx, self.z.secure_port
        self.assertEqual(tf.tls_four_letter(port, "ruok", fx.ca, fx.client_cert, fx.client_key), "imok")
        srvr = ensemble.parse_srvr(tf.tls_four_letter(port, "srvr", fx.ca, fx.client_cert, fx.client_key))
        self.assertEqual(srvr.get("Mode"), "standalone", srvr)
        self.assertIn("zk_version", tf.tls_four_letter(port, "mntr", fx.ca, fx.client_cert, fx.client_key))
        rc, out, err = tf.openssl_s_client_four(port, "ruok", fx.ca, fx.client_cert, fx.client_key)
        self.assertEqual((rc, out), (0, "imok"), err)
        rc, out, err = tf.openssl_s_client_four(port, "ruok", fx.ca)
        self.assertNotEqual(rc, 0)
        self.assertEqual(out, "")
        self.assertIn("alert certificate required", err)
        s = tf.tls_connect(port, fx.ca, fx.client_cert, fx.client_key)
        try:
            self.assertEqual(s.version(), "TLSv1.3")
        finally:
            s.close()

    def test_c_plaintext_on_the_tls_port(self):
        """Plaintext on the TLS port gets no ZooKeeper bytes and is closed at once: a ConnectRequest
        or `srvr\\n` (zkdash answers a TLS alert record, 0x15, before closing; Apache sends nothing),
        a half-closed 4lw; a TLS ClientHello on the plain port: EOF in the handshake."""
        for payload, half in ((zkwire.connect_request(), False), (b"srvr\n", False), (b"ruok", True)):
            outcome, got, secs = tf.plain_probe(self.z.secure_port, payload, half_close=half, wait=5.0)
            self.assertIn(outcome, ("closed", "data", "reset"), (payload[:12], outcome, got))
            self.assertTrue(got == b"" or got[:1] == b"\x15", "not a TLS alert: %r" % got)
            self.assertLess(secs, 2.0, payload[:12])
        (kind, _, text), secs = handshake(self.z.port, self.fx.ca, self.fx.client_cert, self.fx.client_key)
        self.assertIn(kind, ("SSLZeroReturnError", "SSLEOFError", "ConnectionResetError"), text)
        self.assertLess(secs, FAIL_FAST)

    def test_d_kazoo_reads_and_writes_over_tls(self):
        """kazoo use_ssl=True, ca, certfile, keyfile: create / set / get / children / delete through
        the TLS port; digest ACLs apply; the plain port sees the same tree."""
        from kazoo.exceptions import NoAuthError
        a = kazoo_tls(self.fx, self.z.secure_address, start_timeout=20)
        try:
            self.assertIsNone(a.exc, a.describe())
            c = a.client
            c.create("/kz-tls", b"v1")
            c.set("/kz-tls", b"v2")
            self.assertEqual(c.get("/kz-tls")[0], b"v2")
            c.create("/kz-tls/child", b"")
            self.assertEqual(c.get_children("/kz-tls"), ["child"])
            c.create("/kz-digest", b"bob-data", acl=[kazoo_acl(*digest_acl(BOB, BOB_PW))])
            self.assertRaises(NoAuthError, c.get, "/kz-digest")
            c.add_auth("digest", "%s:%s" % (BOB, BOB_PW))
            self.assertEqual(c.get("/kz-digest")[0], b"bob-data")
        finally:
            a.close()
        plain = harness.kazoo_client(self.z.hosts, start_timeout=20)
        try:
            self.assertEqual(plain.get("/kz-tls")[0], b"v2")
            plain.delete("/kz-tls", recursive=True)
        finally:
            harness.stop_kazoo(plain)

    def test_e_kazoo_refused(self):
        """No / expired / untrusted client certificate, wrong CA: kazoo retries until its start
        timeout (KazooTimeoutError) and logs the TLS alert, as with Apache (test_h), here in
        TLS 1.3's words."""
        from kazoo.handlers.threading import KazooTimeoutError
        fx, hosts = self.fx, self.z.secure_address
        cases = [("no client cert", lambda: kazoo_tls(fx, hosts, cert=None), "CERTIFICATE_REQUIRED"),
                 ("expired client cert", lambda: kazoo_tls(fx, hosts, cert="expired_client"), "CERTIFICATE_EXPIRED"),
                 ("untrusted client cert", lambda: kazoo_tls(fx, hosts, cert="untrusted_client"), "UNKNOWN_CA"),
                 ("wrong CA", lambda: kazoo_tls(fx, hosts, ca=fx.untrusted_ca), "certificate verify failed")]
        results = parallel([c[1] for c in cases])
        try:
            for (label, _, cause), a in zip(cases, results):
                self.assertIsInstance(a, KazooAttempt, "%s: %r" % (label, a))
                self.assertIsInstance(a.exc, KazooTimeoutError, "%s\n%s" % (label, a.describe()))
                self.assertLess(a.seconds, START_TIMEOUT + 5, label)
                self.assertTrue(any(cause in m for _, m in a.failures), "%s\n%s" % (label, a.describe()))
        finally:
            for a in results:
                if isinstance(a, KazooAttempt):
                    a.close()

    def test_f_client_auth_modes(self):
        """ssl.clientAuth need / want / none / absent accept the same certificates as Apache's
        (ClientAuthModeTests): want takes none but checks a given one; none takes any; absent = need."""
        fx = self.fx
        servers = dict(self.modes, need=self.z)
        refused = "refused"
        want = {"need": {"no cert": refused, "client": "ok", "expired_client": refused, "untrusted_client": refused},
                "want": {"no cert": "ok", "client": "ok", "expired_client": refused, "untrusted_client": refused},
                "none": {"no cert": "ok", "client": "ok", "expired_client": "ok", "untrusted_client": "ok"}}
        want[None] = want["need"]
        for mode, server in servers.items():
            got, detail = {}, {}
            for name in (None, "client", "expired_client", "untrusted_client"):
                c, k = fx.pair(name) if name else (None, None)
                (kind, reason, text), secs = handshake(server.secure_port, fx.ca, c, k)
                got[name or "no cert"] = "ok" if kind == "ok" else refused
                detail[name or "no cert"] = (kind, reason, round(secs, 2))
                self.assertLess(secs, FAIL_FAST)
            self.assertEqual(got, want[mode], "ssl.clientAuth=%s: %s" % (mode, detail))

    def test_g_zkcli_over_tls(self):
        """Apache's zkCli (ZooKeeperMain, Netty client socket, PEM key/trust stores) creates a znode
        through zkdash's TLS port; zkdash get reads it back over TLS.  (Debian's C client cli_mt
        has no TLS.)"""
        rc, out, err = zk_cli(self.fx, self.z.secure_address, ["create", "/zkcli-made", "from-zkcli"])
        self.assertEqual(rc, 0, out + err[-3000:])
        self.assertIn("Created /zkcli-made", out + err)        # ZooKeeperMain prints it on stderr
        self.assertIn("ClientCnxnSocketNetty - SSL handler added", err)
        self.assertRun(zkdash("get", "--servers", self.z.secure_address, *tls_flags(self.fx), "/zkcli-made"),
                       0, out="from-zkcli")

    def test_h_zkdash_cli_against_zkdash_server(self):
        """zkdash status/get/ls against zkdash server's TLS port with the right flags, and every
        refusal in words: no / expired / untrusted client certificate (NEED_CERT), wrong CA and
        the server's expired certificate (BAD_SERVER_CERT), plaintext on the TLS port (the
        --tls-ca hint), --tls-ca on the plain port, an address the certificate does not name."""
        fx, z, t = self.fx, self.z, GET_TIMEOUT
        run, doc = self.status_json(z.secure_address, *tls_flags(fx))
        self.assertEqual(json_node(doc, z.secure_address)["state"], "STANDALONE", run.describe())
        self.assertRun(zkdash("ls", "--servers", z.secure_address, *tls_flags(fx), "/"), 0)
        self.assertIn("zookeeper\n", zkdash("ls", "--servers", "localhost:%d" % z.secure_port, *tls_flags(fx), "/").out)
        cases = [(z.secure_address, tls_flags(fx, cert=None), NEED_CERT),
                 (z.secure_address, tls_flags(fx, cert="expired_client"), NEED_CERT),
                 (z.secure_address, tls_flags(fx, cert="untrusted_client"), NEED_CERT),
                 (z.secure_address, tls_flags(fx, ca=fx.untrusted_ca), BAD_SERVER_CERT),
                 (self.expired.secure_address, tls_flags(fx), BAD_SERVER_CERT),
                 (z.secure_address, [], SILENT_TLS_PORT),
                 (z.hosts, tls_flags(fx), PLAIN_PORT)]
        if self.other_host is not None:
            cases.append((self.other_host.secure_address, tls_flags(fx), NOT_FOR_HOST))
        runs = parallel([lambda c=c: zkdash("get", "--servers", c[0], "--timeout", t, *c[1], "/zookeeper")
                         for c in cases])
        for (server, _, text), run in zip(cases, runs):
            self.assertIsInstance(run, ZkdashRun, repr(run))
            self.assertGetRefused(run, text)
        for server, flags, text in cases:
            self.assertStatusRefused(server, flags, STATUS_TLS_PORT if text == SILENT_TLS_PORT else text)

    def test_i_zkdash_cli_digest_and_sasl_on_zkdash_server(self):
        """--auth digest on zkdash server over TLS: NoAuth (exit 2) without, the data with;
        --sasl digest:alice reads a sasl:alice node over TLS and the plain port; a wrong password
        or an unknown user exits 2 with Apache's refusal text (as ZkdashCliApacheTests.test_h)."""
        fx, z = self.fx, self.z
        setup = harness.kazoo_client(z.hosts, start_timeout=20)
        try:
            setup.create("/z-digest", b"bob-data", acl=[kazoo_acl(*digest_acl(BOB, BOB_PW))])
        finally:
            harness.stop_kazoo(setup)
        get = lambda *flags: zkdash("get", "--servers", z.secure_address, *tls_flags(fx), *flags, "/z-digest")  # noqa: E731
        self.assertRun(get(), 2, out="", err_has=NOAUTH)
        self.assertRun(get("--auth", "digest:%s:%s" % (BOB, BOB_PW)), 0, out="bob-data")
        setup = harness.kazoo_client(z.hosts, start_timeout=20,
                                     auth_data=[("digest", "%s:%s" % (harness.SUPER_USER, harness.SUPER_PASSWORD))])
        try:
            setup.create("/z-sasl", b"alice-data", acl=[kazoo_acl(ALL, "sasl", ALICE)])
        finally:
            harness.stop_kazoo(setup)
        login = "digest:%s:%s" % (ALICE, ALICE_PW)
        self.assertRun(zkdash("get", "--servers", z.secure_address, *tls_flags(fx), "--sasl", login, "/z-sasl"),
                       0, out="alice-data")
        self.assertRun(zkdash("get", "--servers", z.hosts, "--sasl", login, "/z-sasl"), 0, out="alice-data")
        self.assertRun(zkdash("get", "--servers", z.hosts, "/z-sasl"), 2, out="", err_has=NOAUTH)
        for user, pw in ((ALICE, "wrong"), ("mallory", "x")):
            run = zkdash("get", "--servers", z.hosts, "--timeout", "5", "--sasl", "digest:%s:%s" % (user, pw), "/zookeeper")
            self.assertRun(run, 2, out="", err_has=SASL_REFUSED % user, limit=3.0)
        assert_log(self, z, "Successfully authenticated client: authenticationID=alice",
                   "User 'mallory' not found in list of DIGEST-MD5 authenticateable users",
                   "Closing client connection due to SASL authentication failure")

    def test_j_tls13_minimum(self):
        """ssl.protocol=TLSv1.3: a TLS-1.2-only client gets alert protocol_version; zkdash's client
        connects (1.3)."""
        fx, port = self.fx, self.tls13.secure_port
        ctx = tf.client_context(fx.ca, fx.client_cert, fx.client_key)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        raw = socket.create_connection((LOOPBACK, port), timeout=5)
        try:
            with self.assertRaises(ssl.SSLError) as cm:
                ctx.wrap_socket(raw)
            self.assertIn("PROTOCOL_VERSION", cm.exception.reason or str(cm.exception))
        finally:
            raw.close()
        self.assertRun(zkdash("ls", "--servers", self.tls13.secure_address, *tls_flags(fx), "/"), 0)

    def test_k_x509_identity(self):
        """As Apache (ApacheTlsTests.test_j), fixed here (it was an expected failure): a session on
        the TLS port with a trusted client certificate carries x509:<subject in RFC 2253>, beside
        ip; an x509 ACL grants it and nobody on the plain port; `auth` expands to it."""
        subject = client_subject(self.fx)
        self.assertEqual(subject, "O=zkdash interop,CN=zkdash-test-client")
        r = tls_raw(self.z.secure_port, self.fx)
        try:
            r.connect()
            self.assertEqual(who_am_i(r), [("ip", LOOPBACK), ("x509", subject)])
            self.assertEqual(r.create("/z-x509", b"x509-data", acl=[(ALL, "x509", subject)])[0], "OK")
            self.assertEqual(r.get_data("/z-x509")[1][0], b"x509-data")
        finally:
            r.close_socket()
        r = zkwire.RawClient(LOOPBACK, self.z.port)
        try:
            r.connect()
            self.assertEqual(who_am_i(r), [("ip", LOOPBACK)])
            self.assertEqual(r.get_data("/z-x509")[0], "NoAuth")
        finally:
            r.close_socket()
        # ssl.clientAuth=none asks for no certificate: no x509 identity.
        r = tls_raw(self.modes["none"].secure_port, self.fx)
        try:
            r.connect()
            self.assertEqual(who_am_i(r), [("ip", LOOPBACK)])
        finally:
            r.close_socket()

    def test_l_sasl_digest_md5(self):
        """As Apache (ApacheTlsTests test_k/l/m): the raw exchange is two rounds (empty token ->
        challenge realm="zk-sasl-md5"; digest-response -> rspauth) and whoAmI then lists sasl:alice
        and x509; kazoo sasl_options logs in on both ports; a wrong password answers AuthFailed
        (-115) and the connection closes; kazoo then goes AUTH_FAILED without retrying."""
        self.need_sasl()
        r = tls_raw(self.z.secure_port, self.fx)
        try:
            r.connect()
            check_sasl_login(self, r, self.fx)
            self.assertEqual(r.create("/z-sasl-raw", b"alice-data", acl=[(ALL, "sasl", ALICE)])[0], "OK")
        finally:
            r.close_socket()
        check_sasl_refused(self, self.z.port)
        from kazoo.exceptions import NoAuthError
        from kazoo.protocol.states import KeeperState
        for label, a in (("plain", KazooAttempt(self.z.hosts, start_timeout=20, sasl_options=sasl_opts())),
                         ("tls", kazoo_tls(self.fx, self.z.secure_address, start_timeout=20, sasl_options=sasl_opts()))):
            try:
                self.assertIsNone(a.exc, "%s\n%s" % (label, a.describe()))
                self.assertEqual(a.client.get("/z-sasl-raw")[0], b"alice-data", label)
                acl = a.client.get_acls("/z-sasl-raw")[0]
                self.assertEqual([(x.perms, x.id.scheme, x.id.id) for x in acl], [(ALL, "sasl", ALICE)])
            finally:
                a.close()
        plain = harness.kazoo_client(self.z.hosts, start_timeout=20)
        try:
            self.assertRaises(NoAuthError, plain.get, "/z-sasl-raw")
        finally:
            harness.stop_kazoo(plain)
        a = KazooAttempt(self.z.hosts, start_timeout=5, sasl_options=sasl_opts(ALICE, "wrong"))
        try:
            # kazoo's start() races its own AUTH_FAILED: when the refusal arrives before start()
            # looks at the connected event (zkdash answers within a millisecond; 1 run in ~25
            # here), start() waits out its timeout and raises. Either way the session must close
            # AUTH_FAILED after one attempt.
            from kazoo.handlers.threading import KazooTimeoutError
            self.assertTrue(a.exc is None or isinstance(a.exc, KazooTimeoutError), a.describe())
            self.assertTrue(wait_until(lambda: a.client.client_state == KeeperState.CLOSED, 5.0), a.describe())
            self.assertTrue(any(m.startswith("AUTH_FAILED closing") for _, _, m in a.rec.records), a.describe())
            self.assertEqual(a.attempts, 1, a.describe())
        finally:
            a.close()

    def test_z_plaintext_4lw_waiting_on_tls_port(self):
        # Fixed (was expected to fail until the fix); the finding: zkdash server divergence from Apache (a hang): a plaintext client that sends a 4-byte
        # 4lw (or nothing) to the TLS port and waits is never closed (still open after 75 s by
        # hand; 16 s here); Apache's Netty closes it after its 10 s handshake timeout
        # (ApacheTlsTests.test_z), so `nc` without -q returns there and hangs here.
        self.silence_thread.join(30)
        outcome, got, secs = self.silence.get("result", ("missing", b"", 0.0))
        self.assertEqual((outcome, got), ("closed", b""), self.silence)
        self.assertLess(secs, 15.0, self.silence)


class ZkdashQuorumTlsTests(ZkdashCase):
    """A 3-node zkdash quorum whose nodes also have a secureClientPort (tf.TlsZkdashEnsemble,
    ssl.clientAuth=need): status over the TLS ports; kazoo writes over TLS through one node
    and reads through another."""

    @classmethod
    def setUpClass(cls):
        need_zkdash(cls)
        cls.fx = tf.Fixtures.shared()
        cls.ens = tf.TlsZkdashEnsemble(cls.fx, voters=3)
        cls.addClassCleanup(cls.ens.destroy)
        cls.ens.start()

    def test_status_over_tls(self):
        run, doc = self.status_json(self.ens.secure_hosts, *tls_flags(self.fx))
        states = sorted(json_node(doc, n.secure_address)["state"] for n in self.ens.nodes)
        self.assertEqual(states, ["FOLLOWING", "FOLLOWING", "LEADING"], run.describe())
        self.assertEqual(sorted(json_node(doc, n.secure_address)["sid"] for n in self.ens.nodes), [1, 2, 3])
        self.assertStatusRefused(self.ens.secure_hosts, tls_flags(self.fx, cert=None), NEED_CERT)

    def test_kazoo_replicates_over_tls(self):
        a = kazoo_tls(self.fx, self.ens.nodes[0].secure_address, start_timeout=20)
        b = kazoo_tls(self.fx, self.ens.nodes[2].secure_address, start_timeout=20)
        try:
            self.assertIsNone(a.exc, a.describe())
            self.assertIsNone(b.exc, b.describe())
            a.client.create("/zk-tls-ens", b"replicated")
            b.client.sync("/zk-tls-ens")
            self.assertEqual(b.client.get("/zk-tls-ens")[0], b"replicated")
        finally:
            a.close()
            b.close()
        self.assertRun(zkdash("get", "--servers", self.ens.secure_hosts, *tls_flags(self.fx), "/zk-tls-ens"),
                       0, out="replicated")


class ZkdashServerBadTlsConfigTests(ZkdashCase):
    """`zkdash server` refuses bad ssl.* settings at start: exit non-zero within seconds, the
    key named on stderr, nothing listening."""

    @classmethod
    def setUpClass(cls):
        need_zkdash(cls)
        cls.fx = tf.Fixtures.shared()
        cls.dir = tempfile.mkdtemp(prefix="zkdash-badtls-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)

    def start_with(self, name, cfg, args=(), env=None):
        fx = self.fx
        d = os.path.join(self.dir, name)
        os.makedirs(os.path.join(d, "data"), exist_ok=True)
        port, secure = harness.free_port(), harness.free_port()
        lines = {"tickTime": "2000", "dataDir": os.path.join(d, "data"), "clientPort": str(port),
                 "clientPortAddress": LOOPBACK, "secureClientPort": str(secure),
                 "secureClientPortAddress": LOOPBACK}
        lines.update(tf.server_tls_cfg(fx, "need"))
        for k, v in cfg.items():
            if v is None:
                lines.pop(k, None)
            else:
                lines[k] = v
        path = os.path.join(d, "zoo.cfg")
        with open(path, "w") as f:
            f.write("".join("%s=%s\n" % kv for kv in lines.items()))
        t0 = time.monotonic()
        try:
            p = subprocess.run([harness.zkdash_bin(), "server", "--config", path] + list(args), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10,
                               preexec_fn=harness._pdeathsig, env=env)
        except subprocess.TimeoutExpired:
            self.fail("%s: zkdash server still running after 10 s with %s" % (name, cfg))
        return p.returncode, p.stdout.decode("utf-8", "replace"), time.monotonic() - t0, (port, secure)

    def test_bad_settings_stop_the_start_naming_the_key(self):
        fx = self.fx
        mismatch = os.path.join(self.dir, "mismatch.keystore.pem")
        with open(mismatch, "w") as f:
            for part in (fx.client_key, fx.server_cert, fx.ca):
                with open(part) as g:
                    f.write(g.read())
        missing = os.path.join(self.dir, "no-such.pem")
        cases = [
            ("keystore-type", {"ssl.keyStore.type": "JKS"}, "ssl.keyStore.type"),
            ("truststore-type", {"ssl.trustStore.type": "PKCS12"}, "ssl.trustStore.type"),
            ("keystore-missing", {"ssl.keyStore.location": missing}, "ssl.keyStore.location"),
            ("truststore-missing", {"ssl.trustStore.location": missing}, "ssl.trustStore.location"),
            ("keystore-key-only", {"ssl.keyStore.location": fx.client_key}, "ssl.keyStore.location"),
            ("keystore-cert-only", {"ssl.keyStore.location": fx.server_cert}, "ssl.keyStore.location"),
            ("keystore-mismatch", {"ssl.keyStore.location": mismatch}, "ssl.keyStore.location"),
            ("no-keystore", {"ssl.keyStore.location": None, "ssl.keyStore.type": None}, "ssl.keyStore.location"),
            ("client-auth", {"ssl.clientAuth": "maybe"}, "ssl.clientAuth"),
            ("protocol", {"ssl.protocol": "TLSv1.0"}, "ssl.protocol"),
            ("ciphersuites", {"ssl.ciphersuites": "TLS_NO_SUCH_SUITE"}, "ssl.ciphersuites"),
        ]
        for name, cfg, key in cases:
            rc, out, secs, ports = self.start_with(name, cfg)
            self.assertNotEqual(rc, 0, "%s: started with %s\n%s" % (name, cfg, out[-2000:]))
            self.assertIn(key, out, "%s: %s" % (name, out[-2000:]))
            self.assertLess(secs, 5.0, name)
            for port in ports:
                self.assertIsNone(harness.four_letter(port, "ruok", timeout=0.5), "%s: port %d answers" % (name, port))

    def test_bad_sasl_settings_stop_the_start_naming_the_cause(self):
        """authProvider.1=SASLAuthenticationProvider with a JAAS file that is missing or does not
        parse (file and line named): exit 2 within seconds, as Apache (its JAAS parser throws)."""
        broken = os.path.join(self.dir, "broken-jaas.conf")
        with open(broken, "w") as f:
            f.write("Server {\n  %s mandatory\n  user_alice=\"x\";\n};\n" % tf.DIGEST_LOGIN_MODULE)
        env = dict(os.environ)
        env.pop("SERVER_JVMFLAGS", None)
        env.pop("JVMFLAGS", None)
        sasl = {"authProvider.1": tf.SASL_PROVIDER}
        cases = [
            ("missing-jaas", ["--jaas-config", os.path.join(self.dir, "none.conf")], env, "cannot read the JAAS file"),
            ("broken-jaas", ["--jaas-config", broken], env, "%s line 2: %s: control flag must be" % (broken, tf.DIGEST_LOGIN_MODULE)),
        ]
        for name, args, e, text in cases:
            rc, out, secs, ports = self.start_with(name, sasl, args=args, env=e)
            self.assertEqual(rc, 2, "%s: %s" % (name, out[-2000:]))
            self.assertIn(text, out, "%s: %s" % (name, out[-2000:]))
            self.assertLess(secs, 5.0, name)

    def test_sasl_without_server_users_starts_as_apache_does(self):
        """The SASL provider with no JAAS file at all, or one without a Server section (a client's,
        or kazoo's test harness's empty file): Apache 3.8 starts (its configureSaslLogin returns
        quietly), so zkdash starts too, warns, and refuses every SASL login."""
        client_only = tf.write_client_jaas(os.path.join(self.dir, "client-only-jaas.conf"), ALICE, ALICE_PW)
        empty = os.path.join(self.dir, "empty-jaas.conf")
        open(empty, "w").close()
        sasl = {"authProvider.1": tf.SASL_PROVIDER}
        for kind in ["apache", "zkdash"]:
            for label, props in [("no JAAS file", None), ("a client-only JAAS file", client_only), ("an empty JAAS file", empty)]:
                s = harness.ZkServer(kind, cfg=sasl, java_props={"java.security.auth.login.config": props} if props else None)
                self.addCleanup(s.destroy)
                s.start()
                self.assertEqual(harness.four_letter(s.port, "ruok"), "imok", "%s with %s" % (kind, label))
                if kind == "zkdash":
                    self.assertIn("every SASL login will be refused", s.log_tail(80), label)
                s.destroy()


# ---------------------------------------------------------------- the monitor in tmux

class ZkdashMonitorTlsTests(ZkdashCase):
    """`zkdash monitor` in tmux (test_monitor.Pane): the banner's TLS line, TLS refusals in the
    node's detail under the table, and the Tree view over TLS with --auth.  Servers:
    shared_apache() and zkdash servers with ssl.clientAuth=need and =want."""

    @classmethod
    def setUpClass(cls):
        need_zkdash(cls)
        import test_monitor
        if test_monitor.TMUX is None:
            raise unittest.SkipTest("tmux is not installed (apt-get install tmux)")
        cls.tm = test_monitor
        cls.fx = fx = tf.Fixtures.shared()
        cls.apache = shared_apache().nodes[0]
        cls.need = tf.zkdash_tls_server(fx, "need", name="monitor-zkdash-need")
        cls.want = tf.zkdash_tls_server(fx, "want", name="monitor-zkdash-want")
        for s in (cls.need, cls.want):
            cls.addClassCleanup(s.destroy)
            s.start()

    def pane(self, *args):
        p = self.tm.Pane(self, columns=200, rows=45)
        p.start_monitor(*args, "--timeout", "1", "--interval", "0.5", "--no-admin")
        return p

    def quit(self, pane):
        pane.keys("q")
        pane.assert_shell_restored()

    def test_a_banner_tls_with_client_certificate(self):
        """--tls-ca --tls-cert --tls-key: both servers (Apache, zkdash) STANDALONE; the banner
        reads 'zkdash · 2 servers · TLS (CA ca.pem, client certificate) · issued to localhost' (the
        common name of the certificate both servers present, once a handshake has seen it)."""
        servers = "%s,%s" % (self.apache.secure_address, self.need.secure_address)
        pane = self.pane("--servers", servers, *tls_flags(self.fx))
        banner = "zkdash · 2 servers · TLS (CA %s, client certificate) · issued to localhost" % os.path.basename(self.fx.ca)
        screen = pane.wait_for(lambda s: len(self.tm.rows_with(s, "STANDALONE")) == 2 and banner in s.splitlines()[0],
                               what="two STANDALONE rows and the banner")
        self.assertIn(banner, screen.splitlines()[0])
        self.quit(pane)

    def test_b_handshake_refusal_on_the_node(self):
        """--tls-ca alone: the two ssl.clientAuth=need nodes DOWN, each with the NEED_CERT cause in
        its detail under the table (the selection moves with j); the want node keeps being
        watched (STANDALONE); the banner says 'TLS (CA ca.pem)' without 'client certificate'."""
        a, n, w = self.apache.secure_address, self.need.secure_address, self.want.secure_address
        pane = self.pane("--servers", ",".join((a, n, w)), *tls_flags(self.fx, cert=None))
        tm = self.tm

        def rows_ok(s):
            down = tm.rows_with(s, "DOWN")
            return (len(down) == 2 and any(a in l for l in down) and any(n in l for l in down)
                    and any(w in l for l in tm.rows_with(s, "STANDALONE")))
        screen = pane.wait_for(rows_ok, what="need rows DOWN, the want row STANDALONE")
        banner = screen.splitlines()[0]
        self.assertIn("zkdash · 3 servers · TLS (CA %s)" % os.path.basename(self.fx.ca), banner)
        self.assertNotIn("client certificate", banner)
        for i, addr in enumerate((a, n)):
            if i:
                pane.keys("j")
            head = re.compile(r"(?m)^%s DOWN\b" % re.escape(addr))
            pane.wait_for(lambda s: head.search(s) and NEED_CERT in s, what="%s's detail with the cause" % addr)
        pane.keys("j")
        pane.wait_for(lambda s: re.search(r"(?m)^%s STANDALONE\b" % re.escape(w), s), what="the want node's detail")
        self.quit(pane)

    def test_c_tree_over_tls_with_auth(self):
        """Tree view over TLS with --auth digest:bob:bob-secret: /tls/digest shows its data and
        ACL; /tls/sasl (sasl:alice) shows NoAuth."""
        pane = self.pane("--servers", self.apache.secure_address, *tls_flags(self.fx),
                         "--auth", "digest:%s:%s" % (BOB, BOB_PW))
        pane.wait_text("STANDALONE")
        pane.keys("2")
        pane.wait_for(lambda s: re.search(r"[▸▾] tls\b", s), what="/tls in the tree")
        pane.keys("j")
        pane.wait_for(lambda s: re.search(r"(?m)│ /tls\s*$", s), what="/tls selected")
        pane.keys("Enter")
        pane.wait_for(lambda s: re.search(r"▾ tls\b", s) and re.search(r"(?m)^\s+digest\s", s), what="/tls expanded")
        pane.keys("j")
        screen = pane.wait_for(lambda s: re.search(r"(?m)│ /tls/digest\s*$", s) and "bob-data" in s,
                               what="/tls/digest's data")
        self.assertIn("ACL digest:%s:%s cdrwa" % (BOB, harness.digest(BOB, BOB_PW)), screen)
        if have_puresasl():
            pane.keys("j")
            pane.wait_for(lambda s: re.search(r"(?m)│ /tls/sasl\s*$", s) and re.search(r"│ NoAuth", s),
                          what="/tls/sasl NoAuth")
        self.quit(pane)

    def test_d_banner_plain(self):
        """No --tls-*: the banner says plain."""
        pane = self.pane("--servers", self.apache.client_address)
        screen = pane.wait_text("STANDALONE")
        self.assertIn("zkdash · 1 server · plain", screen.splitlines()[0])
        self.quit(pane)

    def open_tls_child(self, pane, name):
        """Tree view: /tls expanded and its child `name` (digest, sasl, world) selected."""
        pane.keys("2")
        pane.wait_for(lambda s: re.search(r"[▸▾] tls\b", s), what="/tls in the tree")
        pane.keys("j")
        pane.wait_for(lambda s: re.search(r"(?m)│ /tls\s*$", s), what="/tls selected")
        pane.keys("Enter")
        pane.wait_for(lambda s: re.search(r"▾ tls\b", s) and re.search(r"(?m)^\s+digest\s", s), what="/tls expanded")
        for _ in range(["digest", "sasl", "world"].index(name) + 1):
            pane.keys("j")
        return pane.wait_for(lambda s: re.search(r"(?m)│ /tls/%s\s*$" % name, s), what="/tls/%s selected" % name)

    def test_e_tree_add_auth_key(self):
        """Tree view: /tls/digest reads NoAuth with why and the way in; `a`, bob:bob-secret at the
        prompt (the password drawn as dots, never in clear), Enter: the data shows."""
        pane = self.pane("--servers", self.apache.secure_address, *tls_flags(self.fx))
        pane.wait_text("STANDALONE")
        self.open_tls_child(pane, "digest")
        screen = pane.wait_for(lambda s: "NoAuth: this session may not read it" in s, what="NoAuth in the detail")
        self.assertIn("a: add a digest identity (user:password), then it is read again", screen)
        pane.keys("a")
        pane.wait_text("add digest identity (user:password):")
        pane.tmux("send-keys", "-t", pane.name, "-l", "%s:%s" % (BOB, BOB_PW))
        screen = pane.wait_for(lambda s: "bob:" + "•" * len(BOB_PW) in s, what="the masked password")
        self.assertNotIn(BOB_PW, screen)
        pane.keys("Enter")
        screen = pane.wait_for(lambda s: "bob-data" in s, what="/tls/digest's data after `a`")
        self.assertIn("added digest:bob", screen)
        self.assertNotIn(BOB_PW, screen)
        self.quit(pane)

    def test_f_detail_lists_who_am_i(self):
        """The detail pane lists the session's identities: ip, the x509 subject, digest bob."""
        pane = self.pane("--servers", self.apache.secure_address, *tls_flags(self.fx),
                         "--auth", "digest:%s:%s" % (BOB, BOB_PW))
        pane.wait_text("STANDALONE")
        self.open_tls_child(pane, "world")
        want = {"ip:%s" % LOOPBACK, "x509:%s" % client_subject(self.fx), "digest:bob"}

        def listed(s):   # whoAmI's order is the server's (Apache's is a hash set's)
            m = re.search(r"│ session (.*?)\s*$", s, re.M)
            return m is not None and set(m.group(1).split(", ")) == want
        pane.wait_for(listed, what="the session's identities %s" % sorted(want))
        self.quit(pane)

    def test_g_tree_with_sasl(self):
        """--sasl digest:alice:alice-secret: the banner names the SASL user (not the password), the
        Tree view logs in and reads /tls/sasl, and the detail lists sasl:alice."""
        if not have_puresasl():
            self.skipTest("python3-pure-sasl is not installed: the sasl:alice znode was not made")
        pane = self.pane("--servers", self.apache.secure_address, *tls_flags(self.fx),
                         "--sasl", "digest:%s:%s" % (ALICE, ALICE_PW))
        screen = pane.wait_text("STANDALONE")
        self.assertIn("TLS (CA %s, client certificate) · SASL alice" % os.path.basename(self.fx.ca), screen.splitlines()[0])
        self.open_tls_child(pane, "sasl")
        screen = pane.wait_for(lambda s: "alice-data" in s and "sasl:alice" in s, what="/tls/sasl read as alice")
        self.assertNotIn(ALICE_PW, screen)
        self.quit(pane)
