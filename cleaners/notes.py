"""Stage ``notes``: footnote reference markers removed from the running text.

Runs after reflow (one paragraph per line). Markers are found in these forms:

* ``superscript``: ``revolution.¹²``, ``Lenin³`` (not ``km²``, ``mc²``);
* ``bracketed``: ``Solvychegodsk[117]``, ``again.{196}``, ``Okhrana [2] agent``;
* ``glued``: digits glued after sentence punctuation that follows a word:
  ``problems.10``, ``Pakaln;4``, ``riddles.”1``, ``life.2`` (end of paragraph);
* ``spaced``: ``Podolsk. 1 He`` (sentence end, a small number, a capital);
* ``after-year``: ``the controversies of 1923.217 Indeed`` (glued after a year's stop);
* ``garbled``: an OCR-damaged marker, digits mixed with digit look-alikes
  (``eyes3s`` = 35, ``repeal.s8`` = 58, ``5°`` = 50 after ftfy repaired
  ``5Â°``, ``kaput' .2°2`` = 202, ``notes. 1 4 On`` = 14 or 174, split).

``superscript``, ``bracketed`` and ``glued`` markers are accepted on their form alone.
``spaced``, ``after-year`` and ``garbled`` markers are accepted only with *sequence
evidence*: note markers count up through a document, so a weak candidate is
removed only when its number (for a garbled one: one of its readings) is one
more than an accepted marker before it, or just below one after it (within
``max_gap``), or when it belongs to a run of weak candidates that count up on
their own between the accepted markers around them. Everything else a candidate might be stays: dates
(``in 1917.``), numbers of the sentence (``page 10``, ``10 per cent``,
``Chapter 3``, ``$5``, ``2 December``), years in brackets (``[1917]``),
bracketed editorial text (``[i.e., Moscow]``, ``[sic]``), abbreviations
(``p.10``, ``No.5``), and the numbering of note texts themselves (a number at
the start of a paragraph, and anything inside a ``note`` span). Weak
candidates that do not fit the sequence are flagged for review, not removed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from cleaners.document import Edit, Flag, LineIndex, StageResult

STAGE = "notes"

DEFAULTS: dict[str, Any] = {
    "max_gap": 3,  # how far a weak marker's number may be from its accepted neighbour
    "spaced": True,
    "garbled": True,
}

# ---- resources --------------------------------------------------------------
# A letter: \w without digits, "_" and the superscript/fraction digits \w also admits.
LETTER = r"[^\W\d_⁰¹²³⁴⁵⁶⁷⁸⁹½¼¾⅓⅔]"
ALNUM = r"[^\W_⁰¹²³⁴⁵⁶⁷⁸⁹½¼¾⅓⅔]"
CLOSE_QUOTES = "'’”\""
BRACKETED = re.compile(r"(?<![\d\[{])( ?)([\[{])([1-9]\d{0,2})([\]}])(?=[\s.,;:!?)\]”’\"'—–-]|$)")
CLOSERS = "[" + CLOSE_QUOTES + r")\]]"
GLUED = re.compile(r"(?<=" + LETTER + r"{2})(" + CLOSERS + r"?[.,;:!?]" + CLOSERS + r"?|" + CLOSERS
                   + r")([1-9]\d{0,2})(?=\s|$|[)\]](?!\d))")
SUPERSCRIPT = re.compile(r"(?:(?<=" + LETTER + r"{3})|(?<=[.,;:!?)" + CLOSE_QUOTES + r"]))[¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*(?!\w)(?![.,;:!?" + CLOSE_QUOTES + r")\]]*\d)")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
UNITS = {"sqm", "sqft", "cm", "km", "mm", "mi", "ft", "yd", "m", "in", "sec", "min", "deg"}
Q = "[" + CLOSE_QUOTES + "]?"
# The sentence end before a spaced marker is matched (group 1), the marker is group 2.
NEXT_SENTENCE = r"(?= +[A-Z“\"‘'(])"
SPACED = re.compile(r"(" + ALNUM + Q + r"[.!?;]" + Q + r")( +[1-9]\d{0,2})" + NEXT_SENTENCE)
QUOTE_SPACED = re.compile(  # illness. '9 He: the closing quote pushed off by a space
    r"(" + ALNUM + r"[.!?;] )([" + CLOSE_QUOTES + r"])([1-9]\d{0,2})" + NEXT_SENTENCE)
SPLIT_SPACED = re.compile(  # notes. 1 4 On: marker 14 or 174 split by OCR
    r"(" + ALNUM + Q + r"[.!?;]" + Q + r")( +[1-9] \d{1,2})" + NEXT_SENTENCE)
DIGIT_LOOKALIKES = {"s": "5", "S": "5", "o": "0", "O": "0", "°": "0", "l": "1", "I": "1",
                    "i": "1", "z": "2", "Z": "2", "B": "8", "g": "9", "b": "6"}
LOOK = "".join(re.escape(c) for c in DIGIT_LOOKALIKES)
MIXED = (r"(?=[\d" + LOOK + r"]*\d)(?=[\d" + LOOK + r"]*[" + LOOK + r"])")  # digits and look-alikes
GARBLED_AFTER_PUNCT = re.compile(  # repeal.s8, exports.S4, Soviet.6s, profit'.s6
    r"(?<=" + LETTER + r"{2})(" + Q + r"[.,;:!?]" + Q + r")(" + MIXED + r"[\d" + LOOK + r"]{2,3})(?=\s|$)")
GARBLED_AFTER_SPACED_PUNCT = re.compile(  # kaput' .2°2 (OCR put a space before the stop)
    r"(?<=" + LETTER + r"[" + CLOSE_QUOTES + r"] )([.,;:!?])((?=[\d" + LOOK + r"]*\d)[\d" + LOOK + r"]{1,3})(?=\s|$)")
GARBLED_AFTER_WORD = re.compile(  # eyes3s: must start with a real digit, the word may end in a look-alike
    r"(?<=" + LETTER + r"{2})()(" + MIXED + r"\d[\d" + LOOK + r"]{1,2})(?=\s|$)")
GARBLED_SPACED = re.compile(
    r"(" + ALNUM + Q + r"[.!?;]" + Q + r")( (?=[\d" + LOOK + r"]*\d)(?=[\d" + LOOK
    + r"]*[" + LOOK + r"])[\d" + LOOK + r"]{1,3})" + NEXT_SENTENCE)
AFTER_YEAR = re.compile(r"(?<![\d.])(?:1\d{3}|20\d{2})[.,;:]([" + CLOSE_QUOTES + r"]?)([1-9]\d{0,2})(?=\s|$)")
GLUED_DIGITS = re.compile(r"(?<=[a-z]{3})([1-9]\d{0,2})(?=[\s.,;:]|$)")
ABBREVIATIONS = {"p", "pp", "no", "nos", "vol", "vols", "ch", "chap", "fig", "figs", "art",
                 "para", "sec", "sect", "op", "cf", "ibid", "n", "nn", "f", "ff", "ed", "eds",
                 "v", "vv", "l", "ll", "col", "cols", "pl", "tab", "app", "nr", "st", "pt", "bk",
                 "ps", "fol", "fols", "ms", "mss", "tel", "jan", "feb", "mar", "apr", "jun", "jul",
                 "aug", "sep", "sept", "oct", "nov", "dec", "ver", "rev", "ex"}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
          "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
NEXT_WORD = re.compile(r"\s*(" + LETTER + r"+)")
PREV_WORD = re.compile(r"(" + LETTER + r"+)\W*$")
YEAR = re.compile(r"1[0-9]{3}|20[0-9]{2}")
# Every marker form above contains a digit (\d, or a superscript one). Where a match can
# start, relative to the first digit of its number, is fixed by each pattern's shape, so
# the patterns are tried only there (see _candidate_starts) instead of at every position.
# (a leading single class, not "\d+", lets the regex engine skip ahead to a candidate character)
DIGIT_RUN = re.compile(r"\d\d*")
SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*")


@dataclass
class Candidate:
    start: int  # span to delete
    end: int
    marker: str
    numbers: tuple[int, ...]  # readings, best first
    form: str
    strong: bool
    flag_if_unfit: bool = True  # show a reviewer a weak candidate the sequence does not support


def digit_readings(marker: str) -> tuple[int, ...]:
    """Numbers a garbled marker may stand for (each look-alike read as its digit).

    >>> digit_readings("3s"), digit_readings("5°"), digit_readings("12")
    ((35,), (50,), (12,))
    """
    digits = "".join(DIGIT_LOOKALIKES.get(c, c) for c in marker.replace(" ", ""))
    return (int(digits),) if digits.isdigit() else ()


def _prev_word(text: str, pos: int) -> str:
    m = PREV_WORD.search(text, max(0, pos - 40), pos)
    return m.group(1).lower() if m else ""


def _next_word(text: str, pos: int) -> str:
    m = NEXT_WORD.match(text, pos)
    return m.group(1).lower() if m else ""


def _at_paragraph_start(text: str, pos: int, lines: LineIndex) -> bool:
    col = lines.line_col(pos)[1]
    return col <= 8 and not text[pos - col:pos].strip(" \t[{(")  # a note's own label


def _candidate_starts(text: str) -> dict[str, list[int]]:
    """For each marker pattern, the positions where one of its matches can start.

    ``d`` is the start of a run of digits: the first digit of a match always is
    one (the character before it is a letter, a stop, a quote, a bracket, a
    space or a digit look-alike, never a digit). From the patterns' shapes:
    ``[117]`` / `` [117]`` start 1-2 before it, a glued stop and quotes 1-3, a
    quote pushed off by a space 4, a garbled marker after a stop 1-5 (its
    first digit may follow two look-alikes), one after a spaced stop 1-3, a
    spaced garbled one 3-7; spaced markers start 2-4 before the run of spaces
    in front of the number (``word.” 12``); the others at the digit itself.
    Superscript markers start at a run of superscript digits.
    """
    digits = [m.start() for m in DIGIT_RUN.finditer(text)]
    spaced: list[int] = []
    for d in digits:
        j = d
        while j > 0 and text[j - 1] == " ":
            j -= 1
        if j < d:
            spaced.extend((j - 4, j - 3, j - 2))

    def around(lo: int, hi: int) -> list[int]:
        return [d + k for d in digits for k in range(lo, hi + 1)]

    return {"bracketed": around(-2, -1), "glued": around(-3, -1), "quote_spaced": around(-4, -4),
            "spaced": spaced, "at_digit": digits, "garbled_punct": around(-5, -1),
            "garbled_spaced_punct": around(-3, -1), "garbled_spaced": around(-7, -3),
            "superscript": [m.start() for m in SUPERSCRIPT_RUN.finditer(text)]
            if any(c in text for c in "⁰¹²³⁴⁵⁶⁷⁸⁹") else []}


def _finditer_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """``pattern.finditer(text)`` when no match can start outside ``starts``.

    ``match`` at a position sees the whole text (lookbehinds included), and
    trying the possible starts in order, each at or after the end of the
    previous match, is what ``finditer`` does (none of the patterns matches
    the empty string).
    """
    out: list[re.Match[str]] = []
    last = 0
    match = pattern.match
    for p in sorted(set(starts)):
        if p < last:
            continue
        m = match(text, p)
        if m is not None:
            out.append(m)
            last = m.end()
    return out


def find_candidates(text: str, *, spaced: bool = True, garbled: bool = True) -> list[Candidate]:
    """Every marker-like stretch of ``text``, with its form and readings.

    >>> [(c.marker, c.form) for c in find_candidates("problems.10 Next, in 1917. It")]
    [('10', 'glued')]
    >>> [c.marker for c in find_candidates("Solvychegodsk[117] had; see p.10 and [1917]")]
    ['[117]']
    """
    found: list[Candidate] = []
    at = _candidate_starts(text)
    for m in _finditer_at(BRACKETED, text, at["bracketed"]):
        number = int(m.group(3))
        a = m.start(2) if not m.group(1) or m.start() == 0 or text[m.start() - 1] in "\n" \
            else m.start(1)
        found.append(Candidate(a, m.end(), m.group(2) + m.group(3) + m.group(4), (number,),
                               "bracketed", True))
    for m in _finditer_at(SUPERSCRIPT, text, at["superscript"]):  # a superscript after a word or a stop (not km²)
        if len(m.group()) > 3 or _prev_word(text, m.start()) in UNITS:
            continue
        number = int(m.group().translate(SUPERSCRIPT_DIGITS))
        found.append(Candidate(m.start(), m.end(), m.group(), (number,), "superscript", True))
    for m in _finditer_at(GLUED, text, at["glued"]):
        if _prev_word(text, m.start(1)) in ABBREVIATIONS:
            continue
        found.append(Candidate(m.start(2), m.end(2), m.group(2), (int(m.group(2)),), "glued", True))
    if spaced:
        for m in _finditer_at(SPACED, text, at["spaced"]):
            g, a = m.group(2), m.start(2)
            if _next_word(text, m.end()) in MONTHS or _prev_word(text, a - 1) in ABBREVIATIONS:
                continue
            found.append(Candidate(a, a + len(g), g.strip(), (int(g),), "spaced", False))
        for m in _finditer_at(QUOTE_SPACED, text, at["quote_spaced"]):
            if _next_word(text, m.end()) not in MONTHS:
                found.append(Candidate(m.start(3), m.end(3), m.group(3), (int(m.group(3)),),
                                       "spaced", False))
        for m in _finditer_at(SPLIT_SPACED, text, at["spaced"]):
            g, a = m.group(2), m.start(2)
            if _next_word(text, m.end()) not in MONTHS:
                first, rest = g.split()
                # the space may hide a lost digit (1 4 = 174): those readings come second
                readings = (int(first + rest),) + (tuple(int(first + str(d) + rest) for d in range(10))
                                                   if len(rest) == 1 else ())
                found.append(Candidate(a, a + len(g), g.strip(), readings, "garbled", False))
        for m in _finditer_at(AFTER_YEAR, text, at["at_digit"]):  # controversies of 1923.217 Indeed
            found.append(Candidate(m.start(2), m.end(2), m.group(2), (int(m.group(2)),),
                                   "after-year", False))
    if garbled:
        for m in (*_finditer_at(GARBLED_AFTER_PUNCT, text, at["garbled_punct"]),
                  *_finditer_at(GARBLED_AFTER_SPACED_PUNCT, text, at["garbled_spaced_punct"]),
                  *_finditer_at(GARBLED_AFTER_WORD, text, at["at_digit"])):
            readings = digit_readings(m.group(2))
            if readings:
                found.append(Candidate(m.start(2), m.end(2), m.group(2), readings, "garbled", False))
        for m in _finditer_at(GARBLED_SPACED, text, at["garbled_spaced"]):
            readings = digit_readings(m.group(2))
            if readings and _next_word(text, m.end()) not in MONTHS:
                found.append(Candidate(m.start(2), m.end(2), m.group(2).strip(), readings,
                                       "garbled", False))
        for m in _finditer_at(GLUED_DIGITS, text, at["at_digit"]):  # mp3, covid19: not worth a flag when unfit
            found.append(Candidate(m.start(1), m.end(1), m.group(1), (int(m.group(1)),),
                                   "garbled", False, flag_if_unfit=False))
    found.sort(key=lambda c: (c.start, -c.end))
    out: list[Candidate] = []
    for c in found:  # first (longest) wins where forms overlap
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out


def _fits(n: int, before: int | None, after: int | None, gap: int) -> bool:
    """Does ``n`` continue the accepted markers around it?

    An ``after`` not above ``before`` is an outlier or a restart and is ignored;
    a small ``n`` may start a chapter's new numbering; a number squeezed between
    close neighbours (``before < n < after``, at most ``3 * gap`` apart) fits.

    >>> _fits(50, 48, 51, 3), _fits(50, 48, 2, 3), _fits(1917, 5, 6, 3), _fits(1, 30, 2, 3)
    (True, True, False, True)
    >>> _fits(187, 183, 189, 3), _fits(187, 150, 195, 3)
    (True, False)
    """
    if before is not None and after is not None and before < n < after <= before + 3 * gap:
        return True
    if before is not None and before < n <= before + gap:
        return after is None or n < after or after <= before
    if after is not None and n < after <= n + gap:
        return before is None or before < n or n <= 2
    return False


def _accept_runs(cands: list[Candidate], accepted: dict[int, int], gap: int, *,
                 min_run: int = 3) -> bool:
    """Accept runs of weak candidates that count up on their own (``126 127 128 130``).

    A run of at least ``min_run`` consecutive weak candidates, each one to
    ``gap`` above the one before, is its own sequence evidence, provided it sits
    between the accepted markers around it (a note or two missed by OCR leaves
    a gap the one-step test cannot bridge).

    >>> cs = [Candidate(i, i + 1, str(n), (n,), "spaced", n in (122, 142)) for i, n in
    ...       enumerate([122, 126, 127, 128, 130, 142])]
    >>> acc = {0: 122, 5: 142}
    >>> _accept_runs(cs, acc, 3), sorted(acc.values())
    (True, [122, 126, 127, 128, 130, 142])
    """
    changed = False
    order = sorted(accepted)
    i = 0
    while i < len(cands):
        if i in accepted:
            i += 1
            continue
        j = i
        while j + 1 < len(cands) and j + 1 not in accepted \
                and 0 < cands[j + 1].numbers[0] - cands[j].numbers[0] <= gap:
            j += 1
        if j - i + 1 >= min_run:
            k = bisect.bisect_left(order, i)
            before = accepted[order[k - 1]] if k else None
            after = accepted[order[k]] if k < len(order) else None  # no accepted index in i..j
            first, last = cands[i].numbers[0], cands[j].numbers[0]
            if (before is None or before < first) and \
                    (after is None or last < after or (before is not None and after <= before)):
                for k in range(i, j + 1):
                    accepted[k] = cands[k].numbers[0]
                changed = True
        i = j + 1
    return changed


def run(text: str, ctx: Any) -> StageResult:
    opts = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    note_spans = sorted((s.start, s.end) for s in (getattr(ctx, "spans", None) or [])
                        if s.kind == "note")
    note_starts = [a for a, _ in note_spans]

    def in_note(pos: int) -> bool:
        i = bisect.bisect_right(note_starts, pos) - 1
        return i >= 0 and note_spans[i][0] <= pos < note_spans[i][1]

    lines = LineIndex(text)
    cands = [c for c in find_candidates(text, spaced=opts["spaced"], garbled=opts["garbled"])
             if not in_note(c.start) and not _at_paragraph_start(text, c.start, lines)]
    cands = [c for c in cands if not (c.form == "bracketed" and YEAR.fullmatch(c.marker[1:-1]))]
    accepted: dict[int, int] = {i: c.numbers[0] for i, c in enumerate(cands) if c.strong}
    gap = opts["max_gap"]
    for _ in range(8):  # weak markers join the sequence pass by pass (chains of spaced ones)
        order = sorted(accepted)
        changed = False
        for i, c in enumerate(cands):
            if i in accepted:
                continue
            k = bisect.bisect_left(order, i)
            before = accepted[order[k - 1]] if k else None
            after = accepted[order[k]] if k < len(order) else None
            for n in c.numbers:
                if _fits(n, before, after, gap):
                    accepted[i] = n
                    changed = True
                    break
        changed |= _accept_runs(cands, accepted, gap)
        if not changed:
            break
    edits: list[Edit] = []
    flags: list[Flag] = []
    stats: dict[str, int] = {}
    order = sorted(accepted)
    for i, c in enumerate(cands):
        k = bisect.bisect_left(order, i)
        prev_n = accepted[order[k - 1]] if k else None
        if i in accepted:
            reason = f"note-marker-{c.form}"
            stats[reason] = stats.get(reason, 0) + 1
            edits.append(Edit.at(text, c.start, c.end, "", stage=STAGE, reason=reason,
                                 confidence=0.97 if c.strong else 0.85,
                                 evidence={"marker": c.marker, "number": accepted[i],
                                           "form": c.form, "previous_number": prev_n}))
        elif c.flag_if_unfit:  # a weak candidate without sequence evidence: left alone, shown
            flags.append(Flag(STAGE, c.start, c.end, text[c.start:c.end], f"note-marker-{c.form}?",
                              candidates=[{"text": "", "readings": list(c.numbers),
                                           "previous_number": prev_n}], confidence=0.4))
    return StageResult(edits=edits, flags=flags, stats=stats)
