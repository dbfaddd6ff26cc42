"""Segments and sentences: hard cases as data (tests/data/segment/sentences.json)."""

import json
from pathlib import Path

import pytest

from cleaners.document import Span
from cleaners.segment import segments, split_sentences

DATA = Path(__file__).parents[1] / "data" / "segment"
CASES = json.loads((DATA / "sentences.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["why"][:40] for c in CASES])
def test_sentence_cases(case):
    text = case["text"]
    assert " ".join(case["sentences"]) == text
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == case["sentences"], case["why"]


def test_cases_include_negatives():
    """The table must keep cases that must NOT be split."""
    assert sum(1 for c in CASES if len(c["sentences"]) == 1) >= 5


def test_offsets_are_relative_to_the_whole_text():
    text = "Title\n\nFirst one. Second one.\n\nMr. Smith left."
    spans = split_sentences(text, 7, 29)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one."]


def test_segments_kinds_from_spans():
    text = ("CHAPTER ONE\n\nHe came. He saw.\n\nThe moon is high\nThe night is long\n\n"
            "1. A note about the moon.\n")
    h = text.index("CHAPTER ONE")
    v = text.index("The moon")
    n = text.index("1. A note")
    spans = [Span("heading", h, h + 11), Span("verse", v, v + 33), Span("note", n, len(text) - 1)]
    segs = segments(text, spans)
    assert [s.kind for s in segs] == ["heading", "paragraph", "verse", "note"]
    assert [text[s.start:s.end] for s in segs][2] == "The moon is high\nThe night is long"
    assert [text[a:b] for a, b in segs[1].sentences] == ["He came.", "He saw."]
    assert segs[0].sentences == [(segs[0].start, segs[0].end)]  # a heading is one sentence


def test_inline_note_becomes_its_own_segment():
    text = "He left the city. [Note: he returned in May.] Then the war began."
    a = text.index("[Note")
    b = text.index("]") + 1
    segs = segments(text, [Span("note", a, b)])
    assert [(s.kind, text[s.start:s.end]) for s in segs] == [
        ("paragraph", "He left the city."), ("note", "[Note: he returned in May.]"),
        ("paragraph", "Then the war began.")]


def test_every_character_is_in_exactly_one_segment_or_whitespace():
    text = "One. Two.\n\nThree?\n\n\nFour...  Five!\n"
    segs = segments(text)
    covered = "".join(text[s.start:s.end] for s in segs)
    assert covered.replace(" ", "") == text.replace("\n", "").replace(" ", "")
    for s in segs:
        assert all(s.start <= a < b <= s.end for a, b in s.sentences)


KNOWN_FAILURES = json.loads((DATA / "known_failures.json").read_text(encoding="utf-8"))


@pytest.mark.xfail(strict=True, reason="known failures of the rule-based splitter")
@pytest.mark.parametrize("case", KNOWN_FAILURES, ids=[c["why"][:40] for c in KNOWN_FAILURES])
def test_known_failures(case):
    text = case["text"]
    assert [text[a:b] for a, b in split_sentences(text)] == case["sentences"]
