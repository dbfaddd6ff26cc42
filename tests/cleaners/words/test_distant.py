"""Distant readings (cleaners/words/distant.py): the index lookups give what a plain
search gives, the search is bounded, and a reading is applied only on clear, attested
evidence (flagged otherwise)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words.distant import (DISTANT_MAX_LEN, DISTANT_MIN_LOGP, DISTANT_MIN_WORD_LEN, _deletes2,
                                    distant_applies, distant_candidates, distant_index)
from cleaners.words.language import unigram_probs
from cleaners.words.lexicon import build_corpus_lexicon, empty_lexicon
from cleaners.words.repair import _options, language_model, repair_text
from cleaners.words.scoring import Reading

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CORPUS = (DATA / "corpus.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lm():
    return language_model(empty_lexicon(), _options(None))


@pytest.fixture(scope="module")
def common_words():
    bar = 10.0 ** DISTANT_MIN_LOGP
    return sorted(w for w, p in unigram_probs("wordfreq-large").items()
                  if p >= bar and len(w) >= DISTANT_MIN_WORD_LEN and w.isalpha() and w.isascii())


def plain_neighbours(form: str, words: list[str]) -> set[str]:
    """Common words sharing a deletion (up to two letters each side) with ``form``."""
    mine = _deletes2(form)
    return {w for w in words if abs(len(w) - len(form)) <= 4 and mine & _deletes2(w)}


@pytest.mark.parametrize("form", ["previoros", "daugister", "witnesea", "evwnrng", "qqqqqqq"])
def test_index_lookup_matches_the_plain_search(form, common_words):
    got = distant_index("wordfreq-large", DISTANT_MIN_LOGP).union(_deletes2(form))
    assert got == plain_neighbours(form, common_words)


def test_candidates_reach_two_arbitrary_edits(lm):
    found = {r.text: r for r in distant_candidates(lm, "previoros", "previoros")}
    assert "previous" in found and found["previous"].kind == "distant"
    assert found["previous"].channel <= 6.0
    # every reading is a common word within two letters of the form's length
    for r in found.values():
        assert abs(len(r.text) - len("previoros")) <= 2 and lm.logp(r.text) >= DISTANT_MIN_LOGP


@pytest.mark.parametrize("surface", ["Previoros", "PREVIOROS", "prev1oros", "seye", "a" * (DISTANT_MAX_LEN + 1)])
def test_no_search_outside_scope(lm, surface):
    """Capitalised forms (names), digits, short and very long forms are not searched."""
    assert distant_candidates(lm, surface, surface.lower()) == []


@settings(deadline=None, max_examples=40)
@given(st.text(alphabet="abcdefghilmnorstu", min_size=6, max_size=DISTANT_MAX_LEN))
def test_candidates_are_common_words_within_the_channel_bound(lm, form):
    for r in distant_candidates(lm, form, form):
        assert r.text != form and r.channel <= 6.0 and r.keys == (r.text,)


def _readings(best_post: float, rival_score: float | None = None) -> list[Reading]:
    out = [Reading("previous", ("previous",), 6.0, "distant", score=-8.0, posterior=best_post),
           Reading("previoros", ("previoros",), 0.0, "as-is", score=-9.5, posterior=1 - best_post)]
    if rival_score is not None:
        out.append(Reading("precious", ("precious",), 6.0, "distant", score=rival_score, posterior=0.0))
    return out


def test_applies_only_on_clear_attested_evidence(lm):
    opts = dict(threshold=0.9, attested_threshold=0.8, margin=1.0)
    assert distant_applies(lm, _readings(0.95), "the", "day", **opts)
    assert distant_applies(lm, _readings(0.85), "the", "day", **opts)  # each side attests it
    assert not distant_applies(lm, _readings(0.7), "the", "day", **opts)  # below both bars
    assert not distant_applies(lm, _readings(0.95, rival_score=-8.5), "the", "day", **opts)  # a near rival
    assert distant_applies(lm, _readings(0.95), "the", "xyzzy", **opts)  # one side attests it ...
    assert not distant_applies(lm, _readings(0.85), "the", "xyzzy", **opts)  # ... at the higher bar only
    assert distant_applies(lm, _readings(0.85), "the", None, **opts)  # (a line end: one side, attested)
    assert not distant_applies(lm, _readings(0.95), "xyzzy", "xyzzy", **opts)  # no side attests it


def test_shape_penalty_spares_ordinary_spellings():
    from cleaners.words.distant import shape_penalty
    for form in ("whaur", "mustna", "thegither", "bonnie", "reprehension", "kent"):
        assert shape_penalty(form, "wordfreq-large", per_trigram=1.0) == 0.0
    assert shape_penalty("evwnrng", "wordfreq-large", per_trigram=1.0) == 2.0  # (at most two trigrams)


def _lexicon(text: str):
    return build_corpus_lexicon([("corpus", CORPUS), ("case", text)])


def test_weak_evidence_is_flagged_with_its_candidates():
    text = "It was a great sorprirse to the whole family."  # (clean context: a lower prior of damage)
    new, edits, flags = repair_text(text, lexicon=_lexicon(text))
    assert new == text and not edits
    (flag,) = flags
    assert flag.text == "sorprirse" and flag.candidates[0]["text"] == "surprise"
    assert flag.candidates[0]["kind"] == "distant"


def test_applied_reading_keeps_its_evidence_and_is_idempotent():
    text = "He liad been there for twenty seyears of his life."
    lex = _lexicon(text)
    new, edits, _ = repair_text(text, lexicon=lex)
    (edit,) = [e for e in edits if e.evidence["candidates"][0]["kind"] == "distant"]
    assert edit.after == "years" and edit.reason == "ocr non-word repair (distant)"
    assert edit.evidence["context"] == ["twenty", "of"] and edit.confidence >= 0.8
    again, edits2, _ = repair_text(new, lexicon=lex)
    assert again == new and not edits2


def test_switched_off():
    text = "He liad been there for twenty seyears of his life."
    new, _, _ = repair_text(text, lexicon=_lexicon(text), options={"distant": False})
    assert "seyears" in new


def test_rare_real_words_in_damaged_lines_keep_their_form():
    """Known words are never searched, and an unknown real word (animadversion) with no
    common word two edits away keeps its form beside repaired damage."""
    text = "Tlie sempiternal obloquy of tbe prisoncr was his animadversion to tlie law."
    new, edits, _ = repair_text(text, lexicon=_lexicon(text))
    assert new == "The sempiternal obloquy of the prisoner was his animadversion to the law."
    assert not [e for e in edits if e.evidence["candidates"][0]["kind"] == "distant"]
