#!/usr/bin/python3
"""Poll benchmark of `zkdash status` (run by hand, not in CI).

usage: /usr/bin/python3 scripts/bench/monitor_bench.py [--nodes 7] [--fast-count 200]
           [--fast-interval 0.05] [--slow-count 30] [--skip-zktop] [--skip-apache]
           [--apache-standalone] [--with-admin]

For each server set (7 embedded zkdash standalone servers with whitelist *,
then 7 Apache 3.8 servers: a 7-voter ensemble, or 7 standalone servers with
--apache-standalone or when the ensemble does not come up):

  fast   zkdash status --servers <7> --json --watch --count 200 --interval 0.05 --stats
         -> rounds / wall_ms_avg / cpu_ms_avg from the `--stats` line on stderr
  1 Hz   zkdash status --servers <7> --json --watch --count 30 --interval 1
         -> utime+stime of the process (/proc/<pid>/stat while it runs, wait4
            rusage at exit) / wall time = % of one core
  zktop  Debian zktop (curses, polls `stat` every 3 s) under a pseudo-terminal
         for 30 s against the same servers, CPU % the same way (skipped with a
         note if it does not run)

Prints a markdown table.  ZKDASH_BIN selects the binary (default
.build/debug/zkdash; use a release build for meaningful figures:
`swift build -c release` and ZKDASH_BIN=.build/release/zkdash).
Everything binds 127.0.0.1; every process started here is stopped on exit.
"""

import argparse
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "interop"))

import harness  # noqa: E402
from ensemble import ApacheEnsemble  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
STATS_RE = re.compile(r"rounds=(\d+)\s+wall_ms_avg=([0-9.]+)\s+cpu_ms_avg=([0-9.]+)")


def proc_cpu_seconds(pid):
    """utime+stime of pid from /proc/<pid>/stat, in seconds (None if gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime = field 14, stime = field 15
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class Measured:
    def __init__(self):
        self.rc = None
        self.wall = None
        self.cpu_rusage = None
        self.cpu_proc = None
        self.stdout_lines = 0
        self.stderr = ""


def run_measured(cmd, limit, env=None, stdin=subprocess.DEVNULL):
    """Runs cmd, sampling /proc/<pid>/stat, reaping with wait4 for the exact rusage."""
    m = Measured()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=harness._pdeathsig, env=env)
    err = []

    def drain_out():
        for _ in p.stdout:
            m.stdout_lines += 1

    def drain_err():
        err.append(p.stderr.read().decode("utf-8", "replace"))
    ts = [threading.Thread(target=drain_out, daemon=True), threading.Thread(target=drain_err, daemon=True)]
    for t in ts:
        t.start()
    deadline = t0 + limit
    status = None
    try:
        for _ in range(int(limit / 0.2) + 10):
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                status = st
                m.cpu_rusage = ru.ru_utime + ru.ru_stime
                break
            c = proc_cpu_seconds(p.pid)
            if c is not None:
                m.cpu_proc = c
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        if status is None:
            p.kill()
            _, status, ru = os.wait4(p.pid, 0)
            m.cpu_rusage = ru.ru_utime + ru.ru_stime
            m.rc = "killed after %.0fs" % limit
    m.wall = time.monotonic() - t0
    if m.rc is None:
        m.rc = os.waitstatus_to_exitcode(status)
    p.returncode = m.rc if isinstance(m.rc, int) else -9
    for t in ts:
        t.join(5)
    m.stderr = "".join(err)
    return m


def zkdash_status_cmd(servers, *extra):
    return [harness.zkdash_bin(), "status", "--servers", servers] + list(extra)


def bench_fast(servers, count, interval):
    base = zkdash_status_cmd(servers, "--json", "--watch", "--count", str(count), "--interval", str(interval),
                             "--timeout", "1")
    m = run_measured(base + ["--stats"], limit=count * (interval + 3) + 60)
    r = {"rc": m.rc, "lines": m.stdout_lines, "wall_s": m.wall, "cpu_s": m.cpu_rusage, "stats": None}
    hit = STATS_RE.search(m.stderr)
    if hit:
        r["stats"] = {"rounds": int(hit.group(1)), "wall_ms_avg": float(hit.group(2)),
                      "cpu_ms_avg": float(hit.group(3)), "from": "--stats"}
        return r
    note = "no --stats line on stderr (exit %s: %r)" % (m.rc, m.stderr.strip()[-200:])
    if m.rc == 64:
        # the binary does not take --stats: measure from outside instead
        m = run_measured(base, limit=count * (interval + 3) + 60)
        r = {"rc": m.rc, "lines": m.stdout_lines, "wall_s": m.wall, "cpu_s": m.cpu_rusage, "stats": None}
        note += "; measured without --stats: wall/round = process wall / JSON lines (includes the " \
                "interval sleeps and startup), cpu/round = wait4 CPU / JSON lines"
        if m.stdout_lines:
            r["stats"] = {"rounds": m.stdout_lines, "wall_ms_avg": 1000.0 * m.wall / m.stdout_lines,
                          "cpu_ms_avg": 1000.0 * m.cpu_rusage / m.stdout_lines, "from": "outside"}
    r["note"] = note
    return r


def bench_1hz(servers, count):
    cmd = zkdash_status_cmd(servers, "--json", "--watch", "--count", str(count), "--interval", "1",
                            "--timeout", "1")
    m = run_measured(cmd, limit=count * 4 + 60)
    return {"rc": m.rc, "lines": m.stdout_lines, "wall_s": m.wall, "cpu_s": m.cpu_rusage,
            "cpu_proc_s": m.cpu_proc, "cpu_pct": 100.0 * m.cpu_rusage / m.wall if m.wall else None,
            "stderr": m.stderr.strip()[-300:]}


def bench_zktop(servers, seconds):
    """zktop under a pty (it is a curses program); 'q' after `seconds`."""
    exe = shutil.which("zktop")
    if not exe:
        return {"note": "zktop not installed"}
    master, slave = pty.openpty()
    try:
        import fcntl
        import termios
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    except Exception:
        pass
    env = dict(os.environ, TERM="xterm", LINES="50", COLUMNS="160")
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/python3", exe, "--servers", servers, "--timeout", "1", "--logfile", ""],
                         stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=_setsid_pdeathsig,
                         close_fds=True)
    os.close(slave)
    out = []
    cpu_proc = None
    stop_at = t0 + seconds
    try:
        for _ in range(int(seconds / 0.1) + 200):
            r, _, _ = select.select([master], [], [], 0.1)
            if r:
                try:
                    out.append(os.read(master, 65536))
                except OSError:
                    break
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                wall = time.monotonic() - t0
                return {"note": "zktop exited early (status %s) after %.1fs: %r" % (
                    os.waitstatus_to_exitcode(st), wall, b"".join(out)[-300:])}
            c = proc_cpu_seconds(p.pid)
            if c is not None:
                cpu_proc = c
            if time.monotonic() >= stop_at:
                break
        wall = time.monotonic() - t0
        os.write(master, b"q")
        deadline = time.monotonic() + 5
        status = None
        for _ in range(100):
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                status = st
                break
            if time.monotonic() > deadline:
                break
            try:
                r, _, _ = select.select([master], [], [], 0.05)
                if r:
                    os.read(master, 65536)
            except OSError:
                time.sleep(0.05)
        if status is None:
            os.kill(p.pid, signal.SIGKILL)
            _, st, ru = os.wait4(p.pid, 0)
        cpu = ru.ru_utime + ru.ru_stime
        screen = b"".join(out)
        shown = screen.count(b"127.0.0.1")
        return {"wall_s": wall, "cpu_s": cpu, "cpu_proc_s": cpu_proc, "cpu_pct": 100.0 * cpu / wall,
                "note": "curses under a pty; polls stat every 3 s; %d bytes of screen output%s" % (
                    len(screen), "" if shown else ", no server rows seen")}
    finally:
        p.returncode = 0
        try:
            os.close(master)
        except OSError:
            pass


def _setsid_pdeathsig():
    os.setsid()
    try:
        import fcntl
        import termios
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    except Exception:
        pass
    harness._pdeathsig()


def start_zkdash(n):
    servers = []
    try:
        for i in range(n):
            s = harness.ZkServer("zkdash", name="bench-zkdash-%d" % i, whitelist="*")
            servers.append(s)
            s.start()
    except BaseException:
        for s in servers:
            s.destroy()
        raise
    return servers, ",".join(s.hosts for s in servers)


def start_apache(n, standalone=False, with_admin=False):
    """A 7-voter ensemble (fallback: n standalone servers).  Returns (objects, servers arg, label)."""
    if not standalone:
        ens = ApacheEnsemble(voters=n, whitelist="*", admin=with_admin, client_in_server_line=True)
        try:
            ens.start(timeout=90)
            return [ens], ens.servers_arg(with_admin=with_admin), "Apache 3.8, %d-voter ensemble" % n
        except Exception as e:
            sys.stderr.write("apache %d-voter ensemble did not come up (%s); using %d standalone servers\n"
                             % (n, str(e).splitlines()[0], n))
            ens.destroy()
    objs = []
    try:
        for i in range(n):
            e = ApacheEnsemble(voters=1, standalone=True, whitelist="*", admin=with_admin)
            objs.append(e)
            e.start(timeout=90)
    except BaseException:
        for e in objs:
            e.destroy()
        raise
    arg = ",".join(e.servers_arg(with_admin=with_admin) for e in objs)
    return objs, arg, "Apache 3.8, %d standalone servers" % n


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=7)
    ap.add_argument("--fast-count", type=int, default=200)
    ap.add_argument("--fast-interval", type=float, default=0.05)
    ap.add_argument("--slow-count", type=int, default=30)
    ap.add_argument("--zktop-seconds", type=float, default=30)
    ap.add_argument("--skip-zktop", action="store_true")
    ap.add_argument("--skip-apache", action="store_true")
    ap.add_argument("--apache-standalone", action="store_true")
    ap.add_argument("--with-admin", action="store_true", help="pass @adminPort for the Apache servers")
    args = ap.parse_args()
    harness.install_signal_handlers()
    if os.environ.get("ZKDASH_BIN"):
        # servers run with their work dir as cwd: a relative path would not be found there
        os.environ["ZKDASH_BIN"] = os.path.abspath(os.environ["ZKDASH_BIN"])
    b = harness.zkdash_bin()
    if not os.access(b, os.X_OK):
        sys.exit("zkdash binary not found: %s" % b)
    helptext = subprocess.run([b, "status", "--help"], capture_output=True, timeout=20).stdout.decode("utf-8", "replace")
    if "--servers" not in helptext:
        sys.exit("%s has no `status` subcommand" % b)

    rows = []
    sets = [("zkdash", None)] + ([] if args.skip_apache else [("apache", None)])
    try:
        for kind, _ in sets:
            t0 = time.monotonic()
            if kind == "zkdash":
                objs, servers = start_zkdash(args.nodes)
                label = "zkdash server, %d standalone" % args.nodes
                cleanup = [s.destroy for s in objs]
            else:
                objs, servers, label = start_apache(args.nodes, args.apache_standalone, args.with_admin)
                cleanup = [o.destroy for o in objs]
            sys.stderr.write("%s up in %.1fs\n" % (label, time.monotonic() - t0))
            try:
                sys.stderr.write("  fast: %d rounds at %gs...\n" % (args.fast_count, args.fast_interval))
                fast = bench_fast(servers, args.fast_count, args.fast_interval)
                sys.stderr.write("  1 Hz: %d rounds...\n" % args.slow_count)
                slow = bench_1hz(servers, args.slow_count)
                zk = {"note": "skipped (--skip-zktop)"}
                if not args.skip_zktop:
                    sys.stderr.write("  zktop: %.0fs...\n" % args.zktop_seconds)
                    zk = bench_zktop(servers, args.zktop_seconds)
                rows.append((label, fast, slow, zk))
            finally:
                for c in cleanup:
                    try:
                        c()
                    except Exception:
                        pass
    finally:
        harness.cleanup_all()

    print()
    print("zkdash: `%s` (%d nodes)" % (b, args.nodes))
    print()
    print("| servers | fast rounds | wall ms/round | cpu ms/round | 1 Hz CPU %% (%d rounds) | zktop CPU %% (%.0f s) |"
          % (args.slow_count, args.zktop_seconds))
    print("| --- | --- | --- | --- | --- | --- |")
    notes = []
    for label, fast, slow, zk in rows:
        st = fast.get("stats") or {}
        rounds = st.get("rounds")
        if fast.get("note"):
            notes.append("%s fast run: %s (exit %s)" % (label, fast.get("note"), fast["rc"]))
        if fast["rc"] not in (0, 1):
            notes.append("%s fast run exit %s" % (label, fast["rc"]))
        if slow["rc"] not in (0, 1):
            notes.append("%s 1 Hz run exit %s: %s" % (label, slow["rc"], slow.get("stderr")))
        if zk.get("note"):
            notes.append("%s zktop: %s" % (label, zk["note"]))
        print("| %s | %s | %s | %s | %s | %s |" % (
            label, ("%d" % rounds if st.get("from") == "--stats" else "%d (outside)" % rounds)
            if rounds is not None else "%d lines" % fast["lines"],
            fmt(st.get("wall_ms_avg"), "%.2f"), fmt(st.get("cpu_ms_avg"), "%.2f"),
            fmt(slow.get("cpu_pct"), "%.2f"), fmt(zk.get("cpu_pct"), "%.2f")))
    print()
    for label, fast, slow, zk in rows:
        print("- %s: fast run %.1fs wall, %.2fs CPU (wait4) for %d JSON lines; 1 Hz run %.1fs wall, "
              "%.2fs CPU (wait4; last /proc sample %s s)" % (
                  label, fast["wall_s"], fast["cpu_s"] or 0, fast["lines"], slow["wall_s"], slow["cpu_s"] or 0,
                  fmt(slow.get("cpu_proc_s"), "%.2f")))
    for n in notes:
        print("- note: %s" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
