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
