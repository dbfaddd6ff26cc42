"""Stage ``whitespace``: the last layout stage, spaces and the blank-line normal form.

Runs after reflow, on one paragraph per line (verse keeps single line breaks
inside ``verse`` spans). One pass of one regex over the text; each match is
one edit:

* ``paragraph-break``: every run of line breaks (with the spaces around it)
  becomes exactly one blank line, ``\\n\\n``; inside a ``verse`` span a single
  line break stays single (a longer run, a stanza break, becomes ``\\n\\n``);
* ``leading-blank``: whitespace at the very start is removed;
* ``final-newline``: whitespace at the very end becomes exactly one ``\\n``;
* ``trailing-space`` / ``leading-space``: spaces at a line end or start (the
  line breaks themselves unchanged);
* ``marginal-glyph``: a lone stray glyph after a long run of spaces (``The
  Tiflis     i``, ``the Central     J``): a scanner's margin mark; letters
  that are words (``a``, ``I``, ``A``, ``O``), digits, quotes, dashes and
  brackets are never taken for one;
* ``doubled-space``: runs of spaces and tabs (and lone tabs, form feeds,
  vertical tabs) inside a line become one space.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from cleaners.document import Edit, StageResult

STAGE = "whitespace"

DEFAULTS: dict[str, Any] = {
    "marginal_glyphs": True,
    "marginal_min_spaces": 4,
}

SPACE = r"[ \t\f\v\u3000]"
NOT_GLYPH = "aAIO\"'‘’“”«»„‚‹›()[]{}<>—–-"
WHITESPACE_RUN = re.compile(
    rf"(?P<start>\A\s+)"
    rf"|(?P<end>\s+\Z)"
    rf"|(?P<nl>{SPACE}*\n\s*)"
    rf"|(?P<glyph>{SPACE}{{4,}}(?P<g>[^\s\w{re.escape(NOT_GLYPH)}]|[^\W\d_{re.escape(NOT_GLYPH)}])(?=\s|\Z))"
    rf"|(?P<run>{SPACE}{{2,}}|[\t\f\v\u3000])"
)
# Whitespace runs where WHITESPACE_RUN can match are those with a character other
# than a space, or with two spaces (a lone space between two non-space characters is
# none of the forms above). Both are found by patterns the regex engine can skip
# ahead for (a leading class; a literal).
NON_SPACE_WHITESPACE = re.compile(r"[^\S ]\s*")
TWO_SPACES = re.compile(r"  \s*")


def _newline_form(run: str, in_verse: bool) -> str:
    """The normal form of one run of line breaks.

    >>> _newline_form(" \\n\\n\\n ", False), _newline_form("\\n", True), _newline_form("\\n \\n", True)
    ('\\n\\n', '\\n', '\\n\\n')
    """
    if in_verse and run.count("\n") == 1:
        return "\n"
    return "\n\n"


def normal_form(text: str) -> str:
    """The text the stage produces (no verse spans), for quick use and doctests.

    >>> normal_form("\\n\\n  One  two.  \\nThree\\t four.\\n\\n\\n\\nFive.   \\n\\n")
    'One two.\\n\\nThree four.\\n\\nFive.\\n'
    """
    from cleaners.document import apply_edits
    return apply_edits(text, run(text, None).edits)


def _whitespace_matches(text: str) -> list[re.Match[str]]:
    """``WHITESPACE_RUN.finditer(text)``, trying the regex only inside candidate runs.

    A match starts at the very start of the text or at a whitespace character,
    and never at a lone space between two non-space characters, so trying every
    position of the other whitespace runs (WHITESPACE_CANDIDATE, plus the runs
    at both ends of the text), each at or after the end of the previous match,
    gives the same matches as ``finditer`` (none of them is empty).

    >>> [m.group() for m in _whitespace_matches(" a b  c\\td \\n e ")]
    [' ', '  ', '\\t', ' \\n ', ' ']
    """
    found = sorted([*(m.span() for m in NON_SPACE_WHITESPACE.finditer(text)),
                    *(m.span() for m in TWO_SPACES.finditer(text))])
    runs: list[tuple[int, int]] = []
    for a, b in found:  # widened to whole runs (back over the spaces before), merged
        while a > 0 and text[a - 1].isspace():
            a -= 1
        if runs and a <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(b, runs[-1][1]))
        else:
            runs.append((a, b))
    lead = len(text) - len(text.lstrip())  # str.isspace() is the regex's \s
    trail = len(text) - len(text.rstrip())
    if lead:
        runs.insert(0, (0, lead))
    if trail:
        runs.append((len(text) - trail, len(text)))
    out: list[re.Match[str]] = []
    last = 0
    match = WHITESPACE_RUN.match
    for a, b in runs:
        p = max(a, last)
        while p < b:
            m = match(text, p)
            if m is None:
                p += 1
                continue
            out.append(m)
            p = last = m.end()
    return out


def run(text: str, ctx: Any) -> StageResult:
    opts = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    verse = sorted((s.start, s.end) for s in (getattr(ctx, "spans", None) or []) if s.kind == "verse")
    verse_starts = [a for a, _ in verse]

    def in_verse(a: int, b: int) -> bool:
        i = bisect.bisect_right(verse_starts, a) - 1
        return i >= 0 and verse[i][0] <= a and b <= verse[i][1]

    edits: list[Edit] = []
    stats: dict[str, int] = {}

    def add(a: int, b: int, after: str, reason: str, **evidence: Any) -> None:
        if text[a:b] == after:
            return
        edits.append(Edit.at(text, a, b, after, stage=STAGE, reason=reason,
                             confidence=0.9 if reason == "marginal-glyph" else 1.0,
                             evidence=evidence))
        stats[reason] = stats.get(reason, 0) + 1

    if not text.strip():
        if text:
            add(0, len(text), "", "leading-blank")
        return StageResult(edits=edits, stats=stats)
    for m in _whitespace_matches(text):
        a, b = m.span()
        kind = m.lastgroup if m.lastgroup != "g" else "glyph"
        if kind == "start":
            add(a, b, "", "leading-blank")
        elif kind == "end":
            add(a, b, "\n", "final-newline")
        elif kind == "nl":
            after = _newline_form(m.group(), in_verse(a, b))
            run_ = m.group()
            if after.count("\n") != run_.count("\n"):
                reason = "paragraph-break"
            elif run_[0] not in "\n":
                reason = "trailing-space"
            else:
                reason = "leading-space"
            add(a, b, after, reason)
        elif kind == "glyph":
            if opts["marginal_glyphs"] and b - a - 1 >= opts["marginal_min_spaces"]:
                add(a, b, "", "marginal-glyph", glyph=m.group("g"), spaces=b - a - 1)
            else:
                add(a, b - 1, " ", "doubled-space")
        else:
            add(a, b, " ", "doubled-space")
    if not text[-1].isspace():
        add(len(text), len(text), "\n", "final-newline")
    return StageResult(edits=edits, stats=stats)
