"""General English word-frequency lists, loaded once per process.

The unigram (82,765 words) and bigram (243,342 pairs) lists that ship with
symspellpy: lowercase English, counts from a large web corpus. They are general
resources, not fitted to any corpus; stages that need a dictionary share them
from here so they are read once.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _read(name: str) -> str:
    return resources.files("symspellpy").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def unigrams() -> dict[str, int]:
    """Lowercase word -> count.

    >>> unigrams()["the"] > unigrams()["cat"] > 0
    True
    """
    out: dict[str, int] = {}
    for line in _read("frequency_dictionary_en_82_765.txt").splitlines():
        word, _, count = line.rpartition(" ")
        if word:
            out[word] = int(count)
    return out


@lru_cache(maxsize=1)
def bigrams() -> dict[tuple[str, str], int]:
    """(lowercase word, next word) -> count."""
    out: dict[tuple[str, str], int] = {}
    for line in _read("frequency_bigramdictionary_en_243_342.txt").splitlines():
        parts = line.split(" ")
        if len(parts) == 3:
            out[(parts[0], parts[1])] = int(parts[2])
    return out
