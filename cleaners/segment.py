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

# End punctuation, optional closing quotes/brackets, then whitespace; the lookahead is the
# first character of the next sentence.
BOUNDARY_RE = regex.compile(r"(?:\.(?: \.)+|[.!?…]+)[\"”’'»)\]]*(?=\s+(\S))")
WORD_BEFORE_RE = regex.compile(r"(\S+)$")
NEXT_WORD_RE = regex.compile(r"\s+[\"“‘'«(\[]*([\p{L}\p{N}][\p{L}\p{N}'’-]*)")
BLOCK_SEP_RE = regex.compile(r"\n[ \t]*\n\s*")
INITIAL_RE = regex.compile(r"^[\"“‘'(\[]*\p{Lu}\.$")  # A.  J.
DOTTED_ABBREV_RE = regex.compile(r"^[\"“‘'(\[]*(?:\p{L}{1,2}\.){2,}$")  # i.e.  U.S.S.R.  e.g.
OPENER_RE = regex.compile(r"[\p{Lu}\p{N}\"“‘'«(\[—–-]")

# Abbreviations after which a period does not end a sentence (lowercased, without the dot).
# Titles before a name and reference words before a number; general English, not fitted.
ABBREVIATIONS = frozenset("""
mr mrs ms messrs dr prof gen col lt capt cpt sgt maj adm cmdr rev fr hon st mt ft
jr sr esq sen rep gov pres supt insp
vol vols pp p para paras no nos ch chap chaps sec fig figs pl art arts bk ed eds trans comp
cf ibid ibid op cit loc viz vs v ca approx dept est
jan feb mar apr jun jul aug sep sept oct nov dec
co inc ltd bros corp
""".split())

# Words that may end a sentence as an abbreviation ("and so on, etc."): a boundary only
# when the next word is a common sentence opener.
AMBIGUOUS_ABBREVIATIONS = frozenset({"etc", "al", "ff", "cent", "ibid"})

# Function words that commonly open an English sentence: after a dotted abbreviation
# (``the U.S.S.R. The ...``) or ``etc.`` they tip the decision to a boundary.
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

def _is_boundary(text: str, match: regex.Match) -> bool:
    """Decide one candidate boundary (see the module docstring)."""
    punct_start = match.start()
    nxt = match.group(1)
    if not OPENER_RE.match(nxt):
        return False
    nw = NEXT_WORD_RE.match(text, match.end())
    next_word = nw.group(1) if nw else ""
    if next_word and next_word[0].islower():
        return False  # “What?” he asked.   i.e. the
    punct = match.group(0)
    if punct[0] != ".":
        return True  # ! ? …
    if punct.startswith("..") or punct.startswith(". ."):
        return bool(next_word)  # an ellipsis before a capitalised word
    before = WORD_BEFORE_RE.search(text, max(0, punct_start - 64), punct_start)
    if not before:
        return True
    word = before.group(1) + "."
    core = word.strip("\"“‘'([").rstrip(".").lower()
    opener = next_word.lower() in SENTENCE_OPENERS
    if INITIAL_RE.match(word):
        # A single capital: an initial (J. V. Stalin, A. Soils), unless a pronoun follows
        # and the letter is the pronoun "I" or a roman numeral closing a name ("Nicholas I.").
        return core == "i" and opener and next_word != "I"
    if core in ABBREVIATIONS:
        return False
    if DOTTED_ABBREV_RE.match(word):
        return opener and core.replace(".", "") not in {"ie", "eg", "cf"}
    if core in AMBIGUOUS_ABBREVIATIONS:
        return opener
    if next_word[:1].isdigit() and (core.isdigit() or len(core) <= 3):
        return False  # "No. 5", "1917. 3" (a list of numbers)
    return True


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
        if _is_boundary(chunk, m):
            out.append((pos, m.end()))
            pos = m.end()
    out.append((pos, len(chunk)))
    spans = []
    for a, b in out:
        seg = chunk[a:b]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg.rstrip())
        if trail > lead:
            spans.append((start + a + lead, start + a + trail))
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


def _label_of(a: int, b: int, spans: Sequence[Span]) -> str:
    """Kind of block ``[a, b)``: the labelled span covering most of it, else paragraph."""
    best, best_cover = "paragraph", 0
    for s in spans:
        if s.kind not in ("heading", "verse", "note") or s.end <= a or s.start >= b:
            continue
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
    ni = 0
    for a, b in _blocks(text):
        a, b = _trim(text, a, b)
        if a >= b:
            continue
        while ni < len(notes) and notes[ni].end <= a:
            ni += 1
        pieces: list[tuple[int, int, str | None]] = []
        cur = a
        j = ni
        while j < len(notes) and notes[j].start < b:
            ns, ne = max(notes[j].start, a), min(notes[j].end, b)
            if ne - ns < (b - a) * 0.5 or ns > a or ne < b:  # a note inside the block
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
            kind = kind or _label_of(pa, pb, spans)
            seg = Segment(kind, pa, pb)
            if sentences:
                seg.sentences = [(pa, pb)] if kind == "heading" else split_sentences(text, pa, pb)
            out.append(seg)
    return out
