"""Capitals after a lowercase first letter (``haVe``, ``wiU``): misread lowercase letters,
read as the words the form spells with each capital lowercased or read by its shape
(cleaners.words.repair._inner_capitals and _with_inner_capitals_lowered)."""

from __future__ import annotations

import pytest

from cleaners.words.lexicon import CorpusLexicon, empty_lexicon
from cleaners.words.repair import (KNOWN, SUSPICIOUS, _classify_form, _inner_capitals, _options,
                                   _with_inner_capitals_lowered, language_model, repair_text)

OPTS = _options(None)


@pytest.fixture(scope="module")
def lm():
    return language_model(empty_lexicon(), OPTS)


def test_a_known_word_with_an_inner_capital_is_suspicious(lm):
    assert _classify_form("haVe", lm, frozenset(), OPTS) == SUSPICIOUS
    assert _classify_form("have", lm, frozenset(), OPTS) == KNOWN
    assert _classify_form("haVe", lm, frozenset(), {**OPTS, "inner_capitals": False}) == KNOWN


def test_a_spelling_the_corpus_always_uses_stays_a_name():
    lex = CorpusLexicon(counts={"mcgraw": 64}, surfaces={"mcgraw": "mcGraw"}, total=4096)
    named = language_model(lex, OPTS)
    assert _classify_form("mcGraw", named, frozenset(), OPTS) != SUSPICIOUS


@pytest.mark.parametrize("form,first", [("haVe", "have"), ("wiU", "will"), ("aU", "all"), ("welL", "well")])
def test_readings(lm, form, first):
    assert _inner_capitals(form)
    cands = _with_inner_capitals_lowered(lm, form, form.lower(), [], OPTS)
    assert cands[0].text == first and cands[0].kind == "confusion"
    assert all(r.text.islower() for r in cands)


@pytest.mark.parametrize("form", ["have", "Have", "McCall", "eBay", "iPhone", "aI1", "NKVD"])
def test_not_inner_capitals(form):
    assert not _inner_capitals(form)


def test_switched_off():
    line = "I do not haVe the money for it."
    assert repair_text(line, options={"inner_capitals": False})[0] == line
    assert repair_text(line)[0] == "I do not have the money for it."
