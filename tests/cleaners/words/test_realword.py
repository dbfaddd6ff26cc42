"""Real-word errors between common words: known forms with a very common twin along a
slip the corpus is known to make (cleaners.words.repair._has_learned_twin and its use in
the real-word look).

The lexicons here are built by hand (a CorpusLexicon is plain data): the figures that
matter are the forms' counts and the slips the corpus's non-word repairs showed
(``confusions``).
"""

from __future__ import annotations

import pytest

from cleaners.words.lexicon import CorpusLexicon
from cleaners.words.repair import (KNOWN, LEARNED_TWIN, _classify_form, _has_learned_twin, _options, language_model,
                                   repair_text)

OPTS = _options(None)
TOTAL = 16384


def lexicon(counts: dict[str, int], *, damage_rate: float = 0.0625, confusions: dict[str, int] | None = None):
    return CorpusLexicon(counts=dict(counts), total=TOTAL, damage_rate=damage_rate,
                         confusions=dict(confusions or {}))


# a corpus whose non-word repairs show b>h often: "be" may be a misread "he" anywhere
B_FOR_H = lexicon({"he": 512, "be": 512, "the": 2048}, confusions={"b>h": 64})


def test_learned_twin_verdict():
    lm = language_model(B_FOR_H, OPTS)
    assert _classify_form("be", lm, frozenset(), OPTS) == LEARNED_TWIN
    assert _has_learned_twin(lm, "be", "be", OPTS)
    assert not _has_learned_twin(lm, "he", "he", OPTS)  # h>b is no slip this corpus showed
    assert not _has_learned_twin(lm, "Be", "be", OPTS)  # a capitalised form may be a name
    # without the slip among the corpus's confusions the form is an ordinary word
    plain = language_model(lexicon({"he": 512, "be": 512, "the": 2048}, confusions={"l>t": 64}), OPTS)
    assert _classify_form("be", plain, frozenset(), OPTS) == KNOWN


def test_learned_twin_repair_far_from_damage():
    text = "They said be had gone home."
    new, edits, _ = repair_text(text, lexicon=B_FOR_H)
    assert new == "They said he had gone home."
    assert edits[0].evidence["kind"] == "real-word" and edits[0].confidence >= OPTS["realword_threshold"]
    assert repair_text(text, lexicon=B_FOR_H, options={"learned_twins": False})[0] == text


@pytest.mark.parametrize("text", [
    "It will be done by noon.",
    "He said that he would be there.",
    "I think that be was right about it.",  # too weak: left alone (a flag at most)
])
def test_learned_twin_negative_cases(text):
    assert repair_text(text, lexicon=B_FOR_H)[0] == text
