"""Words split and joined by the OCR: a hyphen read for a space (``the-end``), a line-break
hyphen read as a full stop between two words (``in. stead``), two common content words
glued with no attested pair (``arrivedafter``). Invented text throughout."""

import pytest

from cleaners.words.lexicon import build_corpus_lexicon, empty_lexicon
from cleaners.words.repair import DASH_SPACE_WORDS, _dash_space_sites, repair_text
from cleaners.words.scoring import LanguageModel, _common_content_pair, split_candidates
from cleaners.words.tokens import LineTokens


@pytest.fixture(scope="module")
def lm():
    return LanguageModel(empty_lexicon())


def _repair(text: str, **options):
    return repair_text(text, lexicon=build_corpus_lexicon([("t", text)]), options=options or None)


# ---------------------------------------------------------------- hyphen for a space

@pytest.mark.parametrize("before,after", [
    ("The clerk read out the-charge to the court.", "The clerk read out the charge to the court."),
    ("She came in with-her sister.", "She came in with her sister."),
    ("He spoke of-his travels and The-Judge listened.", "He spoke of his travels and The Judge listened."),
])
def test_dash_space_repairs(before, after):
    new, edits, _ = _repair(before)
    assert new == after
    e = edits[0]
    assert e.evidence["kind"] == "dash" and e.before.count("-") == 1 and e.after.count("-") == 0


@pytest.mark.parametrize("text", [
    "Her mother-in-law came to-day with the so-called cure.",  # a chain, a preposition, a particle
    "He saw them-and ran; she had been-there once.",  # a clause may end before a dash
    "A has-been and a man-of-war met by-the-way.",
    "The werewolf, spelt were-wolf, howled.",  # the pair is one word of the general list
    "THE-END of the tale.",  # capitals: a heading's own style
    "He read the-Xqzvw report.",  # the second part no word: left alone
])
def test_dash_space_leaves_compounds_and_dashes(text):
    assert _repair(text)[0] == text


def test_dash_space_switch():
    text = "She came in with-her sister."
    assert _repair(text, dash_space=False)[0] == text


def test_dash_space_sites_only_after_listed_words():
    line = "his-home, the-end, murdered-the, out-of-the-way"
    sites = _dash_space_sites(line, LineTokens(line))
    assert sites == [2]  # the-end only: 'his' may end a clause, 'murdered-the' is a dash, a chain is skipped later
    assert "the" in DASH_SPACE_WORDS and "to" not in DASH_SPACE_WORDS


# ---------------------------------------------------------------- a full stop for a break hyphen

@pytest.mark.parametrize("before,after", [
    ("He came back in. stead of going on.", "He came back instead of going on."),
    ("And after. wards he slept.", "And afterwards he slept."),
])
def test_word_halves_break(before, after):
    assert _repair(before)[0] == after


@pytest.mark.parametrize("text", [
    "The box was four ft. high and six in. wide.",  # abbreviations: the joined form is no word
    "He came in. Stead was there.",  # a capital after the stop: a sentence
])
def test_word_halves_break_leaves_sentences(text):
    assert _repair(text)[0] == text


def test_word_halves_break_switch():
    text = "He came back in. stead of going on."
    assert _repair(text, word_halves_break=False)[0] == text


# ---------------------------------------------------------------- two content words glued

def test_common_content_pair(lm):
    assert _common_content_pair(lm, "arrivedafter", "arrived", "after")
    assert _common_content_pair(lm, "housestood", "house", "stood")
    assert not _common_content_pair(lm, "remainest", "remain", "est")  # a word ending
    assert not _common_content_pair(lm, "kindness", "kind", "ness")  # known form
    assert not _common_content_pair(lm, "abcat", "ab", "cat")  # a part too short


def test_unattested_split_is_a_dearer_candidate(lm):
    cands = {r.text: r for r in split_candidates(lm, "housestood", "housestood")}
    assert "house stood" in cands
    attested = {r.text: r for r in split_candidates(lm, "givenpermission", "givenpermission")}
    assert cands["house stood"].channel > attested["given permission"].channel


def test_glued_content_words_in_damaged_text():
    new, _, _ = _repair("Tbe old housestood empty for rnany ycars.")
    assert new == "The old house stood empty for many years."


def test_glued_content_words_in_clean_text_are_left():
    # no damage around: the evidence is too weak to cut an unknown form (flag at most)
    text = "The crowdsoon gathered in the square."
    assert _repair(text)[0] == text


# ---------------------------------------------------------------- an apostrophe for part of a glyph

from cleaners.words.scoring import apostrophe_glyph_candidates  # noqa: E402


@pytest.mark.parametrize("form,word", [
    ("nari'ow", "narrow"),  # the arm of an r
    ("su'ering", "suffering"),  # an ff ligature
    ("conse'nted", "consented"),  # a speck
    ("I'ortune", "Fortune"),  # a capital's bowl
])
def test_apostrophe_glyph_candidates(lm, form, word):
    assert word in [r.text for r in apostrophe_glyph_candidates(lm, form, form.lower())]


@pytest.mark.parametrize("form", ["pass'd", "don't", "e'en", "n'avait", "O'Brien", "D'Arcy", "qu'il", "ne'er"])
def test_apostrophe_glyph_leaves_clitics_elisions_and_names(lm, form):
    assert apostrophe_glyph_candidates(lm, form, form.lower()) == []


def test_apostrophe_glyph_in_context():
    assert _repair("The road was nari'ow and the gi'ass was long.")[0] == "The road was narrow and the grass was long."


def test_apostrophe_glyph_leaves_i_before_a_word(lm):
    assert apostrophe_glyph_candidates(lm, "I'owe", "i'owe") == []  # "I owe", not Rowe


def test_apostrophe_before_a_vowel_is_its_accent(lm):
    texts = [r.text for r in apostrophe_glyph_candidates(lm, "na'ive", "na'ive")]
    assert "naïve" in texts and "naive" not in texts  # the accent, not a speck


# ---------------------------------------------------------------- a capitalised glued pair

def test_capitalised_glue_at_a_sentence_start():
    assert _repair("He came back. Onthe next day he left.")[0] == "He came back. On the next day he left."


def test_capitalised_glue_of_the_pronoun_inside_a_sentence():
    assert _repair("He said Isaw the man.")[0] == "He said I saw the man."


def test_capitalised_form_inside_a_sentence_may_be_a_name():
    text = "The inn keeper, Buton assessor, came in with Tothill."
    assert _repair(text)[0] == text


def test_glued_capitalised_needs_a_function_word_first():
    from cleaners.words.repair import _glued_capitalised, _options, language_model

    lm = language_model(empty_lexicon(), _options(None))
    assert _glued_capitalised(lm, "Aftera", "aftera", lm.logp("aftera"))
    assert not _glued_capitalised(lm, "aftera", "aftera", lm.logp("aftera"))  # lowercase: _glued's
    assert not _glued_capitalised(lm, "London", "london", lm.logp("london"))


def test_content_pair_not_after_a_word_beginning(lm):
    assert not _common_content_pair(lm, "nonparty", "non", "party")


def test_dash_space_not_after_the_prefix_an():
    text = "Until then they had supported those an-archie forces."
    assert _repair(text)[0] == text


# ---------------------------------------------------------------- a speck: the tilde

def test_tilde_inside_a_word_is_a_speck():
    assert _repair("He said it wa~s late and h~e left.")[0] == "He said it was late and he left."


def test_tilde_between_two_short_words_is_a_space():
    assert _repair("It was to~be done.")[0] == "It was to be done."


def test_tilde_in_paths_and_urls_stays():
    text = "See ~/bin/run and http://example.org/~user for the value a~b."
    assert _repair(text)[0] == text
