"""Candidate lookups: the fast paths give exactly what the plain computations give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words.confusions import (length_skeletons, ligature_free_length_skeletons, skeleton,
                                       token_skeletons)
from cleaners.words.lexicon import build_corpus_lexicon
from cleaners.words.scoring import LIGATURE_SKELETONS, LanguageModel, _ligature_mapping

# trusted corpus forms the general list lacks (so the corpus index and its ligature
# index are not empty), among ordinary words
CORPUS = ("Rakhia met Filtova at Smolny. Rakhia and Filtova and Smolny were there. "
          "The figure floating in the office was affluent. ") * 5
SURFACES = ["gure", "oating", "oce", "auent", "liave", "rnodern", "tlie", "Eeningrad", "Commmittee",
            "Raklia", "Tallin", "Ftova", "Fitova", "Flitova", "Srnolny", "eld", "ofce", "dierent", "efect", "aair", "scientic",
            "sufcient", "tbat", "vvhich", "Bolshevik", "Iouse", "tliat", "ii", "a", "RTsKhIDNI", "don’t"]


def plain_same_skeleton(lm: LanguageModel, surface: str, length_changes: bool) -> set[str]:
    """``same_skeleton`` as first written: every skeleton tried in both indexes."""
    sks = token_skeletons(surface)
    if length_changes:
        sks |= length_skeletons(surface.lower())
    out: set[str] = set()
    for sk in sks:
        out.update(lm.general_index.get(sk, ()))
        out.update(lm.corpus_index.get(sk, ()))
    return out


@pytest.fixture(scope="module")
def lm() -> LanguageModel:
    return LanguageModel(build_corpus_lexicon([("corpus", CORPUS)]))


def test_same_skeleton_matches_the_plain_lookup(lm):
    assert lm.corpus_index and lm.corpus_ligatures  # the corpus side is exercised too
    found_ligature = False
    for surface in SURFACES:
        for length_changes in (False, True):
            fast = lm.same_skeleton(surface, length_changes=length_changes)
            assert fast == plain_same_skeleton(lm, surface, length_changes), (surface, length_changes)
        found_ligature |= "figure" in lm.same_skeleton("gure", length_changes=True)
    assert found_ligature


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="abcdefhiklmnorstuvwyILEBRJ1’'", min_size=1, max_size=9))
def test_same_skeleton_matches_the_plain_lookup_on_any_form(lm, surface):
    assert lm.same_skeleton(surface, length_changes=True) == plain_same_skeleton(lm, surface, True)


def plain_length_skeletons(word: str) -> set[str]:
    """``length_skeletons`` as first written (one ``find`` loop per length-changing pair)."""
    from cleaners.words.confusions import LENGTH_CHANGING

    out: set[str] = set()
    for seen, meant in LENGTH_CHANGING:
        start = word.find(seen)
        while start != -1:
            out.add(skeleton(word[:start] + meant + word[start + len(seen):]))
            start = word.find(seen, start + 1)
    for i in range(1, len(word)):
        if word[i] == word[i - 1]:
            out.add(skeleton(word[:i] + word[i + 1:]))
    sk = skeleton(word)
    for i in range(len(sk) + 1):
        out.add(sk[:i] + "tt" + sk[i:])
        out.add(sk[:i] + "ttt" + sk[i:])
    out.discard(sk)
    return out


@settings(deadline=None, max_examples=500)
@given(st.text(alphabet="abcdfhilmnrtuvwüH’", max_size=10))
def test_length_skeletons_match_the_plain_loops(word):
    assert length_skeletons(word) == plain_length_skeletons(word)
    sk = skeleton(word)
    ligatures = {sk[:i] + lig + sk[i:] for i in range(len(sk) + 1) for lig in LIGATURE_SKELETONS}
    assert (ligature_free_length_skeletons(word) | ligatures) - {sk} == length_skeletons(word)


@settings(deadline=None, max_examples=300)
@given(st.sets(st.text(alphabet="teuh", max_size=7), max_size=25), st.text(alphabet="teuh", max_size=6))
def test_ligature_mapping_finds_every_insertion(keys, sk):
    mapping = _ligature_mapping(dict.fromkeys(keys, ()))
    inserted = {sk[:i] + lig + sk[i:] for i in range(len(sk) + 1) for lig in LIGATURE_SKELETONS}
    assert set(mapping.get(sk, ())) == inserted & keys
    assert all(list(v) == sorted(v) for v in mapping.values())


def plain_common_twins(lm: LanguageModel, surface: str, min_prob: float) -> set[str]:
    """``common_twins`` as first written (a superset: no frequency filter) and filtered."""
    import math

    from cleaners.words.scoring import frequent_skeleton_index

    common = frequent_skeleton_index(lm._unigrams, lm._candidate_min_prob, min_prob / 2)
    out: set[str] = set()
    for sk in token_skeletons(surface):
        out.update(common.get(sk, ()))
        out.update(lm.lexicon_index.get(sk, ()))
    return {w for w in out if lm.logp(w) is not None and lm.logp(w) >= math.log10(min_prob)}


def test_common_twins_are_the_plain_ones_that_can_pass(lm):
    for surface in SURFACES + ["lo", "Thai", "bad", "tbe", "Rakhia", "filtova", "ihe", "wbich", "tlie"]:
        for min_prob in (1e-5, 1e-6):
            assert lm.common_twins(surface, min_prob) == plain_common_twins(lm, surface, min_prob), surface
    assert "that" in lm.common_twins("thai", 1e-5) and "rakhia" in lm.common_twins("Rakbia", 1e-5)


# ---------------------------------------------------------------- two slips

from cleaners.words.confusions import DOUBLED_COST, channel_cost, sub_cost  # noqa: E402
from cleaners.words.scoring import (TWO_SLIP_MAX_CHANNEL, TWO_SLIP_MIN_LOGP,  # noqa: E402
                                    first_slip_readings, two_slip_candidates)


@given(st.text(alphabet="abcdefhilmnortuvw", min_size=1, max_size=12))
@settings(max_examples=150, deadline=None)
def test_first_slips_are_one_confusion_or_a_doubled_letter(word):
    for w, cost in first_slip_readings(word):
        assert w != word
        # the rewrite is one stretch: a common prefix and suffix around it
        p = 0
        while p < min(len(w), len(word)) and w[p] == word[p]:
            p += 1
        q = 0
        while q < min(len(w), len(word)) - p and w[-1 - q] == word[-1 - q]:
            q += 1
        seen, meant = word[p:len(word) - q], w[p:len(w) - q]
        assert cost <= sub_cost(seen, meant) or cost == DOUBLED_COST or len(seen) + len(meant) > 3


def test_two_slips_undo_chained_confusions(lm):
    # ii -> u -> n: the channel model's alignment alone finds no cheap path
    assert channel_cost("grouiid", "ground") > TWO_SLIP_MAX_CHANNEL
    got = {r.text: r for r in two_slip_candidates(lm, "grouiid", "grouiid")}
    assert got["ground"].channel == pytest.approx(1.7) and got["ground"].kind == "two-slip"
    # one confusion and one arbitrary edit
    assert "witness" in {r.text for r in two_slip_candidates(lm, "wvitaess", "wvitaess")}


@pytest.mark.parametrize("surface", ["tiie", "Grouiid", "GROUIID", "grou1id", "grou'id", "x" * 40])
def test_two_slips_only_for_lowercase_forms_of_ordinary_length(lm, surface):
    assert two_slip_candidates(lm, surface, surface.lower()) == []


@given(st.text(alphabet="abcdeghiklmnorstuvw", min_size=5, max_size=14))
@settings(max_examples=60, deadline=None)
def test_two_slip_readings_are_common_words_within_the_cost_bar(lm, word):
    for r in two_slip_candidates(lm, word, word):
        assert r.text != word and r.text.isalpha() and r.keys == (r.text,)
        assert lm.uni.get(r.text, 0.0) >= 10 ** TWO_SLIP_MIN_LOGP
        assert 0 < r.channel <= TWO_SLIP_MAX_CHANNEL
        assert r.channel <= lm.channel(word, r.text) + 1e-9  # never dearer than the direct reading


def test_two_slips_on_a_long_form_are_bounded(lm):
    form = "abcdefghijklmnopqrstuvwx"  # TWO_SLIP_MAX_LEN letters: searched, quickly
    assert isinstance(two_slip_candidates(lm, form, form), list)
    assert two_slip_candidates(lm, form + "y", form + "y") == []


# ---------------------------------------------------------------- the corpus's glyph habits in the channel

from dataclasses import replace  # noqa: E402

from cleaners.words.scoring import HABIT_REPEAT_COST, habit_channel_cost, nonword_candidates  # noqa: E402

HABITS = {"ii>h": 1.5, "jj>p": 1.9}
LOST = {"s": 1.9, "fi": 0.3}


@pytest.fixture(scope="module")
def habit_lm(lm) -> LanguageModel:
    return LanguageModel(replace(lm.lex, glyph_habits=HABITS, lost_glyphs=LOST, digest=""))


@pytest.mark.parametrize("seen, meant, cost", [
    ("tiien", "then", 1.5), ("Tiien", "Then", 1.5), ("jjresenting", "presenting", 1.9),
    ("perons", "persons", 1.9), ("poible", "possible", 1.9 + HABIT_REPEAT_COST),
    ("neceity", "necessity", 1.9 + HABIT_REPEAT_COST), ("condence", "confidence", 0.3),
    ("tiiink", "think", 1.5),
])
def test_the_channel_prices_the_corpus_glyph_habits(lm, habit_lm, seen, meant, cost):
    assert habit_lm.channel(seen, meant) == cost < lm.channel(seen, meant)
    assert habit_lm.channel(seen, meant, damaged=True) <= cost


@pytest.mark.parametrize("seen, meant", [
    ("reason", "reasons"),  # a glyph lost at the end is as often an ending
    ("tiien", "than"),  # a habit and another difference: not the habit alone
    ("tiicn", "then"),
    ("then", "tiien"),  # the habit's other direction
    ("rnen", "men"), ("lhal", "that"), ("cat", "dog"),  # what the habits do not touch
])
def test_the_channel_is_unchanged_where_no_habit_explains_the_reading(lm, habit_lm, seen, meant):
    assert habit_lm.channel(seen, meant) == lm.channel(seen, meant)


def test_a_corpus_without_habits_keeps_the_general_channel(lm):
    assert lm.lex.glyph_habits == {} and lm.lex.lost_glyphs == {}
    assert lm.habit_twins("poible") == ()
    assert habit_channel_cost("tiien", "then", {}) == 99.0
    for seen, meant in [("tiien", "then"), ("poible", "possible"), ("condence", "confidence")]:
        assert lm.channel(seen, meant) == channel_cost(seen, meant)


def test_the_habits_propose_the_words_they_explain(lm, habit_lm):
    for form, word in [("poible", "possible"), ("neceity", "necessity"), ("tiiink", "think"),
                       ("jjresenting", "presenting")]:
        assert word in habit_lm.habit_twins(form)
        found = {r.text: r.channel for r in nonword_candidates(habit_lm, form, form, max_channel=3.5)}
        assert found.get(word) == habit_lm.channel(form, word), form
        assert word not in {r.text for r in nonword_candidates(lm, form, form, max_channel=3.5)}
    assert "reasons" not in habit_lm.habit_twins("reason")  # (no habit at the end)


def test_the_habit_channel_is_bounded_on_a_long_form(habit_lm):
    long = "tiien" * 2_000
    assert habit_channel_cost(long, "then", HABITS) == 99.0
    assert habit_lm.channel(long, long.replace("ii", "h")) == channel_cost(long, long.replace("ii", "h"))
