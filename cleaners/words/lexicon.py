"""The corpus lexicon: word forms the corpus itself vouches for.

A form is *trusted* when it recurs in clean context (its neighbours are
ordinary words) and is not a cheap OCR misreading of a much more common word.
Trusted forms are never "corrected" (names, transliterations, rare words of
the field: Dzhugashvili, RTsKhIDNI, kulakization) and are candidates for
repairing their damaged variants (``Eiverpool`` -> ``Liverpool``). OCR errors
recur too (``tbe`` dozens of times in one damaged book): dominance by a
confusion neighbour (``the``) keeps them out, and so does a frequent name of the
corpus one edit away when the corpus's damage explains the form's count
(``Tuesda`` beside ``Tuesday``: :func:`damaged_name_copies`).

Words the corpus capitalises inside sentences often without being its names
(``Court``, ``Hospital`` in police reports) are kept as ``titled`` words
(:func:`titled_words`): a damaged capitalised form may be a copy of them.

Counts are quantised to powers of two so that editing one document slightly
usually leaves the lexicon, and its ``digest``, unchanged.
"""

from __future__ import annotations

import hashlib
import math
import re
import zlib
from collections import Counter
from itertools import compress, repeat
from operator import contains, gt, itemgetter, le, or_
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator

import numpy as np

from cleaners.words.confusions import (_CAPITAL_ALTERNATIVES, _CLASS_OF, _GROUP_FOLDS, LENGTH_CHANGING,
                                       GENERIC_COST, LIGATURES, LOST_LETTER_COST, channel_cost, sub_cost,
                                       ligature_free_length_skeletons, skeleton, token_skeletons)
from cleaners.words.language import unigram_probs
from cleaners.words.tokens import SEPARATOR_BREAK_RE, WORD_RE, case_pattern, normalise_key

LEXICON_DEFAULTS = {
    "unigrams": "wordfreq-large",
    "trust_min_count": 2,  # clean-context occurrences a form needs to be trusted
    "known_prob": 1e-6,  # general-list probability above which a neighbour is an ordinary word
    "dominance_ratio": 8.0,  # a confusion neighbour this much more frequent marks a form as an error
    "learn_confusions": True,  # estimate this corpus's misreading rates from its damaged forms
    "confusion_min_count": 8,  # votes a misreading needs before its learned rate is used
    "corpus_bigrams": True,  # the corpus's own word pairs add to the general bigram counts
    "name_min_count": 2,  # mid-sentence capitalised occurrences that make an always-capitalised form a name
    # recurring slips: an unknown lowercase form one cheap slip from a common word is not trusted
    # on recurrence alone when the corpus's damage explains its count (see recurring_slip_twin)
    "slip_untrust": True,
    "slip_twin_min_prob": 1e-5,  # general probability a slip twin needs (a common word)
    "slip_repeat_log": 2.8,  # log10 of how much more often one engine repeats a slip than chance
    # ... and this much more (log10) when the slip is a glyph the corpus loses by habit (lost_glyph_costs):
    # a book printed with a long s or ligatures its engine cannot read loses them everywhere
    # (undertanding, preerve, eldom); 0 switches it off
    "slip_habit_repeat_log": 0.8,
    # ... and a twin rarer than slip_twin_min_prob (down to a hundredth of it) counts too when the
    # slip is one of the cheapest an engine makes (channel cost at most this: h for b, l for t,
    # ohjected/objected): the damage must still explain the form's count; 0 switches it off
    "slip_cheap_twin_cost": 0.7,
    # a recurring capitalised form no list knows, one edit from a name the corpus writes far more
    # often, that the corpus's damage explains is not trusted (Tuesda beside Tuesday; see damaged_name_copies)
    "name_copies_untrust": True,
    # ... and so is one a recurring cheapest slip (slip_cheap_twin_cost: Varhins beside Varbins)
    # of a name the corpus writes more often, where its damage, with the engine's repeats
    # (slip_repeat_log), explains the form's count; off with False
    "name_cheap_slips": True,
    # a recurring form no list knows as a word that is two words the corpus writes apart far more
    # often (prisonerwas: "prisoner was") is not trusted (see glued_pairs); off with False
    "glue_untrust": True,
    # words the corpus capitalises inside sentences at least this often (Court, Hospital) may be
    # the reading of a damaged capitalised form, like its names (see titled_words); 0: none
    "titled_min_count": 8,
    # a text whose extraction lost its ligature glyphs (fi, fl, ff, ffi, ffl) writes the gaps of
    # common words as forms of its own (rst, nd, oor, condence): where the corpus drops a ligature
    # by habit (lost_glyph_costs), a lowercase form rarer than ligature_gap_max_prob in the general
    # list whose lost ligature put back makes a word ligature_gap_ratio times as common (and at
    # least ligature_twin_min_prob) is no word of the corpus: not trusted, and read as a non-word
    # by the words stage (see ligature_gap_twin); off with False
    "ligature_drops": True,
    "ligature_gap_max_prob": 1e-5,
    "ligature_gap_ratio": 20.0,
    "ligature_twin_min_prob": 1e-6,
}

_CAPITAL_ALTERNATIVE_CHARS = frozenset(_CAPITAL_ALTERNATIVES)
BIGRAM_MIN_COUNT = 4  # occurrences a word pair needs to become a corpus bigram

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
    lost_glyphs: dict[str, float] = field(default_factory=dict)  # glyph dropped by habit -> learned channel cost
    glyph_habits: dict[str, float] = field(default_factory=dict)  # "seen>meant" split glyph -> learned cost
    # trusted keys the corpus capitalises inside sentences far more often than it writes
    # them in lowercase (London, with one stray "london") -> their capitalised spelling
    capitalised: dict[str, str] = field(default_factory=dict)
    # capitalised forms no list knows and the corpus does not trust, written more than
    # once -> quantised count (a form absent here was written once at most)
    repeats: dict[str, int] = field(default_factory=dict)
    # trusted words, neither names nor mostly capitalised, that the corpus capitalises inside
    # sentences often (Court, Hospital in police reports) -> quantised count of those uses
    titled: dict[str, int] = field(default_factory=dict)
    # capitalised hyphenated compounds (All-Union, Verkhne-Uralsk), spelled as the corpus
    # spells them most often -> quantised count of the key (see capitalised_compounds)
    compounds: dict[str, int] = field(default_factory=dict)
    # capitalised forms no list knows, written exactly once, at least ONCE_MIN_LEN letters
    # long: the corpus's evidence that a name split by a stray space is one word (see once_written)
    written_once: frozenset = field(default_factory=frozenset)
    # numbers of three or four digits written at least trust_min_count times -> quantised
    # count: the corpus's evidence for a number split after a letter read for a digit (l 907)
    numbers: dict[str, int] = field(default_factory=dict)
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
        if self.lost_glyphs:  # (absent from older lexicons' digests)
            h.update(repr(sorted(self.lost_glyphs.items())).encode())
        if self.glyph_habits:  # (absent from older lexicons' digests)
            h.update(b"glyph-habits" + repr(sorted(self.glyph_habits.items())).encode())
        if self.capitalised or self.repeats:
            h.update(repr((sorted(self.capitalised.items()), sorted(self.repeats.items()))).encode())
        if self.titled:  # (absent from older lexicons' digests)
            h.update(b"titled" + repr(sorted(self.titled.items())).encode())
        if self.compounds or self.written_once:  # (absent from older lexicons' digests)
            h.update(b"compounds" + repr((sorted(self.compounds.items()), sorted(self.written_once))).encode())
        if self.numbers:  # (absent from older lexicons' digests)
            h.update(b"numbers" + repr(sorted(self.numbers.items())).encode())
        # one update of the joined lines hashes the same bytes as one update per line
        bigrams, counts, surfaces = self.bigrams, self.counts, self.surfaces
        h.update("".join([f"{k}\t{bigrams[k]}\n" for k in sorted(bigrams)]).encode())
        h.update("".join([f"{k}\t{counts[k]}\t{surfaces.get(k, k)}\n" for k in sorted(counts)]).encode())
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

    def name_spelling(self, key: str) -> str | None:
        """The corpus's capitalised spelling of ``key`` if it is one of its names: always
        capitalised (``surfaces``) or capitalised inside sentences far more often than
        written in lowercase (``capitalised``)."""
        out = self.surfaces.get(key)
        return out if out is not None else self.capitalised.get(key)

    def title_count(self, key: str) -> int:
        """How often the corpus writes ``key`` capitalised, as far as it records it: the
        (quantised) count of a name, the capitalised uses inside sentences of a titled word
        (``titled``), 0 for any other form."""
        if key in self.surfaces or key in self.capitalised:
            return self.counts.get(key, 0)
        return self.titled.get(key, 0)

    def form_count(self, key: str) -> int:
        """Quantised occurrences of an untrusted capitalised form (1: once at most)."""
        return self.repeats.get(key, 1)


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
                 lowercase_seen: set[str] | None = None, skeleton_set: set[str] | None = None) -> str | None:
    """The common word ``surface`` is probably a misreading of, if any.

    A word with the same confusion skeleton, cheap to misread as ``surface``,
    that is common in general (``tbe`` -> ``the``) or much more frequent in
    the corpus (``Eiverpool`` -> ``Liverpool``).

    ``names_only``: ``surface`` is a name of this corpus, so only another name
    of the corpus (a form it never writes in lowercase) can dominate it: a
    name is not a misread common word (Romain is not Remain).
    ``skeleton_set``: ``token_skeletons(surface)``, if already computed.
    """
    key = surface.lower()
    cands: set[str] = set()
    for sk in token_skeletons(surface) if skeleton_set is None else skeleton_set:
        cands.update(general_skeletons.get(sk, ()))
        cands.update(corpus_skeletons.get(sk, ()))
    for k in sorted(cands):
        if k == key:
            continue
        if names_only and (k not in raw_counts or (lowercase_seen is not None and k in lowercase_seen)):
            continue
        p = probs.get(k, 0.0)
        rc = raw_counts.get(k, 0)
        common = p >= known_prob * 10  # a common word in general (tbe -> the)
        corpus_twin = rc >= ratio * count and (p >= known_prob or rc >= 10)  # Eiverpool -> Liverpool
        # Eisbon (Lisbon): a form the general list has never seen, whose known twin the corpus uses too
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
    if surface.islower() and not names_only and probs.get(key, 0.0) == 0.0:
        return _slip_twin(surface, count, raw_counts, probs, ratio=ratio, known_prob=known_prob)
    return None


SLIP_MAX_LEN = 40  # longer forms are never one slip of a common word
CHEAP_HABIT_COST = 0.5  # a glyph lost this cheaply (a ligature the engine never reads) explains rarer twins too


def _slip_twin(surface: str, count: int, raw_counts: Counter, probs: dict[str, float], *,
               ratio: float, known_prob: float) -> str | None:
    """A common word, far more frequent in the corpus, that the lowercase ``surface``
    (a form the general list has never seen) is one length-changing slip of: a letter printed that was not meant (``thle``,
    ``himn``) or a glyph read as two (``wvas``, ``liad``). Such slips change the
    skeleton, so :func:`is_dominated`'s skeleton lookup cannot find the twin.

    >>> _slip_twin("thle", 16, Counter({"the": 4096, "thle": 16}), {"the": 0.05}, ratio=8, known_prob=1e-6)
    'the'
    >>> _slip_twin("behests", 4, Counter({"behest": 64}), {"behest": 1e-4}, ratio=8, known_prob=1e-6) is None
    True
    """
    if len(surface) > SLIP_MAX_LEN:  # no common word is that long; the loops below are quadratic
        return None

    def dominant(w: str) -> bool:
        return probs.get(w, 0.0) >= known_prob * 100 and raw_counts.get(w, 0) >= ratio * count

    for seen, meant in LENGTH_CHANGING:
        start = surface.find(seen)
        while start != -1:
            w = surface[:start] + meant + surface[start + len(seen):]
            if dominant(w) and channel_cost(surface, w) <= 1.6:
                return w
            start = surface.find(seen, start + 1)
    if len(surface) < 4:
        return None
    for i in range(len(surface)):
        w = surface[:i] + surface[i + 1:]
        # an unknown inflection of a known word is a word (behests), not a slip
        if i == len(surface) - 1 and surface[-1] in "sd":
            continue
        if dominant(w):
            return w
    return None


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LIGATURE_COST = dict(LIGATURES)
LOST_GLYPHS = tuple(_LETTERS) + tuple(_LIGATURE_COST)  # what a print or an extraction can drop
HABIT_EXCESS = 2.5  # a glyph lost this many times over its share of the text is a habit of the corpus
HABIT_MIN_FORMS = 8  # distinct damaged forms that must show a habit
HABIT_MIN_COST = 0.3  # the cheapest a learned lost glyph gets


def lost_glyph_costs(unknown: Iterable[tuple[str, int]], known: Iterable[tuple[str, int]],
                     probs: dict[str, float], *, min_prob: float, unigrams: str) -> dict[str, float]:
    """The glyphs this corpus habitually drops (a long s, a ligature), with their learned cost.

    Each unknown lowercase form ``(key, count)`` that one dropped glyph (a letter,
    not doubling a neighbour, or a ligature ``fi fl ff ffi ffl``) put back inside
    the word turns into a common word (at least ``min_prob``) votes once for that
    glyph (a lost first or last glyph is as often a fragment or an ending). A glyph
    with at least ``HABIT_MIN_FORMS`` votes whose share of the votes (a letter's:
    among the lost letters) is ``HABIT_EXCESS`` times its share of the letters of
    the corpus's ``known`` words, even two Poisson deviations below its votes, is
    dropped by habit, not by chance: its channel cost (a lost letter's or
    ligature's) falls by log10 of that excess. Every corpus loses letters at
    random; only a habit stands out (a book whose damaged forms want an ``s`` put
    back three times as often as ``s`` is printed: a lost long s).

    >>> unknown = [(w, 1) for w in ("reaon", "preent", "purpoe", "themelves", "ociety",
    ...            "conider", "poible", "pleaure", "whiper", "beides", "houe", "lift")]
    >>> known = [("the", 50), ("reason", 3), ("word", 40), ("man", 30), ("into", 20)]
    >>> costs = lost_glyph_costs(unknown, known, {w + "s": 1e-4 for w in ("lift",)} | {
    ...     "reason": 2e-4, "present": 2e-4, "purpose": 1e-4, "themselves": 1e-4, "society": 1e-4,
    ...     "consider": 1e-4, "possible": 2e-4, "pleasure": 1e-4, "whisper": 1e-5, "besides": 1e-4,
    ...     "house": 3e-4}, min_prob=1e-5, unigrams="wordfreq-large")
    >>> sorted(costs)
    ['s']
    """
    from cleaners.words.scoring import delete_index

    deletes = delete_index(unigrams, 1e-7)  # the repair's generic index (one cached copy)
    ligature_gaps = _ligature_gaps(unigrams, min_prob)
    votes: Counter = Counter()
    for key, _count in unknown:
        voted: set[str] = set()
        for w in deletes.get(key):
            if len(w) == len(key) + 1 and probs.get(w, 0.0) >= min_prob:
                i = next((i for i, (a, b) in enumerate(zip(key, w)) if a != b), len(key))
                # inside the word, and not a doubled letter printed once
                if 0 < i < len(key) and w[i] != w[i - 1] and w[i] != key[i]:
                    voted.add(w[i])
        voted.update(ligature_gaps.get(key, ()))
        votes.update(voted)
    letter_votes = sum(votes[c] for c in _LETTERS)
    total_votes = sum(votes.values())
    if not total_votes:
        return {}
    glyphs = _glyph_counts(known)
    letters = sum(glyphs[c] for c in _LETTERS)
    out: dict[str, float] = {}
    for g in sorted(votes):
        if votes[g] < HABIT_MIN_FORMS or not glyphs.get(g):
            continue
        # a letter's share among the lost letters; a ligature's among all votes (it is
        # rare in print, so any real share of the votes is a habit)
        expected = (letter_votes if g in _LETTERS else total_votes) * glyphs[g] / letters
        excess = votes[g] / expected
        # a few votes can exceed a tiny expectation by chance: the excess must hold at
        # two Poisson standard deviations below the votes
        if (votes[g] - 2 * math.sqrt(votes[g])) / expected >= HABIT_EXCESS:
            base = _LIGATURE_COST.get(g, LOST_LETTER_COST)
            # in whole tenths, so that a small edit of the corpus rarely changes it (or the digest)
            out[g] = max(HABIT_MIN_COST, math.floor((base - math.log10(excess)) * 10) / 10)
    return out


GLYPH_HABIT_MAX_SEEN = 3  # letters a split or merged glyph can be printed as (``iii`` for ``m``)
GLYPH_HABIT_MAX_MEANT = 2  # letters it can stand for (``ii`` for ``he``? no: ``h``; ``rn`` for ``m``)


def _replacement_key(head: str, tail: str) -> str:
    return head + "\0" + tail


class _ReplacementIndex(dict):
    """``head\\0tail`` -> the stretches cut there (see :func:`_replacement_index`), and
    ``heads``: every head it holds. Heads are prefixes of the words, so they are
    prefix-closed: once a form's first ``i`` letters are no head, no longer start of it
    is one, and :func:`_replacement_votes` stops looking up that form's later cuts."""

    heads: frozenset = frozenset()


@lru_cache(maxsize=2)
def _replacement_index(unigrams: str, min_prob: float) -> _ReplacementIndex:
    """The general list's alphabetic words of at least ``min_prob`` with one stretch of
    1-``GLYPH_HABIT_MAX_MEANT`` letters cut out -> the stretches cut (``t\\0en`` -> ``h``
    from ``then``): once per process.

    >>> index = _replacement_index("wordfreq-large", 1e-5)
    >>> "h" in index[_replacement_key("t", "en")], "t" in index.heads, "xq" in index.heads
    (True, True, False)
    """
    tmp: dict[str, set[str]] = {}
    for w, p in unigram_probs(unigrams).items():
        if p < min_prob or len(w) < 3 or not w.isalpha():
            continue
        for n in range(1, GLYPH_HABIT_MAX_MEANT + 1):
            for i in range(len(w) - n + 1):
                tmp.setdefault(_replacement_key(w[:i], w[i + n:]), set()).add(w[i:i + n])
    out = _ReplacementIndex((k, tuple(sorted(v))) for k, v in tmp.items())
    out.heads = frozenset(k[:k.index("\0")] for k in out)
    return out


def glyph_habit_costs(unknown: Iterable[str], known: Iterable[str], probs: dict[str, float], *,
                      min_prob: float, unigrams: str) -> dict[str, float]:
    """The split or merged glyphs this corpus misreads by habit (``ii`` for ``h``, ``jj``
    for ``p``), as ``"seen>meant"`` -> learned channel cost.

    Each ``unknown`` lowercase form that one stretch of its letters replaced
    (``seen``: 1-3 letters, ``meant``: 1-2 letters, not one letter for one) turns into
    a common word (at least ``min_prob``) votes once for each such ``(seen, meant)``
    (:func:`_replacement_votes`). Words are near each other by chance too (``ing``
    for ``e``: ``making``, ``make``): the ``known`` forms of the corpus, words of the
    general list, vote the same way, and give each pair's chance rate. A pair with at
    least ``HABIT_MIN_FORMS`` votes whose rate among the unknown forms is
    ``HABIT_EXCESS`` times its chance rate, even two Poisson deviations below its
    votes, is a habit of the corpus: its channel cost (the general model's, at most
    ``GENERIC_COST``) falls by log10 of that excess. Only pairs the general channel
    model lacks are learned here (its own, ``rn`` for ``m``, by :func:`learn_confusions`). A clean corpus has too few
    damaged forms for any pair to stand out.

    >>> unknown = ["tiien", "witii", "migiit", "tiiey", "wiiich", "tiiere", "otiier", "tiiat",
    ...            "wiiat", "tiiis", "briglit", "makin", "takin"]
    >>> known = ["the", "then", "with", "might", "making", "make", "taking", "take", "they", "what",
    ...          "which", "there", "other", "that", "this", "bright", "house", "into", "from", "word"]
    >>> costs = glyph_habit_costs(unknown, known, unigram_probs("wordfreq-large"), min_prob=1e-5,
    ...                           unigrams="wordfreq-large")
    >>> sorted(costs)
    ['ii>h']
    """
    index = _replacement_index(unigrams, min_prob)
    unknown, known = list(unknown), list(known)
    votes = _replacement_votes(unknown, probs, index, min_prob)
    n_unknown, n_known = len(unknown), max(1, len(known))
    # the pairs that could pass even if no known form showed them (the least chance rate):
    # only their chance rates are counted, and a clean corpus, with none, counts nothing
    floor = n_unknown / n_known
    hopeful = {pair for pair, v in votes.items()
               if v >= HABIT_MIN_FORMS and sub_cost(*pair) >= GENERIC_COST
               and (v - 2 * math.sqrt(v)) / floor >= HABIT_EXCESS}
    if not hopeful:
        return {}
    chance = _replacement_votes(known, probs, index, min_prob, only=hopeful)
    out: dict[str, float] = {}
    for (seen, meant), v in sorted(votes.items()):
        if (seen, meant) not in hopeful:
            continue
        # (one pseudo-vote: a pair no known form shows is still possible by chance)
        expected = n_unknown * (chance.get((seen, meant), 0) + 1) / n_known
        # only what the general channel model lacks: its own confusions (rn, m) are
        # learned by :func:`learn_confusions`
        if sub_cost(seen, meant) < GENERIC_COST or (v - 2 * math.sqrt(v)) / expected < HABIT_EXCESS:
            continue
        base = min(channel_cost(seen, meant), GENERIC_COST)
        cost = max(HABIT_MIN_COST, math.floor((base - math.log10(v / expected)) * 10) / 10)
        if cost < base:
            out[f"{seen}>{meant}"] = cost
    return out


def _replacement_votes(forms: list[str], probs: dict[str, float], index: _ReplacementIndex,
                       min_prob: float, *, only: set[tuple[str, str]] | None = None) -> Counter:
    """For each ``(seen, meant)`` (not one letter for one, differing at both ends), the
    number of ``forms`` that become another word of at least ``min_prob`` with one
    ``seen`` replaced by ``meant`` (``only``: just these pairs).

    >>> index = _replacement_index("wordfreq-large", 1e-5)
    >>> _replacement_votes(["tiien"], unigram_probs("wordfreq-large"), index, 1e-5)[("ii", "h")]
    1
    """
    votes: Counter = Counter()
    get, heads = index.get, index.heads
    for key in forms:
        voted: set[tuple[str, str]] = set()
        n = len(key)
        for i in range(n - 1):  # (a cut needs a letter after it: see below)
            head = key[:i]
            if head not in heads:  # (nor is any longer start of the form: heads are prefix-closed)
                break
            lead = head + "\0"  # (_replacement_key's, built once per head)
            # not the last letters: an ending replaced is as often another inflection (ed, s)
            for ls in range(1, min(GLYPH_HABIT_MAX_SEEN, n - i - 1) + 1):
                tail = key[i + ls:]
                meants = get(lead + tail)
                if not meants:
                    continue
                seen = key[i:i + ls]
                for meant in meants:
                    if (ls == 1 and len(meant) == 1) or seen[0] == meant[0] or seen[-1] == meant[-1]:
                        continue
                    if only is not None and (seen, meant) not in only:
                        continue
                    if probs.get(head + meant + tail, 0.0) >= min_prob:
                        voted.add((seen, meant))
        votes.update(voted)
    return votes

@lru_cache(maxsize=2)
def _ligature_gaps(unigrams: str, min_prob: float) -> dict[str, tuple[str, ...]]:
    """The general list's words of at least ``min_prob`` with one ligature's letters taken
    out inside the word -> those ligatures (``condence`` -> ``fi``): once per process.

    >>> _ligature_gaps("wordfreq-large", 1e-5)["condence"]
    ('fi',)
    """
    probs = unigram_probs(unigrams)
    tmp: dict[str, set[str]] = {}
    for w, p in probs.items():
        if p < min_prob or "f" not in w:
            continue
        for lig in _LIGATURE_COST:
            i = w.find(lig, 1)
            while i != -1 and i + len(lig) < len(w):
                tmp.setdefault(w[:i] + w[i + len(lig):], set()).add(lig)
                i = w.find(lig, i + 1)
    return {k: tuple(sorted(v)) for k, v in tmp.items()}


def _glyph_counts(known: Iterable[tuple[str, int]]) -> Counter:
    """Occurrences of each letter a-z and each ligature's letters in words ``(key, count)``.

    >>> c = _glyph_counts([("fifty", 2), ("off", 1)])
    >>> c["f"], c["fi"], c["ff"], c["y"]
    (6, 2, 1, 2)
    """
    keys, counts = [], []
    for key, count in known:
        keys.append(key)
        counts.append(count)
    out: Counter = Counter()
    if not keys:
        return out
    # one bincount over the joined keys, each letter weighted by its word's count
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32)
    weights = np.repeat(np.array(counts, dtype=np.float64), [len(k) for k in keys])
    letters = codes - ord("a")
    inside = letters < 26  # (unsigned: below "a" wraps round)
    per_letter = np.bincount(letters[inside].astype(np.int64), weights[inside], minlength=26)
    out.update({c: int(n) for c, n in zip(_LETTERS, per_letter.tolist()) if n})
    for key, count in zip(keys, counts):
        if "f" in key:
            for lig in _LIGATURE_COST:
                if lig in key:
                    out[lig] += key.count(lig) * count
    return out


def _inflection(long_: str, short: str) -> bool:
    """Whether ``long_`` is ``short`` with a final s, d or g (behests, nothin'): an inflection or
    a dialect spelling, not a slip."""
    return len(long_) == len(short) + 1 and long_.startswith(short) and long_[-1] in "sdg"


def slip_twins(key: str, habits: dict[str, float] | None = None) -> set[str]:
    """Every spelling one slip from ``key``: a glyph (letter or ligature) put back, a
    letter taken out or replaced, two letters swapped, a split or merged glyph undone
    (``rn`` for ``m``), and two
    habitually lost glyphs put back (``habits``, as from :func:`lost_glyph_costs`).

    >>> {"confidence", "reason", "court", "crushed"} <= (slip_twins("condence") | slip_twins("reaon")
    ...                                               | slip_twins("coort") | slip_twins("crnshed"))
    True
    >>> "necessity" in slip_twins("neceity"), "necessity" in slip_twins("neceity", {"s": 1.0})
    (False, True)
    """
    out: set[str] = set()
    n = len(key)
    for i in range(n + 1):
        head, tail = key[:i], key[i:]
        out.update([head + g + tail for g in LOST_GLYPHS])
        if i < n:
            rest = key[i + 1:]
            out.add(head + rest)
            out.update([head + c + rest for c in _LETTERS])
            if rest:
                out.add(head + rest[0] + key[i] + rest[1:])  # two letters swapped
    for seen, meant in LENGTH_CHANGING:
        start = key.find(seen)
        while start != -1:
            out.add(key[:start] + meant + key[start + len(seen):])
            start = key.find(seen, start + 1)
    for g in habits or ():
        for i in range(n + 1):
            once = key[:i] + g + key[i:]
            out.update([once[:j] + g + once[j:] for j in range(i + len(g), n + len(g) + 1)])
    out.discard(key)
    return out


def _habit_cost(key: str, twin: str, habits: dict[str, float]) -> float | None:
    """The learned cost of ``twin`` read as ``key`` by dropping one or two habitual glyphs, if it is that."""
    best = None
    for g, c in habits.items():
        for times in (1, 2):
            if len(twin) != len(key) + times * len(g):
                continue
            i = next((i for i, (a, b) in enumerate(zip(key, twin)) if a != b), len(key))
            if twin[i:i + len(g)] != g:
                continue
            rest = twin[:i] + twin[i + len(g):]
            if times == 1 and rest == key:
                cost = c
            elif times == 2 and _habit_cost(key, rest, {g: c}) is not None:
                cost = 2 * c
            else:
                continue
            if best is None or cost < best:
                best = cost
    return best


def recurring_slip_twin(key: str, count: int, raw_counts: Counter, probs: dict[str, float], *,
                        total: int, damage_rate: float, habits: dict[str, float], min_prob: float,
                        repeat_log: float, confusion_twins: Iterable[str] = (),
                        glyph_habits: dict[str, float] | None = None,
                        habit_repeat_log: float = 0.0, cheap_twin_cost: float = 0.0) -> str | None:
    """The common word an unknown lowercase form is a recurring slip of, if the corpus's
    damage explains how often the form occurs.

    An OCR engine repeats its slips, so recurrence alone does not make ``condence``
    a word. A twin ``w`` one slip away (:func:`slip_twins`), or one of
    ``confusion_twins`` (words sharing a confusion skeleton: ``ollicers``,
    ``officers``), at channel cost ``c``
    (cheaper for a glyph this corpus drops by habit, ``habits``), with ``n_w``
    occurrences (in the corpus, or expected from its general probability, at least
    ``min_prob``) would be misread as ``key`` about ``n_w * damage_rate * 10**-c``
    times; an engine repeats a slip ``10**repeat_log`` times more often than that.
    The form is a slip when that explains its ``count``: in a clean corpus only a
    twin far more common, at a cheap slip, does. Inflections and dropped final g
    (``behests``, ``nothin``) are not slips. ``glyph_habits`` (as from
    :func:`cleaners.words.scoring.corpus_habits`) price twins the corpus's split
    glyphs explain (``tiien``, ``then``): pass those twins in ``confusion_twins``.
    A twin a habit glyph explains (``habits``: ``oberve`` for ``observe`` where the corpus
    loses ``s``) is repeated ``10**habit_repeat_log`` times more often again: a glyph lost
    by habit is lost everywhere the book prints it; along a glyph it loses at next to no cost
    (``CHEAP_HABIT_COST``: a ligature its engine never reads) a rarer twin counts too
    (``gratied``: gratified). So does a rarer twin (down to ``min_prob / 100``) along one
    of the cheapest slips (``cheap_twin_cost``: h for b, ``ohjected`` for ``objected``).

    >>> probs = {"confidence": 5e-5, "court": 3e-4, "kolkhoz": 1e-6}
    >>> recurring_slip_twin("condence", 16, Counter({"confidence": 8}), probs, total=200_000,
    ...                     damage_rate=0.0625, habits={}, min_prob=1e-5, repeat_log=2.8)
    'confidence'
    >>> recurring_slip_twin("condence", 16, Counter({"confidence": 8}), probs, total=200_000,
    ...                     damage_rate=0.001, habits={}, min_prob=1e-5, repeat_log=2.8) is None
    True
    >>> recurring_slip_twin("kolkhos", 6, Counter(), probs, total=200_000,
    ...                     damage_rate=0.0625, habits={}, min_prob=1e-5, repeat_log=2.8) is None
    True
    """
    if damage_rate <= 0.0 or not 3 <= len(key) <= SLIP_MAX_LEN:
        return None
    bar = -math.log10(damage_rate) - repeat_log  # log10(n_w / count) - cost must reach it
    best, best_margin = None, 0.0
    if glyph_habits:
        from cleaners.words.scoring import habit_channel_cost
    for w in sorted(slip_twins(key, habits).union(confusion_twins)):
        p = probs.get(w, 0.0)
        if p < min_prob / 100:
            continue
        # (a rarer twin along one of the cheapest slips an engine makes: ohjected, objected)
        cheap = p < min_prob and cheap_twin_cost > 0.0 and channel_cost(key, w) <= cheap_twin_cost
        if p < min_prob and not habits and not glyph_habits and not cheap:
            continue
        learned = _habit_cost(key, w, habits) if habits else None
        if glyph_habits:
            split = habit_channel_cost(key, w, glyph_habits)
            if split < 99.0 and (learned is None or split < learned):
                learned = split
        if p < min_prob and learned is None and not cheap:
            continue
        if p < min_prob / 10 and not cheap and (learned > CHEAP_HABIT_COST or not habit_repeat_log):
            continue  # (a rarer twin only along a glyph lost by habit at next to no cost: gratied)
        if w == key or _inflection(w, key) or _inflection(key, w):
            continue
        n_w = max(raw_counts.get(w, 0), p * total)
        cost = channel_cost(key, w)
        if learned is not None:
            cost = min(cost, learned)
        margin = math.log10(n_w / count) - cost - bar
        if habit_repeat_log and habits and learned is not None and learned <= cost:
            lost = _habit_cost(key, w, habits)
            if lost is not None and lost <= cost:
                margin += habit_repeat_log
        if margin >= 0.0 and (best is None or margin > best_margin):
            best, best_margin = w, margin
    return best


def build_corpus_lexicon(layout_texts: Iterable[tuple[str, str]], *, options: dict | None = None) -> CorpusLexicon:
    """Build the corpus lexicon from every document's layout output ``(doc_id, text)``.

    >>> lex = build_corpus_lexicon([("a", "Koba met Koba and Koba. Eiverpool saw Liverpool, Liverpool and Liverpool.")])
    >>> lex.trusted("koba"), lex.trusted("eiverpool"), lex.trusted("liverpool")
    (True, False, True)
    """
    s = _settings(options)
    merged, pairs = DocumentCounts(), PairTally()
    for _doc_id, text in layout_texts:  # counted straight into one set of counters (no merging)
        count_into(merged, text, unigrams=s["unigrams"], known_prob=s["known_prob"], pairs=pairs)
    merged.pairs = pairs.frequent(BIGRAM_MIN_COUNT)  # the only pairs the lexicon can use
    return lexicon_from_counts(merged, options=options)


@dataclass
class DocumentCounts:
    """The additive evidence one document gives the lexicon (picklable).

    Counting is per document, so it can run where the document is cleaned (a
    worker process) and only these counts travel to the corpus pass.
    """

    raw: Counter = field(default_factory=Counter)
    clean: Counter = field(default_factory=Counter)  # occurrences in clean context
    pairs: Counter = field(default_factory=Counter)  # (key, next key) -> count
    surfaces: Counter = field(default_factory=Counter)  # spelling (of a counted form) -> count
    midsentence_caps: Counter = field(default_factory=Counter)  # capitalised inside a sentence
    total: int = 0
    compounds: Counter = field(default_factory=Counter)  # capitalised compound as written -> count

    def merge(self, other: "DocumentCounts") -> None:
        self.compounds.update(other.compounds)
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


def count_into(out: DocumentCounts, text: str, *, unigrams: str, known_prob: float,
               pairs: "PairTally | None" = None) -> DocumentCounts:
    """Add one document's counts to ``out`` (and return it); its word pairs go to
    ``pairs`` instead of ``out.pairs`` if given.

    The same counts, inserted in the same order, as walking :func:`tokenize`'s
    tokens one by one, without per-token Python: one regex split gives the
    words and the gaps between them, each distinct form and gap is judged
    once, and the per-token conditions are numpy masks over form ids.

    >>> c = count_into(DocumentCounts(), "Ihe cat sat. Koba sat", unigrams="wordfreq-large", known_prob=1e-6)
    >>> c.total, c.raw["sat"], c.clean["sat"], c.pairs[("cat", "sat")], c.midsentence_caps["koba"]
    (5, 2, 2, 1, 0)
    """
    if "-" in text:
        _add_counts(out.compounds, Counter(capitalised_compounds(text)).items())
    parts = _WORD_SPLIT_RE.split(text)  # gap, word, gap, word, ..., tail
    words, gaps = parts[1::2], parts[0:-1:2]  # each word and the text before it
    n = len(words)
    out.total += n
    if not n:
        return out
    forms = _Forms(words, unigrams=unigrams, known_prob=known_prob)
    ids = forms.ids
    breaks, inside_sentence = _gap_masks(gaps)
    ordinary = forms.ordinary[ids]
    countable = forms.countable[ids]
    key_ids = forms.key_id[ids]

    # key ids are first positions, so increasing key ids are the keys in first-seen order
    raw = np.bincount(key_ids, minlength=n)
    _add_counts(out.raw, forms.keys_of(np.flatnonzero(raw), raw[raw > 0]))
    _add_counts(out.surfaces, forms.surface_counts(ids))
    # clean context: each side is a break or an ordinary neighbour (the text's ends count as breaks)
    left_ok, right_ok = breaks.copy(), np.ones(n, dtype=bool)
    left_ok[1:] |= ordinary[:-1]
    right_ok[:-1] = breaks[1:] | ordinary[1:]
    _add_counts(out.clean, forms.keys_of(*_first_seen_counts(key_ids[countable & left_ok & right_ok], n)))
    # capitalised inside a sentence, where a capital is a choice
    caps = countable & inside_sentence & forms.title[ids]
    caps[0] = False
    _add_counts(out.midsentence_caps, forms.keys_of(*_first_seen_counts(key_ids[caps], n)))
    # a pair: a countable ordinary word, then an ordinary word with only spaces between
    paired = (countable & ordinary)[:-1] & ordinary[1:] & ~breaks[1:]
    codes, counts = _first_seen_unique((key_ids[:-1] * n + key_ids[1:])[paired])
    firsts, seconds = np.divmod(codes, n)
    if pairs is not None:
        pairs.add(firsts, seconds, counts, forms.key_at)
        return out
    key_at = forms.key_at.__getitem__
    _add_counts(out.pairs, zip(zip(map(key_at, firsts.tolist()), map(key_at, seconds.tolist())),
                               counts.tolist()))
    return out


class PairTally:
    """A corpus's word-pair counts, kept as numpy arrays of integer codes.

    Only a pair seen ``BIGRAM_MIN_COUNT`` times can become a corpus bigram,
    and most pairs are seen once or twice, so :func:`build_corpus_lexicon`
    tallies pairs here and turns only the frequent ones into ``(key, key)``
    tuples: most of the cost of counting pairs was building and merging
    tuples for pairs that can never be used. A pair's code is
    ``first key id << 32 | second key id``, with corpus-wide dense key ids.

    >>> t = PairTally()
    >>> t.add(np.array([0, 3]), np.array([3, 0]), np.array([3, 1]), {0: "a", 3: "b"})
    >>> t.add(np.array([0, 7]), np.array([4, 0]), np.array([1, 2]), {0: "b", 4: "a", 7: "c"})
    >>> dict(t.frequent(2))
    {('a', 'b'): 3, ('b', 'a'): 2, ('c', 'b'): 2}
    """

    _COMPACT_AT = 1_000_000  # pending entries (16 bytes each) that trigger merging them: bounds memory

    def __init__(self) -> None:
        self.key_id: dict[str, int] = {}  # key -> corpus-wide id (0, 1, 2, ... in first-seen order)
        self._codes: list[np.ndarray] = []  # per document, distinct codes in first-seen order
        self._counts: list[np.ndarray] = []
        self._pending = 0
        self._compacted = 0

    def add(self, firsts: np.ndarray, seconds: np.ndarray, counts: np.ndarray, key_at: dict[int, str]) -> None:
        """Add one document's distinct pairs (document key ids, named by ``key_at``) and their counts."""
        key_id = self.key_id
        new = [k for k in key_at.values() if k not in key_id]
        key_id.update(zip(new, range(len(key_id), len(key_id) + len(new))))
        doc_ids = np.fromiter(key_at, dtype=np.int64, count=len(key_at))
        to_corpus = np.zeros(int(doc_ids.max(initial=0)) + 1, dtype=np.int64)
        to_corpus[doc_ids] = list(map(key_id.__getitem__, key_at.values()))
        self._codes.append((to_corpus[firsts] << 32) | to_corpus[seconds])
        self._counts.append(counts)
        self._pending += len(counts)
        if self._pending > max(self._COMPACT_AT, 2 * self._compacted):
            self._compact()

    def _compact(self) -> None:
        """Merge the pending arrays into one, distinct codes in first-seen order with summed counts."""
        codes, first, where = np.unique(np.concatenate(self._codes), return_index=True, return_inverse=True)
        totals = np.zeros(len(codes), dtype=np.int64)
        np.add.at(totals, where, np.concatenate(self._counts))
        order = np.argsort(first)
        self._codes, self._counts = [codes[order]], [totals[order]]
        self._pending = self._compacted = len(codes)

    def frequent(self, min_count: int) -> Counter:
        """``(key, key)`` -> count for the pairs seen at least ``min_count`` times, in first-seen order."""
        if not self._codes:
            return Counter()
        self._compact()
        codes, totals = self._codes[0], self._counts[0]
        keep = totals >= min_count
        key_of = list(self.key_id).__getitem__  # ids are dense, in insertion order
        firsts, seconds = (codes[keep] >> 32).tolist(), (codes[keep] & 0xFFFFFFFF).tolist()
        return Counter(dict(zip(zip(map(key_of, firsts), map(key_of, seconds)), totals[keep].tolist())))


class _Forms:
    """The distinct word forms of one document and what the lexicon needs to know of each.

    A form's id is the position of its first occurrence (one C pass of
    ``dict.setdefault`` gives every token's id), so ids in increasing order
    are the forms in first-seen order, the order the counters keep. Per-form
    facts are arrays indexed by id; a key's id is likewise the position of the
    key's first occurrence.
    """

    def __init__(self, words: list[str], *, unigrams: str, known_prob: float) -> None:
        n = len(words)
        self.first_at: dict[str, int] = {}  # form -> its id
        self.ids = np.fromiter(map(self.first_at.setdefault, words, range(n)), dtype=np.int64, count=n)
        positions = list(self.first_at.values())
        keys, countable, ordinary, title = _form_facts(list(self.first_at), unigrams=unigrams,
                                                       known_prob=known_prob)
        key_first: dict[str, int] = {}
        key_ids = list(map(key_first.setdefault, keys, positions))
        self.key_at = {i: k for k, i in key_first.items()}  # key id -> key
        self._positions, self._keys, self._countable = positions, keys, countable
        self.key_id = self._array(n, positions, key_ids, np.int64)
        self.countable = self._array(n, positions, countable, bool)
        self.ordinary = self._array(n, positions, ordinary, bool)
        self.title = self._array(n, positions, title, bool)

    @staticmethod
    def _array(n: int, positions: list[int], values: list, dtype) -> np.ndarray:
        out = np.zeros(n, dtype=dtype)
        out[positions] = values
        return out

    def surface_counts(self, ids: np.ndarray):
        """``(form, count)`` for the countable forms, in first-seen order."""
        per_form = np.bincount(ids, minlength=len(ids))[self._positions].tolist()
        return compress(zip(self.first_at, per_form), self._countable)

    def keys_of(self, key_ids: np.ndarray, counts: np.ndarray):
        """``(key, count)`` pairs for key ids and their counts."""
        return zip(map(self.key_at.__getitem__, key_ids.tolist()), counts.tolist())


def _gap_masks(gaps: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per word: whether the gap before it breaks the context, and whether it is inside a sentence."""
    code_of = {g: _gap_breaks(g) | (_gap_inside_sentence(g) << 1) for g in set(gaps)}
    codes = np.fromiter(map(code_of.__getitem__, gaps), dtype=np.int8, count=len(gaps))
    breaks = (codes & 1).astype(bool)
    breaks[0] = True  # the first word has nothing before it
    return breaks, (codes & 2).astype(bool)


def _first_seen_counts(ids: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``ids`` (all below ``size``) in first-seen order, and how often each occurs.

    >>> [a.tolist() for a in _first_seen_counts(np.array([5, 2, 5, 0, 2, 5]), 6)]
    [[5, 2, 0], [3, 2, 1]]
    """
    counts = np.bincount(ids, minlength=size)
    first = np.full(size, len(ids), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))  # linear, unlike np.unique's sort
    present = np.flatnonzero(counts)
    present = present[np.argsort(first[present])]
    return present, counts[present]


def _first_seen_unique(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`_first_seen_counts` for values of any size (pair codes), by sorting."""
    values, first, counts = np.unique(codes, return_index=True, return_counts=True)
    order = np.argsort(first)
    return values[order], counts[order]


def _add_counts(counter: Counter, items) -> None:
    """Add ``(key, count)`` pairs (distinct keys) to ``counter``; new keys go in in the order given."""
    if not counter:
        dict.update(counter, items)  # C fast path
        return
    get = counter.get
    for k, c in items:
        counter[k] = get(k, 0) + c


def _form_facts(forms: list[str], *, unigrams: str, known_prob: float):
    """For each distinct form: its key, whether the lexicon counts it (alphabetic, or with an
    apostrophe), whether it is an ordinary neighbour (a known word, or capitalised), and
    whether it is in title case. Computed a whole list at a time, in C where possible.
    """
    keys = normalise_keys(forms)
    probs = unigram_probs(unigrams)
    known = map(le, repeat(known_prob), map(probs.get, keys, repeat(0.0)))
    ordinary = list(map(or_, known, map(str.isupper, map(itemgetter(0), forms))))
    countable = list(map(or_, map(str.isalpha, forms), map(contains, keys, repeat("'"))))
    # a form starting with a lowercase letter is no title (most forms): no call for it
    first_lower = map(str.islower, map(itemgetter(0), forms))
    return keys, countable, ordinary, [not low and _is_title(w) for w, low in zip(forms, first_lower)]


def normalise_keys(words: list[str]) -> list[str]:
    """:func:`~cleaners.words.tokens.normalise_key` of many words at once.

    Lowercasing the newline-joined words lowercases each word as on its own
    (the one context-dependent rule, Greek final sigma, stops at a newline).

    >>> normalise_keys(["Stalin’s", "ΟΔΟΣ", "NKVD"])
    ["stalin's", 'οδος', 'nkvd']
    """
    return "\n".join(words).lower().replace("’", "'").split("\n") if words else []


def _upper_or_mixed(w: str) -> bool:
    """``case_pattern(w) in ("upper", "mixed")``, without the call for lowercase forms."""
    return not w.islower() and case_pattern(w) in ("upper", "mixed")


def _is_title(w: str) -> bool:
    """``case_pattern(w) == "title"``, without the call for the usual forms (``the``, ``Liverpool``)."""
    first = w[0]
    if first.isalpha():
        if not first.isupper():
            return False
        if w[1:].islower():  # Lenin: no other capital, and a second letter, so not "upper"
            return True
    return case_pattern(w) == "title"


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
    compound_counts = counts.compounds
    surface_counts, midsentence_caps, total = counts.surfaces, counts.midsentence_caps, counts.total
    forms = list(surface_counts)
    spellings = list(zip(normalise_keys(forms), forms, surface_counts.values()))
    best_surface, lowercase_seen = _best_surfaces(spellings)
    from cleaners.words.scoring import skeleton_index

    general_skeletons = skeleton_index(s["unigrams"], 1e-8)
    corpus_skeletons = _corpus_skeletons(raw_counts)
    # only forms the general list does not know need the (costly) name and dominance checks
    unknown = set(compress(raw_counts, map(gt, repeat(known_prob), map(probs.get, raw_counts, repeat(0.0)))))
    candidates = list(_at_least(clean_counts, s["trust_min_count"]))
    # the unknown candidates (not all capitals) are checked for dominance: skeletons in one batch
    checked = [k for k in candidates if k in unknown and case_pattern(best_surface[k]) != "upper"]
    skeleton_set_of = dict(zip(checked, token_skeleton_sets([best_surface[k] for k in checked])))
    counts: dict[str, int] = {}
    surfaces: dict[str, str] = {}
    for k in candidates:
        surf = best_surface[k]
        skeleton_set = skeleton_set_of.get(k)
        if skeleton_set is not None:
            name = is_name(k, surf, lowercase_seen, midsentence_caps, min_count=s["name_min_count"])
            twin = is_dominated(surf, raw_counts[k], raw_counts, probs, corpus_skeletons,
                                general_skeletons, ratio=s["dominance_ratio"], known_prob=known_prob,
                                names_only=name, lowercase_seen=lowercase_seen, skeleton_set=skeleton_set)
            if twin:
                continue
        counts[k] = quantise(raw_counts[k])
        if surf != k and k not in lowercase_seen:  # always capitalised: a name
            surfaces[k] = surf
    capitalised = mostly_capitalised(counts, surfaces, best_surface, _lowercase_counts(spellings, lowercase_seen),
                                     midsentence_caps, min_count=s["name_min_count"])
    damaged = sum(raw_counts[k] for k in unknown if k not in counts and k.replace("'", "").isalpha())
    lost_glyphs: dict[str, float] = {}
    glyph_habits = _corpus_glyph_habits(raw_counts, probs, best_surface, unknown, s) if s["learn_confusions"] else {}

    titled = titled_words(counts, surfaces, capitalised, midsentence_caps,
                          min_count=s["titled_min_count"]) if s["titled_min_count"] else {}

    def untrust(keys: list[str]) -> None:
        """Take ``keys`` out of the trusted forms and names; their tokens count as damage."""
        nonlocal damaged
        for k in keys:
            del counts[k]
            surfaces.pop(k, None)
            capitalised.pop(k, None)
            titled.pop(k, None)
            damaged += raw_counts[k]

    if s["slip_untrust"] and total:
        slips, lost_glyphs = _recurring_slips(
            counts, raw_counts, probs, best_surface, unknown, s, total=total,
            damage_rate=quantise_rate(damaged / total), lowercase_seen=lowercase_seen,
            midsentence_caps=midsentence_caps, general_skeletons=general_skeletons,
            glyph_habits=glyph_habits)
        untrust(slips)
    if s["ligature_drops"] and lost_glyphs:
        gaps = ligature_gap_forms(counts, best_surface, probs, lost_glyphs, s)
        untrust(list(gaps))
        for word in set(gaps.values()):  # (its lowercase copies are those gaps: no name, First)
            surfaces.pop(word, None)
            capitalised.pop(word, None)
    if s["name_copies_untrust"] and total:
        untrust(damaged_name_copies(counts, surfaces, capitalised, probs, damage_rate=quantise_rate(damaged / total),
                                    ratio=s["dominance_ratio"], titled=titled,
                                    cheap_cost=s["slip_cheap_twin_cost"] if s["name_cheap_slips"] else 0.0,
                                    repeat_log=s["slip_repeat_log"]))
    if s["glue_untrust"] and pair_counts:
        untrust(glued_pairs(counts, raw_counts, pair_counts, probs, known_prob=known_prob,
                            ratio=s["dominance_ratio"]))
    confusions = learn_confusions(spellings, counts, raw_counts, probs, corpus_skeletons,
                                  general_skeletons, s, unknown=unknown) if s["learn_confusions"] else {}
    bigrams = {f"{a} {b}": quantise4(c) for (a, b), c in _at_least(pair_counts, BIGRAM_MIN_COUNT).items()
               if a in counts and b in counts} if s["corpus_bigrams"] else {}
    repeats = repeated_forms(unknown, counts, raw_counts, best_surface)
    return CorpusLexicon(counts=counts, surfaces=surfaces, total=quantise(total), titled=titled,
                         compounds=compound_spellings(compound_counts),
                         written_once=once_written(unknown, counts, raw_counts, best_surface),
                         numbers=written_numbers(raw_counts, min_count=s["trust_min_count"]),
                         damage_rate=quantise_rate(damaged / total if total else 0.0),
                         confusions=confusions, bigrams=bigrams, lost_glyphs=lost_glyphs,
                         glyph_habits=glyph_habits, capitalised=capitalised, repeats=repeats, settings=s)


GLUED_MIN_LEN = 4  # shorter forms are too often real words made of two (anon, into, onto)


def glued_pairs(trusted: dict[str, int], raw_counts: Counter, pair_counts: Counter, probs: dict[str, float],
                *, known_prob: float, ratio: float) -> list[str]:
    """The trusted forms that are two words glued together by the OCR: a form the general
    list does not hold as a word (below ``known_prob``), cut into two ordinary words that
    the corpus writes apart, as a pair, at least ``ratio`` times as often as glued
    (``prisonerwas``: "prisoner was" 200 times). An engine that drops spaces drops them
    again where the pair recurs, so recurrence does not make the glued form a word.

    >>> glued_pairs({"prisonerwas": 2, "prisoner": 9, "was": 99, "lockwood": 3},
    ...             Counter({"prisonerwas": 2, "lockwood": 3}),
    ...             Counter({("prisoner", "was"): 40, ("lock", "wood"): 1}),
    ...             {"prisoner": 3e-5, "was": 5e-3, "lock": 2e-5, "wood": 4e-5}, known_prob=1e-6, ratio=8.0)
    ['prisonerwas']
    """
    out = []
    for k in trusted:
        if len(k) < GLUED_MIN_LEN or not k.isalpha() or probs.get(k, 0.0) >= known_prob:
            continue
        need = max(ratio * raw_counts.get(k, 0), 1.0)
        for i in range(1, len(k)):
            a, b = k[:i], k[i:]
            if pair_counts.get((a, b), 0) >= need and min(probs.get(a, 0.0), probs.get(b, 0.0)) >= known_prob:
                out.append(k)
                break
    return out


def _corpus_glyph_habits(raw_counts: Counter, probs: dict[str, float], best_surface: dict[str, str],
                         unknown: set[str], s: dict) -> dict[str, float]:
    """:func:`glyph_habit_costs` of the corpus's lowercase forms (3 to ``SLIP_MAX_LEN`` letters):
    the unknown ones as the damaged, the general list's as the chance baseline."""
    unknown_forms, known_forms = [], []
    for k in raw_counts:
        if 3 <= len(k) <= SLIP_MAX_LEN and k.isalpha() and best_surface.get(k, k).islower():
            (unknown_forms if k in unknown else known_forms).append(k)
    if len(unknown_forms) < HABIT_MIN_FORMS:
        return {}
    return glyph_habit_costs(_sample_forms(unknown_forms), _sample_forms(known_forms), probs,
                             min_prob=s["slip_twin_min_prob"], unigrams=s["unigrams"])


GLYPH_HABIT_MAX_FORMS = 100_000  # forms of each side a large corpus's habits are learned from


def _sample_forms(forms: list[str], limit: int = GLYPH_HABIT_MAX_FORMS) -> list[str]:
    """``forms`` sorted, or, past ``limit``, the ``limit`` with the least CRC-32: a fixed,
    unbiased sample (shares of votes, not their number, decide a habit), so that a large
    corpus's habits cost a bounded time.

    >>> _sample_forms(["b", "a"]), len(_sample_forms([str(i) for i in range(50)], limit=10))
    (['a', 'b'], 10)
    """
    if len(forms) > limit:
        forms = sorted(forms, key=lambda f: (zlib.crc32(f.encode()), f))[:limit]
    return sorted(forms)


COPY_MIN_LEN = 4  # shorter names have too many real neighbours one edit away


def damaged_name_copies(trusted: dict[str, int], surfaces: dict[str, str], capitalised: dict[str, str],
                        probs: dict[str, float], *, damage_rate: float, ratio: float,
                        titled: dict[str, int] | None = None, cheap_cost: float = 0.0,
                        repeat_log: float = 0.0) -> list[str]:
    """The trusted names (forms the corpus capitalises) that no word list knows and that
    are damaged copies of another name of the corpus: one edit away from it (a letter
    lost, added or changed: ``Tuesda``, ``Jamnes``, ``Fiiday``), which the corpus writes
    ``ratio`` times as often, and whose count its damage explains (the name's count times
    the share of damaged tokens reaches the form's). Such copies recur in a damaged
    corpus, where the same slip hits a frequent name twice.

    A real name beside a frequent one stays: it is in the word lists (Smyth, Smith),
    or the corpus is too clean to have made it (a transliteration variant in a clean
    book), or it is written too often for a slip (counts are quantised, so the test
    is coarse).

    Along one of the cheapest slips (``cheap_cost``: ``Varhins`` beside ``Varbins``, h
    for b), which an engine repeats (``repeat_log``), a name merely more frequent is
    enough: :func:`_cheap_name_slip`.

    >>> trusted = {"tuesday": 64, "tuesda": 2, "smith": 64, "smyth": 4, "koba": 64, "kobe": 2}
    >>> names = {k: k.title() for k in trusted}
    >>> damaged_name_copies(trusted, names, {}, {"smith": 1e-5, "smyth": 1e-7, "tuesday": 1e-4, "kobe": 1e-6},
    ...                     damage_rate=0.0884, ratio=8.0)
    ['tuesda']
    >>> damaged_name_copies(trusted, names, {}, {}, damage_rate=0.0156, ratio=8.0)
    []

    A word the corpus often capitalises (``titled``, by the count of those uses) is a
    target too: ``Inspeotor`` written four times beside a hundred ``Inspector``.

    >>> damaged_name_copies({"inspector": 256, "inspeotor": 4}, {"inspeotor": "Inspeotor"}, {},
    ...                     {"inspector": 1e-5}, damage_rate=0.0884, ratio=8.0, titled={"inspector": 128})
    ['inspeotor']
    """
    titled = titled or {}
    names = [k for k in trusted if (k in surfaces or k in capitalised) and len(k) >= COPY_MIN_LEN - 1]
    checked = [k for k in names if len(k) >= COPY_MIN_LEN and probs.get(k, 0.0) == 0.0 and k.isalpha()]
    if not checked or damage_rate <= 0.0:
        return []
    from cleaners.words.scoring import delete_neighbourhoods

    count_of = dict(titled)
    count_of.update((k, trusted[k]) for k in names)

    def spelling(k: str) -> str | None:
        return surfaces.get(k) or capitalised.get(k)

    deletes = delete_neighbourhoods(count_of)  # each target and each of its one-letter deletions -> targets
    out = []
    for k in checked:
        c = trusted[k]
        near: set[str] = set()
        for q in {k[:i] + k[i + 1:] for i in range(len(k))} | {k}:
            near.update(deletes.get(q, ()))
        near.discard(k)
        if any(count_of[n] >= ratio * c and count_of[n] * damage_rate >= c and one_edit_apart(k, n) for n in near):
            out.append(k)
        elif cheap_cost > 0.0 and any(_cheap_name_slip(k, n, c, count_of[n], spelling, damage_rate=damage_rate,
                                                        cheap_cost=cheap_cost, repeat_log=repeat_log)
                                      for n in sorted(near) if one_edit_apart(k, n)):
            out.append(k)
    return sorted(out)


def _cheap_name_slip(key: str, twin: str, count: int, twin_count: int, spelling, *, damage_rate: float,
                     cheap_cost: float, repeat_log: float) -> bool:
    """Whether a name is a recurring copy of ``twin``, a name the corpus writes more often,
    along one of the cheapest slips an engine makes (channel cost at most ``cheap_cost``
    between their spellings: ``h`` for ``b``, ``Varhins`` beside ``Varbins``): an engine
    repeats such a slip, ``10**repeat_log`` times more often than chance, so the twin's count
    times the corpus's damage rate, times that, and discounted by the slip's cost, must
    explain the form's ``count`` (as :func:`recurring_slip_twin` judges lowercase slips).

    >>> spell = {"varhins": "Varhins", "varbins": "Varbins"}.get
    >>> _cheap_name_slip("varhins", "varbins", 2, 4, spell, damage_rate=0.0156, cheap_cost=0.7, repeat_log=2.8)
    True
    >>> _cheap_name_slip("varhins", "varbins", 4, 4, spell, damage_rate=0.0156, cheap_cost=0.7, repeat_log=2.8)
    False
    >>> _cheap_name_slip("varhins", "varbins", 2, 4, spell, damage_rate=0.001, cheap_cost=0.7, repeat_log=2.8)
    False
    """
    if twin_count <= count:  # (the copy is the rarer spelling: which of two equals is the slip, nothing says)
        return False
    cost = channel_cost(spelling(key) or key, spelling(twin) or twin)
    return cost <= cheap_cost and twin_count * damage_rate * 10 ** (repeat_log - cost) >= count


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one deletion, insertion or substitution apart (linear;
    a symmetric-delete lookup also pairs transpositions, which this excludes).

    >>> one_edit_apart("tuesda", "tuesday"), one_edit_apart("jamnes", "james"), one_edit_apart("abcd", "bacd")
    (True, True, False)
    >>> one_edit_apart("smith", "smyth"), one_edit_apart("ostmva", "ostrava"), one_edit_apart("same", "same")
    (True, False, False)
    """
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(long_) != len(short) + 1:
        return False
    i = next((i for i, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return short[i:] == long_[i + 1:]


CAPITALISED_MARGIN = 4  # capitalised inside sentences this many times as often as in lowercase: a name


def _lowercase_counts(spellings: list[tuple[str, str, int]], lowercase_seen: set[str]) -> Counter:
    """Per key ever written in lowercase: how often it was (its lowercase spelling's count)."""
    return Counter({k: c for k, surf, c in spellings if k == surf and k in lowercase_seen})


def mostly_capitalised(trusted: dict[str, int], surfaces: dict[str, str], best_surface: dict[str, str],
                       lowercase: Counter, midsentence_caps: Counter, *, min_count: int) -> dict[str, str]:
    """Trusted keys written in lowercase too, but capitalised inside sentences at least
    ``min_count`` times and ``CAPITALISED_MARGIN`` times as often as in lowercase: names
    of the corpus with a stray lowercase copy (a damaged line's ``london``), or words
    it uses as names (``Court`` in a corpus of police reports) -> the title spelling.

    >>> mostly_capitalised({"london": 128, "court": 64, "the": 4096}, {}, {"london": "London",
    ...     "court": "court", "the": "the"}, Counter({"london": 1, "court": 40, "the": 4000}),
    ...     Counter({"london": 100, "court": 30, "the": 5}), min_count=2)
    {'london': 'London'}
    """
    out = {}
    for k in trusted:
        if k in surfaces:
            continue
        caps = midsentence_caps.get(k, 0)
        if caps >= min_count and caps >= CAPITALISED_MARGIN * lowercase.get(k, 0) and k.isalpha():
            out[k] = k[:1].upper() + k[1:]
    return out


TITLED_MIN_LEN = 5  # shorter words have too many real names one edit away (Hall: Hale, Hull, Hill)


def titled_words(trusted: dict[str, int], surfaces: dict[str, str], capitalised: dict[str, str],
                 midsentence_caps: Counter, *, min_count: int) -> dict[str, int]:
    """Trusted words, not names of the corpus (``surfaces``, ``capitalised``), that it
    capitalises inside sentences at least ``min_count`` times -> the quantised count of
    those uses: words it uses in names and titles (``the Court``, ``Guy's Hospital``), which
    a damaged capitalised form (``Courb``) may be a copy of just as of a name.

    >>> titled_words({"court": 256, "london": 128, "the": 4096, "hall": 64, "hospital": 64},
    ...              {"london": "London"}, {}, Counter({"court": 90, "london": 100, "the": 3,
    ...              "hall": 50, "hospital": 9}), min_count=8)
    {'court': 64, 'hospital': 8}
    """
    return {k: quantise(midsentence_caps[k]) for k in sorted(trusted)
            if midsentence_caps.get(k, 0) >= min_count and k not in surfaces and k not in capitalised
            and len(k) >= TITLED_MIN_LEN and k.isalpha()}


def repeated_forms(unknown: set[str], trusted: dict[str, int], raw_counts: Counter,
                   best_surface: dict[str, str]) -> dict[str, int]:
    """Capitalised forms no list knows and the corpus does not trust, written more than
    once -> quantised count: a damaged copy of a frequent name is usually a one-off,
    a real rare name (Gormon beside Gordon) tends to come back.

    >>> repeated_forms({"gormon", "whiteshapel", "tbe"}, {}, Counter({"gormon": 2, "whiteshapel": 1,
    ...     "tbe": 9}), {"gormon": "Gormon", "whiteshapel": "Whiteshapel", "tbe": "tbe"})
    {'gormon': 2}
    """
    return {k: quantise(raw_counts[k]) for k in sorted(unknown)
            if raw_counts[k] >= 2 and k not in trusted and _is_title(best_surface.get(k, k)) and k.isalpha()}


def written_numbers(raw_counts: Counter, *, min_count: int) -> dict[str, int]:
    """Numbers of three or four ASCII digits written at least ``min_count`` times -> quantised count.

    >>> written_numbers(Counter({"1907": 5, "907": 1, "12": 9, "1917": 2, "１９０７": 3}), min_count=2)
    {'1907': 4, '1917': 2}
    """
    # the few numbers picked out first, then sorted (not all the corpus's forms sorted)
    numbers = [(k, c) for k, c in raw_counts.items()
               if c >= min_count and 3 <= len(k) <= 4 and k.isascii() and k.isdigit()]
    return {k: quantise(c) for k, c in sorted(numbers)}


ONCE_MIN_LEN = 6  # shorter names split in two are too often two real pieces (Le Roy, Mac Nab)


def once_written(unknown: set[str], trusted: dict[str, int], raw_counts: Counter,
                 best_surface: dict[str, str]) -> frozenset:
    """Capitalised forms no list knows and the corpus does not trust, written exactly once
    (a possessive counts as its name) and at least ``ONCE_MIN_LEN`` letters long: a name the
    corpus writes whole once is evidence that a copy of it split by a stray space
    (``Kas parov``) is one word.

    >>> sorted(once_written({"kasparov", "tbe", "gormon", "kasp", "karpov's"}, {}, Counter({"kasparov": 1,
    ...     "tbe": 1, "gormon": 2, "kasp": 1, "karpov's": 1}), {"kasparov": "Kasparov", "tbe": "tbe",
    ...     "gormon": "Gormon", "kasp": "Kasp", "karpov's": "Karpov’s"}))
    ['karpov', 'kasparov']
    """
    names: Counter = Counter()
    for k in unknown:
        if _is_title(best_surface.get(k, k)):
            names[k[:-2] if k.endswith("'s") else k] += raw_counts[k]
    return frozenset(k for k, c in names.items() if c == 1 and len(k) >= ONCE_MIN_LEN and k not in trusted
                     and k.isalpha() and raw_counts.get(k, 0) + raw_counts.get(k + "'s", 0) == 1)


_COMPOUND_EDGE = frozenset("-_'’")  # (next to a compound: a longer chain, or a word it is part of)


def capitalised_compounds(text: str) -> list[str]:
    """The hyphenated compounds of ``text`` whose two parts are capitalised words, as
    written (a part of a longer chain, ``Rostov-on-Don``, is none). Found from the hyphens
    (``str.find``: a text has few), each part's letters read once or twice.

    >>> capitalised_compounds("the Austro-Hungarian army, a well-known man, Rostov-on-Don, North-West-X")
    ['Austro-Hungarian']
    """
    out = []
    n = len(text)
    p = text.find("-")
    while p != -1:
        if 0 < p < n - 1 and text[p + 1].isupper() and text[p - 1].isalpha():
            s = p - 1
            while s > 0 and text[s - 1].isalpha():
                s -= 1
            e = p + 1
            while e < n and text[e].isalpha():
                e += 1
            before = text[s - 1] if s else " "
            after = text[e] if e < n else " "
            if (text[s].isupper() and not before.isalnum() and before not in _COMPOUND_EDGE
                    and not after.isalnum() and after not in _COMPOUND_EDGE):
                out.append(text[s:e])
            p = text.find("-", e)  # (a hyphen inside the second part's run is none: there is none)
        else:
            p = text.find("-", p + 1)
    return out


def compound_spellings(compounds: Counter) -> dict[str, int]:
    """Each compound key's most frequent spelling -> the quantised count of the key (all
    its spellings).

    >>> compound_spellings(Counter({"All-Union": 3, "ALL-UNION": 1, "Anglo-Saxon": 1}))
    {'All-Union': 4, 'Anglo-Saxon': 1}
    """
    totals: Counter = Counter()
    best: dict[str, tuple[int, str]] = {}
    for surface, c in compounds.items():
        k = normalise_key(surface)
        totals[k] += c
        if k not in best or (c, surface) > best[k]:
            best[k] = (c, surface)
    return {best[k][1]: quantise(totals[k]) for k in sorted(totals)}


def _recurring_slips(trusted: dict[str, int], raw_counts: Counter, probs: dict[str, float],
                     best_surface: dict[str, str], unknown: set[str], s: dict, *, total: int,
                     damage_rate: float, lowercase_seen: set[str], midsentence_caps: Counter,
                     general_skeletons: dict[str, tuple[str, ...]],
                     glyph_habits: dict[str, float] | None = None) -> tuple[list[str], dict[str, float]]:
    """The trusted forms that :func:`recurring_slip_twin` finds are slips, judged with the
    glyphs this corpus drops by habit (:func:`lost_glyph_costs`).

    Only forms no word list knows, and never a name: written mostly in lowercase, or
    written in lowercase too and never capitalised inside a sentence (``Witnese`` at
    the start of sentences, ``witnese`` inside them). Returns the slips and the
    glyphs the corpus drops by habit."""
    checked = [k for k in trusted if probs.get(k, 0.0) == 0.0 and k.isalpha() and 3 <= len(k) <= SLIP_MAX_LEN
               and (best_surface[k].islower()
                    or (k in lowercase_seen and not midsentence_caps.get(k, 0)))]
    if not checked or damage_rate <= 0.0:
        return [], {}
    lowercase_unknown = [(k, raw_counts[k]) for k in unknown
                         if k.isalpha() and 3 <= len(k) <= SLIP_MAX_LEN and best_surface.get(k, k).islower()]
    known = [(k, c) for k, c in raw_counts.items() if k not in unknown and k.isalpha()]
    habits = lost_glyph_costs(lowercase_unknown, known, probs, min_prob=s["slip_twin_min_prob"],
                              unigrams=s["unigrams"])
    # the corpus's split glyphs too (tiien, then), with its lost glyphs (poible, possible)
    from cleaners.words.scoring import corpus_habits, habit_index

    every_habit = corpus_habits(habits, glyph_habits) if glyph_habits else {}
    habit_twins = habit_index(s["unigrams"], tuple(sorted(every_habit.items()))) if every_habit else {}
    out = []
    for k in checked:
        twins: set[str] = set(habit_twins.get(k, ()))
        for sk in ligature_free_length_skeletons(k) | {skeleton(k)}:
            twins.update(general_skeletons.get(sk, ()))
        if recurring_slip_twin(k, raw_counts[k], raw_counts, probs, total=total, damage_rate=damage_rate,
                               habits=habits, min_prob=s["slip_twin_min_prob"],
                               repeat_log=s["slip_repeat_log"], confusion_twins=twins,
                               habit_repeat_log=s["slip_habit_repeat_log"],
                               glyph_habits=every_habit, cheap_twin_cost=s["slip_cheap_twin_cost"]):
            out.append(k)
    return out, habits


LIGATURE_GAP_MIN_LEN = 2  # (a lone letter left of a word is a fragment of anything)


def dropped_ligatures(lost_glyphs: dict[str, float]) -> tuple[str, ...]:
    """The ligatures whose letters a corpus's text may have lost: all of them when it drops any
    by habit (:func:`lost_glyph_costs`; an extraction that cannot read one ligature glyph reads
    none: ``ffi`` is as rare as it is lost), none otherwise.

    >>> dropped_ligatures({"fi": 0.3, "s": 1.9}), dropped_ligatures({"s": 1.9})
    (('fi', 'fl', 'ff', 'ffi', 'ffl'), ())
    """
    return tuple(_LIGATURE_COST) if any(g in _LIGATURE_COST for g in lost_glyphs) else ()


def ligature_gap_twin(key: str, probs: dict[str, float], ligatures: tuple[str, ...], *, max_prob: float,
                      ratio: float, min_prob: float) -> tuple[str, str] | None:
    """The common word ``key`` is with one ligature's letters lost, and that ligature, if it is one.

    ``key`` (lowercase letters, at least ``LIGATURE_GAP_MIN_LEN``) must be rarer than
    ``max_prob`` in the general list ``probs``, and one of ``ligatures`` put back at one
    place (:func:`ligature_insertions`: not at the end) must make a word ``ratio`` times as common as ``key`` and at least ``min_prob``; the
    most common such word is returned. The judgement is on general frequencies alone: a
    text that lost its ligatures repeats its gaps, so its own counts cannot vouch for them.

    >>> probs = {"first": 5e-4, "rst": 3e-7, "find": 3e-4, "nd": 5e-6, "fire": 1e-4, "re": 2e-4}
    >>> ligs = ("fi", "fl", "ff", "ffi", "ffl")
    >>> [ligature_gap_twin(k, probs, ligs, max_prob=1e-5, ratio=20.0, min_prob=1e-6) for k in ("rst", "nd", "re")]
    [('first', 'fi'), ('find', 'fi'), None]
    >>> ligature_gap_twin("rst", probs, (), max_prob=1e-5, ratio=20.0, min_prob=1e-6) is None
    True
    """
    if not ligatures or len(key) < LIGATURE_GAP_MIN_LEN or not key.isalpha() or not key.islower():
        return None
    floor = probs.get(key, 0.0)
    if floor >= max_prob:
        return None
    floor = max(floor * ratio, min_prob)
    best, best_p = None, 0.0
    for w, lig in ligature_insertions(key, ligatures):
        p = probs.get(w, 0.0)
        if p >= floor and p > best_p:
            best, best_p = (w, lig), p
    return best


def ligature_insertions(key: str, ligatures: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Each spelling ``key`` makes with one of ``ligatures`` put back before one of its
    letters, with that ligature (not after the last: a word ending in ``ff`` read without it
    is as often a fragment).

    >>> list(ligature_insertions("re", ("fi", "fl")))
    [('fire', 'fi'), ('rfie', 'fi'), ('flre', 'fl'), ('rfle', 'fl')]
    """
    for lig in ligatures:
        for i in range(len(key)):
            yield key[:i] + lig + key[i:], lig


def ligature_gap_forms(trusted: dict[str, int], best_surface: dict[str, str], probs: dict[str, float],
                       lost_glyphs: dict[str, float], s: dict) -> dict[str, str]:
    """The trusted forms, written mostly in lowercase, that are gaps a lost ligature left in
    a common word (:func:`ligature_gap_twin`), in a corpus that drops ligatures by habit ->
    that word. (A text that loses every ``fi`` writes ``first`` in lowercase only as ``rst``:
    the word is no name for being written ``First`` alone.)"""
    ligatures = dropped_ligatures(lost_glyphs)
    out: dict[str, str] = {}
    if not ligatures:
        return out
    for k in trusted:
        if best_surface.get(k, k).islower():
            twin = ligature_gap_twin(k, probs, ligatures, max_prob=s["ligature_gap_max_prob"],
                                     ratio=s["ligature_gap_ratio"], min_prob=s["ligature_twin_min_prob"])
            if twin is not None:
                out[k] = twin[0]
    return out


def _at_least(counter: Counter, minimum: int) -> dict:
    """The entries of ``counter`` with a count of at least ``minimum``, in order (filtered in C)."""
    return dict(compress(counter.items(), map(le, repeat(minimum), counter.values())))


def _best_surfaces(spellings: list[tuple[str, str, int]]) -> tuple[dict[str, str], set[str]]:
    """Each key's most frequent spelling (ties: the greater string), and the keys ever written
    in lowercase."""
    keys = [k for k, _, _ in spellings]
    best = {k: surf for k, surf, _ in spellings}  # right for every key spelled one way
    several = _at_least(Counter(keys), 2)  # the few keys with several spellings (The, the)
    top: dict[str, tuple[int, str]] = {}
    for k, surf, c in compress(spellings, map(several.__contains__, keys)):
        cur = top.get(k)
        if cur is None or (c, surf) > cur:
            top[k] = (c, surf)
    best.update((k, surf) for k, (_, surf) in top.items())
    first_letters = map(itemgetter(0), [surf for _, surf, _ in spellings])
    lowercase_seen = set(compress(keys, map(str.islower, first_letters)))
    return best, lowercase_seen


def _corpus_skeletons(raw_counts: Counter) -> dict[str, list[str]]:
    """skeleton -> the corpus's alphabetic keys with it (in first-seen order)."""
    keys = [k for k in raw_counts if k.replace("'", "").isalpha()]
    out: dict[str, list[str]] = {}
    for k, sk in zip(keys, skeletons(keys)):
        out.setdefault(sk, []).append(k)
    return out


def token_skeleton_sets(surfaces: list[str]) -> list[set[str]]:
    """:func:`~cleaners.words.confusions.token_skeletons` of many surfaces at once.

    >>> token_skeleton_sets(["lhey", "Eiverpool"]) == [token_skeletons("lhey"), token_skeletons("Eiverpool")]
    True
    """
    # only capitals that may be other letters (E for L) give a surface more than one skeleton
    return [{sk} if _CAPITAL_ALTERNATIVE_CHARS.isdisjoint(surf) else token_skeletons(surf)
            for surf, sk in zip(surfaces, skeletons(surfaces))]


def skeletons(words: list[str]) -> list[str]:
    """:func:`~cleaners.words.confusions.skeleton` of many words at once.

    The folds and the class table are applied to the words joined by
    newlines, which no fold or class touches, so each word comes out as
    ``skeleton`` makes it, with a few C calls instead of a few per word.

    >>> skeletons(["that", "lhey", "rnodern", "Eiverpool"]) == [skeleton(w) for w in ["that", "lhey", "rnodern", "Eiverpool"]]
    True
    """
    joined = "\n".join(words).lower()
    for a, b in _GROUP_FOLDS:
        if a in joined:
            joined = joined.replace(a, b)
    return joined.translate(_CLASS_OF).split("\n") if words else []


def quantise4(n: int) -> int:
    """Largest power of four <= n (coarse, so the digest rarely moves).

    >>> [quantise4(n) for n in (4, 15, 16, 100)]
    [4, 4, 16, 64]
    """
    # (4**k has bit 2k alone: the highest even bit position at or below n's top bit)
    return 1 << (2 * ((n.bit_length() - 1) // 2)) if n >= 4 else 1


def char_ops(seen: str, meant: str) -> list[tuple[str, str]]:
    """The differing stretches of two spellings, as (seen, meant) pairs.

    >>> char_ops("slale", "state")
    [('l', 't'), ('l', 't')]
    """
    if len(seen) == len(meant):
        return [(a, b) for a, b in zip(seen, meant) if a != b]
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, seen, meant, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((seen[i1:i2], meant[j1:j2]))
    return out


def learn_confusions(spellings: list[tuple[str, str, int]], trusted: dict, raw_counts: Counter, probs: dict,
                     corpus_skeletons, general_skeletons, s: dict, *,
                     unknown: set[str] | None = None) -> dict[str, int]:
    """How often each misreading explains this corpus's damaged forms (TICCL's idea).

    Every unknown, untrusted form that a confusion twin dominates (``lhey`` ->
    ``they``) votes, with its number of occurrences, for the misreadings that
    turn the twin into it. ``spellings`` are ``(key, spelling, count)``.
    Returns ``"seen>meant"`` -> quantised count.
    """
    if unknown is None:
        unknown = {k for k, _, _ in spellings if probs.get(k, 0.0) < s["known_prob"]}
    votes: Counter = Counter()
    damaged = [(k, surf, c) for k, surf, c in spellings
               if k in unknown and k not in trusted and not _upper_or_mixed(surf)]
    skeleton_sets = token_skeleton_sets([surf for _, surf, _ in damaged])
    for (k, surf, c), skeleton_set in zip(damaged, skeleton_sets):
        twin = is_dominated(surf, raw_counts[k], raw_counts, probs, corpus_skeletons, general_skeletons,
                            ratio=s["dominance_ratio"], known_prob=s["known_prob"], skeleton_set=skeleton_set)
        if twin is None:
            continue
        meant = twin if surf.islower() else twin[:1].upper() + twin[1:]
        ops = char_ops(surf, meant)
        if len(ops) > 2:
            continue
        for a, b in ops:
            if 0 < len(a) <= 2 and 0 < len(b) <= 2 and a.lower() != b.lower():
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
