"""Corpus lexicon (placeholder until the word-repair issue lands)."""


def build_corpus_lexicon(layout_texts, *, options=None):
    return None
