"""Minimal ZooKeeper wire-protocol (jute) client for interop tests.

kazoo 2.8 (Debian bookworm) lacks several 3.5+/3.6+ operations (container and
TTL nodes, addWatch, multiRead, getEphemerals, setWatches on reconnect), and
the hostile-input suite needs to send malformed frames.  This module speaks the
protocol directly over a blocking loopback socket.  Every read is bounded by a
timeout; nothing here loops without a bound.
"""

import socket
import struct
import time

# ---------------------------------------------------------------- constants

OP = {
    "notification": 0, "create": 1, "delete": 2, "exists": 3, "getData": 4,
    "setData": 5, "getACL": 6, "setACL": 7, "getChildren": 8, "sync": 9,
    "ping": 11, "getChildren2": 12, "check": 13, "multi": 14, "create2": 15,
    "reconfig": 16, "checkWatches": 17, "removeWatches": 18,
    "createContainer": 19, "deleteContainer": 20, "createTTL": 21,
    "multiRead": 22, "auth": 100, "setWatches": 101, "sasl": 102,
    "getEphemerals": 103, "getAllChildrenNumber": 104, "setWatches2": 105,
    "addWatch": 106, "whoAmI": 107, "createSession": -10, "closeSession": -11,
    "error": -1,
}

ERR = {
    0: "OK", -1: "SystemError", -2: "RuntimeInconsistency",
    -3: "DataInconsistency", -4: "ConnectionLoss", -5: "MarshallingError",
    -6: "Unimplemented", -7: "OperationTimeout", -8: "BadArguments",
    -12: "UnknownSession", -13: "NewConfigNoQuorum", -14: "ReconfigInProgress",
    -100: "APIError", -101: "NoNode", -102: "NoAuth", -103: "BadVersion",
    -108: "NoChildrenForEphemerals", -110: "NodeExists", -111: "NotEmpty",
    -112: "SessionExpired", -113: "InvalidCallback", -114: "InvalidACL",
    -115: "AuthFailed", -118: "SessionMoved", -119: "NotReadOnly",
    -120: "EphemeralOnLocalSession", -121: "NoWatcher", -122: "RequestTimeout",
    -123: "ReconfigDisabled", -124: "SessionClosedRequireSasl",
    -125: "QuotaExceeded", -127: "Throttled",
}

EVENT = {-1: "None", 1: "NodeCreated", 2: "NodeDeleted", 3: "NodeDataChanged",
         4: "NodeChildrenChanged", 5: "DataWatchRemoved",
         6: "ChildWatchRemoved", 7: "PersistentWatchRemoved"}

PERSISTENT, EPHEMERAL, PERSISTENT_SEQUENTIAL, EPHEMERAL_SEQUENTIAL = 0, 1, 2, 3
CONTAINER, PERSISTENT_WITH_TTL, PERSISTENT_SEQUENTIAL_WITH_TTL = 4, 5, 6

OPEN_ACL = [(31, "world", "anyone")]

WATCH_XID, PING_XID, AUTH_XID, SET_WATCHES_XID = -1, -2, -4, -8


class WireError(Exception):
    pass


class ConnectionClosed(WireError):
    pass


# ---------------------------------------------------------------- encoding

def enc_int(v):
    return struct.pack(">i", v)


def enc_long(v):
    return struct.pack(">q", v)


def enc_bool(v):
    return b"\x01" if v else b"\x00"


def enc_buffer(b):
    if b is None:
        return enc_int(-1)
    return enc_int(len(b)) + b


def enc_string(s):
    if s is None:
        return enc_int(-1)
    return enc_buffer(s.encode("utf-8"))


def enc_vector(items, enc):
    if items is None:
        return enc_int(-1)
    return enc_int(len(items)) + b"".join(enc(i) for i in items)


def enc_acl(acl):
    perms, scheme, ident = acl
    return enc_int(perms) + enc_string(scheme) + enc_string(ident)


def enc_acls(acls):
    return enc_vector(acls, enc_acl)


class Reader:
    def __init__(self, data, offset=0):
        self.data = data
        self.off = offset

    def _take(self, n):
        if self.off + n > len(self.data):
            raise WireError("short read: need %d at %d of %d" % (n, self.off, len(self.data)))
        b = self.data[self.off:self.off + n]
        self.off += n
        return b

    def int(self):
        return struct.unpack(">i", self._take(4))[0]

    def long(self):
        return struct.unpack(">q", self._take(8))[0]

    def bool(self):
        return self._take(1) != b"\x00"

    def buffer(self):
        n = self.int()
        if n < 0:
            return None
        return self._take(n)

    def string(self):
        b = self.buffer()
        return None if b is None else b.decode("utf-8")

    def vector(self, fn):
        n = self.int()
        if n < 0:
            return None
        return [fn() for _ in range(n)]

    def stat(self):
        keys = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion",
                "aversion", "ephemeralOwner", "dataLength", "numChildren", "pzxid")
        vals = (self.long(), self.long(), self.long(), self.long(), self.int(),
                self.int(), self.int(), self.long(), self.int(), self.int(), self.long())
        return dict(zip(keys, vals))

    def acl(self):
        return (self.int(), self.string(), self.string())

    def remaining(self):
        return len(self.data) - self.off


# ---------------------------------------------------------------- request bodies

def body_path(path):
    return enc_string(path)


def body_path_watch(path, watch):
    return enc_string(path) + enc_bool(watch)


def body_create(path, data=b"", acl=None, flags=0):
    return enc_string(path) + enc_buffer(data) + enc_acls(acl or OPEN_ACL) + enc_int(flags)


def body_create_ttl(path, data=b"", acl=None, flags=PERSISTENT_WITH_TTL, ttl=1000):
    return body_create(path, data, acl, flags) + enc_long(ttl)


def body_delete(path, version=-1):
    return enc_string(path) + enc_int(version)


def body_set_data(path, data, version=-1):
    return enc_string(path) + enc_buffer(data) + enc_int(version)


def body_set_watches(relative_zxid, data=(), exist=(), child=()):
    return (enc_long(relative_zxid) + enc_vector(list(data), enc_string)
            + enc_vector(list(exist), enc_string) + enc_vector(list(child), enc_string))


def body_set_watches2(relative_zxid, data=(), exist=(), child=(), persistent=(), recursive=()):
    return (body_set_watches(relative_zxid, data, exist, child)
            + enc_vector(list(persistent), enc_string) + enc_vector(list(recursive), enc_string))


def body_add_watch(path, mode):
    return enc_string(path) + enc_int(mode)


def body_multi(ops):
    """ops: list of (opcode, body_bytes)."""
    out = b""
    for opcode, body in ops:
        out += enc_int(opcode) + enc_bool(False) + enc_int(-1) + body
    out += enc_int(-1) + enc_bool(True) + enc_int(-1)
    return out


def body_auth(scheme, auth):
    return enc_int(0) + enc_string(scheme) + enc_buffer(auth)


def frame(payload):
    return enc_int(len(payload)) + payload


def connect_request(session_id=0, passwd=b"\x00" * 16, timeout_ms=10000,
                    last_zxid=0, read_only=False, protocol_version=0):
    payload = (enc_int(protocol_version) + enc_long(last_zxid) + enc_int(timeout_ms)
               + enc_long(session_id) + enc_buffer(passwd) + enc_bool(read_only))
    return frame(payload)


# ---------------------------------------------------------------- client

class RawClient:
    """Blocking single-connection client.  Not thread safe."""

    def __init__(self, host, port, timeout=10.0):
        self.host, self.port = host, port
        assert host in ("127.0.0.1", "localhost", "::1"), "loopback only"
        self.timeout = timeout
        self.sock = None
        self.xid = 0
        self.session_id = 0
        self.passwd = b"\x00" * 16
        self.negotiated_timeout = None
        self.last_zxid = 0
        self.events = []      # (type name, state, path)
        self._buf = b""

    # -- socket plumbing
    def open_socket(self):
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buf = b""
        return self.sock

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except (ConnectionResetError, BrokenPipeError) as e:
            raise ConnectionClosed("connection reset by server") from e

    def _recv_exact(self, n, deadline):
        while len(self._buf) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise socket.timeout("timed out waiting for %d bytes" % n)
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError) as e:
                raise ConnectionClosed("connection reset by server") from e
            if not chunk:
                raise ConnectionClosed("server closed the connection")
            self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def read_frame(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        (n,) = struct.unpack(">i", self._recv_exact(4, deadline))
        if n < 0 or n > 64 * 1024 * 1024:
            raise WireError("bad response length %d" % n)
        return self._recv_exact(n, deadline)

    def close_socket(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    # -- session
    def connect(self, session_id=None, passwd=None, timeout_ms=10000, last_zxid=None,
                read_only=False):
        """Opens a socket and performs the handshake.  Returns the response dict."""
        if self.sock is None:
            self.open_socket()
        sid = self.session_id if session_id is None else session_id
        pw = self.passwd if passwd is None else passwd
        lz = self.last_zxid if last_zxid is None else last_zxid
        self.send_raw(connect_request(sid, pw, timeout_ms, lz, read_only))
        r = Reader(self.read_frame())
        resp = {"protocolVersion": r.int(), "timeOut": r.int(), "sessionId": r.long(),
                "passwd": r.buffer()}
        resp["readOnly"] = r.bool() if r.remaining() >= 1 else None
        if resp["timeOut"] > 0:
            self.session_id = resp["sessionId"]
            self.passwd = resp["passwd"]
            self.negotiated_timeout = resp["timeOut"]
        self.xid = 0
        return resp

    def submit(self, opcode, body=b"", xid=None):
        if xid is None:
            self.xid += 1
            xid = self.xid
        self.send_raw(frame(enc_int(xid) + enc_int(opcode) + body))
        return xid

    def read_reply(self, timeout=None):
        """Reads one reply; returns (xid, zxid, err, Reader-at-body)."""
        r = Reader(self.read_frame(timeout))
        xid, zxid, err = r.int(), r.long(), r.int()
        if zxid > 0 and xid not in (WATCH_XID,):
            self.last_zxid = max(self.last_zxid, zxid)
        return xid, zxid, err, r

    def call(self, opcode, body=b"", timeout=None):
        """Sends a request and waits for its reply, queueing watch events.

        Returns (err, zxid, Reader)."""
        xid = self.submit(opcode, body)
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        for _ in range(10000):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            rxid, zxid, err, r = self.read_reply(left)
            if rxid == WATCH_XID:
                self._record_event(r)
                continue
            if rxid == PING_XID:
                continue
            if rxid != xid:
                raise WireError("xid mismatch: sent %d got %d" % (xid, rxid))
            return err, zxid, r
        raise socket.timeout("no reply to opcode %d" % opcode)

    def _record_event(self, r):
        etype, state, path = r.int(), r.int(), r.string()
        self.events.append((EVENT.get(etype, etype), state, path))

    def ping(self):
        self.submit(OP["ping"], b"", xid=PING_XID)
        deadline = time.monotonic() + self.timeout
        for _ in range(10000):
            rxid, _, err, r = self.read_reply(max(0.01, deadline - time.monotonic()))
            if rxid == WATCH_XID:
                self._record_event(r)
                continue
            if rxid == PING_XID:
                return err
        raise socket.timeout("no ping reply")

    def wait_events(self, count=1, timeout=5.0):
        """Reads notifications until `count` events are queued or timeout."""
        deadline = time.monotonic() + timeout
        while len(self.events) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                rxid, _, _, r = self.read_reply(left)
            except socket.timeout:
                break
            if rxid == WATCH_XID:
                self._record_event(r)
        return list(self.events)

    def close_session(self):
        try:
            err, _, _ = self.call(OP["closeSession"], b"", timeout=5)
            return err
        finally:
            self.close_socket()

    # -- convenience ops returning (errname, value)
    def create(self, path, data=b"", acl=None, flags=0, opcode="create", ttl=None):
        if opcode == "createTTL":
            body = body_create_ttl(path, data, acl, flags, ttl if ttl is not None else 1000)
        else:
            body = body_create(path, data, acl, flags)
        err, _, r = self.call(OP[opcode], body)
        if err:
            return ERR.get(err, err), None
        if opcode == "create":
            return "OK", r.string()
        return "OK", (r.string(), r.stat())

    def get_data(self, path, watch=False):
        err, _, r = self.call(OP["getData"], body_path_watch(path, watch))
        if err:
            return ERR.get(err, err), None
        return "OK", (r.buffer(), r.stat())

    def exists(self, path, watch=False):
        err, _, r = self.call(OP["exists"], body_path_watch(path, watch))
        if err:
            return ERR.get(err, err), None
        return "OK", r.stat()

    def get_children(self, path, watch=False):
        err, _, r = self.call(OP["getChildren"], body_path_watch(path, watch))
        if err:
            return ERR.get(err, err), None
        return "OK", r.vector(r.string)

    def set_data(self, path, data, version=-1):
        err, _, r = self.call(OP["setData"], body_set_data(path, data, version))
        if err:
            return ERR.get(err, err), None
        return "OK", r.stat()

    def delete(self, path, version=-1, opcode="delete"):
        body = body_delete(path, version) if opcode == "delete" else body_path(path)
        err, _, _ = self.call(OP[opcode], body)
        return ERR.get(err, err), None

    def set_watches(self, relative_zxid, data=(), exist=(), child=()):
        err, _, _ = self.call(OP["setWatches"], body_set_watches(relative_zxid, data, exist, child))
        return ERR.get(err, err)

    def add_watch(self, path, mode):
        err, _, _ = self.call(OP["addWatch"], body_add_watch(path, mode))
        return ERR.get(err, err)

    def remove_watches(self, path, wtype, opcode="removeWatches"):
        err, _, _ = self.call(OP[opcode], enc_string(path) + enc_int(wtype))
        return ERR.get(err, err)

    def get_ephemerals(self, prefix):
        err, _, r = self.call(OP["getEphemerals"], enc_string(prefix))
        if err:
            return ERR.get(err, err), None
        return "OK", r.vector(r.string)

    def get_all_children_number(self, path):
        err, _, r = self.call(OP["getAllChildrenNumber"], enc_string(path))
        if err:
            return ERR.get(err, err), None
        return "OK", r.int()

    def multi_read(self, ops):
        """ops: list of ('getData'|'getChildren', path).  Returns list of results:
        ('getData', data, stat) / ('getChildren', [names]) / ('error', errname)."""
        body = body_multi([(OP[name], body_path_watch(path, False)) for name, path in ops])
        err, _, r = self.call(OP["multiRead"], body)
        if err:
            return ERR.get(err, err), None
        out = []
        for _ in range(len(ops) + 2):
            t, done, e = r.int(), r.bool(), r.int()
            if done:
                break
            if t == OP["getData"]:
                out.append(("getData", r.buffer(), r.stat()))
            elif t == OP["getChildren"]:
                out.append(("getChildren", r.vector(r.string)))
            elif t == OP["error"]:
                out.append(("error", ERR.get(r.int(), e)))
            else:
                out.append(("unknown-type", t))
                break
        return "OK", out

    def multi(self, ops):
        """ops: list of (opname, body).  Returns (err, [(type, err-or-None)...])."""
        err, _, r = self.call(OP["multi"], body_multi([(OP[n], b) for n, b in ops]))
        out = []
        for _ in range(len(ops) + 2):
            if r.remaining() < 9:
                break
            t, done, e = r.int(), r.bool(), r.int()
            if done:
                break
            if t == OP["error"]:
                out.append(("error", ERR.get(r.int(), e)))
            elif t in (OP["create"],):
                out.append(("create", r.string()))
            elif t in (OP["create2"], OP["createContainer"], OP["createTTL"]):
                out.append(("create2", r.string(), r.stat()))
            elif t == OP["setData"]:
                out.append(("setData", r.stat()))
            elif t in (OP["delete"], OP["check"]):
                out.append((("delete" if t == OP["delete"] else "check"),))
            else:
                out.append(("type%d" % t,))
                break
        return ERR.get(err, err), out

    def add_auth(self, scheme, auth):
        self.submit(OP["auth"], body_auth(scheme, auth), xid=AUTH_XID)
        deadline = time.monotonic() + self.timeout
        for _ in range(10000):
            rxid, _, err, r = self.read_reply(max(0.01, deadline - time.monotonic()))
            if rxid == WATCH_XID:
                self._record_event(r)
                continue
            if rxid == AUTH_XID:
                return ERR.get(err, err)
        raise socket.timeout("no auth reply")
