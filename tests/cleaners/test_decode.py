"""Decoding: BOMs, UTF-16/32 without BOM, fallbacks recorded, binary and empty input refused."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cleaners.decode import Decoded, RefusedInput, decode_bytes

CASES = json.loads((Path(__file__).parents[1] / "data" / "decode" / "cases.json").read_text("utf-8"))


def case_bytes(case):
    if "hex" in case:
        return bytes.fromhex(case["hex"])
    return bytes.fromhex(case.get("bom", "")) + case["text"].encode(case["codec"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_table(case):
    data = case_bytes(case)
    if "refused" in case:
        with pytest.raises(RefusedInput) as err:
            decode_bytes(data)
        assert err.value.kind == case["refused"]
        assert len(str(err.value)) > 40 and ";" in str(err.value)  # says what was seen and what to do
        return
    d = decode_bytes(data)
    assert d.text == case["text"]
    assert d.encoding == case["encoding"]
    assert (d.fallback is not None) == case["fallback"]
    assert d.bom == ("bom" in case)


def test_refused_input_is_a_value_error():
    assert issubclass(RefusedInput, ValueError)


def test_to_json_records_fallback():
    d = decode_bytes("café".encode("cp1252"))
    j = d.to_json()
    assert j["encoding"] == "cp1252" and "not valid UTF-8" in j["fallback"]
    assert set(j) >= {"encoding", "fallback", "warnings", "bom", "replaced_bytes"}


def test_mixed_file_lists_positions():
    d = decode_bytes("ok “x” ".encode() + b"\x93bad\x94")
    assert d.replaced_bytes == 2 and "11" in d.warnings[0]


def test_long_single_line_is_fine():
    data = ("word " * 400_000).encode()  # 2 MB on one line
    assert len(decode_bytes(data).text) == len(data)


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_are_refused(data):
    try:
        d = decode_bytes(data)
    except RefusedInput as exc:
        assert exc.kind in ("binary", "empty")
        return
    assert isinstance(d, Decoded) and isinstance(d.text, str) and d.text.strip()


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=100).filter(lambda t: t.strip() and "\x00" not in t))
def test_utf8_text_round_trips(text):
    try:
        assert decode_bytes(text.encode("utf-8")).text == text
    except RefusedInput as exc:  # text made mostly of control characters is refused as binary
        assert exc.kind == "binary"


def test_short_text_with_a_few_terminal_escapes_is_text_not_binary():
    data = b"An escape \x1b[31mred\x1b[0m and a bell \x07 in the scan.\n"
    assert decode_bytes(data).text.startswith("An escape")


def test_many_control_bytes_are_still_refused_as_binary():
    with pytest.raises(RefusedInput):
        decode_bytes(bytes(range(1, 9)) * 40 + b"some text")
