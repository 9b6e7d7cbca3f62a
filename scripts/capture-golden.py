#!/usr/bin/python3
"""Capture golden bytes for Tests/ZooKeeperProtocolTests from peers we did not write.

  * Request frames come from kazoo's own serializers (python3-kazoo,
    kazoo.protocol.serialization); the few ops kazoo 2.8 lacks are hand-built
    here and only their *replies* count as golden.
  * Reply frames come from a real Apache ZooKeeper 3.8 server (Debian package
    `zookeeper`) that this script starts standalone on 127.0.0.1 with a
    throwaway dataDir, talks to over a raw socket, and stops again.

Run from the package root with the system python (kazoo is not in venvs):

    /usr/bin/python3 scripts/capture-golden.py [--port 22181] \
        > Tests/ZooKeeperProtocolTests/GoldenCaptures.swift

zxids, times, session ids and passwords differ on every run; the tests only
assert fields that are predictable and that re-encoding reproduces the bytes.
Only loopback is ever used. DEBUG_GOLDEN=1 also prints each reply to stderr;
KEEP_ZK_WORKDIR=1 keeps the temporary dataDir and server.log.
"""

import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

from kazoo.protocol.serialization import (
    Auth, CheckVersion, Close, Connect, Create, Create2, Delete, Exists,
    GetACL, GetChildren, GetChildren2, GetData, Ping, Reconfig, SetACL,
    SetData, Sync, Transaction, MultiHeader,
)
from kazoo.security import OPEN_ACL_UNSAFE

HOST = "127.0.0.1"
JARS = ["zookeeper", "zookeeper-jute", "slf4j-api", "slf4j-simple", "netty-all",
        "commons-cli", "metrics-core", "snappy-java"]

# name -> (comment, bytes); emitted in insertion order.
CAPTURES = {}


def record(name, comment, data):
    CAPTURES[name] = (comment, bytes(data))


def start_server(port):
    workdir = tempfile.mkdtemp(prefix="zk-golden-", dir="/tmp")
    os.makedirs(os.path.join(workdir, "data"))
    cfg = os.path.join(workdir, "zoo.cfg")
    with open(cfg, "w") as f:
        f.write("tickTime=2000\n"
                f"dataDir={workdir}/data\n"
                f"clientPort={port}\n"
                f"clientPortAddress={HOST}\n"
                "admin.enableServer=false\n"
                "extendedTypesEnabled=true\n")
    classpath = ":".join(f"/usr/share/java/{jar}.jar" for jar in JARS)
    log = open(os.path.join(workdir, "server.log"), "w")
    proc = subprocess.Popen(
        ["java", "-cp", classpath,
         "org.apache.zookeeper.server.ZooKeeperServerMain", cfg],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        # The port opens before the server accepts sessions ("ZooKeeperServer
        # not running"), so wait for a real ConnectResponse.
        try:
            probe = Conn(port)
            probe.send_body(Connect(0, 0, 10000, 0, b"\x00" * 16, False).serialize())
            probe.recv_frame()
            probe.sock.close()
            return proc, workdir
        except (OSError, EOFError):
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    sys.exit(f"ZooKeeper did not start; see {workdir}/server.log")


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=10)
        self.xid = 0

    def send_body(self, body):
        self.sock.sendall(struct.pack("!i", len(body)) + bytes(body))

    def recv_exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise EOFError("server closed the connection")
            out += chunk
        return out

    def recv_raw_frame(self):
        """The frame with its length prefix, as it came off the socket."""
        head = self.recv_exact(4)
        return head + self.recv_exact(struct.unpack("!i", head)[0])

    def recv_frame(self):
        return self.recv_raw_frame()[4:]

    def request(self, name, comment, op, type_=None, body=None, xid=None,
                kazoo=True):
        """Sends one request and records request and reply bodies."""
        if xid is None:
            self.xid += 1
            xid = self.xid
        payload = op.serialize() if body is None else body
        frame = struct.pack("!ii", xid, op.type if type_ is None else type_) + payload
        if kazoo:
            record(name + "Request", f"kazoo 2.8 request frame body: {comment}", frame)
        self.send_body(frame)
        # Watch notifications (xid -1) may arrive first; keep them too.
        while True:
            reply = self.recv_frame()
            if struct.unpack_from("!i", reply)[0] != -1 or xid == -1:
                break
            record(name + "Notification",
                   f"Apache ZooKeeper 3.8 notification frame body triggered by: {comment}", reply)
        if os.environ.get("DEBUG_GOLDEN"):
            print(name, reply.hex(), file=sys.stderr)
        record(name + "Reply", f"Apache ZooKeeper 3.8 reply frame body: {comment}", reply)
        return reply


def jstr(s):
    b = s.encode()
    return struct.pack("!i", len(b)) + b


def multi_body(ops):
    """Hand-built MultiOperationRecord for op types kazoo cannot express."""
    out = b""
    for type_, body in ops:
        out += MultiHeader(type_, False, -1).serialize() + body
    return out + MultiHeader(-1, True, -1).serialize()


def open_acl():
    return struct.pack("!i", 1) + struct.pack("!i", 31) + jstr("world") + jstr("anyone")


def capture(port):
    a = Conn(port)
    connect = Connect(0, 0, 10000, 0, b"\x00" * 16, False).serialize()
    record("kazooConnectRequest", "kazoo 2.8 ConnectRequest (with readOnly byte)", connect)
    a.send_body(connect)
    connect_reply = a.recv_frame()
    record("connectReply", "Apache ConnectResponse to a client that sent readOnly", connect_reply)
    session_id = struct.unpack_from("!q", connect_reply, 8)[0]

    a.request("create", "create /golden data 'hello' OPEN_ACL_UNSAFE persistent",
              Create("/golden", b"hello", OPEN_ACL_UNSAFE, 0))
    a.request("create2", "create2 /golden/child with empty data",
              Create2("/golden/child", b"", OPEN_ACL_UNSAFE, 0))
    a.request("createEphemeralSequential", "create /golden/seq- ephemeral sequential",
              Create("/golden/seq-", b"x", OPEN_ACL_UNSAFE, 3))
    a.request("createNullData", "create /golden/nulldata with null data",
              Create("/golden/nulldata", None, OPEN_ACL_UNSAFE, 0))
    a.request("createExisting", "create /golden again: nodeExists",
              Create("/golden", b"again", OPEN_ACL_UNSAFE, 0))
    a.request("getData", "getData /golden watch=true",
              GetData("/golden", True))
    a.request("getDataNull", "getData /golden/nulldata",
              GetData("/golden/nulldata", False))

    # setData on a watched node: the notification frame comes before the reply.
    a.xid += 1
    frame = struct.pack("!ii", a.xid, SetData.type) + SetData("/golden", b"world", 0).serialize()
    record("setDataRequest", "kazoo 2.8 request frame body: setData /golden 'world' version 0", frame)
    a.send_body(frame)
    notification = a.recv_raw_frame()
    reply = a.recv_raw_frame()
    record("setDataStream", "Apache raw socket bytes (with length prefixes): "
           "NodeDataChanged notification for /golden, then the setData reply",
           notification + reply)

    a.request("existsMissing", "exists /golden/missing: noNode",
              Exists("/golden/missing", False))
    a.request("exists", "exists /golden", Exists("/golden", False))
    a.request("getChildren2", "getChildren2 /golden", GetChildren2("/golden", False))
    a.request("getChildren", "getChildren /golden", GetChildren("/golden", False))
    a.request("getACL", "getACL /golden", GetACL("/golden"))
    a.request("setACL", "setACL /golden OPEN_ACL_UNSAFE version 0",
              SetACL("/golden", OPEN_ACL_UNSAFE, 0))
    a.request("sync", "sync /golden", Sync("/golden"))
    a.request("multi", "multi: create /golden/m1, setData /golden/m1, check /golden v1, delete /golden/m1",
              Transaction([Create("/golden/m1", b"m", OPEN_ACL_UNSAFE, 0),
                           SetData("/golden/m1", b"mm", -1),
                           CheckVersion("/golden", 1),
                           Delete("/golden/m1", -1)]))
    a.request("multiFailed", "multi: create /golden/m2, check /golden v99 (fails), delete /golden/child",
              Transaction([Create("/golden/m2", b"", OPEN_ACL_UNSAFE, 0),
                           CheckVersion("/golden", 99),
                           Delete("/golden/child", -1)]))
    a.request("multiCreates", "multi (hand-built): create2 /golden/c2, createContainer /golden/cc, "
              "createTTL /golden/ttl ttl 60000",
              Transaction([]), body=multi_body([
                  (15, Create2("/golden/c2", b"", OPEN_ACL_UNSAFE, 0).serialize()),
                  (19, Create("/golden/cc", b"", OPEN_ACL_UNSAFE, 4).serialize()),
                  (21, jstr("/golden/ttl") + struct.pack("!i", 0) + open_acl()
                   + struct.pack("!iq", 5, 60000)),
              ]), kazoo=False)
    a.request("multiRead", "multiRead (hand-built): getChildren /golden/child, getData /golden, "
              "getData /golden/missing",
              Transaction([]), type_=22, body=multi_body([
                  (8, jstr("/golden/child") + b"\x00"),
                  (4, jstr("/golden") + b"\x00"),
                  (4, jstr("/golden/missing") + b"\x00"),
              ]), kazoo=False)
    a.request("getAllChildrenNumber", "getAllChildrenNumber /golden (hand-built request)",
              Ping(), type_=104, body=jstr("/golden"), kazoo=False)
    a.request("getEphemerals", "getEphemerals / (hand-built request)",
              Ping(), type_=103, body=jstr("/"), kazoo=False)
    a.request("whoAmI", "whoAmI (hand-built request)", Ping(), type_=107, body=b"", kazoo=False)
    a.request("addWatch", "addWatch /golden persistentRecursive (hand-built request)",
              Ping(), type_=106, body=jstr("/golden") + struct.pack("!i", 1), kazoo=False)
    a.request("removeWatchesMissing", "removeWatches /golden/child any: noWatcher (hand-built request)",
              Ping(), type_=18, body=jstr("/golden/child") + struct.pack("!i", 3), kazoo=False)
    a.request("createTTL", "createTTL /golden/ttl2 ttl 5000 (hand-built request)",
              Ping(), type_=21, body=jstr("/golden/ttl2") + struct.pack("!i", 1) + b"t" + open_acl()
              + struct.pack("!iq", 5, 5000), kazoo=False)
    a.request("deleteNotEmpty", "delete /golden: notEmpty", Delete("/golden", -1))
    a.request("reconfig", "reconfig with null server lists: reconfig disabled",
              Reconfig(None, None, None, -1))
    a.request("auth", "addAuth digest user:pw", Auth(0, "digest", "user:pw"), xid=-4)
    a.request("ping", "ping", Ping(), xid=-2)
    a.request("setWatches2", "setWatches2 relativeZxid 0, data watch /golden/nulldata (hand-built request)",
              Ping(), type_=105, xid=-8, body=struct.pack("!q", 0) + struct.pack("!i", 1)
              + jstr("/golden/nulldata") + struct.pack("!iiii", 0, 0, 0, 0), kazoo=False)
    a.request("closeSession", "closeSession", Close())
    a.sock.close()

    # An old client omits the readOnly byte; Apache then omits it in its reply.
    b = Conn(port)
    old = Connect(0, 0, 10000, 0, b"\x00" * 16, False).serialize()[:-1]
    b.send_body(old)
    record("oldClientConnectReply", "Apache ConnectResponse to a client without the readOnly byte",
           b.recv_frame())
    b.sock.close()

    # Reattaching to the closed session: Apache answers with an expired session.
    c = Conn(port)
    c.send_body(Connect(0, 0, 10000, session_id, b"\x00" * 16, False).serialize())
    record("expiredConnectReply", "Apache ConnectResponse when reattaching to a closed session",
           c.recv_frame())
    c.sock.close()

    # Apache answers an unknown opcode with err unimplemented, then closes the
    # session, so this goes on a connection of its own.
    d = Conn(port)
    d.send_body(connect)
    d.recv_frame()
    d.request("unknownOp", "unknown opcode 999 (hand-built request)",
              Ping(), type_=999, body=b"", kazoo=False)
    d.sock.close()


def emit_swift():
    print("// Generated by scripts/capture-golden.py: request frames from kazoo 2.8's")
    print("// serializers, reply frames from a real Apache ZooKeeper 3.8 server. Frame")
    print("// bodies (no length prefix) unless the comment says otherwise. Regenerate with")
    print("//   /usr/bin/python3 scripts/capture-golden.py > Tests/ZooKeeperProtocolTests/GoldenCaptures.swift")
    print("// zxids, times, session ids and passwords change on every capture.")
    print()
    print("enum Golden {")
    for name, (comment, data) in CAPTURES.items():
        print(f"    /// {comment}")
        print(f"    static let {name} = \"{data.hex()}\"")
    print("}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=22181)
    args = parser.parse_args()
    proc, workdir = start_server(args.port)
    try:
        capture(args.port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if os.environ.get("KEEP_ZK_WORKDIR"):
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    emit_swift()


if __name__ == "__main__":
    main()
