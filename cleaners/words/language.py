"""General English language resources for word repair, loaded once per process.

* Unigram probabilities: the ``wordfreq`` package's ``large`` English list
  (321k forms, a blend of books, subtitles, news, web and Wikipedia, shipped
  offline with the package). It is the broadest general list available
  offline and knows rare real words, inflections and possessives; its tail
  also contains frequent OCR garbage (``tbe``, ``tlie``) at tiny
  frequencies, so the scorer treats a form's frequency as evidence, never
  as a yes/no dictionary.
* Bigram counts: symspellpy's 243k English bigram list with its 82k unigram
  counts for normalisation (see :mod:`cleaners.frequencies`).

Every table here shares its words (and the bigram table its key tuples) with
:mod:`cleaners.frequencies`: one copy per process of each word list.
"""

from __future__ import annotations

import math
from functools import lru_cache

from cleaners import frequencies

FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for from with and or but as is was be he she it we they i "
    "his her its our their my your that this these those not no so if into upon".split())


@lru_cache(maxsize=4)
def unigram_probs(resource: str = "wordfreq-large") -> dict[str, float]:
    """Lowercase word form -> probability (apostrophes normalised to ``'``)."""
    if resource.startswith("wordfreq"):
        # the one process-wide copy (hyphenation reads the same dict: not a copy of it)
        return frequencies.wordfreq_dict("en", resource.partition("-")[2] or "large")
    if resource == "symspell":
        uni = frequencies.unigrams()
        total = float(sum(uni.values()))
        return {w: c / total for w, c in uni.items()}
    raise ValueError(f"unknown unigram resource {resource!r}")


@lru_cache(maxsize=2)
def bigram_logprobs(resource: str = "symspell") -> dict[tuple[str, str], float]:
    """(w1, w2) -> log10 P(w2 | w1) from the bigram counts.

    Keyed by the very tuples of :func:`cleaners.frequencies.bigrams` (which every
    process holds for hyphenation anyway), in their order: a second set of 243k
    key tuples and their strings took ~45 MB per process. Only the values are cached
    on disk (:mod:`cleaners.words.diskindex`, keyed by the word lists' package
    version and this code), as raw doubles: exactly the floats computed here.

    >>> big = bigram_logprobs()
    >>> -3 < big[("of", "the")] < 0 and list(big) == list(frequencies.bigrams())
    True
    """
    if resource != "symspell":
        raise ValueError(f"unknown bigram resource {resource!r}")
    from importlib.metadata import version

    from cleaners.words.diskindex import cached_array, code_digest

    pairs = frequencies.bigrams()
    identity = {"resource": resource, "data": "symspellpy==" + version("symspellpy"), "pairs": len(pairs),
                "code": code_digest(_bigram_logprobs, frequencies._parse_bigrams, frequencies._parse_unigrams)}
    values = cached_array("bigram-logprobs", identity, "d", _bigram_logprobs)
    if len(values) != len(pairs):  # (a damaged cache entry of the right size class)
        values = _bigram_logprobs()
    return dict(zip(pairs, values))


def _bigram_logprobs() -> list[float]:
    """log10 P(w2 | w1) of each pair of :func:`cleaners.frequencies.bigrams`, in its order."""
    uni = frequencies.unigrams()
    big = frequencies.bigrams()
    left_totals: dict[str, int] = {}
    for (a, _), c in big.items():
        left_totals[a] = left_totals.get(a, 0) + c
    out: list[float] = []
    for (a, b), c in big.items():
        # normalise by the larger of the unigram count and the bigram mass, so
        # a pruned list never gives a conditional probability above 1
        denom = max(uni.get(a, 0), left_totals[a])
        out.append(math.log10(c / denom))
    return out


@lru_cache(maxsize=4)
def candidate_vocabulary(resource: str = "wordfreq-large", min_prob: float = 1e-8) -> frozenset[str]:
    """Forms frequent enough to be proposed as corrections (alphabetic, with apostrophes)."""
    probs = unigram_probs(resource)
    return frozenset(w for w, p in probs.items()
                     if p >= min_prob and w.replace("'", "").isalpha())
