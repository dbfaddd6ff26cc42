"""The promises of the product, checked on every seed document with the whole pipeline.

* replay: raw + edit log == clean text;
* no loss: every non-whitespace character of the raw text is in the clean text or in
  the ``before`` of an edit that has a reason;
* determinism: a second run gives identical texts and edit logs;
* idempotence: cleaning the clean corpus again changes no text;
* the output contract of the clean text (NFC, ``\\n``, one blank line between paragraphs).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from cleaners.document import replay
from cleaners.outputs import document_files
from cleaners.pipeline import clean_corpus_texts

RAW = Path(__file__).resolve().parent.parent / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def seeds() -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in SEEDS}


@pytest.fixture(scope="module")
def cleaned(seeds):
    return clean_corpus_texts(seeds)


def test_there_are_five_seed_documents(seeds):
    assert len(seeds) == 5


@pytest.mark.parametrize("stem", [p.stem for p in SEEDS])
def test_replay_reproduces_clean_text(cleaned, stem):
    state = cleaned[stem]
    assert replay(state.raw_text, state.edits) == state.text


@pytest.mark.parametrize("stem", [p.stem for p in SEEDS])
def test_nothing_is_lost(cleaned, stem):
    state = cleaned[stem]
    raw = Counter(c for c in state.raw_text if not c.isspace())
    clean = Counter(c for c in state.text if not c.isspace())
    accounted = Counter(c for e in state.edits for c in e.before if not c.isspace())
    missing = raw - clean - accounted
    assert not missing, f"characters vanished without an edit: {dict(missing.most_common(10))}"
    assert all(e.reason and e.stage for e in state.edits)


@pytest.mark.parametrize("stem", [p.stem for p in SEEDS])
def test_clean_text_contract(cleaned, stem):
    text = cleaned[stem].text
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text
    assert "\n\n\n" not in text
    if text:
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert not text.startswith("\n")
    assert not any(line != line.rstrip() for line in text.split("\n"))


def test_determinism(seeds, cleaned):
    again = clean_corpus_texts(seeds)
    for stem, state in cleaned.items():
        assert again[stem].text == state.text
        assert document_files(stem, again[stem]) == document_files(stem, state)


def test_idempotence(cleaned):
    once = {stem: s.text.encode("utf-8") for stem, s in cleaned.items()}
    twice = clean_corpus_texts(once)
    for stem, state in twice.items():
        changed = [(e.stage, e.before, e.after, e.reason) for e in state.edits][:5]
        assert state.text == cleaned[stem].text, f"{stem}: second cleaning changed {changed}"
