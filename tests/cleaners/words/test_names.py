"""Capitalised, ALL-CAPS and titled forms: damaged copies of what a corpus writes often are
repaired; real names, acronyms and headings that are not such copies come back unchanged.

Each test builds a small corpus whose damage rate and counts it controls: a corpus that
writes ``USSR`` or ``the Court`` many times, with (or without) a share of damaged words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.words.lexicon import build_corpus_lexicon
from cleaners.words.repair import _in_capitals, _options, _short_capitals, repair_text

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CASES = json.loads((DATA / "names_cases.json").read_text(encoding="utf-8"))

# ordinary sentences (repeated, they make the clean context names need to be trusted);
# the corpus writes "court" and "hospital" in lowercase too, so they are titled words, not names
_CLEAN = [
    "The delegates of the USSR travelled to Geneva and met the ministers of the other states.",
    "In the spring the trade mission of the USSR signed a treaty with the government in Berlin.",
    "The case came before the Court in the morning, and the Court heard the witnesses at length.",
    "The prisoner was taken to the Court, where the magistrate read the charge against him.",
    "He said that the court of the town was small, and that he would go to the hospital.",
    "The NKVD kept the files of the commission in the archive of the ministry in Moscow.",
    "The Hospital received the injured men, and the surgeon of the Hospital dressed their wounds.",
]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _damaged_words(start: int, n: int) -> str:
    """``n`` distinct damaged forms, each written once in the corpus (no list knows them)."""
    return " ".join(f"qz{_LETTERS[i // 26 % 26]}{_LETTERS[i % 26]}x" for i in range(start, start + n))


def corpus(*, damaged: bool, repeats: int = 16) -> list[tuple[str, str]]:
    """The invented corpus; damaged: a line of one-off damaged forms after each block
    (some four in a hundred words)."""
    block = "\n".join(_CLEAN)
    lines = [block + ("\n" + _damaged_words(6 * r, 6) if damaged else "") for r in range(repeats)]
    return [("corpus", "\n".join(lines))]


@pytest.fixture(scope="module")
def damaged_lexicon():
    return build_corpus_lexicon(corpus(damaged=True))


@pytest.fixture(scope="module")
def clean_lexicon():
    return build_corpus_lexicon(corpus(damaged=False))


def test_the_corpora_are_what_the_tests_assume(damaged_lexicon, clean_lexicon):
    assert damaged_lexicon.damage_rate >= 0.01 and clean_lexicon.damage_rate == 0.0
    assert damaged_lexicon.name_spelling("ussr") == "USSR"
    assert damaged_lexicon.title_count("court") >= 8 and damaged_lexicon.name_spelling("court") is None


@pytest.mark.parametrize("before,after", CASES["copies"] + CASES["words_in_capitals"])
def test_damaged_copies_are_repaired(damaged_lexicon, before, after):
    new, edits, _ = repair_text(before, lexicon=damaged_lexicon)
    assert new == after
    assert edits and all(e.evidence["candidates"] and e.evidence["confusions"] for e in edits)
    assert repair_text(new, lexicon=damaged_lexicon)[0] == new  # idempotent


@pytest.mark.parametrize("text", CASES["unchanged"])
def test_real_forms_stay(damaged_lexicon, clean_lexicon, text):
    assert repair_text(text, lexicon=damaged_lexicon)[0] == text
    assert repair_text(text, lexicon=clean_lexicon)[0] == text


@pytest.mark.parametrize("before,_after", CASES["copies"])
def test_a_clean_corpus_makes_no_copies(clean_lexicon, before, _after):
    """The same forms in a corpus without damage: nothing predicts a damaged copy of a
    name, an acronym or a titled word, so the form is left alone."""
    assert repair_text(before, lexicon=clean_lexicon)[0] == before


def test_a_repeated_acronym_is_trusted_and_stays():
    text = corpus(damaged=True)[0][1] + "\nThe USSB met in Geneva. The USSB met in Berlin. The USSB met again."
    lex = build_corpus_lexicon([("corpus", text)])
    assert lex.trusted("ussb")
    line = "The delegates of the USSB travelled to Geneva."
    assert repair_text(line, lexicon=lex)[0] == line


def test_options_switch_the_mechanisms_off(damaged_lexicon):
    line = "The delegates of the USSB travelled to Geneva."
    assert repair_text(line, lexicon=damaged_lexicon, options={"acronym_copy_min_count": 0})[0] == line
    off = build_corpus_lexicon(corpus(damaged=True), options={"titled_min_count": 0})
    assert not off.titled
    line = "The prisoner was taken to the Courb in the morning."
    assert repair_text(line, lexicon=off)[0] == line


def test_short_capitals_and_headings():
    assert _short_capitals("USSB", "ussb", frozenset()) and not _short_capitals("GPU", "gpu", frozenset())
    assert not _short_capitals("MCMX", "mcmx", frozenset())  # (a roman numeral)
    assert not _short_capitals("USSB", "ussb", frozenset({"ussb"}))  # (protected)
    words = "SHOCKING TBIAL AT LEEDS".split()
    assert _in_capitals(words, 1)
    assert not _in_capitals("the TBIAL of the".split(), 1)
    assert not _in_capitals(["TBIAL"], 0)  # (alone: an acronym)
    assert not _in_capitals("A TBIAL B".split(), 1)  # (lone letters make no heading)
    assert _in_capitals("THE WEaDDING FEAST".split(), 0)  # (a damaged neighbour in capitals still counts)
    assert not _in_capitals("The WEaDDING FEAST".split(), 1)


def test_a_recurring_name_beside_a_titled_word_stays():
    """A real name one edit from a titled word (Coury, the Court) recurs in clean context:
    the corpus trusts it and it is never read as a copy."""
    text = corpus(damaged=True)[0][1] + "\nMr Coury spoke to the delegates. Then Mr Coury left for Geneva."
    lex = build_corpus_lexicon([("corpus", text)])
    assert lex.trusted("coury") and lex.title_count("court")
    line = "The prisoner was taken to Mr Coury in the morning."
    assert repair_text(line, lexicon=lex)[0] == line


def test_long_forms_get_more_copy_evidence_only_where_copies_are_predicted():
    from cleaners.words.lexicon import CorpusLexicon
    from cleaners.words.repair import _copy_evidence, language_model
    from cleaners.words.scoring import Reading

    names = {"hammersmith": 64, "smith": 64}
    surfaces = {k: k.title() for k in names}
    opts = _options(None)
    damaged = language_model(CorpusLexicon(counts=names, surfaces=surfaces, total=4096, damage_rate=0.0884), opts)
    long_ = _copy_evidence(damaged, "hammuersmith", [Reading("Hammersmith", ("hammersmith",), 3.0, "edit")], opts)
    short = _copy_evidence(damaged, "smitb", [Reading("Smith", ("smith",), 0.5, "confusion")], opts)
    assert long_ == pytest.approx(short + opts["copy_length_weight"] * (len("hammuersmith") - 7))
    clean = language_model(CorpusLexicon(counts=names, surfaces=surfaces, total=4096, damage_rate=0.001), opts)
    assert _copy_evidence(clean, "hammuersmith", [Reading("Hammersmith", ("hammersmith",), 3.0, "edit")], opts) == 0.0


@pytest.mark.parametrize("before,after", CASES["quoted_copies"])
def test_a_quoted_damaged_copy_is_read_like_the_unquoted_form(damaged_lexicon, clean_lexicon, before, after):
    """Quotation marks make a term deliberate, not its misprint: a quoted one-off form one
    slip from a name the damaged corpus writes often is repaired (its quotes kept); the
    same form in the clean corpus has no copy evidence and stays."""
    new, edits, _ = repair_text(before, lexicon=damaged_lexicon)
    assert new == after
    assert len(edits) == 1 and edits[0].before.isalpha()  # (the word only, not its quotes)
    assert repair_text(new, lexicon=damaged_lexicon)[0] == new
    assert repair_text(before, lexicon=clean_lexicon)[0] == before


@pytest.mark.parametrize("text", CASES["quoted_unchanged"])
def test_quoted_terms_without_copy_evidence_stay(damaged_lexicon, text):
    assert repair_text(text, lexicon=damaged_lexicon)[0] == text
