"""Text whose extraction lost its ligature glyphs (``rst`` for first, ``condence`` for
confidence): the corpus lexicon learns the habit from its damaged forms, stops trusting
the gaps it left (cleaners.words.lexicon.ligature_gap_twin, ligature_gap_forms) and the
words stage reads them as non-words (cleaners.words.repair._ligature_gap), recording the
ligature in each repair's evidence. Invented text only.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from cleaners.words.language import unigram_probs
from cleaners.words.lexicon import (LIGATURE_GAP_MIN_LEN, build_corpus_lexicon, dropped_ligatures, empty_lexicon,
                                    ligature_gap_twin)
from cleaners.words.repair import _options, repair, repair_text

# an invented book printed with ligatures its text extraction could not read: every lowercase
# fi, fl, ff is lost (a capital F with its vowel is no ligature: First, Fifty stay whole)
BOOK = """The ofcer had no condence in the plan, and the eort it cost him was great.
She was satised that the inuence of the old house would reect well on the family.
It was difcult to say whether the prot would be sufcient for the benet of all.
The aair of the ofce was a conict between two men who could not aord to suer.
His magnicent oer was dierent from the last, and the ofcer was satised with it.
The rst thing he did was to nd the gure of the man on the oor of the hall.
The owers were xed to the wall, and he nished the work with cold ngers.
First of all, Fifty men came, and Flora said it was a Fine day.
Flowers grew in the yard. Fifteen boys ran off. Off they went, and Flight was the word.
They crossed the eld at dawn, and the ight of the birds was seen from the hill.
Nobody had condence in the ofcer, whose eort was never sufcient for the task.
The rst time she saw the owers on the oor she was satised and said nothing.
""" * 3

# the same book as printed (its ligatures kept)
CLEAN_BOOK = """The officer had no confidence in the plan, and the effort it cost him was great.
She was satisfied that the influence of the old house would reflect well on the family.
It was difficult to say whether the profit would be sufficient for the benefit of all.
The first thing he did was to find the figure of the man on the floor of the hall.
The flowers were fixed to the wall, and he finished the work with cold fingers.
The first time she saw the flowers on the floor she was satisfied and said nothing.
""" * 3

OFF = {"ligature_drops": False}


@lru_cache(maxsize=None)
def lexicon(book: str, off: bool = False):
    return build_corpus_lexicon([("book", book)], options=OFF if off else None)


def test_the_corpus_learns_that_it_drops_ligatures():
    assert dropped_ligatures(lexicon(BOOK).lost_glyphs)
    assert not dropped_ligatures(lexicon(CLEAN_BOOK).lost_glyphs)


@pytest.mark.parametrize("line,fixed", [
    ("He went to nd the rst gure he could see on the oor.",
     "He went to find the first figure he could see on the floor."),
    ("She held the owers in her ngers and nished the letter.",
     "She held the flowers in her fingers and finished the letter."),
    # a gap next to a word is not half of a split word (a nger: anger)
    ("He sat without moving a nger while they talked.", "He sat without moving a finger while they talked."),
])
def test_gaps_are_repaired_only_with_the_switch_on(line, fixed):
    assert repair_text(line, lexicon=lexicon(BOOK))[0] == fixed
    off = repair_text(line, lexicon=lexicon(BOOK, off=True), options=OFF)[0]
    assert off != fixed and "find" not in off and "fl" not in off  # (a nger: anger, without the switch)
    assert repair_text(fixed, lexicon=lexicon(BOOK))[0] == fixed  # (idempotent)


@pytest.mark.parametrize("line,fixed", [
    ("He came back in ve minutes and sat down.", "He came back in five minutes and sat down."),
    ("It rained for the last ve years.", "It rained for the last five years."),
    ("She caught a sh and a crab.", "She caught a fish and a crab."),
])
def test_real_word_gaps_are_read_in_context(line, fixed):
    """A known word (ve, sh) that is a more common word with a lost ligature put back is
    judged at the real-word bar, the reading attested by a word pair of the general list."""
    assert repair_text(line, lexicon=lexicon(BOOK))[0] == fixed
    assert repair_text(line, lexicon=lexicon(BOOK), options={"ligature_realwords": False})[0] == line
    assert repair_text(line, lexicon=lexicon(BOOK, off=True), options=OFF)[0] == line


def test_the_lexicon_stops_trusting_the_gaps():
    assert {"rst", "oor", "owers"} <= set(lexicon(BOOK, off=True).counts)
    assert not {"rst", "oor", "owers"} & set(lexicon(BOOK).counts)
    # the word whose lowercase copies are all gaps is no name for being written First alone
    assert "first" not in lexicon(BOOK).surfaces


def test_each_repair_records_the_lost_ligature():
    result = repair("He went to nd the rst gure on the oor.", lexicon=lexicon(BOOK))
    lost = {e.before: e.evidence["lost_ligature"]["ligature"] for e in result.edits}
    assert lost == {"nd": "fi", "rst": "fi", "gure": "fi", "oor": "fl"}
    assert all(e.evidence["lost_ligature"]["lost_glyphs"] for e in result.edits)


@pytest.mark.parametrize("line", [
    # names and foreign words: capitalised forms are never gaps, and a word of another
    # language (ne) or English (at, re, red) common in its own right is none either
    "Il ne faut pas oublier la tte, said Orence to Ung at the gate.",
    "The red flag was at the top, and Mr. Ames came to the re-opening.",
    "Ils ne sont pas venus, and the ship sailed at noon.",
    # text that has its ligatures comes back unchanged
    "The first time he went to find the figure on the floor, the flowers were fixed.",
])
def test_names_foreign_words_and_whole_words_are_left_alone(line):
    assert repair_text(line, lexicon=lexicon(BOOK))[0] == line


def test_a_text_that_keeps_its_ligatures_sees_no_change():
    """Without the habit, a stray gap-like form (an abbreviation, nd) is not a gap."""
    line = "The nd and rm columns of the table were filled in by the first officer."
    for lex in (lexicon(CLEAN_BOOK), empty_lexicon()):
        assert repair_text(line, lexicon=lex)[0] == repair_text(line, lexicon=lex, options=OFF)[0]
        assert repair(line, lexicon=lex).edits == repair(line, lexicon=lex, options=OFF).edits


def test_gap_twins_on_general_frequencies():
    probs = unigram_probs(_options(None)["unigrams"])
    ligs = dropped_ligatures({"fi": 0.3})
    s = dict(max_prob=1e-5, ratio=20.0, min_prob=1e-6)
    assert ligature_gap_twin("rst", probs, ligs, **s) == ("first", "fi")
    assert ligature_gap_twin("oor", probs, ligs, **s) == ("floor", "fl")
    assert ligature_gap_twin("condence", probs, ligs, **s) == ("confidence", "fi")
    # common words in their own right, capitalised forms, forms too short, no habit
    for form in ("at", "re", "red", "owing", "Rst", "t"):
        assert ligature_gap_twin(form, probs, ligs, **s) is None
    assert len("t") < LIGATURE_GAP_MIN_LEN
    assert ligature_gap_twin("rst", probs, (), **s) is None
