"""kazoo's own tests, unmodified, through kazoo's own harness (suite `kazoo_upstream`, issue 17).

kazoo ships its test files (kazoo/tests) and the harness its authors run them with
(kazoo/testing: a 3-server cluster of Apache's QuorumPeerMain started with `java`).  This suite runs
them twice: once against Apache 3.8 (the real `java`, the Debian jars) and once against zkdash, with
kazoo_upstream/java on PATH — a `java` that starts `zkdash server` on the zoo.cfg kazoo wrote and
turns the JVM properties kazoo passes (super digest, JAAS file) into what zkdash reads.
kazoo_upstream/pytest.py and mock.py stand in for the two helper packages the test files import
(python3-pytest and python3-mock are not installed); the tests themselves are kazoo's bytes.

By default only TestReconfig runs (the tests issue 17 names: NoAuth without super, add and remove
an observer, BadVersion, BadArguments).  KAZOO_UPSTREAM=all runs kazoo's whole suite on both and
requires zkdash to pass wherever Apache does (about 10 minutes; not in the README test run).

Ports: kazoo's cluster uses offset+0..3 for each of its servers, step 10, from a free block of
loopback ports picked here."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

import harness
import ensemble
from test_monitor import apache_reason

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.path.join(HERE, "kazoo_upstream")
KAZOO_TESTS = "/usr/lib/python3/dist-packages/kazoo/tests"


def free_block(size=40):
    """A port offset whose next `size` ports are all free on loopback."""
    for _ in range(100):
        base = harness.free_port()
        if base + size > harness.PORT_RANGE[1]:
            continue
        ok = True
        for port in range(base, base + size):
            s = socket.socket()
            try:
                s.bind((harness.LOOPBACK, port))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return base
    raise RuntimeError("no block of %d free ports" % size)


def run_kazoo(target, names):
    """kazoo's tests `names` (unittest names, or 'all') against `target` ('apache' or 'zkdash'):
    (tests run, failures+errors, skipped, output)."""
    work = tempfile.mkdtemp(prefix="kazoo-upstream-%s-" % target)
    try:
        env = dict(os.environ, PYTHONPATH=SHIM, ZOOKEEPER_VERSION="3.8.0", ZOOKEEPER_PORT_OFFSET=str(free_block()))
        if target == "zkdash":
            env.update(PATH=SHIM + os.pathsep + env.get("PATH", ""), ZKDASH_BIN=harness.zkdash_bin(),
                       ZOOKEEPER_CLASSPATH="(zkdash: see kazoo_upstream/java)")
        else:
            env.update(ZOOKEEPER_CLASSPATH=ensemble.APACHE_CLASSPATH)
        if names == "all":
            cmd = ["-m", "unittest", "discover", "-s", KAZOO_TESTS, "-t", os.path.dirname(os.path.dirname(KAZOO_TESTS)),
                   "-p", "test_*.py"]
        else:
            cmd = ["-m", "unittest", "-v"] + names
        p = subprocess.run(["/usr/bin/python3"] + cmd, cwd=work, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=1800)
        out = p.stdout.decode("utf-8", "replace")
        ran = int((re.search(r"Ran (\d+) tests?", out) or [0, 0])[1])
        m = re.search(r"FAILED \(([^)]*)\)", out)
        bad = sum(int(n) for n in re.findall(r"(?:failures|errors)=(\d+)", m.group(1))) if m else 0
        skipped = int((re.search(r"skipped=(\d+)", out) or [0, 0])[1])
        return ran, bad, skipped, out
    finally:
        shutil.rmtree(work, True)


class KazooUpstreamTests(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(KAZOO_TESTS):
            raise unittest.SkipTest("kazoo's tests are not installed (%s)" % KAZOO_TESTS)

    def test_reconfig(self):
        names = ["kazoo.tests.test_client.TestReconfig"]
        if apache_reason() is None:
            ran, bad, skipped, out = run_kazoo("apache", names)
            self.assertEqual((ran, bad, skipped), (3, 0, 0), "Apache 3.8:\n" + out[-3000:])
        ran, bad, skipped, out = run_kazoo("zkdash", names)
        self.assertEqual((ran, bad, skipped), (3, 0, 0), "zkdash:\n" + out[-3000:])

    @unittest.skipUnless(os.environ.get("KAZOO_UPSTREAM") == "all", "KAZOO_UPSTREAM=all runs kazoo's whole suite")
    def test_whole_suite_passes_where_apache_does(self):
        apache = run_kazoo("apache", "all")
        zkdash = run_kazoo("zkdash", "all")
        print("\n     kazoo upstream: apache ran %d, %d failed, %d skipped; zkdash ran %d, %d failed, %d skipped"
              % (apache[0], apache[1], apache[2], zkdash[0], zkdash[1], zkdash[2]))
        failing = lambda out: sorted(set(re.findall(r"^(?:FAIL|ERROR): (\S+ \([^)]*\))", out, re.M)))
        self.assertEqual(set(failing(zkdash[3])) - set(failing(apache[3])), set(), zkdash[3][-5000:])


if __name__ == "__main__":
    unittest.main()
