"""The shared word lists: equal to what they replace (wordfreq's own dicts, the bigram
table of tuples), and one copy of each word per process."""

import math
import sys
from importlib import resources

import wordfreq

from cleaners import frequencies, hyphens
from cleaners.frequencies import wordfreq_dict
from cleaners.words import language, scoring


def test_wordfreq_dict_is_wordfreqs_dict_in_the_same_order():
    ours, theirs = wordfreq_dict("en", "large"), wordfreq.get_frequency_dict("en", "large")
    assert list(ours.items()) == list(theirs.items())


def test_best_and_large_are_one_dict_shared_with_hyphenation():
    assert wordfreq_dict("en", "best") is wordfreq_dict("en", "large")
    assert hyphens._wordfreq_en() is language.unigram_probs("wordfreq-large")
    assert language.unigram_probs("wordfreq-large") is wordfreq_dict("en", "large")


def test_min_freq_keeps_exactly_the_frequent_words_in_order():
    for lang in ("de", "nl"):
        full = wordfreq.get_frequency_dict(lang, "small")
        assert list(wordfreq_dict(lang, "small", 1e-5).items()) == [(w, p) for w, p in full.items() if p >= 1e-5]


def _old_bigram_logprobs():
    """The table as it was built before (its own tuples, parsed here independently)."""
    read = lambda name: resources.files("symspellpy").joinpath(name).read_text(encoding="utf-8")
    uni = {}
    for line in read("frequency_dictionary_en_82_765.txt").splitlines():
        word, _, count = line.rpartition(" ")
        if word:
            uni[word] = int(count)
    big = {}
    for line in read("frequency_bigramdictionary_en_243_342.txt").splitlines():
        parts = line.split(" ")
        if len(parts) == 3:
            big[(parts[0], parts[1])] = int(parts[2])
    left = {}
    for (a, _), c in big.items():
        left[a] = left.get(a, 0) + c
    return {(a, b): math.log10(c / max(uni.get(a, 0), left[a])) for (a, b), c in big.items()}


def test_bigram_logprobs_equal_the_old_table_and_share_its_keys():
    new, old = language.bigram_logprobs("symspell"), _old_bigram_logprobs()
    assert list(new.items()) == list(old.items())  # same pairs, order and exact floats
    pairs = frequencies.bigrams()
    assert all(a is b for a, b in zip(new, pairs))  # the very key tuples of the counts


def test_words_are_one_object_across_lists_and_cached_indexes():
    uni = language.unigram_probs("wordfreq-large")
    index = scoring.skeleton_index("wordfreq-large", 1e-8)  # (read from the disk cache when present)
    words = [w for ws in list(index.values())[:2000] for w in ws]
    assert words and all(sys.intern(w) is w for w in words)
    assert all(sys.intern(w) is w for w in list(uni)[:2000])
    assert all(sys.intern(a) is a for a, _ in list(frequencies.bigrams())[:2000])


def test_disk_cached_lists_load_equal_and_interned(tmp_path, monkeypatch):
    from cleaners.words import diskindex

    monkeypatch.setenv(diskindex.CACHE_ENV, str(tmp_path))
    parsed = frequencies._parse_bigrams()
    built = frequencies._cached("b", "symspellpy", frequencies._parse_bigrams)  # builds and saves
    loaded = frequencies._cached("b", "symspellpy", frequencies._parse_bigrams)  # reads the file
    assert list(built.items()) == list(loaded.items()) == list(parsed.items())
    assert all(sys.intern(a) is a and sys.intern(b) is b for a, b in list(loaded)[:5000])
    uni = frequencies._cached("u", "symspellpy", frequencies._parse_unigrams)
    assert list(frequencies._cached("u", "symspellpy", frequencies._parse_unigrams).items()) == list(uni.items())
