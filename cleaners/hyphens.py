"""Stage `hyphens`: decide every line-end hyphen, then make the word whole on one line.

A hard-wrapped text breaks words at line ends. Each ``word-`` at the end of a line
followed by a word on the next line is one of:

* a soft hyphen, to join: ``biog-`` / ``raphy`` -> ``biography``;
* a compound hyphen, to keep: ``comrades-in-`` / ``arms`` -> ``comrades-in-arms``;
* a number range, to keep: ``1926-`` / ``1927`` -> ``1926-1927``;
* a dash (``unprecedented -``, ``--``): not hyphenation, left alone for ``reflow``.

For every hyphen it decides on, the stage removes the line break (and the spaces
around it) so the word is whole on one line; ``reflow`` joins the rest.

The decision is a short list of evidence, strongest first (:func:`decide`):

1. shape: dashes, digits (ranges, ``400,000-strong``);
2. the document itself: the joined form vs the hyphenated form as inline tokens
   elsewhere in the same text (then the corpus, if ``token_counts`` is given);
3. a capitalised right part (``Brest-``/``Litovsk``, ``non-``/``Russians``) is a compound;
4. general English frequencies (symspell's list, gaps filled from wordfreq): a known
   joined form is joined, unless the two words are much commoner as a pair (``front
   line``) or the closed form is rare and both parts are ordinary words (weak evidence:
   the hyphen is kept and flagged);
5. joined form unknown but both parts are words: a compound (``low-``/``browed``),
   unless the document writes the left part closed as a prefix (``semi`` in
   ``semiliterate``, ``semimilitary`` ... and never ``semi-``);
6. a part that is no word at all: an unknown word split in two (names:
   ``Orzhoni-``/``kidze``), joined and flagged.

Precision first: when evidence is weak the hyphen is kept (a wrongly joined
compound is unrecoverable, a kept hyphen is not) and a Flag carries both readings.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from cleaners.document import Edit, Flag, StageResult
from cleaners.frequencies import bigrams, unigrams

STAGE = "hyphens"

DEFAULTS: dict[str, Any] = {
    # A part counts as an ordinary English word at or above this count (symspell's
    # scale: its smallest count is ~12.7k, "the" is 23 billion).
    "word_count": 100_000,
    # A closed form rarer than this, made of two ordinary words, is weak evidence.
    "rare_joined_count": 100_000,
    # Inline evidence in the document decides when one form is this many times the other.
    "doc_ratio": 2.0,
    # Left part as a prefix: closed forms with it (beyond the dictionary) needed to join.
    "prefix_closed_types": 3,
    # Decide across blank lines (an unremoved page break) only on strong evidence.
    "across_blank_lines": True,
    "max_blank_lines": 4,
    # Decisions with a confidence below this are flagged for review.
    "flag_below": 0.75,
    # Fill symspell's gaps (honored, ex, browed) from wordfreq's larger list.
    "use_wordfreq": True,
}

# --- resources: regexes -------------------------------------------------------------

#: hyphen-minus, Unicode hyphen, non-breaking hyphen, soft hyphen
HYPHENS = "-\u2010\u2011\u00ad"
SOFT_HYPHEN = "\u00ad"

#: a hyphen ending a line, the line break (possibly with blank lines) and a look at
#: the first token of the next non-blank line; the token before the hyphen is found
#: by scanning back (a regex starting at every position is ~20x slower).
LINE_END_HYPHEN = re.compile(
    rf"(?P<hyphen>[{HYPHENS}])[ \t]*(?P<breaks>\n(?:[ \t]*\n)*)[ \t]*(?=(?P<right>\S+))"
)
LEADING_PUNCT = re.compile(r"^[^\w]+")
ALNUM_RUN = re.compile(r"^[^\W_]+")
TRAILING_WORD = re.compile(r"[^\W_]+$")
#: inline words: every run of letters and digits (``Stalin’s`` -> ``stalin``, ``s``).
ALNUM_RUNS = re.compile(r"[^\W_]+")
_ASCII_NON_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())
_ASCII_NON_ALNUM_TO_SPACE = bytes.maketrans(_ASCII_NON_ALNUM, b" " * len(_ASCII_NON_ALNUM))
#: inline hyphenated tokens, whole (``comrades-in-arms``).
HYPHENATED_TOKEN = re.compile(r"[^\W_]+(?:[’'][^\W\d_]+)?(?:[-\u2010\u2011][^\W_]+(?:[’'][^\W\d_]+)?)+")
HYPHEN_SPLIT = re.compile(r"[-\u2010\u2011]")
HYPHEN_CHAR = HYPHEN_SPLIT
NONSPACE_RUN = re.compile(r"\S*")
POSSESSIVE = re.compile(r"[’'][^\W\d_]{1,2}$")
DIGITS = re.compile(r"\d")
NUMBER = re.compile(r"^\d[\d,.]*$")

#: English prefixes that are written closed, hardly ever with a hyphen (unlike self-,
#: ex-, non-, anti-, in- of in-depth): a line-end break after them is a soft hyphen.
CLOSED_PREFIXES = frozenset({"dis", "mis", "un", "be"})

REASON_JOIN = "joined soft hyphen"
REASON_KEEP = "kept compound hyphen"
REASON_RANGE = "number range"


# --- evidence ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _wordfreq_en() -> dict[str, float]:
    """wordfreq's English list (word -> frequency), empty if the package is missing.

    The process-wide copy that word repair's unigram probabilities use too
    (:func:`cleaners.frequencies.wordfreq_dict`): equal to
    ``wordfreq.get_frequency_dict("en", "best")``, held once."""
    try:
        import wordfreq  # noqa: F401
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return {}
    from cleaners.frequencies import wordfreq_dict

    return wordfreq_dict("en", "best")


@lru_cache(maxsize=1 << 16)
def english_count(word: str, use_wordfreq: bool = True) -> int:
    """How common ``word`` (lowercase) is in general English, on symspell's count scale.

    symspell's 82k list lacks many ordinary words (``honored``, ``ex``, ``browed``);
    wordfreq's 320k list fills them in, scaled so that both agree on ``the``.

    >>> english_count("honored") > 0 and english_count("biography") > 0
    True
    >>> english_count("orzhonikidze")
    0
    """
    uni = unigrams()
    count = uni.get(word, 0)
    wf = _wordfreq_en() if use_wordfreq else None
    if wf and word in wf:
        count = max(count, int(wf[word] * uni["the"] / wf["the"]))
    return count


def _norm(word: str) -> str:
    """Lowercase, without a possessive ending.

    >>> _norm("Revolutionary’s")
    'revolutionary'
    """
    return POSSESSIVE.sub("", word).lower()


@dataclass(frozen=True)
class LineEndHyphen:
    """One ``word-`` at a line end and the first token of the next non-blank line."""

    token_start: int  # start of the left token (== hyphen when a space precedes the hyphen)
    hyphen: int  # offset of the hyphen
    right_start: int  # offset of the right token
    token: str  # left token without its hyphen ("" for ``word -``)
    right: str  # right token
    hyphen_char: str
    blank_lines: int

    @property
    def end(self) -> int:
        return self.right_start + len(self.right)


def find_line_end_hyphens(text: str) -> list[LineEndHyphen]:
    """Every hyphen that ends a line and is followed by more text.

    >>> [(h.token, h.right) for h in find_line_end_hyphens("a biog- \\nraphy and x -\\ny")]
    [('biog', 'raphy'), ('', 'y')]
    """
    out = []
    for m in LINE_END_HYPHEN.finditer(text):
        hyphen = m.start()
        line_start = text.rfind("\n", 0, hyphen) + 1
        before = text[line_start:hyphen]
        token = "" if not before or before[-1].isspace() else before.split()[-1]
        out.append(LineEndHyphen(hyphen - len(token), hyphen, m.end(), token, m.group("right"),
                                 m.group("hyphen"), m.group("breaks").count("\n") - 1))
    return out


@dataclass
class DocEvidence:
    """What the document itself says: its inline words and hyphen pairs.

    ``words`` counts every inline token and every segment of a hyphenated token
    (lowercase); ``pairs`` counts adjacent segments ``(a, b)`` of hyphenated tokens.
    Tokens that take part in a line-end hyphen are not counted (they are the cases).
    """

    words: Counter = field(default_factory=Counter)
    pairs: Counter = field(default_factory=Counter)
    corpus: Mapping[str, int] | None = None
    _sorted: list[str] | None = None
    _left_types: Counter | None = None  # distinct pairs per left segment, like _sorted built once

    @classmethod
    def from_text(cls, text: str, corpus: Mapping[str, int] | None = None) -> "DocEvidence":
        return cls.from_inline(_inline_text(text, find_line_end_hyphens(text)), corpus=corpus)

    @classmethod
    def from_inline(cls, inline: str, corpus: Mapping[str, int] | None = None) -> "DocEvidence":
        inline = inline.lower()
        words = count_alnum_runs(inline)
        found: list[tuple[str, str]] = []
        for tok in _tokens_with_hyphens(inline):
            for hyphenated in HYPHENATED_TOKEN.findall(tok):
                segs = [_norm(s) for s in HYPHEN_SPLIT.split(hyphenated)]
                found.extend(zip(segs, segs[1:]))
        return cls(words=words, pairs=Counter(found), corpus=corpus)

    def closed_with_prefix(self, prefix: str, *, min_rest: int = 4, word_count: int) -> list[str]:
        """Word types of the document written closed with ``prefix`` beyond the dictionary.

        Counts ``semi`` + ``military`` written ``semimilitary`` where the whole is not in
        the frequency list but the rest is an ordinary word: the document's own style.
        """
        if self._sorted is None:
            self._sorted = sorted(self.words)
        uni = unigrams()
        i = bisect.bisect_left(self._sorted, prefix)
        out = []
        while i < len(self._sorted) and self._sorted[i].startswith(prefix):
            w = self._sorted[i]
            rest = w[len(prefix):]
            if len(rest) >= min_rest and rest.isalpha() and uni.get(rest, 0) >= word_count and w not in uni:
                out.append(w)
            i += 1
        return out

    def hyphenated_with_prefix(self, prefix: str) -> int:
        """How many distinct ``prefix-x`` pairs the document writes inline."""
        # == sum(1 for (a, _b) in self.pairs if a == prefix), without a scan of all
        # pairs per hyphen (quadratic on a long text with many hyphens)
        if self._left_types is None:
            self._left_types = Counter(a for a, _b in self.pairs)
        return self._left_types.get(prefix, 0)

    def corpus_counts(self, joined: str, hyphenated: str) -> tuple[int, int]:
        """(joined, hyphenated) counts in the corpus ``token_counts``, if any."""
        if not self.corpus:
            return 0, 0
        c = self.corpus
        j = c.get(joined, 0) + c.get(joined.capitalize(), 0)
        h = c.get(hyphenated, 0) + c.get(hyphenated.capitalize(), 0)
        return j, h


def count_alnum_runs(text: str) -> Counter:
    """``Counter(ALNUM_RUNS.findall(text))``, about twice as fast on mostly-ASCII text.

    ASCII characters that are not letters or digits become spaces in the UTF-8 bytes
    (``bytes.translate``; a multi-byte character has no ASCII byte in it, so none is
    cut), the bytes are split and counted in C; an all-ASCII token is then one run, a
    token with other characters (``’``, ``—``, a no-break space, ``é``) is decoded and
    split into runs by the regex itself.

    >>> count_alnum_runs("Stalin’s café, the_end 1926-7 Ⅻ") == Counter(ALNUM_RUNS.findall("Stalin’s café, the_end 1926-7 Ⅻ"))
    True
    """
    counts = Counter(text.encode("utf-8", "surrogatepass").translate(_ASCII_NON_ALNUM_TO_SPACE).split())
    out = {tok.decode("ascii"): n for tok, n in counts.items() if tok.isascii()}
    get = out.get
    for tok, n in counts.items():
        if not tok.isascii():
            for run in ALNUM_RUNS.findall(tok.decode("utf-8", "surrogatepass")):
                out[run] = get(run, 0) + n
    return Counter(out)


def _tokens_with_hyphens(text: str):
    """The whitespace-separated tokens of ``text`` that contain a hyphen, in order.

    The same tokens as ``[t for t in text.split() if HYPHEN_CHAR.search(t)]`` (``\\S``
    and ``str.split`` agree on what is whitespace), found from the hyphens alone
    instead of splitting the whole text (a book has ~1k such tokens in 250k).

    >>> list(_tokens_with_hyphens("a well-known,  x-y-z -\\nq b"))
    ['well-known,', 'x-y-z', '-']
    """
    pos = 0
    search, nonspace = HYPHEN_CHAR.search, NONSPACE_RUN.match
    while (m := search(text, pos)) is not None:
        a = m.start()
        while a > pos and not text[a - 1].isspace():
            a -= 1
        b = nonspace(text, m.end()).end()
        yield text[a:b]
        pos = b  # the next token starts after this one: each character is scanned once


def _inline_text(text: str, found: list[LineEndHyphen]) -> str:
    """``text`` without the tokens that take part in line-end hyphens (they are the cases)."""
    parts, pos = [], 0
    for h in found:
        if h.token_start < pos:  # right token of the previous one ends in a hyphen itself
            continue
        parts.append(text[pos:h.token_start])
        parts.append(" ")
        pos = h.end
    parts.append(text[pos:])
    return "".join(parts)


@dataclass(frozen=True)
class Decision:
    """What to do with one line-end hyphen.

    ``label`` is ``join``, ``keep``, ``range``, ``dash`` or ``leave`` (not decided);
    ``result`` is the two tokens' text after the decision.
    """

    label: str
    result: str
    confidence: float
    rule: str
    evidence: dict[str, Any] = field(default_factory=dict)
    flag: bool = False

    @property
    def reason(self) -> str:
        return {"join": REASON_JOIN, "keep": REASON_KEEP, "range": REASON_RANGE}.get(self.label, self.label)


def _split_left(token: str) -> tuple[str, str, str]:
    """``(punctuation, head, last)`` of a left token without its final hyphen.

    >>> _split_left("“comrades-in")
    ('“', 'comrades-in', 'in')
    """
    m = LEADING_PUNCT.match(token)
    punct = m.group() if m else ""
    word = token[len(punct):]
    last = HYPHEN_SPLIT.split(word)[-1] if word else ""
    return punct, word, last


def _ratio_decision(j: int, h: int, ratio: float) -> str | None:
    """``join``/``keep`` when one count dominates the other, else None."""
    if j and j >= ratio * h:
        return "join"
    if h and h >= ratio * j:
        return "keep"
    return None


def decide(left_token: str, right_token: str, doc: DocEvidence | None = None, *,
           word_count: int = DEFAULTS["word_count"],
           rare_joined_count: int = DEFAULTS["rare_joined_count"],
           doc_ratio: float = DEFAULTS["doc_ratio"],
           prefix_closed_types: int = DEFAULTS["prefix_closed_types"],
           flag_below: float = DEFAULTS["flag_below"],
           use_wordfreq: bool = DEFAULTS["use_wordfreq"],
           hyphen: str = "-") -> Decision:
    """Decide one line-end hyphen between ``left_token`` (without its hyphen) and ``right_token``.

    >>> decide("biog", "raphy.").result
    'biography.'
    >>> decide("comrades-in", "arms").label
    'keep'
    >>> decide("1926", "1927,").result
    '1926-1927,'
    >>> decide("", "was").label
    'dash'
    """
    doc = doc or DocEvidence()
    punct, word, last = _split_left(left_token)
    m = ALNUM_RUN.match(right_token)
    right = m.group() if m else ""

    def made(label: str, conf: float, rule: str, flag: bool | None = None, **ev: Any) -> Decision:
        if label == "join":
            result = left_token + right_token
        elif label in ("keep", "range"):
            result = left_token + "-" + right_token
        elif label == "dash":
            result = left_token + " -" if left_token else "-"
            result += " " + right_token
        else:
            result = left_token + "-" + "\n" + right_token
        evidence = {"left": left_token + "-", "right": right_token, "rule": rule,
                    "confidence": round(conf, 3), **ev}
        return Decision(label, result, conf, rule, evidence,
                        flag if flag is not None else (label in ("join", "keep") and conf < flag_below))

    # 1. shape: dashes and numbers
    if not right:
        return made("leave", 0.0, "right side does not start with a letter or digit", flag=False)
    if hyphen == SOFT_HYPHEN and last and last[-1].isalnum():
        return made("join", 1.0, "explicit soft hyphen (U+00AD)")
    if DIGITS.search(last) and right[0].isdigit():
        return made("range", 0.95, "digits on both sides")
    if not last or not last[-1].isalnum() or not word:
        return made("dash", 0.95, "no word before the hyphen")
    if NUMBER.match(last) or right[0].isdigit():
        return made("keep", 0.9, "digits on one side (number compound)")
    # the word itself: "powers—”card" -> "card"
    last = TRAILING_WORD.search(last).group()

    lo_last, lo_right = _norm(last), _norm(right)
    joined = lo_last + lo_right
    if not (lo_last.isalpha() and lo_right.isalpha()):
        return made("keep", 0.6, "part is not alphabetic", flag=True)
    f_joined, f_left, f_right = (english_count(w, use_wordfreq) for w in (joined, lo_last, lo_right))
    f_pair = bigrams().get((lo_last, lo_right), 0)
    ev = {"joined": joined, "hyphenated": f"{lo_last}-{lo_right}"}

    # 2. the document itself, then the corpus
    j, h = doc.words.get(joined, 0), doc.pairs.get((lo_last, lo_right), 0)
    ev.update(doc_joined=j, doc_hyphenated=h)
    verdict = _ratio_decision(j, h, doc_ratio)
    if verdict:
        n_for, n_against = (j, h) if verdict == "join" else (h, j)
        conf = min(0.99, 0.75 + 0.08 * n_for - 0.1 * n_against)
        return made(verdict, conf, f"document writes the {'joined' if verdict == 'join' else 'hyphenated'} form", **ev)
    cj, ch = doc.corpus_counts(joined, f"{lo_last}-{lo_right}")
    if cj or ch:
        ev.update(corpus_joined=cj, corpus_hyphenated=ch)
        verdict = _ratio_decision(cj, ch, doc_ratio)
        if verdict:
            return made(verdict, 0.8, f"corpus writes the {'joined' if verdict == 'join' else 'hyphenated'} form", **ev)

    # 3. a capitalised right part is a compound (Brest-Litovsk, non-Russians), unless all caps
    if right[0].isupper() and not (last.isupper() and right.isupper() and len(right) > 1):
        return made("keep", 0.9, "capitalised right part", **ev)

    # typesetters never leave one letter at a line end or carry one over: X-ray, T-shirt
    if len(lo_last) == 1 or len(lo_right) == 1:
        return made("keep", 0.85, "one-letter part", **ev)

    # 4. the general frequency list
    ev.update(dict_joined=f_joined, dict_left=f_left, dict_right=f_right, dict_bigram=f_pair)
    both_words = (f_left >= word_count and f_right >= word_count
                  and len(lo_last) >= 2 and len(lo_right) >= 2)
    if lo_last in CLOSED_PREFIXES and f_right:
        return made("join", 0.9 if f_joined else 0.7, f"prefix {lo_last}- is written closed in English", **ev)
    if f_joined:
        if both_words and min(len(lo_last), len(lo_right)) >= 3 and f_pair > 2 * f_joined:
            return made("keep", 0.7, "the two words are commoner than the closed form", flag=True, **ev)
        if both_words and f_joined < rare_joined_count:
            return made("keep", 0.55, "closed form rare, both parts ordinary words", flag=True, **ev)
        conf = 0.8 if both_words else 0.95
        return made("join", conf, "joined form is a dictionary word", **ev)

    # 5. two known words (however rare) make a compound, unless the document closes
    # the left part as a prefix
    if f_left and f_right:
        closed = doc.closed_with_prefix(lo_last, word_count=word_count)
        hyph = doc.hyphenated_with_prefix(lo_last)
        ev.update(prefix_closed=closed[:5], prefix_closed_types=len(closed), prefix_hyphenated_types=hyph)
        if both_words and len(closed) >= prefix_closed_types and hyph == 0:
            return made("join", 0.7, "document writes this prefix closed", flag=True, **ev)
        return made("keep", 0.85 if len(lo_last) > 3 else 0.6, "both parts are words, joined form unknown", **ev)
    # 6. a part that is no word at all: an unknown word split in two, unless an
    # unknown name stands before an ordinary word (Jewin street)
    if f_right >= word_count and len(lo_right) >= 4:
        return made("keep", 0.5, "unknown left part before an ordinary word", flag=True, **ev)
    return made("join", 0.6, "unknown word split across the line", flag=True, **ev)


# --- the stage ----------------------------------------------------------------------

def run(text: str, ctx) -> StageResult:
    """Decide every line-end hyphen of ``text``; edits remove the break (and the hyphen if soft)."""
    opts = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    found = find_line_end_hyphens(text)
    if not found:
        return StageResult()
    resources = getattr(ctx, "resources", None) or {}
    doc = DocEvidence.from_inline(_inline_text(text, found), corpus=resources.get("token_counts"))
    options = {k: opts[k] for k in ("word_count", "rare_joined_count", "doc_ratio",
                                    "prefix_closed_types", "flag_below", "use_wordfreq")}
    edits: list[Edit] = []
    flags: list[Flag] = []
    stats: Counter = Counter()
    for h in found:
        if h.blank_lines > opts["max_blank_lines"]:
            stats["left_after_many_blank_lines"] += 1
            continue
        # Across blank lines only the document-independent evidence counts: the
        # document's counts change once this stage has joined other hyphens, and a
        # second run must not decide what the first one left alone.
        d = decide(h.token, h.right, None if h.blank_lines else doc, hyphen=h.hyphen_char, **options)
        if d.label in ("dash", "leave"):
            stats[d.label] += 1
            continue
        if h.blank_lines and not _crosses_blank_lines(d, h.right, opts):
            stats["left_before_blank_lines"] += 1
            flags.append(Flag(STAGE, h.token_start, h.end, text[h.token_start:h.end],
                              "hyphen before blank lines, left alone",
                              candidates=[{"text": d.result, "label": d.label}],
                              confidence=d.confidence))
            continue
        start = h.hyphen if d.label == "join" else h.hyphen + 1
        evidence = dict(d.evidence, blank_lines=h.blank_lines) if h.blank_lines else d.evidence
        edits.append(Edit.at(text, start, h.right_start, "", stage=STAGE, reason=d.reason,
                             confidence=d.confidence, evidence=evidence))
        stats[d.label] += 1
        if d.flag:
            stats["flagged"] += 1
            other = h.token + h.right if d.label != "join" else h.token + "-" + h.right
            flags.append(Flag(STAGE, h.token_start, h.end, text[h.token_start:h.end],
                              f"{d.reason}: weak evidence ({d.rule})",
                              candidates=[{"text": d.result, "label": d.label},
                                          {"text": other, "label": "keep" if d.label == "join" else "join"}],
                              confidence=d.confidence))
    return StageResult(edits=edits, flags=flags, stats=dict(sorted(stats.items())))


def _crosses_blank_lines(d: Decision, right_token: str, opts: Mapping[str, Any]) -> bool:
    """Whether to decide a hyphen whose parts are separated by blank lines.

    Only when the next part cannot start a paragraph (lowercase letter or digit)
    and the decision itself is not doubtful.
    """
    if not opts["across_blank_lines"] or d.flag:
        return False
    first = right_token[0]
    return first.islower() or (first.isdigit() and d.label == "range")
