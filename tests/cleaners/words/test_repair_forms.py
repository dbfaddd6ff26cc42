"""The per-form verdict cache of the word stage: filled in bulk, equal to one form at a time."""

from __future__ import annotations

from cleaners.words.lexicon import build_corpus_lexicon
from cleaners.words.repair import (_classify_form, _classify_missing, _options, _protected_words,
                                   language_model)
from cleaners.words.tokens import WORD_RE


def test_classify_missing_fills_every_form_as_one_at_a_time():
    text = ("It turned out lhal he had been there, and lhal the NKVD Commmittee of 1913 met at Smolny; "
            "tbe man said thai he would go, 188i, lo the town. It turned out")
    lex = build_corpus_lexicon([("a", text)])
    opts = _options(None)
    lm = language_model(lex, opts)
    protected = _protected_words(tuple(opts["protected_words"]), opts["protected_words_file"])
    words = WORD_RE.findall(text)
    verdicts = {"It": _classify_form("It", lm, protected, opts)}  # one form already known
    forms = [verdicts.get(w) for w in words]
    _classify_missing(words, forms, verdicts, lm, protected, opts)
    assert forms == [_classify_form(w, lm, protected, opts) for w in words]
    assert set(verdicts) == set(words)
    assert len(set(forms)) > 2  # several kinds of verdict are exercised


def test_full_caches_are_emptied_and_nothing_changes(monkeypatch):
    from cleaners.words import repair, scoring

    text = "It turned out lhal he had been there. " * 3 + "The tbe man said thai he would go lo the town."
    lex = build_corpus_lexicon([("a", text)])
    expected = repair.repair_text(text, lexicon=lex)
    monkeypatch.setattr(repair, "MAX_CACHED_FORMS", 3)
    monkeypatch.setattr(scoring, "MAX_CACHED_LOGPS", 5)
    repair._LM_CACHE.clear()  # cold caches, emptied as they fill
    assert repair.repair_text(text, lexicon=lex)[0] == expected[0]
    assert [e.to_json() for e in repair.repair_text(text, lexicon=lex)[1]] == [e.to_json() for e in expected[1]]
    repair._LM_CACHE.clear()
