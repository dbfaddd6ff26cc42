"""The corpus lexicon: word forms the corpus itself vouches for.

A form is *trusted* when it recurs in clean context (its neighbours are
ordinary words) and is not a cheap OCR misreading of a much more common word.
Trusted forms are never "corrected" (names, transliterations, rare words of
the field: Dzhugashvili, RTsKhIDNI, kulakization) and are candidates for
repairing their damaged variants (``Eeningrad`` -> ``Leningrad``). OCR errors
recur too (``ihe`` dozens of times in one damaged book): dominance by a
confusion neighbour (``the``) keeps them out.

Counts are quantised to powers of two so that editing one document slightly
usually leaves the lexicon, and its ``digest``, unchanged.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from functools import lru_cache
from itertools import compress, islice
from operator import and_, gt, or_
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from typing import Iterable

from cleaners.words.confusions import channel_cost, skeleton, token_skeletons
from cleaners.words.language import unigram_probs
from cleaners.words.tokens import SEPARATOR_BREAK_RE, WORD_RE, case_pattern

LEXICON_DEFAULTS = {
    "unigrams": "wordfreq-large",
    "trust_min_count": 2,  # clean-context occurrences a form needs to be trusted
    "known_prob": 1e-6,  # general-list probability above which a neighbour is an ordinary word
    "dominance_ratio": 8.0,  # a confusion neighbour this much more frequent marks a form as an error
    "learn_confusions": True,  # estimate this corpus's misreading rates from its damaged forms
    "confusion_min_count": 8,  # votes a misreading needs before its learned rate is used
    "corpus_bigrams": True,  # the corpus's own word pairs add to the general bigram counts
    "name_min_count": 2,  # mid-sentence capitalised occurrences that make an always-capitalised form a name
}

# what ends a sentence before a token (a capital after it says nothing about a name)
_SENTENCE_GAP_RE = re.compile(r"[.!?:;\"“”‘’'(\[—–-]\s*$|\n")
# the word pattern of :func:`tokenize`, captured, so ``split`` returns gaps and words alternately
_WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")


def quantise(n: int) -> int:
    """Largest power of two <= n (0 for 0).

    >>> [quantise(n) for n in (0, 1, 3, 4, 1000)]
    [0, 1, 2, 4, 512]
    """
    return 0 if n <= 0 else 1 << (n.bit_length() - 1)


@dataclass
class CorpusLexicon:
    """Trusted corpus forms with quantised counts; picklable."""

    counts: dict[str, int] = field(default_factory=dict)  # lowercase key -> quantised count
    surfaces: dict[str, str] = field(default_factory=dict)  # key -> spelling of always-capitalised forms
    total: int = 0  # quantised number of word tokens
    damage_rate: float = 0.0  # quantised share of tokens that are unknown, untrusted words
    confusions: dict[str, int] = field(default_factory=dict)  # "seen>meant" -> quantised votes
    bigrams: dict[str, int] = field(default_factory=dict)  # "a b" -> count in powers of 4 (>= 4)
    settings: dict = field(default_factory=dict)
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = self.compute_digest()

    def compute_digest(self) -> str:
        h = hashlib.sha256()
        h.update(repr(sorted(self.settings.items())).encode())
        h.update(str(self.total).encode())
        h.update(repr(self.damage_rate).encode())
        h.update(repr(sorted(self.confusions.items())).encode())
        for k in sorted(self.bigrams):
            h.update(f"{k}\t{self.bigrams[k]}\n".encode())
        for k in sorted(self.counts):
            h.update(f"{k}\t{self.counts[k]}\t{self.surfaces.get(k, k)}\n".encode())
        return h.hexdigest()[:16]

    def trusted(self, key: str) -> bool:
        return key in self.counts

    def prob(self, key: str) -> float:
        c = self.counts.get(key)
        if not c or not self.total:
            return 0.0
        return c / self.total

    def __len__(self) -> int:
        return len(self.counts)


def _settings(options: dict | None) -> dict:
    s = dict(LEXICON_DEFAULTS)
    for k in LEXICON_DEFAULTS:
        if options and k in options:
            s[k] = options[k]
    return s


def is_name(key: str, surface: str, lowercase_seen: set[str], midsentence_caps: Counter, *,
            min_count: int) -> bool:
    """Whether the corpus treats ``surface`` as a name: always capitalised, and
    capitalised at least ``min_count`` times inside a sentence, where a capital
    is a choice rather than a rule.

    >>> is_name("romain", "Romain", set(), Counter({"romain": 3}), min_count=2)
    True
    >>> is_name("remain", "Remain", {"remain"}, Counter({"remain": 3}), min_count=2)
    False
    """
    return (case_pattern(surface) == "title" and key not in lowercase_seen
            and midsentence_caps.get(key, 0) >= min_count)


def is_dominated(surface: str, count: int, raw_counts: Counter, probs: dict[str, float],
                 corpus_skeletons: dict[str, list[str]], general_skeletons: dict[str, tuple[str, ...]],
                 *, ratio: float, known_prob: float, names_only: bool = False,
                 lowercase_seen: set[str] | None = None) -> str | None:
    """The common word ``surface`` is probably a misreading of, if any.

    A word with the same confusion skeleton, cheap to misread as ``surface``,
    that is common in general (``ihe`` -> ``the``) or much more frequent in
    the corpus (``Eenin`` -> ``Lenin``).

    ``names_only``: ``surface`` is a name of this corpus, so only another name
    of the corpus (a form it never writes in lowercase) can dominate it: a
    name is not a misread common word (Romain is not Remain).
    """
    key = surface.lower()
    cands: set[str] = set()
    for sk in token_skeletons(surface):
        cands.update(general_skeletons.get(sk, ()))
        cands.update(corpus_skeletons.get(sk, ()))
    for k in sorted(cands):
        if k == key:
            continue
        if names_only and (k not in raw_counts or (lowercase_seen is not None and k in lowercase_seen)):
            continue
        p = probs.get(k, 0.0)
        rc = raw_counts.get(k, 0)
        common = p >= known_prob * 10  # a common word in general (ihe -> the)
        corpus_twin = rc >= ratio * count and (p >= known_prob or rc >= 10)  # Eenin -> Lenin
        # Eithuania: a form the general list has never seen, whose known twin the corpus uses too
        known_twin = p >= known_prob and rc >= count and probs.get(key, 0.0) == 0.0
        if not (common or corpus_twin or known_twin):
            continue
        meant = k if surface.islower() else k[:1].upper() + k[1:]
        cost = min(channel_cost(surface, meant), channel_cost(surface, k))
        # a recurring capitalised form is a name unless its twin is the corpus's own
        # or only the cheapest slip away (Romain is not Remain)
        limit = 1.6 if (surface.islower() or corpus_twin or known_twin) else 0.8
        if cost <= limit:
            return k
    return None


def build_corpus_lexicon(layout_texts: Iterable[tuple[str, str]], *, options: dict | None = None) -> CorpusLexicon:
    """Build the corpus lexicon from every document's layout output ``(doc_id, text)``.

    >>> lex = build_corpus_lexicon([("a", "Koba met Koba and Koba. Eenin saw Lenin, Lenin and Lenin.")])
    >>> lex.trusted("koba"), lex.trusted("eenin"), lex.trusted("lenin")
    (True, False, True)
    """
    s = _settings(options)
    merged = DocumentCounts()
    for _doc_id, text in layout_texts:
        merged.merge(document_counts(text, options=options))
    return lexicon_from_counts(merged, options=options)


@dataclass
class DocumentCounts:
    """The additive evidence one document gives the lexicon (picklable).

    Counting is per document, so it can run where the document is cleaned (a
    worker process) and only these counts travel to the corpus pass.
    """

    raw: Counter = field(default_factory=Counter)
    clean: Counter = field(default_factory=Counter)  # occurrences in clean context
    pairs: Counter = field(default_factory=Counter)
    surfaces: Counter = field(default_factory=Counter)  # (key, spelling) -> count
    midsentence_caps: Counter = field(default_factory=Counter)  # capitalised inside a sentence
    total: int = 0

    def merge(self, other: "DocumentCounts") -> None:
        self.raw.update(other.raw)
        self.clean.update(other.clean)
        self.pairs.update(other.pairs)
        self.surfaces.update(other.surfaces)
        self.midsentence_caps.update(other.midsentence_caps)
        self.total += other.total


def document_counts(text: str, *, options: dict | None = None) -> DocumentCounts:
    """Count one document's word forms, clean-context occurrences and word pairs."""
    s = _settings(options)
    return count_into(DocumentCounts(), text, unigrams=s["unigrams"], known_prob=s["known_prob"])


def count_into(out: DocumentCounts, text: str, *, unigrams: str, known_prob: float) -> DocumentCounts:
    """Add one document's counts to ``out`` (and return it).

    Same counts, in the same insertion order, as walking :func:`tokenize`'s
    tokens one by one, but without per-token Python: one regex split gives
    the words and the gaps between them, every per-token fact is a lookup of
    a per-distinct-word (or per-distinct-gap) fact through ``map``, and the
    counters are fed by ``compress`` over boolean masks (all C loops).

    >>> c = count_into(DocumentCounts(), "Ihe cat sat. Koba sat", unigrams="wordfreq-large", known_prob=1e-6)
    >>> c.total, c.raw["sat"], c.clean["sat"], c.pairs[("cat", "sat")], c.midsentence_caps["koba"]
    (5, 2, 2, 1, 0)
    """
    parts = _WORD_SPLIT_RE.split(text)  # gap, word, gap, word, ..., tail
    words = parts[1::2]
    n = len(words)
    out.total += n
    if not n:
        return out
    gaps = parts[0:-1:2]  # the text before each word
    per_word = Counter(words)
    keys_of, ordinary_of, pair_left_of = {}, {}, {}
    countable: dict[str, str] = {}  # surface -> key, for the forms the lexicon keeps
    titles: set[str] = set()
    raw, surfaces = out.raw, out.surfaces
    for w, c in per_word.items():
        key, is_countable, ordinary, title = _surface_facts(w, unigrams, known_prob)
        keys_of[w] = key
        ordinary_of[w] = ordinary
        pair_left_of[w] = ordinary and is_countable
        raw[key] += c
        if is_countable:
            countable[w] = key
            surfaces[(key, w)] += c
            if title:
                titles.add(w)
    distinct_gaps = set(gaps)
    breaks_of = {g: _gap_breaks(g) for g in distinct_gaps}
    inside_sentence_of = {g: _gap_inside_sentence(g) for g in distinct_gaps}
    breaks = list(map(breaks_of.__getitem__, gaps))
    breaks[0] = True  # the first word has nothing before it
    ordinary = list(map(ordinary_of.__getitem__, words))
    keys = list(map(keys_of.__getitem__, words))
    # clean context: each side is a break or an ordinary neighbour (the text's ends count as breaks)
    next_breaks = islice(breaks, 1, None)
    left_ok = [True, *map(or_, next_breaks, ordinary)]
    right_ok = [*map(or_, islice(breaks, 1, None), islice(ordinary, 1, None)), True]
    _fold(out.clean, Counter(compress(words, map(and_, left_ok, right_ok))), countable)
    # capitalised after a gap that does not end a sentence
    after_inner_gap = Counter(compress(islice(words, 1, None), map(inside_sentence_of.__getitem__, islice(gaps, 1, None))))
    _fold(out.midsentence_caps, after_inner_gap, {w: countable[w] for w in titles if w in after_inner_gap})
    # a pair: a countable ordinary word, then an ordinary word with only spaces between
    joined_ordinary = map(gt, islice(ordinary, 1, None), islice(breaks, 1, None))
    pair_mask = map(and_, map(pair_left_of.__getitem__, words), joined_ordinary)
    out.pairs.update(compress(zip(keys, islice(keys, 1, None)), pair_mask))
    return out


def _fold(into: Counter, surface_counts: Counter, key_of: dict[str, str]) -> None:
    """Add per-surface counts to ``into`` by key, for the surfaces in ``key_of`` (in first-seen order)."""
    for w, c in surface_counts.items():
        key = key_of.get(w)
        if key is not None:
            into[key] += c


@lru_cache(maxsize=400_000)
def _surface_facts(w: str, unigrams: str, known_prob: float) -> tuple[str, bool, bool, bool]:
    """(key, counted by the lexicon, ordinary neighbour, title case) of one word form."""
    key = w.lower().replace("’", "'")
    ordinary = unigram_probs(unigrams).get(key, 0.0) >= known_prob or w[:1].isupper()
    return key, w.isalpha() or "'" in key, ordinary, case_pattern(w) == "title"


def _gap_breaks(gap: str) -> bool:
    """Whether the text between two words breaks their context (anything but spaces, or a newline)."""
    return gap != " " and ("\n" in gap or bool(SEPARATOR_BREAK_RE.search(gap)))


def _gap_inside_sentence(gap: str) -> bool:
    """Whether a capital after this gap is a choice (the gap does not end a sentence or line)."""
    return not _SENTENCE_GAP_RE.search(gap)


def lexicon_from_counts(counts: DocumentCounts, *, options: dict | None = None) -> CorpusLexicon:
    """The corpus lexicon from the merged per-document counts (the corpus-level decisions)."""
    s = _settings(options)
    probs = unigram_probs(s["unigrams"])
    known_prob = s["known_prob"]
    raw_counts, clean_counts, pair_counts = counts.raw, counts.clean, counts.pairs
    surface_counts, midsentence_caps, total = counts.surfaces, counts.midsentence_caps, counts.total
    best_surface: dict[str, tuple[int, str]] = {}
    lowercase_seen: set[str] = set()
    for (k, surf), c in surface_counts.items():
        if surf[:1].islower():
            lowercase_seen.add(k)
        cur = best_surface.get(k)
        if cur is None or (c, surf) > cur:
            best_surface[k] = (c, surf)
    from cleaners.words.scoring import skeleton_index

    general_skeletons = skeleton_index(s["unigrams"], 1e-8)
    corpus_skeletons: dict[str, list[str]] = {}
    for k in raw_counts:
        if k.replace("'", "").isalpha():
            corpus_skeletons.setdefault(skeleton(k), []).append(k)
    counts: dict[str, int] = {}
    surfaces: dict[str, str] = {}
    for k, c in clean_counts.items():
        if c < s["trust_min_count"]:
            continue
        surf = best_surface[k][1]
        if probs.get(k, 0.0) < known_prob and case_pattern(surf) != "upper":
            name = is_name(k, surf, lowercase_seen, midsentence_caps, min_count=s["name_min_count"])
            twin = is_dominated(surf, raw_counts[k], raw_counts, probs, corpus_skeletons,
                                general_skeletons, ratio=s["dominance_ratio"], known_prob=known_prob,
                                names_only=name, lowercase_seen=lowercase_seen)
            if twin:
                continue
        counts[k] = quantise(raw_counts[k])
        if surf != k and k not in lowercase_seen:  # always capitalised: a name
            surfaces[k] = surf
    unknown = sum(c for k, c in raw_counts.items()
                  if k not in counts and probs.get(k, 0.0) < known_prob and k.replace("'", "").isalpha())
    confusions = learn_confusions(surface_counts, counts, raw_counts, probs, corpus_skeletons,
                                  general_skeletons, s) if s["learn_confusions"] else {}
    bigrams = {f"{a} {b}": quantise4(c) for (a, b), c in pair_counts.items()
               if c >= 4 and a in counts and b in counts} if s["corpus_bigrams"] else {}
    return CorpusLexicon(counts=counts, surfaces=surfaces, total=quantise(total),
                         damage_rate=quantise_rate(unknown / total if total else 0.0),
                         confusions=confusions, bigrams=bigrams, settings=s)


def quantise4(n: int) -> int:
    """Largest power of four <= n (coarse, so the digest rarely moves).

    >>> [quantise4(n) for n in (4, 15, 16, 100)]
    [4, 4, 16, 64]
    """
    q = 1
    while q * 4 <= n:
        q *= 4
    return q


def char_ops(seen: str, meant: str) -> list[tuple[str, str]]:
    """The differing stretches of two spellings, as (seen, meant) pairs.

    >>> char_ops("lhal", "that")
    [('l', 't'), ('l', 't')]
    """
    if len(seen) == len(meant):
        return [(a, b) for a, b in zip(seen, meant) if a != b]
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, seen, meant, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((seen[i1:i2], meant[j1:j2]))
    return out


def learn_confusions(surface_counts: Counter, trusted: dict, raw_counts: Counter, probs: dict,
                     corpus_skeletons, general_skeletons, s: dict) -> dict[str, int]:
    """How often each misreading explains this corpus's damaged forms (TICCL's idea).

    Every unknown, untrusted form that a confusion twin dominates (``lhal`` ->
    ``that``) votes, with its number of occurrences, for the misreadings that
    turn the twin into it. Returns ``"seen>meant"`` -> quantised count.
    """
    votes: Counter = Counter()
    for (k, surf), c in surface_counts.items():
        if k in trusted or probs.get(k, 0.0) >= s["known_prob"] or case_pattern(surf) in ("upper", "mixed"):
            continue
        twin = is_dominated(surf, raw_counts[k], raw_counts, probs, corpus_skeletons, general_skeletons,
                            ratio=s["dominance_ratio"], known_prob=s["known_prob"])
        if twin is None:
            continue
        meant = twin if surf.islower() else twin[:1].upper() + twin[1:]
        ops = char_ops(surf, meant)
        if len(ops) > 2:
            continue
        for a, b in ops:
            if 0 < len(a) <= 2 and len(b) <= 2 and a.lower() != b.lower():
                votes[f"{a}>{b}"] += c
    return {pair: quantise(n) for pair, n in sorted(votes.items()) if n >= s["confusion_min_count"]}


def quantise_rate(rate: float) -> float:
    """A rate rounded to half powers of two (so small corpus edits rarely change it).

    >>> quantise_rate(0.1), quantise_rate(0.0)
    (0.0884, 0.0)
    """
    if rate <= 0:
        return 0.0
    return round(2 ** (round(math.log2(rate) * 2) / 2), 4)


def empty_lexicon() -> CorpusLexicon:
    return CorpusLexicon(settings=_settings(None))
