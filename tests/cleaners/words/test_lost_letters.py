"""Typos of the large general list with one letter lost (``everthing``): forms the
spell-checked list lacks, read as the spell-checked word with the letter back
(cleaners.words.repair._lost_letter_typo and _lost_letter_readings).
"""

from __future__ import annotations

import pytest

from cleaners.words.lexicon import CorpusLexicon, empty_lexicon
from cleaners.words.repair import _lost_letter_readings, _lost_letter_typo, _options, language_model, repair_text

OPTS = _options(None)


@pytest.fixture(scope="module")
def lm():
    return language_model(empty_lexicon(), OPTS)


@pytest.mark.parametrize("form,word", [("everthing", "everything"), ("throgh", "through")])
def test_typos_of_the_large_list(lm, form, word):
    assert lm.logp(form) is not None  # (the large list holds the typo)
    assert _lost_letter_typo(lm, form, form, OPTS)
    assert [r.text for r in _lost_letter_readings(lm, form, form, OPTS)] == [word]


@pytest.mark.parametrize("form", ["stilt", "abut", "table", "Everthing", "stil"])
def test_words_capitals_and_short_forms_are_no_typos(lm, form):
    """Spell-checked words stay words; a capitalised form may be a name; a form of four
    letters or fewer has too many real neighbours one letter longer (agin, tota)."""
    assert not _lost_letter_typo(lm, form, form.lower(), OPTS)


def test_a_form_the_corpus_trusts_is_no_typo():
    trusting = language_model(CorpusLexicon(counts={"everthing": 64}, total=4096, damage_rate=0.01), OPTS)
    assert trusting.lex.trusted("everthing")
    assert not _lost_letter_typo(trusting, "everthing", "everthing", OPTS)


def test_switched_off():
    line = "The committee did everthing it could to help them."
    assert repair_text(line, options={"lost_letter_ratio": 0})[0] == line
