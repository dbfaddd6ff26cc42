"""Lone letters read from specks of scanner noise between two words (``for s being``):
cleaners.words.repair._judge_speck, its switch ``specks`` and its company rule
(``speck_company`` other lone letters within ``speck_window`` words)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.words.repair import KNOWN, SKIP, SPECK_RE, _options, _speck_company, _speck_sites, repair_text
from cleaners.words.tokens import WORD_RE, LineTokens

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CASES = json.loads((DATA / "speck_cases.json").read_text(encoding="utf-8"))
OPTS = _options(None)


@pytest.mark.parametrize("before,after", CASES["repairs"])
def test_speck_removed(before, after):
    new, edits, _ = repair_text(before)
    assert new == after
    specks = [e for e in edits if e.evidence.get("kind") == "speck"]
    assert specks and len(specks) == len(edits)
    for e in specks:
        assert e.after == "" and e.before[0] == " " and len(e.before) == 2
        assert e.reason.startswith("ocr speck removed")
        assert e.confidence >= OPTS["speck_threshold"]
        pair = next(iter(e.evidence["context_counts"]))  # the pair the letter stood between
        assert len(pair.split()) == 2
        assert e.evidence["specks_near"]
    assert repair_text(new)[0] == new  # idempotent
    assert repair_text(before, options={"specks": False})[0] == before


@pytest.mark.parametrize("text", CASES["unchanged"])
def test_speck_left_alone(text):
    new, edits, flags = repair_text(text)
    assert new == text
    assert not [f for f in flags if "speck" in f.reason]


def test_lone_speck_needs_company():
    # one lone letter with no other near it is as often what is left of a word (put u my: up)
    text = "The men were e called to the court."
    assert repair_text(text)[0] == text
    assert repair_text(text, options={"speck_company": 0})[0] == "The men were called to the court."
    far = "The men were e called to the court " + "and then they went home " * 5 + "and he would r be there."
    assert repair_text(far, options={"speck_window": 4})[0] == far


def test_protected_letter_kept():
    before, after = CASES["repairs"][1]
    new = repair_text(before, options={"protected_words": ["r"]})[0]
    assert "would r be" in new and "were called" in new
    assert repair_text(before, options={"protected_patterns": [r"\bwould r\b"]})[0].count("would r be") == 1


def test_speck_sites_shape():
    line = "on d Saturday, the r way, a t the, 5 d pence, R x, (b) and, e.g. then"
    words = WORD_RE.findall(line)
    tokens = LineTokens(line, words)
    forms = [SKIP if len(w) < 2 else KNOWN for w in words]  # (a one-letter form is skipped as too short)
    sites = [tokens[i].text for i in _speck_sites(line, tokens, forms)]
    assert sites == ["d", "r"]  # (a one-letter neighbour, digits, capitals, marks: no site)
    # the screen's pattern finds the same letters (and ``t`` after the one-letter ``a``)
    assert [m.group().strip() for m in SPECK_RE.finditer(line)] == ["d", "r", "t"]
    assert SPECK_RE.search("the x-ray") is None and SPECK_RE.search("for x years") is None
    i = next(i for i in range(len(tokens)) if tokens[i].text == "d")
    assert _speck_company(line, tokens, i, [line.index(" r ") + 1], 20) == ["r"]


@pytest.mark.parametrize("text,stretch", CASES["flagged"])
def test_lone_speck_flagged(text, stretch):
    new, edits, flags = repair_text(text)
    assert new == text and not edits
    [flag] = [f for f in flags if "speck" in f.reason]
    assert flag.text == stretch and text[flag.start:flag.end] == stretch
    assert flag.candidates[0]["kind"] == "speck" and flag.confidence >= OPTS["speck_threshold"]
    assert not repair_text(text, options={"specks": False})[2]
