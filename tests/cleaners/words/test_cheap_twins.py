"""Real-word errors between two very common words one very cheap confusion apart
(``he``/``be``), read with their context wherever they stand, with no slip learned from the
corpus (cleaners.words.repair._has_cheap_common_twin and its bar, ``cheap_twin_threshold``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.words.lexicon import build_corpus_lexicon
from cleaners.words.repair import (CHEAP_TWIN, KNOWN, _classify_form, _has_cheap_common_twin, _options,
                                   language_model, repair_text)

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CASES = json.loads((DATA / "cheap_twin_cases.json").read_text(encoding="utf-8"))
OPTS = _options(None)

_CLEAN = [
    "The delegates travelled to Geneva and met the ministers of the other states in the spring.",
    "He said that the court of the town was small, and that he would go to the hospital.",
    "The prisoner was taken to the court, where the magistrate read the charge against him.",
]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _damaged_words(start: int, n: int) -> str:
    """``n`` distinct damaged forms, each written once (no list knows them)."""
    return " ".join(f"qz{_LETTERS[i // 26 % 26]}{_LETTERS[i % 26]}x" for i in range(start, start + n))


@pytest.fixture(scope="module")
def lexicon():
    block = "\n".join(_CLEAN)
    text = "\n".join(block + "\n" + _damaged_words(4 * r, 4) for r in range(16))
    lex = build_corpus_lexicon([("corpus", text)])
    assert lex.damage_rate >= 0.01 and "b>h" not in lex.confusions
    return lex


def test_cheap_twin_verdict(lexicon):
    lm = language_model(lexicon, OPTS)
    assert _has_cheap_common_twin(lm, "he", "he", OPTS)
    assert _classify_form("he", lm, frozenset(), OPTS) == CHEAP_TWIN
    assert not _has_cheap_common_twin(lm, "be", "be", OPTS)  # (its twin "he" is rarer in general)
    assert not _has_cheap_common_twin(lm, "He", "he", OPTS)  # (a capitalised form may be a name)
    assert not _has_cheap_common_twin(lm, "table", "table", OPTS)  # (not a very common word)
    assert _classify_form("he", lm, frozenset(), {**OPTS, "cheap_twin_max_cost": 0}) == KNOWN


@pytest.mark.parametrize("before,after", CASES["repairs"])
def test_cheap_twin_repairs(lexicon, before, after):
    new, edits, _ = repair_text(before, lexicon=lexicon)
    assert new == after
    assert len(edits) == 1 and edits[0].evidence["kind"] == "real-word"
    assert edits[0].confidence >= OPTS["cheap_twin_threshold"]
    assert repair_text(new, lexicon=lexicon)[0] == new  # idempotent
    assert repair_text(before, lexicon=lexicon, options={"cheap_twin_max_cost": 0})[0] == before


@pytest.mark.parametrize("text", CASES["unchanged"])
def test_cheap_twin_unchanged(lexicon, text):
    assert repair_text(text, lexicon=lexicon)[0] == text
