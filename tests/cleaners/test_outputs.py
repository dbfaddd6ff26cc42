"""The on-disk rows: the set-up-once JSON encoder writes what json.dumps writes."""

import json

import pytest

from cleaners.corpus import _dumps
from cleaners.document import DocState, Edit, StageResult
from cleaners.outputs import document_files, row_encoder

ROWS = [
    {"stage": "words", "before": "tbe", "after": "the", "confidence": 0.8125, "evidence": {
        "why": "“quoted” — dash, é, \u2028, tab\t, NUL\x00", "cands": [["the", -1.5e-07], ["tho", 1e300]],
        "n": 3, "ok": True, "none": None}, "raw": {"line": 2, "col": 0}},
    {},
    {"z": [], "a": {"nested": {"b": 2, "a": [1, 2.0, -0.0, float("nan"), float("-inf")]}}},
]


def test_row_encoder_equals_json_dumps():
    for row in ROWS:
        assert row_encoder()(row) == json.dumps(row, ensure_ascii=False, sort_keys=True)
        assert _dumps(row) == json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def test_row_encoder_refuses_what_json_dumps_refuses():
    for bad in ({"x": {1, 2}}, {"x": object()}, {1: "a", "b": 2}):
        with pytest.raises(TypeError):
            json.dumps(bad, sort_keys=True)
        with pytest.raises(TypeError):
            row_encoder()(bad)


def test_edit_log_lines_are_json_dumps_lines():
    state = DocState.from_raw("d", "Tbe “cat” sat.\n")
    state.apply("words", StageResult(edits=[Edit.at(state.text, 0, 3, "The", stage="words", reason="slip",
                                                    confidence=0.75, evidence={"why": "é ‘x’"})]))
    data = document_files("d", state)["edits/d.jsonl"]
    expected = "".join(json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for e in state.edits)
    assert data == expected.encode("utf-8") and data.count(b"\n") == 1
    assert document_files("e", DocState.from_raw("e", "Clean.\n"))["edits/e.jsonl"] == b""
