"""Distant readings: common words two arbitrary edits from a lowercase non-word.

The one-slip candidates (:func:`cleaners.words.scoring.nonword_candidates`) and the
two-slip search (:func:`cleaners.words.scoring.two_slip_candidates`: one OCR confusion
plus one more slip) leave forms that heavy damage put two unrelated edits away from the
word meant (``previoros``: previous; ``evwnrng``: evening). Those are searched here,
as the last resort, only for a lowercase form no list knows and no cheaper reading
explains:

- Where: among COMMON words only (the general list's words at least
  ``10**DISTANT_MIN_LOGP`` common, and the corpus's own frequent lowercase forms):
  two arbitrary edits from a rare word reach too much.
- How: symmetric deletes at distance 2 (SymSpell's idea): every common word and each of
  its one- and two-letter deletions -> the words, built once per machine into the disk
  cache (:func:`distant_index`); a form looks up its own deletions (~L*L/2 keys, a
  Bloom filter turns most away), and every word found is costed by the channel model
  (:meth:`LanguageModel.channel`: confusions cheap, each arbitrary edit
  ``GENERIC_COST``) up to ``max_channel``.
- When applied (:func:`distant_applies`): the reading must win the noisy-channel vote
  clearly (posterior at least the bar, so every rival together is below 1 - bar), no
  reading of another word may come near it (``margin`` in log10 score), and the
  context must attest it: a word pair with a neighbour in the general bigram list or
  the corpus's own pairs (a lower bar when each neighbour the token has attests it).
  Otherwise it is flagged with its candidates.
- The form as is: a lowercase form with letter trigrams no common word has
  (:func:`unspelled_trigrams`: ``inqmirien``) is less likely a word of its own
  (:func:`shape_penalty`, weighed only in this last search); dialect and archaic
  spellings (``whaur``, ``naething``) are spelled with ordinary trigrams.

Bounded work: forms of ``DISTANT_MIN_LEN`` to ``DISTANT_MAX_LEN`` letters, one batch of
hash lookups each, at most ``DISTANT_MAX_CANDIDATES`` channel alignments per form (the
words closest in length first); results are cached per surface form by the caller.
"""

from __future__ import annotations

from functools import lru_cache

from cleaners.words.diskindex import PostingIndex, cached_index, cached_mapping, code_digest
from cleaners.words.language import unigram_probs
from cleaners.words.scoring import (LanguageModel, Reading, _index_code_digest, delete_neighbourhoods,
                                    resource_identity)

DISTANT_MIN_LEN = 5  # shorter forms are two arbitrary edits from too many words
DISTANT_MAX_LEN = 20
DISTANT_MIN_WORD_LEN = 4  # (shorter words are the one-slip readings' business)
DISTANT_MIN_LOGP = -5.0  # a distant reading must be at least this common (general list or corpus)
DISTANT_MAX_CHANNEL = 6.0  # two arbitrary edits (2 x GENERIC_COST), or cheaper confusions and more
DISTANT_MAX_CANDIDATES = 200  # channel alignments per form at most
DISTANT_CORPUS_MIN_COUNT = 8  # a corpus form the general list lacks must be written this often
SHAPE_MIN_LOGP = -6.0  # letter trigrams of words at least this common are ones English spells


def _deletes2(word: str) -> set[str]:
    """``word``, its one-letter deletions and its two-letter deletions.

    >>> sorted(_deletes2("abc"))
    ['a', 'ab', 'abc', 'ac', 'b', 'bc', 'c']
    >>> delete_neighbourhoods(["house", "horse"], _deletes2)["hse"]  # (the distance-2 table)
    ('house', 'horse')
    """
    one = {word[:i] + word[i + 1:] for i in range(len(word))}
    out = {word} | one
    for w in one:
        out.update(w[:i] + w[i + 1:] for i in range(len(w)))
    return out


def _distant_mapping(unigrams: str, min_logp: float) -> dict[str, tuple[str, ...]]:
    bar = 10.0 ** min_logp
    return delete_neighbourhoods((w for w, p in sorted(unigram_probs(unigrams).items())
                                  if p >= bar and len(w) >= DISTANT_MIN_WORD_LEN and w.isalpha()
                                  and w.isascii()), _deletes2)


@lru_cache(maxsize=2)
def distant_index(unigrams: str, min_logp: float) -> PostingIndex:
    """The distance-2 symmetric-delete index of the general list's common words (see
    :func:`~cleaners.words.scoring.delete_neighbourhoods` with :func:`_deletes2`), built once per machine and mapped from the disk cache.

    >>> "previous" in distant_index("wordfreq-large", DISTANT_MIN_LOGP).union(["previos"])
    True
    """
    identity = {"index": "distant-deletes", "unigrams": unigrams, "min_logp": repr(min_logp),
                "data": resource_identity(unigrams), "code": _index_code_digest(),
                "own_code": code_digest(_distant_mapping, delete_neighbourhoods, _deletes2),
                "min_word_len": DISTANT_MIN_WORD_LEN}
    return cached_index("distant-deletes", identity, lambda: _distant_mapping(unigrams, min_logp))


def corpus_distant_index(lm: LanguageModel, min_logp: float,
                         min_count: int = DISTANT_CORPUS_MIN_COUNT) -> dict[str, tuple[str, ...]]:
    """The same table for the corpus's frequent lowercase forms the general list does not
    hold as common words (its own vocabulary: ``gaol``, a trade's terms), built once per
    language model (one corpus) and kept on it.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"tolbooth": 16, "rare": 1}, total=1000)
    >>> idx = corpus_distant_index(LanguageModel(lex), DISTANT_MIN_LOGP)
    >>> idx["tlboth"], "rre" in idx
    (('tolbooth',), False)
    """
    ckey = ("distant-corpus-index", min_logp, min_count)
    out = lm.candidate_cache.get(ckey)
    if out is None:
        bar = 10.0 ** min_logp
        uni, lex = lm.uni, lm.lex
        out = lm.candidate_cache[ckey] = delete_neighbourhoods(
            (k for k in sorted(lex.counts)
             if lex.counts[k] >= min_count and uni.get(k, 0.0) < bar and k.isalpha()
             and len(k) >= DISTANT_MIN_WORD_LEN and lex.name_spelling(k) is None
             and lex.prob(k) >= bar), _deletes2)
    return out


def distant_candidates(lm: LanguageModel, surface: str, key: str, *,
                       max_channel: float = DISTANT_MAX_CHANNEL, min_logp: float = DISTANT_MIN_LOGP,
                       min_len: int = DISTANT_MIN_LEN, max_len: int = DISTANT_MAX_LEN) -> list[Reading]:
    """Common words (general list or corpus, at least ``10**min_logp``) within two
    arbitrary edits (letter deletions on either side) of a lowercase form, with their
    channel cost up to ``max_channel``; cheapest first, kind ``"distant"``.

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> [(r.text, r.channel) for r in distant_candidates(LanguageModel(empty_lexicon()), "previoros", "previoros")][:1]
    [('previous', 6.0)]
    >>> distant_candidates(LanguageModel(empty_lexicon()), "Previoros", "previoros")
    []
    """
    if not (min_len <= len(key) <= max_len) or not key.isalpha() or not surface.islower() \
            or not key.isascii():
        return []
    queries = _deletes2(key)
    found = distant_index(lm._unigrams, min_logp).union(queries)
    corpus = corpus_distant_index(lm, min_logp)
    if corpus:
        for q in queries:
            found.update(corpus.get(q, ()))
    n = len(key)
    near = sorted((k for k in found if k != key and abs(len(k) - n) <= 2),
                  key=lambda k: (abs(len(k) - n), k))[:DISTANT_MAX_CANDIDATES]
    out = []
    for k in near:
        c = lm.channel(surface, k)
        if c <= max_channel:
            out.append(Reading(k, (k,), round(c, 3), "distant"))
    return sorted(out, key=lambda r: (r.channel, r.text))


def _trigram_mapping(unigrams: str, min_logp: float) -> dict[str, int]:
    bar = 10.0 ** min_logp
    out: dict[str, int] = {}
    for w, p in unigram_probs(unigrams).items():
        if p >= bar and w.isalpha():
            b = f"<{w}>"
            for i in range(len(b) - 2):
                out[b[i:i + 3]] = 1
    return out


@lru_cache(maxsize=2)
def spelled_trigrams(unigrams: str, min_logp: float = SHAPE_MIN_LOGP) -> frozenset[str]:
    """The letter trigrams (``<`` and ``>`` mark the word's ends) of the general list's
    words at least ``10**min_logp`` common: once per machine (disk cache), once per process.

    >>> t = spelled_trigrams("wordfreq-large")
    >>> "<th" in t, "nqm" in t
    (True, False)
    """
    identity = {"table": "spelled-trigrams", "unigrams": unigrams, "min_logp": repr(min_logp),
                "data": resource_identity(unigrams), "own_code": code_digest(_trigram_mapping)}
    return frozenset(cached_mapping("spelled-trigrams", identity, lambda: _trigram_mapping(unigrams, min_logp)))


def unspelled_trigrams(key: str, unigrams: str) -> list[str]:
    """The letter trigrams of ``key`` no common word of the general list contains: a form
    with them is no English word (``inqmirien``), while dialect and archaic spellings
    (``naething``, ``whaur``) and most rare words are spelled with ordinary trigrams.

    >>> unspelled_trigrams("inqmirien", "wordfreq-large"), unspelled_trigrams("whaur", "wordfreq-large")
    (['nqm', 'qmi'], [])
    """
    known = spelled_trigrams(unigrams)
    b = f"<{key}>"
    return [b[i:i + 3] for i in range(len(b) - 2) if b[i:i + 3] not in known]


def shape_penalty(key: str, unigrams: str, *, per_trigram: float, max_trigrams: int = 2) -> float:
    """log10 by which a lowercase form's probability as a word of its own falls for the
    letter trigrams no common word has (:func:`unspelled_trigrams`), up to ``max_trigrams``.

    >>> [shape_penalty(w, "wordfreq-large", per_trigram=1.0) for w in ("inqmirien", "whaur")]
    [2.0, 0.0]
    """
    if per_trigram <= 0.0:
        return 0.0
    return per_trigram * min(max_trigrams, len(unspelled_trigrams(key, unigrams)))


def distant_applies(lm: LanguageModel, readings: list[Reading], left: str | None, right: str | None,
                    *, threshold: float, attested_threshold: float, margin: float) -> bool:
    """Whether the best of scored ``readings`` (best first) is a distant reading to apply:
    every other word's reading at least ``margin`` (log10) behind it, a word pair with a
    neighbour attesting it (general bigrams or the corpus's pairs), and a posterior of
    at least ``threshold``, or of ``attested_threshold`` when each neighbour the token
    has attests it.

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> lm = LanguageModel(empty_lexicon())
    >>> rs = [Reading("previous", ("previous",), 6.0, "distant", score=-8.0, posterior=0.85),
    ...       Reading("previoros", ("previoros",), 0.0, "as-is", score=-8.8, posterior=0.15)]
    >>> opts = dict(threshold=0.9, attested_threshold=0.8, margin=1.0)
    >>> distant_applies(lm, rs, "the", "day", **opts), distant_applies(lm, rs, "the", "xyzzy", **opts)
    (True, False)
    """
    best = readings[0]
    if best.kind != "distant" or best.posterior < min(threshold, attested_threshold):
        return False
    rival = max((r.score for r in readings[1:] if r.kind != "as-is"), default=None)
    if rival is not None and best.score - rival < margin:
        return False
    key = best.keys[0]
    big, cb = lm.big, lm.lex.bigrams
    left_ok = left is not None and ((left, key) in big or f"{left} {key}" in cb)
    right_ok = right is not None and ((key, right) in big or f"{key} {right}" in cb)
    if not (left_ok or right_ok):
        return False
    if best.posterior >= threshold:
        return True
    return best.posterior >= attested_threshold and (left is None or left_ok) and (right is None or right_ok)
