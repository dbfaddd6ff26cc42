"""Deep slips (issue 3): a lowercase non-word several cheap OCR confusions from its word
(``tlirougli``: li read for h twice) is read as that word by a bounded search over the
channel model's confusions, pruned by the lexicon's prefixes; names, foreign words, words
in capitals, protected spans and the corpus's trusted forms stay as they are. Every case
is invented; the switch off shows that this mechanism, and nothing else, makes the repair.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words.lexicon import build_corpus_lexicon, empty_lexicon
from cleaners.words.repair import _deep_slips_unattested, _options, language_model, repair_text
from cleaners.words.scoring import (DEEP_MAX_LEN, DEEP_MAX_READINGS, DEEP_MIN_LOGP, Reading, deep_slip_candidates,
                                    nonword_candidates, prefix_table, two_slip_candidates)

DATA = Path(__file__).resolve().parents[2] / "data" / "words" / "deep_slips_cases.json"
CASES = json.loads(DATA.read_text(encoding="utf-8"))
OFF = {"deep_slips": False}


@pytest.fixture(scope="module")
def lm():
    return language_model(empty_lexicon(), _options(None))


def _deep(lm, form: str) -> list[Reading]:
    opts = _options(None)
    return deep_slip_candidates(lm, form, form.lower(), max_channel=opts["deep_slips_max_channel"],
                                max_generic=opts["deep_slips_generic"],
                                generic_min_len=opts["deep_slips_generic_min_len"])


@pytest.mark.parametrize("form,word", CASES["generator"])
def test_the_search_reaches_what_no_other_generator_proposes(lm, form, word):
    found = _deep(lm, form)
    assert found and found[0].text == word and found[0].kind == "deep-slips"
    assert found[0].channel <= _options(None)["deep_slips_max_channel"]
    # neither one slip nor the two-slip search proposes the word
    assert word not in {r.text for r in nonword_candidates(lm, form, form, max_channel=3.5)}
    assert word not in {r.text for r in two_slip_candidates(lm, form, form)}


@pytest.mark.parametrize("before,after", CASES["repairs"])
def test_a_form_several_confusions_away_is_repaired(before, after):
    new, edits, _ = repair_text(before, lexicon=empty_lexicon())
    assert new == after
    assert all(e.evidence["candidates"][0]["kind"] == "deep-slips" for e in edits)
    assert repair_text(before, lexicon=empty_lexicon(), options=OFF)[0] == before


@pytest.mark.parametrize("before,after", CASES["repairs"])
def test_idempotent(before, after):
    new = repair_text(before, lexicon=empty_lexicon())[0]
    again, edits, _ = repair_text(new, lexicon=empty_lexicon())
    assert again == new and not edits


@pytest.mark.parametrize("text", CASES["unchanged"])
def test_names_foreign_words_capitals_and_protected_spans_stay(text):
    new, edits, _ = repair_text(text, lexicon=empty_lexicon())
    assert new == text, [(e.before, e.after) for e in edits]


@pytest.mark.parametrize("form", CASES["no_candidates"])
def test_no_search_outside_scope(lm, form):
    """Capitalised forms (names), capitals, known words, foreign forms no cheap slips make
    of a word, numbers and forms with many digits give nothing."""
    assert _deep(lm, form) == []


def test_a_trusted_corpus_form_stays():
    """A form the corpus writes often is one of its words: not read as another."""
    docs = [(str(i), f"A liaudkercliief lay {i} times on the old wall by the liaudkercliief tree.") for i in range(40)]
    lex = build_corpus_lexicon(docs)
    assert lex.trusted("liaudkercliief")
    text = "He took out his liaudkercliief and wept."
    assert repair_text(text, lexicon=lex)[0] == text
    assert repair_text(text, lexicon=empty_lexicon())[0] != text  # (the same line without that corpus)


@pytest.mark.parametrize("text,form,word", CASES["flagged"])
def test_a_reading_short_of_the_bar_is_flagged(text, form, word):
    """A deep reading below ``deep_slips_threshold`` (three confusions: weaker evidence) is
    a flag with its candidates, not an edit; a lower bar applies it."""
    new, edits, flags = repair_text(text, lexicon=empty_lexicon())
    assert new == text and not edits
    (flag,) = [f for f in flags if f.text == form]
    assert flag.candidates[0]["text"] == word and flag.candidates[0]["kind"] == "deep-slips"
    assert repair_text(text, lexicon=empty_lexicon(), options={"deep_slips_threshold": 0.9})[0] != text


def test_weak_evidence_is_a_flag_not_an_edit(lm):
    """Without a word pair attesting it, a reading needs a near-certain posterior and must
    be the sole word reading: otherwise the token is flagged with its candidates."""
    opts = _options(None)
    sure = [Reading("upon", ("upon",), 2.2, "deep-slips", posterior=0.9995),
            Reading("npoh", ("npoh",), 0.0, "as-is", posterior=0.0005)]
    assert _deep_slips_unattested(lm, sure[0], sure, opts)
    unsure = [Reading("upon", ("upon",), 2.2, "deep-slips", posterior=0.98),
              Reading("npoh", ("npoh",), 0.0, "as-is", posterior=0.02)]
    assert not _deep_slips_unattested(lm, unsure[0], unsure, opts)
    rivals = [Reading("upon", ("upon",), 2.2, "deep-slips", posterior=0.9991),
              Reading("apon", ("apon",), 2.2, "deep-slips", posterior=0.0005),
              Reading("npoh", ("npoh",), 0.0, "as-is", posterior=0.0004)]
    assert _deep_slips_unattested(lm, rivals[0], rivals, opts)  # (a rival this weak is no rival)
    assert not _deep_slips_unattested(lm, sure[0], sure, {**opts, "deep_slips_unattested_threshold": 1.01})


def test_readings_are_priced_by_the_channel_model(lm):
    for r in _deep(lm, "tlirougli"):
        assert r.channel <= lm.channel("tlirougli", r.text) + 1e-9


def test_prefix_table_is_the_lexicon_trie(lm):
    t = prefix_table(lm._unigrams, DEEP_MIN_LOGP)
    assert t["through"].startswith("$") and t["throug"] == "h" and "thxough" not in t


@settings(deadline=None, max_examples=40)
@given(st.text(alphabet="abcdefhiklmnorstuv01", min_size=1, max_size=DEEP_MAX_LEN + 4))
def test_bounded_output(lm, form):
    found = _deep(lm, form)
    assert len(found) <= DEEP_MAX_READINGS
    for r in found:
        assert r.text != form and r.keys == (r.text,) and r.kind == "deep-slips"
        assert r.channel <= _options(None)["deep_slips_max_channel"] + 1e-9
        assert prefix_table(lm._unigrams, DEEP_MIN_LOGP).get(r.text, "").startswith("$") or lm.lex.trusted(r.text)


def test_an_arbitrary_slip_only_in_longer_forms(lm):
    """One arbitrary slip among the confusions (``tlirouh``: li for h, and a lost g), when
    switched on (``deep_slips_generic``), is searched in forms of ``generic_min_len`` letters
    or more only."""
    assert "through" in {r.text for r in deep_slip_candidates(lm, "tlirouh", "tlirouh", max_channel=3.5,
                                                              max_generic=1, generic_min_len=7)}
    assert "through" not in {r.text for r in deep_slip_candidates(lm, "tlirouh", "tlirouh", max_channel=3.5,
                                                                  max_generic=0)}
    assert "through" not in {r.text for r in deep_slip_candidates(lm, "tlirouh", "tlirouh", max_channel=3.5,
                                                                  max_generic=1, generic_min_len=8)}


def test_long_forms_are_not_searched(lm):
    """No work grows with a huge token (a one-word document of a megabyte)."""
    assert _deep(lm, "a" * (DEEP_MAX_LEN + 1)) == []
    assert _deep(lm, "tlirougli" * 100_000) == []
