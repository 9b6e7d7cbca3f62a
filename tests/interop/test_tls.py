"""TLS client ports, SASL DIGEST-MD5 and digest ACLs on real Apache 3.8 (suite `tls`; issue 15).

Apache only for now: these tests pin down what Apache 3.8.0 (Debian
3.8.0-11+deb12u2, jars under /usr/share/java) does, so that the zkdash side
(client flags `--tls-ca/--tls-cert/--tls-key/--auth/--sasl`, `zkdash get`,
`zkdash server` with the same zoo.cfg) can be written against fixtures that
are known to work.  ZK_TARGET does not apply.  Certificates come from
tls_fixtures.py (openssl CLI, one set per run); servers from
tls_fixtures.TlsApacheEnsemble (ensemble.ApacheEnsemble + secureClientPort,
NettyServerCnxnFactory, PEM key/trust stores).  Every server binds 127.0.0.1.

- FixtureTests: the certificates themselves (chains, SANs, validity, PKCS#8
  keys, the PEM keystore layout Apache reads).
- ApacheTlsTests (one standalone server: secureClientPort + plain clientPort,
  ssl.clientAuth=need, SASL user alice, znodes with world / sasl:alice /
  digest:bob ACLs): 4lw over TLS (Python ssl and `openssl s_client`), what a
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
- ZkdashTlsTests: placeholder (skipped) listing the zkdash-side checks issue
  15 asks for.

Findings are summarised in README.md ("tls suite").
"""

import logging
import os
import re
import socket
import ssl
import subprocess
import threading
import time
import unittest

import harness
from harness import LOOPBACK, wait_until
import ensemble
import tls_fixtures as tf
import zkwire

WORLD, SASL_NODE, DIGEST_NODE = "/tls/world", "/tls/sasl", "/tls/digest"
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

class ApacheTlsTests(unittest.TestCase):
    """Standalone Apache 3.8: secureClientPort + clientPort (both Netty), ssl.clientAuth=need,
    PEM stores, SASL DIGEST-MD5 user alice (JAAS Server section), and
    /tls/world (world:anyone), /tls/sasl (sasl:alice), /tls/digest (digest:bob)."""

    @classmethod
    def setUpClass(cls):
        cls.fx = tf.Fixtures.shared()
        cls.ens = tf.TlsApacheEnsemble(cls.fx, client_auth="need", plain=True, sasl_users={ALICE: ALICE_PW})
        start_ensembles(cls, cls.ens)
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
        # the znodes, made over the plain port by a session with both identities
        setup = harness.kazoo_client(cls.node.client_address, start_timeout=20,
                                     **({"sasl_options": sasl_opts()} if have_puresasl() else {}))
        try:
            setup.add_auth("digest", "%s:%s" % (BOB, BOB_PW))
            setup.ensure_path("/tls")
            setup.create(WORLD, b"world-data", acl=[kazoo_acl(ALL, "world", "anyone")])
            setup.create(DIGEST_NODE, b"bob-data", acl=[kazoo_acl(*digest_acl(BOB, BOB_PW))])
            if have_puresasl():
                setup.create(SASL_NODE, b"alice-data", acl=[kazoo_acl(ALL, "sasl", ALICE)])
        finally:
            harness.stop_kazoo(setup)

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
        in RFC 2253 form (as `openssl x509 -subject -nameopt RFC2253` prints it), beside ip."""
        fx = self.fx
        r = tls_raw(self.tls_port, fx)
        try:
            self.assertGreater(r.connect()["timeOut"], 0)
            subject = fx.subject(fx.client_cert).split("=", 1)[1]
            self.assertEqual(who_am_i(r), [("ip", LOOPBACK), ("x509", subject)])
            self.assertEqual(subject, "O=zkdash interop,CN=zkdash-test-client")
            self.assertEqual(r.get_data(WORLD)[0], "OK")
            self.assertEqual(r.get_data(DIGEST_NODE)[0], "NoAuth")
        finally:
            r.close_socket()
        r = zkwire.RawClient(LOOPBACK, self.plain_port)
        try:
            r.connect()
            self.assertEqual(who_am_i(r), [("ip", LOOPBACK)])
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
            result, tr = sasl_exchange(r, ALICE, ALICE_PW)
            self.assertEqual(result, "OK", tr)
            self.assertEqual(len(tr), 2, tr)
            self.assertEqual(tr[0][0], b"")
            ch = tr[0][2].decode()
            for part in ('realm="zk-sasl-md5"', "nonce=", "charset=utf-8", "algorithm=md5-sess"):
                self.assertIn(part, ch)
            resp = tr[1][0].decode()
            for part in ('username="alice"', 'digest-uri="zookeeper/zk-sasl-md5"', "qop=auth", "response="):
                self.assertIn(part, resp)
            self.assertTrue(tr[1][2].startswith(b"rspauth="), tr)
            ids = who_am_i(r)
            self.assertIn(("sasl", ALICE), ids)
            self.assertIn(("x509", "O=zkdash interop,CN=zkdash-test-client"), ids)
            self.assertEqual(r.get_data(SASL_NODE)[1][0], b"alice-data")
        finally:
            r.close_socket()
        r = zkwire.RawClient(LOOPBACK, self.plain_port)
        try:
            r.connect()
            result, tr = sasl_exchange(r, ALICE, "wrong")
            self.assertEqual(result, "AuthFailed", tr)
            self.assertEqual(len(tr), 2, tr)
            self.assertTrue(wait_until(lambda: connection_closed(r), 3.0))
        finally:
            r.close_socket()

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

class ClientAuthModeTests(unittest.TestCase):
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

    def test_kazoo_without_client_cert_on_want(self):
        """kazoo with only ca= (no client certificate) reads on a want port."""
        a = kazoo_tls(self.fx, self.want.nodes[0].secure_address, cert=None, start_timeout=20)
        try:
            self.assertIsNone(a.exc, a.describe())
            self.assertEqual(a.client.get("/zookeeper")[1].numChildren, 2)
        finally:
            a.close()


# ---------------------------------------------------------------- bad server certificates

class BadServerCertTests(unittest.TestCase):
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

class ConfigVariantTests(unittest.TestCase):
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

class TlsEnsembleTests(unittest.TestCase):
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


# ---------------------------------------------------------------- the zkdash side (issue 15)

@unittest.skip("zkdash side: issue 15 in progress")
class ZkdashTlsTests(unittest.TestCase):
    """What issue 15 asks of the binary, against the Apache servers above (reuse
    ApacheTlsTests' setup: tf.TlsApacheEnsemble(fx, client_auth="need", plain=True,
    sasl_users={"alice": "alice-secret"}) and the /tls/* znodes) and against
    `zkdash server --config` with the same zoo.cfg.  Flag names are fixed by the issue:
    --tls-ca PEM, --tls-cert PEM, --tls-key PEM, --auth digest:USER:PASSWORD (repeatable,
    other schemes SCHEME:DATA), --sasl digest:USER:PASSWORD, --admin-tls-ca.
    Refusals: exit non-zero but not 64, within seconds, the cause in words."""

    # -- zkdash status
    def test_status_tls(self):
        """`zkdash status --servers 127.0.0.1:TLSPORT --tls-ca ca.pem --tls-cert client.pem
        --tls-key client.key --json`: exit 0, the node STANDALONE with srvr's zxid (4lw over TLS)."""

    def test_status_tls_ensemble(self):
        """The same against TlsEnsembleTests' TLS-only 3 voters: one LEADING, two FOLLOWING."""

    def test_status_plain_to_tls_port_hints_tls(self):
        """No --tls-* flags against the TLS port: non-zero (not 64) within seconds, and the
        message says the port may expect TLS and names --tls-ca (Apache closes a ConnectRequest
        at once and is silent ~10 s to a waiting 4lw: "no answer" alone is not enough).
        Also: a node that answers plainly and whose conf shows secureClientPort=P."""

    def test_status_refusals_name_the_cause(self):
        """No client certificate (alert 42 bad certificate: "certificate required"), expired
        client certificate and untrusted client certificate (alert 46 certificate unknown),
        --tls-ca of the wrong CA ("untrusted"), BadServerCertTests' expired server certificate
        ("expired"): each non-zero, not 64, in seconds, the cause in words, no hang/crash."""

    # -- zkdash monitor (tmux)
    def test_monitor_banner_shows_tls(self):
        """`zkdash monitor --servers ... --tls-*` in tmux: the banner says TLS and to whom the
        server certificate was issued (CN=localhost); plain connections say plain."""

    def test_monitor_handshake_failure_on_row(self):
        """One node with a bad certificate: a clear message on its row and in Events; the other
        nodes keep being watched; no hang, no crash."""

    def test_monitor_tree_noauth_and_add_auth(self):
        """Tree view: /tls/digest shown as not readable (which ACL); `a` + digest bob:bob-secret
        from the prompt, retry, data shown; the detail pane lists whoAmI identities (x509, digest)."""

    # -- zkdash get / ls
    def test_get_world_over_tls(self):
        """`zkdash get --servers TLS --tls-* /tls/world` prints world-data, exit 0."""

    def test_get_sasl(self):
        """`--sasl digest:alice:alice-secret` (plain port and TLS port) reads /tls/sasl; a wrong
        password: non-zero, says the SASL login failed (Apache: AuthFailed, then close)."""

    def test_get_auth_digest(self):
        """`--auth digest:bob:bob-secret` reads /tls/digest; several --auth accumulate."""

    def test_get_noauth_names_the_scheme(self):
        """/tls/digest without --auth: non-zero, says NoAuth / not authorised and that
        digest (bob) would help; /tls/sasl: says sasl (alice)."""

    def test_secrets_from_env_or_file(self):
        """The documented environment variables / file for --auth / --sasl secrets work, and
        the secret never appears in `ps` output."""

    def test_ls(self):
        """`zkdash ls /tls` (if implemented) lists digest, sasl, world."""

    # -- zkdash server with the same zoo.cfg
    def test_server_tls_kazoo(self):
        """`zkdash server --config` with ApacheTlsTests' zoo.cfg (secureClientPort, ssl.keyStore.*,
        ssl.trustStore.* PEM, ssl.clientAuth=need, clientPort beside it): kazoo use_ssl with the
        client cert reads/writes; none/expired/untrusted refused as on Apache (test_h)."""

    def test_server_tls_4lw(self):
        """ruok/srvr/conf over TLS on zkdash server (openssl s_client and Python ssl); conf names
        secureClientPort; a plaintext ConnectRequest on the TLS port is closed as Apache does."""

    def test_server_tls_zkcli(self):
        """Apache's zkCli (zk_cli() above) over TLS against zkdash server (the C client cli_mt of
        Debian 3.8.0 is built without OpenSSL and Cyrus SASL: it can do neither)."""

    def test_server_sasl_digest_md5(self):
        """authProvider.1=...SASLAuthenticationProvider + a JAAS Server section
        (-Djava.security.auth.login.config's file; zkdash names how it reads it): kazoo
        sasl_options and sasl_exchange() succeed; wrong password -> AuthFailed + close."""

    def test_admin_https(self):
        """The AdminServer over HTTPS (--admin-tls-ca) when the operator turned it on."""
