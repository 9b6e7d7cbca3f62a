"""TLS certificates made with the `openssl` CLI, for the `tls` suite (issue 15).

    fx = tls_fixtures.Fixtures.shared()        # made once per process (~1 s), removed at exit
    fx.ca                   # test CA certificate (PEM)           -> --tls-ca / kazoo ca=
    fx.server_cert, fx.server_key              # SANs 127.0.0.1, localhost, ::1, signed by fx.ca
    fx.client_cert, fx.client_key              # CN=zkdash-test-client, signed by fx.ca
    fx.expired_client_cert, fx.expired_client_key    # signed by fx.ca, valid 30..1 days ago
    fx.expired_server_cert, fx.expired_server_key    # the same SANs, valid 30..1 days ago
    fx.untrusted_ca                                  # a second CA nothing trusts
    fx.untrusted_server_cert, fx.untrusted_server_key  # the same SANs, signed by fx.untrusted_ca
    fx.untrusted_client_cert, fx.untrusted_client_key  # CN=zkdash-untrusted-client, signed by fx.untrusted_ca

Every key is an unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`): EC
P-256 by default, RSA 2048 with ZK_TLS_KEY=rsa.  Apache 3.8's PEM "keystore" (`ssl.keyStore.type=PEM`) is one file
holding the private key and the certificate chain: `fx.keystore("server")`
(also "expired_server", "untrusted_server", "client", "expired_client",
"untrusted_client") writes `<name>.keystore.pem` = key + leaf certificate + its
CA certificate and returns the path.  Apache's PEM truststore
(`ssl.trustStore.type=PEM`) is a file of CA certificates: fx.ca itself, or
`fx.truststore(...)` for a bundle.

Leaf certificates carry basicConstraints CA:FALSE, keyUsage
digitalSignature+keyEncipherment and extendedKeyUsage serverAuth+clientAuth
(one certificate may serve both ends, as in Apache's own test setups); server
certificates carry subjectAltName IP:127.0.0.1, DNS:localhost, IP:::1.  The
expired certificates are issued with `openssl ca -startdate/-enddate` so their
validity is a real past interval (notBefore < notAfter < now), not a
nonsensical one.

Also here, because the server side of those fixtures is the same for Apache
and for `zkdash server`:

- `server_tls_cfg(fx, client_auth)`: the zoo.cfg keys of a TLS client port
  (Apache 3.8 spelling; `secureClientPort` itself is set by the starter).
- `write_jaas(path, users)`: a JAAS file with a `Server` section for
  `DigestLoginModule` (SASL DIGEST-MD5 users), as Apache reads it from
  `-Djava.security.auth.login.config=`.
- `tls_four_letter(...)`: a four-letter word over TLS (Python's ssl module).
- `openssl_s_client_four(...)`: the same through `openssl s_client -quiet`.
- `TlsApacheEnsemble`: ensemble.ApacheEnsemble with `secureClientPort`,
  NettyServerCnxnFactory, the PEM key/trust stores, `ssl.clientAuth`,
  optional SASL (JAAS + `authProvider.1=...SASLAuthenticationProvider`) and
  optionally no plain clientPort at all (then readiness is probed over TLS).
- `admin_https_cfg(fx)`: the zoo.cfg keys that put Apache's AdminServer on
  HTTPS (`admin.forceHttps=true` + `ssl.quorum.keyStore/trustStore.*`).
- `zkdash_tls_server(fx, ...)`: a `zkdash server` (harness.ZkServer) with the
  same keys as TlsApacheEnsemble; `TlsZkdashEnsemble`: a zkdash quorum whose
  nodes also have a secureClientPort.

Only the `openssl` binary is needed; nothing leaves loopback.
"""

import atexit
import datetime
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

import ensemble
import harness
from harness import LOOPBACK

OPENSSL = os.environ.get("ZK_OPENSSL", "/usr/bin/openssl")
SERVER_SANS = ("IP:127.0.0.1", "DNS:localhost", "IP:::1")
CLIENT_CN = "zkdash-test-client"
UNTRUSTED_CLIENT_CN = "zkdash-untrusted-client"
# ZK_TLS_KEY=rsa: RSA 2048 keys (about 0.5 s of CPU each); default EC P-256 (instant).
# Apache 3.8's PemReader tries RSA, EC and DSA on a PKCS#8 key; the suite passes with both.
KEY_ALG = os.environ.get("ZK_TLS_KEY", "ec").strip().lower()


def _newkey_args():
    if KEY_ALG.startswith("rsa"):
        bits = KEY_ALG.split(":", 1)[1] if ":" in KEY_ALG else "2048"
        return ["-newkey", "rsa:%s" % bits]
    return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]

NETTY_FACTORY = "org.apache.zookeeper.server.NettyServerCnxnFactory"
SASL_PROVIDER = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider"
DIGEST_LOGIN_MODULE = "org.apache.zookeeper.server.auth.DigestLoginModule"
# zookeeper.jar's manifest Class-Path names netty-handler/-transport/-buffer/-common and
# the epoll transport, but not what they need on the Netty path: without netty-codec every
# connection to the Netty factory dies with NoClassDefFoundError ByteToMessageDecoder
# (SslHandler extends it), and the epoll transport needs unix-common.
NETTY_EXTRA_CLASSPATH = ":".join([
    "/usr/share/java/netty-codec.jar",
    "/usr/share/java/netty-resolver.jar",
    "/usr/share/java/netty-transport-native-unix-common.jar",
])


class OpensslError(RuntimeError):
    pass


def openssl(*args, cwd=None, input=None):
    """Runs `openssl ARGS`; returns stdout text; raises OpensslError with stderr on failure."""
    cmd = [OPENSSL] + [str(a) for a in args]
    p = subprocess.run(cmd, cwd=cwd, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60, preexec_fn=harness._pdeathsig)
    if p.returncode != 0:
        raise OpensslError("%s: exit %d\n%s" % (" ".join(cmd), p.returncode,
                                                p.stderr.decode("utf-8", "replace")[-2000:]))
    return p.stdout.decode("utf-8", "replace")


def _asn1_time(dt):
    """YYMMDDHHMMSSZ (UTCTime), what `openssl ca -startdate/-enddate` takes."""
    return dt.strftime("%y%m%d%H%M%SZ")


def _read(path):
    with open(path) as f:
        return f.read()


# ---------------------------------------------------------------- CA and certificates

class CA:
    """A self-signed CA in its own directory, issuing leaf certificates with `openssl ca`."""

    def __init__(self, directory, name, cn):
        self.dir = os.path.join(directory, name)
        self.name = name
        os.makedirs(os.path.join(self.dir, "issued"), exist_ok=True)
        self.key = os.path.join(self.dir, "ca.key")
        self.cert = os.path.join(directory, "%s.pem" % name)
        self._lock = threading.Lock()
        openssl("req", "-x509", *_newkey_args(), "-nodes", "-sha256", "-days", "3650",
                "-keyout", self.key, "-out", self.cert, "-subj", "/O=zkdash interop/CN=%s" % cn,
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        open(os.path.join(self.dir, "index.txt"), "w").close()
        with open(os.path.join(self.dir, "serial"), "w") as f:
            f.write("%016X\n" % (int(time.time() * 1000) & 0xFFFFFFFFFFFF))
        self.conf = os.path.join(self.dir, "ca.cnf")
        with open(self.conf, "w") as f:
            f.write("\n".join([
                "[ ca ]",
                "default_ca = testca",
                "[ testca ]",
                "dir = %s" % self.dir,
                "database = $dir/index.txt",
                "new_certs_dir = $dir/issued",
                "serial = $dir/serial",
                "certificate = %s" % self.cert,
                "private_key = %s" % self.key,
                "default_md = sha256",
                "default_days = 825",
                "policy = anything",
                "unique_subject = no",
                "copy_extensions = none",
                "email_in_dn = no",
                "[ anything ]",
                "commonName = supplied",
                "organizationName = optional",
                "",
            ]))

    def issue(self, directory, name, cn, sans=(), not_before=None, not_after=None):
        """Key + CSR + certificate `<name>.pem` / `<name>.key` in `directory`; returns (cert, key)."""
        key = os.path.join(directory, "%s.key" % name)
        csr = os.path.join(self.dir, "%s.csr" % name)
        cert = os.path.join(directory, "%s.pem" % name)
        ext = os.path.join(self.dir, "%s.ext" % name)
        openssl("req", *_newkey_args(), "-nodes", "-sha256", "-keyout", key, "-out", csr,
                "-subj", "/O=zkdash interop/CN=%s" % cn)
        lines = ["[ leaf ]",
                 "basicConstraints = critical,CA:FALSE",
                 "keyUsage = critical,digitalSignature" + (",keyEncipherment" if KEY_ALG.startswith("rsa") else ""),
                 "extendedKeyUsage = serverAuth,clientAuth",
                 "subjectKeyIdentifier = hash",
                 "authorityKeyIdentifier = keyid"]
        if sans:
            lines.append("subjectAltName = " + ",".join(sans))
        with open(ext, "w") as f:
            f.write("\n".join(lines) + "\n")
        args = ["ca", "-batch", "-notext", "-config", self.conf, "-in", csr, "-out", cert,
                "-extfile", ext, "-extensions", "leaf"]
        now = datetime.datetime.now(datetime.timezone.utc)
        if not_before is not None or not_after is not None:
            args += ["-startdate", _asn1_time(not_before or now - datetime.timedelta(minutes=5)),
                     "-enddate", _asn1_time(not_after or now + datetime.timedelta(days=825))]
        else:
            # a few minutes in the past: a clock a little behind still accepts it
            args += ["-startdate", _asn1_time(now - datetime.timedelta(minutes=5)), "-days", "825"]
        with self._lock:                 # index.txt / serial are one CA's state
            openssl(*args)
        os.chmod(key, 0o600)
        return cert, key


class Fixtures:
    """Every certificate of the suite, in one temp dir (see the module docstring)."""

    _shared = None
    _shared_lock = threading.Lock()

    def __init__(self, directory=None):
        self.owns_dir = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="zktls-")
        os.makedirs(self.dir, exist_ok=True)
        t0 = time.monotonic()
        now = datetime.datetime.now(datetime.timezone.utc)
        past = (now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))

        trusted = CA(self.dir, "ca", "zkdash interop test CA")
        self.ca = trusted.cert
        self.ca_key = trusted.key
        self.server_cert, self.server_key = trusted.issue(self.dir, "server", "localhost", SERVER_SANS)
        self.client_cert, self.client_key = trusted.issue(self.dir, "client", CLIENT_CN)
        self.expired_client_cert, self.expired_client_key = trusted.issue(
            self.dir, "expired_client", CLIENT_CN + "-expired", not_before=past[0], not_after=past[1])
        self.expired_server_cert, self.expired_server_key = trusted.issue(
            self.dir, "expired_server", "localhost", SERVER_SANS, not_before=past[0], not_after=past[1])

        other = CA(self.dir, "untrusted_ca", "zkdash interop UNTRUSTED CA")
        self.untrusted_ca = other.cert
        self.untrusted_server_cert, self.untrusted_server_key = other.issue(
            self.dir, "untrusted_server", "localhost", SERVER_SANS)
        self.untrusted_client_cert, self.untrusted_client_key = other.issue(
            self.dir, "untrusted_client", UNTRUSTED_CLIENT_CN)

        self._cas = {"server": trusted.cert, "client": trusted.cert, "expired_client": trusted.cert,
                     "expired_server": trusted.cert, "untrusted_server": other.cert,
                     "untrusted_client": other.cert}
        for name in self._cas:
            self.keystore(name)
        self.seconds = time.monotonic() - t0
        if self.owns_dir:
            atexit.register(self.destroy)

    @classmethod
    def shared(cls):
        """One set per process (the suite's classes share it)."""
        with cls._shared_lock:
            if cls._shared is None or not os.path.isdir(cls._shared.dir):
                cls._shared = cls()
            return cls._shared

    def pair(self, name):
        """(cert, key) of 'server', 'client', 'expired_client', 'expired_server', 'untrusted_server',
        'untrusted_client'."""
        return getattr(self, name + "_cert"), getattr(self, name + "_key")

    def keystore(self, name, with_ca=True):
        """Apache's PEM keystore for `name`: private key, leaf certificate and (with_ca) the
        issuing CA's certificate, in that order, in one file.  Returns its path."""
        cert, key = self.pair(name)
        path = os.path.join(self.dir, "%s.keystore%s.pem" % (name, "" if with_ca else "-leaf"))
        parts = [_read(key), _read(cert)] + ([_read(self._cas[name])] if with_ca else [])
        with open(path, "w") as f:
            f.write("".join(p if p.endswith("\n") else p + "\n" for p in parts))
        os.chmod(path, 0o600)
        return path

    def truststore(self, *cas, name="truststore"):
        """A PEM bundle of CA certificates (default: the trusted CA only)."""
        cas = cas or (self.ca,)
        path = os.path.join(self.dir, "%s.pem" % name)
        with open(path, "w") as f:
            for c in cas:
                f.write(_read(c))
        return path

    def subject(self, cert):
        return openssl("x509", "-in", cert, "-noout", "-subject", "-nameopt", "RFC2253").strip()

    def dates(self, cert):
        """{'notBefore': ..., 'notAfter': ...} as openssl prints them."""
        out = openssl("x509", "-in", cert, "-noout", "-dates")
        return dict(l.split("=", 1) for l in out.strip().splitlines() if "=" in l)

    def verify(self, cert, ca=None):
        """`openssl verify` text (raises OpensslError when the chain does not verify)."""
        return openssl("verify", "-CAfile", ca or self.ca, cert).strip()

    def destroy(self):
        if self.owns_dir and not os.environ.get("ZK_KEEP_TMP"):
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- server-side config

def server_tls_cfg(fx, client_auth="need", keystore="server", truststore=None):
    """zoo.cfg keys of a TLS client port as Apache 3.8.0 reads them (secureClientPort is
    the starter's).  Apache maps these unknown zoo.cfg keys to `zookeeper.ssl.*` system
    properties; `ssl.clientAuth` is one of need | want | none."""
    cfg = {
        "ssl.keyStore.location": fx.keystore(keystore),
        "ssl.keyStore.type": "PEM",
        "ssl.trustStore.location": truststore or fx.ca,
        "ssl.trustStore.type": "PEM",
    }
    if client_auth is not None:
        cfg["ssl.clientAuth"] = client_auth
    return cfg


def write_jaas(path, users):
    """A JAAS file with Apache's `Server` section for SASL DIGEST-MD5: users = {name: password}.

        Server {
            org.apache.zookeeper.server.auth.DigestLoginModule required
            user_alice="alice-secret";
        };
    """
    opts = ['    user_%s="%s"' % (u, p) for u, p in users.items()]
    with open(path, "w") as f:
        f.write("Server {\n    %s required\n%s;\n};\n" % (DIGEST_LOGIN_MODULE, "\n".join(opts)))
    return path


def write_client_jaas(path, user, password):
    """A JAAS `Client` section (what zkCli.sh / Java clients read for SASL DIGEST-MD5)."""
    with open(path, "w") as f:
        f.write('Client {\n    %s required\n    username="%s"\n    password="%s";\n};\n'
                % (DIGEST_LOGIN_MODULE, user, password))
    return path


# ---------------------------------------------------------------- clients

def client_context(ca=None, cert=None, key=None, verify=True, check_hostname=False):
    """An ssl.SSLContext like kazoo's (no hostname check unless asked) trusting only `ca`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = bool(check_hostname and verify)
    ctx.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    if ca:
        ctx.load_verify_locations(ca)
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def tls_connect(port, ca=None, cert=None, key=None, host=LOOPBACK, timeout=5.0, verify=True,
                server_hostname=None):
    """A TLS socket to host:port after a completed handshake (raises ssl.SSLError / OSError)."""
    ctx = client_context(ca, cert, key, verify, check_hostname=server_hostname is not None)
    raw = socket.create_connection((host, port), timeout=timeout)
    try:
        return ctx.wrap_socket(raw, server_hostname=server_hostname)
    except BaseException:
        raw.close()
        raise


def tls_four_letter(port, word, ca, cert=None, key=None, host=LOOPBACK, timeout=5.0):
    """A 4lw over TLS: the reply text ('' if the server closed without data).  Raises
    ssl.SSLError / OSError when the handshake or the connection fails."""
    s = tls_connect(port, ca, cert, key, host, timeout)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        s.sendall(word.encode() if isinstance(word, str) else word)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                b = s.recv(65536)
            except (socket.timeout, ssl.SSLZeroReturnError):
                break
            if not b:
                break
            chunks.append(b)
    finally:
        try:
            s.close()
        except OSError:
            pass
    return b"".join(chunks).decode("utf-8", "replace")


def openssl_s_client_four(port, word, ca, cert=None, key=None, host=LOOPBACK, timeout=10.0):
    """`echo WORD | openssl s_client -connect host:port [-cert -key] -CAfile ca -quiet`:
    (exit code, stdout text, stderr text).  -quiet implies -ign_eof: s_client keeps
    reading after stdin ends, until the server closes (Apache closes after a 4lw)."""
    cmd = [OPENSSL, "s_client", "-connect", "%s:%d" % (host, port), "-CAfile", ca, "-quiet",
           "-verify_return_error"]
    if cert:
        cmd += ["-cert", cert, "-key", key]
    p = subprocess.run(cmd, input=(word.encode() if isinstance(word, str) else word),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                       preexec_fn=harness._pdeathsig)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def plain_probe(port, payload=b"ruok", half_close=False, host=LOOPBACK, wait=3.0):
    """What a plaintext client sees on a port: (outcome, bytes, seconds until known), outcome
    'closed' (FIN, no bytes), 'reset', 'silent' (still open, nothing received after `wait`
    s) or 'data'.  half_close: shut the write side after the payload (echo ruok | nc)."""
    t0 = time.monotonic()
    s = socket.create_connection((host, port), timeout=wait)
    try:
        if payload:
            s.sendall(payload)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        s.settimeout(wait)
        try:
            b = s.recv(65536)
        except socket.timeout:
            return "silent", b"", time.monotonic() - t0
        except ConnectionResetError:
            return "reset", b"", time.monotonic() - t0
        return ("data" if b else "closed"), b, time.monotonic() - t0
    finally:
        s.close()


# ---------------------------------------------------------------- Apache with a TLS client port

class TlsApacheNode(ensemble.ApacheNode):
    """An Apache node with a secureClientPort (and a plain clientPort unless
    ensemble.plain is False); 4lw probes go over TLS when there is no plain port."""

    def __init__(self, ens, sid, observer=False):
        super().__init__(ens, sid, observer)
        self.secure_port = harness.free_port()

    @property
    def secure_address(self):
        return "%s:%d" % (self.host, self.secure_port)

    def cfg_lines(self):
        e = self.ensemble
        lines = super().cfg_lines()
        if not e.plain:
            lines = [l for l in lines if not l.startswith(("clientPort=", "clientPortAddress="))]
        lines += ["secureClientPort=%d" % self.secure_port,
                  "secureClientPortAddress=%s" % self.host]
        return lines

    def server_line(self):
        saved = self.ensemble.client_in_server_line
        if not self.ensemble.plain:
            self.ensemble.client_in_server_line = False    # ";host:port" names a plain port
        try:
            return super().server_line()
        finally:
            self.ensemble.client_in_server_line = saved

    def command(self):
        cmd = super().command()
        i = cmd.index("-cp")
        cmd[i + 1] = cmd[i + 1] + ":" + NETTY_EXTRA_CLASSPATH
        return cmd

    def four(self, word, timeout=5.0):
        if self.ensemble.plain:
            return super().four(word, timeout)
        return self.tls_four(word, timeout)

    def tls_four(self, word, timeout=5.0, cert=None, key=None):
        """4lw over TLS with the suite's client certificate (None when nothing answers)."""
        fx = self.ensemble.fx
        try:
            return tls_four_letter(self.secure_port, word, fx.ca, cert or fx.client_cert,
                                   key or fx.client_key, host=self.host, timeout=timeout)
        except (OSError, ssl.SSLError):
            return None


class TlsApacheEnsemble(ensemble.ApacheEnsemble):
    """ApacheEnsemble with a TLS client port on every node.

    fx: Fixtures; client_auth: need | want | none | None (key left out: Apache's
    default, need); plain: also a plain clientPort; sasl_users: {user: password}
    for a JAAS `Server` section + authProvider.1=SASLAuthenticationProvider;
    keystore: which Fixtures keystore the server presents ("server",
    "expired_server", "untrusted_server")."""

    node_class = TlsApacheNode

    def __init__(self, fx, voters=1, client_auth="need", plain=True, sasl_users=None,
                 keystore="server", extra_cfg=None, extra_jvm_flags=(), **kw):
        self.fx = fx
        self.plain = plain
        self.client_auth = client_auth
        cfg = server_tls_cfg(fx, client_auth, keystore=keystore)
        flags = list(ensemble.APACHE_JVM_FLAGS) + ["-Dzookeeper.serverCnxnFactory=%s" % NETTY_FACTORY]
        self.jaas_path = None
        if sasl_users:
            cfg["authProvider.1"] = SASL_PROVIDER
        cfg.update(extra_cfg or {})
        kw.setdefault("standalone", voters == 1)
        kw.setdefault("admin", False)
        kw.setdefault("whitelist", "*")
        kw.setdefault("client_in_server_line", plain)
        super().__init__(voters=voters, extra_cfg=cfg, jvm_flags=flags, **kw)
        if sasl_users:
            self.jaas_path = write_jaas(os.path.join(self.nodes[0].workdir, "jaas.conf"), sasl_users)
            self.jvm_flags.append("-Djava.security.auth.login.config=%s" % self.jaas_path)
        self.jvm_flags += list(extra_jvm_flags)

    @property
    def secure_hosts(self):
        """kazoo `hosts` of every node's TLS port."""
        return ",".join(n.secure_address for n in self.nodes)


def admin_https_cfg(fx, keystore="server"):
    """zoo.cfg keys that make Apache 3.8.0's AdminServer (Jetty) speak HTTPS only on
    admin.serverPort: `admin.forceHttps=true` plus the *quorum* TLS stores, which
    JettyAdminServer reads (QuorumX509Util: zookeeper.ssl.quorum.keyStore.* /
    trustStore.*; PEM works, no password).  No client certificate is asked for, and
    quorum traffic stays plaintext (sslQuorum is not set).  Needs admin.enableServer=true
    (ApacheEnsemble(admin=True)); `curl --cacert ca.pem https://127.0.0.1:A/commands/ruok`."""
    return {
        "admin.forceHttps": "true",
        "ssl.quorum.keyStore.location": fx.keystore(keystore),
        "ssl.quorum.keyStore.type": "PEM",
        "ssl.quorum.trustStore.location": fx.ca,
        "ssl.quorum.trustStore.type": "PEM",
    }


# ---------------------------------------------------------------- zkdash server with a TLS client port

def zkdash_tls_server(fx, client_auth="need", keystore="server", secure_host=LOOPBACK, extra_cfg=None,
                      name=None, sasl_users=None):
    """A harness.ZkServer("zkdash") (not yet started) with the zoo.cfg keys TlsApacheEnsemble
    gives Apache: secureClientPort + secureClientPortAddress and server_tls_cfg(); the plain
    clientPort on 127.0.0.1 stays (the harness probes readiness there).  `.secure_port`,
    `.secure_host`, `.secure_address` are set.  extra_cfg: more keys (None values remove).
    sasl_users {name: password}: authProvider.1=SASLAuthenticationProvider and a JAAS file
    (zkdash server --jaas-config, the JVM property's counterpart)."""
    port = harness.free_port()
    cfg = {"secureClientPort": port, "secureClientPortAddress": secure_host}
    cfg.update(server_tls_cfg(fx, client_auth, keystore=keystore))
    cfg.update(extra_cfg or {})
    if sasl_users:
        cfg["authProvider.1"] = SASL_PROVIDER
    s = harness.ZkServer("zkdash", cfg=cfg, name=name or "zkdash-tls")
    if sasl_users:
        s.java_props["java.security.auth.login.config"] = write_jaas(os.path.join(s.workdir, "jaas.conf"), sasl_users)
    s.secure_port = port
    s.secure_host = secure_host
    s.secure_address = "%s:%d" % (secure_host, port)
    return s


class TlsZkdashNode(ensemble.ZkdashNode):
    """A `zkdash server` quorum member with a secureClientPort beside its plain clientPort
    (the same keys as TlsApacheNode; 4lw readiness probes use the plain port)."""

    def __init__(self, ens, sid, observer=False):
        super().__init__(ens, sid, observer)
        self.secure_port = harness.free_port()

    @property
    def secure_address(self):
        return "%s:%d" % (self.host, self.secure_port)

    def cfg_lines(self):
        return super().cfg_lines() + ["secureClientPort=%d" % self.secure_port,
                                      "secureClientPortAddress=%s" % self.host]


class TlsZkdashEnsemble(ensemble.ZkdashEnsemble):
    """ZkdashEnsemble whose nodes also serve TLS (server_tls_cfg keys, ssl.clientAuth)."""

    node_class = TlsZkdashNode

    def __init__(self, fx, voters=3, client_auth="need", keystore="server", extra_cfg=None, **kw):
        self.fx = fx
        cfg = server_tls_cfg(fx, client_auth, keystore=keystore)
        cfg.update(extra_cfg or {})
        super().__init__(voters=voters, extra_cfg=cfg, **kw)

    @property
    def secure_hosts(self):
        return ",".join(n.secure_address for n in self.nodes)


if __name__ == "__main__":
    # Smoke check: /usr/bin/python3 tests/interop/tls_fixtures.py [--keep]
    import sys
    fx = Fixtures()
    print("made in %.1fs under %s" % (fx.seconds, fx.dir))
    for n in ("server", "client", "expired_client", "expired_server", "untrusted_server", "untrusted_client"):
        c, _ = fx.pair(n)
        print("%-18s %s  %s" % (n, fx.subject(c), fx.dates(c)))
    if "--keep" in sys.argv:
        fx.owns_dir = False
        print("kept", fx.dir)
