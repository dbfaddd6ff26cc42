"""Stage `boilerplate`: what is particular to it (the table, idempotence and robustness
are checked for every text stage in test_text_stage_contract.py, with the
known failures and the seed counts)."""


from cleaners import boilerplate as stage
from cleaners.document import apply_edits
from cleaners.pipeline import StageContext


def clean(text, spans=()):
    result = stage.run(text, StageContext.for_stage(stage, spans=spans))
    return apply_edits(text, result.edits), result


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
