"""More non-word repairs without breaking real words (issue 3): the odds of a long form no
list knows as a word of its own (``oov_length_weight``), the bar of a long form's sole
reading (``sole_reading_threshold``), and recurring slips along the cheapest confusions
(``slip_cheap_twin_cost``). Every case is invented; each mechanism is also switched off to
show that it, and nothing else, makes the repair.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cleaners.words.lexicon import empty_lexicon, recurring_slip_twin
from cleaners.words.repair import _length_penalty, _options, _sole_reading, language_model, repair_text
from cleaners.words.scoring import Reading, derived_form

DATA = Path(__file__).resolve().parents[2] / "data" / "words" / "nonword_recall_cases.json"
CASES = json.loads(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lm():
    return language_model(empty_lexicon(), _options(None))


@pytest.mark.parametrize("before,after", CASES["long_forms"]["repairs"])
def test_a_long_form_no_list_knows_is_read_as_its_word(before, after):
    assert repair_text(before)[0] == after
    assert repair_text(before, options={"oov_length_weight": 0.0})[0] == before  # (the old odds leave it)


@pytest.mark.parametrize("text", CASES["long_forms"]["unchanged"])
def test_derived_and_compound_forms_keep_their_odds(text):
    """A known word with a productive ending or beginning, or two common words, is made like
    a real word: its length says nothing (unbefriended, overpolished, whiteapparelled)."""
    new, edits, _ = repair_text(text)
    assert new == text, [(e.before, e.after) for e in edits]


@pytest.mark.parametrize("form,derived", [("unbefriended", True), ("overpolished", True), ("unforgivingly", True),
                                          ("appropriatory", True), ("plainclothed", True), ("rewrapping", True),
                                          ("engimeering", False), ("magnificemce", False), ("parishionars", False)])
def test_derived_form(lm, form, derived):
    assert derived_form(lm, form) is derived


def test_length_penalty_grows_past_the_free_letters():
    opts = {"oov_length_weight": 0.75, "oov_length_free": 7}
    assert [_length_penalty(w, opts) for w in ("kulak", "sevenly", "eightish", "tenletters")] == [0.0, 0.0, 0.75, 2.25]


def test_a_glued_pair_is_not_made_likelier_by_the_length():
    """The length makes a long form unlikely as one unknown word, not likely as several
    (a segmentation keeps its odds against the form as read)."""
    text = "They talked of the whiteapparelled choir."
    assert repair_text(text)[0] == repair_text(text, options={"oov_length_weight": 0.0})[0]


def test_the_length_is_no_reason_to_read_a_typo_of_the_large_list():
    """``accomodation`` is a typo the large list holds, no spell-checked word: a long form's
    length does not make it the reading (``_unsure_reading``), nor does the sole-reading bar."""
    text = "The old man spoke of the accomodatiom again."
    new, edits, _ = repair_text(text)
    assert "accomodation" not in new and not edits
    # (a spell-checked reading keeps the benefit of the length)
    assert repair_text("The old man spoke of the goverrnent again.")[0] == "The old man spoke of the government again."


def _scored(pairs):
    out = []
    for text, kind, post in pairs:
        r = Reading(text, (text,), 0.0 if kind == "as-is" else 1.0, kind)
        r.posterior = post
        out.append(r)
    return out


def test_sole_reading():
    opts = _options(None)
    sole = _scored([("refrigeration", "confusion", 0.6), ("refrigeratiom", "as-is", 0.38), ("refrigerator", "edit", 0.02)])
    rivals = _scored([("refrigeration", "confusion", 0.5), ("refrigerator", "edit", 0.3), ("refrigeratiom", "as-is", 0.2)])
    split = [Reading("refrige ration", ("refrige", "ration"), 0.1, "split", posterior=0.6)] + sole[1:]
    assert _sole_reading("refrigeratiom", sole, opts)
    assert not _sole_reading("refrigeratiom", rivals, opts)  # (another word is at stake)
    assert not _sole_reading("refrigeratiom", split, opts)
    assert not _sole_reading("tken", _scored([("taken", "edit", 0.9), ("tken", "as-is", 0.1)]), opts)  # (short)


@pytest.mark.parametrize("before,after", CASES["sole_reading"]["repairs"])
def test_a_sole_reading_gets_its_own_bar(before, after):
    """With the ordinary non-word bar out of reach, a long form's only reading still passes
    at ``sole_reading_threshold``; switched off, it is only flagged."""
    strict = {"nonword_threshold": 0.999, "oov_length_weight": 0.0}
    assert repair_text(before, options=strict)[0] == after
    new, _, flags = repair_text(before, options={**strict, "sole_reading_threshold": 1.0})
    assert new == before and flags


@pytest.mark.parametrize("text", CASES["sole_reading"]["unchanged"])
def test_no_sole_bar_where_words_compete_or_for_names(text):
    strict = {"nonword_threshold": 0.999, "oov_length_weight": 0.0}
    assert repair_text(text, options=strict)[0] == text


@pytest.mark.parametrize("before,after", CASES["sole_two_slips"]["repairs"])
def test_a_sole_reading_two_slips_away_needs_no_attesting_pair(before, after):
    """A long form's only word reading two slips away passes at ``sole_two_slip_threshold``
    without the word pair the two-slip bar asks for; switched off, it is flagged."""
    assert repair_text(before)[0] == after
    new, _, flags = repair_text(before, options={"sole_two_slip_threshold": 1.1})
    assert new == before and flags


@pytest.mark.parametrize("text", CASES["sole_two_slips"]["unchanged"])
def test_no_sole_two_slip_bar_for_names_or_short_forms(text):
    assert repair_text(text)[0] == repair_text(text, options={"sole_two_slip_threshold": 1.1})[0]


PROBS = {"objected": 2e-6, "rescued": 2e-6}


def test_a_recurring_cheap_slip_of_a_rarer_word_is_not_trusted():
    """``ohjected`` twice in a damaged corpus that writes ``objected`` once: h for b is the
    cheapest slip an engine makes, and the damage explains the count, though ``objected``
    is rarer than the common words slips were looked for among."""
    kw = dict(total=131072, damage_rate=0.0625, habits={}, min_prob=1e-5, repeat_log=2.8)
    raw = Counter({"objected": 1, "ohjected": 2})
    assert recurring_slip_twin("ohjected", 2, raw, PROBS, **kw, cheap_twin_cost=0.7) == "objected"
    assert recurring_slip_twin("ohjected", 2, raw, PROBS, **kw, cheap_twin_cost=0.0) is None  # (switched off)


def test_a_rare_twin_along_a_dear_slip_or_in_a_clean_corpus_leaves_the_form_trusted():
    kw = dict(total=131072, habits={}, min_prob=1e-5, repeat_log=2.8, cheap_twin_cost=0.7)
    # (x for c is no cheap slip: a form the corpus writes twice stays its own word)
    assert recurring_slip_twin("rexcued", 2, Counter({"rescued": 1}), PROBS, damage_rate=0.0625, **kw) is None
    # (a clean corpus's damage explains no recurring form of a rare word)
    assert recurring_slip_twin("ohjected", 2, Counter({"objected": 1}), PROBS, damage_rate=0.001, **kw) is None


@pytest.mark.parametrize("text", CASES["idempotent"])
def test_idempotent(text):
    once = repair_text(text)[0]
    assert repair_text(once)[0] == once
