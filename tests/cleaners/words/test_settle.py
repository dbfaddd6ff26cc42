"""Stage `words` settles in one run: a line it changed is judged again on its repaired text
(``settle_rounds``), the rounds composed into edits on the stage's input.

Invented text only (no seed or benchmark line)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cleaners.document import DocState, Edit, EditConflict, Flag, OffsetMapper, apply_edits, check_edits, replay
from cleaners.words.repair import _compose_rounds, _flags_back, repair, repair_text

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CASES = json.loads((DATA / "settle_cases.json").read_text(encoding="utf-8"))
OFF = {"settle_rounds": 0}


# ------------------------------------------------------------------ the stage, end to end

@pytest.mark.parametrize("before,after", CASES["settles"])
def test_a_repair_that_needs_an_earlier_one_is_made_in_one_run(lexicon_for, before, after):
    lex = lexicon_for(before)
    once = repair_text(before, lexicon=lex, options=OFF)[0]
    assert once != after  # one round alone leaves it half done (the old behaviour) ...
    assert repair_text(once, lexicon=lex, options=OFF)[0] == after  # ... that a second run finished
    assert repair_text(before, lexicon=lex)[0] == after


@pytest.mark.parametrize("text", [b for b, _ in CASES["settles"]] + CASES["damaged"] + CASES["flagged_and_settles"])
def test_cleaning_the_output_again_changes_nothing(lexicon_for, text):
    lex = lexicon_for(text)
    once, _, _ = repair_text(text, lexicon=lex)
    twice, edits, _ = repair_text(once, lexicon=lex)
    assert twice == once, [(e.before, e.after) for e in edits]


def test_idempotent_on_a_damaged_document(lexicon_for):
    """Several paragraphs at once: the profile pass re-judges lines with the rounds too."""
    text = "\n\n".join([b for b, _ in CASES["settles"]] + CASES["damaged"] + CASES["unchanged"])
    lex = lexicon_for(text)
    once, edits, _ = repair_text(text, lexicon=lex)
    assert edits
    assert repair_text(once, lexicon=lex)[0] == once


def test_lines_the_profile_pass_judges_again_settle_too(lexicon_for):
    """The profile pass replaces a line's first-pass edits with its own: it settles the line
    the same way, or the repair the rounds made there would be lost."""
    text = "\n\n".join(CASES["profile_document"])
    lex = lexicon_for(text)
    result = repair(text, lexicon=lex)
    assert result.stats["profile_lines"] == 1 and result.meta["words_profile"]["slips"]
    once = apply_edits(text, result.edits)
    assert once.split("\n")[-1] == CASES["profile_document_last"]
    assert repair_text(once, lexicon=lex)[0] == once
    off = apply_edits(text, repair(text, lexicon=lex, options=OFF).edits)
    assert off.split("\n")[-1] != CASES["profile_document_last"]


@pytest.mark.parametrize("text", CASES["unchanged"])
def test_clean_lines_stay_unchanged(lexicon_for, text):
    new, edits, flags = repair_text(text, lexicon=lexicon_for(text))
    assert new == text and not edits, [(e.before, e.after) for e in edits]


def test_a_merged_edit_keeps_every_step(lexicon_for):
    before, after = CASES["settles"][0]
    new, edits, _ = repair_text(before, lexicon=lexicon_for(before))
    assert new == after
    (merged,) = [e for e in edits if "rounds" in e.evidence]
    steps = merged.evidence["rounds"]
    assert [s["round"] for s in steps] == sorted(s["round"] for s in steps) and len(steps) >= 2
    assert steps[0]["before"] == merged.before and steps[-1]["after"] in merged.after
    assert all(s["reason"] and 0 < s["confidence"] <= 1 for s in steps)
    assert "evidence" in steps[0]  # (the last step's evidence is the edit's own)
    assert merged.evidence["kind"] and merged.evidence["candidates"] and merged.evidence["confusions"]
    assert merged.confidence == pytest.approx(min(s["confidence"] for s in steps), abs=1e-4)
    assert merged.stage == "words" and merged.reason.startswith(steps[0]["reason"] + ", then ")
    assert merged.reason.endswith(steps[-1]["reason"])


def test_edits_that_need_no_second_round_are_the_same(lexicon_for):
    """A line that a second round leaves alone keeps the first round's edits and flags."""
    for text in CASES["damaged"] + [CASES["flagged"]]:
        lex = lexicon_for(text)
        on, off = repair(text, lexicon=lex), repair(text, lexicon=lex, options=OFF)
        if apply_edits(text, off.edits) == apply_edits(text, on.edits):
            assert [e.to_json() for e in on.edits] == [e.to_json() for e in off.edits]


def test_first_round_flags_stand_where_no_round_changed_their_text(lexicon_for):
    """The first round judged the line with its damage in view: its flags stay (later
    rounds only add flags where none stands, and drop those on text they changed)."""
    for text in [CASES["flagged"], *CASES["flagged_and_settles"]]:
        lex = lexicon_for(text)
        on, off = repair(text, lexicon=lex), repair(text, lexicon=lex, options=OFF)
        assert off.flags
        for f in off.flags:
            if not any(e.start < f.end and f.start < e.end for e in on.edits):
                assert f in on.flags
        assert all(text[f.start:f.end] == f.text for f in on.flags)


def test_the_edit_log_replays_and_flags_point_at_output_text(lexicon_for):
    """Through DocState (after an earlier stage's edit): raw + edit log == text, and each
    flag's text is the input's at its span and stands in the stage's output where it goes."""
    body = "\n\n".join([b for b, _ in CASES["settles"]] + CASES["damaged"] + [CASES["flagged"]]
                         + CASES["flagged_and_settles"])
    raw = "   " + body
    state = DocState.from_raw("d", raw)
    lead = Edit.at(raw, 0, 3, "", stage="whitespace", reason="leading blanks")
    from cleaners.document import StageResult

    state.apply("whitespace", StageResult(edits=[lead]))
    text = state.text
    result = repair(text, lexicon=lexicon_for(body))
    assert any("rounds" in e.evidence for e in result.edits)
    state.apply("words", result)
    assert replay(raw, state.edits) == state.text
    assert repair_text(text, lexicon=lexicon_for(body))[0] == state.text
    fwd = OffsetMapper(check_edits(text, result.edits))
    assert result.flags
    for f in result.flags:
        assert text[f.start:f.end] == f.text == state.text[fwd(f.start, "left"):fwd(f.end, "right")], f
        assert raw[f.raw_start:f.raw_end].strip()


# ------------------------------------------------------------------ composing rounds

def test_compose_moves_a_later_edit_clear_of_earlier_ones():
    orig = "tbe mnn ol the town"
    done = [Edit.at(orig, 0, 3, "the", stage="w", reason="r1"), Edit.at(orig, 4, 7, "men", stage="w", reason="r1")]
    cur = apply_edits(orig, done)
    later = [Edit.at(cur, 8, 10, "of", stage="w", reason="r2", evidence={"kind": "real-word"})]
    out = _compose_rounds(orig, cur, done, later, 2)
    assert [(e.start, e.end, e.before, e.after) for e in out] == [(0, 3, "tbe", "the"), (4, 7, "mnn", "men"),
                                                                  (8, 10, "ol", "of")]
    assert out[2].evidence == {"kind": "real-word", "round": 2} and "round" not in out[0].evidence


def test_compose_merges_a_later_edit_across_two_earlier_ones():
    orig = "sbou lb go"
    done = [Edit.at(orig, 0, 4, "shou", stage="w", reason="r1", confidence=0.8),
            Edit.at(orig, 5, 7, "ld", stage="w", reason="r1", confidence=0.9)]
    cur = apply_edits(orig, done)
    later = [Edit.at(cur, 0, 7, "should", stage="w", reason="join", confidence=0.95, evidence={"kind": "join"})]
    (e,) = _compose_rounds(orig, cur, done, later, 2)
    assert (e.start, e.end, e.before, e.after, e.reason, e.confidence) == (0, 7, "sbou lb", "should", "r1, then join", 0.8)
    assert [s["after"] for s in e.evidence["rounds"]] == ["shou", "ld", "should"]
    assert e.evidence["kind"] == "join"


def test_compose_over_three_rounds_keeps_the_steps_in_order():
    orig = "x 1ie y"
    r1 = [Edit.at(orig, 2, 5, "lie", stage="w", reason="a")]
    cur1 = apply_edits(orig, r1)
    r2 = [Edit.at(cur1, 2, 5, "he", stage="w", reason="b")]
    done = _compose_rounds(orig, cur1, r1, r2, 2)
    cur2 = apply_edits(cur1, r2)
    r3 = [Edit.at(cur2, 0, 4, "x, he", stage="w", reason="c")]
    (e,) = _compose_rounds(orig, cur2, done, r3, 3)
    assert (e.before, e.after) == ("x 1ie", "x, he")
    assert [(s["round"], s["before"], s["after"]) for s in e.evidence["rounds"]] == [
        (1, "1ie", "lie"), (2, "lie", "he"), (3, "x he", "x, he")]


def _edits(draw, text: str, stage: str) -> list[Edit]:
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if a < b]  # (the stage replaces or deletes, never inserts)
    afters = draw(st.lists(st.sampled_from(["", "a", "bc", "xyz"]), min_size=len(spans), max_size=len(spans)))
    edits = [Edit.at(text, a, b, w, stage=stage, reason=stage) for (a, b), w in zip(spans, afters)]
    try:
        return check_edits(text, [e for e in edits if e.before != e.after])
    except EditConflict:
        assume(False)


@st.composite
def rounds(draw):
    orig = draw(st.text(alphabet="ab c", max_size=16))
    done = _edits(draw, orig, "r1")
    cur = apply_edits(orig, done)
    later = _edits(draw, cur, "r2")
    return orig, done, cur, later


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rounds())
def test_composed_edits_make_what_the_rounds_made(case):
    orig, done, cur, later = case
    out = _compose_rounds(orig, cur, done, later, 2)
    assert apply_edits(orig, out) == apply_edits(cur, later)  # (check_edits: sorted, no overlaps, befores)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rounds(), st.data())
def test_flags_are_moved_onto_the_input_where_no_round_changed_their_text(case, data):
    orig, done, cur, later = case
    assume(cur)
    a = data.draw(st.integers(0, len(cur) - 1))
    b = data.draw(st.integers(a + 1, len(cur)))
    flag = Flag("w", a, b, cur[a:b], "?")
    out = _flags_back(done, [flag], later)
    replaced, shift = [], 0
    for e in done:  # where the earlier replacements stand in ``cur``
        replaced.append((e.start + shift, e.start + shift + len(e.after)))
        shift += len(e.after) - (e.end - e.start)
    touched = any(s < b and a < t for s, t in replaced + [(e.start, e.end) for e in later])
    assert len(out) == (0 if touched else 1)
    if out:
        (f,) = out
        assert orig[f.start:f.end] == f.text == flag.text
        composed = _compose_rounds(orig, cur, done, later, 2)
        fwd = OffsetMapper(composed)
        assert apply_edits(orig, composed)[fwd(f.start, "left"):fwd(f.end, "right")] == f.text
