"""Hostile and malformed input.  After every scenario the server process must
still be running (checked by the harness) and a fresh kazoo client must be
able to create/read/delete.  Outcomes on the socket are compared with Apache
at a coarse level (closed / open / replied)."""

import random
import socket
import struct
import time
import unittest

import harness
from harness import DiffCase, ZkServer, wait_until, LOOPBACK
import zkwire


def outcome(sock, timeout=3.0):
    """'closed' if the server closes/resets, 'open' if it stays silent, else 'data'."""
    deadline = time.monotonic() + timeout
    got = b""
    try:
        for _ in range(10000):
            left = deadline - time.monotonic()
            if left <= 0:
                return "open" if not got else "data"
            sock.settimeout(left)
            b = sock.recv(65536)
            if not b:
                return "closed" if not got else "data+closed"
            got += b
    except socket.timeout:
        return "open" if not got else "data"
    except (ConnectionResetError, BrokenPipeError):
        return "closed" if not got else "data+closed"
    return "data"


def connect(port):
    s = socket.create_connection((LOOPBACK, port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def rss_mb(server):
    with open("/proc/%d/status" % server.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def send_quiet(sock, data):
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


class HostileTests(DiffCase):
    CFG = {"maxClientCnxns": "10"}
    _servers = {}

    def server_for(self, kind):
        s = self._servers.get(kind)
        if s is None or not s.alive():
            if s is not None:
                s.destroy()
            s = ZkServer(kind, name="hostile-" + kind, cfg=self.CFG)
            type(self)._servers[kind] = s
            s.start()
        return s

    @classmethod
    def tearDownClass(cls):
        for s in cls._servers.values():
            s.destroy()
        cls._servers = {}

    def assert_healthy(self, t):
        self.assertTrue(t.server.alive(), "server process exited (rc=%s)" % t.server.returncode())
        c = harness.kazoo_client(t.hosts, timeout=10.0)
        try:
            p = c.create("/it_hostile_probe", b"ok", ephemeral=True, sequence=True)
            self.assertEqual(c.get(p)[0], b"ok")
            c.delete(p)
        finally:
            harness.stop_kazoo(c)

    def handshake(self, t):
        r = zkwire.RawClient(LOOPBACK, t.port, timeout=5.0)
        t._raws.append(r)
        resp = r.connect(timeout_ms=10000)
        self.assertGreater(resp["timeOut"], 0)
        return r

    # ---------------------------------------------------------- framing

    def scenario_garbage_bytes(self, t):
        rnd = random.Random(1234)
        outs = []
        for i in range(5):
            s = connect(t.port)
            blob = bytes(rnd.getrandbits(8) for _ in range(64))
            send_quiet(s, blob)
            outs.append(outcome(s, 2.0))
            s.close()
        t.record("garbage_first_packet", sorted(set(outs)))
        # garbage after a valid handshake
        r = self.handshake(t)
        send_quiet(r.sock, b"\x00\x00\x00\x10" + b"\xff" * 16)
        t.record("garbage_after_handshake", outcome(r.sock, 3.0))
        self.assert_healthy(t)

    def scenario_client_that_never_reads(self, t):
        """Pipelined reads of a large node from a client that never reads its
        socket: the server must stop reading from it (backpressure) instead of
        buffering every reply. Memory is checked on zkdash (the JVM's RSS says
        little); both servers must stay healthy."""
        c = harness.kazoo_client(t.hosts, timeout=10.0)
        try:
            if not c.exists("/it_big"):
                c.create("/it_big", b"b" * (512 * 1024))
        finally:
            harness.stop_kazoo(c)
        r = self.handshake(t)
        rss_before = rss_mb(t.server) if t.kind == "zkdash" else 0
        request = zkwire.enc_int(1) + zkwire.enc_int(4) + zkwire.enc_string("/it_big") + b"\x00"
        frame = struct.pack(">i", len(request)) + request
        # Many requests per TCP segment, so one read on the server holds
        # hundreds of them: 4000 replies of 512 KB would be 2 GB if buffered.
        blob = memoryview(frame * 4000)
        r.sock.setblocking(False)
        deadline = time.monotonic() + 5.0
        while blob and time.monotonic() < deadline:
            try:
                blob = blob[r.sock.send(blob[:32768]):]
            except (BlockingIOError, InterruptedError):
                time.sleep(0.01)
            except OSError:
                break
        time.sleep(1.0)
        if t.kind == "zkdash":
            grown = rss_mb(t.server) - rss_before
            self.assertLess(grown, 200, "server buffered %d MB of replies for a client that never reads" % grown)
        r.sock.close()
        self.assert_healthy(t)

    def scenario_negative_length(self, t):
        s = connect(t.port)
        send_quiet(s, struct.pack(">i", -1) + b"\x00" * 16)
        t.record("before_handshake", outcome(s, 3.0))
        s.close()
        r = self.handshake(t)
        send_quiet(r.sock, struct.pack(">i", -5) + b"\x00" * 8)
        t.record("after_handshake", outcome(r.sock, 3.0))
        self.assert_healthy(t)

    def scenario_huge_length(self, t):
        s = connect(t.port)
        send_quiet(s, struct.pack(">i", 0x7FFFFFFF) + b"\x00" * 64)
        t.record("before_handshake", outcome(s, 3.0))
        s.close()
        r = self.handshake(t)
        send_quiet(r.sock, struct.pack(">i", 0x7FFFFFFF) + b"\x00" * 64)
        t.record("after_handshake", outcome(r.sock, 3.0))
        r2 = self.handshake(t)
        send_quiet(r2.sock, struct.pack(">i", 1024 * 1024 + 1) + b"\x00" * 64)  # just over jute.maxbuffer
        t.record("just_over_maxbuffer", outcome(r2.sock, 3.0))
        self.assert_healthy(t)

    def scenario_truncated_frame_then_close(self, t):
        for n in range(5):
            s = connect(t.port)
            send_quiet(s, struct.pack(">i", 100) + b"\x00" * 10)
            s.close()
        r = self.handshake(t)
        send_quiet(r.sock, struct.pack(">i", 200) + struct.pack(">ii", 1, 4) + b"\x00\x00")
        r.close_socket()
        s = connect(t.port)
        send_quiet(s, b"\x00\x00")          # not even a whole length prefix
        s.close()
        self.assert_healthy(t)
        t.record("survived", True)

    def scenario_zero_length_frames(self, t):
        s = connect(t.port)
        send_quiet(s, struct.pack(">i", 0))
        t.record("zero_before_handshake", outcome(s, 3.0))
        s.close()
        r = self.handshake(t)
        send_quiet(r.sock, struct.pack(">i", 0))
        t.record("zero_after_handshake", outcome(r.sock, 3.0))
        self.assert_healthy(t)

    def scenario_request_before_connect(self, t):
        s = connect(t.port)
        body = struct.pack(">ii", 1, 4) + zkwire.enc_string("/") + b"\x00"
        send_quiet(s, zkwire.frame(body))
        t.record("getData_as_first_packet", outcome(s, 3.0))
        s.close()
        s = connect(t.port)
        send_quiet(s, zkwire.frame(struct.pack(">ii", -2, 11)))          # a ping first
        t.record("ping_as_first_packet", outcome(s, 3.0))
        s.close()
        self.assert_healthy(t)

    def scenario_malformed_connect_requests(self, t):
        cases = {
            "short_connect": zkwire.frame(b"\x00\x00\x00\x00\x00"),
            "passwd_len_huge": zkwire.frame(struct.pack(">iqiq", 0, 0, 10000, 0) + struct.pack(">i", 1000000)),
            "passwd_len_negative_big": zkwire.frame(struct.pack(">iqiq", 0, 0, 10000, 0) + struct.pack(">i", -7)),
            "negative_timeout": zkwire.connect_request(timeout_ms=-1),
            "zero_timeout": zkwire.connect_request(timeout_ms=0),
            "future_last_zxid": zkwire.connect_request(last_zxid=0x7FFFFFFFFFFF),
        }
        out = {}
        for name, payload in cases.items():
            s = connect(t.port)
            send_quiet(s, payload)
            res = outcome(s, 2.0)
            out[name] = res
            s.close()
        t.record("outcomes", out)
        self.assert_healthy(t)

    # ---------------------------------------------------------- after a handshake

    def scenario_unknown_opcode(self, t):
        """Each unknown opcode on its own fresh session: the reply, then whether
        the connection is still usable (Apache answers Unimplemented and closes)."""
        res = {}
        for op in (999, 50, -77, 0, 10):
            r = self.handshake(t)
            try:
                err, zxid, body = r.call(op, zkwire.enc_string("/"), timeout=3)
                reply = ("reply", zkwire.ERR.get(err, err))
            except zkwire.ConnectionClosed:
                reply = ("closed",)
            except socket.timeout:
                reply = ("no reply",)
            after = "closed"
            if reply[0] == "reply":
                time.sleep(0.2)
                try:
                    r.ping()
                    after = "open"
                except Exception:
                    after = "closed"
            res[op] = reply + (after,)
            r.close_socket()
        t.record("unknown_ops", res)
        self.assert_healthy(t)

    def scenario_truncated_request_body(self, t):
        r = self.handshake(t)
        # getData header with no body
        r.submit(zkwire.OP["getData"], b"")
        try:
            xid, zxid, err, _ = r.read_reply(3)
            t.record("getData_no_body", ("reply", zkwire.ERR.get(err, err)))
        except zkwire.ConnectionClosed:
            t.record("getData_no_body", "closed")
        except socket.timeout:
            t.record("getData_no_body", "no reply")
        r2 = self.handshake(t)
        # create whose ACL vector claims a billion entries
        body = zkwire.enc_string("/it_bad") + zkwire.enc_buffer(b"") + struct.pack(">i", 1000000000)
        r2.submit(zkwire.OP["create"], body)
        try:
            xid, zxid, err, _ = r2.read_reply(3)
            t.record("create_huge_acl_count", ("reply", zkwire.ERR.get(err, err)))
        except zkwire.ConnectionClosed:
            t.record("create_huge_acl_count", "closed")
        except socket.timeout:
            t.record("create_huge_acl_count", "no reply")
        c = harness.kazoo_client(t.hosts)
        try:
            t.record("bad_node_absent", c.exists("/it_bad") is None)
        finally:
            harness.stop_kazoo(c)
        self.assert_healthy(t)

    def scenario_pipelined_flood_then_close(self, t):
        r = self.handshake(t)
        req = zkwire.frame(struct.pack(">ii", 1, zkwire.OP["exists"]) + zkwire.body_path_watch("/", False))
        sent = 0
        deadline = time.monotonic() + 5
        r.sock.settimeout(2)
        try:
            for i in range(5000):
                if time.monotonic() > deadline:
                    break
                r.sock.sendall(req)
                sent += 1
        except OSError:
            pass
        r.close_socket()
        t.record("sent_some", sent > 100)
        self.assert_healthy(t)

    def scenario_slow_client_does_not_block_others(self, t):
        s = connect(t.port)
        payload = zkwire.connect_request()
        t0 = time.monotonic()
        healthy_during = None
        for i, byte in enumerate(payload[:20]):
            send_quiet(s, bytes([byte]))
            time.sleep(0.05)
            if i == 10:
                c = harness.kazoo_client(t.hosts, timeout=10)
                try:
                    healthy_during = c.exists("/") is not None
                finally:
                    harness.stop_kazoo(c)
        s.close()
        t.record("other_clients_served", healthy_during)
        self.assertTrue(healthy_during)
        self.assert_healthy(t)

    def scenario_partial_four_letter_word(self, t):
        s = connect(t.port)
        send_quiet(s, b"ru")
        s.shutdown(socket.SHUT_WR)
        t.record("ru", outcome(s, 3.0))
        s.close()
        self.assert_healthy(t)

    # ---------------------------------------------------------- connection volume

    def scenario_500_quick_connections(self, t):
        refused = 0
        t0 = time.monotonic()
        for i in range(500):
            if time.monotonic() - t0 > 60:
                break
            try:
                s = socket.create_connection((LOOPBACK, t.port), timeout=5)
                if i % 5 == 0:
                    send_quiet(s, zkwire.connect_request(timeout_ms=4000))
                s.close()
            except OSError:
                refused += 1
                time.sleep(0.01)
        self.assertLess(refused, 50, "most of 500 connections must be accepted")
        # sessions created by the handshakes above (never closed) must not stop service
        self.assert_healthy(t)

    def scenario_max_client_cnxns(self, t):
        limit = int(self.CFG["maxClientCnxns"])
        held = []
        for i in range(limit):
            held.append(self.handshake(t))
        extra = zkwire.RawClient(LOOPBACK, t.port, timeout=3.0)
        t._raws.append(extra)
        state = None
        try:
            extra.open_socket()
            resp = extra.connect(timeout_ms=10000)
            state = "accepted" if resp["timeOut"] > 0 else "refused-in-handshake"
        except (zkwire.ConnectionClosed, ConnectionResetError, BrokenPipeError):
            state = "closed"
        except socket.timeout:
            state = "no reply"
        t.record("extra_connection", state)
        self.assertEqual(state, "closed", "connection %d from one address must be refused" % (limit + 1))
        alive = []
        for r in held:
            try:
                alive.append(r.ping() == 0)
            except Exception:
                alive.append(False)
        t.record("held_still_work", all(alive))
        self.assertTrue(all(alive))
        # a 4lw connection is a connection too
        t.record("4lw_at_limit", (t.server.four("ruok") or "<closed>"))
        held[0].close_session()
        held.pop(0)
        r = None
        ok = wait_until(lambda: self._try_handshake(t), 5.0, 0.1)
        t.record("slot_freed", bool(ok))
        self.assertTrue(ok, "after closing one connection a new one must be accepted")
        for r in held:
            try:
                r.close_session()
            except Exception:
                pass
        wait_until(lambda: self._try_handshake(t), 5.0, 0.1)
        self.assert_healthy(t)

    def _try_handshake(self, t):
        c = zkwire.RawClient(LOOPBACK, t.port, timeout=2.0)
        try:
            c.open_socket()
            ok = c.connect(timeout_ms=4000)["timeOut"] > 0
            if ok:
                c.close_session()
            return ok
        except Exception:
            return False
        finally:
            c.close_socket()


if __name__ == "__main__":
    unittest.main()
