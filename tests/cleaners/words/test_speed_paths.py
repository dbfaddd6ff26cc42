"""Speed paths of the word stage give exactly what the plain computations give."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.pipeline import Config, build_resources, clean_layout, clean_words
from cleaners.words.lexicon import build_corpus_lexicon
from cleaners.words.repair import DASH_SPACE_RE, DASH_SPACE_WORDS, _LM_CACHE, _may_have_dash_space, _options, language_model
from cleaners.words.scoring import LanguageModel, is_confusable

CORPUS = ("Rakhia met Filtova at Smolny. Rakhia and Filtova and Smolny were there. "
          "The figure floating in the office was affluent. He bad been lo the house, lie said. ") * 5
SURFACES = ["tbat", "lie", "Lie", "bad", "Bad", "lo", "Lo", "thai", "Thai", "wae", "tlie", "Eenin",
            "Rakhia", "Raklia", "Smolny", "Srnolny", "RTsKhIDNI", "don’t", "a", "I", "he", "the", "liave",
            "figure", "gure", "ofthe", "Iouse", "Eeningrad", "BAD", "Tbe"]


# the one-pattern scans the fast paths replace (the reference they are tested equal to)
STRAY_MARK_RE = re.compile(r"[.,](?=[a-z]{2})")
_GLYPH_RE = re.compile("[!|;:)(~]")
_OPEN_QUOTE_RE = re.compile("[“‘«\"'„]")


@pytest.fixture(scope="module")
def lm() -> LanguageModel:
    return LanguageModel(build_corpus_lexicon([("corpus", CORPUS)]))


def _both(lm: LanguageModel, surface: str, **kw) -> tuple[bool, bool]:
    key = surface.lower().replace("’", "'")
    return (lm.has_common_twin(surface, key, **kw), is_confusable(lm, surface, key, **kw))


def test_has_common_twin_is_is_confusable(lm):
    seen = set()
    for surface in SURFACES:
        for ratio in (1.0, 3.0, 30.0):
            for min_prob in (1e-5, 1e-3):
                for length_changes in (False, True):
                    fast, plain = _both(lm, surface, ratio=ratio, min_prob=min_prob,
                                        length_changes=length_changes)
                    assert fast == plain, (surface, ratio, min_prob, length_changes)
                    seen.add(plain)
    assert seen == {True, False}  # both answers are exercised


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="abcdefhiklmnorstuvwyILEBRJT1’'", min_size=1, max_size=9))
def test_has_common_twin_is_is_confusable_on_any_form(lm, surface):
    fast, plain = _both(lm, surface, ratio=3.0, min_prob=1e-5, length_changes=True)
    assert fast == plain


DOCS = {"a": "It turned out lhal he bad been there, and tbe man said so.\n\nThe con- stable re- turned.\n",
        "b": "Rakhia met Filtova at Srnolny. Rakhia and Filtova were there.\n"}


def _words_phase(warm_in_corpus_pass: bool) -> dict:
    config = Config()
    states = {d: clean_layout(d, t.encode(), config) for d, t in DOCS.items()}
    _LM_CACHE.clear()
    if warm_in_corpus_pass:
        resources = build_resources(((d, s.text) for d, s in states.items()), config)
        lm = language_model(resources["lexicon"], _options(config.options["words"]))
        assert lm._twin_tables and lm._corpus_deletes is not None  # built in the corpus pass
    else:
        from cleaners.words.lexicon import build_corpus_lexicon as build

        resources = {"lexicon": build(((d, s.text) for d, s in states.items()),
                                      options=config.options["words"])}
        assert not _LM_CACHE  # the words stage builds the model on its first document
    out = {d: clean_words(s, config, resources) for d, s in states.items()}
    return {d: (s.text, [e.to_json() for e in s.edits], [f.to_json() for f in s.flags])
            for d, s in out.items()}


def test_tables_built_in_the_corpus_pass_change_no_output():
    assert _words_phase(True) == _words_phase(False)


EDIT_TWIN_FORMS = ["wae", "thie", "tbe", "hke", "wbo", "laxer", "goad", "tittered", "himn", "anid", "ofthe",
                   "whereon", "Wae", "wa", "ihe", "aud", "tne", "bis", "wben", "tlie"]


@pytest.mark.parametrize("surface", EDIT_TWIN_FORMS)
def test_has_common_edit_twin_is_the_keys_found(surface):
    from cleaners.words.repair import _common_edit_twin_keys, _has_common_edit_twin

    opts = _options(None)
    lm = language_model(build_corpus_lexicon([("corpus", CORPUS)]), opts)
    key = surface.lower()
    assert _has_common_edit_twin(lm, surface, key, opts) == bool(_common_edit_twin_keys(lm, surface, key, opts))


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="abcdehilmnorstuwyT", min_size=1, max_size=8))
def test_has_common_edit_twin_on_any_form(surface):
    from cleaners.words.repair import _common_edit_twin_keys, _has_common_edit_twin

    opts = _options(None)
    lm = language_model(build_corpus_lexicon([("corpus", CORPUS)]), opts)
    key = surface.lower()
    assert _has_common_edit_twin(lm, surface, key, opts) == bool(_common_edit_twin_keys(lm, surface, key, opts))


def test_has_common_edit_twin_finds_some():
    from cleaners.words.repair import _has_common_edit_twin

    opts = _options(None)
    lm = language_model(build_corpus_lexicon([("corpus", CORPUS)]), opts)
    found = [w for w in EDIT_TWIN_FORMS if _has_common_edit_twin(lm, w, w.lower(), opts)]
    assert found and len(found) < len(EDIT_TWIN_FORMS)


def plain_twin_table(lm: LanguageModel, min_prob: float) -> dict[str, set[str]]:
    """``_twin_table`` as first written: every frequent general word and every trusted form
    looked up in this model."""
    import math

    from cleaners.words.scoring import frequent_skeleton_index

    bar = math.log10(min_prob)
    out: dict[str, set[str]] = {}
    for index in (frequent_skeleton_index(lm._unigrams, lm._candidate_min_prob, min_prob / 2), lm.lexicon_index):
        for sk, words in index.items():
            keep = {w for w in words if (lp := lm.logp(w)) is not None and lp >= bar}
            if keep:
                out.setdefault(sk, set()).update(keep)
    return out


# a corpus that makes general words rarer than 1e-5 (but not than 5e-6) common: they join the table
RARE_GENERAL = ["automated", "catches", "disclose", "extends", "invalid", "originated"]  # 5e-6..1e-5
BORDERLINE = " ".join(f"The {w} was there and the {w} was here." for w in RARE_GENERAL) * 5 + CORPUS


@pytest.mark.parametrize("text", [CORPUS, BORDERLINE])
@pytest.mark.parametrize("min_prob", [1e-5, 1e-4])
def test_twin_table_is_the_plain_one(text, min_prob):
    model = LanguageModel(build_corpus_lexicon([("corpus", text)]))
    fast = {sk: set(ws) for sk, ws in model._twin_table(min_prob).items()}
    assert fast == plain_twin_table(model, min_prob)


def test_the_borderline_corpus_lifts_general_words():
    from cleaners.words.scoring import _general_twins

    model = LanguageModel(build_corpus_lexicon([("corpus", BORDERLINE)]))
    _, borderline = _general_twins(model._unigrams, model._candidate_min_prob, 1e-5)
    lifted = [w for w in RARE_GENERAL if w in borderline and model.lex.trusted(w) and model.logp(w) >= -5]
    assert lifted  # the path that adds a general word the corpus makes common is exercised
    table = model._twin_table(1e-5)
    assert all(any(w in ws for ws in table.values()) for w in lifted)


def _function_word_cuts(key: str) -> list[int]:
    """The cuts :func:`cleaners.words.scoring.glued_margin` weighs (plain version)."""
    from cleaners.words.language import FUNCTION_WORDS

    longest = max(map(len, FUNCTION_WORDS))
    n = len(key)
    cuts = [i for i in range(1, min(n, longest + 1)) if key[:i] in FUNCTION_WORDS]
    return cuts + [i for i in range(max(1, n - longest), n) if key[i:] in FUNCTION_WORDS]


def _has_function_word_cut(key: str) -> bool:
    from cleaners.words.repair import _FUNCTION_WORD_END_RE, _FUNCTION_WORD_START_RE

    return bool(_FUNCTION_WORD_START_RE.match(key) or _FUNCTION_WORD_END_RE.search(key))


@pytest.mark.parametrize("key", ["", "a", "i", "an", "ab", "ba", "ia", "the", "thex", "xthe", "ofthe",
                                 "madein", "anew", "awhile", "cat", "xyz", "intothe", "uponx", "xupon"])
def test_glued_prefilter_is_the_cuts(key):
    assert _has_function_word_cut(key) == bool(_function_word_cuts(key))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abdehinoprstuwxy'", max_size=9))
def test_glued_prefilter_on_any_form(key):
    assert _has_function_word_cut(key) == bool(_function_word_cuts(key))


def test_glued_prefilter_on_the_general_list():
    from cleaners.words.language import unigram_probs

    keys = sorted(unigram_probs("wordfreq-large"))[::7]
    assert sum(_has_function_word_cut(k) != bool(_function_word_cuts(k)) for k in keys) == 0
    assert 0 < sum(map(_has_function_word_cut, keys)) < len(keys)  # the filter decides both ways


def _unfiltered(index):
    """The same index with a filter that passes every key: the plain search."""
    from cleaners.words.diskindex import PostingIndex

    arrays = {name: getattr(index, name) for name in ("hashes", "directory", "starts", "postings",
                                                      "key_offsets", "word_offsets")}
    return PostingIndex(arrays, {"keys": index.keys, "words": index.words}, b"\xff" * len(index.filter))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(alphabet="abcé’", min_size=1, max_size=5),
                       st.lists(st.text(alphabet="xyz", min_size=1, max_size=3), min_size=1, max_size=3),
                       max_size=30),
       st.lists(st.text(alphabet="abcé’", max_size=5), max_size=30))
def test_filtered_lookups_are_the_dict_ones(mapping, probes):
    from cleaners.words.diskindex import PostingIndex

    index = PostingIndex.from_mapping(mapping)
    keys = list(mapping) + probes
    assert index.union(keys) == {w for k in keys for w in mapping.get(k, ())}
    assert [index.get(k) for k in keys] == [tuple(mapping.get(k, ())) for k in keys]


def test_filter_of_the_general_indexes_drops_no_key():
    from cleaners.words.language import unigram_probs
    from cleaners.words.scoring import TWO_SLIP_MIN_LOGP, _deletes, two_slip_index

    opts = _options(None)
    lm = LanguageModel(build_corpus_lexicon([("corpus", CORPUS)]))
    lm.one_edit("warm")
    words = sorted(unigram_probs(opts["unigrams"]))[::50]
    probes = [d for w in words for d in _deletes(w) | {w, w + "x", "q" + w}]
    for index in (lm._general_deletes, two_slip_index(opts["unigrams"], TWO_SLIP_MIN_LOGP)):
        plain = _unfiltered(index)
        assert index.union(probes) == plain.union(probes)
        assert [index.get(k) for k in probes[:3000]] == [plain.get(k) for k in probes[:3000]]
        found = sum(index._position(k) >= 0 for k in probes)
        assert 0 < found < len(probes)  # both present and absent keys were probed
        # the filter passes few absent keys
        passed = sum(bool(index.filter[(h & index._filter_mask) >> 3] >> (h & 7) & 1)
                     for h in map(diskindex_hash, (k.encode() for k in probes)))
        assert passed - found < 0.2 * (len(probes) - found)


def diskindex_hash(b: bytes) -> int:
    from cleaners.words.diskindex import _hash

    return _hash(b)


def test_an_index_saved_without_its_filter_gets_one(tmp_path):
    from cleaners.words.diskindex import _FILTER_FILE, PostingIndex

    mapping = {"tt": ("it", "to"), "the": ("the",), "ab": ("abc",)}
    PostingIndex.from_mapping(mapping).save(tmp_path)
    saved = (tmp_path / _FILTER_FILE).read_bytes()
    (tmp_path / _FILTER_FILE).unlink()  # as an older version of the code saved it
    index = PostingIndex.load(tmp_path)
    assert (tmp_path / _FILTER_FILE).read_bytes() == saved == bytes(index.filter)
    again = PostingIndex.load(tmp_path)  # mapped this time
    assert again.union(["tt", "the", "zz", "ab"]) == {"it", "to", "the", "abc"}
    (tmp_path / _FILTER_FILE).write_bytes(saved[:-1])  # truncated: rebuilt, never trusted
    assert PostingIndex.load(tmp_path).union(["ab"]) == {"abc"}


def _plain_same_skeleton(lm: LanguageModel, surface: str, length_changes: bool) -> set[str]:
    from cleaners.words.confusions import ligature_free_length_skeletons, skeleton, token_skeletons

    sks = token_skeletons(surface)
    if length_changes:
        sks |= ligature_free_length_skeletons(surface.lower())
        sks |= set(lm.general_ligatures.get(skeleton(surface), ()))
        sks |= set(lm.corpus_ligatures.get(skeleton(surface), ()))
    return {w for sk in sks for w in (*lm.general_index.get(sk, ()), *lm.corpus_index.get(sk, ()))}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SURFACES) | st.text(alphabet="abdehilnortuIRTE", min_size=1, max_size=8))
def test_same_skeleton_is_the_plain_union(lm, surface):
    for length_changes in (False, True):
        assert lm.same_skeleton(surface, length_changes=length_changes) == \
            _plain_same_skeleton(lm, surface, length_changes)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdehilmnortuvw", min_size=5, max_size=10))
def test_two_slip_rewrites_of_one_skeleton_share_their_class(lm, key):
    """What two_slip_candidates' per-skeleton memo assumes: of lowercase forms,
    same_skeleton depends on the skeleton alone."""
    from cleaners.words.confusions import skeleton
    from cleaners.words.scoring import first_slip_readings

    by_skeleton: dict[str, set[str]] = {}
    for w in [key] + [w for w, _ in first_slip_readings(key)]:
        assert w.islower()
        words = lm.same_skeleton(w)
        assert by_skeleton.setdefault(skeleton(w), words) == words


def _plain_two_slip_candidates(lm: LanguageModel, surface: str, key: str) -> list:
    """two_slip_candidates as first written (no per-skeleton memo)."""
    from cleaners.words.confusions import channel_cost
    from cleaners.words.scoring import (TWO_SLIP_MAX_CHANNEL, TWO_SLIP_MAX_LEN, TWO_SLIP_MAX_REWRITES,
                                        TWO_SLIP_MIN_LEN, TWO_SLIP_MIN_LOGP, Reading, _deletes,
                                        first_slip_readings, two_slip_index)

    if not (TWO_SLIP_MIN_LEN <= len(key) <= TWO_SLIP_MAX_LEN) or not key.isalpha() or not surface.islower():
        return []
    best: dict[str, float] = {}
    bar = 10.0 ** TWO_SLIP_MIN_LOGP
    common = two_slip_index(lm._unigrams, TWO_SLIP_MIN_LOGP)
    rewrites = [(key, 0.0)] + first_slip_readings(key)[:TWO_SLIP_MAX_REWRITES]
    for w, first in rewrites:
        if first >= TWO_SLIP_MAX_CHANNEL:
            break
        for k in common.union(_deletes(w) | {w}) | lm.same_skeleton(w):
            if k == key or lm.uni.get(k, 0.0) < bar or not k.isalpha():
                continue
            c = first + channel_cost(w, k)
            if c <= TWO_SLIP_MAX_CHANNEL:
                best[k] = min(c, lm.channel(surface, k), best.get(k, 99.0))
    return sorted((Reading(k, (k,), round(c, 3), "two-slip") for k, c in best.items()),
                  key=lambda r: (r.channel, r.text))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["grouiid", "wvitaess", "tlierc", "rnodern", "liouse", "bcfore", "tbeir"])
       | st.text(alphabet="abcdehilmnortuvw", min_size=5, max_size=9))
def test_two_slip_candidates_are_the_plain_ones(lm, key):
    from cleaners.words.scoring import two_slip_candidates

    assert two_slip_candidates(lm, key, key) == _plain_two_slip_candidates(lm, key, key)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["rakhia", "filtova", "smolny", "figure", "gure", "floatingg", "housee", "tbat"])
       | st.text(alphabet="abdefghilmnorstuvy", min_size=1, max_size=10))
def test_one_edit_indels_are_the_one_edit_words_of_another_length(lm, key):
    assert lm.one_edit_indels(key) == {w for w in lm.one_edit(key) if len(w) != len(key)}


def test_one_edit_indels_on_the_seed_forms():
    """The same equality on every suspicious-length lookup the seeds' forms make (real data)."""
    from bench.words import seed_layout_texts
    from cleaners.words.tokens import WORD_RE

    texts = seed_layout_texts()
    lm = language_model(build_corpus_lexicon(texts), _options(None))
    keys = sorted({w.lower() for _, t in texts for w in WORD_RE.findall(t) if len(w) >= 4 and w.isalpha()})
    assert len(keys) > 10_000
    for key in keys[::7]:
        assert lm.one_edit_indels(key) == {w for w in lm.one_edit(key) if len(w) != len(key)}, key


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcdfhilmnorstuvwy015HIü", min_size=1, max_size=8), st.data())
def test_length_change_floor_bounds_the_alignment(seen, data):
    """No text a character longer or shorter is read as ``seen`` for less than the floor."""
    from cleaners.words.confusions import _aligned_cost, channel_cost, length_change_floor

    floor = length_change_floor(seen)
    alphabet = "abcdfhilmnorstuvwy015HIü"
    grow = data.draw(st.booleans())
    if grow or len(seen) == 1:
        i = data.draw(st.integers(0, len(seen)))
        meant = seen[:i] + data.draw(st.sampled_from(alphabet)) + seen[i:]
    else:
        i = data.draw(st.integers(0, len(seen) - 1))
        meant = seen[:i] + seen[i + 1:]
    # and a few substitutions besides
    for _ in range(data.draw(st.integers(0, 2))):
        j = data.draw(st.integers(0, len(meant) - 1))
        meant = meant[:j] + data.draw(st.sampled_from(alphabet + "ertfl")) + meant[j + 1:]
    assert channel_cost(seen, meant) >= floor - 1e-9
    assert _aligned_cost(seen, meant) >= floor - 1e-9


def test_length_change_floor_is_reached():
    """The floor is the cost of the cheap steps it counts (not an arbitrary low number)."""
    from cleaners.words.confusions import channel_cost, length_change_floor

    assert channel_cost("rnan", "man") == length_change_floor("rnan") == 0.5
    assert channel_cost("ebb", "eb") == length_change_floor("ebb") == 1.5
    assert length_change_floor("sate") == 2.4 and channel_cost("sate", "site") == 3.0
    assert channel_cost("sate", "sat") == 3.0  # (an extra letter: above the floor)


def test_nonword_candidates_without_substitutions_on_the_seed_forms():
    """nonword_candidates with the indel lookup and the length floor gives what the plain
    one-edit search gives, on the seeds' rare forms of the general list (real data)."""
    from bench.words import seed_layout_texts
    from cleaners.words import scoring
    from cleaners.words.scoring import nonword_candidates
    from cleaners.words.tokens import WORD_RE

    texts = seed_layout_texts()
    lm = language_model(build_corpus_lexicon(texts), _options(None))
    forms = sorted({w for _, t in texts for w in WORD_RE.findall(t)
                    if (lp := lm.logp(w.lower())) is not None and lp < -6.0 and len(w) >= 4})
    assert len(forms) > 1000

    def plain_indels(key):
        return {w for w in lm.one_edit(key) if len(w) != len(key)}

    fast = [nonword_candidates(lm, f, f.lower(), max_channel=1.5, generic_substitutions=False,
                               allow_split=False) for f in forms]
    floor = scoring.length_change_floor
    try:
        lm.one_edit_indels = plain_indels
        scoring.length_change_floor = lambda seen: 0.0
        plain = [nonword_candidates(lm, f, f.lower(), max_channel=1.5, generic_substitutions=False,
                                    allow_split=False) for f in forms]
    finally:
        del lm.one_edit_indels
        scoring.length_change_floor = floor
    assert fast == plain
    assert any(fast)


def test_logp_memo_is_the_method(lm):
    """lm.logp is the memo's lookup: the method's value, computed once per form."""
    from cleaners.words.scoring import LanguageModel

    forms = ["the", "rakhia", "xqzzy", "john's", "filtova's", "Smolny", "", "of"]
    fresh = LanguageModel(lm.lex)
    assert [lm.logp(f) for f in forms] == [LanguageModel.logp(fresh, f) for f in forms]
    assert all(f in lm.logp_cache for f in forms)
    assert lm.logp("xqzzy") is None and lm.logp("the") > -2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\u00a0\u2003\x1c.!?:;\"“”ab,", max_size=12))
def test_ends_sentence_is_the_pattern_on_stripped_lines(text):
    from cleaners.words.repair import SENTENCE_END_RE, _ends_sentence

    stripped = text.strip()
    assert _ends_sentence(stripped) == bool(SENTENCE_END_RE.search(stripped))


def test_stray_mark_parts_are_the_pattern_on_the_seeds():
    from bench.words import seed_layout_texts
    from cleaners.words.repair import _STRAY_MARK_PARTS, SENTENCE_END_RE, _ends_sentence

    lines = [x for _, t in seed_layout_texts() for x in t.split("\n")]
    lines += ["a.bc,de", ".ab", ",a,bc", "x.Ab,c d", "up.to, Tommy,this"]
    for line in lines:
        parts = sorted(m.start() for p in _STRAY_MARK_PARTS for m in p.finditer(line))
        assert parts == [m.start() for m in STRAY_MARK_RE.finditer(line)], line
        assert _ends_sentence(line.strip()) == bool(SENTENCE_END_RE.search(line.strip()))
    assert any(STRAY_MARK_RE.search(x) for x in lines)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.,Z ", max_size=16))
def test_stray_mark_parts_are_the_pattern(line):
    from cleaners.words.repair import _STRAY_MARK_PARTS

    parts = sorted(m.start() for p in _STRAY_MARK_PARTS for m in p.finditer(line))
    assert parts == [m.start() for m in STRAY_MARK_RE.finditer(line)]


def test_char_positions_are_the_class_patterns():
    from bench.words import seed_layout_texts
    from cleaners.words.repair import _GLYPH_CHARS, _OPEN_QUOTE_CHARS, GLYPHS, _OPEN_QUOTES, _char_positions

    assert set(_GLYPH_CHARS) == GLYPHS and set(_OPEN_QUOTE_CHARS) == _OPEN_QUOTES
    lines = [x for _, t in seed_layout_texts() for x in t.split("\n")] + ["“a” (b) ‘c’ «d» „e“ 'f' \"g\" h!|;:"]
    for line in lines:
        assert sorted(_char_positions(line, _GLYPH_CHARS)) == [m.start() for m in _GLYPH_RE.finditer(line)]
        assert sorted(_char_positions(line, _OPEN_QUOTE_CHARS)) == [m.start() for m in _OPEN_QUOTE_RE.finditer(line)]


# a dash-space word with each letter swapped for a character the case-blind pattern may
# take for it (or not), in a line with other text around
_DASH_CHARS = "aAeEfhHiIıİoOrRsSſtTwWyYuUkKK-’'"


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(sorted(DASH_SPACE_WORDS)), st.lists(st.tuples(st.integers(0, 5), st.sampled_from(_DASH_CHARS)),
                                                         max_size=2),
       st.text(alphabet="ab -’'", max_size=6), st.sampled_from(["end", "Home", "9x", "-x", " x"]))
def test_dash_space_screen_passes_every_line_the_pattern_matches(word, swaps, before, after):
    for k, c in swaps:
        word = word[:k] + c + word[k + 1:]
    line = f"{before}{word}-{after} and more"
    if DASH_SPACE_RE.search(line):
        assert _may_have_dash_space(line)


def test_dash_space_screen_on_the_seeds():
    from bench.words import seed_layout_texts

    lines = [line for _, text in seed_layout_texts() for line in text.split("\n")]
    for line in lines + [line.upper() for line in lines]:
        if DASH_SPACE_RE.search(line):
            assert _may_have_dash_space(line)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("abinlxAIBZé’'-.,;!? \n~"), max_size=30))
def test_join_hint_with_the_words_is_the_plain_one(line):
    from cleaners.words.repair import _LONE_PAIR_LETTERS, LONE_PAIR_RE, SPECK_LETTERS, SPECK_RE, _join_hint
    from cleaners.words.tokens import WORD_RE

    words = WORD_RE.findall(line)
    assert _join_hint(line, words) == _join_hint(line)
    # (each letter of a lone-pair or speck match is a word of its own)
    if LONE_PAIR_RE.search(line):
        assert not _LONE_PAIR_LETTERS.isdisjoint(words)
    if SPECK_RE.search(line):
        assert not SPECK_LETTERS.isdisjoint(words)


def test_lone_letter_sets_are_the_pattern_classes():
    from cleaners.words.repair import _LONE_PAIR_LETTERS, SPECK_LETTERS

    chars = list(map(chr, range(0x10000)))
    assert _LONE_PAIR_LETTERS == {c for c in chars if re.fullmatch("[b-zB-HJ-Z]", c)}
    assert SPECK_LETTERS == {c for c in chars if re.fullmatch("[b-hj-np-w]", c)}


def test_join_sites_and_hints_on_the_seeds():
    from bench.words import seed_layout_texts
    from cleaners.words.repair import LineTokens, _join_hint, _join_sites
    from cleaners.words.tokens import WORD_RE

    lines = [line for _, text in seed_layout_texts() for line in text.split("\n")]
    for line in lines + ["a b c d e. f g, h i j k l m n o p q r s t u v w x y z"]:
        words = WORD_RE.findall(line)
        assert _join_hint(line, words) == _join_hint(line)
        tokens = LineTokens(line)
        sites = _join_sites(line, tokens, [], [])
        # the lone pairs the plain scan finds are all among the sites
        for m in re.finditer(r" [b-zB-HJ-Z] [b-zB-HJ-Z](?=[ ,.;:!?]|$)", line):
            assert tokens.starts.index(m.start() + 1) in sites


def _plain_mark_foreign(tokens, logps, suspicious, confusable, skip, languages, marked):
    """``_mark_foreign`` as first written: every listed token's language looked up."""
    from cleaners.words.repair import _foreign_lang, _foreign_words

    looked = {j for i in marked for j in (i - 1, i, i + 1)}
    langs = {}
    for i in sorted(looked):
        if 0 <= i < len(tokens) and tokens.keys[i] in _foreign_words(languages):
            lang = _foreign_lang(tokens.keys[i], logps[i], languages)
            if lang is not None:
                langs[i] = lang
    for i, lang in langs.items():
        if langs.get(i - 1) == lang or langs.get(i + 1) == lang:
            suspicious[i] = confusable[i] = False
            skip[i] = True


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["les", "enfants", "ont", "faim", "die", "in", "the", "und", "der", "xqzt", "Hund",
                                 "el", "perro", "de", "la", "casa", "man", "was", "here"]), min_size=1, max_size=12),
       st.data())
def test_mark_foreign_is_the_plain_one(lm, words, data):
    from cleaners.words.repair import LineTokens, _LazyLogps, _mark_foreign, _options

    languages = tuple(_options(None)["foreign_languages"])
    tokens = LineTokens(" ".join(words))
    n = len(tokens)
    marked = sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=n)))
    skipped = data.draw(st.sets(st.integers(0, n - 1), max_size=n))
    out = []
    for mark in (_mark_foreign, _plain_mark_foreign):
        logps = _LazyLogps(lm, tokens.keys)
        for i in skipped:
            logps.values[i] = None  # (a skipped token has no probability)
        flags = ([i in marked for i in range(n)], [False] * n, [i in skipped for i in range(n)])
        mark(tokens, logps, *flags, languages, marked)
        out.append(flags)
    assert out[0] == out[1]


def test_mark_foreign_leaves_a_phrase_alone(lm):
    from cleaners.words.repair import LineTokens, _LazyLogps, _mark_foreign, _options

    tokens = LineTokens("he said les enfants ont faim and left")
    n = len(tokens)
    suspicious, confusable, skip = [True] * n, [False] * n, [False] * n
    _mark_foreign(tokens, _LazyLogps(lm, tokens.keys), suspicious, confusable, skip,
                  tuple(_options(None)["foreign_languages"]), list(range(n)))
    assert skip[2:6] == [True] * 4 and not skip[0] and not skip[-1]
