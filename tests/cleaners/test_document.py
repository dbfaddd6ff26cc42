"""The provenance core: edits, offset maps, replay."""

import pytest
from hypothesis import given, settings, strategies as st

from cleaners.document import (DocState, Edit, EditConflict, LineIndex, Span, StageResult,
                               apply_edits, map_spans, replay)


def test_apply_edits_replaces_inserts_and_deletes():
    t = "abc def ghi"
    edits = [Edit.at(t, 0, 3, "ABC", stage="s", reason="r"),
             Edit.at(t, 4, 4, "<", stage="s", reason="r"),
             Edit.at(t, 7, 8, "", stage="s", reason="r")]
    assert apply_edits(t, edits) == "ABC <defghi"


def test_overlapping_edits_are_refused():
    t = "abcdef"
    with pytest.raises(EditConflict):
        apply_edits(t, [Edit.at(t, 0, 3, "x", stage="s", reason="r"),
                        Edit.at(t, 2, 4, "y", stage="s", reason="r")])


def test_edit_with_wrong_before_is_refused():
    with pytest.raises(EditConflict):
        apply_edits("abc", [Edit("s", 0, 1, "z", "y", "r")])


def test_docstate_tracks_raw_coordinates_through_stages():
    raw = "one\ntwo lhe\nthree"
    st_ = DocState.from_raw("d", raw)
    t = st_.text
    st_.apply("join", StageResult(edits=[Edit.at(t, 3, 4, " ", stage="join", reason="r")]))
    t = st_.text
    i = t.index("lhe")
    st_.apply("words", StageResult(edits=[Edit.at(t, i, i + 3, "the", stage="words", reason="r")]))
    assert st_.text == "one two the\nthree"
    e = st_.edits[-1]
    assert raw[e.raw_start:e.raw_end] == "lhe"
    assert (e.raw_line, e.raw_col) == (2, 4)
    assert replay(raw, st_.edits) == st_.text


def test_spans_follow_later_edits():
    t = "xx Title\nbody"
    spans = map_spans([Span("heading", 3, 8)], [Edit.at(t, 0, 3, "", stage="s", reason="r")])
    assert [(s.start, s.end) for s in spans] == [(0, 5)]


def test_line_index():
    li = LineIndex("a\nbc\n")
    assert li.line_col(0) == (1, 0)
    assert li.line_col(3) == (2, 1)
    assert li.line_col(5) == (3, 0)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.data())
def test_replay_reproduces_random_edit_sequences(raw, data):
    state = DocState.from_raw("d", raw)
    for step in range(3):
        t = state.text
        cuts = sorted(data.draw(st.lists(st.integers(0, len(t)), max_size=6, unique=True)))
        edits = []
        for a, b in zip(cuts[::2], cuts[1::2]):
            edits.append(Edit.at(t, a, b, data.draw(st.text(max_size=3)), stage=f"s{step}", reason="r"))
        state.apply(f"s{step}", StageResult(edits=edits))
        assert len(state.raw_map) == len(state.text) + 1
        assert all(0 <= x <= len(raw) for x in state.raw_map)
    assert replay(raw, state.edits) == state.text
