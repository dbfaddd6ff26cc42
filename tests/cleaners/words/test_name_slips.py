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


# ---------------------------------------------------------------- the document's name slips (profile)

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

import cleaners.words.repair as stage  # noqa: E402
from cleaners.document import apply_edits  # noqa: E402

CORPUS = (Path(__file__).resolve().parents[2] / "data" / "words" / "corpus.txt").read_text(encoding="utf-8")
#: a document whose scan reads a capital L as E, in words and in names (invented)
E_FOR_L_DOCUMENT = (
    "The delegates came from Eiverpool and from Eeeds in the early spring of that year.\n"
    "Eesson was learnt on the journey, though the Eength of its Eabour was hard.\n"
    "Some had gone to Eahore before, and others to Eucknow and back again.\n"
    "Their guide, a man named Ezhovak, spoke of Elkavan and the old roads.\n"
    "TEST_LINE\n"
    "Nobody in the village forgot them, and Eiverpool sent word again the next year.")
#: the same document without the slip
CLEAN_DOCUMENT = (
    "The delegates came from Liverpool and from Leeds in the early spring of that year.\n"
    "Their guide, a man named Ezhovak, spoke of Elkavan and the old roads.\n"
    "TEST_LINE\n"
    "Nobody in the village forgot them, and Liverpool sent word again the next year.")


@pytest.fixture(scope="module")
def corpus_lexicon():
    return build_corpus_lexicon([("corpus", CORPUS)])


def _line(text: str, result, k: int) -> str:
    return apply_edits(text, result.edits).split("\n")[k]


def test_a_name_misread_with_the_documents_slip_is_read_as_its_known_twin(corpus_lexicon):
    line = "They travelled on to Eutsk by the night train."
    text = E_FOR_L_DOCUMENT.replace("TEST_LINE", line)
    result = stage.repair(text, lexicon=corpus_lexicon)
    assert result.meta["words_profile"]["names"]["E>L"] > 1.0
    assert _line(text, result, 4) == "They travelled on to Lutsk by the night train."
    # the switch off: the form as read is a name no list knows, kept
    off = stage.repair(text, lexicon=corpus_lexicon, options={"profile_names": False})
    assert _line(text, off, 4) == line
    # a line repaired alone with its document's profile gets the same reading
    profile = stage.document_profile(E_FOR_L_DOCUMENT.replace("TEST_LINE", ""), lexicon=corpus_lexicon)
    assert profile.names and stage.repair_text(line, lexicon=corpus_lexicon, profile=profile)[0] == \
        "They travelled on to Lutsk by the night train."


@pytest.mark.parametrize("line", [
    "The letter was signed by Erbanov and his brother.",  # no known twin along the slip
    "They met Ezhovak again in the autumn.",
    "The chair was designed by Eames in the fifties.",  # a name the list knows: never a slip
    "They travelled on to Eutsk by the night train.",  # (in the clean document: no profile)
])
def test_names_without_a_known_twin_or_outside_a_damaged_document_stay(corpus_lexicon, line):
    for doc in (E_FOR_L_DOCUMENT, CLEAN_DOCUMENT):
        if "Eutsk" in line and doc is E_FOR_L_DOCUMENT:
            continue
        text = doc.replace("TEST_LINE", line)
        assert line in apply_edits(text, stage.repair(text, lexicon=corpus_lexicon).edits)


def test_name_slip_odds_need_more_twins_than_chance(corpus_lexicon):
    lm = stage.language_model(corpus_lexicon, stage._options(None))
    opts = stage._options(None)
    damaged = "Eiverpool, Eeeds, Eahore and Eucknow; Ezhovak and Elkavan."
    assert set(stage.name_slip_odds(damaged, lm, {"E>L": 8}, opts)) == {"E>L"}
    # among a hundred real names with the letter, chance gives two known twins: four are no evidence
    real = " ".join(f"Ezh{a}{b}ovak" for a in "aeiou" for b in "bcdfghjklmnpqrstvwxyz"[:20])
    assert stage.name_slip_odds(damaged + " " + real, lm, {"E>L": 8}, opts) == {}
    # a slip that is not the document's gives nothing
    assert stage.name_slip_odds(damaged, lm, {}, opts) == {}


def test_the_name_slips_are_idempotent(corpus_lexicon):
    text = E_FOR_L_DOCUMENT.replace("TEST_LINE", "They travelled on to Eutsk by the night train.")
    once = apply_edits(text, stage.repair(text, lexicon=corpus_lexicon).edits)
    assert "Lutsk" in once
    assert not stage.repair(once, lexicon=corpus_lexicon).edits


def test_only_a_plain_capitalised_form_is_read_along_the_name_slips(corpus_lexicon):
    lm = stage.language_model(corpus_lexicon, stage._options(None))
    profile = stage.DocumentProfile({"E>L": 8}, votes=8, tokens=1000, names={"E>L": 1.5})
    opts = stage._options(None)
    assert profile.name_readings(lm, "Eutsk", [], opts)[1] is not None
    # inner capitals are misread lowercase letters, not a name: their own rules
    assert profile.name_readings(lm, "EuTsk", [], opts) == ([], None)
    # part of a name (beside another rare capitalised form): only toward the corpus's own names
    assert profile.name_readings(lm, "Eutsk", [], opts, names_only=True) == ([], None)


def test_a_name_beside_another_name_keeps_its_twin_unless_the_corpus_writes_it(corpus_lexicon):
    line = "The letter came from Eutsk Ezhovak in the spring."
    text = E_FOR_L_DOCUMENT.replace("TEST_LINE", line)
    assert line in apply_edits(text, stage.repair(text, lexicon=corpus_lexicon).edits)


def test_the_evidence_goes_to_the_twin_alone():
    lm = stage.language_model(stage.empty_lexicon(), stage._options(None))
    twin = stage.Reading("Lutsk", ("lutsk",), 0.5, "confusion")
    other = stage.Reading("Outsk", ("outsk",), 3.0, "edit")
    out = stage.DocumentProfile.name_weighed(lm, [twin, other], (twin, 1.5), -8.0, -2.0)
    assert out[1] is other and out[0].kind == "name-slip"
    # the twin's unigram score beats the form as read by the odds
    assert lm.logp("lutsk") - out[0].channel - 2.0 == pytest.approx(-8.0 + 1.5, abs=1e-3)


# ---------------------------------------------------------------- two-slip copies of a name, quantised counts


def test_a_quantised_name_count_stands_for_its_buckets_centre():
    from cleaners.words.lexicon import CorpusLexicon

    opts = stage._options(None)

    def found(count: int, rate: float) -> list[str]:
        lex = CorpusLexicon(counts={"ostrava": count}, surfaces={"ostrava": "Ostrava"}, total=1 << 18,
                            damage_rate=rate)
        return [r.text for r in stage._name_two_slips(stage.language_model(lex, opts), "Ostmva", "ostmva", opts)[0]]

    # 64 (64 to 127 written) at a damage rate of 1/64: about 1.4 damaged copies predicted, not 0.998
    assert found(64, 0.0156) == ["Ostrava"]
    # ... but a cleaner corpus predicts less than one copy: the form is a name of its own
    assert found(64, 0.0078) == []
    assert stage._bucket_centre(1) == 1 and stage._bucket_centre(2) == pytest.approx(2.83)


def test_the_capitalised_word_pattern_reads_words_as_the_tokenizer_does():
    from cleaners.words.tokens import WORD_RE

    text = ("Koba’s friend O'Brien met Émile at l'Eglise in Anglo-Saxon Wessex; x3Rd and 3Rd, "
            "don’t Ask, ÆLFRIC and Øster, 'Quoted' words, isn't-It, Zürich’s Ölmühle.")
    capitalised = [w for w in WORD_RE.findall(text) if w[:1].isupper()]
    assert stage.CAPITALISED_WORD_RE.findall(text) == capitalised
