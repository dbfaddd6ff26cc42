"""Stage `reflow`: one paragraph per line, headings and verse kept, notes labelled.

First the document's layout is measured (``meta["layout"]``):

* ``wrapped``: hard-wrapped text (a narrow, regular text block, most lines running
  on into the next). Wrapped lines are joined with one space. Where a paragraph
  ends is read from the document itself: a blank line (when the document uses
  blank lines between paragraphs), or, when it has none, a sentence-final line
  that stops short although the next word would have fitted, or an indented
  first line (when the document is learned to indent its paragraphs). Blank
  lines inside a sentence (a lowercase continuation) are not paragraph ends.
* ``paragraphs``: one paragraph per line already; paragraphs are only made sure
  to be separated by a blank line.

In both, headings become their own paragraph (ALL-CAPS lines with small-caps
residue such as ``WHY WAS HE So BOLD?``, ``Chapter IV: ...``, numbered titles,
bare chapter numbers, titles glued to the last line of a chapter), blocks of
short line-structured text (verse, lists, tables) keep one line per line with
single ``\\n`` (a ``verse`` span), and notes (a ``Notes`` heading and its entries,
a closing run of numbered entries, ``[1] ...`` footnote texts) get ``note`` spans.
Spans are in this stage's output coordinates. Doubtful calls are left
conservative and flagged.
"""

from __future__ import annotations

import bisect
import re
from operator import attrgetter
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cleaners.document import Edit, Flag, OffsetMapper, Span, StageResult
from cleaners.furniture import (HYPHEN_END, MID_SENTENCE_END, ends_sentence, fit_margin,
                                SENTENCE_LAST_CHARS, line_starts, starts_lowercase, starts_of_lines,
                                typical_width)

STAGE = "reflow"

DEFAULTS: dict = {
    "max_wrapped_width": 150,  # wider than this, lines are paragraphs, not wrapped lines
    "min_run_on_share": 0.5,  # share of full-width lines running straight into the next (wrapped)
    "max_heading_chars": 100,
    "min_verse_lines": 3,
    "max_list_line_chars": 80,  # paragraph layout: adjacent lines this short are a list/verse
    "paragraph_margin": 1,  # chars left over (next word would fit) to call a short line a paragraph end
}

# --- resources -------------------------------------------------------------
WORD = re.compile(r"[^\W\d_][^\s]*")
LETTERS = re.compile(r"[^\W\d_]")
CHAPTER_WORD = re.compile(
    r"^(?:chapter|part|book|section|prologue|epilogue|preface|foreword|introduction|afterword|"
    r"appendix|conclusion|contents|notes|endnotes|footnotes|bibliography|acknowledg\w*)\b"
    r"(?:\s+(?:[ivxlcdm]+|\d{1,3}|[a-z]+))?\s*(?:[.:—–-].*)?$", re.IGNORECASE)
INDENT = re.compile(r"(?:\t| {2,})\S")  # a first-line indent
RULE_LINE = re.compile(r"^[^\w\s]{3,}$|^(?:[*·•] ?){3,}$")  # "* * *", "----", "====": a separator
NOTES_HEADING = re.compile(r"^(?:notes|endnotes|footnotes|notes and references|references)\s*$", re.IGNORECASE)
#: every character that CHAPTER_WORD or NOTES_HEADING (IGNORECASE) can start with: the first
#: letters of their words and the ones re's case folding adds (checked over all of Unicode)
TITLE_WORD_FIRST = frozenset("ABCEFINPRSabcefinprsİıſ")
NUMBER_LINE = re.compile(r"^\d{1,3}$")
NUMBERED_TITLE = re.compile(r"^(\d{1,3})\.?\s+(\S.*)$")
INNER_SENTENCE = re.compile(r"\w[.!?] +[A-Z]")  # "1910. Petitioner": a sentence, not a title
NOTE_ENTRY = re.compile(r"^(\d{1,3})[.)]?\s+\S")
BRACKET_NOTE = re.compile(r"^[\[{](\d{1,3})[\]}]\s*\S")
SMALL_WORDS = frozenset("a an the of and or to in on for at by from with as his her its their our "
                        "my your is was de la le von van".split())
WORD_HYPHEN_END = re.compile(r"[^\W\d_][-‐]$")  # "self-" but not a dash "word -"
TITLE_CONTINUES = ("–", "—", ":", "-")
JOIN_WORDS = frozenset("of the and to a an in for on with at by from or".split())


# --- line tests --------------------------------------------------------------

def is_caps_heading(line: str, *, max_chars: int = 100) -> bool:
    """An ALL-CAPS line, allowing small-caps residue (``So``, ``Is``, ``His``, ``Soso’s``).

    >>> is_caps_heading("WHY WAS HE So BOLD?"), is_caps_heading("Soso’s TOWN")
    (True, True)
    >>> is_caps_heading("The NKVD and the OGPU were the same."), is_caps_heading("USSR.")
    (False, False)
    """
    s = line.strip()
    if not s or len(s) > max_chars or s[-1] in ",;":
        return False
    tokens = s.split()
    # map/any run in C: most lines have no all-caps token at all, and the exact
    # test below needs one (isupper on a token of three characters or more)
    if not any(map(str.isupper, tokens)) or starts_lowercase(s):
        return False
    if not any(len(t) >= 3 and t.isupper() for t in tokens):
        return False  # needs one word of three capitals at least (cheap test first)
    words = WORD.findall(s)
    if not words:
        return False
    caps = strong = lower = 0
    for w in words:
        letters = "".join(LETTERS.findall(w))
        if not letters:
            continue
        if letters.isupper():
            caps += 1
            strong += len(letters) >= 3
        elif letters[0].isupper() and (len(letters) <= 4 or w.endswith(("’s", "'s"))):
            caps += 0.5  # small-caps residue: "So", "Is", "His", "Soso’s"
        elif letters.islower():
            lower += 1
        else:
            lower += 0.5
    total = caps + lower
    if not strong or total == 0:
        return False
    if len(words) == 1 and s[-1] in ".!?":
        return False  # "USSR." is an acronym sentence
    return caps / total >= 0.6 and len("".join(LETTERS.findall(s))) >= 4


def title_case_share(text: str) -> float:
    """Share of content words (small words ignored) that start with a capital."""
    words = [w for w in WORD.findall(text) if w.casefold() not in SMALL_WORDS]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)


def heading_kind(line: str, *, layout: str, max_chars: int = 100) -> str:
    """What kind of heading ``line`` is on its own, or ``""``.

    >>> heading_kind("Chapter IV: The Period of Reaction", layout="paragraphs")
    'chapter title'
    >>> heading_kind("26. Two Lost Fiancées and a Pregnant Peasant", layout="paragraphs")
    'numbered heading'
    >>> heading_kind("3 Colleagues had become accustomed to it", layout="wrapped")
    ''
    """
    s = line.strip()
    if not s or len(s) > max_chars:
        return ""
    # NUMBER_LINE and NUMBERED_TITLE start with \d (== str.isdecimal): test that first
    digit_first = s[0].isdecimal()
    if digit_first and NUMBER_LINE.match(s):
        return "chapter number"
    if is_caps_heading(s, max_chars=max_chars):
        return "caps heading"
    if s[0] in TITLE_WORD_FIRST and (CHAPTER_WORD.match(s) and not ends_sentence(s) or NOTES_HEADING.match(s)):
        return "chapter title"
    m = NUMBERED_TITLE.match(s) if digit_first else None
    if m and not s.endswith((".", ",", ";", ":")) and not INNER_SENTENCE.search(m.group(2)):
        words = WORD.findall(m.group(2))
        if words and words[0][0].isupper() and title_case_share(m.group(2)) >= 0.75:
            return "numbered heading"
    if layout == "paragraphs" and len(s) <= 80 and not INNER_SENTENCE.search(s):
        words = WORD.findall(s)
        if s[-1] in "–—:-" and words or len(words) >= 2 and s[-1] not in ".,;:!?":
            if s[0].isupper() and title_case_share(s) >= 0.75:
                return "title"
    return ""


# --- the document's layout ------------------------------------------------------

def detect_layout(lines: list[str], blank: list[bool], options: dict[str, Any]) -> dict[str, Any]:
    """``wrapped`` or ``paragraphs``, with the measurements that decided it."""
    text_idx = [i for i, b in enumerate(blank) if not b]
    n = len(text_idx)
    lengths = [len(lines[i].strip()) for i in text_idx]
    width = typical_width(lengths)
    # judged on full lines (those reaching the text block's right edge): in wrapped text
    # they run straight on into the next line and stop mid-sentence
    full_width = 0.75 * width
    full = [i for i, n_chars in zip(text_idx, lengths) if n_chars >= full_width]
    run_on = sum(1 for i in full if i + 1 < len(lines) and not blank[i + 1])
    # ends_sentence's first test inline: most full lines end on a letter or a comma
    open_end = sum(1 for i in full if (last := lines[i].rstrip()[-1]) not in SENTENCE_LAST_CHARS
                   and not last.isdecimal() or not ends_sentence(lines[i].strip()))
    # blank runs between two text lines (not the trailing newline)
    runs = sum(1 for a, b in zip(text_idx, text_idx[1:]) if b > a + 1)
    evidence = {"text_lines": n, "width_p90": width, "full_lines": len(full),
                "run_on_share": round(run_on / len(full), 3) if full else 0.0,
                "open_end_share": round(open_end / len(full), 3) if full else 0.0,
                "blank_runs": runs}
    wrapped = (n >= 3 and len(full) >= 2 and width <= options["max_wrapped_width"]
               and run_on >= options["min_run_on_share"] * len(full) and open_end >= 0.3 * len(full))
    evidence["layout"] = "wrapped" if wrapped else "paragraphs"
    evidence["blank_line_paragraphs"] = runs >= max(3, 0.05 * n)
    return evidence


# --- the plan: what separates each pair of consecutive text lines ----------------

JOIN, LINE, PARA = " ", "\n", "\n\n"


@dataclass(slots=True)  # ~20k per book: no per-instance __dict__
class Gap:
    prev: int  # line index of the text line before
    next: int  # line index of the text line after
    sep: str  # JOIN, LINE or PARA
    reason: str
    confidence: float = 1.0
    evidence: dict[str, Any] | None = None


def run(text: str, ctx) -> StageResult:
    """Rebuild paragraphs (see module doc)."""
    options = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    lines = text.split("\n")
    strip = [l.strip() for l in lines]
    blank = [not l for l in strip]
    text_idx = [i for i, b in enumerate(blank) if not b]
    if not text_idx:
        return StageResult(meta={"layout": "paragraphs"})
    layout_ev = detect_layout(lines, blank, options)
    layout = layout_ev["layout"]
    starts = starts_of_lines(lines)  # == line_starts(text)
    width = layout_ev["width_p90"]
    maxh = options["max_heading_chars"]

    # headings given by earlier stages (furniture's chapter title): their lines form one group
    group: dict[int, int] = {}
    given = [s for s in (getattr(ctx, "spans", None) or []) if s.kind == "heading"]
    for s in given:
        first = _line_of(starts, s.start)
        last = _line_of(starts, max(s.start, s.end - 1))
        for i in range(first, last + 1):
            if not blank[i]:
                group[i] = first
    kind: dict[int, str] = {i: "heading" for i in group}
    given_lines = set(group)
    labels: dict[int, str] = {}

    # headings line by line, checked against their neighbours
    nxt = {a: b for a, b in zip(text_idx, text_idx[1:])}
    prv = {b: a for a, b in zip(text_idx, text_idx[1:])}
    flags: list[Flag] = []
    for i in text_idx:
        if i in kind:
            continue
        k = heading_kind(strip[i], layout=layout, max_chars=maxh)
        if not k:
            continue
        p, q = prv.get(i), nxt.get(i)
        gap_before = p is None or p + 1 < i
        gap_after = q is None or q > i + 1
        if layout == "wrapped" and not gap_before:
            # on a line of its own only if the line before ended (a glued title) ...
            if not (ends_sentence(strip[p]) or p in kind or heading_kind(strip[p], layout=layout)):
                continue
        if layout == "wrapped" and not gap_after and q is not None and starts_lowercase(strip[q]):
            continue  # ... and the text after does not run on from it
        if k == "chapter number" and not (gap_before and gap_after):
            continue
        if k == "title":
            if p is not None and not (ends_sentence(strip[p]) or p in kind):
                continue  # "To clever, fiery Polya" / "From Oddball Osip": an inscription, not a title
            # on its own, or a title wrapped after a dash or colon ("Stalin –" / "An Appraisal ...")
            if not gap_before and not strip[p].endswith(TITLE_CONTINUES):
                continue
            if not gap_after and not strip[i].endswith(TITLE_CONTINUES):
                continue
        kind[i] = "heading"
        group[i] = i
        labels[i] = k

        if k == "numbered heading" and layout == "wrapped" and not (gap_before and gap_after):
            flags.append(_flag(text, starts, lines, i, "possible numbered heading kept as its own line",
                               0.6))
    # a heading that wraps: "THE FALL OF" / "“THE PARTY’S FAVORITE”", "INTRODUCTION:" / "AN ENIGMATIC STORY"
    for i in sorted(group):
        q = nxt.get(i)
        if q is None or q not in kind or group.get(q) != q or group[i] == q:
            continue
        if i in given_lines or q in given_lines or NUMBER_LINE.match(strip[i]) or NUMBER_LINE.match(strip[q]):
            continue
        last_word = (WORD.findall(strip[i]) or [""])[-1].casefold()
        one_blank = all(not lines[k] for k in range(i + 1, q)) and q - i <= 2
        caps_pair = is_caps_heading(strip[i], max_chars=maxh) and is_caps_heading(strip[q], max_chars=maxh)
        title_pair = (layout == "paragraphs" and q == i + 1 and labels.get(i) == "title"
                      and labels.get(q) == "title")
        # a chapter title glued to the chapter's last line runs on to the next caps line
        glued = i > 0 and not blank[i - 1]
        wraps = (strip[i].endswith(":") or glued or len(strip[i]) >= 0.75 * width)
        if (last_word in JOIN_WORDS and q - i <= 4) or title_pair or (
                one_blank and caps_pair and wraps and not ends_sentence(strip[i])):
            root = group[i]
            for r in [r for r, g in group.items() if g == q]:
                group[r] = root

    verse_lines = _verse_lines(lines, blank, strip, text_idx, nxt, prv, kind, layout, width, options)
    for i in verse_lines:
        kind.setdefault(i, "verse")

    # decide every gap
    blank_paras = layout_ev["blank_line_paragraphs"]
    note_starts = _note_entry_starts(strip, text_idx, group)
    indented = _paragraph_indents(lines, strip, text_idx, prv) if layout == "wrapped" else set()
    if indented:
        layout_ev["indented_paragraph_starts"] = len(indented)
    # a separator line starts with a character that is not a word character
    rule_lines = {i for i in text_idx if not strip[i][0].isalnum() and RULE_LINE.match(strip[i])}
    gaps: list[Gap] = []
    for i, j in zip(text_idx, text_idx[1:]):
        adjacent = j == i + 1
        hi, hj = group.get(i), group.get(j)
        if j in note_starts and hi is None and hj is None and i not in verse_lines:
            gaps.append(Gap(i, j, PARA, "next note entry"))
            continue
        if hi is not None or hj is not None:
            if hi is not None and hi == hj:
                gaps.append(Gap(i, j, JOIN, "heading continues on the next line"))
            else:
                gaps.append(Gap(i, j, PARA, "heading on its own line"))
            continue
        if i in rule_lines or j in rule_lines:
            gaps.append(Gap(i, j, PARA, "separator line on its own"))
            continue
        vi, vj = i in verse_lines, j in verse_lines
        if vi and vj and verse_lines[i] == verse_lines[j]:
            gaps.append(Gap(i, j, LINE, "verse or list: line break kept"))
            continue
        if vi or vj:
            gaps.append(Gap(i, j, PARA, "verse or list block boundary"))
            continue
        p, q = strip[i], strip[j]
        if layout == "paragraphs":
            gaps.append(Gap(i, j, PARA, "one paragraph per line"))
            continue
        if not adjacent:
            if starts_lowercase(q) and (MID_SENTENCE_END.search(p) or not ends_sentence(p)):
                gaps.append(Gap(i, j, JOIN, "stray blank line mid-sentence", 0.9))
            else:
                gaps.append(Gap(i, j, PARA, "blank line between paragraphs"))
            continue
        if blank_paras:
            gaps.append(Gap(i, j, JOIN, "wrapped line (paragraphs are marked by blank lines)"))
            continue
        # no blank lines at all: an indented first line or a short sentence-final line
        # ends the paragraph before it
        if j in indented and ends_sentence(p):
            gaps.append(Gap(i, j, PARA, "indented first line", 0.9))
            continue
        margin = fit_margin(p, q, width)
        if ends_sentence(p) and not starts_lowercase(q):
            if margin >= options["paragraph_margin"]:
                gaps.append(Gap(i, j, PARA, "short sentence-final line", 0.85,
                                {"line_chars": len(p), "text_width": width, "room_left": margin}))
            else:
                gaps.append(Gap(i, j, JOIN, "wrapped line", 0.9))
        else:
            gaps.append(Gap(i, j, JOIN, "wrapped line", 0.95 if margin < 0 else 0.8))
            if margin >= 0.2 * width and not HYPHEN_END.search(p) and not starts_lowercase(q) and not p.endswith(","):
                flags.append(_flag(text, starts, lines, i, "short line that does not end a sentence: joined",
                                   0.5, candidates=[{"text": " ", "action": "join"},
                                                    {"text": "\n\n", "action": "paragraph break"}]))

    edits = _edits(text, lines, starts, gaps, layout)
    given_roots = {g for i, g in group.items() if i in given_lines}
    spans = _spans(text, lines, starts, strip, text_idx, group, verse_lines, edits, layout, given_roots,
                   labels, note_starts)
    counts = Counter()
    for reason, c in Counter(g.reason for g in gaps if not (g.sep == PARA and g.next > g.prev + 1)).items():
        counts[reason.split(" (")[0]] += c
    meta = {"layout": layout, "layout_evidence": layout_ev}
    stats = {"layout": layout, "headings": len({g for g in group.values()}),
             "verse_blocks": len(set(verse_lines.values())), **{k: v for k, v in counts.items()}}
    return StageResult(edits=edits, flags=flags, spans=spans, meta=meta, stats=stats)


def _paragraph_indents(lines: list[str], strip: list[str], text_idx: list[int],
                       prv: dict[int, int]) -> set[int]:
    """Indented lines, if this document indents the first line of its paragraphs.

    Learned: a few indented lines (at least 3, at most half of all lines), nearly
    all right after a sentence-final line. Indented verse or quotations, which
    follow lines of any kind, do not qualify.
    """
    ind = {i for i in text_idx if INDENT.match(lines[i])}
    if len(ind) < 3 or len(ind) > 0.5 * len(text_idx):
        return set()
    after_end = sum(1 for i in ind if i not in prv or ends_sentence(strip[prv[i]]))
    return ind if after_end >= 0.8 * len(ind) else set()


def _note_entry_starts(strip: list[str], text_idx: list[int], group: dict[int, int]) -> set[int]:
    """Lines that start an entry of a notes section: after a ``Notes`` heading, the
    lines opening with the next number in sequence (the first may be any number)."""
    out: set[int] = set()
    in_notes, expect = False, None
    for i in text_idx:
        if i in group:
            in_notes, expect = bool(NOTES_HEADING.match(strip[i])), None
            continue
        if in_notes:
            m = NOTE_ENTRY.match(strip[i])
            if m and (expect is None or int(m.group(1)) == expect):
                out.add(i)
                expect = int(m.group(1)) + 1
    return out


def _line_of(starts: list[int], pos: int) -> int:
    return bisect.bisect_right(starts, pos) - 1


def _flag(text: str, starts: list[int], lines: list[str], i: int, reason: str, conf: float,
          candidates: list[dict[str, Any]] | None = None) -> Flag:
    a, b = starts[i], starts[i] + len(lines[i])
    return Flag(stage=STAGE, start=a, end=b, text=text[a:b], reason=reason,
                candidates=candidates or [], confidence=conf)


def _verse_lines(lines, blank, strip, text_idx, nxt, prv, kind, layout, width, options) -> dict[int, int]:
    """Lines of verse, lists and tables: line index -> block id (its first line).

    A block is a run of *line-structured* units (a unit is a run of adjacent
    lines; units are separated by blank lines): every line short, and in wrapped
    text stopping short on purpose (the next line's first word would have fitted),
    starting with a capital and not ending in a hyphen or dash. The block needs
    ``min_verse_lines`` lines, most of them not ending a sentence, so dialogue
    (short sentence-final lines) stays prose. In paragraph layout, adjacent short
    lines are line-structured by themselves (a list, an address, a stanza).
    """
    units: list[list[int]] = []
    for i in text_idx:
        if units and units[-1][-1] == i - 1:
            units[-1].append(i)
        else:
            units.append([i])
    limit = 0.8 * width if layout == "wrapped" else options["max_list_line_chars"]
    out: dict[int, int] = {}

    def is_short(i: int) -> bool:
        return (0 < len(strip[i]) <= limit and i not in kind
                and not BRACKET_NOTE.match(strip[i]) and not (layout != "wrapped" and NOTE_ENTRY.match(strip[i])))

    # computed once per line (kind does not change while blocks are found); the length
    # test first, as most lines of wrapped text are full lines
    short_lines = {i for i in text_idx if 0 < len(strip[i]) <= limit and is_short(i)}
    short = short_lines.__contains__

    def line_structured(u: list[int]) -> bool:
        if not all(map(short, u)):
            return False
        if layout != "wrapped":
            return True
        if any(HYPHEN_END.search(strip[i]) or starts_lowercase(strip[i]) for i in u):
            return False
        return all(fit_margin(strip[a], strip[b], width) >= 8 for a, b in zip(u, u[1:]))

    def accept(block: list[int]) -> None:
        # a line inside the block ending in a colon introduces what follows
        # ("The last of them struck a tragic note:"): prose between two quotations
        inner = [k for k in range(1, len(block) - 1) if strip[block[k]].endswith(":")]
        if inner:
            k = inner[0]
            accept_one(block[:k])
            accept(block[k + 1:])
        else:
            accept_one(block)

    def accept_one(block: list[int]) -> None:
        need = options["min_verse_lines"]
        before = prv.get(block[0]) if block else None
        if before is not None and strip[before].endswith(":") and before not in kind:
            need = 2  # "A rousing song rings out:" announces a short quotation in verse
        if len(block) < need:
            return
        open_lines = sum(1 for i in block if not ends_sentence(strip[i]))
        if open_lines * 2 < len(block):
            return
        for i in block:
            out[i] = block[0]

    block: list[int] = []
    for u in units:
        if line_structured(u):
            block.extend(u)
        else:
            accept(block)
            block = []
            if layout == "wrapped" and len(u) >= 2:
                # a run of adjacent lines inside a wrapped unit that all stop short
                run: list[int] = []
                for a, b in zip(u, u[1:] + [None]):
                    # line_structured is False unless its lines are short: test that first;
                    # accept([]) does nothing, so an empty run is not passed on
                    if a not in short_lines:
                        if run:
                            accept(run)
                            run = []
                    elif (line_structured([a] if b is None else [a, b])
                          or (run and line_structured([a]))):
                        run.append(a)
                    elif run:
                        accept(run)
                        run = []
                if run:
                    accept(run)
            elif layout != "wrapped" and len(u) >= 2 and all(short(i) for i in u):
                for i in u:
                    out[i] = u[0]
    accept(block)
    if layout != "wrapped":
        for u in units:  # adjacent short lines in paragraph layout: a list or stanza
            if len(u) >= 2 and all(short(i) for i in u) and u[0] not in out:
                for i in u:
                    out[i] = u[0]
    return out


def _edits(text: str, lines: list[str], starts: list[int], gaps: list[Gap], layout: str) -> list[Edit]:
    """Turn the gap decisions into edits, touching only what must change."""
    edits: list[Edit] = []
    append = edits.append
    joined_reasons: dict[str, str] = {}  # one "joined: ..." string per reason, not per gap
    for g in gaps:
        i, j = g.prev, g.next
        sep = g.sep
        if sep == PARA and j != i + 1 or sep == LINE and j <= i + 1:
            continue  # nothing to change: a blank line already separates them / adjacent verse lines
        ev = {"layout": layout, **g.evidence} if g.evidence else {"layout": layout}
        if sep == LINE:  # blank lines inside a verse block go
            append(Edit.at(text, starts[i + 1], starts[j], "", stage=STAGE,
                           reason=f"single line break: {g.reason}", confidence=g.confidence,
                           evidence=ev))
            continue
        prev_line = lines[i].rstrip()
        end_i = starts[i] + len(prev_line)
        next_line = lines[j]
        start_j = starts[j] + (len(next_line) - len(next_line.lstrip()))
        if sep == JOIN:
            # the pattern ends in a hyphen: test the last character before the regex
            if start_j > end_i and prev_line.endswith(("-", "‐")) and WORD_HYPHEN_END.search(prev_line):
                # the hyphens stage left this line-end hyphen alone: keep it and add no space
                # ("self- pitying" would be worse than "self-pitying")
                append(Edit.at(text, end_i, start_j, "", stage=STAGE,
                               reason=f"joined after a kept line-end hyphen: {g.reason}",
                               confidence=g.confidence * 0.9, evidence=ev))
                continue
            gap_text = text[end_i:start_j]
            if gap_text != " ":
                reason = joined_reasons.get(g.reason)
                if reason is None:
                    reason = joined_reasons[g.reason] = f"joined: {g.reason}"
                # == Edit.at(text, end_i, start_j, " ", ...), its ``before`` already sliced
                append(Edit(STAGE, end_i, start_j, gap_text, " ", reason, g.confidence, ev))
        elif layout == "wrapped":
            append(Edit.at(text, end_i, start_j, "\n\n", stage=STAGE,
                           reason=f"paragraph break: {g.reason}", confidence=g.confidence,
                           evidence=ev))
        else:
            append(Edit.at(text, starts[j], starts[j], "\n", stage=STAGE,
                           reason=f"paragraph break: {g.reason}", confidence=g.confidence,
                           evidence=ev))
    return edits


def _spans(text, lines, starts, strip, text_idx, group, verse_lines, edits, layout,
           given_roots=frozenset(), labels=None, note_starts=frozenset()) -> list[Span]:
    """heading, verse and note spans, carried to this stage's output coordinates."""
    fwd = OffsetMapper(sorted(edits, key=attrgetter("start", "end")))  # == key=lambda e: (e.start, e.end)
    raw: list[tuple[str, int, int, str]] = []

    def content(i: int) -> tuple[int, int]:
        lead = len(lines[i]) - len(lines[i].lstrip())
        return starts[i] + lead, starts[i] + len(lines[i].rstrip())

    heads: dict[int, list[int]] = {}
    for i, g in group.items():
        heads.setdefault(g, []).append(i)
    for g, members in heads.items():
        if g in given_roots:
            continue  # an earlier stage's span, already carried forward
        members.sort()
        raw.append(("heading", content(members[0])[0], content(members[-1])[1], (labels or {}).get(g, "")))
    blocks: dict[int, list[int]] = {}
    for i, b in verse_lines.items():
        blocks.setdefault(b, []).append(i)
    for b, members in blocks.items():
        members.sort()
        raw.append(("verse", content(members[0])[0], content(members[-1])[1], ""))
    raw.extend(_note_spans(strip, text_idx, group, content, note_starts))
    out = []
    for k, a, b, label in raw:
        s, e = fwd(a, "left"), fwd(b, "right")
        if e > s:
            out.append(Span(k, s, e, label))
    out.sort(key=lambda s: (s.start, s.end, s.kind))
    return out


def _note_spans(strip, text_idx, group, content, note_starts=frozenset()) -> list[tuple[str, int, int, str]]:
    """Notes: ``[1] ...`` entries, a Notes heading's section, a closing run of numbered entries."""
    out = []
    # paragraphs: a note entry runs until the next blank line (or the next entry);
    # kept as first and last line indexes (two int lists, not one list per paragraph)
    firsts: list[int] = []
    lasts: list[int] = []
    for i in text_idx:
        # both patterns need a digit or an opening bracket first: test that before the regexes
        c = strip[i][0]
        if firsts and lasts[-1] == i - 1 and not ((c.isdigit() or c in "[{") and (
                NOTE_ENTRY.match(strip[i]) or BRACKET_NOTE.match(strip[i]))):
            lasts[-1] = i
        else:
            firsts.append(i)
            lasts.append(i)
    for f, l in zip(firsts, lasts):
        m = BRACKET_NOTE.match(strip[f]) if strip[f][0] in "[{" else None  # it needs one of these first
        if m:
            out.append(("note", content(f)[0], content(l)[1], f"footnote {m.group(1)}"))
    # a Notes heading: each entry runs to the next entry or the next heading
    starts = sorted(note_starts)
    for k, a in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else None
        last = a
        # start right after ``a`` (text_idx is sorted), without copying the rest of the
        # list: linear in the section, not the document
        for idx in range(bisect.bisect_right(text_idx, a), len(text_idx)):
            i = text_idx[idx]
            if i == stop or i in group:
                break
            last = i
        n = NOTE_ENTRY.match(strip[a]).group(1)
        out.append(("note", content(a)[0], content(last)[1], f"note {n}"))
    # a run of entries numbered 1, 2, 3, ... with nothing else between
    k = 0
    n_paras = len(firsts)
    while k < n_paras:
        # NOTE_ENTRY starts with \d (== str.isdecimal): test that first
        m = NOTE_ENTRY.match(strip[firsts[k]]) if strip[firsts[k]][0].isdecimal() else None
        if m and m.group(1) == "1" and firsts[k] not in group and firsts[k] not in note_starts:
            run = [k]
            expect = 2
            r = k + 1
            while r < n_paras:
                m2 = NOTE_ENTRY.match(strip[firsts[r]])
                if m2 and int(m2.group(1)) == expect and firsts[r] not in group:
                    run.append(r)
                    expect += 1
                    r += 1
                else:
                    break
            if len(run) >= 3:
                for q in run:
                    n = NOTE_ENTRY.match(strip[firsts[q]]).group(1)
                    out.append(("note", content(firsts[q])[0], content(lasts[q])[1], f"endnote {n}"))
                k = r
                continue
        k += 1
    return out
