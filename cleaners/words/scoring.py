"""Candidates for a suspicious token and their noisy-channel scores.

score(reading) = log10 P_LM(reading | left, right)        (word bigrams, backoff)
               - channel cost (OCR confusion model)       (0 for the token as is)
               - log10 P(the word was misread at all)     (from local damage)

All scores are log10; the posterior of a reading is the softmax over the
token itself and its candidates.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Callable, Iterable

from cleaners.words.confusions import (CONFUSIONS, DOUBLED_COST, EXTRA_LETTER_COST, GENERIC_COST, LENGTH_CHANGING,
                                       LOST_LETTER_COST, STRAY_DIGIT_COST, channel_cost,
                                       channel_cost_within,
                                       length_change_floor, ligature_free_length_skeletons, skeleton, skeletons, sub_cost,
                                       token_skeletons)
from cleaners.words.diskindex import PostingIndex, cached_index, cached_mapping, code_digest
from cleaners.words.language import (FUNCTION_WORDS, bigram_logprobs, candidate_vocabulary,
                                     unigram_probs)
from cleaners.words.lexicon import CorpusLexicon, char_ops, one_edit_apart
from cleaners.words.tokens import apply_case, case_pattern

BACKOFF = math.log10(0.4)
LEARNED_VOTE_TOKENS = 1000  # tokens per vote below which a corpus counts as clean
MAX_CACHED_LOGPS = 1_000_000  # LanguageModel.logp memo entries kept (each ~100 bytes)
_UNCACHED = object()  # a form LanguageModel.logp has yet to look up


@dataclass(slots=True)
class Reading:
    text: str  # surface text to put in place of the token
    keys: tuple[str, ...]  # lowercase words of the reading
    channel: float  # OCR channel cost
    kind: str  # "as-is", "confusion", "edit", "split", "glyph"
    lm: float = 0.0
    score: float = 0.0
    posterior: float = 0.0

    def to_json(self) -> dict:
        return {"text": self.text, "kind": self.kind, "channel_cost": round(self.channel, 3),
                "lm": round(self.lm, 3), "score": round(self.score, 3),
                "posterior": round(self.posterior, 4)}


class _LogpMemo(dict):
    """:meth:`LanguageModel.logp`'s memo: ``memo[key]`` is the value, computed by the method
    on first use (a dict lookup, with no Python call, for every form seen before)."""

    __slots__ = ("lm",)

    def __init__(self, lm: "LanguageModel"):
        super().__init__()
        self.lm = lm

    def __missing__(self, key: str) -> float | None:
        return LanguageModel.logp(self.lm, key)


class LanguageModel:
    """General unigrams and bigrams, plus the corpus lexicon's trusted forms."""

    def __init__(self, lexicon: CorpusLexicon, *, unigrams: str = "wordfreq-large",
                 bigrams: str = "symspell", oov_logp: float = -8.5, name_logp: float = -7.5,
                 candidate_min_prob: float = 1e-8, generic_min_prob: float = 1e-7):
        self.lex = lexicon
        self.uni = unigram_probs(unigrams)
        self.big = bigram_logprobs(bigrams)
        self.vocab = candidate_vocabulary(unigrams, candidate_min_prob)
        self.oov_logp = oov_logp
        self.name_logp = name_logp
        self.logp_cache: dict[str, float | None] = _LogpMemo(self)
        # lm.logp(key): a C-level lookup once the form is known (the method below on a miss)
        self.logp = self.logp_cache.__getitem__
        # per-process caches keyed by surface form (the options that shape
        # candidates are part of the key under which this model is cached)
        self.candidate_cache: dict[str, list] = {}
        self.realword_cache: dict[str, list] = {}
        self.verdict_caches: dict[tuple, dict[str, int]] = {}
        # tables the words stage derives from the lexicon, built once (the compound index)
        self.lexicon_tables: dict[str, Any] = {}
        self.general_index = skeleton_index(unigrams, candidate_min_prob)
        self._generic_min_prob = generic_min_prob
        self._unigrams = unigrams
        self._candidate_min_prob = candidate_min_prob
        # trusted corpus forms by skeleton: those the general list lacks (candidates beside
        # the general index), and all of them (with the frequent general words, every
        # twin that can pass a frequency bar)
        forms = list(lexicon.counts)
        corpus: dict[str, list[str]] = {}
        every: dict[str, list[str]] = {}
        for k, sk in zip(forms, skeletons(forms)):
            every.setdefault(sk, []).append(k)
            if k not in self.vocab:
                corpus.setdefault(sk, []).append(k)
        self.corpus_index = {sk: tuple(sorted(v)) for sk, v in corpus.items()}
        # skeletons with a lost ligature restored, looked up from the other side: the
        # skeletons of either index minus one "tt" or "ttt" -> those skeletons
        self.general_ligatures = ligature_index(unigrams, candidate_min_prob)
        self.corpus_ligatures = _ligature_mapping(self.corpus_index)
        self.lexicon_index = {sk: tuple(v) for sk, v in every.items()}
        self._general_deletes = None
        self._corpus_deletes = None  # both built on first use (not every text needs them)
        # this corpus's misreadings: learned cost = -log10(share of the votes)
        # In clean context a misreading's learned cost is its rate per LEARNED_VOTE_TOKENS
        # tokens, not its share of the votes: a cleaner corpus (fewer votes for every
        # misreading) never makes one cheaper, so cleaning clean text finds no new repairs.
        votes = lexicon.confusions
        self.learned = _learned_bonuses(votes, lexicon.total / LEARNED_VOTE_TOKENS)
        # inside a burst of damage the corpus's own profile of misreadings (shares of
        # the actual votes) applies: the text there is known not to be clean
        self.learned_damaged = _learned_bonuses(votes, sum(votes.values()))
        self._channel_cache: dict[tuple[str, str, bool | None], float] = {}
        # this corpus's glyph habits, "seen>meant" -> cost (a lost glyph g as ">g")
        self._habits = corpus_habits(lexicon.lost_glyphs, lexicon.glyph_habits)
        self._habit_index: dict[str, tuple[str, ...]] | None = None  # built on first use
        self._twin_tables: dict[float, dict[str, tuple[str, ...]]] = {}
        self._screening_tables: dict[tuple[float, bool], tuple] = {}  # has_common_twin's, per options

    def channel(self, seen: str, meant: str, *, damaged: bool = False, limit: float | None = None) -> float:
        """Channel cost, cheaper for the misreadings this corpus is known to make
        (``damaged``: the token sits among other damaged words) and for its glyph
        habits (:func:`habit_channel_cost`). With a ``limit``: the same cost when it is
        at most ``limit``, some cost above ``limit`` otherwise (less work)."""
        # (learned bonuses apply to plain costs up to 3.0 alone: a plain cost past both
        # 3.0 and the limit can only end above the limit, unless a habit is cheaper)
        c = channel_cost(seen, meant) if limit is None else channel_cost_within(seen, meant, max(limit, 3.0))
        if self._habits:
            key = (seen, meant, None)
            h = self._channel_cache.get(key)
            if h is None:
                h = self._channel_cache[key] = habit_channel_cost(seen, meant, self._habits)
            if h < c:
                return h
        learned = self.learned_damaged if damaged else self.learned
        if not learned or c > 3.0:
            return c
        key = (seen, meant, damaged)
        out = self._channel_cache.get(key)
        if out is None:
            bonus = sum(learned.get(op, 0.0) for op in char_ops(seen, meant))
            out = self._channel_cache[key] = round(max(0.05, c - bonus), 3)
        return out

    def habit_twins(self, key: str) -> tuple[str, ...]:
        """Common words this corpus's glyph habits turn into ``key`` (one habit, once or twice)."""
        if not self._habits:
            return ()
        if self._habit_index is None:
            self._habit_index = habit_index(self._unigrams, tuple(sorted(self._habits.items())))
        return self._habit_index.get(key, ())

    def one_edit(self, key: str) -> set[str]:
        """Known words within one generic edit of ``key`` (symmetric deletes; a few at two)."""
        if self._general_deletes is None:
            self._general_deletes = delete_index(self._unigrams, self._generic_min_prob)
        if self._corpus_deletes is None:
            self._corpus_deletes = self._build_corpus_deletes()
        queries = _deletes(key) | {key}
        out = self._general_deletes.union(queries)
        cd = self._corpus_deletes
        for q in queries:
            out.update(cd.get(q, ()))
        out.discard(key)
        return out

    def one_edit_indels(self, key: str) -> set[str]:
        """The words of :meth:`one_edit` one letter longer or shorter than ``key`` (tested
        equal), for readings without a substitution: one index lookup, not one per deletion.

        A word one letter longer has ``key`` among its deletions, so it is filed under
        ``key`` itself; a word one letter shorter is a deletion of ``key`` that is a
        word of an index (a word is filed under itself)."""
        if self._general_deletes is None:
            self._general_deletes = delete_index(self._unigrams, self._generic_min_prob)
        if self._corpus_deletes is None:
            self._corpus_deletes = self._build_corpus_deletes()
        longer = len(key) + 1
        out = {w for w in self._general_deletes.get(key) if len(w) == longer}
        out.update(w for w in self._corpus_deletes.get(key, ()) if len(w) == longer)
        # (the words of the two indexes: _delete_mapping's test, _build_corpus_deletes's test)
        uni, gmp, counts, vocab = self.uni, self._generic_min_prob, self.lex.counts, self.vocab
        for d in _deletes(key):
            if d.isalpha() and ((len(d) >= 4 and (p := uni.get(d)) is not None and p >= gmp)
                                or (d in counts and d not in vocab)):
                out.add(d)
        out.discard(key)
        return out

    def _build_corpus_deletes(self) -> dict[str, tuple[str, ...]]:
        """The symmetric-delete index of the trusted corpus forms the general list lacks."""
        return delete_neighbourhoods(k for k in self.lex.counts if k not in self.vocab and k.isalpha())

    def same_skeleton(self, surface: str, *, length_changes: bool = False) -> set[str]:
        """Known words (general or trusted corpus forms) a token may be a misreading of.

        ``length_changes``: also after undoing one length-changing confusion
        (``li`` -> ``h``) or restoring one lost ligature.
        """
        out: set[str] = set()
        gi, ci = self.general_index, self.corpus_index
        if surface.islower():  # (most forms) token_skeletons: the one skeleton
            sk = skeleton(surface)
            sks = {sk}
        else:
            sks = token_skeletons(surface)
        if length_changes:
            # = length_skeletons(surface.lower()), but of the skeletons with a ligature
            # restored (one per position) only those an index holds
            sks |= ligature_free_length_skeletons(surface.lower())
            if not surface.islower():
                sk = skeleton(surface)
            sks.update(self.general_ligatures.get(sk, ()))
            sks.update(self.corpus_ligatures.get(sk, ()))
        for sk in sks:  # most skeletons name no word: no empty updates
            words = gi.get(sk)
            if words:
                out.update(words)
            words = ci.get(sk)
            if words:
                out.update(words)
        return out

    def common_twins(self, surface: str, min_prob: float) -> set[str]:
        """The words of :meth:`same_skeleton` (``length_changes=False``) whose :meth:`logp`
        reaches ``log10(min_prob)``: of the general list's words at least half that
        common, and of every trusted corpus form (the rest cannot be twins)."""
        table = self._twin_tables.get(min_prob)
        if table is None:
            table = self._twin_table(min_prob)
        out: set[str] = set()
        for sk in token_skeletons(surface):
            words = table.get(sk)
            if words:
                out.update(words)
        return out

    def has_common_twin(self, surface: str, key: str, *, ratio: float, min_prob: float,
                        length_changes: bool = False) -> bool:
        """:func:`is_confusable` (the same answer, tested on every seed form), for the
        per-form screening: the form's skeleton is made once and the twins are read
        straight from the tables (no set, no second skeleton for the slip index)."""
        tables = self._screening_tables.get((min_prob, length_changes))
        if tables is None:
            tables = self._screening_tables[(min_prob, length_changes)] = (
                self._twin_tables.get(min_prob) or self._twin_table(min_prob),
                slip_index(self._unigrams, self._candidate_min_prob, min_prob / 2) if length_changes else {},
                math.log10(min_prob))
        table, slips, floor = tables
        sk = skeleton(surface)
        twins, slipped = table.get(sk), slips.get(sk)
        if surface.islower():
            if not (twins or slipped):  # (most forms: no probability needed)
                return False
            groups = [twins or (), slipped or ()]
        else:  # readings of its capitals as other letters too (token_skeletons)
            groups = [twins or (), slipped or ()]
            groups += [table.get(other, ()) for other in token_skeletons(surface) if other != sk]
        lp = self.logp(key)
        if lp is None:
            return False
        bar = lp + math.log10(ratio)
        if bar < floor:  # = max(lp + log10(ratio), log10(min_prob))
            bar = floor
        logp = self.logp
        for words in groups:
            for k in words:
                if k != key:
                    lk = logp(k)
                    if lk is not None and lk >= bar and channel_cost_within(surface, render(k, surface, self.lex), 1.2) <= 1.2:
                        return True
        return False

    def _twin_table(self, min_prob: float) -> dict[str, tuple[str, ...]]:
        """skeleton -> the words :meth:`common_twins` gives for it (built once per model
        and ``min_prob``: one lookup per skeleton, and no word that can never pass)."""
        # the general list's words common enough on their own are the same for every corpus;
        # a rarer one passes only if this corpus makes it common enough (then it is a trusted form)
        general, borderline = _general_twins(self._unigrams, self._candidate_min_prob, min_prob)
        bar = math.log10(min_prob)
        logp = self.logp
        table: dict[str, tuple[str, ...]] = dict(general)
        for w in sorted(borderline.keys() & self.lex.counts.keys()):
            if (lp := logp(w)) is not None and lp >= bar:
                sk = borderline[w]
                table[sk] = table.get(sk, ()) + (w,)
        for sk, words in self.lexicon_index.items():  # (a word in both: kept twice, harmless in a set)
            keep = tuple(w for w in words if (lp := logp(w)) is not None and lp >= bar)
            if keep:
                have = table.get(sk)
                table[sk] = have + keep if have else keep
        if len(self._twin_tables) > 4:
            self._twin_tables.clear()
        self._twin_tables[min_prob] = table
        return table

    def logp(self, key: str) -> float | None:
        """log10 unigram probability, None if the form is unknown everywhere."""
        out = self.logp_cache.get(key, _UNCACHED)
        if out is not _UNCACHED:
            return out
        cache = self.logp_cache
        p = max(self.uni.get(key, 0.0), self.lex.prob(key))
        if p <= 0.0 and key.endswith("'s"):
            base = max(self.uni.get(key[:-2], 0.0), self.lex.prob(key[:-2]))
            p = base * 0.05
        out = math.log10(p) if p > 0 else None
        if len(cache) >= MAX_CACHED_LOGPS:  # a bound on memory (pure values: nothing changes)
            cache.clear()
        cache[key] = out
        return out

    def cond(self, prev: str | None, key: str, fallback: float) -> float:
        """log10 P(key | prev): the better of the general and the corpus bigram
        estimates, with stupid backoff to the unigram ``fallback``."""
        if prev is not None:
            b = self.big.get((prev, key))
            cb = self.lex.bigrams.get(prev + " " + key) if self.lex.bigrams else None
            if cb is not None:
                c = math.log10(cb / max(cb, self.lex.counts.get(prev, 0)))
                b = c if b is None else max(b, c)
            if b is not None:
                return b
            return BACKOFF + fallback
        return fallback

    def reading_lm(self, keys: tuple[str, ...], first_logp: float, left: str | None,
                   right: str | None) -> float:
        total = self.cond(left, keys[0], first_logp)
        for a, b in zip(keys, keys[1:]):
            lp = self.logp(b)
            total += self.cond(a, b, lp if lp is not None else self.oov_logp)
        if right is not None:
            rp = self.logp(right)
            total += self.cond(keys[-1], right, rp if rp is not None else self.oov_logp)
        return total


@lru_cache(maxsize=4)
def _general_twins(unigrams: str, candidate_min_prob: float, min_prob: float
                   ) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """:func:`frequent_skeleton_index` at ``min_prob / 2`` split for
    :meth:`LanguageModel._twin_table`: skeleton -> its words at least ``min_prob`` common
    in the general list (by the test ``logp`` makes), and word -> skeleton of the rest."""
    probs = unigram_probs(unigrams)
    bar = math.log10(min_prob)
    general: dict[str, tuple[str, ...]] = {}
    borderline: dict[str, str] = {}
    for sk, words in frequent_skeleton_index(unigrams, candidate_min_prob, min_prob / 2).items():
        keep = []
        for w in words:
            p = probs.get(w, 0.0)
            if p > 0.0 and math.log10(p) >= bar:
                keep.append(w)
            else:
                borderline[w] = sk
        if keep:
            general[sk] = tuple(keep)
    return general, borderline


HABIT_TWIN_MIN_PROB = 1e-6  # general probability a word needs to be proposed through a glyph habit


HABIT_MAX_LEN = 64  # longer forms are no habit's misprint of a word (the alignment stays cheap)
HABIT_REPEAT_COST = 0.5  # the same glyph habit again in one word: a typeface or an engine is consistent


def habit_channel_cost(seen: str, meant: str, habits: dict[str, float]) -> float:
    """The cost of reading ``meant`` as ``seen`` through this corpus's glyph habits
    alone (``"seen>meant"`` -> cost; a lost glyph ``g`` as ``">g"``), 99.0 when some
    difference is no habit. An inserted stretch may be several lost glyphs (``ss``);
    a habit met again in the same word costs at most ``HABIT_REPEAT_COST`` more (a
    book that drops its long s drops every one).

    >>> habit_channel_cost("poible", "possible", {">s": 1.9}), habit_channel_cost("posible", "possible", {">s": 1.9})
    (2.4, 1.9)
    >>> habit_channel_cost("tiien", "then", {"ii>h": 1.5}), habit_channel_cost("tiien", "than", {"ii>h": 1.5})
    (1.5, 99.0)
    >>> habit_channel_cost("reason", "reasons", {">s": 1.9})
    99.0
    """
    # every habit changes the length (none is one letter for one), each by at most 3
    # letters, and is used at most twice in a word; no word is longer than HABIT_MAX_LEN
    if len(seen) == len(meant) or abs(len(seen) - len(meant)) > 6 or len(seen) > HABIT_MAX_LEN:
        return 99.0
    used: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, seen, meant, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a, b = seen[i1:i2], meant[j1:j2]
        if a:
            h = f"{a}>{b}"
            if h not in habits:
                return 99.0
            used.append(h)
            continue
        # a glyph lost at the end is as often an ending (reason, reasons): no habit
        run = _glyph_run(b, habits) if j2 < len(meant) else None
        if run is None:
            return 99.0
        used.extend(run)
    total = 0.0
    for i, h in enumerate(used):
        total += min(habits[h], HABIT_REPEAT_COST) if h in used[:i] else habits[h]
    return round(total, 3)


def _glyph_run(run: str, habits: dict[str, float]) -> list[str] | None:
    """The cheapest split of ``run`` into lost glyphs (``">g"`` in ``habits``), if it has one.

    >>> _glyph_run("ffs", {">ff": 0.3, ">s": 1.9, ">f": 2.5})
    ['>ff', '>s']
    """
    best: list[tuple[float, list[str]] | None] = [(0.0, [])] + [None] * len(run)
    for i in range(len(run)):
        here = best[i]
        if here is None:
            continue
        for j in range(i + 1, min(len(run), i + 3) + 1):
            h = ">" + run[i:j]
            c = habits.get(h)
            if c is not None and (best[j] is None or here[0] + c < best[j][0]):
                best[j] = (here[0] + c, here[1] + [h])
    return best[-1][1] if best[-1] is not None else None


def corpus_habits(lost_glyphs: dict[str, float], glyph_habits: dict[str, float]) -> dict[str, float]:
    """A corpus's glyph habits in one table, ``"seen>meant"`` -> cost, a lost glyph ``g`` as ``">g"``.

    >>> corpus_habits({"s": 1.9}, {"ii>h": 1.5})
    {'>s': 1.9, 'ii>h': 1.5}
    """
    return {**{f">{g}": c for g, c in lost_glyphs.items()}, **glyph_habits}


@lru_cache(maxsize=4)
def habit_index(unigrams: str, habits: tuple[tuple[str, float], ...]) -> dict[str, tuple[str, ...]]:
    """:func:`_habit_index` of the general list's words of at least ``HABIT_TWIN_MIN_PROB``, once
    per process and corpus (``habits``: the items of :func:`corpus_habits`, sorted)."""
    return _habit_index(unigram_probs(unigrams), dict(habits), HABIT_TWIN_MIN_PROB)


def _habit_index(uni: dict[str, float], habits: dict[str, float], min_prob: float) -> dict[str, tuple[str, ...]]:
    """Words of at least ``min_prob`` as this corpus's glyph habits would misprint them:
    one habit undone once or twice (``possible`` -> ``posible``, ``poible``) -> the words.

    >>> _habit_index({"possible": 1e-4, "then": 1e-3}, {">s": 1.9, "ii>h": 1.5}, 1e-5)["poible"]
    ('possible',)
    """
    tmp: dict[str, set[str]] = {}
    pairs = [tuple(h.split(">", 1)) for h in sorted(habits)]
    for w, p in uni.items():
        if p < min_prob or not w.isalpha():
            continue
        for seen, meant in pairs:
            if meant not in w:
                continue
            # (a glyph lost at the end is no habit: see habit_channel_cost)
            for once in _replaced_once(w, meant, seen, inner=not seen):
                tmp.setdefault(once, set()).add(w)
                for twice in _replaced_once(once, meant, seen, inner=not seen):
                    tmp.setdefault(twice, set()).add(w)
    return {k: tuple(sorted(v)) for k, v in tmp.items() if len(k) >= 2}


def _replaced_once(word: str, old: str, new: str, *, inner: bool = False) -> list[str]:
    """``word`` with one occurrence of ``old`` (``inner``: not at the end) replaced by ``new``,
    for each occurrence.

    >>> _replaced_once("reasons", "s", ""), _replaced_once("reasons", "s", "", inner=True)
    (['reaons', 'reason'], ['reaons'])
    """
    out = []
    end = len(word) - len(old) if inner else len(word) + 1
    i = word.find(old)
    while i != -1 and i < end:
        out.append(word[:i] + new + word[i + len(old):])
        i = word.find(old, i + 1)
    return out


def _learned_bonuses(votes: dict[str, int], total_votes: float) -> dict[tuple[str, str], float]:
    """Channel-cost reduction per learned misreading: its cost is -log10 of its share of ``total_votes``."""
    out: dict[tuple[str, str], float] = {}
    if not total_votes:
        return out
    for pair, n in votes.items():
        a, _, b = pair.partition(">")
        cost = max(0.1, -math.log10(n / total_votes))
        if cost < sub_cost(a, b):
            out[(a, b)] = sub_cost(a, b) - cost
    return out


def render(key: str, surface: str, lex: CorpusLexicon) -> str:
    """The candidate ``key`` spelt in the case of the token it replaces.

    A form the corpus always capitalises (a name) keeps its corpus spelling.
    """
    corpus_form = lex.surfaces.get(key)
    if corpus_form is not None:
        return corpus_form
    pat = case_pattern(surface)
    if pat == "mixed":
        pat = "title" if surface[:1].isupper() else "lower"
    out = apply_case(key, pat)
    if "’" in surface and "'" in out:
        out = out.replace("'", "’")
    return out


# capitals that are often a misread lowercase letter at a word start (Iater)
_CONFUSABLE_INITIALS = frozenset("IJ1l")


def renderings(key: str, surface: str, lex: CorpusLexicon) -> list[str]:
    """Spellings of ``key`` to consider for ``surface`` (case pattern; lowercase if the capital may be a slip)."""
    first = render(key, surface, lex)
    out = [first]
    if surface[:1] in _CONFUSABLE_INITIALS and len(surface) > 2 and surface[1:].islower() \
            and key not in lex.surfaces:
        out.append(key)
    return out


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def delete_neighbourhoods(words: Iterable[str], deletes: Callable[[str], set[str]] | None = None
                          ) -> dict[str, tuple[str, ...]]:
    """Symmetric-delete table (SymSpell's idea): each of ``words`` and each of its
    deletions (``deletes``: the word and its deletions; by default the one-letter ones,
    distance 1) -> the words that give it, in the order of ``words``.

    >>> delete_neighbourhoods(["cat", "cot"])["ct"]
    ('cat', 'cot')
    """
    tmp: dict[str, list[str]] = {}
    for w in words:
        for d in (deletes(w) if deletes is not None else _deletes(w) | {w}):
            tmp.setdefault(d, []).append(w)
    return {d: tuple(v) for d, v in tmp.items()}


@lru_cache(maxsize=2)
def delete_index(unigrams: str, min_prob: float) -> PostingIndex:
    """Symmetric-delete index (SymSpell's idea, distance 1) of the general list's
    alphabetic words of 4+ letters: each word and each one-letter deletion -> words.

    Built once per machine and mapped from the disk cache (see :mod:`cleaners.words.diskindex`):
    as a dict it took seconds to build and ~120 MB in every process."""
    identity = {"index": "deletes", "unigrams": unigrams, "min_prob": repr(min_prob),
                "data": resource_identity(unigrams), "code": _index_code_digest()}
    return cached_index("deletes", identity, lambda: _delete_mapping(unigrams, min_prob))


def _delete_mapping(unigrams: str, min_prob: float) -> dict[str, tuple[str, ...]]:
    probs = unigram_probs(unigrams)
    return delete_neighbourhoods(w for w in sorted(candidate_vocabulary(unigrams, min_prob))
                                 if len(w) >= 4 and w.isalpha() and probs.get(w, 0.0) >= min_prob)


def resource_identity(unigrams: str) -> str:
    """The installed data behind a unigram resource (its package and version)."""
    from importlib.metadata import version

    package = "wordfreq" if unigrams.startswith("wordfreq") else "symspellpy"
    return f"{package}=={version(package)}"


@lru_cache(maxsize=1)
def _index_code_digest() -> str:
    """Digest of the code that decides the cached indexes' content: any change to it
    (and only such a change) rebuilds them."""
    from cleaners import frequencies
    from cleaners.words import confusions

    return code_digest(_delete_mapping, _deletes, _skeleton_mapping, confusions.skeleton,
                       confusions.skeletons, confusions._GROUP_FOLDS, sorted(confusions._CLASS_OF.items()),
                       candidate_vocabulary, unigram_probs, frequencies.unigrams)


@lru_cache(maxsize=4)
def skeleton_index(unigrams: str, min_prob: float) -> dict[str, tuple[str, ...]]:
    """skeleton -> general-list words with that skeleton (once per process, from the disk
    cache: a dict, as lookups are frequent; loading takes ~0.1 s, building ~0.9 s)."""
    identity = {"index": "skeletons", "unigrams": unigrams, "min_prob": repr(min_prob),
                "data": resource_identity(unigrams), "code": _index_code_digest()}
    return cached_mapping("skeletons", identity, lambda: _skeleton_mapping(unigrams, min_prob))


def _skeleton_mapping(unigrams: str, min_prob: float) -> dict[str, tuple[str, ...]]:
    words = sorted(candidate_vocabulary(unigrams, min_prob))
    tmp: dict[str, list[str]] = {}
    for sk, w in zip(skeletons(words), words):  # in sorted order: no sort per skeleton
        tmp.setdefault(sk, []).append(w)
    return {sk: tuple(v) for sk, v in tmp.items()}


LIGATURE_SKELETONS = ("tt", "ttt")  # the skeletons of every ligature (fi, fl, ff, ffi, ffl)


@lru_cache(maxsize=4)
def ligature_index(unigrams: str, min_prob: float) -> dict[str, tuple[str, ...]]:
    """:func:`_ligature_mapping` of :func:`skeleton_index` (once per process, from the disk cache)."""
    identity = {"index": "ligatures", "unigrams": unigrams, "min_prob": repr(min_prob),
                "data": resource_identity(unigrams), "code": _index_code_digest(),
                "ligature_code": code_digest(_ligature_mapping, LIGATURE_SKELETONS)}
    return cached_mapping("ligatures", identity,
                          lambda: _ligature_mapping(skeleton_index(unigrams, min_prob)))


def _ligature_mapping(index) -> dict[str, tuple[str, ...]]:
    """Each skeleton of ``index`` with one ligature skeleton ("tt", "ttt") taken out at
    one position -> the skeletons it came from (sorted).

    ``sk[:i] + "tt" + sk[i:]`` is a key of ``index`` exactly when that key with "tt"
    removed at ``i`` is ``sk``, so ``mapping.get(sk)`` holds every skeleton made by
    inserting a ligature into ``sk`` that ``index`` knows, without trying each position.

    >>> _ligature_mapping({"tteuhe": (), "uhe": ()})
    {'euhe': ('tteuhe',)}
    >>> _ligature_mapping({"tttuhe": ()})  # "tt" at 0 or 1, "ttt" at 0
    {'tuhe': ('tttuhe',), 'uhe': ('tttuhe',)}
    """
    tmp: dict[str, set[str]] = {}
    for k in index:
        for lig in LIGATURE_SKELETONS:
            i = k.find(lig)
            while i != -1:
                tmp.setdefault(k[:i] + k[i + len(lig):], set()).add(k)
                i = k.find(lig, i + 1)
    return {sk: tuple(sorted(v)) for sk, v in sorted(tmp.items())}


@lru_cache(maxsize=4)
def frequent_skeleton_index(unigrams: str, candidate_min_prob: float, min_prob: float
                            ) -> dict[str, tuple[str, ...]]:
    """skeleton -> the words of :func:`skeleton_index` at least ``min_prob`` common (small)."""
    vocab = candidate_vocabulary(unigrams, candidate_min_prob)
    tmp: dict[str, list[str]] = {}
    words = [w for w, p in unigram_probs(unigrams).items() if p >= min_prob and w in vocab]
    for w, sk in zip(words, skeletons(words)):
        tmp.setdefault(sk, []).append(w)
    return {sk: tuple(sorted(v)) for sk, v in tmp.items()}


def nonword_candidates(lm: LanguageModel, surface: str, key: str, *, max_channel: float,
                       generic: bool = True, generic_min_len: int = 4, generic_min_prob: float = 1e-7,
                       allow_split: bool = True, generic_substitutions: bool = True,
                       min_candidate_logp: float = -7.5, max_pool: int = 10) -> list[Reading]:
    """Readings for a token that is not a known word.

    ``generic``: also propose words one arbitrary edit away (for tokens that
    are unknown everywhere); ``generic_substitutions=False`` keeps only a lost
    or extra letter (for rare forms of the general list: ``goverment`` but not
    ``laxer`` -> ``later``).
    """
    out: dict[str, Reading] = {}
    # forms with several inner capitals (RTsKhIDNI) are only matched to trusted corpus forms
    corpus_only = case_pattern(surface) == "mixed" and sum(c.isupper() for c in surface[1:]) > 1
    pool = []
    for k in lm.same_skeleton(surface, length_changes=not corpus_only):
        if k == key or (corpus_only and k not in lm.lex.surfaces):
            continue
        lk = lm.logp(k)
        if lk is not None and lk >= min_candidate_logp:
            pool.append((-lk, k))
    # the most frequent few: a rare word would need overwhelming context to win
    pool = sorted(pool)[:max_pool]
    # and the common words this corpus's glyph habits turn into this form (poible)
    pool += [(0.0, k) for k in lm.habit_twins(key) if k != key and not corpus_only]
    for _, k in pool:
        for text in renderings(k, surface, lm.lex):
            if text == surface:
                continue
            ceiling = 1.0 if corpus_only else max_channel
            c = lm.channel(surface, text, limit=ceiling)
            if c <= ceiling:
                out[text] = Reading(text, (k,), c, "confusion")
    if corpus_only:
        return _best_per_key(out.values())
    if generic and len(key) >= generic_min_len and "'" not in key:
        # without substitutions, only the words a letter longer or shorter are looked up
        neighbours = lm.one_edit(key) if generic_substitutions else lm.one_edit_indels(key)
        too_dear = None  # a letter more or fewer costs more than allowed, whatever the word
        for k in neighbours:
            if (not generic_substitutions and len(k) == len(key)) or _inflection_pair(k, key):
                continue  # an unknown inflection of a known word is a word (behests)
            text = render(k, surface, lm.lex)
            if text in out:
                continue
            if abs(len(text) - len(surface)) == 1:
                if too_dear is None:
                    too_dear = length_change_floor(surface) - 1e-6 > max_channel
                if too_dear:
                    continue  # (no alignment to run)
            c = channel_cost_within(surface, text, max_channel)
            if c <= max_channel:
                out[text] = Reading(text, (k,), c, "edit")
    if allow_split and len(key) >= 4 and (key.isalpha() or "'" in key):
        for r in split_candidates(lm, surface, key):
            out.setdefault(r.text, r)
    if "'" in key:
        for r in apostrophe_glyph_candidates(lm, surface, key):
            if r.channel <= max_channel:
                out.setdefault(r.text, r)
    return _best_per_key(out.values())


#: what an apostrophe inside a word stands for when the OCR made it of part of a glyph
#: (seen, meant, cost): the arm of an ``r`` cut off its stem (``nari'ow``), a ligature the
#: font could not render (``su'ering``: ff), a speck (``conse'nted``), a capital's bowl
#: (``I'ortune``: F). General shapes of print, as the confusions of cleaners.words.confusions
APOSTROPHE_GLYPHS: tuple[tuple[str, str, float], ...] = (
    ("i'", "r", 0.6), ("'", "", 0.9), ("'", "ff", 0.8), ("'", "fi", 1.0), ("'", "fl", 1.0),
    ("'", "f", 1.2), ("'", "r", 1.2), ("I'", "F", 1.0), ("I'", "P", 1.2), ("I'", "R", 1.2),
    ("I'", "B", 1.2),
)
APOSTROPHE_GLYPH_MIN_LOGP = -7.0  # the word read must be at least this common (or trusted)
APOSTROPHE_SHORT_MIN_LOGP = -5.0  # ... and a word of four letters or fewer this common


def apostrophe_glyph_candidates(lm: LanguageModel, surface: str, key: str) -> list[Reading]:
    """Readings of a form with one apostrophe inside it, no clitic (``don't``, ``pass'd``:
    :data:`CLITICS`), as a word whose glyph the OCR broke into an apostrophe
    (:data:`APOSTROPHE_GLYPHS`): ``gi'ass`` grass, ``e'ect`` effect. The rest of the form
    must match the word letter for letter, and the word be a known one. Costed here
    (kind ``glyph``): the character-level channel model knows no apostrophe glyphs.

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> lm = LanguageModel(empty_lexicon())
    >>> [r.text for r in apostrophe_glyph_candidates(lm, "nari'ow", "nari'ow")]
    ['narrow']
    >>> [r.text for r in apostrophe_glyph_candidates(lm, "su'ering", "su'ering")]
    ['suffering']
    >>> apostrophe_glyph_candidates(lm, "pass'd", "pass'd"), apostrophe_glyph_candidates(lm, "O'Brien", "o'brien")
    ([], [])
    >>> apostrophe_glyph_candidates(lm, "e'en", "e'en"), apostrophe_glyph_candidates(lm, "n'avait", "n'avait")
    ([], [])
    >>> apostrophe_glyph_candidates(lm, "I'owe", "i'owe")
    []
    """
    if key.count("'") != 1:
        return []
    p = key.index("'")
    if p == 0 or p == len(key) - 1 or key[p + 1:] in CLITICS:
        return []
    head, tail = surface[:p], surface[p + 1:]
    if not (head.isalpha() and tail.isalpha()) or not tail.islower():
        return []  # (a capital after the apostrophe: a name, O'Brien, D'Arcy)
    if len(tail) < 2:
        return []
    out = []
    for seen, meant, cost in APOSTROPHE_GLYPHS:
        lead = seen[:-1]  # the letter read before the apostrophe, if the glyph has one
        if lead:
            if not head.endswith(lead) or (lead.isupper() and (len(head) > 1 or len(tail) < 3
                                                               or lm.logp(tail) is not None)):
                continue  # (a capital's glyph starts the word, I'ortune; I'owe is "I owe")
        elif len(head) < 2:
            continue  # one letter and an apostrophe is an elision (e'en, n'a, l'homme), not a glyph
        text = head[:len(head) - len(lead)] + meant + tail
        if len(text) < 3 or not text[1:].islower():
            continue
        k = text.lower()
        lk = lm.logp(k)
        floor = APOSTROPHE_GLYPH_MIN_LOGP if len(k) > 4 else APOSTROPHE_SHORT_MIN_LOGP
        if (lk is not None and lk >= floor) or lm.lex.trusted(k):
            out.append(Reading(text, (k,), cost, "glyph"))
    accented = _accent_readings(lm, head, tail)
    if accented:  # the apostrophe is the accent over the next letter (fa'cade: façade), no speck
        out = [r for r in out if len(r.text) != len(head) + len(tail)] + accented
    return out


#: the accented letters an apostrophe before a vowel (or c) may be the accent of
ACCENTED = {"a": "áàâä", "e": "éèêë", "i": "íìîï", "o": "óòôö", "u": "úùûü", "c": "ç"}
ACCENT_COST = 0.4


def _accent_readings(lm: LanguageModel, head: str, tail: str) -> list[Reading]:
    """``fa'cade``: façade, the cedilla under the ``c`` read as an apostrophe before it;
    only words a list knows (or the corpus trusts).

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> [r.text for r in _accent_readings(LanguageModel(empty_lexicon()), "fa", "cade")]
    ['façade']
    """
    out = []
    for letter in ACCENTED.get(tail[0], ""):
        text = head + letter + tail[1:]
        k = text.lower()
        lk = lm.logp(k)
        if (lk is not None and lk >= APOSTROPHE_GLYPH_MIN_LOGP) or lm.lex.trusted(k):
            out.append(Reading(text, (k,), ACCENT_COST, "glyph"))
    return out


_INFLECTIONS = ("s", "d")


def _inflection_pair(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by a final ``s`` or ``d`` (behest/behests).

    >>> _inflection_pair("behest", "behests"), _inflection_pair("bel", "bell")
    (True, False)
    """
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(long_) == len(short) + 1 and long_.startswith(short) and long_[-1] in _INFLECTIONS


def _best_per_key(readings) -> list[Reading]:
    """One reading per word sequence: the spelling the channel finds cheapest."""
    best: dict[tuple[str, ...], Reading] = {}
    for r in readings:
        cur = best.get(r.keys)
        if cur is None or (r.channel, r.text) < (cur.channel, cur.text):
            best[r.keys] = r
    return sorted(best.values(), key=lambda r: (r.channel, r.text))


SPLIT_COST = 0.1


def split_candidates(lm: LanguageModel, surface: str, key: str) -> list[Reading]:
    """Glued words: a short function word stuck to a known word (``amoment``, ``ofParis``).

    Only splits where one side is a function word are proposed, or two ordinary content
    words that are an attested pair (:func:`_attested_pair`): real compounds
    (``semimilitary``, ``nonparty``) are neither.
    """
    if "'" in key:
        return _apostrophe_split(lm, surface, key)
    out = []
    for i in range(1, len(key)):
        r = _split_at(lm, surface, key, i)
        if r is not None:
            out.append(r)
    if len(key) >= SEGMENT_MIN_LEN and lm.logp(key) is None:
        out.extend(segment_candidates(lm, surface, key))
    return out


def _split_at(lm: LanguageModel, surface: str, key: str, i: int) -> Reading | None:
    """The reading of ``key`` cut before position ``i``, if :func:`split_candidates` allows it."""
    a, b = key[:i], key[i:]
    if a not in FUNCTION_WORDS and b not in FUNCTION_WORDS:
        cost = SPLIT_COST + CONTENT_SPLIT_COST
        if not _attested_pair(lm, a, b):
            if not _common_content_pair(lm, key, a, b):
                return None
            cost += UNATTESTED_SPLIT_COST
        left, right = surface[:i], surface[i:]
        if right.islower() and (left.islower() or (left[0].isupper() and left[1:].islower())):
            return Reading(left + " " + right, (a, b), cost, "split")
        return None
    if a in ("i",) and surface[0] != "I":
        return None
    pa, pb = lm.logp(a), lm.logp(b)
    if pa is None or pb is None or pa < -6.5 or pb < -6.5:
        return None
    content = b if a in FUNCTION_WORDS else a
    if (len(content) < 3 or lm.logp(content) < -5.5) and not (a in FUNCTION_WORDS and b in FUNCTION_WORDS):
        return None  # two function words need no content word (herto, ina)
    left, right = surface[:i], surface[i:]
    # the function word must be all lowercase unless it starts the token
    case_boundary = left[-1].islower() and right[0].isupper()
    if not (left[1:].islower() or len(left) == 1) or (right[1:] and not right[1:].islower() and not case_boundary):
        return None
    if left[0].isupper() and not case_boundary and a in FUNCTION_WORDS and b not in FUNCTION_WORDS \
            and pb < -5.0:
        return None  # "Tothill": a capitalised function word before a rare word is a name's start
    return Reading(left + " " + right, (a, b), SPLIT_COST, "split")


SEGMENT_MIN_LEN = 8  # a form this long and unknown may be three or more words glued
SEGMENT_MAX_WORD = 20
SEGMENT_WORD_LOGP = -5.5  # each content piece of a segmentation at least this common


def segment_candidates(lm: LanguageModel, surface: str, key: str) -> list[Reading]:
    """Three or more words glued together (``whenherepliedthat``): the likeliest cut of
    ``key`` into function words and ordinary words of three letters or more, by
    unigram probability (context scores the reading afterwards); none if it has
    fewer than three pieces (two are :func:`split_candidates`' own) or if a piece is
    rare (a long name or a foreign word is not cut into English bits).

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> [r.text for r in segment_candidates(LanguageModel(empty_lexicon()), "thattheyhad", "thattheyhad")]
    ['that they had']
    """
    if not key.isalpha() or not (surface.islower() or (surface[0].isupper() and surface[1:].islower())):
        return []
    n = len(key)
    best: list[tuple[float, int] | None] = [None] * (n + 1)  # (score, start of the last piece)
    best[0] = (0.0, 0)
    for j in range(1, n + 1):
        for i in range(max(0, j - SEGMENT_MAX_WORD), j):
            if best[i] is None:
                continue
            piece = key[i:j]
            if piece not in FUNCTION_WORDS and len(piece) < 3:
                continue
            lp = lm.logp(piece)
            if lp is None or (lp < SEGMENT_WORD_LOGP and piece not in FUNCTION_WORDS):
                continue
            score = best[i][0] + lp
            if best[j] is None or score > best[j][0]:
                best[j] = (score, i)
    if best[n] is None:
        return []
    cuts, j = [], n
    while j > 0:
        i = best[j][1]
        cuts.append((i, j))
        j = i
    cuts.reverse()
    if len(cuts) < 3:
        return []
    if surface[0].isupper() and key[:cuts[0][1]] not in FUNCTION_WORDS:
        return []  # a capitalised run starts with a function word (Thelifeinsurance), not a name
    keys = tuple(key[i:j] for i, j in cuts)
    text = " ".join(surface[i:j] for i, j in cuts)
    return [Reading(text, keys, SPLIT_COST * (len(cuts) - 1), "split")]


CONTENT_SPLIT_COST = 0.3  # extra cost of a split into two content words (whohad, prisonerhad)
CONTENT_SPLIT_LOGP = -5.0  # ... each of them at least this common


def _attested_pair(lm: LanguageModel, a: str, b: str) -> bool:
    """Two ordinary content words written together in the general bigram list or this
    corpus (``prisoner had``): real compounds (``semimilitary``) are not such pairs."""
    if len(a) < 3 or len(b) < 3:
        return False
    pa, pb = lm.logp(a), lm.logp(b)
    if pa is None or pb is None or pa < CONTENT_SPLIT_LOGP or pb < CONTENT_SPLIT_LOGP:
        return False
    return (a, b) in lm.big or (a + " " + b) in lm.lex.bigrams


UNATTESTED_SPLIT_LOGP = -4.5  # two common content words glued need no attested pair (givensubsequently)
UNATTESTED_SPLIT_COST = 1.0  # ... at a cost: a one-slip reading of the form (lookbig: looking) comes first
#: endings that are words too (remain|est, kind|ness, wife|like): a form ending in one is a
#: derived word more often than two words glued
WORD_SUFFIXES = frozenset("est eth ness less ship hood ward wards wise like ful some man men able ing ion "
                          "ant ent ism ist ous".split())
#: beginnings that are words too (non|party, anti|war, over|crowded): a form starting with one
#: is a derived word more often than two words glued
WORD_PREFIXES = frozenset("non anti semi sub super over under out counter inter post pre self fore mid "
                          "multi pro vice ultra extra".split())


#: productive endings and beginnings of English derivations and inflections: a form no list
#: knows made of a known word and one of them is a real word as likely as not (unbefriended,
#: overpolished, appropriatory, unforgivingly)
DERIVING_SUFFIXES = ("s", "es", "d", "ed", "r", "er", "ers", "st", "est", "ing", "ings", "ly", "ness", "ment",
                     "ments", "ful", "less", "able", "ably", "ible", "ist", "ists", "ism", "ity", "ities", "ive",
                     "ion", "ions", "al", "ally", "ic", "ical", "y", "ies", "ier", "iest", "ish", "cy", "ry", "or",
                     "ors", "ory", "man", "men", "ance", "ence", "ant", "ent", "ure", "ous", "ise", "ize", "ised",
                     "ized", "ism", "isms")
DERIVING_PREFIXES = ("un", "re", "in", "im", "dis", "mis", "non", "over", "under", "out", "pre", "counter",
                     "fore", "inter", "super", "sub", "semi", "anti", "co", "de", "en", "be")
DERIVED_STEM_LOGP = -8.0  # the known word a derived form is made of: at least this common
COMPOUND_PART_LOGP = -6.0  # each word of a compound (plain|clothed): at least this common
_SPELLING_VARIANTS = (("is", "iz"), ("iz", "is"), ("our", "or"), ("or", "our"))


def derived_form(lm: LanguageModel, key: str) -> bool:
    """Whether a form no list knows is made like a real word: a known word (at least
    ``DERIVED_STEM_LOGP``) of four letters or more with a productive ending or beginning
    (:data:`DERIVING_SUFFIXES`, :data:`DERIVING_PREFIXES`), two common words of three letters
    or more (a compound: plain|clothed), or a known word's spelling variant (-ise/-ize, -our/-or).

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> lm = LanguageModel(empty_lexicon())
    >>> [derived_form(lm, w) for w in ("unbefriended", "overpolished", "plainclothed", "engimeering", "magnificemce")]
    [True, True, True, False, False]
    >>> derived_form(lm, "appropriatory")  # (appropriate, its silent e dropped before a vowel)
    True
    >>> derived_form(lm, "drolleries")  # (drollery, its y turned i)
    True
    """
    def known(w: str, floor: float = DERIVED_STEM_LOGP) -> bool:
        lp = lm.logp(w)
        return lp is not None and lp >= floor

    n = len(key)
    for suf in DERIVING_SUFFIXES:
        if key.endswith(suf) and n - len(suf) >= 4:
            stem = key[:-len(suf)]
            # (a silent e drops before a vowel: migrate|ory, migratory; a final y
            # turns i: foolery|ies, fooleries)
            if known(stem) or (suf[0] in "aeiouy" and known(stem + "e")) or (
                    suf[0] == "i" and len(suf) > 1 and known(stem + "y")):
                return True
    for pre in DERIVING_PREFIXES:
        if key.startswith(pre) and n - len(pre) >= 4 and known(key[len(pre):]):
            return True
    for i in range(3, n - 2):
        if known(key[:i], COMPOUND_PART_LOGP) and known(key[i:], COMPOUND_PART_LOGP):
            return True
    for a, b in _SPELLING_VARIANTS:
        at = key.find(a)
        while at != -1:
            if known(key[:at] + b + key[at + len(a):]):
                return True
            at = key.find(a, at + 1)
    return False


def _common_content_pair(lm: LanguageModel, key: str, a: str, b: str) -> bool:
    """Two common content words glued (``arrivedafter``, ``windowframe``) whose pair no
    bigram list holds: only in a form no list knows, each part a common word
    (``UNATTESTED_SPLIT_LOGP``) of three letters or more, the second no word ending
    (:data:`WORD_SUFFIXES`: ``remainest`` is a word) and the first no word beginning
    (:data:`WORD_PREFIXES`: ``nonparty``).

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> lm = LanguageModel(empty_lexicon())
    >>> _common_content_pair(lm, "arrivedafter", "arrived", "after"), _common_content_pair(lm, "remainest", "remain", "est")
    (True, False)
    """
    if len(a) < 3 or len(b) < 3 or b in WORD_SUFFIXES or a in WORD_PREFIXES or lm.logp(key) is not None:
        return False
    pa, pb = lm.logp(a), lm.logp(b)
    return pa is not None and pb is not None and min(pa, pb) >= UNATTESTED_SPLIT_LOGP


#: endings that make a word with an apostrophe a word (don't, we'll, they're, I've, 'em)
CLITICS = frozenset({"s", "t", "d", "m", "ll", "re", "ve", "em", "n"})
APOSTROPHE_SPLIT_COST = 0.4


def _apostrophe_split(lm: LanguageModel, surface: str, key: str) -> list[Reading]:
    """Two words with a stray mark read as an apostrophe between them (``buy'the``,
    ``application'with``, ``A'girl``); never a clitic (``don't``), a capitalised right part
    or a one-letter part other than the article (``O'Brien``, ``d'oeuvre``)."""
    if key.count("'") != 1:
        return []
    a, b = key.split("'")
    if b in CLITICS or (len(a) < 2 and a != "a") or len(b) < 2 or not (a.isalpha() and b.isalpha()):
        return []  # (the article is the one letter that is a word here: A'girl)
    pa, pb = lm.logp(a), lm.logp(b)
    if pa is None or pb is None or pa < CONTENT_SPLIT_LOGP or pb < CONTENT_SPLIT_LOGP:
        return []
    left, right = surface[:len(a)], surface[len(a) + 1:]
    if not right.islower():
        return []
    return [Reading(left + " " + right, (a, b), APOSTROPHE_SPLIT_COST, "split")]


FUNCTION_WORD_MAX = max(map(len, FUNCTION_WORDS))
GLUED_MARGIN = 3.0  # log10: a split this much likelier than the form as one word is evidence of glue


def glued_margin(lm: LanguageModel, surface: str, key: str) -> float | None:
    """How much likelier (log10) the best split of ``key`` off a function word
    (:func:`split_candidates`) is as two words, their bigram included, than ``key`` as one
    word of the general list; None without such a split or when the list does not know ``key``.

    A form of the general list can still be two words glued by the OCR: ``ofthe`` is
    in it (at 10^-5.7, from other scans) while ``of the`` is some 3,000 times likelier.
    A real word made of two words (``anew``, ``awhile``) is not far behind its parts.
    """
    p = lm.uni.get(key, 0.0)
    if not p:
        return None
    lp = math.log10(p)
    best = None
    n = len(key)
    # a function word is at most FUNCTION_WORD_MAX letters: only cuts that near an end
    cuts = [i for i in range(1, min(n, FUNCTION_WORD_MAX + 1)) if key[:i] in FUNCTION_WORDS]
    cuts += [i for i in range(max(1, n - FUNCTION_WORD_MAX), n) if key[i:] in FUNCTION_WORDS and i not in cuts]
    for i in cuts:
        r = _split_at(lm, surface, key, i)
        if r is None:
            continue
        a, b = r.keys
        la = lm.logp(a)
        margin = la + lm.cond(a, b, lm.logp(b)) - lp
        if best is None or margin > best:
            best = margin
    return best


def realword_candidates(lm: LanguageModel, surface: str, key: str, *, max_channel: float,
                        min_prob: float, length_changes: bool = False) -> list[Reading]:
    """Cheap confusion neighbours of a known word (``bad`` -> ``had``, ``lo`` -> ``to``;
    ``length_changes``: also ``lie`` -> ``he``)."""
    out = []
    keys = lm.same_skeleton(surface)
    if length_changes:
        keys.update(slip_index(lm._unigrams, lm._candidate_min_prob, min_prob / 2).get(skeleton(surface), ()))
    for k in sorted(keys):
        if k == key:
            continue
        if lm.uni.get(k, 0.0) < min_prob and not lm.lex.trusted(k):
            continue
        for text in renderings(k, surface, lm.lex):
            if text.lower() == surface.lower():
                continue
            c = lm.channel(surface, text, limit=max_channel)
            if c <= max_channel:
                out.append(Reading(text, (k,), c, "confusion"))
    return _best_per_key(out)


@lru_cache(maxsize=4)
def slip_index(unigrams: str, candidate_min_prob: float, min_prob: float) -> dict[str, tuple[str, ...]]:
    """skeleton of a length-changing misreading -> the words of :func:`frequent_skeleton_index`
    it may be (``lie``'s skeleton -> ``he``): one lookup per form instead of one per slip.

    >>> "he" in slip_index("wordfreq-large", 1e-8, 5e-6)[skeleton("lie")]
    True
    """
    vocab = candidate_vocabulary(unigrams, candidate_min_prob)
    words = sorted(w for w, p in unigram_probs(unigrams).items() if p >= min_prob and w in vocab)
    by_meant: dict[str, list[str]] = {}
    for seen, meant in LENGTH_CHANGING:
        by_meant.setdefault(meant, []).append(seen)
    variants: list[str] = []
    owners: list[str] = []
    for w in words:
        for meant, seens in by_meant.items():
            start = w.find(meant)
            while start != -1:
                rest = w[start + len(meant):]
                for seen in seens:
                    variants.append(w[:start] + seen + rest)
                    owners.append(w)
                start = w.find(meant, start + 1)
    tmp: dict[str, set[str]] = {}
    for sk, w in zip(skeletons(variants), owners):  # one batched pass (fast)
        tmp.setdefault(sk, set()).add(w)
    return {sk: tuple(sorted(v)) for sk, v in tmp.items()}


def is_confusable(lm: LanguageModel, surface: str, key: str, *, ratio: float, min_prob: float,
                  length_changes: bool = False) -> bool:
    """A known word with a much more common confusion twin (``thai``/``that``, ``lo``/``to``)."""
    lp = lm.logp(key)
    if lp is None:
        return False
    bar = max(lp + math.log10(ratio), math.log10(min_prob))
    # a twin must be at least min_prob common: only such words are looked at
    twins = lm.common_twins(surface, min_prob)
    if length_changes:
        words = slip_index(lm._unigrams, lm._candidate_min_prob, min_prob / 2).get(skeleton(surface))
        if words:
            twins.update(words)
    for k in twins:
        if k != key:
            lk = lm.logp(k)
            if lk is not None and lk >= bar and channel_cost_within(surface, render(k, surface, lm.lex), 1.2) <= 1.2:
                return True
    return False


class GeneralView:
    """``lm`` with this corpus's own evidence about one form set aside: its unigram and
    the word pairs it is part of come from the general lists only.

    A recurring misreading that is also a real word (``bad`` for ``had``, ``lie`` for
    ``he``) makes its own corpus statistics: the corpus pairs ``he bad`` and
    ``bad been`` are the very errors to be judged, so they cannot vouch for the form.
    """

    __slots__ = ("lm", "key", "oov_logp")

    def __init__(self, lm: LanguageModel, key: str):
        self.lm = lm
        self.key = key
        self.oov_logp = lm.oov_logp

    def logp(self, key: str) -> float | None:
        if key == self.key:
            p = self.lm.uni.get(key, 0.0)
            if p > 0.0:
                return math.log10(p)
        return self.lm.logp(key)

    def cond(self, prev: str | None, key: str, fallback: float) -> float:
        if prev is not None and self.key in (prev, key):
            b = self.lm.big.get((prev, key))
            return b if b is not None else BACKOFF + fallback
        return self.lm.cond(prev, key, fallback)

    reading_lm = LanguageModel.reading_lm


def score_readings(lm: LanguageModel, asis: Reading, cands: list[Reading], *, asis_logp: float,
                   left: str | None, right: str | None, error_logprior: float,
                   general_for: str | None = None) -> list[Reading]:
    """Score the token as is and its candidates; return all, best first, with posteriors.

    ``general_for``: a form whose corpus statistics are set aside (see :class:`GeneralView`).
    """
    if general_for is not None:
        lm = GeneralView(lm, general_for)
        g = lm.logp(general_for)
        asis_logp = min(asis_logp, g) if g is not None else asis_logp
    asis.lm = lm.reading_lm(asis.keys, asis_logp, left, right)
    asis.score = asis.lm
    for r in cands:
        lp = lm.logp(r.keys[0])
        r.lm = lm.reading_lm(r.keys, lp if lp is not None else lm.oov_logp, left, right)
        r.score = r.lm - r.channel + error_logprior
    return posteriors([asis] + cands)


def posteriors(readings: list[Reading]) -> list[Reading]:
    """Set each scored reading's posterior (its share of ``10 ** score``); return the
    readings best first (ties by text, so the order is deterministic).

    >>> rs = posteriors([Reading("a", ("a",), 0.0, "as-is", score=-1.0), Reading("b", ("b",), 0.0, "edit", score=0.0)])
    >>> [(r.text, round(r.posterior, 3)) for r in rs]
    [('b', 0.909), ('a', 0.091)]
    """
    top = max(r.score for r in readings)
    z = sum(10 ** (r.score - top) for r in readings)
    for r in readings:
        r.posterior = 10 ** (r.score - top) / z
    readings.sort(key=lambda r: (-r.score, r.text))
    return readings


# ---------------------------------------------------------------- two slips

TWO_SLIP_MIN_LEN = 5  # shorter forms are two edits from too many words
TWO_SLIP_MAX_LEN = 24  # (a longer unknown form is rarely a word two slips away)
TWO_SLIP_MAX_CHANNEL = 4.5  # one confusion and one arbitrary edit (1.0 + 3.0), or a lost letter too
TWO_SLIP_MIN_LOGP = -5.5  # a reading two slips away must be a word of the general list at least this common
TWO_SLIP_MAX_REWRITES = 48  # first slips tried per form (bounds the work on long forms)


@lru_cache(maxsize=1)
def _first_slips() -> dict[str, tuple[tuple[str, float], ...]]:
    """seen text -> (meant, cost) of the channel model's lowercase confusions: the
    misreadings undone as a first slip (``ii`` -> ``u``, ``rl`` -> ``n``, ``c`` -> ``e``)."""
    out: dict[str, dict[str, float]] = {}
    for seen, meant, cost in CONFUSIONS:
        if seen.isalpha() and meant.isalpha() and seen.islower() and meant.islower() and meant.isascii():
            have = out.setdefault(seen, {})
            have[meant] = min(cost, have.get(meant, cost))
    return {s: tuple(sorted(m.items())) for s, m in sorted(out.items())}


def first_slip_readings(key: str) -> list[tuple[str, float]]:
    """``key`` with one confusion of the channel model undone (or a doubled letter
    dropped), and its cost (cheapest first).

    >>> first_slip_readings("tiie")[:3]
    [('tile', 0.7), ('tite', 0.7), ('tlie', 0.7)]
    """
    table = _first_slips()
    best: dict[str, float] = {}
    for p in range(len(key)):
        for n in (1, 2):
            seen = key[p:p + n]
            if len(seen) < n:
                continue
            for meant, cost in table.get(seen, ()):
                w = key[:p] + meant + key[p + n:]
                if w != key and cost < best.get(w, 99.0):
                    best[w] = cost
        if p and key[p] == key[p - 1]:  # a letter printed twice
            w = key[:p] + key[p + 1:]
            if DOUBLED_COST < best.get(w, 99.0):
                best[w] = DOUBLED_COST
    return sorted(best.items(), key=lambda x: (x[1], x[0]))


def two_slip_candidates(lm: LanguageModel, surface: str, key: str, *,
                        max_channel: float = TWO_SLIP_MAX_CHANNEL, min_logp: float = TWO_SLIP_MIN_LOGP,
                        min_len: int = TWO_SLIP_MIN_LEN, max_len: int = TWO_SLIP_MAX_LEN) -> list[Reading]:
    """Common words two OCR slips away from a lowercase form no list knows: one
    confusion of the channel model undone (:func:`first_slip_readings`) and then a
    second slip, a confusion of the same class or one arbitrary edit (``grouiid``:
    ``ii`` -> ``u``, then ``u`` -> ``n``: ``ground``; ``wvitaess``: ``wv`` -> ``w``, then
    ``a`` -> ``n``: ``witness``). The cost of a reading is the cheaper of the channel
    cost of the whole form and the first slip's cost plus the channel cost of the rest
    (the channel model's alignment never chains two confusions on one letter).

    Only ordinary words (``min_logp``) of forms ``min_len`` to ``max_len`` letters long:
    two edits from a short form reach too many words.

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> [(r.text, r.channel) for r in two_slip_candidates(LanguageModel(empty_lexicon()), "grouiid", "grouiid")][:1]
    [('ground', 1.7)]
    """
    if not (min_len <= len(key) <= max_len) or not key.isalpha() or not surface.islower():
        return []
    best: dict[str, float] = {}
    uni = lm.uni
    bar = 10.0 ** min_logp

    def consider(seen: str, first: float, words) -> None:
        for k in words:
            if k == key or k in best and best[k] <= first:
                continue
            if uni.get(k, 0.0) < bar or not k.isalpha():
                continue
            c = first + channel_cost_within(seen, k, max_channel - first)
            if c <= max_channel:
                direct = lm.channel(surface, k)
                best[k] = min(c, direct, best.get(k, 99.0))

    common = two_slip_index(lm._unigrams, min_logp)
    # of a lowercase form the known words of the same class are those of its skeleton,
    # which most first slips keep (the ~25 rewrites of a form have ~10 skeletons)
    same_class: dict[str, set[str]] = {}

    def neighbours(w: str) -> set[str]:
        """Common words one arbitrary edit away from ``w`` (symmetric deletes), and the
        known words confusions of the same class away (filtered by :func:`consider`)."""
        out = common.union(_deletes(w) | {w})
        if not w.islower():  # (first slips of a lowercase form are lowercase)
            out.update(lm.same_skeleton(w))
            return out
        sk = skeleton(w)
        words = same_class.get(sk)
        if words is None:
            words = same_class[sk] = lm.same_skeleton(w)
        out.update(words)
        return out

    consider(key, 0.0, neighbours(key))
    for w, first in first_slip_readings(key)[:TWO_SLIP_MAX_REWRITES]:
        if first >= max_channel:
            break
        consider(w, first, neighbours(w))
    out = [Reading(k, (k,), round(c, 3), "two-slip") for k, c in best.items()]
    return sorted(out, key=lambda r: (r.channel, r.text))


@lru_cache(maxsize=2)
def two_slip_index(unigrams: str, min_logp: float) -> PostingIndex:
    """Symmetric-delete index (distance 1) of the general list's alphabetic words of
    3+ letters at least ``10**min_logp`` common (~15k words at 10^-5.5: a few MB, mapped
    from the disk cache and shared by every process): the second slip of
    :func:`two_slip_candidates` looks only among these.

    >>> "ground" in two_slip_index("wordfreq-large", TWO_SLIP_MIN_LOGP).union(["groud"])
    True
    """
    identity = {"index": "two-slip-deletes", "unigrams": unigrams, "min_logp": repr(min_logp),
                "data": resource_identity(unigrams), "code": _index_code_digest(),
                "own_code": code_digest(_two_slip_mapping)}
    return cached_index("two-slip-deletes", identity, lambda: _two_slip_mapping(unigrams, min_logp))


def _two_slip_mapping(unigrams: str, min_logp: float) -> dict[str, tuple[str, ...]]:
    bar = 10.0 ** min_logp
    return delete_neighbourhoods(w for w, p in sorted(unigram_probs(unigrams).items())
                                 if p >= bar and len(w) >= 3 and w.isalpha())


# ---------------------------------------------------------------- two slips from a name of the corpus

NAME_TWO_SLIP_MIN_LEN = 5  # shorter names are two edits from too many forms
NAME_TWO_SLIP_MAX_LEN = 24
NAME_TWO_SLIP_MAX_CHANNEL = 4.5  # (as :data:`TWO_SLIP_MAX_CHANNEL`)


def name_delete_index(lm: LanguageModel, min_count: int) -> dict[str, tuple[str, ...]]:
    """Symmetric-delete index (distance 1) of the corpus's names (:meth:`CorpusLexicon.name_spelling`)
    written at least ``min_count`` times: built once per language model (one corpus) and
    kept on it; a corpus has a few hundred such names, so the index is small.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"ostrava": 40, "moscow": 1}, surfaces={"ostrava": "Ostrava", "moscow": "Moscow"}, total=1000)
    >>> idx = name_delete_index(LanguageModel(lex), 8)
    >>> idx["ostava"], "moscow" in idx
    (('ostrava',), False)
    """
    ckey = ("name-delete-index", min_count)
    out = lm.candidate_cache.get(ckey)
    if out is None:
        lex = lm.lex
        out = lm.candidate_cache[ckey] = delete_neighbourhoods(
            k for k in sorted(set(lex.surfaces) | set(lex.capitalised))
            if lex.counts.get(k, 0) >= min_count and k.isalpha() and lex.name_spelling(k) is not None
            and NAME_TWO_SLIP_MIN_LEN <= len(k) <= NAME_TWO_SLIP_MAX_LEN + 1)
    return out


def name_two_slip_candidates(lm: LanguageModel, surface: str, key: str, *, min_count: int,
                             max_channel: float = NAME_TWO_SLIP_MAX_CHANNEL) -> list[Reading]:
    """Names of the corpus (written at least ``min_count`` times) two OCR slips from a
    capitalised form: one confusion of the channel model undone (:func:`first_slip_readings`)
    and then one edit found through :func:`name_delete_index` (``Ostmva``: ``m`` -> ``rn``,
    then ``n`` -> ``a``: ``Ostrava``). The cost of a
    reading is the cheaper of the first slip plus the channel cost of the rest and the
    channel cost of the whole form. Bounded work: at most ``TWO_SLIP_MAX_REWRITES`` first
    slips, each looked up in a dict.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"ostrava": 40}, surfaces={"ostrava": "Ostrava"}, total=1000)
    >>> [(r.text, r.kind) for r in name_two_slip_candidates(LanguageModel(lex), "Ostmva", "ostmva", min_count=8)]
    [('Ostrava', 'name-slips')]
    >>> [(r.text, r.keys) for r in name_two_slip_candidates(LanguageModel(lex), "Ostmva’s", "ostmva's", min_count=8)]
    [('Ostrava’s', ("ostrava's",))]
    """
    suffix = ""
    if key.endswith("'s"):  # a possessive: the name is the stem (Ostmva’s)
        key, suffix = key[:-2], key[-2:]
    if not (NAME_TWO_SLIP_MIN_LEN <= len(key) <= NAME_TWO_SLIP_MAX_LEN) or not key.isalpha() \
            or not surface[:1].isupper():
        return []
    index = name_delete_index(lm, min_count)
    if not index:
        return []
    best: dict[str, float] = {}
    near: set[str] = set()
    lex = lm.lex

    def consider(seen: str, first: float) -> None:
        found: set[str] = set()
        for d in _deletes(seen) | {seen}:
            found.update(index.get(d, ()))
        for k in found:
            if k == key or k in best and best[k] <= first or k in near:
                continue
            if one_edit_apart(key, k):  # (one edit away: the one-slip readings' business)
                near.add(k)
                continue
            c = first + channel_cost_within(seen, k, max_channel - first)
            if c <= max_channel:
                best[k] = min(c, lm.channel(key, k), best.get(k, 99.0))

    consider(key, 0.0)
    for w, first in first_slip_readings(key)[:TWO_SLIP_MAX_REWRITES]:
        if first >= max_channel:
            break
        consider(w, first)
    mark = "’s" if "’" in surface else suffix
    out = [Reading((lex.name_spelling(k) or k) + (mark if suffix else ""), (k + suffix,), round(c, 3), "name-slips")
           for k, c in best.items()]
    return sorted(out, key=lambda r: (r.channel, r.text))




# ---------------------------------------------------------------- deep slips (several confusions)

DEEP_MIN_LEN = 4  # shorter forms are a few confusions from too many words
DEEP_MAX_LEN = 24  # (a longer form is no search's business: no work grows with a huge token)
DEEP_MAX_CHANNEL = 3.0  # total cost of the confusions undone (two or three cheap ones)
DEEP_MAX_SLIPS = 3  # confusions undone per form at most
DEEP_MIN_LOGP = -6.5  # a reading must be a word at least this common (general list or corpus)
DEEP_MAX_STEPS = 3000  # search states expanded per form at most (bounds the work)
DEEP_MAX_READINGS = 12  # readings kept per form (the cheapest)
DEEP_GENERIC_MIN_LEN = 7  # forms at least this long may have an arbitrary slip among their slips
DEEP_GENERIC_MAX_CHANNEL = 3.5  # total cost at most of a reading with an arbitrary slip among its slips
DEEP_GENERIC_MIN_LOGP = -5.5  # ... and one reached with an arbitrary slip among them this common


@lru_cache(maxsize=1)
def _deep_slips() -> dict[str, tuple[tuple[str, float], ...]]:
    """seen text -> (meant, cost) of the channel model's confusions that turn lowercase
    print (letters, and the digits an engine reads for letters: ``1`` for ``l``) into
    lowercase letters, cheapest first."""
    out: dict[str, dict[str, float]] = {}
    for seen, meant, cost in CONFUSIONS:
        if (seen == seen.lower() and seen.isalnum() and meant.isalpha() and meant.islower()
                and meant.isascii() and seen != meant):
            have = out.setdefault(seen, {})
            have[meant] = min(cost, have.get(meant, cost))
    return {s: tuple(sorted(m.items(), key=lambda x: (x[1], x[0]))) for s, m in sorted(out.items())}


def _prefixes(words: Iterable[str]) -> dict[str, str]:
    """prefix -> the letters that may follow it, after ``$`` if the prefix is a word.

    >>> _prefixes(["at", "an", "a"])
    {'': 'a', 'a': '$nt', 'an': '$', 'at': '$'}
    """
    follow: dict[str, set[str]] = {}
    ends: set[str] = set()
    for w in words:
        ends.add(w)
        for i in range(len(w)):
            follow.setdefault(w[:i], set()).add(w[i])
        follow.setdefault(w, set())
    return {p: ("$" if p in ends else "") + "".join(sorted(f)) for p, f in sorted(follow.items())}


def _prefix_mapping(unigrams: str, min_logp: float) -> dict[str, str]:
    bar = 10.0 ** min_logp
    return _prefixes(w for w, p in unigram_probs(unigrams).items()
                     if p >= bar and len(w) >= 2 and w.isalpha() and w.isascii() and w.islower())


@lru_cache(maxsize=2)
def prefix_table(unigrams: str, min_logp: float) -> dict[str, str]:
    """Every prefix of the general list's lowercase words at least ``10**min_logp``
    common -> the letters that may follow it, after ``$`` if it is such a word itself
    (~120k prefixes at 10^-6.5): the lexicon's trie, as a dict, that prunes
    :func:`deep_slip_candidates`. Built once per machine (disk cache), loaded once per process.

    >>> t = prefix_table("wordfreq-large", DEEP_MIN_LOGP)
    >>> t["mothe"], t["mother"][:1], "mothx" in t
    ('r', '$', False)
    """
    identity = {"table": "word-prefixes", "unigrams": unigrams, "min_logp": repr(min_logp),
                "data": resource_identity(unigrams), "own_code": code_digest(_prefix_mapping, _prefixes)}
    return cached_mapping("word-prefixes", identity, lambda: _prefix_mapping(unigrams, min_logp))


def corpus_prefix_table(lm: LanguageModel, min_logp: float) -> dict[str, str]:
    """:func:`prefix_table` of the corpus's trusted lowercase forms the general table
    lacks, at least ``10**min_logp`` common in it and none of its names (built once per
    language model, i.e. per corpus, and kept on it)."""
    ckey = ("deep-corpus-prefixes", min_logp)
    out = lm.candidate_cache.get(ckey)
    if out is None:
        general = prefix_table(lm._unigrams, min_logp)
        lex = lm.lex
        out = lm.candidate_cache[ckey] = _prefixes(
            k for k in sorted(lex.counts)
            if not general.get(k, "").startswith("$") and len(k) >= 2 and k.isalpha() and k.isascii()
            and k.islower() and lex.name_spelling(k) is None and (lp := lm.logp(k)) is not None and lp >= min_logp)
    return out


def _deep_viable(key: str, j: int, prefix: str, budget: float, general: dict[str, str], corpus: dict[str, str],
                 slips: dict[str, tuple[tuple[str, float], ...]]) -> bool:
    """Whether the search state (``key[j:]`` still to read, ``prefix`` read) can take one
    more step within ``budget``: what follows an arbitrary slip is checked before the state
    is queued (most such states are dead ends, and the queue is the costly part)."""
    if j >= len(key):
        return general.get(prefix, "")[:1] == "$" or corpus.get(prefix, "")[:1] == "$"
    w = prefix + key[j]
    if w in general or w in corpus:
        return True
    for ln in (1, 2):
        for meant, c in slips.get(key[j:j + ln], ()):
            if c > budget:
                break
            w = prefix + meant
            if w in general or w in corpus:
                return True
    return False


def deep_slip_candidates(lm: LanguageModel, surface: str, key: str, *,
                         max_channel: float = DEEP_MAX_CHANNEL, max_slips: int = DEEP_MAX_SLIPS,
                         min_logp: float = DEEP_MIN_LOGP, min_len: int = DEEP_MIN_LEN,
                         max_len: int = DEEP_MAX_LEN, max_steps: int = DEEP_MAX_STEPS,
                         max_readings: int = DEEP_MAX_READINGS, max_generic: int = 0,
                         generic_min_logp: float = DEEP_GENERIC_MIN_LOGP,
                         generic_max_channel: float = DEEP_GENERIC_MAX_CHANNEL,
                         generic_min_len: int = DEEP_GENERIC_MIN_LEN) -> list[Reading]:
    """Words several OCR confusions away from a lowercase form no list knows: the
    confusions of the channel model (:data:`~cleaners.words.confusions.CONFUSIONS`:
    ``rn``/``m``, ``li``/``h``, ``n``/``u``, ``h``/``n``, ``1``/``l``, ...) and doubled
    letters undone at up to ``max_slips`` places, ``max_channel`` in all: ``npoh`` (n for
    u, h for n) upon, ``niotlier`` (ni for m, li for h) mother. Neither one slip nor the
    two-slip search reaches these (a second slip there is one more confusion of the same
    class or one arbitrary edit).

    A cheapest-first search over the form's letters, each step reading one letter (or two)
    as itself or as what a confusion says it stands for, kept only while what has been read
    is the start of a word (:func:`prefix_table`, and the corpus's own forms:
    :func:`corpus_prefix_table`), so it never wanders; at most ``max_steps`` states per
    form. Each word reached is priced by the channel model (the cheaper of the search's sum
    and :meth:`LanguageModel.channel`); the ``max_readings`` cheapest are returned, kind
    ``"deep-slips"``. Only forms of ``min_len`` to ``max_len`` characters, lowercase letters
    with at most the digits an engine reads for letters.

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> lm = LanguageModel(empty_lexicon())
    >>> [(r.text, r.channel) for r in deep_slip_candidates(lm, "niotlier", "niotlier")][:1]
    [('mother', 1.7)]
    >>> deep_slip_candidates(lm, "Niotlier", "niotlier"), deep_slip_candidates(lm, "mother", "mother")
    ([], [])
    """
    n = len(key)
    if not (min_len <= n <= max_len) or not surface.islower() or not key.isalnum() or not key.isascii() \
            or key.isdigit() or sum(c.isdigit() for c in key) > 2:
        return []
    general = prefix_table(lm._unigrams, min_logp)
    corpus = corpus_prefix_table(lm, min_logp)
    if general.get(key, "").startswith("$") or corpus.get(key, "").startswith("$"):
        return []  # (a word as read: no business here)
    slips = _deep_slips()
    generic_max = min(max_channel, generic_max_channel)
    if n < generic_min_len:
        max_generic = 0  # (an arbitrary slip in a short form reaches too many words, at a high price in work)
    heap: list[tuple[float, int, int, str, int]] = [(0.0, 0, 0, "", 0)]
    seen_states: dict[tuple[int, str, int], float] = {}
    found: dict[str, float] = {}
    steps = 0
    push = heapq.heappush
    while heap and steps < max_steps:
        cost, i, k, prefix, g = heapq.heappop(heap)
        state = (i, prefix, g)
        if seen_states.get(state, 99.0) <= cost:
            continue
        seen_states[state] = cost
        steps += 1
        if i == n:
            if prefix != key and (general.get(prefix, "")[:1] == "$" or corpus.get(prefix, "")[:1] == "$") \
                    and prefix not in found \
                    and (not g or (lm.logp(prefix) or -99.0) >= generic_min_logp):
                found[prefix] = cost
                if len(found) >= max_readings:
                    break
            if g < max_generic and cost + LOST_LETTER_COST <= generic_max:  # a last letter lost
                for letter in (general.get(prefix, "") + corpus.get(prefix, "")).lstrip("$"):
                    w = prefix + letter
                    if letter != "$" and _deep_viable(key, n, w, 0.0, general, corpus, slips):
                        push(heap, (cost + LOST_LETTER_COST, n, k + 1, w, g + 1))
            continue
        ch = key[i]
        w = prefix + ch  # the letter as itself
        if ch.isalpha() and (w in general or w in corpus):
            push(heap, (cost, i + 1, k, w, g))
        if k >= max_slips:
            continue
        for ln in (1, 2):
            if i + ln > n:
                break
            for meant, c in slips.get(key[i:i + ln], ()):
                total = cost + c
                if total > max_channel:
                    break  # (cheapest first)
                w = prefix + meant
                if w in general or w in corpus:
                    push(heap, (total, i + ln, k + 1, w, g))
        if i and ch == key[i - 1] and cost + DOUBLED_COST <= max_channel:  # a letter printed twice
            push(heap, (cost + DOUBLED_COST, i + 1, k + 1, prefix, g))
        if g < max_generic:  # one arbitrary slip: a letter lost, one too many, one misread
            extra = STRAY_DIGIT_COST if ch.isdigit() else EXTRA_LETTER_COST
            if cost + extra <= generic_max and _deep_viable(key, i + 1, prefix, generic_max - cost - extra,
                                                           general, corpus, slips):
                push(heap, (cost + extra, i + 1, k + 1, prefix, g + 1))
            if cost + min(LOST_LETTER_COST, GENERIC_COST) <= generic_max:
                follow = (general.get(prefix, "") + corpus.get(prefix, "")).lstrip("$")
                for lost, c in ((True, LOST_LETTER_COST), (False, GENERIC_COST)):
                    if cost + c <= generic_max:
                        j = i if lost else i + 1
                        for letter in follow:
                            w = prefix + letter
                            if letter != "$" and (lost or letter != ch) and _deep_viable(
                                    key, j, w, generic_max - cost - c, general, corpus, slips):
                                push(heap, (cost + c, j, k + 1, w, g + 1))
    out = []
    for word, c in found.items():
        direct = lm.channel(surface, word)
        out.append(Reading(word, (word,), round(min(c, direct), 3), "deep-slips"))
    return sorted(out, key=lambda r: (r.channel, r.text))
