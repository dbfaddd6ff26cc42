"""Shared set-up of the words stage's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaners.words.lexicon import build_corpus_lexicon

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CORPUS = (DATA / "corpus.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lexicon_for():
    """Corpus lexicon of tests/data/words/corpus.txt plus the text under test, built once per
    text (the word resources load once per process)."""
    cache = {}

    def build(text: str):
        if text not in cache:
            cache[text] = build_corpus_lexicon([("corpus", CORPUS), ("case", text)])
        return cache[text]

    return build
