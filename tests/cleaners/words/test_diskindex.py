"""Disk-cached word indexes: the same answers as the dicts they replace, safe caching."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words import diskindex
from cleaners.words.confusions import skeleton, skeletons
from cleaners.words.diskindex import PostingIndex, cached_index, cached_mapping

MAPPING = {"tt": ("it", "to"), "the": ("the",), "tbe": ("tbe",), "café": ("café", "cafe"), "": ("a",)}

words = st.text(alphabet="abcdeilnrt’'é\n", min_size=0, max_size=8)


def test_lookups_match_the_dict(tmp_path):
    for index in (PostingIndex.from_mapping(MAPPING), _saved_and_loaded(MAPPING, tmp_path)):
        for key, value in MAPPING.items():
            assert index.get(key) == value
        for missing in ("x", "tte", "caf", "thee"):
            assert index.get(missing) == () and index.get(missing, None) is None
        assert index.union(["tt", "the", "nope"]) == {"it", "to", "the"}
        assert len(index) == len(MAPPING)


@settings(deadline=None, max_examples=60)
@given(st.dictionaries(words, st.lists(words, min_size=1, max_size=3).map(tuple), max_size=30),
       st.lists(words, max_size=10))
def test_any_mapping_round_trips(mapping, probes):
    index = PostingIndex.from_mapping(mapping)
    for key in list(mapping) + probes:
        assert index.get(key) == mapping.get(key, ())
    # union (its lookups written out for speed) == the words of each get
    assert index.union(list(mapping) + probes) == {w for k in list(mapping) + probes for w in index.get(k)}


def test_a_shared_hash_never_mixes_keys(monkeypatch):
    """Every key hashing alike (the worst case): the key's own bytes still decide."""
    monkeypatch.setattr(diskindex, "_hash", lambda b: 7)
    index = PostingIndex.from_mapping(MAPPING)
    for key, value in MAPPING.items():
        assert index.get(key) == value
    assert index.get("zz") == ()


def test_cache_builds_once_then_maps(tmp_path, monkeypatch):
    monkeypatch.setenv(diskindex.CACHE_ENV, str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return MAPPING

    first = cached_index("t", {"v": 1}, build)
    again = cached_index("t", {"v": 1}, build)
    other = cached_index("t", {"v": 2}, build)
    assert len(calls) == 2  # identity {"v": 1} built once, {"v": 2} once
    for index in (first, again, other):
        assert index.get("tt") == ("it", "to")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp leftovers


def test_mapping_cache_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv(diskindex.CACHE_ENV, str(tmp_path))
    assert cached_mapping("m", {"v": 1}, lambda: MAPPING) == MAPPING
    assert cached_mapping("m", {"v": 1}, lambda: {}) == MAPPING  # from disk
    (next(tmp_path.glob("m-*.marshal"))).write_bytes(b"garbage")
    assert cached_mapping("m", {"v": 1}, lambda: {"x": ("y",)}) == {"x": ("y",)}  # rebuilt


def test_unwritable_cache_still_works(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv(diskindex.CACHE_ENV, str(blocked / "sub"))
    assert cached_index("t", {"v": 1}, lambda: MAPPING).get("the") == ("the",)
    assert cached_mapping("m", {"v": 1}, lambda: MAPPING) == MAPPING


def _build_in_child(folder: str) -> tuple:
    os.environ[diskindex.CACHE_ENV] = folder
    index = cached_index("race", {"v": 1}, lambda: MAPPING)
    return tuple(index.get(k) for k in MAPPING)


def test_two_processes_building_at_once(tmp_path):
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_build_in_child, [str(tmp_path)] * 4))
    assert all(r == tuple(MAPPING.values()) for r in results)
    assert len(list(tmp_path.glob("race-*"))) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@settings(deadline=None, max_examples=200)
@given(st.lists(st.text(alphabet="abcdeilnrtuvwyIELRBΣσß0159’'rnclïiü", max_size=8), max_size=12))
def test_skeletons_of_many_words_equal_one_by_one(ws):
    assert skeletons(ws) == [skeleton(w) for w in ws]


def _saved_and_loaded(mapping, folder) -> PostingIndex:
    PostingIndex.from_mapping(mapping).save(folder)
    return PostingIndex.load(folder)


def test_general_indexes_equal_their_builders():
    """The cached general-list indexes answer exactly as freshly built dicts."""
    from cleaners.words import scoring

    deletes = scoring.delete_index("wordfreq-large", 1e-7)
    built = scoring._delete_mapping("wordfreq-large", 1e-7)
    assert len(deletes) == len(built)
    assert all(deletes.get(k) == v for k, v in list(built.items())[::20])
    assert scoring.skeleton_index("wordfreq-large", 1e-8) == scoring._skeleton_mapping("wordfreq-large", 1e-8)


def test_cached_bigrams_equal_their_builder():
    from cleaners.words import language

    assert list(language.bigram_logprobs("symspell").values()) == language._bigram_logprobs()


def test_cached_array_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv(diskindex.CACHE_ENV, str(tmp_path))
    values = [0.1, -2.5, 1e-300, float("inf")]
    built = diskindex.cached_array("a", {"v": 1}, "d", lambda: values)
    assert list(built) == values and len(list(tmp_path.glob("a-*"))) == 1
    loaded = diskindex.cached_array("a", {"v": 1}, "d", lambda: [])  # from the file, not rebuilt
    assert list(loaded) == values
    (next(tmp_path.glob("a-*"))).write_bytes(b"xyz")  # damaged: not a whole number of doubles
    assert list(diskindex.cached_array("a", {"v": 1}, "d", lambda: values)) == values


def test_old_versions_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv(diskindex.CACHE_ENV, str(tmp_path))
    for v in range(diskindex.KEEP_VERSIONS + 3):
        cached_index("p", {"v": v}, lambda: MAPPING)
        cached_mapping("q", {"v": v}, lambda: MAPPING)
        assert len(list(tmp_path.glob("p-*"))) == min(v + 1, diskindex.KEEP_VERSIONS)
        assert len(list(tmp_path.glob("q-*"))) == min(v + 1, diskindex.KEEP_VERSIONS)
    assert cached_index("p", {"v": 0}, lambda: {"x": ("y",)}).get("x") == ("y",)  # pruned: rebuilt


def test_code_digest_follows_the_code():
    from cleaners.words.diskindex import code_digest

    assert code_digest(test_code_digest_follows_the_code, (1, 2)) == code_digest(test_code_digest_follows_the_code, (1, 2))
    assert code_digest(test_code_digest_follows_the_code, (1, 2)) != code_digest(test_code_digest_follows_the_code, (1, 3))
