"""The lexicon's shortcuts give what the plain walks they replace give (invented forms only)."""

from collections import Counter

from cleaners.words.language import unigram_probs
from cleaners.words.lexicon import (GLYPH_HABIT_MAX_SEEN, _form_facts, _replacement_index, _replacement_key,
                                    _replacement_votes, quantise4, written_numbers)
from cleaners.words.tokens import case_pattern

UNIGRAMS, MIN_PROB = "wordfreq-large", 1e-5

# split glyphs (tiien, wiiich), damage at the start (xqhen: no word starts "xq", so the
# head search stops early), at the end, none (then), short forms, and nonsense
FORMS = ["tiien", "witii", "wiiich", "otiier", "briglit", "xqhen", "thxq", "then", "house",
         "makin", "rnodern", "ab", "a", "", "qqqqqqq", "tbe", "vvhich", "liis", "tlie", "jjlace"]


def _plain_votes(forms, probs, index, min_prob, *, only=None):
    """Every cut of every form looked up (no head pruning): the reference walk."""
    votes = Counter()
    for key in forms:
        voted = set()
        n = len(key)
        for i in range(n):
            for ls in range(1, min(GLYPH_HABIT_MAX_SEEN, n - i - 1) + 1):
                head, tail, seen = key[:i], key[i + ls:], key[i:i + ls]
                for meant in index.get(_replacement_key(head, tail), ()):
                    if (ls == 1 and len(meant) == 1) or seen[0] == meant[0] or seen[-1] == meant[-1]:
                        continue
                    if only is not None and (seen, meant) not in only:
                        continue
                    if probs.get(head + meant + tail, 0.0) >= min_prob:
                        voted.add((seen, meant))
        votes.update(voted)
    return votes


def test_head_pruned_votes_equal_the_plain_walk():
    probs, index = unigram_probs(UNIGRAMS), _replacement_index(UNIGRAMS, MIN_PROB)
    plain = _plain_votes(FORMS, probs, index, MIN_PROB)
    assert plain[("ii", "h")] >= 3  # the walk finds the split glyph at all
    fast = _replacement_votes(FORMS, probs, index, MIN_PROB)
    assert list(fast.items()) == list(plain.items())
    only = {("ii", "h"), ("li", "h")}
    assert _replacement_votes(FORMS, probs, index, MIN_PROB, only=only) == _plain_votes(
        FORMS, probs, index, MIN_PROB, only=only)


def test_replacement_heads_are_prefix_closed():
    heads = _replacement_index(UNIGRAMS, MIN_PROB).heads
    assert "" in heads and "th" in heads and "xq" not in heads
    assert all(h[:-1] in heads for h in heads if h)


def test_written_numbers_sorted_and_filtered():
    raw = Counter({"1917": 3, "907": 2, "12": 9, "19170": 4, "１９０７": 3, "1905": 1, "abc": 5, "0042": 2})
    out = written_numbers(raw, min_count=2)
    assert out == {"0042": 2, "1917": 2, "907": 2}
    assert list(out) == sorted(out)


def test_quantise4_is_the_largest_power_of_four_at_most_n():
    def by_loop(n):
        q = 1
        while q * 4 <= n:
            q *= 4
        return q

    ns = list(range(-3, 5000)) + [4 ** k + d for k in range(1, 40) for d in (-1, 0, 1)]
    assert [quantise4(n) for n in ns] == [by_loop(n) for n in ns]


def test_form_facts_titles_are_case_pattern_titles():
    forms = ["the", "Lenin", "NKVD", "PalaJ", "I", "iPhone", "ǅemal", "élan", "Élan", "1917", "o'Neill",
             "O'Neill", "’tis", "x", "ΟΔΟΣ", "Οδος", "οδος", "straße", "McDonald", "mcDonald", "_a"]
    title = _form_facts(forms, unigrams=UNIGRAMS, known_prob=1e-6)[3]
    assert title == [case_pattern(w) == "title" for w in forms]
    assert any(title) and not all(title)
