"""Stage `whitespace`: before/after table (with negative cases), idempotence, robustness."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cleaners import whitespace as stage
from cleaners.document import apply_edits, check_edits

CASES = json.loads((Path(__file__).parents[1] / "data" / "whitespace" / "cases.json").read_text("utf-8"))


class Ctx:
    def __init__(self, spans=()):
        self.options = dict(stage.DEFAULTS)
        self.spans = list(spans)
        self.meta = {}


def clean(text, spans=()):
    result = stage.run(text, Ctx(spans))
    return apply_edits(text, result.edits), result


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_table(case):
    assert clean(case["before"])[0] == case["after"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_idempotent_on_table(case):
    once = clean(case["before"])[0]
    assert stage.run(once, Ctx()).edits == []


def test_every_edit_has_reason_and_stage():
    for case in CASES:
        for e in clean(case["before"])[1].edits:
            assert e.stage == "whitespace" and e.reason and e.before == case["before"][e.start:e.end]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_never_crashes_and_edits_apply(text):
    result = stage.run(text, Ctx())
    check_edits(text, result.edits)
    out = apply_edits(text, result.edits)
    assert stage.run(out, Ctx()).edits == []


# Text built from the characters the stage cares about, so its patterns fire often.
STRUCTURED = st.text(alphabet=st.sampled_from(list(
    "  \n\n\r\t.,;:!?'’”“\"[]{}()0123456789°sSoOlI aeiPoeRs Share on facebook Loading… "
    "Ââ€œ\u00a0\u200b\u00ad\x07áčëňŕöč˙ęýűĺđ—–-|")), max_size=80)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STRUCTURED)
def test_structured_text_edits_apply_and_are_idempotent(text):
    result = stage.run(text, Ctx())
    out = apply_edits(text, result.edits)
    assert stage.run(out, Ctx()).edits == []


def test_verse_keeps_single_line_breaks():
    from cleaners.document import Span
    text = "Prose line.\nO mother mine,\nI go to war\n\n\nStanza two\nends here\nMore prose.\n"
    verse = Span("verse", text.index("O mother"), text.index("ends here") + len("ends here"))
    out, _ = clean(text, spans=[verse])
    assert out == ("Prose line.\n\nO mother mine,\nI go to war\n\nStanza two\nends here\n\n"
                   "More prose.\n")
    assert stage.run(out, Ctx([Span("verse", out.index("O mother"),
                                    out.index("ends here") + 9)])).edits == []


def test_empty_and_blank_text():
    assert clean("")[0] == ""
    assert clean(" \n\n ")[0] == ""


KNOWN = json.loads((Path(__file__).parents[1] / "data" / stage.STAGE / "known_failures.json").read_text("utf-8"))


@pytest.mark.parametrize("case", KNOWN, ids=[c["name"] for c in KNOWN])
def test_known_failures_still_fail(case):
    """Honest list of what the stage gets wrong; if one starts passing, move it to cases.json."""
    assert clean(case["before"])[0] != case["ideal"]


@pytest.mark.parametrize("doc", ["000", "004"])
def test_seed_marginal_glyphs_and_idempotence(doc):
    raw = Path(__file__).parents[2] / "raw"
    (path,) = raw.glob(f"{doc}_*.txt")
    out, result = clean(path.read_text("utf-8"))
    glyphs = [e.evidence["glyph"] for e in result.edits if e.reason == "marginal-glyph"]
    assert glyphs == (["i", "\\", "\\", "J"] if doc == "000" else [])
    assert stage.run(out, Ctx()).edits == []


def test_fast_matches_equal_finditer():
    """_whitespace_matches tries the regex only inside candidate runs: same matches."""
    import random
    from cleaners import whitespace as ws
    rng = random.Random(4)
    alphabet = list("ab.I\"—x   \n\n\t\f\v\u3000\xa0\r\x1c\x85\u2028")
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert [(m.span(), m.lastgroup) for m in ws._whitespace_matches(text)] == \
            [(m.span(), m.lastgroup) for m in ws.WHITESPACE_RUN.finditer(text)], text
