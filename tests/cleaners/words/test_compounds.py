"""Capitalised compounds with a cheap slip in one part (``_judge_compound``) and names split
by a stray space (``_judge_written_join``), judged on the corpus's own compounds and names,
with invented text only (tests/data/words/compound_cases.json)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from cleaners.words.lexicon import (build_corpus_lexicon, capitalised_compounds, compound_spellings,
                                    document_counts, lexicon_from_counts)
from cleaners.words.repair import repair_text

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CASES = json.loads((DATA / "compound_cases.json").read_text(encoding="utf-8"))


def _corpus_text() -> str:
    lines = CASES["corpus"] + [before for before, _ in CASES["repairs"] + CASES["known_failures"]] + CASES["unchanged"]
    return "\n\n".join(lines)


@pytest.fixture(scope="module")
def lexicon():
    return build_corpus_lexicon([("corpus", _corpus_text())])


def test_lexicon_counts_capitalised_compounds_and_names_written_once(lexicon):
    assert lexicon.compounds["Novo-Magnitogorsk"] == 1 and lexicon.compounds["Novo-Maguitogorsk"] == 1
    assert "Kallin-Berg" in lexicon.compounds
    assert not any("-" in c and c.split("-")[0].islower() for c in lexicon.compounds)  # (well-knowu)
    assert "ostrovich" in lexicon.written_once and "lobachevsky" not in lexicon.written_once
    assert lexicon.numbers.get("1907", 0) >= 2 and "1908" not in lexicon.numbers


@pytest.mark.parametrize("before,after", CASES["repairs"])
def test_repairs(lexicon, before, after):
    assert repair_text(before, lexicon=lexicon)[0] == after


@pytest.mark.parametrize("before,after", CASES["repairs"])
def test_repairs_need_the_option(lexicon, before, after):
    off = {"compound_slip_cost": 0, "join_written_names": False, "join_split_numbers": False}
    assert repair_text(before, lexicon=lexicon, options=off)[0] == before


@pytest.mark.xfail(strict=False, reason="known failure, see compound_cases.json")
@pytest.mark.parametrize("before,after", CASES["known_failures"])
def test_known_failures(lexicon, before, after):
    assert repair_text(before, lexicon=lexicon)[0] == after


@pytest.mark.parametrize("line", CASES["unchanged"])
def test_unchanged(lexicon, line):
    assert repair_text(line, lexicon=lexicon)[0] == line


@pytest.mark.parametrize("line,options", [
    ("The Novo-Maguitogorsk plant was closed.", {"protected_words": ["Maguitogorsk"]}),
    ("The Novo-Maguitogorsk plant was closed.", {"protected_patterns": [r"Novo-\w+"]}),
    ("See plants/Novo-Maguitogorsk for the plan.", {}),
])
def test_protected_parts_stay(lexicon, line, options):
    """A user's protected words and patterns, and paths, guard a compound's parts as they
    guard any word (the compound repair honours the line's protection like the other joins)."""
    assert repair_text(line, lexicon=lexicon, options=options)[0] == line


def test_no_evidence_no_repair():
    """Without the corpus's compounds and names (the damaged lines alone), nothing changes."""
    lex = build_corpus_lexicon([("c", "\n\n".join(before for before, _ in CASES["repairs"]))])
    for before, _after in CASES["repairs"]:
        assert repair_text(before, lexicon=lex)[0] == before


def test_repairs_are_idempotent_and_explained(lexicon):
    for before, after in CASES["repairs"]:
        new, edits, _flags = repair_text(before, lexicon=lexicon)
        assert repair_text(new, lexicon=lexicon)[0] == new
        assert edits and all(e.evidence.get("kind") == "join" for e in edits)


def test_capitalised_compounds_scan_is_linear_on_a_long_word():
    word = "A" + "b" * 200_000
    assert capitalised_compounds(word + "-" + word) == [word + "-" + word]
    assert capitalised_compounds(word * 3) == []


def test_document_counts_merge_compounds():
    a, b = document_counts("The Anglo-Saxon king."), document_counts("The ANGLO-SAXON kings and the Anglo-Saxon land.")
    a.merge(b)
    assert a.compounds == Counter({"Anglo-Saxon": 2, "ANGLO-SAXON": 1})
    assert compound_spellings(a.compounds) == {"Anglo-Saxon": 2}  # (3, quantised)
    assert lexicon_from_counts(a).compounds == {"Anglo-Saxon": 2}


def test_damaged_copies_more_common_than_the_compound_are_all_repaired_at_once():
    """The counts of the two compounds do not decide (a repair changes them): every damaged
    copy is read as the compound in the first cleaning, and a second changes nothing."""
    text = ("The Nou-Conformist chapel was built in the spring. The Nou-Conformist minister came.\n\n"
            "The Nou-Conformist school was closed. A Non-Conformist preacher spoke to the crowd.")
    lex = build_corpus_lexicon([("c", text)])
    once = repair_text(text, lexicon=lex)[0]
    assert "Nou-" not in once and once.count("Non-Conformist") == 4
    again = build_corpus_lexicon([("c", once)])
    assert repair_text(once, lexicon=again)[0] == once
