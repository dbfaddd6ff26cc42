"""The lexicon's counting is per document and additive: counted in workers and merged,
it gives the same lexicon as counting the whole corpus in one pass."""

import pickle

from cleaners.words.lexicon import (DocumentCounts, build_corpus_lexicon, document_counts,
                                    lexicon_from_counts)

DOCS = [
    ("a", "Koba met Koba and Koba in Tiflis. Eenin saw Lenin, Lenin and Lenin.\n\nThe Bolow family "
          "lived below the hill; the Bolow house was old."),
    ("b", "Lenin wrote to Koba. Ihe letter was lost, and the letter was found again by Koba."),
    ("c", ""),
]


def test_merged_document_counts_give_the_same_lexicon():
    whole = build_corpus_lexicon(DOCS)
    merged = DocumentCounts()
    for _, text in DOCS:
        merged.merge(pickle.loads(pickle.dumps(document_counts(text))))
    assert lexicon_from_counts(merged).digest == whole.digest
    assert lexicon_from_counts(merged).counts == whole.counts


def test_counts_are_additive():
    a, b = document_counts(DOCS[0][1]), document_counts(DOCS[1][1])
    m = DocumentCounts()
    m.merge(a)
    m.merge(b)
    assert m.total == a.total + b.total
    assert m.raw["koba"] == a.raw["koba"] + b.raw["koba"] == 5
