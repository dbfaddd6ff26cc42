"""Stage `boilerplate`: what is particular to it (the table, idempotence and robustness
are checked for every text stage in test_text_stage_contract.py)."""

import json
from pathlib import Path

import pytest

from cleaners import boilerplate as stage
from cleaners.document import apply_edits


class Ctx:
    def __init__(self, spans=()):
        self.options = dict(stage.DEFAULTS)
        self.spans = list(spans)
        self.meta = {}


def clean(text, spans=()):
    result = stage.run(text, Ctx(spans))
    return apply_edits(text, result.edits), result


KNOWN = json.loads((Path(__file__).parents[1] / "data" / stage.STAGE / "known_failures.json").read_text("utf-8"))


@pytest.mark.parametrize("case", KNOWN, ids=[c["name"] for c in KNOWN])
def test_known_failures_still_fail(case):
    """Honest list of what the stage gets wrong; if one starts passing, move it to cases.json."""
    assert clean(case["before"])[0] != case["ideal"]


SEEDS = json.loads((Path(__file__).parents[1] / "data" / stage.STAGE / "seeds.json").read_text("utf-8"))
RAW = Path(__file__).parents[2] / "raw"


@pytest.mark.parametrize("doc", [k for k in SEEDS if not k.startswith("_")])
def test_seed_counts_by_reason_and_idempotence(doc):
    from collections import Counter

    from cleaners import unicode as unicode_stage
    (path,) = RAW.glob(f"{doc}_*.txt")
    text = path.read_text("utf-8")
    if stage is not unicode_stage:
        text = apply_edits(text, unicode_stage.run(text, Ctx()).edits)
    out, result = clean(text)
    assert dict(Counter(e.reason for e in result.edits)) == SEEDS[doc]
    assert stage.run(out, Ctx()).edits == []


# ---- the fast path (only candidate lines are classified) -------------------------
def test_ignorecase_covers_lower():
    """UI_WORD_RE relies on it: a character whose lower() is a letter of an
    interface word matches that letter under re.IGNORECASE."""
    import re
    letters = set("".join(stage.UI_WORDS | {"share", "post", "send", "pin", "email"}))
    missed = [c for c in map(chr, range(0x110000)) if len(c.lower()) == 1 and c.lower() in letters
              and not re.fullmatch("(?i:" + re.escape(c.lower()) + ")", c)]
    assert missed == []


def test_candidate_lines_cover_every_classified_line():
    import random
    rng = random.Random(7)
    words = sorted(stage.UI_WORDS) + ["Share", "SHARE", "ſhare", "Pİn", "E-mail", "Kelvin", "the",
                                      "revolution", "workers", "Loading", "Last", "updated", "Jan"]
    seps = [" ", "  ", " | ", " • ", ", ", ". ", "...", "…", " 12 ", "_", "\t", " - ", "(", ")", "! "]
    for _ in range(3000):
        lines = []
        for _ in range(rng.randint(1, 6)):
            k = rng.randint(0, 5)
            lines.append("".join(rng.choice(words) + rng.choice(seps) for _ in range(k)).strip(rng.choice(["", " "])))
        text = "\n".join(lines) + rng.choice(["", "\n"])
        starts = set(stage._candidate_line_starts(text))
        pos = 0
        for line in text.split("\n"):
            if pos < len(text) and stage.classify_line(line)[0]:
                assert pos in starts, (text, line)
            pos += len(line) + 1
