"""Stage `furniture`: running headers, page numbers and page breaks, learned per document.

Nothing here comes from a list of strings. Each document teaches its own furniture:

* **page numbers** are number-only lines (``256``, ``- 12 -``), or a recurring
  header line carrying one, whose values climb by one (a page without a folio may
  skip one or two) at a roughly regular spacing in lines, and which interrupt
  sentences (numbered section headings stand between sentences);
* **page breaks** with no folio are a run of blank lines with one exact shape that
  recurs at a regular spacing and often falls mid-sentence (a section break never
  does), or a form feed (pdftotext starts each page with one);
* **running headers** are short lines that recur, normalised (digits stripped,
  case and spacing folded), right beside those page boundaries, usually
  alternating between even and odd pages. A refrain that repeats in the prose is
  not at page boundaries, so it stays.

Furniture lines are removed as edits. The text on both sides of a page break is
then brought back together: lines that are adjacent (``\\n``) when the break falls
mid-sentence, so the `hyphens` stage can join a word split across the page, a
paragraph break (``\\n\\n``) when the last line before the break is a short,
sentence-final line (a full-width one most likely continues its paragraph, unless
the document's own blank-line paragraphs say otherwise).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, count
from operator import add, not_
from statistics import median
from typing import Any

from cleaners.document import Edit, Flag, Span, StageResult

STAGE = "furniture"

DEFAULTS: dict = {
    "min_pages": 3,  # page boundaries needed before anything is learned
    "max_header_chars": 80,  # a running header is a short line
    "min_lines_per_page": 8,  # closer than this, numbers are a list, not folios
    "header_share": 0.6,  # share of a header's occurrences that must sit at page boundaries
    "min_mid_sentence_share": 0.4,  # a blank run that is a page break often falls mid-sentence
    "max_wrapped_width": 150,  # blank-run page breaks only in hard-wrapped text
    "min_break_runs": 5,  # a blank run is weaker evidence than a folio: ask for more pages
}

# --- resources -------------------------------------------------------------
# a bare folio, maybe dressed: "256", "- 12 -", "[12]", "Page 12", "p. 12"
PAGE_NUMBER = re.compile(r"^\s*(?:[-–—(\[]\s*)?(?:page\s+|p\.\s*)?(\d{1,4})(?:\s*[-–—)\]])?\s*$", re.IGNORECASE)
# a running header carrying its folio: "258 Lenin: A Political Life", "Testament to a Revolution 259"
FOLIO_CLOSERS = frozenset("-–—)]")  # PAGE_NUMBER's optional closing character
FRAMED_FOLIO = re.compile(r"^\s*(\d{1,4})\s+\D.*$|^.*\D\s(\d{1,4})\s*$")
DIGITS = re.compile(r"\d+")
FORM_FEED_PREFIX = re.compile(r"[ \t]*\f[\f \t]*")
NON_WORD = re.compile(r"[\W_]+")
KEY_WORD = re.compile(r"[^\W\d_]+")  # what header_key keeps
LETTER = re.compile(r"[^\W\d_]")
# a sentence ends in . ! ? or an ellipsis, maybe closed by quotes or brackets, maybe
# followed by a footnote number ("staff.7", "Podolsk. 1"), OCR-garbled ones included
# ("exports.S4", "illness. '9": a 5 read as S, a 1 as a quote)
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]»]*(?:\s?(?:['’‘]\s?|[A-Za-z])?\d{1,3})?$")
SENTENCE_LAST_CHARS = frozenset(".!?…\"'”’)]»")
# "F." "I." "St." at a line end is an initial or abbreviation, not a sentence end
INITIAL_END = re.compile(r"(?:^|[\s(“\"'])(?:[A-Z]|St|Mr|Mrs|Dr|Prof|Gen|Col|Lt|Capt|Gov|Rev|cf|pp?|vol|no|ed|eds|viz|vs|ca)\.$")
HYPHEN_END = re.compile(r"[-‐‑¬]$")
# a word broken at the line end ("biog-", "Socialist-"), not a rule ("----") or a dash
WORD_HYPHEN_END = re.compile(r"[^\W\d_][-‐‑¬]$")
# prose running on in lowercase after a break (quotes and brackets allowed, not code: ``x``, _y)
PROSE_LOWER_START = re.compile(r"[\"'“‘(\[]*[^\W\d_]")
# sure signs that a line stops inside a sentence: a broken word, a comma or semicolon
STRONG_MID_SENTENCE_END = re.compile(r"[^\W\d_][-‐‑¬]$|[,;]$")
# a line that stops inside a sentence: after a letter, comma, semicolon or hyphen
MID_SENTENCE_END = re.compile(r"[^\W\d_,;\-‐¬]$|[,;\-‐¬]$")
FIRST_WORD = re.compile(r"\S+")


# --- small helpers shared with `reflow` ------------------------------------

def line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts (the last entry is ``len(text)+1``).

    >>> line_starts("ab\\ncd")
    [0, 3, 6]
    """
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    starts.append(len(text) + 1)
    return starts


def starts_of_lines(lines: list[str]) -> list[int]:
    """:func:`line_starts` of ``"\\n".join(lines)``, from the lines' lengths (all in C).

    >>> starts_of_lines(["ab", "cd"]) == line_starts("ab\\ncd")
    True
    """
    # line k starts after the k lines before it and their k newlines; the last entry,
    # len(text) + 1, is the same sum over all lines
    return list(map(add, accumulate(map(len, lines), initial=0), count()))


def ends_sentence(line: str) -> bool:
    """True if ``line`` (stripped) ends a sentence: terminal punctuation, not an initial.

    >>> ends_sentence("and administrative staff.7"), ends_sentence("Kamenev, I.")
    (True, False)
    >>> ends_sentence("ready themselves"), ends_sentence("Would it be buried?")
    (False, True)
    >>> ends_sentence("imports and exports.S4"), ends_sentence("about my illness. '9")
    (True, True)
    """
    line = line.rstrip()
    # SENTENCE_END's match ends with terminal punctuation, a closing quote or bracket, or a
    # digit (\d: isdecimal): any other last character (most lines of prose) cannot match
    if not line or (line[-1] not in SENTENCE_LAST_CHARS and not line[-1].isdecimal()):
        return False
    if not SENTENCE_END.search(line):
        return False
    return not INITIAL_END.search(line)


def starts_lowercase(line: str) -> bool:
    """True if the first letter of ``line`` is lowercase (punctuation and quotes skipped)."""
    for ch in line:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


def prose_runs_on(line: str) -> bool:
    """True if ``line`` starts with a lowercase letter (after quotes or a bracket): prose
    running on. Stricter than :func:`starts_lowercase`: code (````x````, ``_y``) does not count.

    >>> prose_runs_on("“the rest"), prose_runs_on("``_data`` is"), prose_runs_on("Éclair")
    (True, False, False)
    """
    m = PROSE_LOWER_START.match(line.strip())
    return bool(m) and m.group()[-1].islower()


def typical_width(lengths: list[int]) -> int:
    """The text block's width in characters: the 90th percentile of line lengths."""
    if not lengths:
        return 0
    s = sorted(lengths)
    return s[min(len(s) - 1, int(len(s) * 0.9))]


def fit_margin(prev: str, nxt: str, width: int) -> int:
    """How many characters were left on ``prev`` after the first word of ``nxt`` would fit.

    Positive: the typesetter could have put that word on ``prev`` and did not, so
    ``prev`` ended there on purpose (a paragraph end, a verse line).
    """
    m = FIRST_WORD.search(nxt)
    word = len(m.group()) if m else 0
    return width - (len(prev.rstrip()) + 1 + word)


@lru_cache(maxsize=1 << 16)
def header_key(line: str) -> str:
    """A line folded for comparison: digits and punctuation dropped, case and spaces folded.

    >>> header_key(" 9 Testament to a  Revolution ")
    'testament to a revolution'
    """
    # == " ".join(NON_WORD.sub(" ", DIGITS.sub(" ", line)).casefold().split()): the words
    # left are the runs of word characters that are not digits or "_", and casefold
    # never yields whitespace (checked over all of Unicode), so one findall does it.
    # Cached: the learners fold the same lines again and again.
    return " ".join(KEY_WORD.findall(line)).casefold()


# --- learning ---------------------------------------------------------------

@dataclass
class Furniture:
    """What one document taught: folio lines, page-break runs, headers."""

    page_numbers: dict[int, int] = field(default_factory=dict)  # line -> folio value
    break_runs: list[tuple[int, int]] = field(default_factory=list)  # blank lines [a, b)
    break_signature: tuple[str, ...] | None = None
    headers: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> evidence
    header_lines: dict[int, str] = field(default_factory=dict)  # line -> key
    form_feeds: list[int] = field(default_factory=list)  # lines holding a form feed (pdftotext)
    boundaries: int = 0


def folio_candidates(lines: list[str], *, min_pages: int, max_chars: int) -> list[tuple[int, int]]:
    """(line, value) of lines that may carry a folio.

    A bare number, or a short line that starts or ends with a number and whose
    remaining text recurs (``258 Lenin: A Political Life``): a line of prose that
    happens to start with a number does not recur.
    """
    bare, framed = [], []
    for i, l in enumerate(lines):
        # both need a digit first or last (bare: a digit or a closing dash or bracket
        # last): most lines of prose fail this before any regex runs
        t = l.strip()
        if not t or not (t[-1].isdigit() or t[-1] in FOLIO_CLOSERS or t[0].isdigit()):
            continue
        if (m := PAGE_NUMBER.match(l)):
            bare.append((i, int(m.group(1))))
        elif (len(l) <= max_chars and (t := l.strip()) and (t[0].isdigit() or t[-1].isdigit())
              and (m := FRAMED_FOLIO.match(l))):
            framed.append((i, int(m.group(1) or m.group(2)), header_key(l)))
    keys = Counter(k for _, _, k in framed if k)
    framed_ok = [(i, v) for i, v, k in framed if k and keys[k] >= min_pages]
    return sorted(bare + framed_ok)


def learn_page_numbers(lines: list[str], *, min_pages: int, min_lines_per_page: int,
                       max_chars: int = 80) -> dict[int, int]:
    """Folio lines forming the longest chain of increasing numbers, if it looks like one.

    A chain step climbs by 1 to 3; most steps must be +1 and the pages must be
    long enough in lines that the numbers are not a numbered list or table.
    """
    cands = folio_candidates(lines, min_pages=min_pages, max_chars=max_chars)
    if len(cands) < min_pages:
        return {}
    best_len = [1] * len(cands)
    back = [-1] * len(cands)
    for k, (i, v) in enumerate(cands):
        for j in range(k - 1, max(-1, k - 60), -1):
            vj = cands[j][1]
            if 1 <= v - vj <= 3 and best_len[j] + 1 > best_len[k]:
                best_len[k], back[k] = best_len[j] + 1, j
    k = max(range(len(cands)), key=lambda x: (best_len[x], -x))
    chain = []
    while k != -1:
        chain.append(cands[k])
        k = back[k]
    chain.reverse()
    if len(chain) < min_pages:
        return {}
    steps = [(b[1] - a[1], b[0] - a[0]) for a, b in zip(chain, chain[1:])]
    if sum(1 for dv, _ in steps if dv == 1) < 0.7 * len(steps):
        return {}
    per_step = [dl / dv for dv, dl in steps]
    per_page = median(per_step)
    if per_page < min_lines_per_page:
        return {}
    if sum(1 for x in per_step if 0.5 * per_page <= x <= 1.5 * per_page) < 0.5 * len(per_step):
        return {}  # pages are about the same length; chapters and dated entries are not
    return dict(chain)


def _text_neighbours(lines: list[str], blank: list[bool], i: int, step: int, n: int) -> list[int]:
    """Up to ``n`` non-blank line indexes from ``i`` (exclusive) in direction ``step``."""
    out = []
    j = i + step
    while 0 <= j < len(lines) and len(out) < n:
        if not blank[j]:
            out.append(j)
        j += step
    return out


def learn_break_runs(lines: list[str], blank: list[bool], *, min_pages: int, min_runs: int,
                     min_lines_per_page: int, min_mid_sentence_share: float
                     ) -> tuple[tuple[str, ...] | None, list[tuple[int, int]], dict[str, Any]]:
    """The blank-line run shape that marks a page break in this document, if there is one.

    A shape qualifies if it recurs, is regularly spaced (in text lines) and often
    falls mid-sentence; paragraph and section separators do neither.
    """
    runs: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    n = len(lines)
    text_idx = [k for k, b in enumerate(blank) if not b]
    for a, b in zip(text_idx, text_idx[1:]):
        if b > a + 1:  # a blank run between two text lines
            runs[tuple(lines[a + 1:b])].append((a + 1, b))
    if not runs:
        return None, [], {}
    # text_before[k]: text lines before line k (ints: 0 + True is 1)
    text_before = list(accumulate(map(not_, blank), initial=0))
    best = None
    for sig, occ in runs.items():
        if len(occ) < min_runs:
            continue
        # spacing first (cheap): a shape that is not regularly spaced, page-sized apart,
        # is not chosen whatever its mid-sentence share, so that is not measured
        gaps = [text_before[a2] - text_before[a1] for (a1, _), (a2, _) in zip(occ, occ[1:])]
        g = median(gaps)
        regular = sum(1 for x in gaps if 0.5 * g <= x <= 1.5 * g) / len(gaps)
        if not (regular >= 0.5 and g >= min_lines_per_page):
            continue
        # read the text across each run, stepping over short lines that recur right
        # beside the runs (running headers and footers sit there)
        beside = Counter(header_key(lines[k]) for a, b in occ for k in (a - 1, b)
                         if len(lines[k].strip()) <= 80)
        recurring = {k for k, c in beside.items() if c >= min_pages and k}

        def across(k: int, step: int) -> int:
            hops = 0
            while 0 <= k < n and (blank[k] or (hops < 2 and len(lines[k].strip()) <= 80
                                               and header_key(lines[k]) in recurring)):
                hops += not blank[k]
                k += step
            return k

        mid = 0
        for a, b in occ:
            p, q = across(a - 1, -1), across(b, 1)
            if 0 <= p and q < n and (STRONG_MID_SENTENCE_END.search(lines[p].rstrip())
                                     or prose_runs_on(lines[q])):
                mid += 1
        mid_share = mid / len(occ)
        if mid_share >= min_mid_sentence_share and regular >= 0.5 and g >= min_lines_per_page:
            score = (len(occ) * mid_share, len(sig))
            if best is None or score > best[0]:
                best = (score, sig, occ, {"runs": len(occ), "mid_sentence_share": round(mid_share, 3),
                                          "median_lines_per_page": g, "regular_share": round(regular, 3),
                                          "blank_lines": len(sig)})
    if best is None:
        return None, [], {}
    return best[1], best[2], best[3]


def _mid_sentence_share(lines: list[str], blank: list[bool], marks: dict[int, int], max_chars: int) -> float:
    """Share of the marked lines that interrupt a sentence.

    The text is read across each mark, skipping blank lines, other marks and
    short lines that recur (probably headers): a break with a sure mid-sentence
    sign (a broken word, a trailing comma, a lowercase start after it).
    """
    if not marks:
        return 0.0
    keys = Counter(header_key(l) for l in lines if l.strip() and len(l.strip()) <= max_chars)

    def skip(j: int) -> bool:
        s = lines[j].strip()
        return blank[j] or j in marks or (len(s) <= max_chars and keys[header_key(s)] >= 3)

    mid = 0
    for i in marks:
        a = i - 1
        while a >= 0 and skip(a):
            a -= 1
        b = i + 1
        while b < len(lines) and skip(b):
            b += 1
        if a >= 0 and b < len(lines) and (STRONG_MID_SENTENCE_END.search(lines[a].rstrip())
                                          or prose_runs_on(lines[b])):
            mid += 1
    return mid / len(marks)


def learn(lines: list[str], options: dict[str, Any], *, strip_lengths: list[int] | None = None
          ) -> tuple[Furniture, dict[str, Any]]:
    """Learn one document's page numbers, page-break runs and running headers.

    ``strip_lengths`` (``len(l.strip())`` of each line) may be passed if already known.
    """
    if strip_lengths is None:
        strip_lengths = list(map(len, map(str.strip, lines)))
    blank = list(map(not_, strip_lengths))  # == [not l.strip() for l in lines]
    f = Furniture()
    f.page_numbers = learn_page_numbers(lines, min_pages=options["min_pages"],
                                        min_lines_per_page=options["min_lines_per_page"],
                                        max_chars=options["max_header_chars"])
    folio_mid = _mid_sentence_share(lines, blank, f.page_numbers, options["max_header_chars"])
    if f.page_numbers and folio_mid < options["min_mid_sentence_share"]:
        f.page_numbers = {}  # numbered headings ("SECTION 3", "17") stand between sentences, folios do not
    width = typical_width(list(filter(None, strip_lengths)))  # the non-blank lines' lengths
    sig, runs, run_evidence = (None, [], {}) if width > options["max_wrapped_width"] else learn_break_runs(
        lines, blank, min_pages=options["min_pages"], min_runs=options["min_break_runs"],
        min_lines_per_page=options["min_lines_per_page"],
        min_mid_sentence_share=options["min_mid_sentence_share"])
    f.break_signature, f.break_runs = sig, runs
    f.form_feeds = [i for i, l in enumerate(lines) if "\f" in l]
    # lines next to a page boundary, with the folio of the page they belong to (if known)
    zone: dict[int, int | None] = {}
    for i, v in f.page_numbers.items():
        for j in _text_neighbours(lines, blank, i, -1, 2) + _text_neighbours(lines, blank, i, 1, 2):
            zone.setdefault(j, v)
    for a, b in runs:
        for j in _text_neighbours(lines, blank, a, -1, 2) + _text_neighbours(lines, blank, b - 1, 1, 2):
            zone.setdefault(j, None)
    for i in f.form_feeds:  # a form feed starts a page: its own line may be the header
        own = [] if blank[i] else [i]
        for j in _text_neighbours(lines, blank, i, -1, 2) + own + _text_neighbours(lines, blank, i, 1, 2 - len(own)):
            zone.setdefault(j, None)
    f.boundaries = len(f.page_numbers) + len(runs) + len(f.form_feeds)
    if f.boundaries < options["min_pages"]:
        return f, {"page_numbers": {}, "page_breaks": run_evidence}
    zone_keys: dict[str, list[int]] = defaultdict(list)
    for j in zone:
        if j in f.page_numbers:
            continue
        s = lines[j].strip()
        if len(s) > options["max_header_chars"]:
            continue
        k = header_key(s)
        if len(LETTER.findall(k)) >= 4:
            zone_keys[k].append(j)
    need = max(options["min_pages"], int(0.15 * f.boundaries))
    zone_keys = {k: where for k, where in zone_keys.items() if len(where) >= need}
    if zone_keys:
        # how often each candidate occurs anywhere (a refrain recurs away from page boundaries too)
        firsts = {k.split()[0] for k in zone_keys}
        totals = Counter(k for l in lines if len(l) <= options["max_header_chars"] + 8
                         and any(w in l.casefold() for w in firsts) and (k := header_key(l)) in zone_keys)
        for k, where in zone_keys.items():
            if len(where) >= need and len(where) >= options["header_share"] * totals[k]:
                parity = Counter("odd" if zone[j] % 2 else "even" for j in where if zone[j] is not None)
                f.headers[k] = {"pattern": k, "pages": len(where), "occurrences": totals[k],
                                "parity": dict(parity)}
                for j in where:
                    f.header_lines[j] = k
    pn = sorted(f.page_numbers.values())
    evidence = {"page_numbers": {"count": len(pn), "first": pn[0], "last": pn[-1]} if pn else {},
                "page_breaks": run_evidence, "headers": list(f.headers.values())}
    return f, evidence


# --- edits -------------------------------------------------------------------

def full_line_paragraph_end_rate(lines: list[str], blank: list[bool], width: int,
                                 skip: set[int]) -> tuple[float, int] | None:
    """How often, in this document, a full-width sentence-final line ends its paragraph.

    Only measurable where blank lines mark paragraphs: inside pages, a full line
    ending a sentence is followed either by the next line of its paragraph or by
    one blank line. ``None`` when there are fewer than 20 such lines.
    """
    ends = conts = 0
    n = len(lines)
    for i in range(n - 2):
        if blank[i] or i in skip:
            continue
        # ends_sentence's first test inline (most lines fail it), then the function itself
        last = lines[i].rstrip()[-1]
        if last not in SENTENCE_LAST_CHARS and not last.isdecimal() or not ends_sentence(lines[i].strip()):
            continue
        if not blank[i + 1]:
            j, is_end = i + 1, False
        elif not blank[i + 2] and i + 1 not in skip:
            j, is_end = i + 2, True
        else:
            continue
        if j in skip or fit_margin(lines[i].strip(), lines[j].strip(), width) >= 0:
            continue
        ends += is_end
        conts += not is_end
    single_gaps = sum(1 for i in range(1, n - 1) if blank[i] and not blank[i - 1] and not blank[i + 1])
    if ends + conts < 20 or single_gaps < 20:
        return None  # too few lines, or blank lines do not mark paragraphs here
    return ends / (ends + conts), ends + conts


def join_decision(prev: str, nxt: str, width: int, *, full_end_rate: float | None = None
                  ) -> tuple[str, float, str]:
    """How to bring the two sides of a page break together: ``"\\n"`` or ``"\\n\\n"``.

    Returns (separator, confidence, why). Mid-sentence breaks are joined; a short
    sentence-final line before the break ends a paragraph; a full-width
    sentence-final line most likely continues its paragraph on the next page,
    unless this document's own full-width sentence-final lines mostly end their
    paragraph (``full_end_rate``, measured where blank lines mark paragraphs).
    """
    p, q = prev.strip(), nxt.strip()
    if WORD_HYPHEN_END.search(p):
        return "\n", 0.95, "previous line ends with a hyphen"
    if starts_lowercase(q):
        return "\n", 0.95, "next line starts lowercase"
    if not ends_sentence(p) and not p.endswith(":"):
        return "\n", 0.9, "previous line does not end a sentence"
    if fit_margin(p, q, width) >= 0:
        return "\n\n", 0.85, "short sentence-final line before the break: paragraph end"
    if full_end_rate is not None and full_end_rate > 0.5:
        return "\n\n", 0.6, "full-width sentence-final line before the break: paragraph end in this document"
    return "\n", 0.7, "full-width sentence-final line before the break: paragraph continues"


def run(text: str, ctx) -> StageResult:
    """Remove running headers and page numbers and rejoin page breaks (see module doc)."""
    options = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    lines = text.split("\n")
    if len(lines) < 2 * options["min_pages"]:
        return StageResult(meta={"furniture": {"pages": 0}})
    strip_lengths = list(map(len, map(str.strip, lines)))
    f, learned = learn(lines, options, strip_lengths=strip_lengths)
    if not f.page_numbers and not f.break_runs and not f.headers and not f.form_feeds:
        return StageResult(meta={"furniture": {"pages": 0}}, stats={"pages": 0})
    starts = starts_of_lines(lines)  # == line_starts(text)
    n = len(lines)
    blank = list(map(not_, strip_lengths))
    furniture = {i: "page number" if PAGE_NUMBER.match(lines[i]) else "running header with page number"
                 for i in f.page_numbers}
    for i in f.header_lines:
        furniture[i] = "running header"
    break_blank = {i for i in f.form_feeds if blank[i]}
    for a, b in f.break_runs:
        break_blank.update(range(a, b))
    page_starts = {i for i in f.form_feeds  # "\fText": the form feed opens the line
                   if not blank[i] and i not in furniture and FORM_FEED_PREFIX.match(lines[i])}
    width = typical_width([n_chars for i, n_chars in enumerate(strip_lengths) if n_chars and i not in furniture])
    full_rate = full_line_paragraph_end_rate(lines, blank, width, set(furniture) | break_blank)
    edits: list[Edit] = []
    flags: list[Flag] = []
    spans: list[Span] = []
    stats = Counter()

    def delete_lines(a: int, b: int) -> tuple[int, int]:
        """Offsets covering lines [a, b) with their newlines."""
        return starts[a], min(starts[b], len(text))

    i = 0
    done = 0  # lines before this are settled
    while i < n:
        if i in page_starts:
            m = FORM_FEED_PREFIX.match(lines[i])
            edits.append(Edit.at(text, starts[i], starts[i] + m.end(), "", stage=STAGE,
                                 reason="removed: form feed (page break)", confidence=0.99))
            stats["form feeds"] += 1
        if i not in furniture and i not in break_blank and not (i in page_starts and i >= done):
            i += 1
            continue
        # a block: furniture lines, page-break blank runs and blank lines around them
        a = i
        while a > done and blank[a - 1]:
            a -= 1
        b = i
        while b < n and (b in furniture or blank[b]):
            b += 1
        done = b + 1  # the boundary before line b is settled here
        prev_i, next_i = a - 1, b
        inner = [k for k in range(a, b) if k in furniture]
        at_edge = prev_i < 0 or next_i >= n
        if at_edge:
            for k in inner:
                s, e = delete_lines(k, k + 1)
                edits.append(_furniture_edit(text, s, e, furniture[k], k, f, lines))
                stats[furniture[k]] += 1
            i = max(b, i + 1)
            continue
        sep, conf, why = join_decision(lines[prev_i], lines[next_i], width,
                                       full_end_rate=full_rate[0] if full_rate else None)
        evidence = {"why": why, "page_break_lines": b - a, "furniture_lines": len(inner),
                    "line_before_chars": len(lines[prev_i].strip()), "text_width": width}
        if conf < 0.8:
            evidence["full_line_paragraph_end_rate"] = round(full_rate[0], 3) if full_rate else None
            fa, fb = starts[prev_i], starts[next_i] + len(lines[next_i])
            flags.append(Flag(stage=STAGE, start=fa, end=fb, text=text[fa:fb], reason=why,
                              candidates=[{"text": "\n", "action": "paragraph continues",
                                           "line_before_chars": len(lines[prev_i].strip()),
                                           "text_width": width},
                                          {"text": "\n\n", "action": "paragraph break"}],
                              confidence=conf))
        placed_sep = False
        k = a
        while k < b:
            if k in furniture:
                s, e = starts[k], starts[k + 1]
                edit = _furniture_edit(text, s, e, furniture[k], k, f, lines)
                edit.evidence["page_break"] = {"join": sep, "why": why}
                edits.append(edit)
                stats[furniture[k]] += 1
                k += 1
                continue
            r = k
            while r < b and r not in furniture:
                r += 1
            s, e = starts[k], starts[r]
            after = "" if (placed_sep or sep == "\n") else "\n"
            placed_sep = placed_sep or bool(after)
            if text[s:e] != after:
                reason = ("page break rejoined mid-sentence" if sep == "\n"
                          else "page break at a paragraph end: one blank line kept")
                edits.append(Edit.at(text, s, e, after, stage=STAGE, reason=reason,
                                     confidence=conf, evidence=evidence))
            k = r
        if sep == "\n\n" and not placed_sep:
            edits.append(Edit.at(text, starts[a], starts[a], "\n", stage=STAGE,
                                 reason="page break at a paragraph end: one blank line kept",
                                 confidence=conf, evidence=evidence))
        stats["page breaks"] += 1
        stats["rejoined mid-sentence" if sep == "\n" else "paragraph breaks"] += 1
        i = max(b, i + 1)
    spans_out, more_flags = _opening_title(text, lines, starts, blank, f, edits)
    spans.extend(spans_out)
    flags.extend(more_flags)
    meta = {"furniture": {"pages": f.boundaries, "width": width, **evidence_summary(learned)}}
    if full_rate:
        meta["furniture"]["full_line_paragraph_end_rate"] = {"rate": round(full_rate[0], 3), "lines": full_rate[1]}
    return StageResult(edits=edits, flags=flags, spans=spans, meta=meta, stats=dict(stats))


def evidence_summary(learned: dict[str, Any]) -> dict[str, Any]:
    """The learned patterns, for meta (JSON-safe)."""
    return {"page_numbers": learned.get("page_numbers", {}),
            "page_breaks": learned.get("page_breaks", {}),
            "headers": [h["pattern"] for h in learned.get("headers", [])]}


def _furniture_edit(text: str, s: int, e: int, kind: str, k: int, f: Furniture, lines: list[str]) -> Edit:
    if kind in ("page number", "running header with page number"):
        vals = sorted(f.page_numbers.values())
        ev = {"page": f.page_numbers[k], "sequence": f"{vals[0]}-{vals[-1]}", "pages": len(vals)}
    else:
        ev = dict(f.headers[f.header_lines[k]])
    return Edit.at(text, s, e, "", stage=STAGE, reason=f"removed: {kind}", confidence=0.95, evidence=ev)


def _opening_title(text: str, lines: list[str], starts: list[int], blank: list[bool],
                   f: Furniture, edits: list[Edit]) -> tuple[list[Span], list[Flag]]:
    """The running header's text at the very top of the document is the chapter title.

    A chapter's opening page carries its title instead of a running header, so
    the first line (or first two lines, when the title wraps) matching a learned
    header is kept and labelled ``heading`` for `reflow`, with a flag.
    """
    if not f.headers:
        return [], []
    first = [i for i in range(min(len(lines), 12)) if not blank[i]][:2]
    if not first or first[0] in f.header_lines or first[0] in f.page_numbers:
        return [], []
    for take in (first[:1], first[:2]):
        if take and take[-1] in f.header_lines:
            break
        key = header_key(" ".join(lines[i] for i in take))
        if key in f.headers:
            a = starts[take[0]] + (len(lines[take[0]]) - len(lines[take[0]].lstrip()))
            b = starts[take[-1]] + len(lines[take[-1]].rstrip())
            # output coordinates: nothing before the title was edited by this stage
            shift = sum(len(e.after) - (e.end - e.start) for e in edits if e.end <= a)
            span = Span("heading", a + shift, b + shift, "chapter title (matches running header)")
            flag = Flag(stage=STAGE, start=a, end=b, text=text[a:b],
                        reason="opening line matches a running header: kept as the chapter title",
                        candidates=[{"text": text[a:b], "action": "keep as heading"},
                                    {"text": "", "action": "remove as running header"}],
                        confidence=0.7)
            return [span], [flag]
    return [], []
