"""The capped channel cost (an alignment that stops once it must end above a limit)
gives the exact cost whenever it is at most the limit, and a cost above it otherwise."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners.words import confusions
from cleaners.words.confusions import _aligned_cost, channel_cost, channel_cost_within
from cleaners.words.lexicon import build_corpus_lexicon
from cleaners.words.scoring import LanguageModel

# letters of the group confusions (rn/m, cl/d, ii/u, vv/w), ligatures (ff, fi, fl), digits
ALPHABET = "acdefhilmnorstuvw015ü"
WORDS = st.text(alphabet=ALPHABET, min_size=0, max_size=9)
LIMITS = st.sampled_from([0.0, 0.3, 0.5, 1.0, 1.2, 1.5, 2.0, 2.3, 2.5, 3.0, 3.5, 4.0, 6.0])


@settings(max_examples=600, deadline=None)
@given(WORDS, WORDS, LIMITS)
def test_capped_alignment_is_exact_under_the_limit(seen, meant, limit):
    exact = _aligned_cost(seen, meant)
    capped = _aligned_cost(seen, meant, limit)
    if exact <= limit:
        assert capped == exact
    else:
        assert capped > limit


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(WORDS, WORDS, LIMITS), min_size=1, max_size=6))
def test_cached_capped_cost_never_serves_a_higher_limit(queries):
    """Whatever the order of the questions (low limits first, then higher ones, the
    exact cost asked for between), each answer is the exact cost when that is at most
    its limit and above the limit otherwise."""
    confusions._EXACT_COSTS.clear()
    exact = {(s, m): channel_cost(s, m) for s, m, _ in queries}
    confusions._EXACT_COSTS.clear()
    confusions._COSTS_ABOVE.clear()
    for seen, meant, limit in queries + [(s, m, lim + 1.0) for s, m, lim in queries]:
        got = channel_cost_within(seen, meant, limit)
        if exact[seen, meant] <= limit:
            assert got == exact[seen, meant]
        else:
            assert got > limit
    for seen, meant, _ in queries:
        assert channel_cost(seen, meant) == exact[seen, meant]


def test_capped_cost_examples():
    """A pair dear past the limit stops early; asked again with a higher limit, the
    exact cost comes back (not the capped one)."""
    confusions._EXACT_COSTS.clear()
    confusions._COSTS_ABOVE.clear()
    exact = _aligned_cost("rnodernity", "modesty")
    assert 1.0 < exact < 99.0
    assert channel_cost_within("rnodernity", "modesty", 1.0) == 99.0
    assert channel_cost_within("rnodernity", "modesty", exact) == exact
    assert channel_cost_within("rnen", "men", 1.0) == 0.5 == channel_cost("rnen", "men")


@pytest.fixture(scope="module")
def lm() -> LanguageModel:
    corpus = "The house was there and the men met them at the mill. " * 5
    return LanguageModel(build_corpus_lexicon([("corpus", corpus)]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(WORDS, WORDS, LIMITS, st.booleans(), st.booleans())
@example("rnen", "men", 0.3, False, False)  # a learned bonus brings 0.5 under the limit
@example("rnodem", "modern", 1.0, True, False)
@example("poible", "possible", 2.0, False, True)  # a habit far cheaper than the plain cost
def test_capped_model_channel_is_exact_under_the_limit(lm, seen, meant, limit, damaged, habits):
    """The corpus's learned misreadings (bonuses on plain costs up to 3.0) and glyph
    habits (cheaper than the plain cost) keep the capped cost exact under the limit."""
    lm.learned = lm.learned_damaged = {("b", "h"): 1.2, ("rn", "m"): 0.4, ("l", "t"): 2.9, ("e", "c"): 0.5}
    lm._habits = {"ii>h": 1.5, ">s": 1.9, "f>s": 0.3} if habits else {}
    lm._channel_cache.clear()
    exact = lm.channel(seen, meant, damaged=damaged)
    lm._channel_cache.clear()
    confusions._EXACT_COSTS.clear()
    confusions._COSTS_ABOVE.clear()
    capped = lm.channel(seen, meant, damaged=damaged, limit=limit)
    if exact <= limit:
        assert capped == exact
    else:
        assert capped > limit
