"""The lexicon's fast counting is exactly the token-by-token definition.

``count_into`` replaces a per-token loop with a regex split, per-form facts
and numpy masks; the lexicon (and so every repair) depends on its counts AND
on their insertion order (the order of ``CorpusLexicon.counts`` feeds the
repair indexes). These tests hold it to a plain reference walk over
:func:`tokenize`'s tokens, on the seeds and on arbitrary Unicode, and the
batched helpers to the one-at-a-time functions they stand for.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words.confusions import skeleton, token_skeletons
from cleaners.words.language import unigram_probs
from cleaners.words.lexicon import (DocumentCounts, PairTally, _is_title, build_corpus_lexicon,
                                    count_into, document_counts, lexicon_from_counts, normalise_keys,
                                    skeletons, token_skeleton_sets)
from cleaners.words.tokens import case_pattern, normalise_key, tokenize

SEEDS = sorted((Path(__file__).resolve().parents[3] / "raw").glob("*.txt"))
_SENTENCE_GAP_RE = re.compile(r"[.!?:;\"“”‘’'(\[—–-]\s*$|\n")


def reference_counts(text: str, known_prob: float = 1e-6) -> DocumentCounts:
    """The definition: one pass over the tokens (the lexicon's original code)."""
    probs = unigram_probs("wordfreq-large")
    out = DocumentCounts()
    toks = tokenize(text)
    out.total = n = len(toks)
    keys = [t.key for t in toks]
    ordinary = [probs.get(k, 0.0) >= known_prob or t.text[:1].isupper() for k, t in zip(keys, toks)]
    for i, t in enumerate(toks):
        k = keys[i]
        out.raw[k] += 1
        if not t.text.isalpha() and "'" not in k:
            continue
        out.surfaces[t.text] += 1
        if i and case_pattern(t.text) == "title" and not _SENTENCE_GAP_RE.search(text[toks[i - 1].end:t.start]):
            out.midsentence_caps[k] += 1
        left_ok = i == 0 or t.left_break or ordinary[i - 1]
        right_ok = i == n - 1 or toks[i + 1].left_break or ordinary[i + 1]
        if left_ok and right_ok:
            out.clean[k] += 1
        if i + 1 < n and not toks[i + 1].left_break and ordinary[i] and ordinary[i + 1]:
            out.pairs[(k, keys[i + 1])] += 1
    return out


def as_ordered(c: DocumentCounts) -> dict:
    """Everything, with each counter's insertion order."""
    return {f: list(getattr(c, f).items()) for f in ("raw", "clean", "pairs", "surfaces", "midsentence_caps")} \
        | {"total": c.total}


HAND_TEXTS = [
    "",
    "   \n\n  ",
    "one",
    "Koba met Koba and Koba. Eenin saw Lenin, Lenin and Lenin.",
    "Hello  world\tand\r\nmore. The Koba_x man’s don't 19l3 Ça va? «Oui» — Yes.\n\nΣΟΦΙΑ ΟΔΟΣ",
    "lhal ihe man-of-war’s 1913. İstanbul ǅemal McDonald ABc 1Abc Ⓐbc the THE The",
    "xq zzv the cat. the xq cat; Cat cat (Cat) “Cat” —Cat\nCat",
]


def test_counts_match_the_reference_on_hand_texts():
    for text in HAND_TEXTS:
        assert as_ordered(document_counts(text)) == as_ordered(reference_counts(text)), text


def test_counts_match_the_reference_on_the_seeds():
    assert SEEDS
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")[:200_000]  # a slice keeps the reference walk fast
        assert as_ordered(document_counts(text)) == as_ordered(reference_counts(text)), path.name


_TEXT = st.text(alphabet=st.sampled_from(list("aeilthbnmrIELRBJ’' .,;:-\n\t(—_1") + list("ΟΣςÇİ中")),
                max_size=120)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_counts_match_the_reference_on_arbitrary_text(text):
    assert as_ordered(document_counts(text)) == as_ordered(reference_counts(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_counts_match_the_reference_on_arbitrary_unicode(text):
    assert as_ordered(document_counts(text)) == as_ordered(reference_counts(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12).filter(lambda w: "\n" not in w), max_size=20))
def test_batched_helpers_match_the_one_word_functions(words):
    assert normalise_keys(words) == [normalise_key(w) for w in words]
    assert skeletons(words) == [skeleton(w) for w in words]
    assert token_skeleton_sets(words) == [token_skeletons(w) for w in words]
    assert [_is_title(w) for w in words] == [case_pattern(w) == "title" for w in words]


def test_pair_tally_keeps_the_frequent_pairs_in_first_seen_order(monkeypatch):
    docs = [HAND_TEXTS[3], HAND_TEXTS[6], HAND_TEXTS[3] + " " + HAND_TEXTS[6]] * 3
    merged = DocumentCounts()
    for text in docs:
        merged.merge(reference_counts(text))
    expected = [(p, c) for p, c in merged.pairs.items() if c >= 2]
    monkeypatch.setattr(PairTally, "_COMPACT_AT", 5)  # compact between documents too
    tally, counts = PairTally(), DocumentCounts()
    for text in docs:
        count_into(counts, text, unigrams="wordfreq-large", known_prob=1e-6, pairs=tally)
    assert list(tally.frequent(2).items()) == expected
    assert not counts.pairs  # the pairs went to the tally


def test_building_in_one_pass_equals_merging_document_counts():
    docs = [(p.stem, p.read_text(encoding="utf-8")[:100_000]) for p in SEEDS] + [("h", t) for t in HAND_TEXTS]
    merged = DocumentCounts()
    for _, text in docs:
        merged.merge(document_counts(text))
    whole, from_merged = build_corpus_lexicon(docs), lexicon_from_counts(merged)
    assert whole.digest == from_merged.digest
    assert list(whole.counts.items()) == list(from_merged.counts.items())
    assert list(whole.bigrams.items()) == list(from_merged.bigrams.items())
    assert whole.surfaces == from_merged.surfaces and whole.confusions == from_merged.confusions


def test_first_seen_order_helpers():
    from cleaners.words.lexicon import _first_seen_counts, _first_seen_unique

    ids = np.array([7, 2, 7, 0, 2, 7, 9])
    assert [a.tolist() for a in _first_seen_counts(ids, 10)] == [[7, 2, 0, 9], [3, 2, 1, 1]]
    assert [a.tolist() for a in _first_seen_unique(ids * 10**12)] == [[7 * 10**12, 2 * 10**12, 0, 9 * 10**12],
                                                                     [3, 2, 1, 1]]


# ---------------------------------------------------------------- recurring slips

def _damaged_corpus(lines: list[str], junk_lines: int) -> list[tuple[str, str]]:
    """``lines`` plus lines of one-off unknown forms (each seen once, so never trusted: damage)."""
    letters = "bcdghkmpqvwxz"
    junk = [" ".join(f"zq{letters[i % 13]}{letters[i // 13 % 13]}{letters[j]}x" for j in range(10))
            for i in range(junk_lines)]
    return [("doc", "\n".join(lines + junk))]


SLIP_LINES = (
    ["He had great condence in the jury and the court."] * 6
    + ["She spoke with confidence to the court."] * 2
    + ["The court met in the morning and the court rose at noon."] * 40
    + ["The coort was full."] * 3
    # real forms no word list knows (a transliteration, an always-lowercase Soviet term,
    # an archaic spelling, a dialect form, a dropped g) must keep their trust
    + ["The obkom met the kulakization brigade at the tremour of dawn."] * 4
    + ["My faither went to the gatherin with my father."] * 4
    + ["The gathering was large and my father was there."] * 10
)


def test_recurring_slips_lose_trust_in_a_damaged_corpus():
    lex = build_corpus_lexicon(_damaged_corpus(SLIP_LINES, 40))
    assert lex.damage_rate > 0.05
    assert not lex.trusted("condence") and not lex.trusted("coort")  # lost fi; o for u
    for real in ("obkom", "kulakization", "tremour", "faither", "gatherin", "court", "confidence"):
        assert lex.trusted(real), real


def test_recurring_slips_keep_trust_in_a_clean_corpus():
    lex = build_corpus_lexicon(_damaged_corpus(SLIP_LINES, 0))
    assert lex.damage_rate == 0.0
    assert lex.trusted("condence") and lex.trusted("coort")  # nothing says this corpus slips


def test_slip_untrust_option_turns_the_rule_off():
    lex = build_corpus_lexicon(_damaged_corpus(SLIP_LINES, 40), options={"slip_untrust": False})
    assert lex.trusted("condence") and lex.trusted("coort")


def test_recurring_slip_twin_scales_with_damage_and_frequency():
    from collections import Counter

    from cleaners.words.lexicon import recurring_slip_twin

    probs = unigram_probs("wordfreq-large")
    kw = dict(total=200_000, habits={}, min_prob=1e-5, repeat_log=2.8)
    court = Counter({"court": 400})
    assert recurring_slip_twin("coort", 3, court, probs, damage_rate=0.09, **kw) == "court"
    # a cleaner corpus, or a form about as common as its twin, is not explained by slips
    assert recurring_slip_twin("coort", 3, court, probs, damage_rate=0.01, **kw) is None
    assert recurring_slip_twin("coort", 60, court, probs, damage_rate=0.09, **kw) is None
    # inflections and a dropped final g are not slips (behests, gatherin)
    assert recurring_slip_twin("behests", 3, Counter({"behest": 400}), probs, damage_rate=0.09, **kw) is None
    assert recurring_slip_twin("gatherin", 3, Counter({"gathering": 400}), probs, damage_rate=0.09, **kw) is None
    # a twin rare in general is no evidence (tremour: tremor)
    assert recurring_slip_twin("tremour", 3, Counter(), probs, damage_rate=0.09, **kw) is None


def test_a_habitually_lost_glyph_is_learned_and_makes_the_slip_cheaper():
    from collections import Counter

    from cleaners.words.lexicon import lost_glyph_costs, recurring_slip_twin

    probs = unigram_probs("wordfreq-large")
    lost_s = ["reaon", "preent", "purpoe", "themelves", "ociety", "conider", "poible", "pleaure",
              "beides", "houe", "necesary", "huband", "himelf", "occaion", "perons", "uppoe"]
    others = ["tll", "wheie", "mle", "ths", "bnd", "fnd", "aftr", "clp", "tke", "ws"]
    known = [("the", 5000), ("and", 3000), ("of", 3000), ("to", 2000), ("was", 1000), ("his", 800),
             ("reason", 10), ("house", 20), ("with", 900), ("in", 1500), ("that", 900)]
    habits = lost_glyph_costs([(w, 2) for w in lost_s + others], known, probs, min_prob=1e-5,
                              unigrams="wordfreq-large")
    assert set(habits) == {"s"} and habits["s"] < 2.5
    assert lost_glyph_costs([(w, 2) for w in others], known, probs, min_prob=1e-5,
                            unigrams="wordfreq-large") == {}
    kw = dict(total=200_000, min_prob=1e-5, repeat_log=2.8, damage_rate=0.0625)
    counts = Counter({"necessity": 100})
    assert recurring_slip_twin("neceity", 4, counts, probs, habits={}, **kw) is None  # two lost letters
    assert recurring_slip_twin("neceity", 4, counts, probs, habits=habits, **kw) == "necessity"


def test_no_seed_form_loses_trust_to_the_slip_rule():
    """The seeds are clean: every form trusted without the rule stays trusted with it."""
    from bench.words import seed_layout_texts

    texts = seed_layout_texts()
    with_rule = build_corpus_lexicon(texts)
    without = build_corpus_lexicon(texts, options={"slip_untrust": False})
    assert [k for k in without.counts if k not in with_rule.counts] == []


def test_the_lexicon_records_the_glyphs_its_corpus_drops_by_habit():
    lost_fi = ("condence magnicent signicance satised scientic sacrice dignied certicate "
               "denite innite conrm benet")
    lines = SLIP_LINES + [f"The {w} was noted." for w in lost_fi.split()]
    lex = build_corpus_lexicon(_damaged_corpus(lines, 40))
    assert set(lex.lost_glyphs) == {"fi"} and lex.lost_glyphs["fi"] < 1.2
    plain = build_corpus_lexicon(_damaged_corpus(SLIP_LINES, 40))
    assert plain.lost_glyphs == {}
    # the habit is part of the lexicon's identity
    assert lex.digest == lex.compute_digest() and lex.lost_glyphs == pickle.loads(pickle.dumps(lex)).lost_glyphs


# ---------------------------------------------------------------- split-glyph habits (ii for h)

# ordinary words: the corpus's known forms, the chance baseline of glyph_habit_costs
ORDINARY = ("the court met in the morning and the jury rose at noon when their work was done; "
            "a woman and her mother walked over the bridge into town before the market opened "
            "where many people bought bread, fish, apples, cloth and candles for winter").split()
II_FOR_H = ["tiien", "otiier", "wiiich", "motiier", "fatiier", "brotiier", "notiiing", "wiiole",
            "siiould", "ciiild", "tiiink", "tiiose", "eitiier", "ratiier", "wiiere", "tiiese"]


def _habit_corpus(damaged: list[str]) -> list[tuple[str, str]]:
    lines = [" ".join(ORDINARY).capitalize() + "."] * 3
    lines += [f"And {w} was said." for w in damaged]
    return [("doc", "\n".join(lines))]


def test_a_split_glyph_habit_is_learned_from_the_damaged_forms():
    from cleaners.words.lexicon import glyph_habit_costs

    probs = unigram_probs("wordfreq-large")
    known = sorted(set(ORDINARY) - {"a"})
    costs = glyph_habit_costs(II_FOR_H, known, probs, min_prob=1e-5, unigrams="wordfreq-large")
    assert set(costs) == {"ii>h"} and costs["ii>h"] < 3.0
    # the same damaged forms, too few: no habit (HABIT_MIN_FORMS)
    assert glyph_habit_costs(II_FOR_H[:5], known, probs, min_prob=1e-5, unigrams="wordfreq-large") == {}
    # a rare word or a name is no damage: nothing is learned from them
    rare = ["kolkhoz", "obkom", "sovnarkom", "dzhugashvili", "kulakization", "zemstvo", "narodnik",
            "tremour", "faither", "gatherin", "skiing", "hawaiian"]
    assert glyph_habit_costs(rare, known, probs, min_prob=1e-5, unigrams="wordfreq-large") == {}


def test_endings_and_the_general_channel_confusions_are_no_learned_habit():
    """A stretch at the end of a form (``makin`` for ``making``) is as often an inflection,
    and the general model's own confusions (``rn`` for ``m``) are learned elsewhere."""
    from cleaners.words.lexicon import glyph_habit_costs

    probs = unigram_probs("wordfreq-large")
    known = sorted(set(ORDINARY) - {"a"})
    endings = ["makin", "takin", "givin", "comin", "goin", "sayin", "bein", "doin", "havin", "lookin"]
    rn_for_m = ["rnorning", "rnother", "rnarket", "rnoney", "rnonth", "rnoment", "rnatter", "rnorals",
                "rninister", "rnaster"]
    for forms in (endings, rn_for_m):
        assert glyph_habit_costs(forms, known, probs, min_prob=1e-5, unigrams="wordfreq-large") == {}


def test_the_lexicon_records_its_corpus_split_glyph_habits():
    lex = build_corpus_lexicon(_habit_corpus(II_FOR_H))
    assert set(lex.glyph_habits) == {"ii>h"}
    plain = build_corpus_lexicon(_habit_corpus([]))
    assert plain.glyph_habits == {}
    assert lex.digest != build_corpus_lexicon(_habit_corpus(II_FOR_H[:5])).digest
    assert lex.digest == lex.compute_digest()
    assert pickle.loads(pickle.dumps(lex)).glyph_habits == lex.glyph_habits
    off = build_corpus_lexicon(_habit_corpus(II_FOR_H), options={"learn_confusions": False})
    assert off.glyph_habits == {}


def test_the_seeds_learn_no_glyph_habit():
    """The seeds are clean text: no habit, and so no change to their repair."""
    from bench.words import seed_layout_texts

    lex = build_corpus_lexicon(seed_layout_texts())
    assert lex.glyph_habits == {} and lex.lost_glyphs == {}


def test_a_recurring_form_the_split_glyph_habit_explains_loses_trust():
    """``wiiat`` three times in clean context: a word, unless this corpus prints ``ii`` for ``h``."""
    recurring = ["And wiiat was said was said."] * 3
    ordinary = [" ".join(ORDINARY).capitalize() + "."] * 3 + ["And what was said was said."] * 50
    lines = ordinary + [f"And {w} was said." for w in II_FOR_H]
    lex = build_corpus_lexicon([("doc", "\n".join(lines + recurring))])
    assert "ii>h" in lex.glyph_habits and not lex.trusted("wiiat")
    # the same recurring form among damage the corpus's habits do not explain keeps its trust
    other = [f"And {w} was said." for w in ("zqbx", "zqcx", "zqdx", "zqgx", "zqhx", "zqkx", "zqmx",
                                            "zqpx", "zqvx", "zqwx", "zqxx", "zqzx", "zqbb", "zqcc")]
    plain = build_corpus_lexicon([("doc", "\n".join(ordinary + other + recurring))])
    assert plain.glyph_habits == {} and plain.damage_rate > 0 and plain.trusted("wiiat")


# ---------------------------------------------------------------- names written mostly capitalised; repeated forms

def test_a_name_with_a_stray_lowercase_copy_is_still_a_name_of_the_corpus():
    body = ("The train from London was late. He had lived in London for years and went to London again. "
            "They came to London by the river. ") * 4 + "a damaged line: london bridge"
    lex = build_corpus_lexicon([("a", body), ("b", body)])
    assert "london" not in lex.surfaces  # written in lowercase once
    assert lex.capitalised.get("london") == "London" and lex.name_spelling("london") == "London"
    # an ordinary word is not a name however often it starts a sentence
    assert lex.name_spelling("the") is None and lex.name_spelling("train") is None


def test_untrusted_capitalised_forms_written_more_than_once_are_counted():
    # (in damaged context, so neither is trusted)
    text = "Then qzvbk Gormon xqtvd came in. The clerk saw bkqzv Gormon vxqtd, and the Whiteshapel fire."
    lex = build_corpus_lexicon([("a", text)])
    assert lex.form_count("gormon") == 2 and lex.form_count("whiteshapel") == 1
    assert not lex.trusted("gormon") and "clerk" not in lex.repeats


def test_a_recurring_damaged_copy_of_a_frequent_name_is_not_trusted_in_a_damaged_corpus():
    import random

    rnd = random.Random(3)
    common = "the of and to in he was that it his for with as had on at by not be this which from".split()

    def corpus(damage: float) -> str:
        words = []
        for i in range(6000):
            words.append("".join(rnd.choice("bcdfghjklmnpqrstvwxz") for _ in range(5))
                         if rnd.random() < damage else rnd.choice(common))
        for j in range(64):  # a name written many times, inside sentences
            words.insert(50 * j + 3, "Tuesday")
        for j in range(2):  # the same slip twice, in clean context
            words.insert(50 * j + 28, "Tuesda")
        return " ".join(words)

    damaged = build_corpus_lexicon([("a", corpus(0.1))])
    assert damaged.trusted("tuesday") and not damaged.trusted("tuesda")
    assert damaged.form_count("tuesda") == 2
    assert build_corpus_lexicon([("a", corpus(0.1))], options={"name_copies_untrust": False}).trusted("tuesda")
    # a clean corpus does not make the same slip twice: the form is a name of its own
    assert build_corpus_lexicon([("a", corpus(0.0))]).trusted("tuesda")
