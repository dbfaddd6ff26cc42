"""Stage `words`: before/after tables, negative cases, flags, protection, idempotence."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.document import apply_edits
from cleaners.pipeline import Config, StageContext
from cleaners.words import repair as stage
from cleaners.words.lexicon import build_corpus_lexicon
from cleaners.words.repair import repair_text

DATA = Path(__file__).resolve().parents[2] / "data" / "words"
CASES = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
KNOWN = json.loads((DATA / "known_failures.json").read_text(encoding="utf-8"))
CORPUS = (DATA / "corpus.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module", autouse=True)
def _warm(lexicon_for):
    repair_text("warm up lhe resources", lexicon=lexicon_for(""))


@pytest.mark.parametrize("before,after", CASES["repairs"])
def test_repairs(lexicon_for, before, after):
    new, edits, _flags = repair_text(before, lexicon=lexicon_for(before))
    assert new == after
    for e in edits:
        assert e.stage == "words" and e.evidence["candidates"] and 0 < e.confidence <= 1
        if e.evidence["kind"] != "number":
            assert "confusions" in e.evidence and "context_counts" in e.evidence


@pytest.mark.parametrize("text", CASES["unchanged"])
def test_unchanged(lexicon_for, text):
    new, edits, _flags = repair_text(text, lexicon=lexicon_for(text))
    assert new == text, [(e.before, e.after) for e in edits]


@pytest.mark.xfail(strict=False, reason="known failure, see known_failures.json")
@pytest.mark.parametrize("before,after", KNOWN["repairs"])
def test_known_failures(lexicon_for, before, after):
    new, _edits, _flags = repair_text(before, lexicon=lexicon_for(before))
    assert new == after


def test_idempotent_on_cases(lexicon_for):
    for before, _after in CASES["repairs"] + KNOWN["repairs"]:
        lex = lexicon_for(before)
        once, _, _ = repair_text(before, lexicon=lex)
        twice, edits, _ = repair_text(once, lexicon=lex)
        assert twice == once, [(e.before, e.after) for e in edits]


def test_idempotent_on_damaged_passage(lexicon_for):
    text = " ".join(b for b, _ in CASES["repairs"]) + "\n" + " ".join(CASES["unchanged"])
    lex = lexicon_for(text)
    once, edits, _ = repair_text(text, lexicon=lex)
    assert edits
    assert repair_text(once, lexicon=lex)[0] == once


def test_low_confidence_becomes_flag(lexicon_for):
    text = "It turned out lhal he was right about the plan."
    new, edits, flags = repair_text(text, lexicon=lexicon_for(text), options={"threshold": 1.01, "nonword_threshold": 1.01})
    assert new == text and not edits
    assert [f.text for f in flags] == ["lhal"]
    assert flags[0].candidates[0]["text"] == "that"
    assert flags[0].stage == "words" and 0 < flags[0].confidence < 1.01


def test_isolated_weak_case_is_flagged_not_applied(lexicon_for):
    text = "The students met in a small flal near the river."
    new, edits, flags = repair_text(text, lexicon=lexicon_for(text))
    if new == text:  # not applied: then it must be offered for review
        assert any(f.text == "flal" and f.candidates for f in flags)


def test_protected_words_and_patterns(lexicon_for, tmp_path):
    text = "It turned out lhal he walked into ihe room wilh her."
    lex = lexicon_for(text)
    new, _, _ = repair_text(text, lexicon=lex, options={"protected_words": ["lhal"]})
    assert "lhal" in new and "the room" in new
    new, _, _ = repair_text(text, lexicon=lex, options={"protected_patterns": [r"\bih\w+"]})
    assert "ihe" in new and "that" in new
    f = tmp_path / "protected.txt"
    f.write_text("# names we keep\nwilh\n", encoding="utf-8")
    new, _, _ = repair_text(text, lexicon=lex, options={"protected_words_file": str(f)})
    assert "wilh" in new and "that" in new


def test_stage_run_uses_context_lexicon(lexicon_for):
    text = "The delegates left for Eeningrad in the spring."
    cfg = Config()
    ctx = StageContext(doc_id="d", options=cfg.options["words"], meta={}, spans=[],
                       resources={"lexicon": lexicon_for(text)}, config=cfg)
    result = stage.run(text, ctx)
    assert apply_edits(text, result.edits) == "The delegates left for Leningrad in the spring."
    # without a corpus lexicon the name is unknown: no repair to Leningrad
    ctx.resources = {}
    result = stage.run(text, ctx)
    assert "Leningrad" not in apply_edits(text, result.edits)


def test_lexicon_picklable_and_digest_stable():
    docs = [(f"d{i}", CORPUS) for i in range(3)]
    lex = build_corpus_lexicon(docs)
    again = pickle.loads(pickle.dumps(lex))
    assert again.digest == lex.digest and again.counts == lex.counts
    edited = list(docs)
    edited[1] = ("d1", CORPUS.replace("old palace", "old castle"))
    assert build_corpus_lexicon(edited).digest == lex.digest
    grown = docs + [("d3", "Zubalovo and Zubalovo and Zubalovo were quiet.")]
    assert build_corpus_lexicon(grown).digest != lex.digest


def test_lexicon_trusts_recurring_names_not_recurring_errors():
    text = ("He said that the plan was good. " * 20 + "Koba met Koba. Koba left. "
            "It was lhal day. It was lhal plan. lhal is lhal. ")
    lex = build_corpus_lexicon([("a", text)])
    assert lex.trusted("koba") and not lex.trusted("lhal")


_ALPHABET = "abcdefghilmnorstu IlL1E0Rrnhb.,;'’-\n\"()é5ü"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_no_crash_and_valid_edits(lexicon_for, text):
    lex = lexicon_for("")
    new, edits, flags = repair_text(text, lexicon=lex)
    assert apply_edits(text, edits) == new
    for e in edits:
        assert text[e.start:e.end] == e.before
    for f in flags:
        assert text[f.start:f.end] == f.text


@pytest.mark.xfail(strict=False, reason="known failure, see known_failures.json")
@pytest.mark.parametrize("text", KNOWN.get("unchanged", []))
def test_known_false_repairs(lexicon_for, text):
    assert repair_text(text, lexicon=lexicon_for(text))[0] == text


def test_lexicon_learns_the_corpus_confusions():
    clean = "He said that the plan was good and that the men would go to the city. " * 30
    damaged = "He said lhal the plan was good. Il was nol lo be. The lasl word. Thal is all. " * 3
    lex = build_corpus_lexicon([("a", clean + damaged)], options={"confusion_min_count": 2})
    assert "l>t" in lex.confusions
    assert build_corpus_lexicon([("a", clean)], options={"confusion_min_count": 2}).confusions == {}


def test_numbers_and_split_words_have_evidence(lexicon_for):
    text = "He was born in 188i and the pri soner was released."
    new, edits, _ = repair_text(text, lexicon=lexicon_for(text))
    assert new == "He was born in 1881 and the prisoner was released."
    kinds = {e.evidence["kind"] for e in edits}
    assert kinds == {"number", "join"}


# An invented surname one cheap slip (o/e) away from a word this corpus uses often.
_NAME_CORPUS = ("The water below the bridge was cold, and below it the river ran fast. " * 20
                + "Later they wrote to Ivan Bolow about it. The letters of Ivan Bolow were long, "
                "and Bolow kept them. The friends of Bolow were few.")


def test_a_recurring_always_capitalised_form_is_a_name_not_a_misread_word():
    lex = build_corpus_lexicon([("a", _NAME_CORPUS)])
    assert lex.trusted("bolow") and lex.surfaces["bolow"] == "Bolow"
    text = "In the spring he sent the book to Bolow at once."
    assert repair_text(text, lexicon=lex)[0] == text


def test_a_form_also_written_in_lowercase_is_not_a_name():
    lex = build_corpus_lexicon([("a", _NAME_CORPUS.replace("and Bolow kept", "and bolow kept"))])
    assert not lex.trusted("bolow")


def test_capitals_after_a_sentence_end_do_not_make_a_name():
    text = ("The water below the bridge was cold, and below it the river ran fast. " * 20
            + "Bolow the bridge. Bolow the hill. Bolow the wall.")
    assert not build_corpus_lexicon([("a", text)]).trusted("bolow")


def test_repair_is_idempotent_with_the_lexicon_rebuilt_from_its_output():
    """Cleaning the cleaned corpus again makes no edit, although its statistics
    (damage rate, learned confusions, trust) are those of a cleaner corpus."""
    damaged = "\n".join(b for b, _ in CASES["repairs"]) + "\n" + "\n".join(CASES["unchanged"])
    docs = [("corpus", CORPUS), ("case", damaged), ("names", _NAME_CORPUS)]
    lex = build_corpus_lexicon(docs)
    once = [(d, repair_text(t, lexicon=lex)[0]) for d, t in docs]
    assert once != docs
    relex = build_corpus_lexicon(once)
    for d, t in once:
        again, edits, _ = repair_text(t, lexicon=relex)
        assert not edits, (d, [(e.before, e.after) for e in edits])


def test_learned_misreadings_never_get_cheaper_as_the_corpus_gets_cleaner():
    """Outside damaged context, a cleaner corpus (fewer votes) gives no learned
    confusion a bigger discount, so a cleaner text cannot find new repairs."""
    from cleaners.words.scoring import LanguageModel

    clean = "He said that the plan was good and that the men would go to the city. " * 30
    damaged = ("He said lhal the plan was good. Il was nol lo be. The lasl word. Thal is all. "
               "The dog bil the boy. The ihe ihe. ") * 3
    cleaner = "He said lhal the plan was good. Il was nol lo be. The lasl word. Thal is all. " * 3
    opts = {"confusion_min_count": 2}
    worse = LanguageModel(build_corpus_lexicon([("a", clean + damaged)], options=opts))
    better = LanguageModel(build_corpus_lexicon([("a", clean + cleaner)], options=opts))
    assert better.learned
    for pair, bonus in better.learned.items():
        assert bonus <= worse.learned.get(pair, 0.0) + 1e-9, pair


def test_lost_line_break_hyphens_are_joined_with_evidence(lexicon_for):
    text = "The con- stable said the prisoner had been coni- mitted for trial."
    new, edits, _flags = repair_text(text, lexicon=lexicon_for(text))
    assert new == "The constable said the prisoner had been committed for trial."
    assert [e.before for e in edits] == ["con- stable", "coni- mitted"]
    for e in edits:
        assert e.evidence["kind"] == "join" and e.evidence["candidates"][0]["kind"] == "join"


def test_a_possible_compound_left_broken_is_flagged_not_changed(lexicon_for):
    text = "They met at the Police- court on the corner."
    new, edits, flags = repair_text(text, lexicon=lexicon_for(text))
    assert new == text and not edits
    assert [(f.text, f.candidates[0]["text"]) for f in flags] == [("Police- court", "Police-court")]


def test_a_word_broken_twice_is_not_half_joined(lexicon_for):
    text = "He was a com- mer- cial traveller from the north."
    new, _edits, _flags = repair_text(text, lexicon=lexicon_for(text))
    assert "mercial" not in new.replace("commercial", "")


def _lexicon_with(counts: dict[str, int], total: int, damage_rate: float):
    from cleaners.words.lexicon import CorpusLexicon, empty_lexicon

    return CorpusLexicon(counts=counts, total=total, damage_rate=damage_rate, settings=empty_lexicon().settings)


def test_misread_excess_tells_a_damaged_corpus_from_a_fond_one():
    """``lie`` far above its general rate, with ``he`` frequent and the corpus damaged, is
    misreadings; the same word at its ordinary rate, or in a clean corpus, is the word."""
    from cleaners.words.scoring import Reading

    opts = stage._options(None)
    twins = [Reading("he", ("he",), 0.7, "confusion")]
    damaged = stage.language_model(_lexicon_with({"lie": 256, "he": 4096}, 131072, 0.09), opts)
    ordinary = stage.language_model(_lexicon_with({"lie": 8, "he": 4096}, 131072, 0.09), opts)
    clean = stage.language_model(_lexicon_with({"lie": 256, "he": 4096}, 131072, 0.0), opts)
    small = stage.language_model(_lexicon_with({"lie": 4, "he": 64}, 1024, 0.09), opts)
    assert stage._misread_excess(damaged, "lie", twins, opts) is True
    assert stage._misread_excess(ordinary, "lie", twins, opts) is False
    assert stage._misread_excess(clean, "lie", twins, opts) is False
    assert stage._misread_excess(small, "lie", twins, opts) is None


def test_general_view_sets_aside_the_corpus_evidence_of_one_form():
    """The corpus pair ``he bad`` (the error itself, recurring) does not vouch for ``bad``."""
    from cleaners.words.lexicon import CorpusLexicon, empty_lexicon
    from cleaners.words.scoring import GeneralView

    lex = CorpusLexicon(counts={"he": 2048, "bad": 128, "had": 2048}, total=131072,
                        bigrams={"he bad": 64, "he had": 256}, settings=empty_lexicon().settings)
    lm = stage.language_model(lex, stage._options(None))
    view = GeneralView(lm, "bad")
    assert lm.cond("he", "bad", -9.0) > -2.0  # the corpus pair makes it look ordinary
    assert view.cond("he", "bad", -9.0) < lm.cond("he", "bad", -9.0)
    assert view.cond("he", "had", -9.0) == lm.cond("he", "had", -9.0)
    assert view.logp("bad") < lm.logp("bad")  # the general frequency, not the inflated corpus one


def test_lexicon_does_not_trust_recurring_slips_that_change_the_length():
    """``himn`` (a letter too many) and ``wvas`` (``w`` read as ``wv``) recur, but a far more
    common word is one slip away; an unknown inflection (``behests``) is still a word."""
    text = ("He gave him the book and he was glad. " * 20
            + "It was himn. Give himn more. It wvas here. It wvas there. The behests of him. The behests came. ")
    lex = build_corpus_lexicon([("a", text)])
    assert not lex.trusted("himn") and not lex.trusted("wvas")
    assert lex.trusted("behests") and lex.trusted("him")


def test_a_blob_longer_than_any_word_is_not_searched():
    """Candidate search grows with the square of a form's length: a 65-letter run of glue is
    left alone, while the same glue at word length is examined."""
    opts = stage._options(None)
    lm = stage.warm_up()
    blob = "ofthe" * 13
    assert len(blob) > stage.MAX_REPAIR_LEN
    assert stage._classify_form(blob, lm, frozenset(), opts) == stage.SKIP
    assert stage._classify_form("ofthe", lm, frozenset(), opts) == stage.SUSPICIOUS


# ---------------------------------------------------------------- the document's own misreading profile

#: an invented document whose scan reads ``t`` as ``l`` throughout (confident non-word repairs
#: teach its profile), the line under test in place of TEST_LINE
T_AS_L_DOCUMENT = (
    "The visitor came wilhoul warning lhal evening and sat at the lable by the door.\n"
    "Nobody knew whal he wanted, bul the landlord said he had senl a letter firsl.\n"
    "He drank his tea slowly and looked oul of the window at the streel below.\n"
    "The next morning he lefl before the others were awake, wilh a small bag.\n"
    "TEST_LINE\n"
    "The people of the village never saw him again, and nol one of them forgol his face.")
#: the same document as an undamaged scan
CLEAN_DOCUMENT = (
    "The visitor came without warning that evening and sat at the table by the door.\n"
    "Nobody knew what he wanted, but the landlord said he had sent a letter first.\n"
    "TEST_LINE\n"
    "The people of the village never saw him again.")
PROFILE_LINE = "He was arrested al a concert in the spring."


@pytest.fixture(scope="module")
def corpus_lexicon():
    """The lexicon of a corpus in which the document under test is a small part (it does
    not know the document's damage: only the document's own profile does)."""
    return build_corpus_lexicon([("corpus", CORPUS)])


def _words(result, text):
    return apply_edits(text, result.edits)


def test_a_document_profile_is_learned_from_its_confident_non_word_repairs(corpus_lexicon):
    text = T_AS_L_DOCUMENT.replace("TEST_LINE", PROFILE_LINE)
    result = stage.repair(text, lexicon=corpus_lexicon)
    slips = result.meta["words_profile"]["slips"]
    assert set(slips) == {"l>t"} and slips["l>t"] >= 8
    assert stage.document_profile(text, lexicon=corpus_lexicon).to_json() == result.meta["words_profile"]


def test_a_profiled_slip_repairs_a_real_word_twin_with_the_profile_as_evidence(corpus_lexicon):
    text = T_AS_L_DOCUMENT.replace("TEST_LINE", PROFILE_LINE)
    with_profile = stage.repair(text, lexicon=corpus_lexicon)
    without = stage.repair(text, lexicon=corpus_lexicon, options={"document_profile": False})
    assert "arrested at a concert" in _words(with_profile, text)
    assert "arrested al a concert" in _words(without, text)  # below the real-word bar on its own
    edit = next(e for e in with_profile.edits if e.before == "al")
    assert edit.evidence["kind"] == "real-word"
    figures = edit.evidence["profile"]
    assert figures["slips"] == {"l>t": with_profile.meta["words_profile"]["slips"]["l>t"]}
    assert figures["relief"] == stage.DEFAULTS["realword_penalty"]
    assert figures["channel"]["at"] < edit.evidence["candidates"][0]["channel_cost"] + figures["relief"]
    # every other edit is the same with or without the profile
    others = {(e.start, e.after) for e in with_profile.edits if e.before != "al"}
    assert others == {(e.start, e.after) for e in without.edits}


def test_a_line_repaired_alone_can_take_its_document_profile(corpus_lexicon):
    profile = stage.document_profile(T_AS_L_DOCUMENT.replace("TEST_LINE", ""), lexicon=corpus_lexicon)
    assert profile.slips
    assert repair_text(PROFILE_LINE, lexicon=corpus_lexicon, profile=profile)[0] == \
        "He was arrested at a concert in the spring."
    assert repair_text(PROFILE_LINE, lexicon=corpus_lexicon)[0] == PROFILE_LINE


def test_an_undamaged_document_is_judged_exactly_as_before(corpus_lexicon):
    for line in (PROFILE_LINE, "I want you to lie still and rest.", "He told them a fable about a fox."):
        text = CLEAN_DOCUMENT.replace("TEST_LINE", line)
        result = stage.repair(text, lexicon=corpus_lexicon)
        plain = stage.repair(text, lexicon=corpus_lexicon, options={"document_profile": False})
        assert "words_profile" not in result.meta and "profile_lines" not in result.stats
        assert [(e.start, e.after) for e in result.edits] == [(e.start, e.after) for e in plain.edits]
        assert [(f.start, f.confidence) for f in result.flags] == [(f.start, f.confidence) for f in plain.flags]
    text = CLEAN_DOCUMENT.replace("TEST_LINE", PROFILE_LINE)
    assert "arrested al a concert" in _words(stage.repair(text, lexicon=corpus_lexicon), text)


@pytest.mark.parametrize("line", [
    "The old man asked us to lie still and wait.",  # li>h is no slip of this document
    "I feel that he was right about the end.",  # feet is no commoner than feel
    "They sent for Mr. Lill and his wife in the spring.",  # a name inside a sentence keeps its rules
])
def test_twins_off_the_profile_or_names_are_left_alone(corpus_lexicon, line):
    text = T_AS_L_DOCUMENT.replace("TEST_LINE", line)
    with_profile = stage.repair(text, lexicon=corpus_lexicon)
    without = stage.repair(text, lexicon=corpus_lexicon, options={"document_profile": False})
    assert line in _words(with_profile, text)
    assert [(e.start, e.after) for e in with_profile.edits] == [(e.start, e.after) for e in without.edits]


def test_a_slip_seen_too_rarely_is_no_profile(corpus_lexicon):
    # two l>t slips (wilhoul): below profile_min_count
    text = "The visitor came wilhoul warning that evening.\n" + PROFILE_LINE
    result = stage.repair(text, lexicon=corpus_lexicon)
    assert "words_profile" not in result.meta
    assert "al a concert" in _words(result, text)


def test_the_profile_pass_is_idempotent(corpus_lexicon):
    text = T_AS_L_DOCUMENT.replace("TEST_LINE", PROFILE_LINE + " She was loo tired lo go on.")
    once = _words(stage.repair(text, lexicon=corpus_lexicon), text)
    assert "at a concert" in once and "too tired to go" in once
    again = stage.repair(once, lexicon=corpus_lexicon)
    assert not again.edits and "words_profile" not in again.meta


def test_profile_reweigh_moves_only_the_readings_along_its_slips():
    profile = stage.DocumentProfile({"l>t": 4, "i>t": 20}, votes=40, tokens=5000)
    opts = stage._options(None)
    lm = stage.warm_up()
    cands = [stage.Reading("at", ("at",), 0.5, "confusion"), stage.Reading("ai", ("ai",), 0.7, "confusion")]
    out, relief, figures = profile.reweigh(lm, "al", "al", cands, opts)
    # l>t seen 4 times: half the full count, half the penalty waived; cost -log10(4/40) = 1.0 > 0.5
    assert relief == pytest.approx(opts["realword_penalty"] * 4 / opts["profile_full_count"])
    assert [r.channel for r in out] == [0.5, round(0.7 + relief, 3)]
    assert figures["slips"] == {"l>t": 4} and figures["votes"] == 40
    assert profile.reweigh(lm, "bad", "bad", [stage.Reading("had", ("had",), 0.5, "confusion")], opts)[1:] == (0.0, {})
    # a twin along the slip but no commoner than the form read (feel -> feet) earns nothing
    assert profile.reweigh(lm, "feel", "feel", [stage.Reading("feet", ("feet",), 0.5, "confusion")], opts)[1:] \
        == (0.0, {})


def test_two_slip_repairs_have_evidence_and_can_be_switched_off(lexicon_for):
    text = "The men dug deep into the grouiid beneath the old barn."
    new, edits, _flags = repair_text(text, lexicon=lexicon_for(text))
    assert new == text.replace("grouiid", "ground")
    (e,) = edits
    best = e.evidence["candidates"][0]
    assert best["kind"] == "two-slip" and best["channel_cost"] <= 4.5 and e.confidence >= 0.9
    assert e.reason == "ocr non-word repair (two-slip)"
    off, edits_off, _ = repair_text(text, lexicon=lexicon_for(text), options={"two_slips": False})
    assert off == text and not edits_off


def test_a_doubtful_two_slip_reading_is_flagged_not_applied(lexicon_for):
    # one confusion and one lost letter (ff read as f, c for f): below the two-slip bar in clean text
    text = "The coficer of the court read the charge against him."
    new, _edits, flags = repair_text(text, lexicon=lexicon_for(text))
    assert new == text
    assert [c["text"] for f in flags for c in f.candidates if c["kind"] != "as-is"][:1] == ["officer"]


# ---------------------------------------------------------------- damaged copies of the corpus's names

_COMMON = ("the of and to in he was that it his for with as had on at by not be this which from or but have "
           "were they all one there their been when who will more no if out so said what up its about into "
           "than them can only other new some could time these two may then do first any my now such like our "
           "over man me even most made after also did many before must through back years where much your way "
           "well down should because each just those people how too little state good very make world still own "
           "see men work long get here between both life being under never day same another know while last").split()


def _filler_corpus(damage: float, inserts: list[str], n: int = 20000, seed: int = 7) -> str:
    """``n`` common words in sentences, a share ``damage`` of them replaced by junk
    forms no list knows (a damaged scan), with ``inserts`` spread through it."""
    import random

    rnd = random.Random(seed)
    words = []
    for i in range(n):
        if rnd.random() < damage:
            words.append("".join(rnd.choice("bcdfghjklmnpqrstvwxz") for _ in range(5)))
        else:
            words.append(rnd.choice(_COMMON))
        if i % 12 == 11:
            words[-1] += "."
    for j, ins in enumerate(inserts):
        words.insert(37 * j + 5, ins)
    return " ".join(words)


_COPY_LINE = "The prisoner lodged in Whiteshapel with a friend of his."


def _name_corpus(text: str, *, damage: float = 0.08, extra: tuple[str, ...] = ()):
    body = _filler_corpus(damage, ["Whitechapel"] * 8 + list(extra))
    return build_corpus_lexicon([("corpus", body), ("case", text)])


def test_a_one_off_copy_of_a_frequent_name_in_a_damaged_corpus_is_repaired():
    lex = _name_corpus(_COPY_LINE)
    assert lex.surfaces.get("whitechapel") == "Whitechapel" and lex.damage_rate > 0.05
    new, edits, _ = repair_text(_COPY_LINE, lexicon=lex)
    assert new == _COPY_LINE.replace("Whiteshapel", "Whitechapel")
    (e,) = edits
    assert e.confidence >= 0.9 and e.evidence["candidates"][0]["text"] == "Whitechapel"
    # without the copy evidence the one-edit reading of a probable name is only flagged
    off, off_edits, flags = repair_text(_COPY_LINE, lexicon=lex, options={"copy_weight": 0.0})
    assert off == _COPY_LINE and not off_edits
    assert [f.text for f in flags] == ["Whiteshapel"]


def test_a_one_off_variant_of_a_name_in_a_clean_corpus_stays():
    # a clean corpus makes few damaged copies: a one-off spelling is a name (a transliteration)
    new, edits, _ = repair_text(_COPY_LINE, lexicon=_name_corpus(_COPY_LINE, damage=0.0))
    assert new == _COPY_LINE and not edits


def test_a_variant_that_recurs_gets_less_copy_evidence():
    once = _name_corpus(_COPY_LINE)
    # written again, in damaged context (so not trusted)
    twice = _name_corpus(_COPY_LINE, extra=("qzvbk Whiteshapel xqtvd",))
    assert once.form_count("whiteshapel") == 1 and twice.form_count("whiteshapel") == 2
    assert not twice.trusted("whiteshapel")
    opts = stage._options(None)
    cands = [stage.Reading("Whitechapel", ("whitechapel",), 3.0, "edit")]
    e1 = stage._copy_evidence(stage.language_model(once, opts), "whiteshapel", cands, opts)
    e2 = stage._copy_evidence(stage.language_model(twice, opts), "whiteshapel", cands, opts)
    assert 0.0 < e2 < e1


def test_two_real_names_one_slip_apart_both_stay():
    pairs = ["Smyth", "Smith", "Newton", "Newtown"] * 6
    lex = build_corpus_lexicon([("corpus", _filler_corpus(0.08, pairs))])
    assert all(lex.trusted(k) for k in ("smyth", "newton", "newtown"))
    text = "At noon Smyth wrote to Smith from Newtown, not from Newton."
    new, edits, _ = repair_text(text, lexicon=lex)
    assert new == text and not edits


def test_a_capitalised_unknown_form_near_no_name_gets_no_copy_evidence():
    lex = _name_corpus("")
    opts = stage._options(None)
    lm = stage.language_model(lex, opts)
    # "life" is a frequent word of the corpus, not one of its names
    assert stage._copy_evidence(lm, "lifc", [stage.Reading("Life", ("life",), 1.0, "confusion")], opts) == 0.0


def test_a_common_word_with_its_first_letter_read_as_a_capital_is_repaired_after_a_lowercase_word():
    text = "The boy sat down Euring the long sermon and said nothing."
    lex = _name_corpus(text)
    new, edits, _ = repair_text(text, lexicon=lex)
    assert new == text.replace("Euring", "during")
    assert edits[0].evidence["candidates"][0]["text"] == "during" and edits[0].confidence >= 0.9
    off, _, _ = repair_text(text, lexicon=lex, options={"lowercase_twin_min_prob": 0.0})
    assert off == text
    # after a full stop or a name the capital may be the name's: no lowercase reading
    named = "The children played in the yard. Euring was there with them."
    assert repair_text(named, lexicon=_name_corpus(named))[0] == named


def test_a_damaged_copy_of_a_name_beside_another_name_is_read_only_as_a_name():
    lex = build_corpus_lexicon([("corpus", _filler_corpus(0.08, ["Whitechapel"] * 16)),
                                ("case", "Then Whiteshapel Perris came. Then Eino Rakhia came.")])
    new, edits, _ = repair_text("A farmer named Whiteshapel Perris found the bees.", lexicon=lex)
    assert new == "A farmer named Whitechapel Perris found the bees."
    assert all(c["text"] in ("Whitechapel", "Whiteshapel") for c in edits[0].evidence["candidates"])
    # a rare capitalised neighbour still protects a form no name of the corpus explains
    text = "The courier Eino Rakhia came by the early train."
    assert repair_text(text, lexicon=lex)[0] == text


_TWO_SLIP_NAME_LINE = "The prisoner lodged in Wliiteshapel with a friend of his."


def test_a_one_off_form_two_slips_from_a_frequent_name_in_a_damaged_corpus_is_repaired():
    lex = build_corpus_lexicon([("corpus", _filler_corpus(0.08, ["Whitechapel"] * 16)),
                                ("case", _TWO_SLIP_NAME_LINE)])
    assert not lex.trusted("wliiteshapel")
    new, edits, _ = repair_text(_TWO_SLIP_NAME_LINE, lexicon=lex)
    assert new == _TWO_SLIP_NAME_LINE.replace("Wliiteshapel", "Whitechapel")
    (e,) = edits
    assert e.confidence >= 0.9 and e.evidence["candidates"][0]["kind"] == "name-slips"
    # switched off: no reading two slips away, the form stays
    off, off_edits, _ = repair_text(_TWO_SLIP_NAME_LINE, lexicon=lex, options={"name_two_slips_min_count": 0})
    assert off == _TWO_SLIP_NAME_LINE and not off_edits


def test_two_real_names_two_slips_apart_and_a_clean_corpus_one_off_stay():
    # both recur: both trusted, neither is read as the other
    lex = build_corpus_lexicon([("corpus", _filler_corpus(0.08, ["Brandon", "Brendan"] * 8))])
    assert lex.trusted("brandon") and lex.trusted("brendan")
    text = "At noon Brendan wrote to Brandon from the farm."
    new, edits, _ = repair_text(text, lexicon=lex)
    assert new == text and not edits
    # a clean corpus predicts no damaged copies: a one-off spelling is a name of its own
    clean = build_corpus_lexicon([("corpus", _filler_corpus(0.0, ["Whitechapel"] * 16)),
                                  ("case", _TWO_SLIP_NAME_LINE)])
    new, edits, _ = repair_text(_TWO_SLIP_NAME_LINE, lexicon=clean)
    assert new == _TWO_SLIP_NAME_LINE and not edits
    opts = stage._options(None)
    assert stage._name_two_slips(stage.language_model(clean, opts), "Wliiteshapel", "wliiteshapel", opts) == ([], 0.0)


def test_a_one_slip_reading_of_a_name_is_judged_as_without_the_names_two_slips_away():
    # Whiteshapel is one slip from Whitechapel: the two-slip names add nothing to its judgement
    lex = _name_corpus(_COPY_LINE, extra=("Whitechapol",) * 16)  # (a name two slips away)
    opts = stage._options(None)
    two = stage._name_two_slips(stage.language_model(lex, opts), "Whiteshapel", "whiteshapel", opts)[0]
    assert [r.text for r in two] == ["Whitechapol"]
    on = repair_text(_COPY_LINE, lexicon=lex)
    off = repair_text(_COPY_LINE, lexicon=lex, options={"name_two_slips_min_count": 0})
    assert on[0] == off[0] and [e.evidence for e in on[1]] == [e.evidence for e in off[1]]
    assert all(c["kind"] != "name-slips" for e in on[1] for c in e.evidence["candidates"])
