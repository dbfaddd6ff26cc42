"""Duplicates: a block scanned twice (stage ``dedup``) and near-duplicate segments.

Two different jobs share the word tokens and normal form defined here:

* The stage ``run`` removes only one kind of duplicate from a document's
  text: a block that was **scanned twice in a row**. It looks for a long run
  of words repeated at a fixed lag whose first copy runs straight into the
  second (a tandem repeat in word order, blind to paragraph breaks and page
  gaps). In a rescan the first copy breaks off where the scanner restarted,
  so the first copy is removed and the second copy, which reads on into the
  rest of the text, is kept. The Edit's evidence points at the kept copy.
  Long repeats that are *not* back to back are only flagged: a book may
  repeat itself on purpose.
* :class:`NearDuplicateIndex` finds near-duplicate segments within and
  across documents for the corpus files (:mod:`cleaners.corpus`; exact
  duplicates are merged there by :func:`segment_id`); it never edits a text.
  Candidates come from MinHash signatures (datasketch ``MinHash``) of
  content-word sets, banded LSH-style; every candidate is verified against a
  group's representative by content-word Jaccard and an order-aware word
  alignment ratio, and groups are stars around a representative (no
  transitive closure, so no runaway clusters). Short segments (headings,
  date lines) are never near duplicates. Translations of the same quotation
  share names and often much wording, so a segment that is a quotation
  (:func:`is_quotation`) merges only with OCR-level differences
  (``near_quote_threshold``); a close paraphrase without quote marks by
  another author is the known risk (``python -m bench dedup``).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import regex
import xxhash

from cleaners.document import Edit, Flag, StageResult

STAGE = "dedup"
REASON_SCANNED_TWICE = "removed: scanned twice"

DEFAULTS: dict = {
    # scanned twice (this stage)
    "min_repeat_words": 40,  # a shorter repeated run is a quotation or refrain, not a rescan
    "anchor_words": 8,  # runs are found from an exact match of this many words
    "max_lag_words": 20000,  # the second copy starts at most this many words after the first
    "window_words": 12,  # tolerance for OCR differences between the two copies:
    "window_mismatches": 3,  # at most this many differing words in any window
    "max_seam_words": 2,  # words between the copies (a word cut off and glued to the restart)
    # near duplicates (corpus files)
    "near_min_words": 20,  # shorter segments (date lines, register entries) merge only when equal
    "near_threshold": 0.7,  # word alignment ratio to call two segments near duplicates
    "near_min_jaccard": 0.38,  # and content-word Jaccard (translations share names, not wording)
    # A quotation is the same words in every book that quotes one translation of it: only
    # OCR-level differences make a duplicate, a different translation does not. Copies with
    # 3% character noise align >= 0.857; the closest two translations in the seeds 0.74.
    "near_quote_threshold": 0.85,
    "num_perm": 96,
    "bands": 32,
    "rows": 3,
    "seed": 1,
    "max_bucket": 32,  # pairs per segment and band bucket (a huge bucket is common words)
}

# -- resources -------------------------------------------------------------------------------

WORD_RE = re.compile(r"[^\W_]+")  # letters and digits
SENTENCE_END_RE = regex.compile(r"[.!?…][\"”’')\]]*\s*$")
# Typographic variants folded before hashing: quotes, apostrophes, dashes, NBSP.
FOLD = (("“", '"'), ("”", '"'), ("„", '"'), ("«", '"'), ("»", '"'), ("‘", "'"), ("’", "'"),
        ("‚", "'"), ("`", "'"), ("´", "'"), ("—", "-"), ("–", "-"), ("‐", "-"), ("‑", "-"))
# OCR confusion classes folded for similarity only (l/1/I, h/b, c/e, 0/o, 5/s; rn/m):
# two readings of the same scan must look alike to the detector.
OCR_SKELETON = (("cl", "d"), ("vv", "w"), ("l", "i"), ("t", "i"), ("1", "i"), ("j", "i"), ("h", "b"), ("c", "e"),
                ("0", "o"), ("5", "s"))
# A quotation standing as a segment: opens with a quote mark and closes with one, allowing
# trailing punctuation and a short reference or note marker after the closing mark.
OPENING_QUOTES = "“\"„«‘'‚‹"
CLOSING_QUOTE_END_RE = regex.compile(
    r"[”\"»’'›][\s.,;:!?…]*(?:[(\[][^()\[\]\n]{0,40}[)\]][\s.,;:]*|\d{1,3}[\s.]*)?$")
STOPWORD_COUNT = 150  # most frequent general English words: not evidence of shared content


def normalize_text(text: str) -> str:
    """The normal form for exact duplicates and segment ids: NFKC, case, quotes, spaces.

    >>> normalize_text("“The  END”\\n")
    '"the end"'
    """
    text = unicodedata.normalize("NFKC", text)
    for a, b in FOLD:
        if a in text:
            text = text.replace(a, b)
    return " ".join(text.casefold().split())


def is_quotation(text: str) -> bool:
    """True when a segment is a quotation: it opens with a quote mark and closes with one.

    Books quote the same source in different translations; such segments share names
    and much wording, so they are held to a stricter threshold (``near_quote_threshold``).

    >>> is_quotation("“In all the past years I have not heard a single word.” (p. 12)")
    True
    >>> is_quotation("“Yes,” he said, and walked on.")
    False
    """
    text = text.strip()
    return bool(text) and text[0] in OPENING_QUOTES and CLOSING_QUOTE_END_RE.search(text, 1) is not None


def segment_id(text: str) -> str:
    """Stable content id of a segment: hash of its normal form."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:20]


def word_key(word: str) -> str:
    """A word folded for similarity: case and OCR confusion classes.

    >>> word_key("ahout") == word_key("about") and word_key("rnodern") == word_key("modern")
    True
    """
    word = word.casefold().replace("rn", "m")
    for a, b in OCR_SKELETON:
        word = word.replace(a, b)
    return word


# Characters whose casefold holds a character of the other kind (a letter or digit vs not):
# "İ" -> "i" + U+0307 (a combining dot, not a word character), U+0345 -> "ι", ... Only in a
# text holding one of them can ``word_key`` on the whole text move a word boundary; the
# list is recomputed over all of Unicode by a test.
CASEFOLD_SPLITS_RE = re.compile("[\u0130\u01f0\u0345\u0390\u03b0\u1e96-\u1e99\u1f50\u1f52\u1f54"
                                "\u1f56\u1fb6\u1fb7\u1fc6\u1fc7\u1fd2\u1fd3\u1fd6\u1fd7\u1fe2-\u1fe4"
                                "\u1fe6\u1fe7\u1ff6\u1ff7]")

# Entries in the chunk memo below, cleared when full: about 200 bytes an entry (chunk str,
# hash bytes, dict slot), so at most ~50 MB whatever the corpus size.
_HASH_CACHE_MAX = 1 << 18


def _word_hash(word: str) -> int:
    return xxhash.xxh32_intdigest(word_key(word).encode())


def _fold_each(words: list[str]) -> list[str]:
    """``word_key`` of each word, from one ``word_key`` call on the words joined by spaces.

    Exact: words hold no space, no folding pattern does, and casefold maps no character
    to one (tested over all of Unicode), so the joined text folds word by word and keeps
    its separators: one call instead of a dozen ``str.replace`` calls per word.
    """
    folded = word_key(" ".join(words)).split(" ")
    return folded if len(folded) == len(words) else [word_key(w) for w in words]


def _word_hash_table(words: list[str]) -> dict[str, int]:
    """``_word_hash`` of each distinct word of ``words``."""
    distinct = list(set(words))
    return dict(zip(distinct, [xxhash.xxh32_intdigest(f.encode()) for f in _fold_each(distinct)]))


# whitespace-free chunk -> uint32 bytes of the _word_hash of each of its WORD_RE words;
# shared by the scanned-twice stage and the corpus files, which see the same chunks
_CHUNK_HASHES: dict[str, bytes] = {}


def _hash_chunks(chunks: list[str]) -> list[bytes]:
    """The hash bytes of each of many whitespace-free chunks, each distinct word folded once.

    For many chunks, one ``findall`` over the chunks joined by spaces gives every word, and
    the word-character mask of the joined text says how many words start before each
    chunk, so each chunk's bytes are a slice of one array (no regex call nor array per
    chunk); for a few, numpy's per-call cost would outweigh that.
    """
    findall = WORD_RE.findall
    if len(chunks) < 256:
        words = [findall(c) for c in chunks]
        lookup = _word_hash_table([w for ws in words for w in ws]).__getitem__
        return [array("I", map(lookup, ws)).tobytes() for ws in words]
    joined = " ".join(chunks)
    words = findall(joined)
    lookup = _word_hash_table(words).__getitem__
    hashes = np.fromiter(map(lookup, words), dtype=np.uint32, count=len(words)).tobytes()
    lengths = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
    chunk_starts = np.cumsum(lengths + 1) - (lengths + 1)
    word_starts = _word_spans(joined)[:, 0]
    offsets = (np.searchsorted(word_starts, chunk_starts) * 4).tolist()
    offsets.append(len(hashes))
    return [hashes[a:b] for a, b in zip(offsets, offsets[1:])]


def _chunk_hash_bytes(text: str) -> bytes:
    """uint32 bytes of ``_word_hash`` of each ``WORD_RE`` word of ``text``, memoised by chunk.

    Exact: no word contains whitespace, so the words of the text are those of its
    ``str.split()`` chunks in order. A text's hashes are one ``bytes.join`` of its chunks'
    (no Python loop over words); the chunks not yet known are hashed in one batch.
    """
    chunks = text.split()
    memo = _CHUNK_HASHES
    try:
        return b"".join(map(memo.__getitem__, chunks))
    except KeyError:
        pass
    missing = list(set(chunks).difference(memo))
    if len(memo) + len(missing) > _HASH_CACHE_MAX:
        memo.clear()
    memo.update(zip(missing, _hash_chunks(missing)))
    try:
        return b"".join(map(memo.__getitem__, chunks))
    except KeyError:  # another thread cleared the memo meanwhile: hash this text on its own
        distinct = list(set(chunks))
        return b"".join(map(dict(zip(distinct, _hash_chunks(distinct))).__getitem__, chunks))


def raw_word_hashes(text: str) -> array:
    """``_word_hash`` of each ``WORD_RE`` word of ``text`` (each word folded on its own)."""
    return array("I", _chunk_hash_bytes(text))


def word_hashes(text: str) -> array:
    """32-bit hashes of the folded words of ``text``, in order (``word_key`` on the whole text).

    Folding the whole text or each word on its own gives the same words unless a casefold
    turns a word character into a non-word one or back (``CASEFOLD_SPLITS_RE``): no
    folding pattern crosses a non-word character, and casefold maps character by
    character. So this is ``raw_word_hashes`` (whose memo the scanned-twice stage has
    filled for the same document) except in a text holding such a character.
    """
    if CASEFOLD_SPLITS_RE.search(text) is None:
        return raw_word_hashes(text)
    return array("I", [xxhash.xxh32_intdigest(w.encode()) for w in WORD_RE.findall(word_key(text))])


@lru_cache(maxsize=1)
def _stopword_hashes() -> frozenset[int]:
    from cleaners.frequencies import unigrams

    uni = unigrams()
    # the STOPWORD_COUNT most frequent words (ties by word), as a sort of all 83k entries
    # by (-count, word) would give them, sorting only those frequent enough to be among
    # them (the first corpus document pays this inside the pipeline's timing)
    least = sorted(uni.values(), reverse=True)[:STOPWORD_COUNT][-1:] or [0]
    top = [(w, c) for w, c in uni.items() if c >= least[0]]
    words = sorted(top, key=lambda kv: (-kv[1], kv[0]))[:STOPWORD_COUNT]
    return frozenset(_word_hash(w) for w, _ in words)


def content_set(hashes: array) -> set[int]:
    """The content words of a segment (general-English stopwords left out)."""
    return set(hashes).difference(_stopword_hashes())


def alignment_ratio(a: array, b: array) -> float:
    """Order-aware similarity of two word sequences: 2 * matched words / total words.

    >>> alignment_ratio(word_hashes("a b c d"), word_hashes("a b x d"))
    0.75
    """
    if a == b:  # identical (or both empty): difflib's 2 * n / (2 * n) is exactly 1.0
        return 1.0
    return difflib.SequenceMatcher(None, a.tolist(), b.tolist(), autojunk=False).ratio()


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


# -- a block scanned twice ---------------------------------------------------------------------

@dataclass
class Repeat:
    """A run of words repeated at a fixed lag (char offsets into the text)."""

    first_start: int
    first_end: int
    second_start: int
    second_end: int
    words: int  # words in each copy
    mismatches: int  # differing words between the copies
    gap_words: int  # words between the end of the first copy and the second

    @property
    def back_to_back(self) -> bool:
        return self.gap_words == 0


def _extend_repeat(keys: list[int], i: int, j: int, *, window: int, max_mismatch: int
                   ) -> tuple[int, int, int, int]:
    """Grow a match of ``keys[i:]`` and ``keys[j:]`` (``i < j``) both ways.

    Backwards it needs exact words; forwards it tolerates substitutions (at most
    ``max_mismatch`` in any ``window`` words) and never lets the first copy run
    into the second. Returns ``(a, a_end, b, mismatches)`` in word indices.
    """
    a, b = i, j
    while a > 0 and keys[a - 1] == keys[b - 1]:
        a -= 1
        b -= 1
    p, q = a, b
    last_good = a
    recent: list[int] = []  # positions of recent mismatches
    mismatches = 0
    n = len(keys)
    while q < n and p < b:
        if keys[p] == keys[q]:
            last_good = p + 1
        else:
            recent.append(p)
            while recent and recent[0] <= p - window:
                recent.pop(0)
            if len(recent) > max_mismatch:
                break
            mismatches += 1
        p += 1
        q += 1
    # Mismatches after the last matching word are not part of the run.
    mismatches -= sum(1 for r in recent if r >= last_good)
    return a, last_good, b, max(mismatches, 0)


def _gram_hashes(keys: np.ndarray, k: int) -> np.ndarray:
    """A 64-bit polynomial hash of every ``k``-word window (vectorised)."""
    g = np.zeros(len(keys) - k + 1, dtype=np.uint64)
    mult = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for t in range(k):
            g = g * mult + keys[t:len(keys) - k + 1 + t]
    return g


@lru_cache(maxsize=1)
def _bmp_word_chars() -> np.ndarray:
    """For each BMP code point, does ``WORD_RE`` match it (``str.isalnum``; tested)."""
    return np.frombuffer(bytes(map(str.isalnum, "".join(map(chr, range(0x10000))))), dtype=bool)


def _word_spans(text: str) -> np.ndarray:
    """``(start, end)`` of every ``WORD_RE`` word of ``text``, from a word-character mask.

    ``WORD_RE`` is a run of characters that are ``str.isalnum()``, so word edges are where
    that mask changes: a few numpy passes over the code points instead of a regex split
    into millions of strings.
    """
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    is_word = _bmp_word_chars()[np.minimum(cps, 0xFFFF)]  # a copy: astral ones set below
    astral = np.flatnonzero(cps > 0xFFFF)
    if len(astral):
        is_word[astral] = [chr(c).isalnum() for c in cps[astral].tolist()]
    edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.stack([np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)], axis=1)


def find_repeats(text: str, *, min_words: int = 40, anchor_words: int = 8,
                 max_lag_words: int = 20000, window_words: int = 12,
                 window_mismatches: int = 3) -> list[Repeat]:
    """Long runs of words that occur twice at a fixed lag, in text order.

    Each ``anchor_words``-word window is paired with its previous occurrence
    (one sort, no pairwise scan); a pair within ``max_lag_words`` is extended
    both ways, and windows inside a found run are skipped.
    """
    hashes = np.frombuffer(_chunk_hash_bytes(text), dtype=np.uint32)
    n, k = len(hashes), anchor_words
    if n < max(min_words, k) * 2:
        return []
    keys_np = hashes.astype(np.uint64)
    grams = _gram_hashes(keys_np, k)
    order = np.argsort(grams, kind="stable")
    same = grams[order[1:]] == grams[order[:-1]]
    later, earlier = order[1:][same], order[:-1][same]
    lag = later - earlier
    # A copy is at most `lag` words long, so a shorter lag cannot hold a long enough run (and
    # skipping it keeps periodic text, e.g. a table's repeated short rows, linear).
    ok = (lag >= max(k, min_words)) & (lag <= max_lag_words)
    hits = sorted(zip(later[ok].tolist(), earlier[ok].tolist()))
    if not hits:
        return []
    keys = keys_np.tolist()
    spans: np.ndarray | None = None
    out: list[Repeat] = []
    resume = 0
    for j, i in hits:
        if j < resume:
            continue
        a, a_end, b, mism = _extend_repeat(keys, i, j, window=window_words,
                                           max_mismatch=window_mismatches)
        words_in_run = a_end - a
        if words_in_run < min_words:
            continue
        if spans is None:  # only a text with a long repeat needs word offsets
            spans = _word_spans(text)
        b_end = b + words_in_run
        out.append(Repeat(first_start=int(spans[a, 0]), first_end=int(spans[a_end - 1, 1]),
                          second_start=int(spans[b, 0]), second_end=int(spans[b_end - 1, 1]),
                          words=words_in_run, mismatches=mism, gap_words=b - a_end))
        resume = b_end
    return out


def run(text: str, ctx) -> StageResult:
    """Remove the first copy of each block scanned twice in a row; flag other long repeats."""
    opts = {**DEFAULTS, **(getattr(ctx, "options", None) or {})}
    repeats = find_repeats(text, min_words=opts["min_repeat_words"],
                           anchor_words=opts["anchor_words"],
                           max_lag_words=opts["max_lag_words"],
                           window_words=opts["window_words"],
                           window_mismatches=opts["window_mismatches"])
    edits: list[Edit] = []
    flags: list[Flag] = []
    removed_chars = 0
    verse = [(sp.start, sp.end) for sp in (getattr(ctx, "spans", None) or []) if sp.kind == "verse"]
    for r in repeats:
        in_verse = any(a < r.second_end and r.first_start < b for a, b in verse)
        if r.gap_words <= opts["max_seam_words"] and not in_verse:
            start, end = r.first_start, r.second_start
            breaks_off = not SENTENCE_END_RE.search(text, r.first_start, r.first_end)
            edits.append(Edit.at(
                text, start, end, "", stage=STAGE, reason=REASON_SCANNED_TWICE,
                confidence=0.99 if breaks_off and r.back_to_back else 0.9,
                evidence={
                    "kept_start": r.second_start, "kept_end": r.second_end,
                    "kept_start_in_output": r.second_start - removed_chars - (end - start),
                    "kept_head": text[r.second_start:r.second_start + 80],
                    "words": r.words, "mismatches": r.mismatches, "seam_words": r.gap_words,
                    "first_copy_breaks_off": breaks_off,
                    "why": "the same words twice in a row; the first copy runs into the "
                           "restart of the second, the second reads on into the text",
                }))
            removed_chars += end - start
        else:
            flags.append(Flag(
                stage=STAGE, start=r.second_start, end=r.second_end,
                text=text[r.second_start:r.second_start + 200],
                reason=("repeated passage in verse (a refrain?): left alone" if in_verse
                        else "repeated passage, not back to back: left alone"),
                candidates=[{"text": "", "first_start": r.first_start, "first_end": r.first_end,
                             "words": r.words, "gap_words": r.gap_words}],
                confidence=0.5))
    return StageResult(edits=edits, flags=flags,
                       stats={"scanned_twice": len(edits), "removed_chars": removed_chars,
                              "repeats_flagged": len(flags)})


# -- near duplicates (corpus level) ------------------------------------------------------------

class NearDuplicateIndex:
    """Near-duplicate grouping of many segments with a small, flat memory footprint.

    ``add(key, text)`` stores, per segment long enough to judge, a MinHash
    signature of its content-word set (datasketch ``MinHash``, ``num_perm``
    uint32 values) and its word hashes (4 bytes a word) -- nothing else.
    ``groups()`` then runs LSH banding (``bands`` x ``rows``) with numpy: per band
    one sort of the band keys gives the colliding segments; colliding pairs
    are filtered by the signatures' estimated Jaccard, then verified exactly
    (content-word Jaccard and word alignment ratio). Groups are stars: each
    segment joins the most similar *representative* (an earlier segment that
    is not itself a member) it was verified against, so no chain of pairwise
    links can grow a runaway cluster.

    datasketch's own ``MinHashLSH`` keeps a Python set and a bytes key per
    segment and band: measured 15 KB a segment at 32 bands (about 2.4 GB for
    a 100 MB corpus), hence the flat arrays here.
    """

    def __init__(self, *, options: dict | None = None):
        self.opts = o = {**DEFAULTS, **(options or {})}
        if o["bands"] * o["rows"] > o["num_perm"]:
            raise ValueError("bands * rows must not exceed num_perm")
        # datasketch's affine32 permutations; signatures are computed for a batch of segments
        # at once (one numpy pass) and equal datasketch's MinHash (tested).
        minhash_permutations(o["num_perm"], o["seed"])  # drawn once per process (cached)
        self.keys: list[Any] = []
        self._hashes: list[array] = []
        self._sigs = array("I")
        self._quoted = bytearray()  # 1 where the segment is a quotation (stricter threshold)
        self._pending: list[np.ndarray] = []
        self.candidates_checked = 0
        self.pairs_verified: list[tuple[int, int, float]] = []

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: Any, text: str) -> bool:
        """Store a segment; False when it is too short (formulaic) to be a near duplicate."""
        features = segment_features(text, options=self.opts)
        if features is None:
            return False
        hashes, content = features
        self._pending.append(content)
        self._hashes.append(hashes)
        self._quoted.append(is_quotation(text))
        self.keys.append(key)
        if len(self._pending) >= SIGNATURE_BATCH:
            self._flush()
        return True

    def add_prepared(self, key: Any, hashes: array, signature: bytes, *, quoted: bool = False) -> None:
        """Store a segment whose word hashes and signature were computed elsewhere.

        ``hashes`` and ``signature`` must come from :func:`segment_features` and
        :func:`minhash_signatures` with this index's options (e.g. in a worker process),
        and ``quoted`` from :func:`is_quotation`: then the index is the same as if ``add``
        had been called with the text.
        """
        self._flush()  # keep signatures in key order
        self._sigs.frombytes(signature)
        self._hashes.append(hashes)
        self._quoted.append(bool(quoted))
        self.keys.append(key)

    def _flush(self) -> None:
        """MinHash signatures of the pending content sets, as datasketch computes them."""
        if not self._pending:
            return
        sig = minhash_signatures(self._pending, options=self.opts)
        self._sigs.frombytes(sig.tobytes())
        self._pending = []

    def signatures(self) -> np.ndarray:
        """``(segments, num_perm)`` uint32 MinHash signatures."""
        self._flush()
        return np.frombuffer(self._sigs, dtype=np.uint32).reshape(len(self.keys), self.opts["num_perm"])

    def _candidate_pairs(self) -> np.ndarray:
        """Index pairs ``(i, j)``, ``i < j``, that collide in a band and look similar enough."""
        o = self.opts
        n = len(self.keys)
        if n < 2:
            return np.zeros((0, 2), dtype=np.int64)
        sigs = self.signatures()
        mult = np.uint64(0x9E3779B97F4A7C15)
        min_est = o["near_min_jaccard"] * 0.6  # signature estimate, generous before exact checks
        kept = []
        for band in range(o["bands"]):
            found = []
            cols = sigs[:, band * o["rows"]:(band + 1) * o["rows"]].astype(np.uint64)
            keys = np.zeros(n, dtype=np.uint64)
            with np.errstate(over="ignore"):
                for c in range(cols.shape[1]):
                    keys = keys * mult + cols[:, c]
            order = np.argsort(keys, kind="stable")  # equal keys stay in segment order
            sk = keys[order]
            # Pair each segment with up to `max_bucket` segments before it in its bucket: a
            # huge bucket is a collision of common words, not a group of duplicates.
            for d in range(1, o["max_bucket"] + 1):
                same = sk[d:] == sk[:-d]
                if not same.any():
                    break
                found.append(np.stack([order[:-d][same], order[d:][same]], axis=1))
            if found:
                pairs = np.concatenate(found)
                pairs.sort(axis=1)
                est = np.empty(len(pairs))
                for c in range(0, len(pairs), 65536):  # bounded temporary arrays
                    chunk = pairs[c:c + 65536]
                    est[c:c + 65536] = (sigs[chunk[:, 0]] == sigs[chunk[:, 1]]).mean(axis=1)
                kept.append(pairs[est >= min_est])
        if not kept:
            return np.zeros((0, 2), dtype=np.int64)
        return np.unique(np.concatenate(kept).astype(np.int64), axis=0)

    def groups(self) -> list[tuple[Any, list[tuple[Any, float]]]]:
        """Star groups ``(representative key, [(member key, similarity), ...])`` in key order."""
        o = self.opts
        pairs = self._candidate_pairs()
        partners: dict[int, list[int]] = {}
        for i, j in pairs.tolist():
            partners.setdefault(j, []).append(i)
        stop = _stopword_hashes()
        content_cache: dict[int, set[int]] = {}

        def content(i: int) -> set[int]:
            c = content_cache.get(i)
            if c is None:
                c = content_cache[i] = set(self._hashes[i]).difference(stop)
            return c

        rep_of: dict[int, int] = {}
        members: dict[int, list[tuple[int, float]]] = {}
        for j in sorted(partners):
            best: tuple[float, int] | None = None
            for i in sorted(partners[j]):
                if i in rep_of:
                    continue  # only representatives gather members
                self.candidates_checked += 1
                if jaccard(content(i), content(j)) < o["near_min_jaccard"]:
                    continue
                sim = alignment_ratio(self._hashes[i], self._hashes[j])
                quoted = self._quoted[i] or self._quoted[j]
                if sim >= (o["near_quote_threshold"] if quoted else o["near_threshold"]):
                    self.pairs_verified.append((i, j, sim))
                    if best is None or sim > best[0]:
                        best = (sim, i)
            if best is not None:
                rep_of[j] = best[1]
                members.setdefault(best[1], []).append((j, round(best[0], 4)))
            content_cache.pop(j, None)
        return [(self.keys[r], [(self.keys[m], sim) for m, sim in ms]) for r, ms in sorted(members.items())]


@lru_cache(maxsize=8)
def minhash_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2.0's affine32 ``MinHash(num_perm, seed).permutations``, without datasketch.

    Importing datasketch pulls in scipy (seconds of start-up per process) only to draw these
    two arrays; the same draws from the same ``RandomState`` give the same parameters (a test
    compares them with datasketch's). Read-only: shared by every index of the process.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = b.flags.writeable = False
    return a, b


def segment_features(text: str, *, options: dict) -> tuple[array, np.ndarray] | None:
    """Word hashes and content-word array of a segment, or None if too short to judge.

    ``options`` are complete dedup options (``near_min_words``).
    """
    hashes = word_hashes(text)
    if len(hashes) < options["near_min_words"]:
        return None
    content = content_set(hashes)
    if len(content) < 3:
        return None
    return hashes, np.fromiter(content, dtype=np.uint32, count=len(content))


def minhash_signatures(contents: list[np.ndarray], *, options: dict) -> np.ndarray:
    """``(len(contents), num_perm)`` uint32 MinHash signatures (datasketch's, in one numpy pass).

    Each row depends on its own content array only, so batches of any size and order give
    the same rows. ``contents`` must be non-empty arrays.
    """
    perm_a, perm_b = minhash_permutations(options["num_perm"], options["seed"])
    sizes = np.fromiter(map(len, contents), dtype=np.int64, count=len(contents))
    values = _fmix32(np.concatenate(contents))
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    sig = np.empty((len(sizes), len(perm_a)), dtype=np.uint32)
    for c in range(0, len(perm_a), 16):  # 16 permutations at a time: bounded temporaries
        a, b = perm_a[c:c + 16], perm_b[c:c + 16]
        with np.errstate(over="ignore"):
            permuted = values[:, None] * a + b
        sig[:, c:c + 16] = np.minimum.reduceat(permuted, starts, axis=0)
    return sig


SIGNATURE_BATCH = 2048  # segments whose signatures are computed in one numpy pass


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (the pre-mix datasketch's affine32 scheme applies)."""
    h = h.astype(np.uint32)
    with np.errstate(over="ignore"):
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    return h


def is_near_duplicate(a: str, b: str, *, options: dict | None = None) -> tuple[bool, float]:
    """Verify one pair the way the index does (for tests and benchmarks)."""
    o = {**DEFAULTS, **(options or {})}
    ha, hb = word_hashes(a), word_hashes(b)
    if min(len(ha), len(hb)) < o["near_min_words"]:
        return False, 0.0
    if jaccard(content_set(ha), content_set(hb)) < o["near_min_jaccard"]:
        return False, 0.0
    sim = alignment_ratio(ha, hb)
    quoted = is_quotation(a) or is_quotation(b)
    return sim >= (o["near_quote_threshold"] if quoted else o["near_threshold"]), round(sim, 4)


__all__ = ["DEFAULTS", "run", "find_repeats", "Repeat", "NearDuplicateIndex", "normalize_text",
           "segment_id", "is_quotation", "word_hashes", "alignment_ratio", "is_near_duplicate", "segment_features",
           "minhash_signatures", "minhash_permutations"]
