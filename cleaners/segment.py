"""Segments (headings, paragraphs, verse blocks, notes) and their sentences.

Works on the clean-text contract: one paragraph per line, paragraphs separated
by one blank line, verse blocks with single ``\\n`` inside, and ``DocState.spans``
labelling ``heading``, ``verse`` and ``note`` stretches. Every offset returned
is a character offset into the clean text.

The sentence splitter is rule-based on purpose. pysbd 0.3.4 measured
0.13 MB/s on the seeds (the whole cleaning must reach several MB/s) and
splits ``vol. 2``; this one runs at several MB/s (``python -m bench sentences``)
and its hard cases are data in ``tests/data/segment/sentences.json``.
A candidate boundary is a run of ``.``, ``!``, ``?`` or ``…`` (with closing
quotes or brackets) followed by whitespace and a sentence opener; it is
rejected after initials (``J. V. Stalin``), known abbreviations (``Mr.``,
``pp.``, ``i.e.``) and before a lowercase word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import regex

from cleaners.document import Span

# -- resources -------------------------------------------------------------------------------

# End punctuation, optional closing quotes/brackets, an optional footnote marker glued to
# them (``garden.2``, ``Stalin.[122]``, ``too.{198}``, ``oddities.”1``), then whitespace or
# the end; group 1 is the first character of the next sentence.
BOUNDARY_RE = regex.compile(
    r"(?:\.(?: \.)+|[.!?…]+)[\"”’'»)\]]*(?P<marker>\d{1,3}|\[\d{1,4}\]|\{\d{1,4}\})?(?=\s+(\S))")
NEXT_WORD_RE = regex.compile(r"\s+[\"“‘'«(\[]*([\p{L}\p{N}][\p{L}\p{N}'’-]*)")
NEXT_WORDS_RE = regex.compile(r"\s+[\"“‘'«(\[]*([\p{L}'’-]+)(?:\s+([\p{L}'’-]+))?(?:\s+([\p{L}'’-]+))?")
# A footnote number standing after the full stop belongs to the sentence it follows:
# "via Podolsk. 1 He had ...", "... two hours. 17" at the end of a paragraph.
SPACED_MARKER_RE = regex.compile(r"\s+\d{1,3}(?=\s+[\"“‘'(\[]*\p{Lu}|\s*$)")
# A signature after a note ("... expropriation.—C. M.", "(1878-1918). –C. M.").
SIGNATURE_RE = regex.compile(r"\s*[—–-]\s*\p{Lu}\.")
# A citation's imprint after its title: "Budapest, 1989, p. 479.", "London, 2007, p. 320."
IMPRINT_RE = regex.compile(r"\s+\p{Lu}[\p{L} -]{1,30}, (?:1[5-9]|20)\d\d(?:, pp?\.|\.|,)")
BLOCK_SEP_RE = regex.compile(r"\n[ \t]*\n\s*")
INITIAL_RE = regex.compile(r"^\p{Lu}$")  # A.  J.
DOTTED_ABBREV_RE = regex.compile(r"^(?:\p{L}{1,2}\.)+\p{L}{1,2}$")  # i.e.  U.S.S.R.  e.g.
CLOSERS = "\"”’'»"  # closing quotes (not brackets: "[... James F.] Byrnes")
OPENER_RE = regex.compile(r"[\p{Lu}\p{N}\"“‘'«(\[—–-]")
_OPENER_MEMO: dict[str, bool] = {}  # character -> does OPENER_RE match it

# Verbs of a reporting clause after a quoted question or exclamation: no boundary in
# "“When did I ever try to fool you?” Stalin said." (general English).
REPORTING_VERBS = frozenset("""
said says asked asks replied replies answered answers shouted shouts cried cries exclaimed
whispered added adds continued wrote writes told tells insisted declared remarked retorted
observed snapped yelled screamed called muttered murmured laughed protested demanded
""".split())

# Abbreviations after which a period does not end a sentence (lowercased, without the dot).
# Titles before a name and reference words before a number; general English, not fitted.
ABBREVIATIONS = frozenset("""
mr mrs ms messrs dr drs prof gen col lt capt cpt sgt maj adm cmdr rev fr hon st mt ft
mm mme mdme mlle mons
jr sr esq sen rep gov pres supt insp
vol vols pp p para paras no nos ch chap chaps sec fig figs pl art arts bk ed eds trans comp
cf ibid ibid op cit loc viz vs v ca approx dept est
jan feb mar apr jun jul aug sep sept oct nov dec
co inc ltd bros corp
wm thos jas chas geo robt jno benj edw saml
""".split())

# Words that may end a sentence as an abbreviation ("and so on, etc."): a boundary only
# when the next word is a common sentence opener.
AMBIGUOUS_ABBREVIATIONS = frozenset({"etc", "al", "ff", "cent", "ibid"})

# Function words that commonly open an English sentence: after a dotted abbreviation
# (``the U.S.S.R. The ...``) or ``etc.`` they tip the decision to a boundary.
INDEFINITE_PRONOUNS = frozenset("nobody somebody someone everyone everybody anyone none nothing".split())

SENTENCE_OPENERS = frozenset("""
the a an he she it they we i you this that these those there then but and yet so in on at
as after before when while if although though since for his her its their our my what who
why how one some many most all no not nor none such both each every another only even
""".split())

SEGMENT_KINDS = ("heading", "paragraph", "verse", "note")


@dataclass
class Segment:
    """One heading, paragraph, verse block or note, with its sentences (clean-text offsets)."""

    kind: str
    start: int
    end: int
    sentences: list[tuple[int, int]] = field(default_factory=list)

    def text(self, clean: str) -> str:
        return clean[self.start:self.end]


# -- sentences -------------------------------------------------------------------------------

def _is_opener(ch: str) -> bool:
    """``OPENER_RE`` on one character, memoised: few distinct characters follow a stop."""
    known = _OPENER_MEMO.get(ch)
    if known is None:
        known = _OPENER_MEMO[ch] = OPENER_RE.match(ch) is not None
    return known


def _boundary_end(text: str, match: regex.Match, sentence_start: int = 0) -> int | None:
    """Where the sentence ending at this candidate ends, or None if it does not end here."""
    punct_start, end = match.span()
    punct, marker, nxt = match.group(0, "marker", 2)
    if marker and punct_start and text[punct_start - 1].isdigit():
        return None  # a decimal number (1.5 million), not a glued footnote marker
    if not _is_opener(nxt):
        return None
    nw = NEXT_WORD_RE.match(text, end)
    next_word = nw.group(1) if nw else ""
    if next_word and next_word[0].islower():
        return None  # “What?” he asked.   i.e. the
    if nxt in "—–-" and SIGNATURE_RE.match(text, end):
        return None
    spaced = SPACED_MARKER_RE.match(text, end) if nxt.isdigit() and not marker else None
    if punct[0] in "?!…" or punct.startswith("..") or punct.startswith(". ."):
        if punct[0] in "?!" and _reporting_clause(text, end):
            return None
        if not next_word:
            return None
        return spaced.end() if spaced else end
    if punct[-1] in CLOSERS:
        return spaced.end() if spaced else end  # 'She said "No." Then ...': a quotation closed
    word_start = _word_start(text, punct_start)
    if word_start is None:
        return spaced.end() if spaced else end
    core = text[word_start:punct_start]
    lower = core.lower()
    opener = next_word.lower() in SENTENCE_OPENERS
    # INITIAL_RE matches one character only (core never holds a newline): test the length first.
    if len(core) == 1 and (INITIAL_RE.match(core) or (core == "0" and _initial_before(text, word_start))):
        # A single capital is an initial (J. V. Stalin, A. Soils; "L. 0." an OCR'd O.), unless
        # it is the pronoun or a roman numeral closing a name and a pronoun follows.
        return end if core == "I" and opener and next_word != "I" else None
    if lower in ABBREVIATIONS:
        return None
    if "." in core and DOTTED_ABBREV_RE.match(core):  # the pattern needs a dot
        if lower.replace(".", "") in {"ie", "eg", "cf"} or not opener:
            return None
        return end
    if lower in AMBIGUOUS_ABBREVIATIONS and not opener:
        return None
    if spaced:
        return spaced.end()
    if next_word[:1].isdigit() and (core.isdigit() or len(core) <= 3):
        return None  # "No. 5", "1917. 3" (a list of numbers)
    if text.find(":", sentence_start, punct_start) >= 0 and IMPRINT_RE.match(text, end):
        return None  # "Author: Title. Place, 1989, p. 479." is one citation
    return end


def _word_start(text: str, pos: int) -> int | None:
    """Start of the word ending at ``pos`` (letters, digits, inner dots and apostrophes)."""
    # Fast path, same answer: when everything from the last space in the 64-character window
    # is letters and digits, the walk below stops right after that space (or at the window's
    # start) and skips nothing forwards.
    lo = pos - 64 if pos > 64 else 0
    i = text.rfind(" ", lo, pos) + 1 or lo
    if i < pos and text[i:pos].isalnum():
        return i
    i = pos
    while i > 0 and pos - i < 64 and (text[i - 1].isalnum() or text[i - 1] in ".'’"):
        i -= 1
    while i < pos and not text[i].isalnum():
        i += 1
    if i == pos or not text[pos - 1].isalnum():
        return None
    return i


def _initial_before(text: str, pos: int) -> bool:
    """Is the word before ``pos`` an initial ("L." in "L. 0. Darkevich")?"""
    return bool(regex.search(r"(?:^|\s)\p{Lu}\.\s+$", text[max(0, pos - 6):pos]))


def _reporting_clause(text: str, pos: int) -> bool:
    """A name and a reporting verb follow a quoted question: "?” Stalin said", "?” Dan asked him"."""
    m = NEXT_WORDS_RE.match(text, pos)
    if not m or text[m.start(1) - 1] in "\"“‘'«([":
        return False  # another quotation starts: “Right!” “Well said!”
    first = m.group(1)
    if first.lower() in SENTENCE_OPENERS or first.lower() in INDEFINITE_PRONOUNS:
        return False  # “Why?” He said nothing.  -> a new sentence
    return any((w or "").lower() in REPORTING_VERBS for w in (m.group(2), m.group(3)))


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text[start:end]``, trimmed of whitespace.

    >>> t = "J. V. Stalin met Mr. Smith. “Why?” he asked. See pp. 188-190."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['J. V. Stalin met Mr. Smith.', '“Why?” he asked.', 'See pp. 188-190.']
    """
    end = len(text) if end is None else end
    chunk = text[start:end]
    out: list[tuple[int, int]] = []
    pos = 0
    for m in BOUNDARY_RE.finditer(chunk):
        if m.start() < pos:
            continue  # inside a footnote marker already given to the previous sentence
        cut = _boundary_end(chunk, m, pos)
        if cut is not None:
            out.append((pos, cut))
            pos = cut
    out.append((pos, len(chunk)))
    spans = []
    for a, b in out:  # trimmed as str.strip() would (isspace), without copying the sentence
        while a < b and chunk[a].isspace():
            a += 1
        while b > a and chunk[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((start + a, start + b))
    return spans


# -- segments --------------------------------------------------------------------------------

def _blocks(text: str) -> Iterable[tuple[int, int]]:
    """Blank-line separated blocks as ``(start, end)``, trimmed."""
    pos = 0
    for m in BLOCK_SEP_RE.finditer(text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _label_of(a: int, b: int, spans: Sequence[Span], first: int) -> str:
    """Kind of block ``[a, b)``: the labelled span covering most of it, else paragraph.

    ``spans`` are sorted by start and ``spans[first:]`` are those not ending before ``a``.
    """
    best, best_cover = "paragraph", 0
    for k in range(first, len(spans)):
        s = spans[k]
        if s.start >= b:
            break
        cover = min(b, s.end) - max(a, s.start)
        if cover * 2 >= (b - a) and cover > best_cover:
            best, best_cover = s.kind, cover
    return best


def segments(text: str, spans: Sequence[Span] = (), *, sentences: bool = True) -> list[Segment]:
    """Headings, paragraphs, verse blocks and notes of a clean text, in order.

    A ``note`` span inside a paragraph (an inline footnote text) becomes its own
    segment, and the paragraph around it is split there.

    >>> [(s.kind, s.start, s.end) for s in segments("Title\\n\\nOne. Two.", [Span("heading", 0, 5)])]
    [('heading', 0, 5), ('paragraph', 7, 16)]
    """
    spans = sorted((s for s in spans if s.kind in ("heading", "verse", "note")),
                   key=lambda s: (s.start, s.end))
    notes = [s for s in spans if s.kind == "note"]
    out: list[Segment] = []
    ni = si = 0
    for a, b in _blocks(text):
        a, b = _trim(text, a, b)
        if a >= b:
            continue
        while ni < len(notes) and notes[ni].end <= a:
            ni += 1
        while si < len(spans) and spans[si].end <= a:
            si += 1
        pieces: list[tuple[int, int, str | None]] = []
        cur = a
        j = ni
        while j < len(notes) and notes[j].start < b:
            ns, ne = max(notes[j].start, a), min(notes[j].end, b)
            if ns > a or ne < b:  # a note inside the block, not the whole of it
                if ns > cur:
                    pieces.append((cur, ns, None))
                pieces.append((ns, ne, "note"))
                cur = max(cur, ne)
            j += 1
        if cur < b:
            pieces.append((cur, b, None))
        for pa, pb, kind in pieces:
            pa, pb = _trim(text, pa, pb)
            if pa >= pb:
                continue
            kind = kind or _label_of(pa, pb, spans, si)
            seg = Segment(kind, pa, pb)
            if sentences:
                seg.sentences = [(pa, pb)] if kind == "heading" else split_sentences(text, pa, pb)
            out.append(seg)
    return out
