"""Recurring slips a book repeats (a glyph it loses everywhere, like the long s) are not
trusted as words on recurrence alone. Invented forms."""

from collections import Counter

from cleaners.words.lexicon import LEXICON_DEFAULTS, recurring_slip_twin


def _twin(key: str, count: int, twin: str, twin_count: int, twin_prob: float, habits=None):
    return recurring_slip_twin(key, count, Counter({twin: twin_count}), {twin: twin_prob}, total=200_000,
                               damage_rate=0.0625, habits={"s": 1.9} if habits is None else habits,
                               min_prob=1e-5, repeat_log=LEXICON_DEFAULTS["slip_repeat_log"],
                               habit_repeat_log=LEXICON_DEFAULTS["slip_habit_repeat_log"])


def test_a_lost_long_s_the_book_repeats_is_a_slip():
    # the s simply gone (oberve), three times, in a damaged
    # book that writes "observe" five times and loses s by habit
    assert _twin("oberve", 3, "observe", 5, 1.5e-5) == "observe"


def test_a_form_far_more_frequent_than_its_twin_stays_a_word():
    # written forty times against five: a word of the book (or a name), not a slip
    assert _twin("oberve", 40, "observe", 5, 1.5e-5) is None


def test_the_same_count_without_the_habit_stays_trusted():
    # the corpus loses no s by habit: three "oberve" against five "observe" may be a word
    assert _twin("oberve", 3, "observe", 5, 1.5e-5, habits={"fi": 0.3}) is None


def test_a_dialect_spelling_is_no_habit_slip():
    # faither (Scots) is an inserted i, no glyph the corpus loses: the habit allowance does not apply
    assert _twin("faither", 3, "father", 40, 1.5e-4) is None


# ---------------------------------------------------------------- two words glued, recurring

from cleaners.words.lexicon import build_corpus_lexicon, glued_pairs  # noqa: E402


def _glue_corpus() -> list[tuple[str, str]]:
    clean = "The carter said the mare was lame and the carter was sorry. " * 20
    glued = "The cartersaid nothing. Then the cartersaid more. "
    return [("a", clean), ("b", glued)]


def test_recurring_glued_pair_is_not_trusted():
    lex = build_corpus_lexicon(_glue_corpus())
    assert not lex.trusted("cartersaid")
    assert lex.trusted("carter")


def test_glue_untrust_option():
    assert build_corpus_lexicon(_glue_corpus(), options={"glue_untrust": False}).trusted("cartersaid")


def test_glued_pairs_keeps_compounds_the_corpus_never_writes_apart():
    assert glued_pairs({"lockwood": 3}, Counter({"lockwood": 3}), Counter({("lock", "wood"): 1}),
                       {"lock": 2e-5, "wood": 4e-5}, known_prob=1e-6, ratio=8.0) == []
    # a word of the general list is never glue (however often its parts are written apart)
    assert glued_pairs({"into": 9}, Counter({"into": 9}), Counter({("in", "to"): 500}),
                       {"in": 1e-2, "to": 1e-2, "into": 1e-3}, known_prob=1e-6, ratio=8.0) == []


def test_a_rare_twin_counts_along_a_ligature_lost_for_nothing():
    # "gratified" is rare (4e-7) but the book loses fi by habit at next to no cost
    key, twin = "gratied", "gratified"
    kw = dict(total=200_000, damage_rate=0.0625, min_prob=1e-5, repeat_log=LEXICON_DEFAULTS["slip_repeat_log"])
    assert recurring_slip_twin(key, 3, Counter({twin: 1}), {twin: 4e-7}, habits={"fi": 0.3},
                               habit_repeat_log=LEXICON_DEFAULTS["slip_habit_repeat_log"], **kw) == twin
    # ... not along a dear one, nor with the habit allowance switched off
    assert recurring_slip_twin(key, 3, Counter({twin: 1}), {twin: 4e-7}, habits={"fi": 1.2},
                               habit_repeat_log=LEXICON_DEFAULTS["slip_habit_repeat_log"], **kw) is None
    assert recurring_slip_twin(key, 3, Counter({twin: 1}), {twin: 4e-7}, habits={"fi": 0.3},
                               habit_repeat_log=0.0, **kw) is None
