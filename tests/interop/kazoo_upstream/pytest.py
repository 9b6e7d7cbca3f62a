"""The two pieces of pytest kazoo's tests use (`raises`, `skip`), over unittest, so their test
files run unmodified without python3-pytest installed."""
import contextlib
import unittest


@contextlib.contextmanager
def raises(expected):
    try:
        yield
    except expected:
        return
    raise AssertionError("did not raise %s" % getattr(expected, "__name__", expected))


def skip(reason):
    raise unittest.SkipTest(reason)
