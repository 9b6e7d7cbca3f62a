"""kazoo's tests import the `mock` backport; the standard library has had it since 3.3."""
from unittest.mock import *  # noqa: F401,F403
from unittest.mock import patch  # noqa: F401
