"""Stage `whitespace`: what is particular to it (the table, idempotence and robustness
are checked for every text stage in test_text_stage_contract.py, with the
known failures and the seed counts)."""

from pathlib import Path

import pytest

from cleaners import whitespace as stage
from cleaners.document import apply_edits
from cleaners.pipeline import StageContext


def clean(text, spans=()):
    result = stage.run(text, StageContext.for_stage(stage, spans=spans))
    return apply_edits(text, result.edits), result


def test_verse_keeps_single_line_breaks():
    from cleaners.document import Span
    text = "Prose line.\nO mother mine,\nI go to war\n\n\nStanza two\nends here\nMore prose.\n"
    verse = Span("verse", text.index("O mother"), text.index("ends here") + len("ends here"))
    out, _ = clean(text, spans=[verse])
    assert out == ("Prose line.\n\nO mother mine,\nI go to war\n\nStanza two\nends here\n\n"
                   "More prose.\n")
    assert stage.run(out, StageContext.for_stage(stage, spans=[Span("verse", out.index("O mother"),
                                    out.index("ends here") + 9)])).edits == []


def test_empty_and_blank_text():
    assert clean("")[0] == ""
    assert clean(" \n\n ")[0] == ""


@pytest.mark.parametrize("doc", ["000", "004"])
def test_seed_marginal_glyphs_and_idempotence(doc):
    raw = Path(__file__).parents[2] / "raw"
    (path,) = raw.glob(f"{doc}_*.txt")
    out, result = clean(path.read_text("utf-8"))
    glyphs = [e.evidence["glyph"] for e in result.edits if e.reason == "marginal-glyph"]
    assert glyphs == (["i", "\\", "\\", "J"] if doc == "000" else [])
    assert stage.run(out, StageContext.for_stage(stage)).edits == []


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
