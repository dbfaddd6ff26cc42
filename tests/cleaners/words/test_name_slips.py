"""Names misread with an engine's cheapest or habitual slips (invented names and text only)."""

import random

from cleaners.words.lexicon import build_corpus_lexicon, damaged_name_copies

COMMON = "the of and to in he was that it his for with as had on at by not be this which from".split()


def _corpus(damage: float, *, name: str, copy: str, name_times: int, copy_times: int, seed: int = 5) -> str:
    """Common words, a share ``damage`` of them junk, a name written ``name_times`` times and a
    spelling of it ``copy_times`` times, each inside a sentence in clean context."""
    rnd = random.Random(seed)
    words = []
    for _ in range(6000):
        words.append("".join(rnd.choice("bcdfghjklmnpqrstvwxz") for _ in range(5))
                     if rnd.random() < damage else rnd.choice(COMMON))
    for j in range(name_times):
        words.insert(50 * j + 3, name)
    for j in range(copy_times):
        words.insert(50 * j + 28, copy)
    return " ".join(words)


# ---------------------------------------------------------------- recurring cheap slips of a name


def test_a_recurring_cheap_slip_of_a_more_frequent_name_is_not_trusted_in_a_damaged_corpus():
    # h read for b (the cheapest slips repeat): Corhavin beside Corbavin, not 8 times rarer
    text = _corpus(0.05, name="Corbavin", copy="Corhavin", name_times=5, copy_times=2)
    lex = build_corpus_lexicon([("a", text)])
    assert lex.trusted("corbavin") and not lex.trusted("corhavin")
    # the switch off: trusted on recurrence, as before
    assert build_corpus_lexicon([("a", text)], options={"name_cheap_slips": False}).trusted("corhavin")


def test_two_names_a_cheap_slip_apart_stay_when_neither_is_written_more_often():
    text = _corpus(0.05, name="Corbavin", copy="Corhavin", name_times=2, copy_times=2)
    lex = build_corpus_lexicon([("a", text)])
    assert lex.trusted("corbavin") and lex.trusted("corhavin")


def test_a_clean_corpus_does_not_make_the_same_slip_twice():
    lex = build_corpus_lexicon([("a", _corpus(0.0, name="Corbavin", copy="Corhavin", name_times=5, copy_times=2))])
    assert lex.trusted("corhavin")


def test_a_name_an_expensive_slip_from_another_stays():
    # (o for a is no cheap slip: Morvan and Marvan are two names)
    text = _corpus(0.05, name="Marvanek", copy="Morvanek", name_times=5, copy_times=2)
    assert build_corpus_lexicon([("a", text)]).trusted("morvanek")


def test_damaged_name_copies_cheap_slips_direct():
    names = {"corbavin": "Corbavin", "corhavin": "Corhavin", "dellmar": "Dellmar", "deltmar": "Deltmar"}
    trusted = {"corbavin": 4, "corhavin": 2, "dellmar": 2, "deltmar": 2}
    kw = dict(damage_rate=0.0156, ratio=8.0, cheap_cost=0.7, repeat_log=2.8)
    assert damaged_name_copies(trusted, names, {}, {}, **kw) == ["corhavin"]
    assert damaged_name_copies(trusted, names, {}, {}, **{**kw, "cheap_cost": 0.0}) == []
