"""bench/scale.py's corpus counting: per-worker pair tallies, merged, give the very lexicon
that counting every document in one process gives."""

from pathlib import Path

from bench.scale import _merge_pairs
from cleaners.pipeline import Config
from cleaners.words.lexicon import (BIGRAM_MIN_COUNT, DocumentCounts, PairTally, count_into, document_counts,
                                    lexicon_from_counts)

RAW = Path(__file__).resolve().parents[2] / "raw"


def _texts() -> list[str]:
    seeds = [p.read_text(encoding="utf-8")[:10_000] for p in sorted(RAW.glob("*.txt"))]
    invented = ["the old man and the sea; the old man and the boy. " * 3, "", "Koba met Koba and Koba. " * 2]
    return seeds + invented


def test_worker_tallies_merged_give_the_one_process_lexicon():
    opts = Config().options["words"]
    texts = _texts()
    one = DocumentCounts()
    for t in texts:
        one.merge(document_counts(t, options=opts))
    expected = lexicon_from_counts(one, options=opts)
    parts = []
    for share in (texts[::2], texts[1::2], []):  # (a worker may get no document)
        counts, pairs = DocumentCounts(), PairTally()
        for t in share:
            count_into(counts, t, unigrams=opts["unigrams"], known_prob=opts["known_prob"], pairs=pairs)
        parts.append((counts, pairs))
    merged, pairs = parts[0]
    for counts, more in parts[1:]:
        merged.merge(counts)
        _merge_pairs(pairs, more)
    merged.pairs = pairs.frequent(BIGRAM_MIN_COUNT)
    got = lexicon_from_counts(merged, options=opts)
    assert got == expected and got.bigrams  # (equal dicts; pair order follows the split)
