#!/usr/bin/python3
"""Runs the out-of-process interop suites.

usage: /usr/bin/python3 tests/interop/run.py [SUITE|SUITE.Class.test ...] [-k PATTERN] [-v] [-j N]

-j N (or INTEROP_JOBS=N) runs the suites in N processes at once, split by their usual
duration; each process gets its own slice of the loopback port ranges (INTEROP_SHARD)
and its output is printed whole when it ends, then one summary for all. The README
test command uses -j 2.

SUITE is one of: kazoo clients four_letter_words hostile restart status monitor demo ensemble telemetry truth security nemesis tls (default: all).
`status` runs `zkdash status` against Apache 3.8 ensembles; ZK_TARGET does not apply to it.
`monitor` runs `zkdash monitor` in tmux against Apache 3.8 and zkdash servers; ZK_TARGET does not apply.
`demo` runs `zkdash demo` (headless, and the dashboard in tmux); ZK_TARGET does not apply.
`ensemble` runs replicated zkdash quorums (ZK_ENSEMBLE=apache: the same tests on Apache); ZK_TARGET does not apply.
`telemetry` runs zkdash quorums (vote/mntr/srvr/conf per role, `zkdash status`) and one Apache check; ZK_TARGET does not apply.
`truth` runs random fault schedules against 3- and 5-node zkdash and 3-node Apache ensembles and checks every
`zkdash status --json --watch` round against each node's own srvr (TRUTH_SEED, TRUTH_SEEDS, TRUTH_STEPS); ZK_TARGET does not apply.
`nemesis` runs CAS registers, sequential creates and ephemerals under kill -9 / restart / SIGSTOP / network partitions
(per-pair loopback proxies) against 3- and 5-node zkdash and 3-node Apache ensembles and checks linearizability, no lost
acknowledged write, unique increasing sequential names, expired ephemerals (NEMESIS_SEED, NEMESIS_SEEDS, NEMESIS_SECONDS, NEMESIS_KEEP); ZK_TARGET does not apply.
`security` checks what zkdash enforces (ACLs, superDigest, maxClientCnxns, jute.maxbuffer, the 4lw whitelist)
against Apache 3.8, then `--read-only` and the demo's loopback / signal rules (tmux); see docs/security.md.
`tls` runs Apache 3.8 with secureClientPort (PEM stores made with openssl), SASL DIGEST-MD5 and digest ACLs
against kazoo, openssl s_client and zkCli, then zkdash status/get/ls/monitor (tmux) with the TLS and identity flags
against it and `zkdash server` with the same zoo.cfg keys (issue 15); ZK_TARGET does not apply.
ZK_TARGET=zkdash|apache|both (default both) selects the server(s) under test.
Prints one line per test and ends with one line `N passed, N failed, N skipped`.
Exit status is non-zero if any test failed or errored.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402

# Wall seconds each suite takes in CI (both targets, debug build; its tests plus its module set-up): `--jobs`
# splits the suites between processes by these. Most of it is waiting (session
# timeouts, elections, fault schedules), which is why two jobs fit on two cores.
SUITE_SECONDS = {
    "kazoo": 47, "clients": 52, "four_letter_words": 16, "hostile": 23, "restart": 35,
    "status": 75, "monitor": 60, "demo": 20, "ensemble": 115, "telemetry": 45, "truth": 199,
    "security": 11, "nemesis": 207, "tls": 51, "tree_transfer": 3, "reconfig": 65,
    "kazoo_upstream": 7,
}

SUITES = ["kazoo", "clients", "four_letter_words", "hostile", "restart", "status", "monitor", "demo", "ensemble", "telemetry", "truth", "security", "nemesis", "tls", "tree_transfer", "reconfig", "kazoo_upstream"]


class LineResult(unittest.TestResult):
    def __init__(self, stream, verbose):
        super().__init__()
        self.stream = stream
        self.verbose = verbose
        self.passed = 0
        self._t0 = None
        self.records = []

    def _name(self, test):
        return test.id().replace("test_", "", 1) if False else test.id()

    def startTest(self, test):
        super().startTest(test)
        self._t0 = time.monotonic()
        if self.verbose:
            self.stream.write("RUN  %s\n" % test.id())
            self.stream.flush()

    def _line(self, status, test, extra=""):
        dt = time.monotonic() - (self._t0 or time.monotonic())
        self.stream.write("%-4s %s (%.1fs)%s\n" % (status, test.id(), dt, extra))
        self.stream.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1
        self._line("PASS", test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line("FAIL", test)
        self._detail(err)

    def addError(self, test, err):
        super().addError(test, err)
        self._line("FAIL", test, " [error]")
        self._detail(err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line("SKIP", test, " - " + reason.splitlines()[0][:300] if reason else "")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.passed += 1
        self._line("PASS", test, " (expected failure)")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line("FAIL", test, " (unexpected success)")

    def _detail(self, err):
        etype, value, tb = err
        if etype is AssertionError or issubclass(etype, AssertionError):
            text = str(value)
        else:
            text = "".join(traceback.format_exception(etype, value, tb, limit=8))
        for line in text.rstrip().splitlines()[:120]:
            self.stream.write("     | %s\n" % line)
        self.stream.flush()


def load(names, pattern):
    loader = unittest.TestLoader()
    if pattern:
        loader.testNamePatterns = ["*%s*" % p for p in pattern]
    suite = unittest.TestSuite()
    errors = []
    for name in names:
        mod_name = name if name.startswith("test_") else "test_" + name
        try:
            if "." in mod_name:
                suite.addTests(loader.loadTestsFromName(mod_name))
            else:
                mod = __import__(mod_name)
                suite.addTests(loader.loadTestsFromModule(mod))
        except Exception:
            errors.append((name, traceback.format_exc()))
    return suite, errors


def split(names, jobs):
    """Suites in `jobs` groups of about equal SUITE_SECONDS, longest placed first;
    each group keeps the order of `names`."""
    loads = [0] * jobs
    owner = {}
    for name in sorted(names, key=lambda n: -SUITE_SECONDS.get(n.split(".")[0], 30)):
        job = loads.index(min(loads))
        owner[name] = job
        loads[job] += SUITE_SECONDS.get(name.split(".")[0], 30)
    return [[n for n in names if owner[n] == job] for job in range(jobs) if job in owner.values()]


SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed, (\d+) skipped$")


def run_jobs(groups, args, out):
    """Runs each group of suites in its own run.py process (INTEROP_SHARD=i/N gives
    each its own ports), prints each one's output whole when it ends, then one
    summary of them all. A job that ends without its summary line counts as failed."""
    t0 = time.monotonic()
    procs = []
    for index, group in enumerate(groups):
        log = tempfile.TemporaryFile(mode="w+")
        argv = [sys.executable, os.path.abspath(__file__)] + group
        for k in args.k:
            argv += ["-k", k]
        if args.verbose:
            argv.append("-v")
        env = dict(os.environ, INTEROP_SHARD="%d/%d" % (index, len(groups)), INTEROP_JOBS="1", PYTHONUNBUFFERED="1")
        procs.append((index, group, log, subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)))
        out.write("interop: job %d runs %s\n" % (index, " ".join(group)))
    out.flush()

    # A signal (the CI's timeout) is passed on to the jobs; whatever they have
    # printed 20 s later is shown, so a hung test is named even if the jobs
    # never finish.
    interrupted = []

    def forward(signum, frame):
        interrupted.append(time.monotonic())
        for _, _, _, p in procs:
            if p.poll() is None:
                p.send_signal(signum)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, forward)

    totals = [0, 0, 0]
    failed_tests = []
    pending = list(procs)
    while pending:
        give_up = bool(interrupted) and time.monotonic() - interrupted[0] > 20
        for entry in list(pending):
            index, group, log, p = entry
            if p.poll() is None and not give_up:
                continue
            pending.remove(entry)
            if p.poll() is None:
                p.kill()  # its servers go with it (PR_SET_PDEATHSIG)
                p.wait()
            log.seek(0)
            text = log.read()
            status = "killed after the interrupt" if give_up and p.returncode == -signal.SIGKILL else "exit %d" % p.returncode
            out.write("\n== interop job %d (%s): %s after %.0fs\n" % (index, " ".join(group), status, time.monotonic() - t0))
            out.write(text)
            out.flush()
            found = [SUMMARY.match(line) for line in text.splitlines()]
            found = [m for m in found if m]
            if found:
                for i in range(3):
                    totals[i] += int(found[-1].group(i + 1))
            else:
                totals[1] += 1
                failed_tests.append("job %d (%s) ended without a summary (%s)" % (index, " ".join(group), status))
            lines = text.splitlines()
            if "failed tests:" in lines:
                for line in lines[lines.index("failed tests:") + 1:]:
                    if not line.startswith("  "):
                        break
                    failed_tests.append(line.strip())
        time.sleep(0.2)
    out.write("\n")
    if failed_tests:
        out.write("failed tests:\n")
        for name in failed_tests:
            out.write("  %s\n" % name)
    out.write("interop: %d jobs in %.0fs\n" % (len(groups), time.monotonic() - t0))
    out.write("%d passed, %d failed, %d skipped\n" % tuple(totals))
    out.flush()
    bad_exit = any(p.returncode != 0 for _, _, _, p in procs)
    return 1 if totals[1] or bad_exit or interrupted else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="*", help="suites (default all): " + " ".join(SUITES))
    ap.add_argument("-k", action="append", default=[], help="only tests whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("INTEROP_JOBS", "1")),
                    help="run the suites in this many processes at once (default: INTEROP_JOBS or 1)")
    args = ap.parse_args(argv)
    for s in args.suites:
        base = s.split(".")[0].replace("test_", "", 1)
        if base not in SUITES:
            ap.error("unknown suite %r (choose from %s)" % (s, ", ".join(SUITES)))
    names = args.suites or SUITES
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    if args.jobs > 1 and len(names) > 1:
        return run_jobs(split([n.replace("test_", "", 1) if n.startswith("test_") else n for n in names], args.jobs), args, sys.stdout)

    def stop_run(signum, frame):
        harness.cleanup_all()
        # unittest passes KeyboardInterrupt on; a SystemExit it would record as
        # the running test's error and go on with the next test.
        raise KeyboardInterrupt
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop_run)
    out = sys.stdout
    kinds = harness.selected_kinds()
    out.write("interop: ZK_TARGET=%s suites=%s zkdash=%s\n" % (
        "+".join(kinds), ",".join(names), harness.zkdash_bin()))
    out.flush()
    suite, load_errors = load(names, args.k)
    result = LineResult(out, args.verbose)
    t0 = time.monotonic()
    try:
        suite.run(result)
    except KeyboardInterrupt:
        out.write("interrupted\n")
        result.errors.append((None, "interrupted"))
    finally:
        harness.cleanup_all()
    for name, tb in load_errors:
        out.write("FAIL load %s\n" % name)
        for line in tb.rstrip().splitlines():
            out.write("     | %s\n" % line)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses) + len(load_errors)
    skipped = len(result.skipped)
    bad = [t.id() for t, _ in result.failures + result.errors if t is not None]
    bad += [t.id() for t in result.unexpectedSuccesses]
    if bad:
        out.write("failed tests:\n")
        for name in bad:
            out.write("  %s\n" % name)
    out.write("interop: %d tests in %.0fs (ZK_TARGET=%s)\n" % (result.testsRun, time.monotonic() - t0, "+".join(kinds)))
    out.write("%d passed, %d failed, %d skipped\n" % (result.passed, failed, skipped))
    out.flush()
    return 1 if failed or (result.testsRun == 0 and not load_errors and False) else (1 if failed else 0)


if __name__ == "__main__":
    sys.exit(main())
