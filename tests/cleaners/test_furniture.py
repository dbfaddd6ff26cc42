"""Stage `furniture`: learned page numbers, running headers and page breaks."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from cleaners import furniture
from cleaners.document import apply_edits
from cleaners.pipeline import StageContext
from cleaners.furniture import (ends_sentence, header_key, join_decision,
                                learn_page_numbers, run)

DATA = Path(__file__).resolve().parents[1] / "data" / "furniture"
RAW = Path(__file__).resolve().parents[2] / "raw"
CASES = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
CASES += json.loads((DATA / "seed_004.json").read_text(encoding="utf-8"))


def ctx():
    return StageContext.for_stage(furniture, doc_id="t")


def clean(text):
    return apply_edits(text, run(text, ctx()).edits)


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:60] for c in CASES])
def test_before_after_table(case):
    assert clean(case["before"]) == case["after"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:60] for c in CASES])
def test_idempotent_on_own_output(case):
    out = clean(case["before"])
    assert run(out, ctx()).edits == []


def test_removals_are_explained_with_the_learned_pattern():
    case = CASES[-1]
    result = run(case["before"], ctx())
    headers = [e for e in result.edits if e.reason == "removed: running header"]
    folios = [e for e in result.edits if e.reason == "removed: page number"]
    assert {h.evidence["pattern"] for h in headers} == {"testament to a revolution", "lenin a political life"}
    assert all(h.evidence["pages"] >= 3 for h in headers)
    assert [e.evidence["page"] for e in folios] == list(range(256, 264))
    assert all(e.after == "" for e in headers + folios)
    # the split chapter title at the top is kept, labelled and flagged
    assert [s.kind for s in result.spans] == ["heading"]
    assert any("chapter title" in f.reason for f in result.flags)


@pytest.mark.parametrize("prev, nxt, sep", [
    ("friends to return to Russia and ready themselves ", "for the attrition of Bolshevism; and", "\n"),
    ("for the attrition of Bolshevism; and Socialist-", "Revolutionaries constantly declared", "\n"),
    ("and administrative staff.7 ", "The central party leaders surveyed these", "\n\n"),
    ("petitions from Zinoviev, Kamenev, I.", "Smirnov, and other defendants", "\n"),  # an initial
    ("Another of history's ironies:", "the leaders of the land of October", "\n"),
    # full-width sentence-final line: the paragraph most likely continues
    ("have been an hereditary weakness resulting in atherosclerosis.", "Atherosclerosis, which is one", "\n"),
])
def test_join_decision(prev, nxt, sep):
    assert join_decision(prev, nxt, 72)[0] == sep


def test_sentence_end_and_keys():
    assert ends_sentence("diagnosis was plausible.5")
    assert not ends_sentence("Kamenev, I.")
    assert header_key(" 258 Lenin: A Political Life ") == "lenin a political life"


def test_page_number_chain_needs_climbing_numbers_and_long_pages():
    lines = ["x"] * 200
    for k, v in enumerate(range(10, 16)):
        lines[20 + 30 * k] = str(v)
    assert set(learn_page_numbers(lines, min_pages=3, min_lines_per_page=8).values()) == set(range(10, 16))
    lines = ["x"] * 200
    for k, v in enumerate((2, 7, 17, 20, 22)):  # chapter numbers jump
        lines[20 + 30 * k] = str(v)
    assert learn_page_numbers(lines, min_pages=3, min_lines_per_page=8) == {}


@pytest.mark.skipif(not (RAW / "004_991c9ea7373520bf.txt").exists(), reason="seed corpus not present")
def test_seed_004_every_page_break_found_and_mid_sentence_ones_rejoined():
    text = (RAW / "004_991c9ea7373520bf.txt").read_text(encoding="utf-8")
    result = run(text, ctx())
    assert result.stats["page number"] == 35 and result.stats["running header"] == 34
    assert result.stats["page breaks"] == 34
    out = apply_edits(text, result.edits)
    assert not re.search(r"(?m)^ ?2[5-9]\d ?$", out)
    assert "Testament to a Revolution \n" not in out.split("\n", 2)[2]
    assert "Political Life" not in out
    # some of the 28 mid-sentence breaks, read by hand: the two sides are now adjacent lines
    for a, b in [("ready themselves ", "for the attrition"), ("his sister ", "Mariya remarked"),
                 ("Socialist-", "Revolutionaries constantly"),
                 ("Chicherin ", "and Kalinin"), ("these ", "two expressed horror")]:
        assert f"{a}\n{b}" in out
    # sentence-final short lines before a break keep a paragraph break
    for a in ("administrative staff.7 ", "demanded at the time.40 ", "to the Party Congress.216 "):
        assert f"{a}\n\n" in out


@pytest.mark.skipif(not (RAW / "000_e92deb61302e6195.txt").exists(), reason="seed corpus not present")
def test_seed_000_page_break_runs_learned():
    text = (RAW / "000_e92deb61302e6195.txt").read_text(encoding="utf-8")
    result = run(text, ctx())
    assert result.meta["furniture"]["page_breaks"]["blank_lines"] == 3
    assert result.stats["page breaks"] == 548
    out = apply_edits(text, result.edits)
    assert "My father observed the \ndreadful life" in out
    # every 3-empty-line run between text lines is gone (other blank runs are section breaks)
    assert not re.search(r"\S[^\n]*\n\n\n\n(?=[^\n ])", out)
    assert not [e for e in result.edits if e.reason.startswith("removed")]  # no headers in 000


@pytest.mark.skipif(not RAW.exists(), reason="seed corpus not present")
@pytest.mark.parametrize("name", ["001_b035ca80e4c1b7cb.txt", "002_5f7455bb9caaf201.txt", "003_7853f27eca7a2fd2.txt"])
def test_seeds_without_furniture_get_no_edits(name):
    text = (RAW / name).read_text(encoding="utf-8")
    assert run(text, ctx()).edits == []


LINE = st.one_of(
    st.sampled_from(["", " ", "12", " 13 ", "Running Head ", " A Book Title", "end of a sentence.",
                     "14 Running Head", "Book Title 15", "16 Running Head", "\f", "\fRunning Head ",
                     "\fa line after a form feed",
                     "and a line that runs on", "Hyphen-", "lowercase start", "THE HEADING"]),
    st.text(alphabet="ab .,-1\u00a0\t\f", max_size=30),
)


# (hypothesis found the first example: a decorated folio, ``11-``, in a climbing sequence is
# a page number like ``- 12 -``; the property is the page-number line shape, not bare digits)
_PROSE = ["the long line of prose goes on and on here"] * 30


@settings(max_examples=1000, deadline=None)
@given(st.lists(LINE, max_size=80))
@example(["Running Head ", "11-", ""] + _PROSE + ["12", "", "", ""] + _PROSE + [" 13 ", "end of a sentence."])
def test_never_crashes_and_only_removes_furniture(lines):
    text = "\n".join(lines)
    result = run(text, ctx())
    out = apply_edits(text, result.edits)
    for e in result.edits:
        if e.reason == "removed: page number":
            assert furniture.PAGE_NUMBER.match(e.before.rstrip("\n")) and re.search(r"\d", e.before)
        elif e.reason == "removed: running header with page number":
            assert re.search(r"\d", e.before)
        elif e.reason == "removed: form feed (page break)":
            assert not e.before.strip(" \t\f")
        elif e.reason == "removed: running header":
            assert header_key(e.before) == e.evidence["pattern"]
        else:
            assert not e.before.strip() and not e.after.strip()  # page breaks: whitespace only
    assert len(out) <= len(text) + len(result.edits)


KNOWN = json.loads((DATA / "known_failures.json").read_text(encoding="utf-8"))


@pytest.mark.xfail(strict=True, reason="known failures, see tests/data/furniture/known_failures.json")
@pytest.mark.parametrize("case", KNOWN, ids=[k["name"][:50] for k in KNOWN])
def test_known_failures(case):
    assert clean(case["before"]) == case["after"]


def test_known_failure_is_flagged():
    result = run(KNOWN[0]["before"], ctx())
    assert any(f.reason.startswith("full-width sentence-final line") for f in result.flags)


def test_full_width_paragraph_end_rate_is_learned_from_the_document():
    from cleaners.furniture import full_line_paragraph_end_rate
    para = ["the miller watched the river rise again", "and the council argued about it all day",
            "until the whole village had gone to bed."]  # last line full width, ends a sentence
    lines = []
    for _ in range(25):
        lines += para + [""]
    blank = [not l for l in lines]
    rate, n = full_line_paragraph_end_rate(lines, blank, 40, set())
    assert rate == 1.0 and n == 24
    assert join_decision("until the whole village had gone to bed.", "The next day", 40, full_end_rate=rate)[0] == "\n\n"
    assert join_decision("until the whole village had gone to bed.", "The next day", 40)[0] == "\n"
    # without blank lines between paragraphs (004) nothing can be learned
    assert full_line_paragraph_end_rate([l for l in lines if l], [False] * 75, 40, set()) is None


@pytest.mark.skipif(not (RAW / "004_991c9ea7373520bf.txt").exists(), reason="seed corpus not present")
def test_seed_004_all_34_page_breaks_against_the_hand_table():
    """seed_004_breaks.tsv: every page break of 004 read by hand (28 mid-sentence: join;
    5 after a short sentence-final line: paragraph; 1 after a full-width one: either)."""
    rows = [r.split("\t") for r in (DATA / "seed_004_breaks.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert len(rows) == 34 and sum(r[4] == "join" for r in rows) == 28
    text = (RAW / "004_991c9ea7373520bf.txt").read_text(encoding="utf-8")
    out = [l.strip() for l in apply_edits(text, run(text, ctx()).edits).split("\n")]
    for first, last, before, after, expected in rows:
        k = out.index(before)
        if expected == "join":
            assert out[k + 1] == after, (first, before)
        elif expected == "paragraph":
            assert out[k + 1] == "" and out[k + 2] == after, (first, before)
        else:
            assert after in (out[k + 1], out[k + 2])
