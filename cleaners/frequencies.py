"""General English word-frequency lists, loaded once per process.

The unigram (82,765 words) and bigram (243,342 pairs) lists that ship with
symspellpy: lowercase English, counts from a large web corpus, and the
``wordfreq`` package's lists (:func:`wordfreq_dict`). They are general
resources, not fitted to any corpus; stages that need a dictionary share them
from here so they are read once.

Memory: every word is interned (``sys.intern``), so a word held by several of
these lists and by the indexes built from them (:mod:`cleaners.words.scoring`,
whose disk cache keeps strings interned) is one object, not one per list. With
forked workers each resource is one set of pages, so its size counts once per
worker in the summed RSS.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources
from typing import Callable


def _read(name: str) -> str:
    return resources.files("symspellpy").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def unigrams() -> dict[str, int]:
    """Lowercase word -> count.

    >>> unigrams()["the"] > unigrams()["cat"] > 0
    True
    """
    return _cached("unigram-counts", "symspellpy", _parse_unigrams)


@lru_cache(maxsize=1)
def bigrams() -> dict[tuple[str, str], int]:
    """(lowercase word, next word) -> count.

    >>> bigrams()[("of", "the")] > bigrams()[("of", "cats")] > 0
    True
    """
    return _cached("bigram-counts", "symspellpy", _parse_bigrams)


def _cached(name: str, package: str, parse: Callable[[], dict]) -> dict:
    """``parse()``, kept in the disk cache (:mod:`cleaners.words.diskindex`, keyed by the
    package's version and the parser's code) as ``marshal`` data: it loads several times
    faster than the list is parsed, and keeps the words interned, each stored once."""
    from importlib.metadata import version

    from cleaners.words.diskindex import cached_mapping, code_digest

    identity = {"data": f"{package}=={version(package)}", "code": code_digest(parse)}
    return cached_mapping(name, identity, parse)


def _parse_unigrams() -> dict[str, int]:
    out: dict[str, int] = {}
    intern = sys.intern
    for line in _read("frequency_dictionary_en_82_765.txt").splitlines():
        word, _, count = line.rpartition(" ")
        if word:
            out[intern(word)] = int(count)
    return out


def _parse_bigrams() -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    intern = sys.intern
    for line in _read("frequency_bigramdictionary_en_243_342.txt").splitlines():
        parts = line.split(" ")
        if len(parts) == 3:
            out[(intern(parts[0]), intern(parts[1]))] = int(parts[2])
    return out


def wordfreq_dict(lang: str = "en", wordlist: str = "best", min_freq: float = 0.0) -> dict[str, float]:
    """``wordfreq.get_frequency_dict(lang, wordlist)``: the same words, frequencies and order,
    read once per process for every name of the same list (``best`` is ``large`` for English);
    ``min_freq``: only the words at least that frequent (a stage that ignores the rest need
    not hold them).

    wordfreq caches both the dict and the raw list it came from, per name, so
    asking it for ``best`` and ``large`` held four copies of 321k English words;
    here the list is read past wordfreq's cache, its words are interned, and the dict
    is kept in the disk cache (``marshal``: faster to load than wordfreq's packed list).

    >>> import wordfreq
    >>> wordfreq_dict("fr", "small") == wordfreq.get_frequency_dict("fr", "small")
    True
    >>> common = wordfreq_dict("fr", "small", 1e-5)
    >>> common == {w: p for w, p in wordfreq_dict("fr", "small").items() if p >= 1e-5}
    True
    """
    import wordfreq

    path = wordfreq.available_languages(wordlist).get(lang)
    for name in ("large", "small"):  # the canonical name of that file: one copy per list
        if path is not None and wordfreq.available_languages(name).get(lang) == path:
            wordlist = name
            break
    key = (lang, wordlist, float(min_freq))
    out = _WORDFREQ.get(key)
    if out is None:
        from importlib.metadata import version

        from cleaners.words.diskindex import cached_mapping, code_digest

        identity = {"data": f"wordfreq=={version('wordfreq')}", "code": code_digest(_read_wordfreq),
                    "list": [lang, wordlist, repr(float(min_freq))]}
        out = _WORDFREQ[key] = cached_mapping(f"wordfreq-{lang}-{wordlist}", identity,
                                              lambda: _read_wordfreq(lang, wordlist, min_freq))
    return out


_WORDFREQ: dict[tuple[str, str, float], dict[str, float]] = {}


def _read_wordfreq(lang: str, wordlist: str, min_freq: float) -> dict[str, float]:
    import wordfreq

    # (get_frequency_list resolves language variants and raises LookupError like get_frequency_dict)
    pack = wordfreq.get_frequency_list.__wrapped__(lang, wordlist)
    out: dict[str, float] = {}
    intern = sys.intern
    for index, bucket in enumerate(pack):  # as get_frequency_dict builds it
        freq = wordfreq.cB_to_freq(-index)
        if freq >= min_freq:
            for word in bucket:
                out[intern(word)] = freq
        else:  # (buckets come in decreasing frequency; a word listed twice keeps its last one there)
            for word in bucket:
                out.pop(word, None)
    return out
