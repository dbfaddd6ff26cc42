"""Read-only word indexes (key -> words) stored as flat arrays, cached on disk and mmap-ed.

A general-list index (every one-letter deletion of 250k words -> the words) is
slow to build (seconds) and, as a dict of tuples, costs ~100 MB in every
worker process. Stored as sorted 64-bit key hashes with offsets into a posting
array, it loads in milliseconds, takes ~20 MB, and the pages are shared by
every process that maps the same file.

The cache is invisible in outputs: a lookup compares the key's bytes, so it
returns exactly the words the dict would (hash collisions included). Entries
are keyed by a digest of the data's identity and of this code, written to a
temporary directory and renamed into place (atomic; when two processes build
the same entry at once, one rename wins and the other process uses it). When
no cache directory is writable the index is built in memory, same class.
The same cache holds plain tables (:func:`cached_mapping`, ``marshal``: interned
strings stay interned, so a word shared by several tables is one object after
loading) and raw value arrays (:func:`cached_array`).
Cache directory: ``$SCANCLEAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/scanclean``,
else ``~/.cache/scanclean``.
"""

from __future__ import annotations

import bisect
import hashlib
import inspect
import json
import marshal
import mmap
import os
import shutil
import sys
import tempfile
from array import array
from itertools import accumulate
from pathlib import Path
from typing import Callable, Iterable

import xxhash

FORMAT = "posting-index-3"
CACHE_ENV = "SCANCLEAN_CACHE_DIR"
# name -> item type of each array (memoryview/array codes; native byte order, recorded in meta)
_ARRAYS = {"hashes": "Q", "directory": "q", "starts": "q", "postings": "i", "key_offsets": "q",
           "word_offsets": "q"}
_BUCKET_SHIFT = 48  # the directory has one entry per value of a hash's top 16 bits
_BLOBS = ("keys", "words")


_hash = xxhash.xxh3_64_intdigest  # of bytes


class PostingIndex:
    """``key -> tuple of words`` with dict-like :meth:`get` and :meth:`union`.

    Arrays are typed memoryviews (of a mapped file or of an in-memory array):
    element access and ``bisect`` on them cost no more than on a list.

    >>> ix = PostingIndex.from_mapping({"tt": ("it", "to"), "the": ("the",)})
    >>> ix.get("tt"), ix.get("xx"), sorted(ix.union(["tt", "the", "zz"]))
    (('it', 'to'), (), ['it', 'the', 'to'])
    """

    def __init__(self, arrays: dict[str, memoryview], blobs: dict[str, bytes | mmap.mmap],
                 filter_bits: bytes | mmap.mmap | None = None):
        self.hashes = arrays["hashes"]  # sorted key hashes (ties: by key bytes)
        # directory[b]: first position whose hash has top bits >= b (2**16 + 1 entries), so
        # a search runs over the ~10 hashes of one bucket, not the whole array
        self.directory = arrays["directory"]
        self.starts = arrays["starts"]  # len(hashes) + 1: each key's slice of postings
        self.postings = arrays["postings"]  # word ids
        self.key_offsets = arrays["key_offsets"]  # len(hashes) + 1, into keys
        self.word_offsets = arrays["word_offsets"]  # number of words + 1, into words
        self.keys = blobs["keys"]  # UTF-8 keys, concatenated in hash order
        self.words = blobs["words"]  # UTF-8 words, concatenated in id (sorted) order
        self._n = len(self.hashes)
        # most keys looked up are absent: a one-hash Bloom filter of the key hashes
        # (``filter_bits``: :func:`_filter_bits`, mapped from the cache) turns ~90% of
        # them away before the search
        self.filter = _filter_bits(self.hashes) if filter_bits is None else filter_bits
        self._filter_mask = len(self.filter) * 8 - 1

    def __len__(self) -> int:
        return self._n

    def _position(self, key: str) -> int:
        """Where ``key`` is stored, or -1."""
        b = key.encode("utf-8")
        h = _hash(b)
        if not self.filter[(h & self._filter_mask) >> 3] >> (h & 7) & 1:
            return -1
        hashes, ko, blob = self.hashes, self.key_offsets, self.keys
        bucket = h >> _BUCKET_SHIFT
        directory = self.directory
        i = bisect.bisect_left(hashes, h, directory[bucket], directory[bucket + 1])
        # the key's own bytes decide: a hash shared with another key is never mistaken for it
        while i < self._n and hashes[i] == h:
            if blob[ko[i]:ko[i + 1]] == b:
                return i
            i += 1
        return -1

    def _word(self, w: int) -> str:
        wo = self.word_offsets
        return self.words[wo[w]:wo[w + 1]].decode("utf-8")

    def get(self, key: str, default=()) -> tuple[str, ...]:
        i = self._position(key)
        if i < 0:
            return default
        return tuple(map(self._word, self.postings[self.starts[i]:self.starts[i + 1]]))

    def union(self, keys: Iterable[str]) -> set[str]:
        """The words of all ``keys`` (each decoded once).

        Hot code: :meth:`_position` and :meth:`_word` written out in the loop."""
        ids: set[int] = set()
        postings, starts = self.postings, self.starts
        hashes, ko, blob, directory, n = self.hashes, self.key_offsets, self.keys, self.directory, self._n
        bits, mask = self.filter, self._filter_mask
        bisect_left = bisect.bisect_left
        for k in keys:
            b = k.encode("utf-8")
            h = _hash(b)
            if not bits[(h & mask) >> 3] >> (h & 7) & 1:
                continue  # absent (the filter has no false negatives)
            bucket = h >> _BUCKET_SHIFT
            i = bisect_left(hashes, h, directory[bucket], directory[bucket + 1])
            while i < n and hashes[i] == h:
                if blob[ko[i]:ko[i + 1]] == b:
                    ids.update(postings[starts[i]:starts[i + 1]])
                    break
                i += 1
        wo, words = self.word_offsets, self.words
        return {words[wo[w]:wo[w + 1]].decode("utf-8") for w in ids}

    @classmethod
    def from_mapping(cls, mapping: dict[str, Iterable[str]]) -> "PostingIndex":
        """Build from ``key -> words`` (each key's words keep their order)."""
        words = sorted({w for ws in mapping.values() for w in ws})
        word_id = {w: i for i, w in enumerate(words)}
        values = list(mapping.values())
        encoded = [k.encode("utf-8") for k in mapping]
        hashes = list(map(_hash, encoded))
        order = sorted(range(len(encoded)), key=list(zip(hashes, encoded)).__getitem__)
        word_bytes = [w.encode("utf-8") for w in words]
        arrays = {
            "hashes": array("Q", [hashes[i] for i in order]),
            "directory": array("q", _directory([hashes[i] for i in order])),
            "starts": array("q", accumulate((len(values[i]) for i in order), initial=0)),
            "postings": array("i", [word_id[w] for i in order for w in values[i]]),
            "key_offsets": array("q", accumulate((len(encoded[i]) for i in order), initial=0)),
            "word_offsets": array("q", accumulate(map(len, word_bytes), initial=0)),
        }
        blobs = {"keys": b"".join([encoded[i] for i in order]), "words": b"".join(word_bytes)}
        return cls({name: memoryview(a) for name, a in arrays.items()}, blobs)

    def save(self, folder: Path) -> None:
        for name in _ARRAYS:
            (folder / f"{name}.bin").write_bytes(getattr(self, name).tobytes())
        for name in _BLOBS:
            (folder / f"{name}.bin").write_bytes(bytes(getattr(self, name)))
        (folder / _FILTER_FILE).write_bytes(bytes(self.filter))
        (folder / "meta.json").write_text(json.dumps(
            {"format": FORMAT, "byteorder": sys.byteorder, "keys": self._n}))

    @classmethod
    def load(cls, folder: Path) -> "PostingIndex":
        """Map a saved index (read-only; its pages are shared between processes)."""
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("format") != FORMAT or meta.get("byteorder") != sys.byteorder:
            raise ValueError(f"{folder}: not a {FORMAT} index of this machine")
        maps = {name: _map(folder / f"{name}.bin") for name in (*_ARRAYS, *_BLOBS)}
        arrays = {name: memoryview(maps[name]).cast(code) for name, code in _ARRAYS.items()}
        saved_filter = _load_filter(folder, len(arrays["hashes"]))
        index = cls(arrays, {name: maps[name] for name in _BLOBS}, saved_filter)
        if saved_filter is None:
            _save_filter(folder, index.filter)
        if len(index.starts) != index._n + 1 or index._n != meta["keys"] or \
                len(index.directory) != (1 << (64 - _BUCKET_SHIFT)) + 1:
            raise ValueError(f"{folder}: truncated index")
        return index


_FILTER_FILE = "filter.bin"


def _filter_size(n: int) -> int:
    """Bits of the filter of ``n`` keys: a power of two, 8 to 16 per key (~7-11% of
    absent keys pass), at least one page."""
    return 1 << max(15, (8 * n).bit_length())


def _filter_bits(hashes: memoryview) -> bytes:
    """Bit ``h & (size - 1)`` (little-endian bit order within bytes) set for every stored
    hash ``h``: a key whose bit is clear is absent (built in bulk: ~20 ms at 600k keys).

    >>> bits = _filter_bits(memoryview(array("Q", [5, 2 ** 40 + 9])))
    >>> len(bits) * 8 == _filter_size(2), [bits[i >> 3] >> (i & 7) & 1 for i in (5, 9, 6)]
    (True, [1, 1, 0])
    """
    import numpy as np

    size = _filter_size(len(hashes))
    low = np.frombuffer(hashes, dtype=np.uint64) & np.uint64(size - 1)
    bits = np.zeros(size, dtype=np.uint8)
    bits[low.astype(np.intp)] = 1
    return np.packbits(bits, bitorder="little").tobytes()


def _load_filter(folder: Path, n: int) -> mmap.mmap | bytes | None:
    """The saved filter of an index of ``n`` keys, mapped; None if absent (an index saved
    by an older version of this code: :meth:`PostingIndex.load` builds and saves it)."""
    path = folder / _FILTER_FILE
    try:
        bits = _map(path)
        if len(bits) * 8 == _filter_size(n):
            return bits
    except OSError:
        pass
    return None


def _save_filter(folder: Path, bits: bytes) -> None:
    """Write the filter into a saved index's folder (atomically; skipped if not writable)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".filter-", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(bits)
        os.chmod(tmp, 0o644)
        os.replace(tmp, folder / _FILTER_FILE)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def _directory(sorted_hashes: list[int]) -> list[int]:
    """For each bucket (top 16 bits of a hash) the first position of a hash in or above it."""
    out = [0] * ((1 << (64 - _BUCKET_SHIFT)) + 1)
    i, n = 0, len(sorted_hashes)
    for b in range(len(out)):
        while i < n and (sorted_hashes[i] >> _BUCKET_SHIFT) < b:
            i += 1
        out[b] = i
    return out


def _map(path: Path) -> mmap.mmap | bytes:
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def cache_root() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "scanclean"


def code_digest(*parts: object) -> str:
    """Digest of the code (function sources, constants) that decides an index's content."""
    h = hashlib.sha256(FORMAT.encode())
    for part in parts:
        h.update((inspect.getsource(part) if callable(part) else repr(part)).encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


KEEP_VERSIONS = 3  # cached versions kept per index name (older code or data: removed)


def _prune(root: Path, name: str) -> None:
    """Remove all but the newest :data:`KEEP_VERSIONS` entries of ``name`` (a process still
    mapping a removed file keeps its pages; one about to load it rebuilds)."""
    entries = [p for p in root.glob(f"{name}-*") if not p.name.startswith(".")]
    try:
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return  # another process is pruning
    for old in entries[KEEP_VERSIONS:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def cached_index(name: str, identity: dict, build: Callable[[], dict[str, Iterable[str]]]
                 ) -> PostingIndex:
    """The index ``name`` for ``identity`` (data and code digests): mapped from the cache
    when present, else built with ``build()``, saved (atomically) and mapped."""
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:20]
    root = cache_root()
    final = root / f"{name}-{digest}"
    if (final / "meta.json").exists():
        try:
            return PostingIndex.load(final)
        except (OSError, ValueError):
            pass  # unreadable: rebuild below
    index = PostingIndex.from_mapping(build())
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    except OSError:
        return index  # no writable cache: keep the in-memory index
    try:
        index.save(tmp)
        os.chmod(tmp, 0o755)  # (mkdtemp's 0o700 would hide a shared cache from other users)
        os.rename(tmp, final)  # atomic; fails if another process got there first
        _prune(root, name)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
    try:
        return PostingIndex.load(final)
    except (OSError, ValueError):
        return index


def cached_mapping(name: str, identity: dict, build: Callable[[], dict]) -> dict:
    """A dict of core types (e.g. ``str -> tuple of str``) for ``identity``, loaded from the
    cache (``marshal``: ~8x faster than building a large index) when present, else built and saved."""
    identity = {**identity, "python": sys.version, "format": "marshal-1"}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:20]
    root = cache_root()
    final = root / f"{name}-{digest}.marshal"
    try:
        out = marshal.loads(final.read_bytes())
        if isinstance(out, dict):
            return out
    except (OSError, EOFError, ValueError, TypeError):
        pass  # absent or unreadable: rebuild
    out = build()
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=root)
    except OSError:
        return out  # no writable cache: the built dict serves this process
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(out))
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)  # atomic: readers see the old file or the whole new one
        _prune(root, name)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
    return out


def cached_array(name: str, identity: dict, typecode: str, build: Callable[[], Iterable]) -> array:
    """An ``array(typecode)`` for ``identity``, read from the cache (raw machine values, e.g.
    the floats of a table whose keys the process already holds) when present, else built
    with ``build()`` and saved (atomically)."""
    identity = {**identity, "format": "array-1", "typecode": typecode,
                "itemsize": array(typecode).itemsize, "byteorder": sys.byteorder}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:20]
    root = cache_root()
    final = root / f"{name}-{digest}.{typecode}"
    out = array(typecode)
    try:
        out.frombytes(final.read_bytes())
        return out
    except (OSError, ValueError):
        out = array(typecode)  # absent or unreadable (a size not a multiple of the item): rebuild
    out.extend(build())
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=root)
    except OSError:
        return out
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(out.tobytes())
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
        _prune(root, name)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
    return out
