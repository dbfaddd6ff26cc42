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


@pytest.fixture(scope="module")
def lexicon_for():
    """The words stage's tests: corpus lexicon of tests/data/words/corpus.txt plus the text
    under test, built once per text (the word resources load once per process)."""
    from pathlib import Path

    from cleaners.words.lexicon import build_corpus_lexicon

    corpus = (Path(__file__).parent / "data" / "words" / "corpus.txt").read_text(encoding="utf-8")
    cache = {}

    def build(text: str):
        if text not in cache:
            cache[text] = build_corpus_lexicon([("corpus", corpus), ("case", text)])
        return cache[text]

    return build
