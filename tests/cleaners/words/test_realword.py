"""Real-word errors between common words: the corpus's excess of a form as evidence of
damage (cleaners.words.repair._excess_twins and its use in the real-word look).

The lexicons here are built by hand (a CorpusLexicon is plain data): the figures that
matter are the form's count against its general rate, the corpus's damage rate and the
slips its non-word repairs showed (``confusions``).
"""

from __future__ import annotations

import pytest

from cleaners.words.lexicon import CorpusLexicon
from cleaners.words.repair import (EXCESS, KNOWN, LEARNED_TWIN, _classify_form, _excess_twins, _has_learned_twin,
                                   _options, _with_excess_twins,
                                   language_model, repair, repair_text)
from cleaners.words.scoring import Reading

# excess twins are off by default (most of their edits on BLN600 turned one wrong word
# into another): these tests switch them on
ON = {"excess_twins": True}
OPTS = _options(ON)
TOTAL = 16384


def lexicon(counts: dict[str, int], *, damage_rate: float = 0.0625, confusions: dict[str, int] | None = None):
    return CorpusLexicon(counts=dict(counts), total=TOTAL, damage_rate=damage_rate,
                         confusions=dict(confusions or {}))


# a damaged corpus that reads "but" as "bat" (its non-word repairs showed a>u often)
DAMAGED = lexicon({"bat": 16, "but": 512, "the": 2048, "he": 512}, confusions={"a>u": 64})


def test_excess_form_has_calibrated_twin():
    lm = language_model(DAMAGED, OPTS)
    twins = _excess_twins(lm, "bat", "bat", OPTS)
    assert [r.text for r in twins] == ["but"] and all(r.kind == "excess" for r in twins)
    # the calibrated channel is far cheaper than the general one-edit cost (3.0), and no
    # cheaper than the floor
    assert OPTS["excess_min_cost"] <= twins[0].channel < 2.0
    assert _classify_form("bat", lm, frozenset(), OPTS) == EXCESS
    assert [r.text for r in _excess_twins(lm, "Bat", "bat", OPTS)] == ["But"]


@pytest.mark.parametrize("counts,damage,confusions", [
    ({"bat": 16, "but": 512}, 0.0, {"a>u": 64}),  # a clean corpus: its excess is its own words
    ({"bat": 16, "but": 512}, 0.0625, {}),  # a slip the corpus is not known to make (a>u), nor a cheap one
    ({"bat": 2, "but": 512}, 0.0625, {"a>u": 64}),  # too few occurrences to tell a rate
    ({"bat": 512, "but": 512}, 0.0625, {"a>u": 64}),  # twins misread beyond the damage rate: a book on bats
])
def test_no_excess_twins(counts, damage, confusions):
    lm = language_model(lexicon(counts, damage_rate=damage, confusions=confusions), OPTS)
    assert _excess_twins(lm, "bat", "bat", OPTS) == []
    assert _classify_form("bat", lm, frozenset(), OPTS) == KNOWN


def test_excess_under_min_ratio_is_the_corpus_taste():
    # bat is ~49 times its general rate here: under a bar of 50 it is the corpus's own word
    lm = language_model(DAMAGED, OPTS)
    assert _excess_twins(lm, "bat", "bat", {**OPTS, "excess_min_ratio": 50.0}) == []
    assert _excess_twins(lm, "bat", "bat", {**OPTS, "excess_min_ratio": 40.0})


def test_excess_repair_needs_both_neighbours():
    new, edits, _ = repair_text("It was cold, bat the men went out.", lexicon=DAMAGED, options=ON)
    assert new == "It was cold, but the men went out."
    (e,) = edits
    assert e.reason == "ocr real-word repair (excess)" and e.confidence >= OPTS["realword_threshold"]
    assert e.evidence["candidates"][0]["kind"] == "excess" and e.evidence["context"][1] == "the"
    assert e.evidence["excess"]["count"] == 16 and e.evidence["excess"]["total"] == TOTAL


@pytest.mark.parametrize("text", [
    "The bat flew out of the cave at night.",  # the word itself: its neighbours attest it
    "He hit the ball with a bat and ran.",
    "He was tired bat he went on with the work.",  # "tired but" unattested: one side is not enough
    "I 'll see you there.",  # the rest of a contraction
])
def test_excess_negative_cases(text):
    assert repair_text(text, lexicon=DAMAGED, options=ON)[0] == text


def test_excess_off_switch():
    text = "It was cold, bat the men went out."
    assert repair_text(text, lexicon=DAMAGED, options={"excess_twins": False})[0] == text
    assert repair_text(text, lexicon=DAMAGED)[0] == text  # the default


def test_excess_idempotent_and_deterministic():
    text = "It was cold, bat the men went out. The bat flew out of the cave."
    a = repair(text, lexicon=DAMAGED, options=ON)
    b = repair(text, lexicon=DAMAGED, options=ON)
    assert repr(a.edits) == repr(b.edits) and a.edits
    once = repair_text(text, lexicon=DAMAGED, options=ON)[0]
    assert repair_text(once, lexicon=DAMAGED, options=ON)[0] == once


def test_with_excess_twins_keeps_cheaper_reading():
    a = [Reading("he", ("he",), 0.7, "confusion"), Reading("be", ("be",), 1.0, "confusion")]
    b = [Reading("he", ("he",), 0.5, "excess")]
    out, prior = _with_excess_twins(a, b, -2.0, {"excess_penalty": 0.3})
    assert prior == 0.0
    assert [(r.text, r.channel, r.kind) for r in out] == [("he", 0.8, "excess"), ("be", 3.0, "confusion")]


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


def test_pairs_vouch_for_a_recurring_pair():
    from cleaners.words.repair import _pairs_vouch

    lex = CorpusLexicon(counts={"bat": 16, "but": 512, "the": 2048, "flew": 16}, total=TOTAL, damage_rate=0.0625,
                        bigrams={"bat the": 4, "but the": 1024, "bat flew": 16})
    lm = language_model(lex, OPTS)
    twins = [Reading("but", ("but",), 1.5, "excess")]
    # "bat the" no more often than misreadings of "but the" make it (1024 * 10**-1.5)
    assert not _pairs_vouch(lm, "bat", "but", twins, "cold", "the")
    # "bat flew" written 16 times, and "but flew" never: the corpus's own pair
    assert _pairs_vouch(lm, "bat", "but", twins, "the", "flew")
    assert not _pairs_vouch(lm, "bat", "hat", twins, "the", "flew")  # (no such twin)
