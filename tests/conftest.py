"""Shared test setup.

Prefect state for the tests lives in a throwaway folder (never the project's
.prefect/), set before anything imports Prefect. Real flows run under ONE
session-scoped ``prefect_test_harness`` (a temporary server, ~7 s, one per
xdist worker): use the ``prefect_harness`` fixture and mark the test
``@pytest.mark.slow``.
"""

import os
import tempfile

import pytest

_PREFECT_TMP = tempfile.mkdtemp(prefix="scanclean-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_TMP
os.environ["PREFECT_RESULTS_LOCAL_STORAGE_PATH"] = os.path.join(_PREFECT_TMP, "results")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.pop("PREFECT_API_URL", None)  # never talk to a real server from the tests


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server and database for the whole session; yields its API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()
