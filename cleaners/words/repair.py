"""Stage `words`: repair OCR word errors with a confusion model and context.

How a token is judged
---------------------
1. Tokens that must not be touched are skipped: user-protected words and
   patterns, URLs and e-mails, numbers, roman numerals, ALL-CAPS acronyms,
   mixed-case forms (``RTsKhIDNI``), and every form the corpus lexicon trusts
   (it recurs in clean context: names, transliterations, rare real words).
   A short ALL-CAPS form is looked at only as a damaged copy of the one acronym
   the corpus writes often one cheap slip away (``BSPCA``: :func:`_acronym_copies`),
   or inside a heading in capitals, where it is a word (``SHOCKING TBIAL``:
   :func:`_in_capitals`; so is a mostly-capitals form there, ``CONDUCr``).
2. A *suspicious* token is one that is neither trusted nor a reasonably
   frequent word of the general list. Its candidates are the known words
   reachable by undoing OCR confusions (``lhey`` -> ``they``), by one generic
   edit, by reading an apostrophe inside it as the glyph it broke (``nari'ow``:
   :func:`~cleaners.words.scoring.apostrophe_glyph_candidates`), or by
   splitting off a glued function word (``amoment``, ``Onthe``), or two common
   words (``arrivedafter``, at a higher cost).
   Words split and joined: two tokens are read as one word across a space, a lost
   line-break hyphen or a mark misread for one (``shou ld``, ``con- stable``,
   ``pri. soner``; two ordinary halves at even odds, ``in. stead``:
   :func:`_judge_word_halves_break`), and a hyphen after a word that makes no
   compound is a misread space (``the-end``: :func:`_judge_dash_space`).
3. The token as is and each candidate are scored by a noisy-channel model
   (:mod:`cleaners.words.scoring`): bigram context, confusion-weighted edit
   cost, and a prior that the word was misread at all which grows with the
   density of suspicious tokens nearby (damage comes in bursts).
4. Known words near repaired damage, or with a much more common confusion twin
   (including length-changing slips: ``lie`` -> ``he``), get a second look for
   *real-word* errors (``bad`` -> ``had`` in ``he bad been``): only cheap
   confusions (or, for forms the general list holds only at a junk-level rate,
   like ``wae``, one edit to a very common word), only with bigram evidence,
   with an extra penalty, and judged on general statistics: a recurring
   misreading makes its own corpus pairs (``he bad``), which cannot vouch for it.
   A word the corpus uses at its ordinary general rate gets a further penalty
   (``lie still`` in a clean book is the word ``lie``).
   A lowercase form with a very common twin at least as common along a slip the
   corpus's non-word repairs show (``be``/``he`` with ``b>h``: :func:`_has_learned_twin`)
   gets that look wherever it stands, like the forms near damage.
   A capitalised unknown form is a name until the corpus says otherwise: one slip
   from a name the corpus writes far more often, in a corpus damaged enough to make
   such copies, it is probably a damaged copy (``Whiteshapel``), and as read it
   loses probability by the count ratio (:func:`_copy_evidence`); seen once or twice
   and two slips from such a name (``Wliiteshapel``: Whitechapel) it is read as the name
   only when the corpus's damage predicts a damaged copy of it (:func:`_name_two_slips`),
   at the two-slip bar. Words the corpus often capitalises inside sentences (``Court``
   in police reports: :attr:`~cleaners.words.lexicon.CorpusLexicon.titled`) are copy
   targets like its names (``Courb``), and a long form gets more copy evidence
   (fewer real names lie one slip from a long one). After a lowercase
   word it may be a common word whose first letter was read as a capital (``the mill
   Euring their`` -> ``during``).
5. A repair is applied when its posterior reaches its bar: ``nonword_threshold``
   for a lowercase form no list knows (or a cheap slip of a rare form),
   ``threshold`` for a probable name or a join, ``realword_threshold`` for a
   known word; a doubtful one becomes a Flag with its candidates.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import attrgetter, eq, is_, ne
from pathlib import Path
from typing import Any

from cleaners.document import Edit, Flag, StageResult, apply_edits, check_edits
# the spell-checked list (symspellpy's English dictionary), against which the large general
# list's forms are told typos or words
from cleaners.frequencies import unigrams as spell_checked_words
from cleaners.hyphens import decide as line_end_hyphen_decision
from cleaners.words.confusions import channel_cost, channel_cost_within
from cleaners.words.distant import distant_applies, distant_candidates, shape_penalty
from cleaners.words.language import FUNCTION_WORDS
from cleaners.words.lexicon import (LEXICON_DEFAULTS, ONCE_MIN_LEN, CorpusLexicon, build_corpus_lexicon, char_ops,
                                    dropped_ligatures, empty_lexicon, ligature_gap_twin, ligature_insertions,
                                    one_edit_apart)
from cleaners.words.scoring import (GLUED_MARGIN, LanguageModel, Reading, delete_index, delete_neighbourhoods,
                                    derived_form, glued_margin, is_confusable, nonword_candidates, realword_candidates,
                                    posteriors, render, score_readings,
                                    name_two_slip_candidates, slip_index, two_slip_candidates,
                                    deep_slip_candidates, first_slip_readings)
from cleaners.words.tokens import (JUNK_EDGE_MARKS, WORD_RE, WORD_SPLIT_RE, LineTokens, Token, case_pattern,
                                   LETTER_SHAPED_DIGITS, digit_joins_number, digit_policy, is_roman, junk_edge_word,
                                   misread_number, normalise_key, protected_spans, BMP_WORD_CHARS, bmp_class, bmp_only,
                                   word_splitter)

STAGE = "words"

DEFAULTS: dict[str, Any] = {
    # decisions
    "threshold": 0.9,  # posterior a repair needs to be applied (joins, probable names)
    "nonword_threshold": 0.7,  # ... a repair of a lowercase form no word list knows (nothing real is lost)
    "realword_threshold": 0.9,  # ... a repair of a known word (more is at stake)
    "cheap_slip_cost": 1.0,  # a rare form of the general list read as a slip this cheap gets the non-word bar
    "flag_threshold": 0.3,  # posterior above which an unapplied candidate is flagged
    # a long lowercase form no list knows whose word readings all agree on one word (its
    # share of their posterior at least sole_reading_share) is repaired at this bar: no other
    # word is at stake, only the form as read (refrigeratiom: refrigeration); 1.0 switches it off
    "sole_reading_threshold": 0.6,
    "sole_reading_min_len": 7,
    "sole_reading_share": 0.9,
    "sole_two_slip_threshold": 0.8,  # ... and a sole reading two slips away this (without a word pair attesting it)
    # a lowercase form no list knows is less likely a real word the longer it is (the large
    # list holds nearly every long word, and a long word has few neighbours one slip away):
    # its log10 probability falls by this much per letter beyond oov_length_free (0: off)
    "oov_length_weight": 0.75,
    "oov_length_free": 7,
    "realword": True,  # also repair real-word errors near damage (bad -> had)
    "numbers": True,  # repair numbers with letters read for digits (186i -> 1861)
    "digit_letters": True,  # judge words with one digit read for a letter (wi7l, that3): tokens.letter_shaped_digit
    "digit_glued_min_prob": 5e-6,  # ... but not a digit before a word this common (8cylinder): a number glued on
    "join": True,  # join words split in two (shou ld, pri soner, sub- sequently)
    "join_min_prob": 1e-7,  # a joined form must be at least this common (or trusted)
    # a word broken at a lost line end whose hyphen was read as a full stop, both halves words
    # (in. stead): the context decides between the two words and the joined one, this common at least
    "word_halves_break": True,
    "word_halves_min_prob": 1e-6,
    "dash_space": True,  # a hyphen joining a word that makes no compound (his-home, the-end) is a misread space
    # a lone lowercase letter between two ordinary words (``for s being``) is a speck of
    # scanner noise read as a token: deleted when the pair of words is attested (general
    # list or corpus) and reads far better than the letter, a piece of either word or a short
    # word the letter may be misread for (posterior at least speck_threshold; flagged from
    # flag_threshold), and when the print around it shows other such letters: at least
    # speck_company more within speck_window words each side (a lone letter on its own is
    # as often what is left of a word, ``put u my``: up; it is flagged only, from
    # speck_threshold): see _judge_speck
    "specks": True,
    "speck_threshold": 0.9,
    "speck_company": 1,
    "speck_window": 20,
    # a capitalised hyphenated compound one cheap slip (at most this channel cost) in one part
    # from a compound the corpus writes (Anglo-Saxou beside Anglo-Saxon) is a damaged copy of
    # it, when the damaged part is a form the corpus writes nowhere else and the general list
    # knows at most rarely, the other spelling dominance_ratio times as often (0: off; _judge_compound)
    "compound_slip_cost": 1.0,
    # a capitalised name split by a stray space into a piece and a lowercase piece no list
    # knows (Kas parov) is joined when the corpus writes the whole name elsewhere, once at
    # least, or, both pieces unknown, when a name the corpus trusts is the joined form with
    # one letter too many (Kaspr arov): see _judge_written_join
    "join_written_names": True,
    # a lone "l" and three digits (l 907) are a four-digit number split after its first digit,
    # read as a letter, when the corpus writes that number at least trust_min_count times and
    # more often than the three digits alone (_judge_split_number)
    "join_split_numbers": True,
    "break_join_prior": 0.98,  # prior that ``con- stable`` inside a line is one word broken at a lost line end
    "break_join_cost": 0.3,  # ... and the cost of reading it so
    "break_join_min_prob": 1e-8,  # the joined form of a broken word must be at least this common (or trusted)
    "realword_penalty": 0.5,  # extra log10 cost of changing a known word
    "rare_form_penalty": 1.0,  # extra log10 cost of changing a rare form of the general list
    "realword_window": 6,  # tokens around a repaired non-word that get a real-word look
    "realword_min_prob": 1e-5,  # a real-word correction must be at least this common
    "confusable_ratio": 3.0,  # a known word whose confusion twin is this much more common is checked everywhere
    "max_channel_cost": 3.5,
    "named_generic": "surfaces",  # a probable name's one-edit readings: "none", "surfaces" (names of the corpus) or "all"
    "realword_general": True,  # judge a real word on general statistics, not on the corpus's (its errors recur)
    "excess_margin": 2.0,  # a known word up to this many times more common here than in general is ordinary
    "excess_explained": 0.2,  # ... beyond it, misread twins must explain this share of the excess
    "excess_min_expected": 8.0,  # occurrences a word's general rate must predict for the corpus to tell its rate
    "no_excess_penalty": 0.5,  # extra log10 cost of a real-word repair of a word used at its ordinary rate
    "realword_length_changes": True,  # real-word twins include length-changing slips (lie -> he)
    "learned_twins": True,  # known forms with a twin along a slip the corpus is known to make get a look everywhere
    "learned_twin_ratio": 1.0,  # ... a twin at least this many times as common
    "learned_twin_min_prob": 3e-4,  # ... and a very common word
    # a very common lowercase word with a twin at least as common in the general list one
    # confusion this cheap away (he/be) is read with its context everywhere (0: off) ...
    "cheap_twin_max_cost": 0.7,
    "cheap_twin_threshold": 0.95,  # ... and a repair of it needs this posterior
    # a junk mark glued to a word's edge (~rotected) may stand for a letter the print
    # lost: the spell-checked words it spells with a letter there, at least this common,
    # cost this (0: off)
    "junk_letter_cost": 1.0,
    "junk_letter_min_prob": 1e-6,
    # capitals after a lowercase first letter (haVe, welL) are misread lowercase letters:
    # such a form is suspicious even when its lowercase spelling is a word, and its
    # lowercase reading costs this per capital (CASE_ONLY_COST: a case slip of a letter)
    "inner_capitals": True,
    "inner_capital_cost": 1.2,
    # a rare lowercase form of the large general list that the spell-checked list lacks,
    # one lost letter from a spell-checked word this many times more common (and at least
    # lost_letter_min_prob), is a typo (goverment): judged as a form no list knows (0: off)
    "lost_letter_ratio": 300.0,
    "lost_letter_min_prob": 1e-5,
    # a line (paragraph) a pass changed is judged again on its repaired text, up to this many
    # more times, until nothing changes (0: off): a repair often needs another one first
    # (``bytho`` -> ``by tho`` -> ``by the``), and cleaning the stage's own output must
    # change nothing. The rounds' edits are composed into edits on the stage's input
    # (one that rewrites an earlier round's repair is merged with it, its steps in evidence
    # ``rounds``; one clear of earlier repairs has its ``round`` in evidence); a flag stands
    # unless a later round changed its stretch (:func:`_judge_line`)
    "settle_rounds": 2,
    # the document's own misreading profile (DocumentProfile): a second look at real-word twins
    "document_profile": True,  # learn which slips each document makes and re-judge its real-word twins
    "profile_min_confidence": 0.95,  # a non-word repair this sure teaches the profile
    "profile_min_count": 4,  # repairs a slip needs in one document to be part of its profile
    "profile_full_count": 8,  # ... and from this many the real-word penalty is waived along it in full
    # a capitalised form no list knows with a known twin along one of the document's slips is
    # read as that twin at the odds the document's own forms give the slip (name_slip_odds)
    "profile_names": True,
    "rare_twin_max_prob": 3e-6,  # a known form rarer than this in the general list (wae) ...
    "rare_twin_min_prob": 3e-4,  # ... may be a misread very common word one edit away (was)
    "two_slips": True,  # a lowercase form no list knows may be a common word two slips away (grouiid)
    "two_slip_threshold": 0.9,  # ... a repair read so needs this posterior (and a word pair attesting it)
    # ... or a word several cheap confusions away (npoh: upon, niotlier: mother), judged
    # as a two-slip reading is (cleaners/words/scoring.py's deep_slip_candidates)
    "deep_slips": True,
    "deep_slips_threshold": 0.99,  # posterior a deep reading needs (and a word pair attesting it) ...
    "deep_slips_max_channel": 3.5,  # total channel cost of the slips undone at most
    "deep_slips_generic": 0,  # arbitrary slips (a letter lost, extra or misread) allowed among them ...
    "deep_slips_generic_min_len": 7,  # ... in a form at least this long (shorter: confusions only)
    # ... applied without a word pair attesting it at this posterior (the sole word reading); > 1: never
    "deep_slips_unattested_threshold": 0.999,
    # ... and a common word two arbitrary edits away (previoros: previous), looked for last
    "distant": True,
    "distant_threshold": 0.9,  # posterior a distant reading needs (and a word pair with a neighbour attesting it)
    "distant_attested_threshold": 0.8,  # ... when each neighbour the token has attests it
    "distant_margin": 1.0,  # log10 score by which it must beat every other word's reading
    "distant_max_channel": 6.0,  # channel cost of a distant reading at most (two arbitrary edits)
    "distant_shape_penalty": 1.0,  # log10 off the form as is per letter trigram no common word has (2 at most)
    # a capitalised one-off form no list knows may be a damaged copy of a name the corpus
    # writes at least this many times, two slips away (Ostmva: Ostrava); 0 switches it off.
    # Applied at two_slip_threshold (the copy evidence attests it), flagged below
    "name_two_slips_min_count": 8,
    # ... and whose count times the corpus's damage rate predicts at least this many damaged
    # copies per occurrence of the form (two slips are weaker evidence than one: Svetlov,
    # a poet named once, is no copy of Sverdlov, written 32 times in a lightly damaged corpus)
    "name_two_slips_min_copies": 1.0,
    "short_word_min_prob": 1e-4,  # a short word an unknown token may be with a letter too many (himn)
    "generic_max_logp": -6.0,  # forms rarer than this in the general list get one-edit candidates
    "learned_damage_min": 0.1,  # local damage from which the corpus's full confusion profile applies
    "base_error_rate": 0.002,  # prior that a token is misread, before local damage
    "damage_window": 10,  # tokens each side used to measure local damage
    "damage_weight": 1.0,  # prior of a misread grows by this times the local share of suspicious tokens
    "corpus_damage_weight": 0.5,  # ... and by this times the corpus-wide share of unknown words
    "suspect_prob": 1e-6,  # general-list probability below which a token is suspicious
    "oov_logp": -9.0,  # log10 probability of an unknown lowercase form
    "name_logp": -8.0,  # ... of an unknown capitalised form (a name?)
    # a capitalised unknown form one reading away from a name the corpus writes many times
    # is probably a damaged copy of it (Whiteshapel, Whitechapel): its as-is log10
    # probability falls by copy_weight * log10(x), x = the damaged copies of the name the
    # corpus's damage rate predicts, per occurrence of the form, over copy_min_expected
    "copy_weight": 3.0,
    "copy_min_expected": 0.1,
    # ... and, where copies are predicted, by this much more per letter beyond 7 (long names
    # have few real neighbours one slip away: Hammuersmith, Hammersmith)
    "copy_length_weight": 0.5,
    # a capitalised unknown form may be a common word with its first letter misread as a
    # capital (the mill Euring their -> during): after a lowercase word inside a sentence,
    # its one-edit readings to words this common (not names of the corpus) are kept, in lowercase
    "lowercase_twin_min_prob": 1e-4,
    # a short ALL-CAPS form (an acronym, otherwise never touched) no list knows may be a
    # damaged copy of an acronym the corpus writes at least this many times, one cheap
    # slip away (BSPCA: RSPCA), when the copy evidence holds; 0 switches it off
    "acronym_copy_min_count": 8,
    # a lowercase known word that is, with a ligature the corpus drops by habit put back
    # (ligature_drops), a word at least ligature_realword_ratio times as common (re: fire, ve:
    # five) is read in context everywhere, at the real-word bar (realword_threshold, a word pair
    # attesting the reading); off with False
    "ligature_realwords": True,
    "ligature_realword_ratio": 0.5,
    # protection
    "foreign_languages": ["fr", "de", "es", "it", "pt", "nl"],  # phrases in these are left alone
    "protected_words": [],
    "protected_patterns": [],
    "protected_words_file": None,
    # language resources
    "unigrams": LEXICON_DEFAULTS["unigrams"],
    "bigrams": "symspell",
    # corpus lexicon: every option of cleaners/words/lexicon.py, so each can be set in the
    # words stage's config (trust_min_count, slip_untrust, name_copies_untrust, ...)
    **LEXICON_DEFAULTS,
}

# a word (as WORD_RE reads it) that starts with a capital: the candidates for a document's
# names (:func:`name_slips`), found without reading every word (the capital first, the
# look back after it: the scan then jumps from capital to capital)
CAPITALISED_WORD_RE = re.compile(r"[^\W\d_a-z](?<![^\W_](?s:.))(?<![^\W_]['’](?s:.))[^\W_]*(?:['’][^\W_]+)*")
# the same for a text of the Basic Multilingual Plane (``bmp_only``), its classes listed (2.5x faster)
_BMP_CAPITALS = bmp_class(lambda c: c.isalnum() and not c.isdecimal() and not "a" <= c <= "z")
# (its repeats possessive: an apostrophe is no word character, so backtracking never makes a match)
BMP_CAPITALISED_WORD_RE = re.compile(f"[{_BMP_CAPITALS}](?<![{BMP_WORD_CHARS}](?s:.))(?<![{BMP_WORD_CHARS}]['’](?s:.))"
                                     f"[{BMP_WORD_CHARS}]*+(?:['’][{BMP_WORD_CHARS}]++)*+")
SENTENCE_END_RE = re.compile(r"[.!?:;\"“”]\s*$")
#: a word broken at a line end that was lost, its hyphen kept (con- stable) or read as a
#: full stop (pri. soner): lines with one (or LONE_PAIR_RE) are examined even without a
#: suspicious form
BREAK_HYPHEN_RE = re.compile(r"[^\W\d_]- [^\W\d_]")
PERIOD_BREAK_RE = re.compile(r"\. (?=[a-z])")
#: a full stop or comma between two words with no space: a space misread or lost (up.to,
#: Tommy,this); ``[.,](?=[a-z]{2})`` as two patterns, one a mark (a literal first is found
#: by a fast scan, a class of two is tried at every position)
_STRAY_MARK_PARTS = (re.compile(r"\.(?=[a-z]{2})"), re.compile(r",(?=[a-z]{2})"))
#: two lone letters, neither a word of its own (i n)
LONE_PAIR_RE = re.compile(r" [b-zB-HJ-Z] [b-zB-HJ-Z](?=[ ,.;:!?]|$)")
# its letters: each letter of a match is a whole word, so a line whose words hold none of
# them has no match (a test on the words at C speed, where the pattern stops at every blank)
_LONE_PAIR_LETTERS = frozenset("bcdefghijklmnopqrstuvwxyzBCDEFGHJKLMNOPQRSTUVWXYZ")
#: words that make no compound with a hyphen after them and end no clause: a hyphen after
#: one of them, before another word, is a misread space (``the-end``, ``with-his``). Not the
#: prepositions and particles that make compounds (``to-day``, ``a-going``, ``by-law``,
#: ``in-law``, ``so-called``), nor a word a clause may end with before a dash (``them-and``,
#: ``it was-viz.``), nor ``an``, a prefix too (``an-archic``); and never the word after the
#: hyphen (``murdered-the``: mostly a dash)
DASH_SPACE_WORDS = frozenset("the its their our your my of with from and which".split())
_DASH_SPACE_ALTERNATIVES = "|".join(sorted(DASH_SPACE_WORDS, key=lambda w: (-len(w), w)))
DASH_SPACE_RE = re.compile(f"(?i)(?<![\\w'’-])(?:{_DASH_SPACE_ALTERNATIVES})-[^\\W\\d_]")
_DASH_SPACE_LITERALS = tuple(w + "-" for w in sorted(DASH_SPACE_WORDS))
_DASH_SPACE_MAX_LEN = max(map(len, DASH_SPACE_WORDS))


def _may_have_dash_space(line: str) -> bool:
    """A literal screen before :data:`DASH_SPACE_RE` (whose case-blind alternation is tried
    at every position): whether ``line`` holds one of :data:`DASH_SPACE_WORDS` followed by
    a hyphen at all.

    >>> _may_have_dash_space("The-end came"), _may_have_dash_space("a well-known man")
    (True, False)
    """
    # (at least what the pattern's case-blind match takes: long s, Kelvin sign, dotless
    # and dotted capital I; a wider screen only costs a regex search). A match is one
    # character per letter of its word, right before a hyphen: only the five characters
    # before each hyphen are folded (a paragraph holds few hyphens)
    p = line.find("-")
    while p != -1:
        low = line[max(0, p - _DASH_SPACE_MAX_LEN):p + 1].casefold().replace("ı", "i").replace("\u0307", "")
        if any(w in low for w in _DASH_SPACE_LITERALS):
            return True
        p = line.find("-", p + 1)
    return False


def _options(options: dict | None) -> dict[str, Any]:
    out = dict(DEFAULTS)
    if options:
        out.update(options)
    return out


@lru_cache(maxsize=16)
def _protected_words(words: tuple[str, ...], path: str | None) -> frozenset[str]:
    out = {normalise_key(w) for w in words}
    if path:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.add(normalise_key(line))
    return frozenset(out)


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


_LM_CACHE: dict[tuple, LanguageModel] = {}


def language_model(lexicon: CorpusLexicon, opts: dict[str, Any]) -> LanguageModel:
    """One LanguageModel per (lexicon, resources) in this process (its caches are shared)."""
    key = (lexicon.digest, opts["unigrams"], opts["bigrams"], opts["oov_logp"], opts["name_logp"],
           opts["max_channel_cost"], opts["realword_min_prob"], opts["realword_length_changes"],
           opts["rare_twin_max_prob"], opts["rare_twin_min_prob"])
    lm = _LM_CACHE.get(key)
    if lm is None:
        if len(_LM_CACHE) > 8:
            _LM_CACHE.clear()
        lm = LanguageModel(lexicon, unigrams=opts["unigrams"], bigrams=opts["bigrams"],
                           oov_logp=opts["oov_logp"], name_logp=opts["name_logp"])
        _LM_CACHE[key] = lm
    return lm


def warm_up(lexicon: CorpusLexicon | None = None, options: dict | None = None) -> LanguageModel:
    """Load every process-wide resource now (word lists, bigrams, skeleton and delete indexes)."""
    from cleaners.words.lexicon import empty_lexicon

    opts = _options(options)
    lm = language_model(lexicon if lexicon is not None else empty_lexicon(), opts)
    lm.one_edit("warm")
    lm.common_twins("warm", opts["realword_min_prob"])
    if opts["foreign_languages"]:
        _foreign_words(tuple(opts["foreign_languages"]))
    if opts["deep_slips"]:  # (the word-prefix table)
        deep_slip_candidates(lm, "warmup", "warmup")
    if opts["distant"]:  # (cleaners/words/distant.py's tables)
        distant_candidates(lm, "warmup", "warmup")
        shape_penalty("warm", opts["unigrams"], per_trigram=1.0)
    if opts["realword"] and opts["realword_length_changes"]:
        slip_index(opts["unigrams"], lm._candidate_min_prob, opts["realword_min_prob"] / 2)
    if opts["realword"]:  # the per-form screen's twin tables (_classify_form, _has_learned_twin)
        for min_prob in (opts["realword_min_prob"], opts["learned_twin_min_prob"]):
            lm.has_common_twin("warm", "warm", ratio=1.0, min_prob=min_prob,
                               length_changes=opts["realword_length_changes"])
    if opts["realword"] and opts["rare_twin_max_prob"]:
        _common_delete_index(opts["unigrams"], opts["rare_twin_min_prob"])
    # the lexicon's process-wide tables for its glyph habits and recurring slips (not per corpus)
    from cleaners.words.lexicon import _ligature_gaps, _replacement_index

    if opts["slip_untrust"]:
        _ligature_gaps(opts["unigrams"], opts["slip_twin_min_prob"])
    if opts["learn_confusions"]:
        _replacement_index(opts["unigrams"], opts["slip_twin_min_prob"])
    return lm


MAX_REPAIR_LEN = 64  # longer "words" are blobs (a run of one letter, a pasted hash), not misread words


def _skippable(w: str, key: str, protected: frozenset[str], digit_letters: bool = True) -> bool:
    """Word forms no repair touches whatever their context (short ALL-CAPS forms are acronyms;
    forms longer than ``MAX_REPAIR_LEN``, whose candidate search grows with the square of
    the length, are not words)."""
    if key in protected or len(w) < 2 or len(w) > MAX_REPAIR_LEN:
        return True
    if is_roman(w):
        return True
    if not w.isalpha() and digit_policy(w, digit_letters=digit_letters) == "number":
        return True
    return len(w) < 6 and w.isupper()


def _short_capitals(w: str, key: str, protected: frozenset[str]) -> bool:
    """A short ALL-CAPS form ``_skippable`` leaves alone as an acronym, long enough to be
    a word in capitals or a damaged copy of an acronym (``TBIAL``, ``BSPCA``)."""
    return (ACRONYM_MIN_LEN <= len(w) <= ACRONYM_MAX_LEN and w.isalpha() and w.isupper()
            and key not in protected and not is_roman(w))


def _in_capitals(words: list[str], i: int) -> bool:
    """Whether word ``i`` of a line stands in a run of ALL-CAPS words (a heading in
    capitals, ``SHOCKING TBIAL AT LEEDS``): its neighbours up to two words away are all in
    capitals (or mostly, with damage: :func:`_capitals_with_damage`), one at least three
    letters long and all in capitals. There a capital says nothing of a name, nor
    a short form of an acronym."""
    near = [words[j] for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < len(words)]
    return (bool(near) and all(w.isupper() or _capitals_with_damage(w) for w in near)
            and any(len(w) >= 3 and w.isalpha() and w.isupper() for w in near))


CAPITALS_MIN_SHARE = 0.6  # of a form's letters in capitals for it to be a word in capitals with damage


def _capitals_with_damage(w: str) -> bool:
    """Whether a mixed-case form is mostly capitals, three at least (``CONDUCr``,
    ``YOrUNG``): in a heading in capitals, a word in capitals with a few letters
    misread in lowercase.

    >>> [_capitals_with_damage(w) for w in ("CONDUCr", "cUTHBeERT", "McCall", "RTsKhIDNI", "RIo")]
    [True, True, False, True, False]
    """
    upper = sum(c.isupper() for c in w)
    return upper >= 3 and upper >= CAPITALS_MIN_SHARE * sum(c.isalpha() for c in w)


def _hyphen_fragment(line: str, t: Token) -> bool:
    """Half of a word broken by a hyphen and a space or line end (``biog- raphy``)."""
    after = line[t.end:t.end + 2]
    if after[:1] == "-" and (len(after) == 1 or after[1].isspace()):
        return True
    before = line[max(0, t.start - 3):t.start]
    return len(before) == 3 and before[1:] == "- " and before[0].isalpha()


def _hyphen_break_bounds(line: str) -> tuple[set[int], set[int]]:
    """Where :func:`_hyphen_fragment` holds, from the line's few hyphens: token ends
    just before a breaking hyphen, token starts just after ``<letter>- ``.

    >>> _hyphen_break_bounds("biog- raphy, well-known, end-")
    ({4, 28}, {6})
    """
    ends: set[int] = set()
    starts: set[int] = set()
    n = len(line)
    p = line.find("-")
    while p != -1:
        if p + 1 == n or line[p + 1].isspace():
            ends.add(p)
        if p >= 1 and line[p + 1:p + 2] == " " and line[p - 1].isalpha():
            starts.add(p + 2)
        p = line.find("-", p + 1)
    return ends, starts


_OPEN_QUOTE_CHARS = "“‘«\"'„"
_OPEN_QUOTES = frozenset(_OPEN_QUOTE_CHARS)
_UNSEEN = object()  # a token whose probability is yet to be looked up
_CLOSE_QUOTES = frozenset("”’»\"'“")


def _quoted_copy(lm: LanguageModel, t: Token, opts: dict) -> bool:
    """Whether a quoted capitalised form no list knows is a damaged copy of a name the
    corpus writes far more often (``“Eiverpool”`` in a book that writes Liverpool throughout:
    :func:`_copies_a_name`): quotation marks make a term deliberate, not its misprint, so
    it is read like the unquoted form, as one of the corpus's names only."""
    return (case_pattern(t.text) == "title" and lm.logp(t.key) is None and not lm.lex.trusted(t.key)
            and _copies_a_name(lm, t.text, t.key, opts))


def _quoted_term(line: str, t: Token) -> bool:
    """A single word in quotation marks (“practico”) is a deliberate term: left alone."""
    if t.start == 0 or line[t.start - 1] not in _OPEN_QUOTES:
        return False
    after = line[t.end:t.end + 2]
    return bool(after) and (after[0] in _CLOSE_QUOTES or (after[0] in ",.;:!?" and after[1:2] in _CLOSE_QUOTES))


@lru_cache(maxsize=8)
def _foreign_lists(languages: tuple[str, ...]) -> tuple[tuple[str, dict[str, float]], ...]:
    # (memory) only the words _foreign_lang can accept, read past wordfreq's own caches
    from cleaners.frequencies import wordfreq_dict

    return tuple((lang, wordfreq_dict(lang, "small", FOREIGN_MIN_PROB)) for lang in languages)


FOREIGN_MIN_PROB = 1e-5  # a word this common in another language...
FOREIGN_MARGIN = 10.0  # ... and this much more common there than in English


@lru_cache(maxsize=100_000)
def _foreign_lang(key: str, english_logp: float | None, languages: tuple[str, ...]) -> str | None:
    """The other language ``key`` is typical of, if any."""
    en = 10 ** english_logp if english_logp is not None else 0.0
    for lang, probs in _foreign_lists(languages):
        p = probs.get(key, 0.0)
        if p >= FOREIGN_MIN_PROB and p >= FOREIGN_MARGIN * en:
            return lang
    return None


@lru_cache(maxsize=8)
def _foreign_words(languages: tuple[str, ...]) -> frozenset[str]:
    """Every word :func:`_foreign_lang` can return a language for (common in one of them)."""
    return frozenset(w for _, probs in _foreign_lists(languages) for w, p in probs.items()
                     if p >= FOREIGN_MIN_PROB)


def _mark_foreign(tokens, logps, suspicious, confusable, skip, languages, marked: list[int]) -> None:
    """Leave alone runs of two or more words typical of one other language.

    ``marked``: the indices of the suspicious or confusable tokens."""
    n = len(tokens)
    foreign = _foreign_words(languages)
    # only the tokens at or next to a suspicious or confusable one are looked up
    looked: set[int] = set()
    for i in marked:
        looked.update((i - 1, i, i + 1))
    langs: dict[int, str] = {}
    keys = tokens.keys  # (the lookup forms, without making a Token per word looked at)
    listed = [i for i in sorted(looked) if 0 <= i < n and keys[i] in foreign]
    # a token is left alone only beside another of its language: one with no listed
    # neighbour needs no language (most: a lone common word, ``in``, ``die``)
    beside = set(listed)
    for i in listed:
        if i - 1 in beside or i + 1 in beside:
            lang = _foreign_lang(keys[i], logps[i], languages)
            if lang is not None:
                langs[i] = lang
    for i, lang in langs.items():
        if langs.get(i - 1) == lang or langs.get(i + 1) == lang:
            suspicious[i] = confusable[i] = False
            skip[i] = True


_SENTENCE_END_MARKS = frozenset(".!?:;\"“”")


def _ends_sentence(stripped: str) -> bool:
    """``bool(SENTENCE_END_RE.search(stripped))`` for a line with no blank at either end
    (tested equal): its last character decides, with no scan of the line.

    >>> _ends_sentence("He left."), _ends_sentence("He left"), _ends_sentence("")
    (True, False, False)
    """
    return bool(stripped) and stripped[-1] in _SENTENCE_END_MARKS


def _join_hint(line: str, words: list[str] | None = None) -> bool:
    """Whether ``line`` may hold a word broken at a lost line end (``con- stable``,
    ``pri. soner``) or in two lone letters (``i n``), to be examined even without a suspicious form (literal tests first:
    the line is scanned for nothing else). ``words``: the line's words, if found already (the
    lone-letter patterns are then searched for only in a line that holds a lone letter)."""
    return bool(("- " in line and BREAK_HYPHEN_RE.search(line)) or PERIOD_BREAK_RE.search(line)
                or ((words is None or not _LONE_PAIR_LETTERS.isdisjoint(words)) and LONE_PAIR_RE.search(line))
                or (_may_have_dash_space(line) and DASH_SPACE_RE.search(line))
                or "~" in line  # (a speck: SPECKS)
                or ((words is None or not SPECK_LETTERS.isdisjoint(words))
                    and SPECK_RE.search(line))  # (a lone letter: _judge_speck; its letter is a word)
                or ("-" in line and _has_capitalised_compound(line))  # (_judge_compound)
                or (" l " in line and SPLIT_NUMBER_RE.search(line)))  # (_judge_split_number)


def _has_capitalised_compound(line: str) -> bool:
    """Whether two capitalised words are joined by a hyphen in ``line`` (``Anglo-Saxou``: a part
    may be a damaged copy that is itself a known word, in a line with nothing else to look at).

    >>> _has_capitalised_compound("the Anglo-Saxon king"), _has_capitalised_compound("a well-Known man")
    (True, False)
    """
    for p in _char_positions(line, "-"):
        if p and line[p - 1].isalpha() and line[p + 1:p + 2].isupper():
            q = p - 1
            while q > 0 and line[q - 1].isalpha():
                q -= 1
            if line[q].isupper():
                return True
    return False


def _join_sites(line: str, tokens: LineTokens, suspicious_at: list[int], fragments: list[int]) -> list[int]:
    """Indices ``i`` where tokens ``i`` and ``i + 1`` may be one word split in two: next to a
    suspicious token (``suspicious_at``), after a hyphen fragment (``fragments``), around
    a stray glyph (``T!ie``) or a full stop before a lowercase word (``pri. soner``), in order."""
    n = len(tokens)
    sites = set()
    for i in suspicious_at:
        sites.update((i - 1, i))
    sites.update(fragments)
    starts, ends = tokens.starts, tokens.ends
    if " " in line and not _LONE_PAIR_LETTERS.isdisjoint(tokens.words):  # (its letters are words)
        for m in LONE_PAIR_RE.finditer(line):
            i = bisect.bisect_left(starts, m.start() + 1)
            if i + 1 < n and starts[i] == m.start() + 1:
                sites.add(i)
    if ". " in line:
        for m in PERIOD_BREAK_RE.finditer(line):
            p = m.start()  # a full stop right after token i, token i + 1 after one space
            i = bisect.bisect_left(ends, p)
            if i + 1 < n and ends[i] == p and starts[i + 1] == p + 2:
                sites.add(i)
    for part in _STRAY_MARK_PARTS:  # (the order of the sites is made below)
        for m in part.finditer(line):
            p = m.start()  # a mark right after token i and right before token i + 1
            i = bisect.bisect_left(ends, p)
            if i + 1 < n and ends[i] == p and starts[i + 1] == p + 1:
                sites.add(i)
    for p in _char_positions(line, _GLYPH_CHARS):
        # a glyph right after token i and right before token i + 1
        i = bisect.bisect_left(ends, p)
        if i + 1 < n and ends[i] == p and starts[i + 1] == p + 1:
            sites.add(i)
    if " l " in line:
        for m in SPLIT_NUMBER_RE.finditer(line):  # (a number split after a misread digit: _judge_split_number)
            i = bisect.bisect_left(starts, m.start())
            if i + 1 < n and starts[i] == m.start():
                sites.add(i)
    if "-" in line:
        # two capitalised words joined by a hyphen (a compound: _judge_compound)
        for p in _char_positions(line, "-"):
            i = bisect.bisect_left(ends, p)
            if (i + 1 < n and ends[i] == p and starts[i + 1] == p + 1 and line[starts[i]].isupper()
                    and line[p + 1].isupper()):
                sites.add(i)
    return sorted(i for i in sites if 0 <= i < n - 1)


def _char_positions(line: str, chars: str) -> list[int]:
    """Where any of ``chars`` occurs in ``line`` (by character, then position): what a
    one-class regex finds, by ``str.find`` (a class is tried at every position of a paragraph).

    >>> _char_positions("a(b)c(", "()")
    [1, 5, 3]
    """
    out = []
    for ch in chars:
        p = line.find(ch)
        while p != -1:
            out.append(p)
            p = line.find(ch, p + 1)
    return out


def _special_tokens(line: str, tokens: LineTokens, forms: list[int], spans, after_hyphen: bool) -> list[int]:
    """In order, the tokens some rule may apply to: forms that are not ordinary known words,
    and tokens at a hyphen break, after an opening quote or overlapping a protected span.
    Every other token is an ordinary known word to be read as is."""
    n = len(tokens)
    starts, ends = tokens.starts, tokens.ends
    out = set(compress(range(n), map(ne, forms, repeat(KNOWN))))  # (i for which forms[i] != KNOWN, at C speed)
    if after_hyphen and n:
        out.add(0)
    positions: list[tuple[list[int], int]] = []
    if "-" in line:
        frag_ends, frag_starts = _hyphen_break_bounds(line)
        positions += [(ends, p) for p in frag_ends] + [(starts, p) for p in frag_starts]
    positions += [(starts, p + 1) for p in _char_positions(line, _OPEN_QUOTE_CHARS)]  # (after each quote)
    for bounds, p in positions:
        i = bisect.bisect_left(bounds, p)
        if i < n and bounds[i] == p:
            out.add(i)
    for a, b in spans:  # the tokens ending after a and starting before b
        out.update(range(bisect.bisect_right(ends, a), bisect.bisect_left(starts, b)))
    return sorted(out)


class _Overlay:
    """A sequence read through to ``base`` except where items were set."""

    __slots__ = ("base", "changed")

    def __init__(self, base):
        self.base = base
        self.changed: dict[int, str] = {}

    def __getitem__(self, i: int) -> str:
        changed = self.changed
        return changed[i] if i in changed else self.base[i]

    def __setitem__(self, i: int, value: str) -> None:
        self.changed[i] = value


def _sentence_start(text: str, tokens: list[Token], i: int, first: bool = True) -> bool:
    if i == 0:
        return first
    before = text[tokens[i - 1].end:tokens[i].start]
    return "\n" in before or bool(SENTENCE_END_RE.search(before))


class _LazyLogps:
    """``logps[i]``: log10 probability of token ``i``'s form, None if unknown everywhere or
    if the token is skipped; looked up on first use (most tokens of a line never need it)."""

    __slots__ = ("lm", "keys", "values")

    def __init__(self, lm: LanguageModel, keys: list[str]):
        self.lm = lm
        self.keys = keys
        self.values: list = [_UNSEEN] * len(keys)  # None for skipped tokens

    def __getitem__(self, i: int) -> float | None:
        v = self.values[i]
        if v is _UNSEEN:
            v = self.values[i] = self.lm.logp(self.keys[i])
        return v


class _Decision:
    __slots__ = ("index", "readings", "apply", "kind", "density", "end_index", "span")

    def __init__(self, index: int, readings: list[Reading], apply: bool, kind: str, density: float,
                 end_index: int | None = None, span: tuple[int, int] | None = None):
        self.end_index = end_index
        self.span = span  # (start, end) in the line when the change covers more than the tokens
        self.index = index
        self.readings = readings
        self.apply = apply
        self.kind = kind
        self.density = density


def repair_text(text: str, *, lexicon: CorpusLexicon | None = None, options: dict | None = None,
                profile: DocumentProfile | None = None) -> tuple[str, list[Edit], list[Flag]]:
    """Repair ``text``; return ``(new_text, edits, flags)``.

    ``profile``: the misreading profile of the document ``text`` comes from (a line
    repaired on its own cannot teach one; see :func:`document_profile`).

    >>> repair_text("It turned out lhey had been there.")[0]
    'It turned out they had been there.'
    """
    result = repair(text, lexicon=lexicon, options=options, profile=profile)
    return apply_edits(text, result.edits), result.edits, result.flags


def repair(text: str, *, lexicon: CorpusLexicon | None = None, options: dict | None = None,
           profile: DocumentProfile | None = None) -> StageResult:
    """The stage's work on one text, as a StageResult.

    Damage is rare, so the text is screened line by line (a line is a
    paragraph after the layout stages): only lines holding a suspicious word
    form are examined, and a form is classified once per process. A line a
    round changed is judged again on its repaired text until it settles
    (``settle_rounds``: :func:`_judge_line`), so the stage run on its own output
    changes nothing. Then the document's own misreading profile (learned from
    this first pass unless ``profile`` is given) gets the lines with real-word
    twins along its slips judged again, settled the same way (:func:`_profile_pass`).
    """
    opts = _options(options)
    if lexicon is None:
        lexicon = build_corpus_lexicon([("text", text)], options=opts)
    lm = language_model(lexicon, opts)
    protected = _protected_words(tuple(opts["protected_words"]), opts["protected_words_file"])
    patterns = _compiled(tuple(opts["protected_patterns"]))
    verdicts = _form_cache(lm, protected, opts)
    edits: list[Edit] = []
    flags: list[Flag] = []
    stats = {"tokens": 0, "lines_examined": 0, "suspicious": 0}
    split = word_splitter(text)  # (the words with the gaps between them: LineTokens' offsets)
    pos = 0
    prev = ""  # the previous line, stripped (a raw hard-wrapped text continues across lines)
    prevs: list[str] = []  # ``prev`` at each line (the profile pass reads lines again)
    lookup = verdicts.get
    for line in text.split("\n"):
        prevs.append(prev)
        parts = split(line)
        words = parts[1::2]
        stats["tokens"] += len(words)
        forms = list(map(lookup, words))
        if None in forms:
            _classify_missing(words, forms, verdicts, lm, protected, opts)
        if _worth_examining(lm, line, words, forms, opts):
            stats["lines_examined"] += 1
            _judge_line(text, pos, line, lm, opts, patterns, protected, verdicts, words, forms, edits, flags, stats,
                        after_hyphen=prev.endswith("-") and prev[-2:-1].isalpha(),
                        starts_sentence=not prev or _ends_sentence(prev), parts=parts)
        stripped = line.strip()
        if stripped or not prev.endswith("-"):
            prev = stripped
        pos += len(line) + 1
    meta = {}
    if opts["realword"] and opts["document_profile"]:
        profile = _profile_pass(text, prevs, lm, opts, patterns, protected, verdicts, profile, edits, flags, stats)
        if profile:
            meta["words_profile"] = profile.to_json()
    stats["repaired"] = len(edits)
    stats["flagged"] = len(flags)
    return StageResult(edits=edits, flags=flags, stats=stats, meta=meta)


def _worth_examining(lm: LanguageModel, line: str, words: list[str], forms: list[int], opts: dict) -> bool:
    """Whether a line is examined at all: it holds a suspicious form (a line whose highest
    verdict is CHEAP_TWIN only where one reads worse than its twin) or may hold a broken
    word (:func:`_join_hint`)."""
    return bool(forms) and ((top := max(forms)) >= SUSPICIOUS or _join_hint(line, words)) \
        and (top != CHEAP_TWIN or _worth_a_look(lm, words, forms, opts) or _join_hint(line, words))


_SPAN = attrgetter("start", "end")


def _judge_line(text: str, base: int, line: str, lm: LanguageModel, opts: dict, patterns,
                protected: frozenset[str], verdicts: dict[str, int], words: list[str], forms: list[int],
                edits: list[Edit], flags: list[Flag], stats: dict, *, after_hyphen: bool = False,
                starts_sentence: bool = True, profile: DocumentProfile | None = None,
                parts: list[str] | None = None) -> None:
    """:func:`_repair_line` (same arguments), then the line settled: while a round changed
    it, it is judged again on its repaired text, at most ``settle_rounds`` more times. A
    repair often needs another one first (``bytho`` -> ``by tho`` -> ``by the``: the word
    whose context tells ``tho`` from ``the`` only exists after the split; a flagged word
    reads better once its neighbours are repaired), and a stage run on its own output must
    change nothing. A later round judges
    the whole line (its damage density and real-word looks are those of the repaired text,
    as a second run would see them), and only a line that the screen would examine
    (:func:`_worth_examining`).

    The rounds' edits are composed into edits on ``text`` (:func:`_compose_rounds`). A later
    round's flags are placed on ``text`` (:func:`_flags_back`) where no earlier flag stands,
    and an earlier round's flag stands unless a later round changed its stretch: the first
    round judged it with the line's damage in view, which repairing the line hides from
    later rounds (a doubtful reading there is still worth a reviewer's look).
    """
    e0, f0 = len(edits), len(flags)
    _repair_line(text, base, line, lm, opts, patterns, words, forms, edits, flags, stats,
                 after_hyphen=after_hyphen, starts_sentence=starts_sentence, profile=profile, parts=parts)
    if not opts["settle_rounds"] or len(edits) == e0:
        return
    # (in the line's coordinates from here on)
    done = sorted((replace(e, start=e.start - base, end=e.end - base) for e in edits[e0:]), key=_SPAN)
    cur = apply_edits(line, done)
    scratch = {"tokens": 0, "lines_examined": 0, "suspicious": 0}
    changed = False
    kept = sorted((replace(f, start=f.start - base, end=f.end - base) for f in flags[f0:]), key=_SPAN)
    for k in range(2, opts["settle_rounds"] + 2):
        words = WORD_RE.findall(cur)
        forms = list(map(verdicts.get, words))
        if None in forms:
            _classify_missing(words, forms, verdicts, lm, protected, opts)
        new_edits: list[Edit] = []
        new_flags: list[Flag] = []
        if _worth_examining(lm, cur, words, forms, opts):
            _repair_line(cur, 0, cur, lm, opts, patterns, words, forms, new_edits, new_flags, scratch,
                         after_hyphen=after_hyphen, starts_sentence=starts_sentence, profile=profile)
        new_edits = check_edits(cur, new_edits)
        placed = _flags_back(done, new_flags, new_edits)
        fresh: list[Edit] = []
        if new_edits:
            stats["settled_edits"] = stats.get("settled_edits", 0) + len(new_edits)
            before = set(map(id, done))
            done = _compose_rounds(line, cur, done, new_edits, k)
            fresh = [e for e in done if id(e) not in before]
            cur = apply_edits(cur, new_edits)
            changed = True
        # an earlier round's flag stands unless this round changed its stretch; this round's
        # flags add the stretches no flag holds yet
        kept = _clear_of(kept, fresh)
        kept = sorted(kept + _clear_of(placed, kept), key=_SPAN)
        if not new_edits:
            break
    stats["settle_rounds"] = stats.get("settle_rounds", 0) + k - 1
    if changed:
        edits[e0:] = [replace(e, start=e.start + base, end=e.end + base) for e in done]
    flags[f0:] = [replace(f, start=f.start + base, end=f.end + base) for f in kept]


def _clear_of(flags: list[Flag], spans: list) -> list[Flag]:
    """The ``flags`` that overlap none of ``spans`` (edits or flags on the same text, sorted
    by start; one search each, not a scan).

    >>> t = "ab cd ef"
    >>> [f.text for f in _clear_of([Flag("w", 0, 2, "ab", "?"), Flag("w", 6, 8, "ef", "?")],
    ...                            [Edit.at(t, 1, 4, "x", stage="w", reason="r")])]
    ['ef']
    """
    if not spans:
        return flags
    starts = [x.start for x in spans]
    reach = list(accumulate((x.end for x in spans), max))  # the furthest end of the spans up to each
    out = []
    for f in flags:
        j = bisect.bisect_left(starts, f.end)  # spans starting before the flag's end
        if not (j and reach[j - 1] > f.start):
            out.append(f)
    return out


def _output_spans(done: list[Edit]) -> tuple[list[int], list[int], list[int]]:
    """Where sorted edits' replacements stand in the edited text (starts, ends) and the
    length change of the edits before each (one more entry: all of them)."""
    starts, ends, shifts = [], [], [0]
    shift = 0
    for e in done:
        s = e.start + shift
        starts.append(s)
        ends.append(s + len(e.after))
        shift += len(e.after) - (e.end - e.start)
        shifts.append(shift)
    return starts, ends, shifts


def _round_step(e: Edit, round_no: int, *, with_evidence: bool = True) -> list[dict]:
    """An edit as steps of a merged edit's evidence ``rounds`` (its own steps if it is merged)."""
    if "rounds" in e.evidence:
        return list(e.evidence["rounds"])
    step = {"round": e.evidence.get("round", round_no), "before": e.before, "after": e.after,
            "reason": e.reason, "confidence": round(e.confidence, 4)}
    if with_evidence:
        step["evidence"] = {k: v for k, v in e.evidence.items() if k != "round"}
    return [step]


def _compose_rounds(orig: str, cur: str, done: list[Edit], later: list[Edit], round_no: int) -> list[Edit]:
    """Edits on ``orig`` that make what ``done`` (sorted edits on ``orig``, which give
    ``cur``) and then ``later`` (round ``round_no``'s sorted edits on ``cur``) make.

    A later edit clear of the earlier ones' replacements is moved onto ``orig``, its
    evidence marked with its ``round``; one that touches an earlier replacement is merged
    with it (and with whatever else touches those) into one edit: the steps' reasons in
    order (``ocr non-word repair (split), then ocr real-word repair (confusion)``), the
    last step's evidence with ``confusions`` over the whole change and ``rounds``, every
    step in order (before, after, reason, confidence, and each earlier step's evidence),
    the confidence of the least sure step.

    >>> orig = "tbe nnd tho"
    >>> done = [Edit.at(orig, 0, 3, "the", stage="w", reason="r1"), Edit.at(orig, 4, 7, "and", stage="w", reason="r1")]
    >>> cur = "the and tho"
    >>> later = [Edit.at(cur, 4, 7, "an", stage="w", reason="r2"), Edit.at(cur, 8, 11, "the", stage="w", reason="r2")]
    >>> out = _compose_rounds(orig, cur, done, later, 2)
    >>> [(e.before, e.after, e.reason, [s["after"] for s in e.evidence.get("rounds", [])]) for e in out]
    [('tbe', 'the', 'r1', []), ('nnd', 'an', 'r1, then r2', ['and', 'an']), ('tho', 'the', 'r2', [])]
    >>> apply_edits(orig, out) == apply_edits(cur, later)
    True
    """
    starts, ends, shifts = _output_spans(done)
    groups: list[list] = []  # [later indices, first done index, end of the done indices]
    for j, e in enumerate(later):
        lo = bisect.bisect_left(ends, e.start)  # done replacements touching [e.start, e.end]
        hi = bisect.bisect_right(starts, e.end)
        if lo < hi and groups and groups[-1][1] < groups[-1][2] > lo:
            g = groups[-1]  # (it shares a done edit with the previous group)
            g[0].append(j)
            g[2] = max(g[2], hi)
        else:
            groups.append([[j], lo, max(lo, hi)])
    merged: set[int] = set()
    out: list[Edit] = []
    for js, lo, hi in groups:
        first, last = later[js[0]], later[js[-1]]
        if lo == hi:  # clear of every earlier replacement
            a = first.start - shifts[lo]
            out.append(Edit.at(orig, a, a + first.end - first.start, first.after, stage=first.stage,
                               reason=first.reason, confidence=first.confidence,
                               evidence={**first.evidence, "round": round_no}))
            continue
        merged.update(range(lo, hi))
        s, t = min(starts[lo], first.start), max(ends[hi - 1], last.end)
        a = s - shifts[lo]
        b = a + (t - s) - (shifts[hi] - shifts[lo])
        pieces, pos = [], s
        for j in js:
            e = later[j]
            pieces += [cur[pos:e.start], e.after]
            pos = e.end
        pieces.append(cur[pos:t])
        after = "".join(pieces)
        steps = [st for i in range(lo, hi) for st in _round_step(done[i], 1)]
        for j in js[:-1]:
            steps += _round_step(later[j], round_no)
        steps += _round_step(last, round_no, with_evidence=False)
        confidence = min([done[i].confidence for i in range(lo, hi)] + [later[j].confidence for j in js])
        before = orig[a:b]
        evidence = {**{k: v for k, v in last.evidence.items() if k != "round"},
                    "confusions": [f"{x}>{y}" for x, y in char_ops(before, after)], "rounds": steps}
        reason = ", then ".join(dict.fromkeys(st["reason"] for st in steps))
        out.append(Edit.at(orig, a, b, after, stage=last.stage, reason=reason, confidence=confidence,
                           evidence=evidence))
    out.extend(e for i, e in enumerate(done) if i not in merged)
    return sorted(out, key=_SPAN)


def _flags_back(done: list[Edit], flags: list[Flag], later: list[Edit]) -> list[Flag]:
    """``flags`` on the text ``done`` (sorted edits) made, moved onto the text before them:
    those on text no round changed. A flag on an earlier repair's replacement is dropped
    (the repair is in the edit log with its candidates; a flag's text is the input's), and
    so is one on a stretch ``later`` (that text's sorted edits) changes (its text is gone).

    >>> orig = "tbe hcad"
    >>> done = [Edit.at(orig, 0, 3, "the", stage="w", reason="r")]
    >>> [(f.start, f.end, f.text) for f in _flags_back(done, [Flag("w", 4, 8, "hcad", "?"), Flag("w", 0, 3, "the", "?")], [])]
    [(4, 8, 'hcad')]
    """
    if not done and not later:
        return flags
    starts, ends, shifts = _output_spans(done)
    lstarts = [e.start for e in later]
    out = []
    for f in flags:
        j = bisect.bisect_left(lstarts, f.end)  # later edits starting before the flag's end
        if j and later[j - 1].end > f.start:
            continue
        i = bisect.bisect_left(starts, f.end)  # replacements starting before the flag's end
        if i and ends[i - 1] > f.start:  # (sorted, apart: the last of them is the one that may reach it)
            continue
        out.append(replace(f, start=f.start - shifts[i], end=f.end - shifts[i]))
    return out


SKIP, KNOWN, SUSPICIOUS, CONFUSABLE, NUMBER = 0, 1, 2, 3, 4
LEARNED_TWIN = 5  # a known word with a twin as common along a slip the corpus is known to make
CHEAP_TWIN = 6  # a very common word with a twin as common one very cheap confusion away (he/be)


def _classify_missing(words: list[str], forms: list[int | None], verdicts: dict[str, int],
                      lm: LanguageModel, protected: frozenset[str], opts: dict) -> None:
    """Fill the verdicts of the forms of ``words`` seen for the first time (in place)."""
    # (the places whose verdict is None, picked at C speed: a line holds ~100 tokens, few new)
    new = list(compress(range(len(forms)), map(is_, forms, repeat(None))))
    for wd in dict.fromkeys(map(words.__getitem__, new)):
        verdicts[wd] = _classify_form(wd, lm, protected, opts)
    for i in new:  # (only the new places: the others hold their verdicts already)
        forms[i] = verdicts[words[i]]
    if len(verdicts) > MAX_CACHED_FORMS:  # a bound on memory; verdicts are pure, so
        verdicts.clear()  # forgetting them changes nothing but the time


MAX_CACHED_FORMS = 500_000  # per-form cache entries kept per process (each ~100 bytes)


def _form_cache(lm: LanguageModel, protected: frozenset[str], opts: dict) -> dict[str, int]:
    """Verdicts per word form, kept on the (per-process, per-lexicon) language model."""
    key = (protected, opts["suspect_prob"], opts["realword"], opts["confusable_ratio"],
           opts["realword_min_prob"], opts["numbers"], opts["realword_length_changes"],
           opts["rare_twin_max_prob"], opts["rare_twin_min_prob"],
           opts["learned_twins"], opts["learned_twin_ratio"], opts["learned_twin_min_prob"], opts["cheap_twin_max_cost"],
           opts["inner_capitals"], opts["digit_letters"], opts["digit_glued_min_prob"])
    key += (opts["ligature_drops"], opts["ligature_gap_max_prob"], opts["ligature_gap_ratio"],
            opts["ligature_twin_min_prob"], opts["ligature_realwords"], opts["ligature_realword_ratio"])
    cache = lm.verdict_caches.get(key)
    if cache is None:
        if len(lm.verdict_caches) > 16:
            lm.verdict_caches.clear()
        cache = lm.verdict_caches[key] = {}
    return cache


def _classify_form(word: str, lm: LanguageModel, protected: frozenset[str], opts: dict) -> int:
    """SKIP (never touched), KNOWN (ordinary or trusted), SUSPICIOUS (not a known
    word) or CONFUSABLE (a known word with a much more common confusion twin)."""
    key = normalise_key(word)
    # (misread_number, _glued and _has_common_edit_twin are called only past their own
    # first tests, made here: most forms fail them)
    if opts["numbers"] and not word.isalpha() and key not in protected and misread_number(word) is not None:
        return NUMBER
    if _skippable(word, key, protected, opts["digit_letters"]):
        # an unknown short ALL-CAPS form: a word in a heading in capitals, or a damaged
        # copy of an acronym, or else an acronym (decided in context: _repair_line)
        if (_short_capitals(word, key, protected) and not lm.lex.trusted(key)
                and (lm.logp(key) or -99.0) < math.log10(opts["suspect_prob"])):
            return SUSPICIOUS
        return SKIP
    if word[0] in LETTER_SHAPED_DIGITS and lm.uni.get(key[1:], 0.0) >= opts["digit_glued_min_prob"]:
        return SKIP  # (a number glued to a common word, 8cylinder 2Kings: no letter was lost)
    if opts["inner_capitals"] and _inner_capitals(word) and lm.lex.surfaces.get(key) != word:
        return SUSPICIOUS  # (haVe: capitals after a lowercase first letter are misread letters)
    lp = lm.logp(key)
    if not lm.lex.trusted(key) and (lp is None or lp < math.log10(opts["suspect_prob"])):
        return SUSPICIOUS
    if opts["ligature_drops"] and lm.lex.lost_glyphs and _ligature_gap(lm, word, key, opts) is not None:
        return SUSPICIOUS  # (nd, rm: junk-level forms of the general list, gaps a lost ligature left)
    if opts["realword"] and opts["ligature_drops"] and opts["ligature_realwords"] and lm.lex.lost_glyphs \
            and word.islower() \
            and _ligature_realword_twin(lm, key, opts):
        return CONFUSABLE  # (re: fire; judged in context everywhere, at the real-word bar)
    p = lm.uni.get(key, 0.0)
    if 0.0 < p < GLUED_MAX_PROB and lp is not None and _glued(lm, word, key, lp):
        return SUSPICIOUS
    # (lm.has_common_twin is is_confusable with the form's skeleton made once)
    if opts["realword"] and lm.has_common_twin(word, key, ratio=opts["confusable_ratio"],
                                               min_prob=opts["realword_min_prob"],
                                               length_changes=opts["realword_length_changes"]):
        return CONFUSABLE
    if opts["realword"] and 0.0 < p < opts["rare_twin_max_prob"] and _has_common_edit_twin(lm, word, key, opts):
        return CONFUSABLE
    if opts["realword"] and opts["learned_twins"] and _has_learned_twin(lm, word, key, opts):
        return LEARNED_TWIN
    if opts["realword"] and opts["cheap_twin_max_cost"] and _has_cheap_common_twin(lm, word, key, opts):
        return CHEAP_TWIN
    return KNOWN


def _ligature_gap(lm: LanguageModel, surface: str, key: str, opts: dict) -> tuple[str, str] | None:
    """The common word and the ligature a lowercase form the corpus does not trust is the gap
    of, where the corpus drops ligatures by habit (:func:`~cleaners.words.lexicon.ligature_gap_twin`:
    ``nd`` for ``find``, a form the large general list holds at a junk-level rate)."""
    if not surface.islower() or lm.lex.trusted(key):
        return None
    table = _ligature_table(lm, "gaps", opts)
    out = table.get(key, _UNSEEN)
    if out is _UNSEEN:
        out = table[key] = ligature_gap_twin(key, lm.uni, dropped_ligatures(lm.lex.lost_glyphs),
                                             max_prob=opts["ligature_gap_max_prob"],
                                             ratio=opts["ligature_gap_ratio"],
                                             min_prob=opts["ligature_twin_min_prob"])
    return out


def _ligature_table(lm: LanguageModel, name: str, opts: dict) -> dict:
    """A per-model memo of the ligature judgements (pure, per form) under these options."""
    key = ("ligatures", name, opts["ligature_gap_max_prob"], opts["ligature_gap_ratio"],
           opts["ligature_twin_min_prob"], opts["ligature_realword_ratio"], opts["realword_min_prob"])
    table = lm.lexicon_tables.get(key)
    if table is None or len(table) > MAX_CACHED_FORMS:
        table = lm.lexicon_tables[key] = {}
    return table


def _restored_ligature(lm: LanguageModel, seen: str, meant: str) -> dict | None:
    """Evidence for a repair that puts back a ligature the corpus drops by habit: the
    ligature, its learned channel cost and the corpus's lost glyphs; None for any other repair.

    >>> lm = language_model(replace(empty_lexicon(), lost_glyphs={"fi": 0.3}, digest=""), _options(None))
    >>> _restored_ligature(lm, "rst", "first")
    {'ligature': 'fi', 'learned_cost': 0.3, 'lost_glyphs': {'fi': 0.3}}
    >>> _restored_ligature(lm, "lhe", "the") is None
    True
    """
    lost = lm.lex.lost_glyphs
    gap = len(meant) - len(seen)
    if not dropped_ligatures(lost) or not 2 <= gap <= 3:
        return None
    i = next((i for i, (a, b) in enumerate(zip(seen, meant)) if a != b), len(seen))
    lig = meant[i:i + gap]
    if lig.lower() not in dropped_ligatures(lost) or seen[:i] + lig + seen[i:] != meant:
        return None
    return {"ligature": lig.lower(), "learned_cost": lost.get(lig.lower()), "lost_glyphs": dict(sorted(lost.items()))}


def _has_learned_twin(lm: LanguageModel, surface: str, key: str, opts: dict) -> bool:
    """Whether a lowercase known form has a real-word twin ``learned_twin_ratio`` times as
    common (and a very common word: ``learned_twin_min_prob``), a cheap confusion of the
    channel model that this corpus is also known to make (``be``/``he`` in a corpus whose
    non-word repairs show ``b>h``): such a form is read with its context wherever it stands."""
    if not surface.islower() or not lm.lex.confusions:  # (a capitalised form may be a name)
        return False
    # (the screening tables first: most forms have no very common twin at all)
    if not lm.has_common_twin(surface, key, ratio=opts["learned_twin_ratio"], min_prob=opts["learned_twin_min_prob"],
                              length_changes=opts["realword_length_changes"]):
        return False
    lp = lm.logp(key)
    if lp is None:
        return False
    for r in _realword_readings(lm, surface, key, opts):
        if len(r.keys) != 1 or r.kind != "confusion" or lm.uni.get(r.keys[0], 0.0) < opts["learned_twin_min_prob"]:
            continue  # (very common in general: not one of the corpus's own frequent words)
        lk = lm.logp(r.keys[0])
        if lk is not None and lk >= lp + math.log10(opts["learned_twin_ratio"]) \
                and lm.channel(surface, r.text) < channel_cost(surface, r.text):
            return True
    return False


def _inner_capitals(word: str) -> bool:
    """Whether a form starts with a lowercase letter and has capitals after it (``haVe``,
    ``welL``, ``itS``): no word is spelt so, and in scanned text such capitals are misread
    lowercase letters. Trade marks of the shape ``iPhone``, ``eBay`` (one lowercase
    letter, then a capitalised word) are names.

    >>> [_inner_capitals(w) for w in ("haVe", "itS", "don’T", "aU", "have", "Have", "McCall", "aI1", "eBay")]
    [True, True, True, True, False, False, False, False, False]
    """
    if not word[:1].islower() or word.islower() or not word.replace("’", "").replace("'", "").isalpha():
        return False
    return not (len(word) >= 4 and word[1].isupper() and word[2:].islower())


#: a capital inside a lowercase word that stands for other lowercase letters by its shape
#: (``wiU``: will), beside its own lowercase letter, and the cost of that reading
INNER_CAPITAL_SHAPES: dict[str, tuple[tuple[str, float], ...]] = {
    "U": (("ll", 0.8),), "I": (("l", 0.5),), "J": (("l", 0.8),), "L": (("l", 0.8),)}
INNER_CAPITALS_MAX = 3  # capitals read per form (the readings multiply)


def _with_inner_capitals_lowered(lm: LanguageModel, surface: str, key: str, cands: list[Reading],
                                 opts: dict) -> list[Reading]:
    """``cands`` of a form with inner capitals (:func:`_inner_capitals`) plus the words
    it spells with each capital read as its own lowercase letter (``haVe``: ``have``, at
    ``inner_capital_cost`` each) or as the letters its shape stands for
    (:data:`INNER_CAPITAL_SHAPES`: ``wiU``: ``will``), all spelt in lowercase.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [(r.text, r.channel) for r in _with_inner_capitals_lowered(lm, "wiU", "wiu", [], _options(None))][:1]
    [('will', 0.8)]
    """
    out = {r.keys: r for r in cands}
    caps = [p for p, c in enumerate(surface) if c.isupper()]
    if not caps or len(caps) > INNER_CAPITALS_MAX:
        return sorted(out.values(), key=lambda r: (r.channel, r.text))
    readings = [("", 0.0)]
    last = 0
    for p in caps:
        c = surface[p]
        options = ((c.lower(), opts["inner_capital_cost"]),) + INNER_CAPITAL_SHAPES.get(c, ())
        readings = [(text + surface[last:p].lower() + meant, cost + extra)
                    for text, cost in readings for meant, extra in options]
        last = p + 1
    for text, cost in readings:
        w = normalise_key(text + surface[last:].lower())
        if len(w) < 2 or lm.logp(w) is None:
            continue
        cost = round(cost, 3)
        cur = out.get((w,))
        if cur is None or cost < cur.channel:
            out[(w,)] = Reading(render(w, surface, lm.lex), (w,), cost, "confusion")
    return sorted(out.values(), key=lambda r: (r.channel, r.text))


#: marks that stand for a letter the print lost at a word's edge (``~rotected``, ``^uick``:
#: :data:`~cleaners.words.tokens.JUNK_EDGE_MARKS`), and ``*``, a mark on the other edge
#: of which makes emphasis (``*very*``), not a lost letter
JUNK_EDGE_CHARS = frozenset(JUNK_EDGE_MARKS + "*")


def _junk_edge(line: str, t: Token) -> tuple[str, tuple[int, int]] | None:
    """A junk mark glued to one edge of token ``t`` alone (``~rotected``, ``stea~``): the
    side (``"start"`` or ``"end"``) and the span of the mark and the token in the line.
    A mark on both sides (``*very*``: emphasis) is markup, not a letter.

    >>> t = Token(5, 13, "rotected", "rotected", False)
    >>> _junk_edge("Ill ~rotected it", t), _junk_edge("Ill *rotected* it", t)
    (('start', (4, 13)), None)
    """
    before = line[t.start - 1] if t.start else ""
    after = line[t.end:t.end + 1]
    at_start = before in JUNK_EDGE_CHARS and (t.start == 1 or line[t.start - 2].isspace())
    at_end = after in JUNK_EDGE_CHARS and (t.end + 1 == len(line) or not line[t.end + 1].isalnum())
    if at_start == at_end or not before or (at_end and before in JUNK_EDGE_CHARS):
        return None
    if at_start:
        return "start", (t.start - 1, t.end)
    return "end", (t.start, t.end + 1)


def _junk_letter_readings(lm: LanguageModel, surface: str, key: str, side: str, opts: dict) -> list[Reading]:
    """The spell-checked words a lowercase form spells with one letter where a junk mark
    stands at its ``side`` (``~rotected``: ``protected``; ``~uestion's``: ``question's``), at
    ``junk_letter_cost``; they must be at least ``junk_letter_min_prob`` common.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [r.text for r in _junk_letter_readings(lm, "rotected", "rotected", "start", _options(None))]
    ['protected']
    """
    stem, mark, tail = key.partition("'")
    if not stem.isalpha():
        return []
    ckey = (key, "junk-letter", side)
    out = lm.candidate_cache.get(ckey)
    if out is None:
        curated, out = spell_checked_words(), []
        for w in delete_index(opts["unigrams"], 1e-7).get(stem) or ():
            if len(w) != len(stem) + 1 or (w[1:] if side == "start" else w[:-1]) != stem:
                continue
            if w in curated and lm.uni.get(w, 0.0) >= opts["junk_letter_min_prob"]:
                k = w + mark + tail
                out.append(Reading(render(k, surface, lm.lex), (k,), opts["junk_letter_cost"], "junk-letter"))
        out = lm.candidate_cache[ckey] = sorted(out, key=lambda r: r.text)
    return out


def _lost_letter_readings(lm: LanguageModel, surface: str, key: str, opts: dict) -> list[Reading]:
    """The spell-checked words a typo (:func:`_lost_letter_typo`) is with one letter lost
    (``goverment``: ``government``), as generic edits."""
    curated = spell_checked_words()
    bar = max(opts["lost_letter_min_prob"], lm.uni.get(key, 0.0) * opts["lost_letter_ratio"])
    out = []
    for w in delete_index(opts["unigrams"], 1e-7).get(key) or ():
        if len(w) == len(key) + 1 and w in curated and lm.uni.get(w, 0.0) >= bar:
            text = render(w, surface, lm.lex)
            out.append(Reading(text, (w,), channel_cost(surface, text), "edit"))
    return sorted(out, key=lambda r: (r.channel, r.text))


def _lost_letter_typo(lm: LanguageModel, surface: str, key: str, opts: dict) -> bool:
    """Whether a rare lowercase form of the large general list is a common word with one
    letter lost (``goverment``, ``somthing``: typos the web repeats): the spell-checked
    list lacks it, the corpus does not trust it, and the word with the letter back is in
    the spell-checked list and ``lost_letter_ratio`` times more common (``stilt``, ``abut``
    are spell-checked words and stay words). Such a form is judged as one no list knows.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [_lost_letter_typo(lm, w, w, _options(None)) for w in ("goverment", "stilt", "table")]
    [True, False, False]
    """
    if not surface.islower() or len(key) < 5 or not key.isalpha() or lm.lex.trusted(key):
        return False
    p = lm.uni.get(key, 0.0)
    if not 0.0 < p < opts["suspect_prob"] or key in spell_checked_words():
        return False
    ckey = (key, "lost-letter", opts["lost_letter_ratio"], opts["lost_letter_min_prob"])
    out = lm.candidate_cache.get(ckey)
    if out is None:
        out = lm.candidate_cache[ckey] = bool(_lost_letter_readings(lm, surface, key, opts))
    return out


def _has_cheap_common_twin(lm: LanguageModel, surface: str, key: str, opts: dict) -> bool:
    """Whether a lowercase very common word has a twin at least as common in the general
    list one very cheap confusion away (``he``/``be``: ``b`` read as ``h``; cost at most
    ``cheap_twin_max_cost``): such a form is read with its context wherever it stands,
    whatever slips the corpus's repairs show, and a repair needs ``cheap_twin_threshold``
    (the evidence is general statistics alone).

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [_has_cheap_common_twin(lm, w, w, _options(None)) for w in ("he", "be", "table", "He")]
    [True, False, False, False]
    """
    if not surface.islower():  # (a capitalised form may be a name)
        return False
    p = lm.uni.get(key, 0.0)
    if p < opts["learned_twin_min_prob"]:
        return False
    return bool(_cheap_twin_keys(lm, surface, key, opts))


def _cheap_twin_keys(lm: LanguageModel, surface: str, key: str, opts: dict) -> tuple[str, ...]:
    """The twins that make a form a :data:`CHEAP_TWIN` (``he``: ``be``), once per form."""
    ckey = (surface, "cheap-twins", opts["cheap_twin_max_cost"], opts["learned_twin_ratio"])
    out = lm.candidate_cache.get(ckey)
    if out is None:
        bar = lm.uni.get(key, 0.0) * opts["learned_twin_ratio"]
        out = lm.candidate_cache[ckey] = tuple(
            r.keys[0] for r in _realword_readings(lm, surface, key, opts)
            if len(r.keys) == 1 and r.kind == "confusion" and lm.uni.get(r.keys[0], 0.0) >= bar
            and channel_cost_within(surface, r.text, opts["cheap_twin_max_cost"]) <= opts["cheap_twin_max_cost"])
    return out


def _cheap_twin_in_context(lm: LanguageModel, words: list[str], k: int, opts: dict) -> bool:
    """A screen before the real-word look at a :data:`CHEAP_TWIN`: whether a word pair of
    the general list with a neighbour (as written, punctuation aside) is likelier with a
    twin than with the form (``to he``: ``to be``), which the twin's reading needs to win.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [_cheap_twin_in_context(lm, s.split(), 1, _options(None)) for s in ("to he paid", "that he said")]
    [True, False]
    """
    surface = words[k]
    key = surface.lower()
    twins = _cheap_twin_keys(lm, surface, key, opts)
    big = lm.big
    left = words[k - 1].lower() if k else None
    right = words[k + 1].lower() if k + 1 < len(words) else None
    for t in twins:
        if left is not None and (big.get((left, t)) or -99.0) > (big.get((left, key)) or -99.0):
            return True
        if right is not None and (big.get((t, right)) or -99.0) > (big.get((key, right)) or -99.0):
            return True
    return False


def _worth_a_look(lm: LanguageModel, words: list[str], forms: list[int], opts: dict) -> bool:
    """For a line whose highest verdict is CHEAP_TWIN: whether any other form needs a look,
    or a cheap twin stands where its twin reads better (:func:`_cheap_twin_in_context`)."""
    if not _OTHER_LOOKS.isdisjoint(forms):  # (at C speed: most lines hold one verdict or two)
        return True
    return any(_cheap_twin_in_context(lm, words, k, opts)
               for k in compress(range(len(forms)), map(eq, forms, repeat(CHEAP_TWIN))))


_OTHER_LOOKS = frozenset({SUSPICIOUS, CONFUSABLE, NUMBER, LEARNED_TWIN})  # verdicts a line is examined for


GLUED_MAX_PROB = 1e-5  # only forms rarer than this in the general list are checked for glue
# a function word before the last letter, or after the first: where glued_margin may cut
_FUNCTION_WORD_ALTERNATIVES = "|".join(map(re.escape, sorted(FUNCTION_WORDS, key=lambda w: (-len(w), w))))
_FUNCTION_WORD_START_RE = re.compile(f"(?:{_FUNCTION_WORD_ALTERNATIVES})(?=.)", re.S)
_FUNCTION_WORD_END_RE = re.compile(f"(?s).(?:{_FUNCTION_WORD_ALTERNATIVES})\\Z")


def _glued(lm: LanguageModel, word: str, key: str, lp: float | None) -> bool:
    """A lowercase form of the general list that is far likelier two words glued
    together (``ofthe``, ``madein``): :func:`cleaners.words.scoring.glued_margin`."""
    if lp is None or not word.islower() or len(word) < 3:
        return False
    # the general list decides: a corpus of scans may repeat its own glue (ofthe) enough to trust it
    p = lm.uni.get(key, 0.0)
    if not 0.0 < p < GLUED_MAX_PROB:
        return False
    if not (_FUNCTION_WORD_START_RE.match(key) or _FUNCTION_WORD_END_RE.search(key)):
        return False  # no cut off a function word: glued_margin has no split to weigh
    ckey = (key, "glued")
    out = lm.candidate_cache.get(ckey)
    if out is None:
        margin = glued_margin(lm, word, key)
        out = lm.candidate_cache[ckey] = margin is not None and margin >= GLUED_MARGIN
    return out


def _glued_capitalised(lm: LanguageModel, word: str, key: str, lp: float | None) -> bool:
    """A capitalised suspicious form of the general list that starts with a function word
    and is far likelier two words glued (``Onthe``, ``Aftera``, ``Itold``): looked at for a
    split like its lowercase twin (:func:`_glued`), not only as a name. The split itself
    keeps a name whole (``Tothill``: :func:`cleaners.words.scoring.split_candidates`).

    >>> from cleaners.words.lexicon import empty_lexicon
    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> _glued_capitalised(lm, "Onthe", "onthe", lm.logp("onthe")), _glued_capitalised(lm, "London", "london", lm.logp("london"))
    (True, False)
    """
    if lp is None or len(word) < 3 or not (word[0].isupper() and word[1:].islower()):
        return False
    p = lm.uni.get(key, 0.0)
    if not 0.0 < p < GLUED_MAX_PROB or not _FUNCTION_WORD_START_RE.match(key):
        return False
    ckey = (word, "glued")
    out = lm.candidate_cache.get(ckey)
    if out is None:
        margin = glued_margin(lm, word, key)
        out = lm.candidate_cache[ckey] = margin is not None and margin >= GLUED_MARGIN
    return out


@lru_cache(maxsize=4)
def _common_delete_index(unigrams: str, min_prob: float) -> dict[str, tuple[str, ...]]:
    """Symmetric-delete index (distance 1) of the general list's very common alphabetic
    words (a few thousand): each word and each one-letter deletion -> words."""
    from cleaners.words.language import unigram_probs

    return delete_neighbourhoods(sorted(w for w, p in unigram_probs(unigrams).items() if p >= min_prob and w.isalpha()))


def _common_edit_twin_keys(lm: LanguageModel, surface: str, key: str, opts: dict) -> list[str]:
    """The words of :func:`_common_edit_twins`, without their readings (sorted)."""
    if not surface.islower():  # a capitalised one may be a name (Beso, Lev)
        return []
    p = lm.uni.get(key, 0.0)
    if not 0.0 < p < opts["rare_twin_max_prob"] or len(key) < 2 or not key.isalpha():
        return []
    get = _common_delete_index(opts["unigrams"], opts["rare_twin_min_prob"]).get
    found: set[str] = set()
    for q in {key[:i] + key[i + 1:] for i in range(len(key))}:
        words = get(q)
        if words:
            found.update(words)
    words = get(key)
    if words:
        found.update(words)
    found.discard(key)
    return sorted(found)


def _has_common_edit_twin(lm: LanguageModel, surface: str, key: str, opts: dict) -> bool:
    """``bool(_common_edit_twin_keys(...))`` (tested equal), for the per-form screening:
    stops at the first twin, with no set and no sorting."""
    if not surface.islower():
        return False
    p = lm.uni.get(key, 0.0)
    if not 0.0 < p < opts["rare_twin_max_prob"] or len(key) < 2 or not key.isalpha():
        return False
    get = _common_delete_index(opts["unigrams"], opts["rare_twin_min_prob"]).get
    words = get(key)
    if words and (len(words) > 1 or words[0] != key):
        return True
    for i in range(len(key)):
        words = get(key[:i] + key[i + 1:])
        if words and (len(words) > 1 or words[0] != key):
            return True
    return False


def _common_edit_twins(lm: LanguageModel, surface: str, key: str, opts: dict) -> list[Reading]:
    """For a form the general list holds only at a junk-level rate (``wae``, ``thie``:
    web noise, or a rare word), the very common words one arbitrary edit away
    (``was``, ``the``): a real-word reading beyond the cheap confusions, which
    context must then support. Forms the general list lacks (the corpus's own names
    and terms) get none.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [r.text for r in _common_edit_twins(lm, "wae", "wae", _options(None))]
    ['was', 'way', 'we']
    """
    out = []
    for w in _common_edit_twin_keys(lm, surface, key, opts):
        text = render(w, surface, lm.lex)
        c = channel_cost_within(surface, text, opts["max_channel_cost"])
        if c <= opts["max_channel_cost"]:
            out.append(Reading(text, (w,), c, "edit"))
    return out


def _repair_line(text: str, base: int, line: str, lm: LanguageModel, opts: dict, patterns,
                 words: list[str], forms: list[int], edits: list[Edit], flags: list[Flag],
                 stats: dict, *, after_hyphen: bool = False, starts_sentence: bool = True,
                 profile: DocumentProfile | None = None, parts: list[str] | None = None) -> None:
    """Judge every token of one line; append Edits and Flags (offsets in ``text``).

    ``words``, ``forms``: the line's word forms (``WORD_RE.findall``) and the verdict of
    each (SKIP, KNOWN, ...).
    ``after_hyphen``: the previous line ended in a word and a hyphen, so this
    line's first word is the rest of a broken word (``per-`` / ``secuted``).
    ``starts_sentence``: whether the previous line ended a sentence.
    ``profile``: the document's misreading profile (real-word twins along its slips).
    ``parts``: the line split at its words (``WORD_SPLIT_RE.split``), if made already.
    """
    lexicon = lm.lex
    # most tokens of a line are ordinary known words far from any damage: their
    # offsets are found in bulk and a Token is only made for the few looked at
    tokens = LineTokens(line, words, parts)
    n = len(tokens)
    spans = protected_spans(line, patterns)
    span_starts = [s for s, _ in spans]
    keys = tokens.keys
    skip = [False] * n
    suspicious = [False] * n
    confusable = [False] * n
    fragment = [False] * n
    logps = _LazyLogps(lm, keys)
    unseen = logps.values
    marked: list[int] = []  # suspicious or confusable tokens, in order
    fragments: list[int] = []  # halves of a word broken by a hyphen, in order
    twin_at: list[int] = []  # known forms with a learned twin (LEARNED_TWIN), in order
    quoted_copies: list[int] = []  # quoted forms read as damaged copies of the corpus's names
    junk_edged: dict[int, tuple] = {}  # protected forms with a junk mark at an edge read as a lost letter
    for i in _special_tokens(line, tokens, forms, spans, after_hyphen):
        v = forms[i]
        unseen[i] = None  # a skipped token has no probability
        if v == SKIP:
            skip[i] = True
            continue
        t = tokens[i]
        if v == SUSPICIOUS and not t.text.isalpha() and digit_joins_number(line, t.start, t.end):
            skip[i] = True  # (a digit glued to a number is part of it: nearly2,000)
            continue
        if v == NUMBER:
            skip[i] = True
            if not spans or not any(a < t.end and t.start < b for a, b in spans):
                fixed = misread_number(t.text)
                edits.append(Edit.at(text, base + t.start, base + t.end, fixed, stage=STAGE,
                                     reason="ocr number repair (letters read for digits)",
                                     confidence=0.95,
                                     evidence={"kind": "number", "candidates": [{"text": fixed}],
                                               "context": [None, None], "damage": 0.0}))
            continue
        if _hyphen_fragment(line, t) or (i == 0 and after_hyphen):
            skip[i] = fragment[i] = True
            fragments.append(i)
            continue
        if _quoted_term(line, t):
            if v == SUSPICIOUS and _quoted_copy(lm, t, opts):
                quoted_copies.append(i)  # (read only as one of the corpus's names, below)
            else:
                skip[i] = True
                continue
        if spans:
            j = bisect.bisect_right(span_starts, t.start) - 1
            if (j >= 0 and spans[j][1] > t.start) or (j + 1 < len(spans) and spans[j + 1][0] < t.end):
                # (a word with a junk mark at one edge, ~rotected, is looked at only as a
                # word with a lost letter there: _junk_letter_readings)
                edge = None
                if (v == SUSPICIOUS and opts["junk_letter_cost"] and j >= 0 and spans[j][0] <= t.start
                        and spans[j][1] >= t.end and junk_edge_word(line[spans[j][0]:spans[j][1]])):
                    edge = _junk_edge(line, t)
                if edge is None or not _junk_letter_readings(lm, t.text, t.key, edge[0], opts):
                    skip[i] = True
                    continue
                junk_edged[i] = edge
        unseen[i] = _UNSEEN  # not skipped after all: looked up if ever needed
        if v == LEARNED_TWIN or (v == CHEAP_TWIN and _cheap_twin_in_context(lm, tokens.words, i, opts)):
            twin_at.append(i)  # (an ordinary known word but for its real-word look)
            continue
        suspicious[i] = v == SUSPICIOUS
        confusable[i] = v == CONFUSABLE
        if v == SUSPICIOUS or v == CONFUSABLE:
            marked.append(i)

    # local damage: share of suspicious tokens in a window
    w = opts["damage_window"]
    # a capitalised unknown form next to another name-like form is part of a name (Eino Rakhia)
    names_only: set[int] = set()
    for i in marked:
        if suspicious[i] and case_pattern(tokens[i].text) == "title":
            for j in (i - 1, i + 1):
                if not (0 <= j < n) or tokens[max(i, j)].left_break or fragment[j]:
                    continue
                other = tokens[j].text
                # a rare capitalised neighbour (a surname), not a common title word (Central)
                if case_pattern(other) == "title" and (logps[j] is None or logps[j] < -5.0):
                    # ... unless it is a damaged copy of a name the corpus writes many
                    # times (Garnet Rohert Carrington): then it is judged like any other
                    if logps[i] is None and _copies_a_name(lm, tokens[i].text, tokens[i].key, opts, profile):
                        names_only.add(i)  # (read only as one of the corpus's names)
                        break
                    suspicious[i] = False
                    skip[i] = True
                    break
    names_only.update(quoted_copies)
    # a short ALL-CAPS form outside a heading in capitals is an acronym: only a damaged
    # copy of one of the corpus's acronyms is looked at (BSPCA); the rest are left alone
    capitals: set[int] = set()  # short ALL-CAPS forms read as words in capitals
    for i in marked:
        form = tokens.words[i]
        if suspicious[i] and len(form) <= ACRONYM_MAX_LEN and form.isupper():
            if _in_capitals(tokens.words, i):
                capitals.add(i)
            elif not (opts["acronym_copy_min_count"] and _acronym_copies(lm, form, keys[i], opts)):
                suspicious[i] = False
                skip[i] = True
    # words of another language next to each other are a foreign phrase (Les Dieux ont soif)
    if opts["foreign_languages"]:
        _mark_foreign(tokens, logps, suspicious, confusable, skip, tuple(opts["foreign_languages"]),
                      [i for i in marked if suspicious[i] or confusable[i]])
    marked = [i for i in marked if suspicious[i] or confusable[i]]
    # a confusable real word (lo, Thai) counts as half a sign of damage
    # (a rare form of the general list, like "tittered", only a quarter)
    weight = [0.0] * n
    for i in marked:
        weight[i] = (1.0 if logps[i] is None else 0.25) if suspicious[i] else 0.5
    for i in capitals:  # (a short unknown form in capitals is as likely a name as damage: no sign)
        weight[i] = 0.0
    # the running sums of the weights at the marked tokens only (the other weights are 0.0,
    # and adding 0.0 changes no sum: the very floats of a running sum over every token)
    weighted = marked
    sums = list(accumulate(map(weight.__getitem__, weighted), initial=0.0))

    def density(i: int) -> float:
        """Share of the other tokens within ``w`` that are suspicious."""
        lo, hi = max(0, i - w), min(n, i + w + 1)
        if hi - lo <= 1:
            return 0.0
        return (sums[bisect.bisect_left(weighted, hi)] - sums[bisect.bisect_left(weighted, lo)]
                - weight[i]) / (hi - lo - 1)

    base_rate = opts["base_error_rate"] + opts["corpus_damage_weight"] * lexicon.damage_rate

    def error_logprior(i: int) -> float:
        return math.log10(min(0.5, base_rate + opts["damage_weight"] * density(i)))

    current = _Overlay(keys)  # the words as read so far (repairs replace them)

    def context(i: int) -> tuple[str | None, str | None]:
        left = current[i - 1] if i > 0 and not tokens[i].left_break else None
        right = current[i + 1] if i + 1 < n and not tokens[i + 1].left_break else None
        if left is not None and " " in left:
            left = left.rsplit(" ", 1)[1]
        if right is not None and " " in right:
            right = right.split(" ", 1)[0]
        return left, right

    threshold = opts["threshold"]
    decisions: dict[int, _Decision] = {}
    cand_cache = lm.candidate_cache
    joined: set[int] = set()
    if opts["join"]:
        for i in _join_sites(line, tokens, [i for i in marked if suspicious[i]], fragments):
            if i - 1 in decisions and decisions[i - 1].apply:
                continue
            d = _judge_join(line, tokens, i, lm, opts, suspicious, fragment, skip, context,
                            error_logprior)
            if d is not None:
                d.density = density(i)
                decisions[i] = d
                if d.apply:
                    joined.update((i, i + 1))
                    current[i] = current[i + 1] = d.readings[0].keys[0]
    if opts["dash_space"] and _may_have_dash_space(line):
        for i in _dash_space_sites(line, tokens):
            if i in joined or i + 1 in joined or i in decisions or i + 1 in decisions:
                continue
            d = _judge_dash_space(line, tokens, i, lm, skip)
            if d is not None:
                decisions[i] = d
                joined.update((i, i + 1))  # (read as they are: no other repair looks at them)
    speck_sites = _speck_sites(line, tokens, forms) if opts["specks"] and " " in line else ()
    if speck_sites and any(c in line for c in FORMULA_CHARS):
        speck_sites = ()  # (lone letters may be variables: x + y)
    lone = _speck_companions(line, tokens, forms) if speck_sites else []
    for i in speck_sites:
        if joined.intersection((i - 1, i, i + 1)) or any(j in decisions for j in (i - 1, i, i + 1)):
            continue  # (a join reads the letter as a piece of a word: an d)
        if _judge_speck(text, base, line, tokens, i, lm, opts, forms, skip, spans, context, error_logprior(i),
                        density(i), _speck_company(line, tokens, i, lone, opts["speck_window"]), edits, flags):
            joined.add(i)
            # the two words now stand side by side: each is the other's context
            # (context() reads the last word of a left neighbour, the first of a right one)
            current[i] = f"{keys[i + 1]} {keys[i - 1]}"
    susp_idx = [i for i in marked if suspicious[i] and i not in joined]
    # a second pass reads each token again in the context the first pass repaired; a
    # token whose context did not change would get the very same decision: not redone
    judged_in: dict[int, tuple[str | None, str | None]] = {}
    for _pass in range(2):
        for i in susp_idx:
            if _pass and judged_in.get(i, _UNSEEN) == context(i):
                continue
            t = tokens[i]
            lp = logps[i]
            inner = opts["inner_capitals"] and lp is not None and _inner_capitals(t.text)
            if inner:
                lp = None  # (as written, no word's spelling: its lowercase reading is a candidate)
            typo = lp is not None and opts["lost_letter_ratio"] and _lost_letter_typo(lm, t.text, t.key, opts)
            pattern = case_pattern(t.text)
            if pattern == "mixed" and _capitals_with_damage(t.text) and _in_capitals(tokens.words, i):
                # a word in capitals a few of whose letters were read in lowercase (CONDUCr):
                # read in capitals, like its heading
                t, pattern = t._replace(text=t.text.upper()), "upper"
            named = pattern not in ("lower", "upper") and t.text[:1].isupper() \
                and not _sentence_start(line, tokens, i, starts_sentence)
            # one arbitrary edit only for forms unknown (or very rare) in the general list
            generic = (lp is None or lp < opts["generic_max_logp"]) and (not named or opts["named_generic"] != "none")
            # a glued pair is not looked for in a form the general list knows (whereon, befriend)
            # (a capitalised one inside a sentence may be a name, Buton: only the pronoun I
            # is capitalised there by rule, Isaw)
            split = lp is None or lp < -8.0 or _glued(lm, t.text, t.key, lp) \
                or (_glued_capitalised(lm, t.text, t.key, lp) and (not named or t.text[0] == "I"))  # (ofthe, Onthe)
            ckey = (t.text, generic, split, lp is None)
            acronym = pattern == "upper" and len(t.text) <= ACRONYM_MAX_LEN and i not in capitals
            if acronym:  # (suspicious only as a copy of an acronym)
                named, generic, cands = True, False, _acronym_copies(lm, t.text, t.key, opts)
            else:
                cands = cand_cache.get(ckey)
            if cands is None:
                # a form of the general list is only read as a cheap slip of another word
                cands = nonword_candidates(lm, t.text, t.key,
                                           max_channel=opts["max_channel_cost"] if lp is None else 1.5,
                                           generic=generic, allow_split=split,
                                           generic_substitutions=lp is None)
                if generic and lp is None and opts["short_word_min_prob"]:
                    cands = _with_short_words(lm, t.text, t.key, cands, opts)
                elif lp is not None:
                    # a junk-level form of the general list (thie): its very common twins a
                    # letter shorter or longer; a substitution would turn a real rare
                    # word into a common one (laxer -> later)
                    twins = [r for r in _common_edit_twins(lm, t.text, t.key, opts)
                             if len(r.keys[0]) != len(t.key)]
                    if twins:
                        have = {r.keys for r in cands}
                        cands = sorted(cands + [r for r in twins if r.keys not in have],
                                       key=lambda r: (r.channel, r.text))
                cand_cache[ckey] = cands
            if inner:
                cands = _with_inner_capitals_lowered(lm, t.text, t.key, cands, opts)
            junk = None
            if i in junk_edged:  # (read only as the word with a letter for the mark)
                edge = junk_edged[i]
                extra = _junk_letter_readings(lm, t.text, t.key, edge[0], opts)
                junk = (edge[1], {r.keys for r in extra})
                # (a reading of the letters alone leaves the mark a stray print: it pays for that)
                cands = _with_two_slips([Reading(r.text, r.keys, r.channel + opts["junk_letter_cost"], r.kind)
                                         for r in cands], extra)
            # a lowercase form no list knows may be a common word two slips away, looked
            # for only when one slip does not explain it (the cheaper explanation first)
            two_slips = generic and lp is None and opts["two_slips"] and pattern == "lower" and junk is None
            if named and generic and cands:
                lowered = None
                if pattern == "title" and opts["lowercase_twin_min_prob"] and _after_lowercase_word(tokens, i):
                    lowered = _common_word_readings(lm, t.text, cands, opts)
                cands = _named_readings(lm, cands, opts)
                if lowered:
                    cands = _with_two_slips(cands, lowered)  # (merged, the cheaper reading of a word kept)
            if i in names_only:
                cands = [r for r in cands if len(r.keys) == 1 and _copy_target(lexicon, r.keys[0], opts)]
            name_twin = None  # (a twin along the document's name slips: DocumentProfile.name_readings)
            if profile and profile.names and lp is None and pattern == "title":
                cands, name_twin = profile.name_readings(lm, t.text, cands, opts, names_only=i in names_only)
            # (at a sentence start too: the readings are names of the corpus only)
            name_two = (generic and lp is None and pattern == "title"
                        and opts["name_two_slips_min_count"] > 0 and not lexicon.trusted(t.key)
                        and i not in names_only and lexicon.form_count(t.key) <= 2)
            if not cands and not two_slips and not name_two:
                continue
            prior = error_logprior(i)
            in_capitals = False
            length_penalty = 0.0  # (what a long form as one unknown word loses: _length_penalty)
            if lp is None:
                # a capitalised unknown form may be a name even where a sentence starts
                # (... but not a word in a heading in capitals, SHOCRING, which keeps
                # the bar of a name: headings in capitals name places and people)
                in_capitals = pattern == "upper" and _in_capitals(tokens.words, i)
                lp = opts["oov_logp"] if pattern == "lower" or in_capitals else opts["name_logp"]
                if pattern == "lower" and not inner and opts["oov_length_weight"] and not derived_form(lm, t.key):
                    length_penalty = _length_penalty(t.key, opts)
                    lp -= length_penalty
                if (pattern == "title" or acronym) and cands:
                    lp -= _copy_evidence(lm, t.key, cands, opts)
            elif junk is not None:
                lp = opts["oov_logp"]  # (as read, a word with a lost letter: no word's spelling)
            elif opts["ligature_drops"] and lexicon.lost_glyphs and _ligature_gap(lm, t.text, t.key, opts):
                lp = opts["oov_logp"]  # (the gap a lost ligature left: the large list has it from damaged text too)
            elif typo:
                # a typo of the large list (goverment): as likely as a form no list knows,
                # read as the words with its lost letter back, besides its cheap slips
                lp = opts["oov_logp"]
                cands = _with_two_slips(cands, _lost_letter_readings(lm, t.text, t.key, opts))
            else:
                # a rare form of the general list is probably a real word: a penalty
                # growing with its frequency (none at 10^-8.5, all at 10^-6.5)
                prior -= opts["rare_form_penalty"] * min(1.0, max(0.0, (lp + 8.5) / 2.0))
            if name_twin is not None:
                cands = DocumentProfile.name_weighed(lm, cands, name_twin, lp, prior)
            left, right = judged_in[i] = context(i)

            def judge(cands: list[Reading]) -> tuple[list[Reading], bool]:
                cands = _damaged_channel(lm, t.text, cands, density(i), opts)
                # (a form with inner capitals is, as written, no word: its own key is no
                # reading of it, or the word's context would vouch for the misprint)
                readings = score_readings(
                    lm, Reading(t.text, (t.text if inner else t.key,), 0.0, "as-is"),
                    # (the length says a long form is rarely one word no list knows, not that it
                    # is several words glued, a word two arbitrary edits away, or a form of the
                    # large list no spell-checked list holds: such readings keep their odds against it)
                    [Reading(r.text, r.keys, r.channel + (length_penalty if length_penalty and _unsure_reading(lm, r)
                                                          else 0.0), r.kind)
                     for r in cands],
                    asis_logp=lp, left=left, right=right, error_logprior=prior)
                best = readings[0]
                # a probable name keeps the higher bar: names are only changed on strong evidence
                # ... and so does a (rare) form of the general list, unless it is read as a cheap
                # slip of another word (lable -> table): it may be a real word (goad, laxer)
                cheap = best.kind == "confusion" and best.channel <= opts["cheap_slip_cost"]
                bar = threshold if named or in_capitals or (logps[i] is not None and not cheap) \
                    else opts["nonword_threshold"]
                sole = (pattern == "lower" and logps[i] is None and not inner and junk is None
                        and _sole_reading(t.key, readings, opts) and not _unsure_reading(lm, readings[0])
                        and not derived_form(lm, t.key))
                if sole:
                    bar = min(bar, opts["sole_reading_threshold"])
                apply = best.kind != "as-is" and best.posterior >= bar
                if best.kind in ("two-slip", "deep-slips"):
                    # two slips are weaker evidence than one: a higher bar, and the context
                    # must attest the reading (a word pair of the general list or the corpus)
                    apply = (best.posterior >= max(bar, opts["two_slip_threshold"] if best.kind == "two-slip"
                                                   else opts["deep_slips_threshold"])
                             and _has_bigram_support(lm, best.keys[0], left, right))
                    if not apply and sole:
                        # (a long form's only word reading: the form as read is all it competes with)
                        apply = best.posterior >= opts["sole_two_slip_threshold"]
                    if not apply and best.kind == "deep-slips":
                        apply = _deep_slips_unattested(lm, best, readings, opts)
                elif best.kind == "name-slips":
                    # two slips from a frequent name of the corpus: the copy evidence
                    # (in the as-is probability) attests it; the higher bar still holds
                    apply = best.posterior >= max(bar, opts["two_slip_threshold"])
                return readings, apply

            readings, apply = judge(cands) if cands else ([], False)
            if two_slips and not apply:
                tkey = (t.text, "two-slip")
                extra = cand_cache.get(tkey)
                if extra is None:
                    extra = cand_cache[tkey] = two_slip_candidates(lm, t.text, t.key)
                if extra:
                    readings, apply = judge(_with_two_slips(cands, extra))
                deep_won: list[Reading] = []  # (rivals of a distant reading when one of them wins)
                if not apply and opts["deep_slips"]:  # several cheap confusions (npoh: upon)
                    dkey = (t.text, "deep-slips", opts["deep_slips_max_channel"], opts["deep_slips_generic"],
                            opts["deep_slips_generic_min_len"])
                    deep = cand_cache.get(dkey)
                    if deep is None:
                        deep = cand_cache[dkey] = deep_slip_candidates(
                            lm, t.text, t.key, max_channel=opts["deep_slips_max_channel"],
                            max_generic=opts["deep_slips_generic"], generic_min_len=opts["deep_slips_generic_min_len"])
                    have = {r.keys for r in extra} | {r.keys for r in cands}
                    deep = [r for r in deep if r.keys not in have]  # (a nearer reading of a word stands)
                    if deep:
                        # they vouch for themselves only: as rivals they take no other reading's odds
                        merged, merged_apply = judge(_with_two_slips(cands, extra + deep))
                        if merged[0].kind == "deep-slips":
                            readings, apply, deep_won = merged, merged_apply, deep
                if not apply and opts["distant"]:  # two arbitrary edits (cleaners/words/distant.py)
                    # (judge reads lp: as a word of its own, a form no English word spells is less likely)
                    lp_before = lp
                    lp -= shape_penalty(t.key, lm._unigrams, per_trigram=opts["distant_shape_penalty"])
                    readings, apply = _distant_judged(lm, t.text, t.key, _with_two_slips(cands, extra + deep_won),
                                                      readings, judge, left, right, opts)
                    lp = lp_before
            if name_two and not apply:
                extra, evidence = _name_two_slips(lm, t.text, t.key, opts)
                if extra:
                    lp_before = lp
                    lp = min(lp, opts["name_logp"] - evidence)
                    merged, merged_apply = judge(_with_two_slips(cands, extra))
                    # the names two slips away vouch for themselves only: a one-slip reading
                    # keeps the evidence it had (Nodia stays, whatever Nadya's count)
                    if merged[0].kind == "name-slips" or not readings:
                        readings, apply = merged, merged_apply and merged[0].kind == "name-slips"
                    else:
                        lp = lp_before
            if not readings:
                continue
            best = readings[0]
            if i in decisions and decisions[i].kind == "join" and not apply:
                continue  # keep the (unapplied) join flag of this token
            span = None
            if junk is not None:
                if best.keys in junk[1]:
                    span = junk[0] if apply else None
                else:
                    apply = False  # (no other reading of a protected form is applied)
            decisions[i] = _Decision(i, readings, apply, "non-word", density(i), span=span)
            current[i] = " ".join(best.keys) if apply else keys[i]

    profiled: dict[int, dict] = {}  # token -> the profile's figures that moved its decision
    if opts["realword"]:
        rw = opts["realword_window"]
        near: set[int] = {i for i in marked if confusable[i]}
        for i, d in decisions.items():
            if d.apply:
                near.update(range(max(0, i - rw), min(n, i + rw + 1)))
        damage_near = set(near)  # (a cheap twin looked at only for being one gets its own bar)
        near.update(twin_at)
        if profile:
            near.update(i for i, wd in enumerate(words) if profile.has_twin(lm, wd, forms[i], opts))
        judged_in = {}  # as above: the second pass redoes only the tokens whose context changed
        for _pass in range(2):
            for i in sorted(near):
                if skip[i] or suspicious[i] or logps[i] is None or i in joined:
                    continue
                t = tokens[i]
                left, right = context(i)
                if left is None and right is None:
                    continue
                if _pass and judged_in.get(i, _UNSEEN) == (left, right):
                    continue
                judged_in[i] = (left, right)
                cands = _realword_readings(lm, t.text, t.key, opts)
                if not cands:
                    continue
                cands = _damaged_channel(lm, t.text, cands, density(i), opts)
                prior = error_logprior(i) - opts["realword_penalty"]
                if _misread_excess(lm, t.key, cands, opts) is False:
                    prior -= opts["no_excess_penalty"]
                if profile and (t.text.islower() or (case_pattern(t.text) == "title"
                                                     and _sentence_start(line, tokens, i, starts_sentence))):
                    # (a capitalised form inside a sentence may be a name: its rules stand)
                    cands, relief, figures = profile.reweigh(lm, t.text, t.key, cands, opts)
                    if figures:
                        prior += relief
                        profiled[i] = figures
                    else:
                        profiled.pop(i, None)
                readings = score_readings(
                    lm, Reading(t.text, (t.key,), 0.0, "as-is"),
                    [Reading(r.text, r.keys, r.channel, r.kind) for r in cands], asis_logp=logps[i],
                    left=left, right=right,
                    error_logprior=prior,
                    general_for=t.key if opts["realword_general"] else None)
                best = readings[0]
                bar = opts["realword_threshold"]
                if forms[i] == CHEAP_TWIN and i not in damage_near and not profiled.get(i):
                    bar = max(bar, opts["cheap_twin_threshold"])
                apply = (best.kind != "as-is" and best.posterior >= bar
                         and _has_bigram_support(lm, best.keys[0], left, right))
                if best.kind == "as-is" and i not in decisions:
                    continue
                decisions[i] = _Decision(i, readings, apply, "real-word", density(i))
                current[i] = best.keys[0] if apply else keys[i]

    stats["suspicious"] += len(susp_idx)
    for i in sorted(decisions):
        d = decisions[i]
        t = tokens[i]
        best = d.readings[0]
        left, _ = context(i)
        _, right = context(d.end_index if d.end_index is not None else i)
        end = tokens[d.end_index].end if d.end_index is not None else t.end
        if d.span is not None and d.apply:
            t = t._replace(start=d.span[0])  # (a junk glyph read as a letter: _junk_letter_readings)
            end = d.span[1]
        evidence = {
            "kind": d.kind,
            "candidates": [r.to_json() for r in d.readings[:5]],
            "confusions": [f"{a}>{b}" for a, b in char_ops(line[t.start:end], best.text)],
            "context": [left, right],
            "context_counts": _context_counts(lm, best.keys, left, right),
            "damage": round(d.density, 3),
        }
        if i in profiled and d.kind == "real-word":
            evidence["profile"] = profiled[i]
        if lexicon.lost_glyphs and (lost := _restored_ligature(lm, line[t.start:end], best.text)):
            evidence["lost_ligature"] = lost
        if d.apply:
            edits.append(Edit.at(text, base + t.start, base + end, best.text, stage=STAGE,
                                 reason=f"ocr {d.kind} repair ({best.kind})",
                                 confidence=best.posterior, evidence=evidence))
        else:
            alt = [r for r in d.readings if r.kind != "as-is"]
            if alt and alt[0].posterior >= opts["flag_threshold"]:
                flags.append(Flag(stage=STAGE, start=base + t.start, end=base + end, text=line[t.start:end],
                                  reason=f"uncertain ocr {d.kind} repair",
                                  candidates=[r.to_json() for r in d.readings[:5]],
                                  confidence=alt[0].posterior))



def _length_penalty(key: str, opts: dict) -> float:
    """How much less likely (log10) a lowercase form no list knows is a real word for its
    length: ``oov_length_weight`` per letter beyond ``oov_length_free``.

    >>> _length_penalty("engimeering", {"oov_length_weight": 0.25, "oov_length_free": 7})
    1.0
    >>> _length_penalty("kulak", {"oov_length_weight": 0.25, "oov_length_free": 7})
    0.0
    """
    return opts["oov_length_weight"] * max(0, len(key) - opts["oov_length_free"])


def _unsure_reading(lm: LanguageModel, r: Reading) -> bool:
    """Whether a long form's length says nothing for reading ``r`` of it: a reading as
    several words (glued words are judged on their own terms), two arbitrary edits away,
    or a form of the large list that neither the spell-checked list nor the corpus holds
    (``admited``: a typo of the list, where ``admitted``, two slips away, is meant).

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [_unsure_reading(lm, Reading(t, tuple(t.split()), 1.0, k)) for t, k in
    ...  (("admitted", "confusion"), ("admited", "confusion"), ("is not", "split"), ("previous", "distant"))]
    [False, True, True, True]
    """
    return (len(r.keys) > 1 or r.kind == "distant"
            or (r.keys[0] not in spell_checked_words() and not lm.lex.trusted(r.keys[0])))


def _sole_reading(key: str, readings: list[Reading], opts: dict) -> bool:
    """Whether the best of scored ``readings`` is a one-word reading of a long form that
    the other word readings leave unchallenged: at least ``sole_reading_share`` of their
    posterior is its own, and ``key`` has ``sole_reading_min_len`` letters at least. Then
    only the form as read competes with it (``refrigeratiom``: refrigeration, nothing else).

    >>> r = [Reading("refrigeration", ("refrigeration",), 3.0, "edit"),
    ...      Reading("refrigeratiom", ("refrigeratiom",), 0.0, "as-is")]
    >>> r[0].posterior, r[1].posterior = 0.55, 0.45
    >>> _sole_reading("refrigeratiom", r, {"sole_reading_min_len": 7, "sole_reading_share": 0.9})
    True
    >>> r2 = [Reading("mitten", ("mitten",), 1.2, "confusion"), Reading("bitten", ("bitten",), 0.5, "confusion")]
    >>> r2[0].posterior, r2[1].posterior = 0.55, 0.25
    >>> _sole_reading("mitlen", r2, {"sole_reading_min_len": 6, "sole_reading_share": 0.9})
    False
    """
    if len(key) < opts["sole_reading_min_len"] or not readings:
        return False
    best = readings[0]
    if best.kind not in ("confusion", "edit", "two-slip") or len(best.keys) != 1:
        return False
    words = sum(r.posterior for r in readings if r.kind != "as-is")
    return best.posterior >= opts["sole_reading_share"] * words


def _misread_excess(lm: LanguageModel, key: str, twins: list[Reading], opts: dict) -> bool | None:
    """Whether this corpus shows a known word more often than its general frequency
    explains, by no more than misreadings of its cheap confusion twins could add
    (``lie`` in a damaged corpus full of ``he``); None without evidence (a corpus
    too small to show the word's rate, or a form it does not count).

    False means the corpus uses the word at its ordinary rate, or far beyond what its
    twins' misreadings could explain (``lair`` in a book fond of the word): its
    occurrences are the word itself, and a real-word repair needs more evidence.
    """
    lex = lm.lex
    q = lex.prob(key)
    p = lm.uni.get(key, 0.0)
    if p <= 0.0 or q <= 0.0 or lex.total * p < opts["excess_min_expected"]:
        return None  # too few occurrences expected to tell a rate
    unexplained = q - opts["excess_margin"] * p  # beyond what the general frequency allows
    if unexplained <= 0.0 or not lex.damage_rate:
        return False
    misreadings = lex.damage_rate * sum(max(lex.prob(r.keys[0]), lm.uni.get(r.keys[0], 0.0)) * 10 ** -r.channel
                                        for r in twins if len(r.keys) == 1)
    return misreadings >= unexplained * opts["excess_explained"]


def _realword_readings(lm: LanguageModel, surface: str, key: str, opts: dict) -> list[Reading]:
    """The real-word twins of a known form: cheap confusions and, for a junk-level form,
    very common words one edit away (once per surface and process; never modified)."""
    cands = lm.realword_cache.get(surface)
    if cands is None:
        cands = realword_candidates(
            lm, surface, key, max_channel=1.2, min_prob=opts["realword_min_prob"],
            length_changes=opts["realword_length_changes"])
        twins = _common_edit_twins(lm, surface, key, opts)
        if twins:
            have = {r.keys for r in cands}
            cands = cands + [r for r in twins if r.keys not in have]
        lm.realword_cache[surface] = cands
    if opts["ligature_drops"] and lm.lex.lost_glyphs and surface.islower():
        table = _ligature_table(lm, "twins", opts)
        extra = table.get(surface)
        if extra is None:
            extra = table[surface] = _ligature_twin_readings(lm, surface, key, opts)
        if extra:
            have = {r.keys for r in cands}
            cands = cands + [r for r in extra if r.keys not in have]
    return cands


def _ligature_realword_twin(lm: LanguageModel, key: str, opts: dict) -> bool:
    """Whether a known form is, with a ligature the corpus drops by habit put back, a word at
    least ``ligature_realword_ratio`` times as common (and ``realword_min_prob``): ``re``/``fire``,
    ``ve``/``five``, not ``at``/``flat``."""
    if lm.uni.get(key, 0.0) <= 0.0:
        return False
    return ligature_gap_twin(key, lm.uni, dropped_ligatures(lm.lex.lost_glyphs), max_prob=1.0,
                             ratio=opts["ligature_realword_ratio"], min_prob=opts["realword_min_prob"]) is not None


def _ligature_twin_readings(lm: LanguageModel, surface: str, key: str, opts: dict) -> list[Reading]:
    """The words a lowercase known form is with a lost ligature put back (``re``: ``fire``), at
    least ``realword_min_prob`` common, where the corpus drops ligatures by habit: its real-word
    twins, judged in context like any other (the real-word bar, a word pair attesting them)."""
    out = []
    for w, _lig in ligature_insertions(key, dropped_ligatures(lm.lex.lost_glyphs)):
        if lm.uni.get(w, 0.0) >= opts["realword_min_prob"]:
            text = render(w, surface, lm.lex)
            out.append(Reading(text, (w,), lm.channel(surface, text), "confusion"))
    return out


PROFILE_MIN_COST = 0.1  # the channel cost of a slip, however dominant in a document


class DocumentProfile:
    """Which slips one document makes, learned from the non-word repairs it was given
    with high confidence (``slale`` -> ``state``, ``lhey`` -> ``they``: ``l>t``).

    OCR damage is document-specific (one scan reads ``t`` as ``l`` throughout, another
    never does), and the engine's slips are blind to the lexicon: a document that turned
    ``t`` into ``l`` in dozens of non-words also did it in words (``al``, ``lo``, ``loo``).
    The real-word penalty (changing a known word needs more evidence than a non-word) is
    waived along a slip the document has shown often enough (in proportion to its count,
    in full from ``profile_full_count``), for a twin ``confusable_ratio`` times more common
    than the form read, and the slip costs what its share of the document's repairs says
    (``-log10(share)``) when that is cheaper than the general channel. Context must still
    carry the reading past ``realword_threshold`` with bigram support; the local damage
    prior still rules; only lines where the first pass found damage are read again; and a
    document without such repairs has an empty profile: it is judged exactly as before.

    How it differs from the corpus lexicon's learned confusions
    (:func:`cleaners.words.lexicon.learn_confusions`): those are votes of unknown forms
    dominated by a twin across the whole corpus, a profile that mixes every book and only
    cheapens the channel inside local damage; this one is one document's own, counts only
    repairs actually applied with high confidence, and moves the prior of real-word twins.

    >>> p = DocumentProfile({"l>t": 40, "i>t": 6}, votes=50, tokens=10_000)
    >>> p.along("al", "at"), p.along("fable", "table"), p.along("bad", "had")
    (['l>t'], None, None)
    >>> p.cost("l>t"), round(p.cost("i>t"), 3)
    (0.1, 0.921)
    """

    __slots__ = ("slips", "votes", "tokens", "names", "name_forms", "_seen", "_twins")

    def __init__(self, slips: dict[str, int], *, votes: int, tokens: int, names: dict[str, float] | None = None,
                 name_forms: frozenset[str] | None = None):
        self.slips = dict(sorted(slips.items()))  # "seen>meant" -> confident repairs along it
        self.votes = votes  # slips counted in all the confident repairs (the shares' denominator)
        self.tokens = tokens
        # "seen>meant" -> log10 odds that a capitalised form no list knows with a known
        # twin along the slip is a damaged copy of it (:func:`name_slip_odds`)
        self.names = dict(sorted((names or {}).items()))
        # the document's forms with a twin along those slips (None: not known; the profile
        # pass uses them only for the text the profile was learned from)
        self.name_forms = name_forms
        self._seen = tuple(sorted({pair.partition(">")[0] for pair in self.slips}))
        self._twins: dict[tuple[str, str], bool] = {}

    def __bool__(self) -> bool:
        return bool(self.slips)

    def cost(self, pair: str) -> float:
        """The channel cost of a profiled slip: -log10 of its share of the document's slips."""
        return max(PROFILE_MIN_COST, -math.log10(self.slips[pair] / self.votes))

    def along(self, surface: str, text: str) -> list[str] | None:
        """The profiled slips that turn ``text`` into ``surface``, if they all are."""
        pairs = [f"{a}>{b}" for a, b in char_ops(surface, text)]
        if pairs and all(p in self.slips for p in pairs):
            return pairs
        return None

    def has_twin(self, lm: LanguageModel, word: str, verdict: int | None, opts: dict) -> bool:
        """Whether a known form has a real-word twin along the profile's slips that is
        ``confusable_ratio`` times more common (``lo`` -> ``to``; not ``feel`` -> ``feet``)."""
        if verdict not in (KNOWN, CONFUSABLE, LEARNED_TWIN, CHEAP_TWIN):
            return False
        ckey = (lm.lex.digest, word)
        out = self._twins.get(ckey)
        if out is None:  # (a word with none of the profile's seen texts has no twin along it)
            out = self._twins[ckey] = any(seen in word for seen in self._seen) and self._find_twin(lm, word, opts)
        return out

    def _find_twin(self, lm: LanguageModel, word: str, opts: dict) -> bool:
        if not (word.islower() or case_pattern(word) == "title"):
            return False
        key = normalise_key(word)
        lp = lm.logp(key)
        if lp is None:
            return False
        return any(self._twin_along(lm, word, lp, r, opts) for r in _realword_readings(lm, word, key, opts))

    def _twin_along(self, lm: LanguageModel, surface: str, logp: float | None, r: Reading,
                    opts: dict) -> list[str] | None:
        """The slips of a reading along the profile, if all its slips are and its word is
        ``confusable_ratio`` times more common than the form read (``logp``)."""
        if len(r.keys) != 1 or logp is None:
            return None
        pairs = self.along(surface, r.text)
        if pairs:
            lk = lm.logp(r.keys[0])
            if lk is not None and lk >= logp + math.log10(opts["confusable_ratio"]):
                return pairs
        return None

    def reweigh(self, lm: LanguageModel, surface: str, key: str, cands: list[Reading],
                opts: dict) -> tuple[list[Reading], float, dict]:
        """``cands`` re-costed along the profile, the relief of the real-word penalty to add
        to the token's prior, and the figures that moved it (none: nothing changes).

        The relief is the best one candidate earns; the others pay back the difference
        in their channel, so each reading's odds move by its own slips only."""
        along: dict[str, tuple[list[str], float, float]] = {}
        lp = lm.logp(key)
        for r in cands:
            pairs = self._twin_along(lm, surface, lp, r, opts)
            if pairs:
                strength = min(min(1.0, self.slips[p] / opts["profile_full_count"]) for p in pairs)
                channel = min(r.channel, round(sum(self.cost(p) for p in pairs), 3))
                along[r.text] = (pairs, opts["realword_penalty"] * strength, channel)
        if not along:
            return cands, 0.0, {}
        relief = max(v[1] for v in along.values())
        out = []
        for r in cands:
            a = along.get(r.text)
            channel = a[2] + relief - a[1] if a else r.channel + relief
            out.append(Reading(r.text, r.keys, round(channel, 3), r.kind))
        figures = {"slips": {p: self.slips[p] for v in along.values() for p in v[0]},
                   "votes": self.votes, "tokens": self.tokens, "relief": round(relief, 3),
                   "channel": {text: v[2] for text, v in along.items()}}
        return out, relief, figures

    def name_twin(self, lm: LanguageModel, surface: str) -> tuple[Reading, float] | None:
        """The reading of a capitalised form no list knows (:func:`_plain_name_form`) as its
        twin along one of the document's name slips (:attr:`names`), the most common such twin, with the log10
        odds of that slip; None without one.

        >>> p = DocumentProfile({"E>L": 12}, votes=40, tokens=5000, names={"E>L": 1.4})
        >>> r, odds = p.name_twin(language_model(empty_lexicon(), _options(None)), "Eiverpool")
        >>> r.text, r.kind, odds
        ('Liverpool', 'confusion', 1.4)
        """
        if not _plain_name_form(surface):
            return None
        best = None
        for pair, odds in self.names.items():
            seen, _, meant = pair.partition(">")
            twin = slip_name_twin(lm, surface, seen, meant)
            if twin is not None:
                tk = normalise_key(twin)
                lk = lm.logp(tk)
                if best is None or lk > best[0]:
                    channel = round(min(lm.channel(surface, twin), self.cost(pair)), 3)
                    best = (lk, Reading(twin, (tk,), channel, "confusion"), odds)
        return None if best is None else best[1:]

    def name_readings(self, lm: LanguageModel, surface: str, cands: list[Reading], opts: dict, *,
                      names_only: bool = False) -> tuple[list[Reading], tuple[Reading, float] | None]:
        """``cands`` with the twin along the document's name slips (:meth:`name_twin`), and
        the twin with its odds (None: no twin, nothing changes). ``names_only``: the form is part of
        a name (beside another rare capitalised form): only a twin that is one of the
        corpus's names counts."""
        found = self.name_twin(lm, surface)
        if found is None or (names_only and not _copy_target(lm.lex, found[0].keys[0], opts)):
            return cands, None
        return _with_two_slips(cands, [found[0]]), found

    @staticmethod
    def name_weighed(lm: LanguageModel, cands: list[Reading], twin: tuple[Reading, float], asis_logp: float,
                     prior: float) -> list[Reading]:
        """``cands`` with the twin of :meth:`name_readings` re-costed (kind ``name-slip``) so
        that, context aside, it beats the form as read (log10 ``asis_logp``, the error
        ``prior`` paid by every reading) by the odds the document gives its slip
        (:func:`name_slip_odds`): the document's own forms are the evidence, not the
        general odds of a name against a damaged word. The other readings keep their
        odds against the form as read.

        >>> cands = [Reading("Lutsk", ("lutsk",), 0.5, "confusion"), Reading("Outsk", ("outsk",), 3.0, "edit")]
        >>> lm = language_model(empty_lexicon(), _options(None))
        >>> out = DocumentProfile.name_weighed(lm, cands, (cands[0], 1.5), -8.0, -2.0)
        >>> [(r.text, r.kind, r.channel) for r in out]
        [('Lutsk', 'name-slip', -2.95), ('Outsk', 'edit', 3.0)]
        """
        r, odds = twin
        lk = lm.logp(r.keys[0])
        mine = next((x for x in cands if x.keys == r.keys), r)
        # (the evidence is for the slip against the form as read, not against another reading
        # that explains the form better on its own: Jiis read as his, not as Jus)
        if any(x.keys != r.keys and _unigram_score(lm, x) > lk - mine.channel for x in cands):
            return cands
        channel = round(min(mine.channel, lk + prior - asis_logp - odds), 3)
        return [Reading(x.text, x.keys, channel, "name-slip") if x.keys == r.keys else x for x in cands]

    def to_json(self) -> dict:
        out = {"slips": dict(self.slips), "votes": self.votes, "tokens": self.tokens}
        if self.names:
            out["names"] = dict(self.names)
        return out


PROFILE_CHANCE_TWIN = 0.02  # share of real names no list knows with a known twin along one given slip
NAME_SLIP_MIN_LEN = 5  # shorter names have known twins along a slip far more often than chance


def _plain_name_form(w: str) -> bool:
    """Whether ``w`` is capitalised, its other letters lowercase (``PlPe`` is no name: its
    capitals are misread letters), and ``NAME_SLIP_MIN_LEN`` letters long at least.

    >>> [_plain_name_form(w) for w in ("Eutsk", "EuTsk", "Eugh", "eutsk")]
    [True, False, False, False]
    """
    return len(w) >= NAME_SLIP_MIN_LEN and w[:1].isupper() and w[1:].islower()


def _unigram_score(lm: LanguageModel, r: Reading) -> float:
    """A reading's log10 probability out of context, less its channel cost."""
    return sum(lm.logp(k) or lm.oov_logp for k in r.keys) - r.channel


def slip_name_twin(lm: LanguageModel, surface: str, seen: str, meant: str) -> str | None:
    """``surface`` with one ``seen`` read back as ``meant``, where that spells a form the
    general list knows (the most common such); None otherwise. (Not a name only the corpus
    knows: a recurring misreading may be one.)

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> slip_name_twin(lm, "Eiverpool", "E", "L"), slip_name_twin(lm, "Ezhovak", "E", "L")
    ('Liverpool', None)
    """
    best, best_lp = None, None
    i = surface.find(seen)
    while i != -1:
        twin = surface[:i] + meant + surface[i + len(seen):]
        tk = normalise_key(twin)
        # (a form of the general list: the corpus's own names may be recurring damage)
        if lm.uni.get(tk, 0.0) > 0.0:
            lp = lm.logp(tk)
            if lp is not None and (best_lp is None or lp > best_lp):
                best, best_lp = twin, lp
        i = surface.find(seen, i + 1)
    return best


def name_slip_odds(text: str, lm: LanguageModel, slips: dict[str, int], opts: dict) -> dict[str, float]:
    """:func:`name_slips`' odds alone."""
    return name_slips(text, lm, slips, opts)[0]


def name_slips(text: str, lm: LanguageModel, slips: dict[str, int],
               opts: dict) -> tuple[dict[str, float], frozenset[str]]:
    """Per slip of a document's profile, the log10 odds that a capitalised form no list
    knows (nor the corpus trusts) is a damaged copy of its twin along the slip; and the
    document's forms with such a twin. The odds: that a capitalised form no list
    knows (nor the corpus trusts) is a damaged copy of its twin along the slip, where it
    has a twin the general list knows (``Eiverpool``: Liverpool), from
    the document's own forms: of the ``n`` such forms holding the slip's seen letters,
    ``k`` have a twin, where chance gives real names ``PROFILE_CHANCE_TWIN * n`` (the
    share measured on the ground truth of two benchmarks: 15 of 1,632 real names no list
    knows have a known twin along one such slip). The excess over chance is damage: the
    odds are ``(k - chance) / chance``, capped at what one chance twin allows
    (``1 / PROFILE_CHANCE_TWIN``). A slip is kept when ``k`` reaches ``profile_min_count``
    and the odds are above even (a document that reads ``t`` as ``i`` in words but whose
    names with an ``i`` have known twins no more often than chance gets nothing for them).

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> text = "Eiverpool, Eisbon, Eincoln and Eausanne; Ezhovak, Elkavan, Eberoth."
    >>> name_slip_odds(text, lm, {"E>L": 8}, _options(None))
    {'E>L': 1.44}
    >>> name_slip_odds(text, lm, {"E>L": 8}, {**_options(None), "profile_min_count": 5})
    {}
    """
    capitalised = BMP_CAPITALISED_WORD_RE if bmp_only(text) else CAPITALISED_WORD_RE
    forms = sorted(filter(_plain_name_form, set(capitalised.findall(text))))  # (each distinct form once)
    unknown = [w for w in forms if lm.logp(normalise_key(w)) is None]
    out: dict[str, float] = {}
    cap = math.log10(1.0 / PROFILE_CHANCE_TWIN)
    with_twins: set[str] = set()
    for pair in slips:
        seen, _, meant = pair.partition(">")
        if not seen or not meant:
            continue
        holding = [w for w in unknown if seen in w]
        twinned = [w for w in holding if slip_name_twin(lm, w, seen, meant) is not None]
        k = len(twinned)
        chance = PROFILE_CHANCE_TWIN * len(holding)
        if k >= opts["profile_min_count"] and k > 2 * chance:
            out[pair] = round(min(cap, math.log10((k - chance) / chance)), 3)
            with_twins.update(twinned)
    return out, frozenset(with_twins)


def learn_profile(edits: list[Edit], tokens: int, opts: dict, *, text: str | None = None,
                  lm: LanguageModel | None = None) -> DocumentProfile:
    """The :class:`DocumentProfile` of a document from the edits of its first pass: the
    slips (one or two per repair, each of one or two letters, as
    :func:`cleaners.words.lexicon.learn_confusions` counts them) of its non-word repairs
    applied with ``profile_min_confidence``; a slip seen ``profile_min_count`` times is
    part of the profile. With the document's ``text`` and ``lm``, the odds its slips
    give its capitalised forms no list knows (:func:`name_slip_odds`; ``profile_names``).

    >>> from cleaners.document import Edit
    >>> e = Edit.at("slale", 0, 5, "state", stage=STAGE, reason="", confidence=1.0,
    ...             evidence={"kind": "non-word", "confusions": ["l>t", "l>t"]})
    >>> learn_profile([e, e], 100, _options(None)).to_json()
    {'slips': {'l>t': 4}, 'votes': 4, 'tokens': 100}
    """
    votes: dict[str, int] = {}
    for e in edits:
        ev = e.evidence
        if ev.get("kind") != "non-word" or e.confidence < opts["profile_min_confidence"]:
            continue
        ops = [c.partition(">") for c in ev.get("confusions", ())]
        if not ops or len(ops) > 2:
            continue
        for a, _, b in ops:
            if 0 < len(a) <= 2 and 0 < len(b) <= 2 and a.lower() != b.lower():
                pair = f"{a}>{b}"
                votes[pair] = votes.get(pair, 0) + 1
    slips = {p: c for p, c in votes.items() if c >= opts["profile_min_count"]}
    names, forms = name_slips(text, lm, slips, opts) if slips and text and lm is not None and opts["profile_names"] \
        else ({}, frozenset())
    return DocumentProfile(slips, votes=sum(votes.values()), tokens=tokens, names=names, name_forms=forms)


def document_profile(text: str, *, lexicon: CorpusLexicon | None = None,
                     options: dict | None = None) -> DocumentProfile:
    """The misreading profile of a whole document (for repairing its lines one at a time:
    ``repair_text(line, lexicon=..., profile=document_profile(document, lexicon=...))``)."""
    opts = _options(options)
    if lexicon is None:  # (built once: the repair and the profile's name odds read the same one)
        lexicon = build_corpus_lexicon([("text", text)], options=opts)
    result = repair(text, lexicon=lexicon, options={**opts, "document_profile": False})
    return learn_profile(result.edits, result.stats["tokens"], opts, text=text, lm=language_model(lexicon, opts))


def _profile_pass(text: str, prevs: list[str], lm: LanguageModel, opts: dict, patterns, protected: frozenset[str],
                  verdicts: dict[str, int], profile: DocumentProfile | None, edits: list[Edit],
                  flags: list[Flag], stats: dict) -> DocumentProfile:
    """The second pass: learn the document's profile from the first pass's edits (unless
    given), then judge again, with it, the lines (paragraphs) where the first pass found
    damage (an edit or a flag) that hold a known form with a real-word twin along its
    slips; their first-pass edits and flags are replaced (``prevs``: the first pass's
    previous line at each line; each line is settled as in the first pass, its rounds
    judged with the profile too: :func:`_judge_line`). A document whose profile is
    empty is not read again, and a line without damage is not re-read for a twin (the
    profile tells which slips the document makes, not where).
    """
    learned = profile is None  # (learned from this text: its forms with name twins are this text's)
    if learned:
        profile = learn_profile(edits, stats["tokens"], opts, text=text, lm=lm)
    if not profile:
        return profile
    lines = text.split("\n")
    line_starts = list(accumulate((len(x) + 1 for x in lines[:-1]), initial=0))
    damaged = sorted({bisect.bisect_right(line_starts, x.start) - 1 for x in (*edits, *flags)})
    redo: list[tuple[int, int]] = []
    new_edits: list[Edit] = []
    new_flags: list[Flag] = []
    scratch = {"tokens": 0, "lines_examined": 0, "suspicious": 0}
    # (a capitalised form no list knows with a twin along a name slip is damage of its own:
    # its line is read again wherever it stands)
    names_seen = tuple(sorted({pair.partition(">")[0] for pair in profile.names}))
    looked = damaged
    if names_seen:
        forms = profile.name_forms if learned else None
        looked = sorted(set(damaged).union(_lines_holding(text, line_starts, lines, forms, names_seen)))
    damaged_set = set(damaged)
    for k in looked:
        line = lines[k]
        if not any(seen in line for seen in profile._seen):
            continue
        words = WORD_RE.findall(line)
        forms = list(map(verdicts.get, words))
        if None in forms:
            _classify_missing(words, forms, verdicts, lm, protected, opts)
        pairs = dict.fromkeys(zip(words, forms))  # (each form once)
        if not (k in damaged_set and any(profile.has_twin(lm, wd, v, opts) for wd, v in pairs)) \
                and not (names_seen and any(v == SUSPICIOUS and profile.name_twin(lm, wd) is not None
                                            for wd, v in pairs)):
            continue
        pos = line_starts[k]
        prev = prevs[k]
        redo.append((pos, pos + len(line)))
        _judge_line(text, pos, line, lm, opts, patterns, protected, verdicts, words, forms, new_edits, new_flags,
                    scratch, after_hyphen=prev.endswith("-") and prev[-2:-1].isalpha(),
                    starts_sentence=not prev or _ends_sentence(prev), profile=profile)
    if redo:
        starts = [a for a, _ in redo]

        def redone(start: int) -> bool:
            j = bisect.bisect_right(starts, start) - 1
            return j >= 0 and start <= redo[j][1]

        edits[:] = sorted([e for e in edits if not redone(e.start)] + new_edits, key=lambda e: (e.start, e.end))
        flags[:] = sorted([f for f in flags if not redone(f.start)] + new_flags, key=lambda f: (f.start, f.end))
    stats["profile_lines"] = len(redo)
    return profile


def _lines_holding(text: str, line_starts: list[int], lines: list[str], forms: frozenset[str] | None,
                   seen: tuple[str, ...]) -> set[int]:
    """The lines of ``text`` where one of ``forms`` occurs (found by its occurrences, not by
    reading every line), or, ``forms`` unknown (None), every line holding one of ``seen``."""
    if forms is None:
        return {k for k, line in enumerate(lines) if any(x in line for x in seen)}
    out: set[int] = set()
    for form in sorted(forms):
        i = text.find(form)
        while i != -1:
            out.add(bisect.bisect_right(line_starts, i) - 1)
            i = text.find(form, i + 1)
    return out


def _with_short_words(lm: LanguageModel, surface: str, key: str, cands: list[Reading],
                      opts: dict) -> list[Reading]:
    """``cands`` plus the frequent two- and three-letter words the token is with one
    letter printed that was not meant (``himn``, ``anid``): the general one-edit
    index only holds words of four letters or more.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [r.text for r in _with_short_words(lm, "himn", "himn", [], _options(None))]
    ['him']
    """
    if not 3 <= len(key) <= 4 or not key.isalpha():
        return cands
    have = {r.keys for r in cands}
    extra = []
    for i in range(len(key)):
        w = key[:i] + key[i + 1:]
        if (w,) in have or lm.uni.get(w, 0.0) < opts["short_word_min_prob"]:
            continue
        have.add((w,))
        text = render(w, surface, lm.lex)
        c = channel_cost_within(surface, text, opts["max_channel_cost"])
        if c <= opts["max_channel_cost"]:
            extra.append(Reading(text, (w,), c, "edit"))
    return sorted(cands + extra, key=lambda r: (r.channel, r.text)) if extra else cands


def _with_two_slips(cands: list[Reading], extra: list[Reading]) -> list[Reading]:
    """``cands`` plus the readings two slips away (``extra``, from
    :func:`cleaners.words.scoring.two_slip_candidates`); a word already among them
    keeps the cheaper of its two readings.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [(r.text, r.kind) for r in _with_two_slips([], two_slip_candidates(lm, "grouiid", "grouiid"))]
    [('ground', 'two-slip')]
    """
    best = {r.keys: r for r in cands}
    for r in extra:
        cur = best.get(r.keys)
        if cur is None or r.channel < cur.channel:
            best[r.keys] = r
    return sorted(best.values(), key=lambda r: (r.channel, r.text))


def _deep_slips_unattested(lm: LanguageModel, best: Reading, readings: list[Reading], opts: dict) -> bool:
    """Whether ``best``, a reading several cheap confusions away (kind ``"deep-slips"``)
    with no word pair attesting it, is applied all the same: a posterior of at least
    ``deep_slips_unattested_threshold``, at least ``sole_reading_share`` of the word
    readings' posterior its own, and a word of the spell-checked list or the corpus
    (:func:`_unsure_reading`: not a rare form of the large list only).

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> rs = [Reading("upon", ("upon",), 2.2, "deep-slips", posterior=0.9995),
    ...       Reading("npoh", ("npoh",), 0.0, "as-is", posterior=0.0005)]
    >>> _deep_slips_unattested(lm, rs[0], rs, _options(None))
    True
    >>> rs[0].posterior = 0.98
    >>> _deep_slips_unattested(lm, rs[0], rs, _options(None))
    False
    """
    if best.posterior < opts["deep_slips_unattested_threshold"] or _unsure_reading(lm, best):
        return False
    words = sum(r.posterior for r in readings if r.kind != "as-is")
    return best.posterior >= opts["sole_reading_share"] * words


def _distant_judged(lm: LanguageModel, surface: str, key: str, cands: list[Reading], readings: list[Reading],
                    judge, left: str | None, right: str | None, opts: dict) -> tuple[list[Reading], bool]:
    """The decision on a lowercase non-word once common words two arbitrary edits away
    (:func:`cleaners.words.distant.distant_candidates`, once per surface) join ``cands``:
    the new readings when one of them wins (applied only on :func:`distant_applies`'s
    terms, else flagged), the earlier ``readings`` (not applied) otherwise."""
    ckey = (surface, "distant", opts["distant_max_channel"])
    far = lm.candidate_cache.get(ckey)
    if far is None:
        far = lm.candidate_cache[ckey] = distant_candidates(lm, surface, key, max_channel=opts["distant_max_channel"])
    if not far:
        return readings, False
    merged, _ = judge(_with_two_slips(cands, far))
    if merged[0].kind != "distant":
        return readings, False
    return merged, distant_applies(lm, merged, left, right, threshold=opts["distant_threshold"],
                                   attested_threshold=opts["distant_attested_threshold"],
                                   margin=opts["distant_margin"])


def _name_two_slips(lm: LanguageModel, surface: str, key: str, opts: dict) -> tuple[list[Reading], float]:
    """Names the corpus writes far more often than a capitalised one-off form, two slips
    from it (:func:`cleaners.words.scoring.name_two_slip_candidates`; once per surface
    and corpus), and the strongest copy evidence among them: only names with copy
    evidence (:func:`_copy_evidence`, of the name itself for a possessive) are kept,
    so a clean corpus, whose damage rate predicts no copies, gets none.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"ostrava": 40}, surfaces={"ostrava": "Ostrava"}, total=1000, damage_rate=0.09)
    >>> found, evidence = _name_two_slips(language_model(lex, _options(None)), "Ostmva", "ostmva", _options(None))
    >>> [r.text for r in found], evidence
    (['Ostrava'], 4.669)
    >>> lex = CorpusLexicon(counts={"ostrava": 40}, surfaces={"ostrava": "Ostrava"}, total=1000, damage_rate=0.001)
    >>> _name_two_slips(language_model(lex, _options(None)), "Ostmva", "ostmva", _options(None))
    ([], 0.0)
    """
    ckey = (surface, "name-two-slips")
    out = lm.candidate_cache.get(ckey)
    if out is None:
        stem = key[:-2] if key.endswith("'s") else key
        kept, evidence = [], 0.0
        for r in name_two_slip_candidates(lm, surface, key, min_count=opts["name_two_slips_min_count"]):
            name = r.keys[0][:len(r.keys[0]) - (len(key) - len(stem))]
            e = _copy_evidence(lm, stem, [Reading(name, (name,), r.channel, r.kind)], opts)
            copies = _bucket_centre(lm.lex.counts.get(name, 0)) * lm.lex.damage_rate / _bucket_centre(
                lm.lex.form_count(stem))
            if e > 0.0 and copies >= opts["name_two_slips_min_copies"]:
                kept.append(r)
                evidence = max(evidence, e)
        out = lm.candidate_cache[ckey] = (kept, evidence)
    return out


def _bucket_centre(count: int) -> float:
    """The count a quantised one stands for: the lexicon floors counts to powers of two, so
    ``c`` (above 1) is any of ``c`` .. ``2c - 1``, whose geometric centre is ``c * sqrt(2)``.

    >>> _bucket_centre(64), _bucket_centre(1), _bucket_centre(0)
    (90.51, 1, 0)
    """
    return round(count * math.sqrt(2), 2) if count > 1 else count


def _named_readings(lm: LanguageModel, cands: list[Reading], opts: dict) -> list[Reading]:
    """The readings a probable name may get: an arbitrary edit only to one of the
    corpus's own names (a damaged name is another of its names): a form it always
    capitalises, or capitalises inside sentences far more often than not (London,
    whatever a damaged line wrote once), or a word it often capitalises inside
    sentences (``Courb``: the Court of a corpus of police reports;
    :attr:`CorpusLexicon.titled`) often enough for its damage to predict copies.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lm = language_model(CorpusLexicon(counts={"london": 128, "luring": 2}, capitalised={"london": "London"},
    ...                                   total=1024), _options(None))
    >>> [r.text for r in _named_readings(lm, [Reading("London", ("london",), 3.0, "edit"),
    ...                                       Reading("Luring", ("luring",), 3.0, "edit")], _options(None))]
    ['London']
    """
    mode = opts["named_generic"]
    if mode == "all":
        return cands
    lex = lm.lex
    return [r for r in cands if r.kind != "edit" or _copy_target(lex, r.keys[0], opts)]


def _copy_target(lex: CorpusLexicon, key: str, opts: dict) -> bool:
    """Whether a capitalised form may be read as ``key``, whatever the slip: a name of
    the corpus, or a word it often capitalises (:attr:`CorpusLexicon.titled`) where its
    damage predicts copies of it (a clean corpus's rare capitalised form stays a name).

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"court": 64, "koba": 8}, surfaces={"koba": "Koba"}, titled={"court": 16},
    ...                     total=1024, damage_rate=0.0884)
    >>> [_copy_target(lex, k, _options(None)) for k in ("court", "koba", "house")]
    [True, True, False]
    >>> lex.damage_rate = 0.001
    >>> [_copy_target(lex, k, _options(None)) for k in ("court", "koba")]
    [False, True]
    """
    if lex.name_spelling(key) is not None:
        return True
    titled = lex.titled.get(key, 0)
    return titled > 0 and titled * lex.damage_rate > opts["copy_min_expected"]


def _copies_a_name(lm: LanguageModel, surface: str, key: str, opts: dict,
                   profile: DocumentProfile | None = None) -> bool:
    """Whether a capitalised unknown form has copy evidence (:func:`_copy_evidence`) from
    its one-slip readings to the corpus's names (once per surface and process), or, with
    the document's ``profile``, a twin along its name slips that is one of the corpus's
    names (:meth:`DocumentProfile.name_twin`)."""
    if profile and profile.names:
        found = profile.name_twin(lm, surface)
        if found is not None and _copy_target(lm.lex, found[0].keys[0], opts):
            return True
    ckey = (surface, "copies-a-name")
    out = lm.candidate_cache.get(ckey)
    if out is None:
        cands = nonword_candidates(lm, surface, key, max_channel=opts["max_channel_cost"], allow_split=False)
        named = [r for r in cands if len(r.keys) == 1 and _copy_target(lm.lex, r.keys[0], opts)]
        out = lm.candidate_cache[ckey] = bool(named) and _copy_evidence(lm, key, named, opts) > 0.0
    return out


ACRONYM_MIN_LEN = 4  # shorter acronyms are too dense: many real ones one slip apart (GPU, GRU)
ACRONYM_MAX_LEN = 5  # longer ALL-CAPS forms are words in capitals, judged like any other (_skippable)
ACRONYM_SLIP_MAX_COST = 1.0  # only a cheap confusion of the channel model (BSPCA: R read as B)


def _acronym_copies(lm: LanguageModel, surface: str, key: str, opts: dict) -> list[Reading]:
    """The one reading of a short ALL-CAPS form no list knows (or only at a junk-level
    rate: the general list holds many stray acronyms) as a damaged copy of an
    acronym of the corpus (a form it always writes in capitals, at least
    ``acronym_copy_min_count`` times): the same length, one cheap confusion away, with
    copy evidence (:func:`_copy_evidence`: the corpus's damage predicts such copies).
    Empty when none or several acronyms qualify (two readings: the form stays and
    nothing is flagged). Once per surface and corpus.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"rspca": 64, "nkvd": 64}, surfaces={"rspca": "RSPCA", "nkvd": "NKVD"},
    ...                     total=100_000, damage_rate=0.0156)
    >>> lm = language_model(lex, _options(None))
    >>> [r.text for r in _acronym_copies(lm, "BSPCA", "bspca", _options(None))]
    ['RSPCA']
    >>> _acronym_copies(lm, "NKVB", "nkvb", _options(None))  # (D read as B: no cheap confusion)
    []
    >>> clean = CorpusLexicon(counts={"rspca": 64}, surfaces={"rspca": "RSPCA"}, total=100_000, damage_rate=0.0005)
    >>> _acronym_copies(language_model(clean, _options(None)), "BSPCA", "bspca", _options(None))
    []
    """
    ckey = (surface, "acronym-copies", opts["acronym_copy_min_count"], opts["copy_min_expected"], opts["copy_weight"])
    out = lm.candidate_cache.get(ckey)
    if out is not None:
        return out
    out = []
    lex = lm.lex
    if (ACRONYM_MIN_LEN <= len(surface) <= ACRONYM_MAX_LEN and surface.isalpha() and surface.isupper()
            and not lex.trusted(key) and (lm.logp(key) or -99.0) < math.log10(opts["suspect_prob"])):
        found = []
        for k in lm.one_edit(key):
            spelling = lex.surfaces.get(k)
            if (len(k) != len(key) or spelling is None or not spelling.isupper() or not one_edit_apart(k, key)
                    or lex.counts.get(k, 0) < opts["acronym_copy_min_count"]):
                continue
            c = channel_cost_within(surface, spelling, ACRONYM_SLIP_MAX_COST)
            if c <= ACRONYM_SLIP_MAX_COST:
                found.append(Reading(spelling, (k,), c, "confusion"))
        if len(found) == 1 and _copy_evidence(lm, key, found, opts) > 0.0:
            out = found
    lm.candidate_cache[ckey] = out
    return out


def _after_lowercase_word(tokens, i: int) -> bool:
    """Whether token ``i`` follows a lowercase word with nothing but spaces between them."""
    return i > 0 and not tokens[i].left_break and tokens[i - 1].text.islower()


def _common_word_readings(lm: LanguageModel, surface: str, cands: list[Reading], opts: dict) -> list[Reading]:
    """The lowercase readings of a capitalised form as a common word one slip away
    (``Euring`` -> ``during``: a lowercase letter misread as a capital), for the
    words of ``cands`` at least ``lowercase_twin_min_prob`` common that are not names
    of the corpus.

    >>> lm = language_model(empty_lexicon(), _options(None))
    >>> [(r.text, r.channel) for r in _common_word_readings(lm, "Euring",
    ...     [Reading("During", ("during",), 3.0, "edit"), Reading("Luring", ("luring",), 0.5, "confusion")],
    ...     _options(None))]
    [('during', 3.0)]
    """
    out = []
    bar = opts["lowercase_twin_min_prob"]
    lex = lm.lex
    for r in cands:
        if len(r.keys) != 1:
            continue
        k = r.keys[0]
        # (a word the corpus often capitalises keeps its capital: the Court)
        if lm.uni.get(k, 0.0) < bar or not k.isalpha() or lex.title_count(k):
            continue
        c = channel_cost_within(surface, k, opts["max_channel_cost"])
        if c <= opts["max_channel_cost"]:
            out.append(Reading(k, (k,), c, r.kind))
    return out


def _copy_evidence(lm: LanguageModel, key: str, cands: list[Reading], opts: dict) -> float:
    """How much less likely a capitalised unknown form is as read, in log10 units, when
    a reading of it is a name the corpus writes far more often than the form
    (``Whiteshapel`` once in a damaged corpus that writes ``Whitechapel`` dozens of
    times): a new name one slip from a frequent one is rarer than a damaged copy of it.

    The evidence is how many damaged copies of the name the corpus's damage rate
    predicts (its count times the share of damaged tokens) per occurrence of the form:
    ``copy_weight`` per power of ten above ``copy_min_expected``. A clean corpus makes
    few copies, so a one-off transliteration beside its variant (Golubov, Golubev) keeps
    its benefit of the doubt; a form that comes back (Gormon twice) gets less.
    Where copies are predicted at all, a long form gets ``copy_length_weight`` more per
    letter beyond ``COPY_LENGTH_FREE``: real names crowd one slip from each other only
    when short (Smith, Smyth), a new name one slip from an eleven-letter one is rare.
    Only names of the corpus count (:meth:`CorpusLexicon.name_spelling`), and words it
    often capitalises inside sentences, by the count of those uses (:meth:`CorpusLexicon.title_count`:
    ``Courb`` beside a hundred ``Court``). Two real
    names one slip apart (Smyth, Smith) both recur, are both trusted and never get here.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"whitechapel": 64, "gordon": 4, "white": 64},
    ...                     surfaces={"whitechapel": "Whitechapel", "gordon": "Gordon"},
    ...                     repeats={"gormon": 2}, total=1024, damage_rate=0.0884)
    >>> lm = language_model(lex, _options(None))
    >>> _copy_evidence(lm, "whiteshapel", [Reading("Whitechapel", ("whitechapel",), 3.0, "edit")], _options(None))
    7.258
    >>> _copy_evidence(lm, "gormon", [Reading("Gordon", ("gordon",), 3.0, "edit")], _options(None))
    0.742
    >>> _copy_evidence(lm, "whitey", [Reading("White", ("white",), 3.0, "edit")], _options(None))
    0.0
    """
    lex = lm.lex
    best = 0
    for r in cands:
        if len(r.keys) == 1:
            best = max(best, lex.title_count(r.keys[0]))
    x = best * lex.damage_rate / (lex.form_count(key) * opts["copy_min_expected"])
    if x <= 1.0 or not opts["copy_weight"]:  # (copy_weight 0: no copy evidence at all)
        return 0.0
    return round(opts["copy_weight"] * math.log10(x) + opts["copy_length_weight"] * max(0, len(key) - COPY_LENGTH_FREE), 3)


COPY_LENGTH_FREE = 7  # letters up to which a name may well have a real neighbour one slip away


def _damaged_channel(lm: LanguageModel, surface: str, cands: list[Reading], density: float,
                     opts: dict) -> list[Reading]:
    """Candidates re-costed with the corpus's full misreading profile when the token
    sits among damaged words; unchanged in clean context, where only the learned
    costs that cannot fall as the corpus gets cleaner apply (clean text stays clean)."""
    if density < opts["learned_damage_min"] or not lm.learned_damaged:
        return cands
    return [Reading(r.text, r.keys, lm.channel(surface, r.text, damaged=True), r.kind)
            if r.kind == "confusion" else r for r in cands]


JOIN_COST = 0.3


JOIN_GENERIC_MIN_LEN = 7  # two non-words joined this long may hide one arbitrary slip too


def _joined_candidates(lm: LanguageModel, surface: str, key: str, *, generic: bool = False,
                       max_channel: float = 1.0) -> list[Reading]:
    """Cheap confusion readings of two tokens read as one, and with ``generic`` any one
    slip up to ``max_channel`` (once per surface and process; the readings are never
    modified by their users)."""
    ckey = (surface, "joined", generic)
    cands = lm.candidate_cache.get(ckey)
    if cands is None:
        if generic:
            cands = nonword_candidates(lm, surface, key, max_channel=max_channel, allow_split=False)
        else:
            cands = nonword_candidates(lm, surface, key, max_channel=1.0, generic=False, allow_split=False)
        lm.candidate_cache[ckey] = cands
    return cands


def _judge_join(line: str, tokens: list[Token], i: int, lm: LanguageModel, opts: dict,
                suspicious, fragment, skip, context, error_logprior) -> _Decision | None:
    """A word split in two (``shou ld``, ``pri soner``, ``sub- sequently``): join when the
    joined form is a known word and at least one half is not."""
    a, b = tokens[i], tokens[i + 1]
    gap = line[a.end:b.start]
    if gap == " " and a.text == "l" and b.text.isdigit():
        return _judge_split_number(tokens, i, lm, opts) if opts["join_split_numbers"] else None
    if gap == " ":
        if not (suspicious[i] or suspicious[i + 1] or _lone_letter(a.text) or _lone_letter(b.text)):
            return None
        for j in (i, i + 1):  # a lone letter may be a split-off piece (shou ld)
            if skip[j] and not fragment[j] and not (len(tokens[j].text) == 1 and tokens[j].text.isalpha()):
                return None
    elif gap == "- ":
        if not fragment[i] or not a.text.isalpha() or not b.text.islower():
            return None
        return _judge_break_hyphen(line, tokens, i, lm, opts, context, error_logprior)
    elif len(gap) >= 2 and MISREAD_BREAK_RE.fullmatch(gap):
        if not a.text.isalpha() or not b.text.islower() or any(skip[j] and not fragment[j] for j in (i, i + 1)):
            return None
        return _judge_misread_break(tokens, i, gap, lm, opts, context, error_logprior)
    elif gap in STRAY_MARKS:
        return _judge_stray_mark(tokens, i, gap, lm, skip, fragment)
    elif gap == "-":
        if skip[i] or skip[i + 1] or not opts["compound_slip_cost"]:
            return None  # (a protected part: a user's word or pattern, a path, an address)
        return _judge_compound(line, tokens, i, lm, opts)
    elif len(gap) == 1 and gap in GLYPHS:
        # a stray glyph inside a word (T!ie, t;o, h)er): the word must be odd without it
        for j in (i, i + 1):
            if skip[j] and len(tokens[j].text) > 2:
                return None
        if not (suspicious[i] or suspicious[i + 1] or min(len(a.text), len(b.text)) <= 2):
            return None
        if not (a.text.isalpha() and b.text.isalpha()):
            return None
        return _judge_glyph(line, tokens, i, gap, lm, opts, context, error_logprior)
    else:
        return None
    surface = a.text + b.text
    if not surface.isalpha() or case_pattern(surface) == "upper":
        return None
    key = normalise_key(surface)
    if gap == " " and (suspicious[i] or suspicious[i + 1]) and _ligature_gap_half(lm, a, b, opts):
        return None
    if gap == " " and not (suspicious[i] or suspicious[i + 1]):
        return _judge_lone_letter(tokens, i, surface, key, lm, opts, context, error_logprior)
    cands: list[Reading] = []
    if lm.lex.trusted(key) or lm.uni.get(key, 0.0) >= opts["join_min_prob"]:
        cands.append(Reading(render(key, surface, lm.lex), (key,), JOIN_COST, "join"))
    elif gap == " " and all(lm.logp(t.key) is None or lm.logp(t.key) < -5 for t in (a, b)):
        # two pieces that are no words at all may also hide one generic slip (cer tainly)
        generic = (len(key) >= JOIN_GENERIC_MIN_LEN and case_pattern(surface) in ("lower", "title")
                   and all(lm.logp(t.key) is None or lm.logp(t.key) < BREAK_WORD_LOGP for t in (a, b)))
        for r in _joined_candidates(lm, surface, key, generic=generic,
                                    max_channel=opts["max_channel_cost"]):
            if lm.uni.get(r.keys[0], 0.0) >= opts["join_min_prob"] or lm.lex.trusted(r.keys[0]):
                cands.append(Reading(r.text, r.keys, r.channel + JOIN_COST, "join"))
        if cands:
            # two damaged words side by side (tlie rnan) are more often two words each
            # misread than one word split: the join competes with that reading too
            apart = _separate_reading(lm, a, b, opts, error_logprior(i))
            if apart is not None:
                cands.append(apart)
    if not cands:
        if gap == " " and opts["join_written_names"]:
            return _judge_written_join(tokens, i, surface, key, lm, opts, error_logprior)
        return None
    return _decide_pair(tokens, i, gap, cands, lm, opts, context, error_logprior)


def _ligature_gap_half(lm: LanguageModel, a: Token, b: Token, opts: dict) -> bool:
    """Whether one of two tokens is the gap a lost ligature left (:func:`_ligature_gap`), in a
    corpus that drops ligatures by habit: ``me ows`` is ``me flows``, ``a nger`` is ``a finger``,
    not a word split in two (``meows``, ``anger``); each token is judged on its own."""
    return bool(opts["ligature_drops"] and lm.lex.lost_glyphs
                and any(_ligature_gap(lm, t.text, t.key, opts) for t in (a, b) if t.text.islower()))


def _separate_reading(lm: LanguageModel, a: Token, b: Token, opts: dict,
                      error_logprior: float) -> Reading | None:
    """Tokens ``a`` and ``b`` read as two words, each unknown one by its best one-slip
    reading (``tlie rnan``: the man), costed as two misreadings; None when a token has
    no such reading."""
    texts, keys, cost = [], [], 0.0
    for t in (a, b):
        lp = lm.logp(t.key)
        if lp is not None and lp >= BREAK_WORD_LOGP:
            texts.append(t.text)
            keys.append(t.key)
            continue
        found = _joined_candidates(lm, t.text, t.key)  # (the same cheap one-slip readings)
        if not found:
            return None
        best = min(found, key=lambda r: (r.channel, -(lm.logp(r.keys[0]) or -99.0), r.text))
        texts.append(best.text)
        keys.extend(best.keys)
        # (each misreading pays the prior of an error; the reading as a whole pays one)
        cost += best.channel - error_logprior
    return Reading(" ".join(texts), tuple(keys), cost + error_logprior, "apart")


LONE_JOIN_MIN_PROB = 1e-4  # two lone letters join only into a word at least this common


def _judge_lone_letter(tokens: list[Token], i: int, surface: str, key: str, lm: LanguageModel,
                       opts: dict, context, error_logprior) -> _Decision | None:
    """``i n``, ``o n``: two lone letters read as one common word. A lone letter next to a
    known word is far more often a speck of noise (``he r prescribed``, ``complain t``)
    than a piece split off (``an d``): that is left to the suspicious-token path. Damaged
    text also makes short "words" by chance (``e r``, ``c C``), so the joined form must
    be a common word of the general list in one consistent case."""
    if case_pattern(surface) not in ("lower", "title") or len(key) != 2:
        return None
    if lm.uni.get(key, 0.0) < LONE_JOIN_MIN_PROB:
        return None
    cands = [Reading(render(key, surface, lm.lex), (key,), JOIN_COST, "join")]
    return _decide_pair(tokens, i, " ", cands, lm, opts, context, error_logprior)


#: a lone "l" (no word) after a blank or an opening bracket, a space and three digits ending a number
SPLIT_NUMBER_RE = re.compile(r"(?<![^\s(\[])l \d{3}(?![\w'’]|[.,]\d)")
SPLIT_NUMBER_CONFIDENCE = 0.95


def _judge_split_number(tokens: list[Token], i: int, lm: LanguageModel, opts: dict) -> _Decision | None:
    """``l 907``: a four-digit number split after its first digit, read as a letter (l for 1),
    joined when the corpus writes that number (``lexicon.numbers``) at least ``trust_min_count``
    times and more often than the three digits alone.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(numbers={"1907": 16}, total=100_000)
    >>> repair_text("It was signed in May l 907 in Paris.", lexicon=lex)[0]
    'It was signed in May 1907 in Paris.'
    >>> repair_text("It was signed in May l 908 in Paris.", lexicon=lex)[0]
    'It was signed in May l 908 in Paris.'
    """
    a, b = tokens[i], tokens[i + 1]
    if len(b.text) != 3 or not b.text.isascii():
        return None
    joined = "1" + b.text
    numbers = lm.lex.numbers
    count = numbers.get(joined, 0)
    if count < opts["trust_min_count"] or numbers.get(b.text, 0) >= count:
        return None
    readings = [Reading(joined, (joined,), 0.0, "number", posterior=SPLIT_NUMBER_CONFIDENCE),
                Reading(f"{a.text} {b.text}", (a.key, b.key), 0.0, "as-is", posterior=1.0 - SPLIT_NUMBER_CONFIDENCE)]
    return _Decision(i, readings, True, "join", 0.0, end_index=i + 1)




def _judge_written_join(tokens: list[Token], i: int, surface: str, key: str, lm: LanguageModel, opts: dict,
                        error_logprior) -> _Decision | None:
    """A capitalised name split by a stray space (``Kas parov``): joined when the corpus
    writes the whole name elsewhere, even once (``lexicon.written_once``, ``repeats``), or, both pieces
    being unknown, when a name the corpus trusts is the joined form with one letter too many
    (``Kaspr arov``: a speck read as a letter and a space).

    Only a piece no list knows and the corpus writes nowhere else (its lowercase second
    piece) makes a split likely: two real words (``Mac Nab``) and a capitalised second
    piece (``Le Roy``) are left alone. The join competes with the pieces as they stand,
    each unknown piece at the probability of an unknown form, the joined name at the
    corpus's rate of it.

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"kasparov": 16}, surfaces={"kasparov": "Kasparov"},
    ...                     written_once=frozenset({"ostrovich"}), total=100_000)
    >>> repair_text("He met Os trovich and Kaspr arov there.", lexicon=lex)[0]
    'He met Ostrovich and Kasparov there.'
    >>> repair_text("He met Petro vsky there.", lexicon=lex)[0]  # (no Petrovsky in the corpus)
    'He met Petro vsky there.'
    """
    a, b = tokens[i], tokens[i + 1]
    if case_pattern(surface) != "title" or len(key) < ONCE_MIN_LEN or not b.text.islower():
        return None
    la, lb = lm.logp(a.key), lm.logp(b.key)
    if lb is not None:  # (the lowercase piece must be no word of any list, nor of the corpus)
        return None
    lex = lm.lex
    cands: list[Reading] = []
    if key in lex.written_once or key in lex.repeats:  # (a name the corpus writes but does not trust)
        rate = lex.form_count(key) / max(lex.total, 1)
        cands.append(Reading(render(key, surface, lex), (key,), JOIN_COST, "join", lm=math.log10(rate)))
    elif la is None:
        for p in range(1, len(key) - 1):  # (never the first or last letter: a piece of the name, not a speck)
            d = key[:p] + key[p + 1:]
            spelling = lex.name_spelling(d)
            if spelling is not None and lex.counts.get(d, 0) >= opts["trust_min_count"]:
                c = lm.channel(surface, spelling) + JOIN_COST
                if c <= opts["max_channel_cost"]:
                    cands.append(Reading(spelling, (d,), c, "join", lm=lm.logp(d) or lm.oov_logp))
    if not cands:
        return None
    prior = error_logprior(i)
    asis_lm = (la if la is not None else lm.name_logp) + lm.oov_logp
    asis = Reading(f"{a.text} {b.text}", (a.key, b.key), 0.0, "as-is", lm=asis_lm, score=asis_lm)
    for r in cands:
        r.score = r.lm - r.channel + prior
    return _decision_of(i, asis, cands, opts)


def _decision_of(i: int, asis: Reading, cands: list[Reading], opts: dict) -> _Decision | None:
    """Posteriors of readings already scored; a join applied at ``threshold``, flagged
    above ``flag_threshold``, else None."""
    allr = posteriors([asis] + cands)
    best = allr[0]
    if best.kind == "as-is" and best.posterior > 1 - opts["flag_threshold"]:
        return None
    return _Decision(i, allr, best.kind != "as-is" and best.posterior >= opts["threshold"], "join", 0.0,
                     end_index=i + 1)


COMPOUND_CONFIDENCE = 0.95  # a damaged compound part: the corpus's compound and the general list agree


def _compound_index(lm: LanguageModel) -> tuple[dict, dict]:
    """The corpus's capitalised compounds by head key and by tail key (``"all"`` ->
    [("union", ("All", "Union", count))]), built once per lexicon (kept on its model)."""
    out = lm.lexicon_tables.get("compounds")
    if out is None:
        by_head, by_tail = {}, {}
        for surface, count in lm.lex.compounds.items():
            head, _, tail = surface.partition("-")
            hk, tk = normalise_key(head), normalise_key(tail)
            entry = (head, tail, count)
            by_head.setdefault(hk, []).append((tk, entry))
            by_tail.setdefault(tk, []).append((hk, entry))
        out = lm.lexicon_tables["compounds"] = (by_head, by_tail)
    return out


def _judge_compound(line: str, tokens: list[Token], i: int, lm: LanguageModel, opts: dict) -> _Decision | None:
    """``Anglo-Saxou``: a capitalised compound one cheap slip in one part from a compound the
    corpus writes (``Anglo-Saxon``) is a damaged copy of it.

    The compound the corpus writes with the other part is the context; the general list
    decides which spelling of the part is the word: the other spelling must be far more
    common there (``dominance_ratio``; a spelling no list knows counts as never seen). Only
    a part the corpus writes nowhere outside its compounds and the general list knows at most
    rarely is read so: a real variant (a name written apart too) stands, and two spellings
    no list knows (``Ostrov-Velsk``, ``Ostrov-Veisk``) stand. The counts of the two compounds
    do not decide: a repair changes them, and the same text must come out of a second
    cleaning (a damaged copy may even be written more often than the word it copies).

    >>> from cleaners.words.lexicon import CorpusLexicon
    >>> lex = CorpusLexicon(counts={"anglo": 4, "saxon": 4}, compounds={"Anglo-Saxon": 4, "Anglo-Saxou": 1},
    ...                     total=100_000)
    >>> repair_text("The Anglo-Saxou chronicle.", lexicon=lex)[0]
    'The Anglo-Saxon chronicle.'
    """
    a, b = tokens[i], tokens[i + 1]
    lex = lm.lex
    if not lex.compounds or not (a.text.isalpha() and b.text.isalpha()):
        return None
    if i + 2 < len(tokens) and line[b.end:tokens[i + 2].start] == "-":
        return None  # (a chain, Rostov-on-Don: the lexicon counts two-part compounds only)
    if i and line[tokens[i - 1].end:a.start] == "-":
        return None
    by_head, by_tail = _compound_index(lm)
    max_cost, ratio = opts["compound_slip_cost"], opts["dominance_ratio"]
    cands: list[Reading] = []
    for side, part, other in ((0, a, b), (1, b, a)):
        sharing = (by_tail if side == 0 else by_head).get(other.key, ())
        if not sharing:
            continue
        p_part = lm.uni.get(part.key, 0.0)
        if p_part >= opts["known_prob"]:
            continue  # an ordinary word of the general list: a compound of its own
        inside = sum(e[2] for _k, e in by_head.get(part.key, ())) + sum(e[2] for _k, e in by_tail.get(part.key, ()))
        if lex.counts.get(part.key, 0) > inside:
            continue  # the corpus writes the part outside its compounds too: a real form
        for k, (head, tail, _count) in sharing:
            p_other = lm.uni.get(k, 0.0)
            if k == part.key or p_other <= 0.0 or p_other < ratio * p_part:
                continue
            spelling = head if side == 0 else tail
            c = lm.channel(part.text, spelling)
            if c > max_cost:
                continue
            text = f"{spelling}-{b.text}" if side == 0 else f"{a.text}-{spelling}"
            keys = (k, b.key) if side == 0 else (a.key, k)
            cands.append(Reading(text, keys, c, "compound", lm=math.log10(p_other)))
    if not cands:
        return None
    best = min(cands, key=lambda r: (r.channel, -r.lm, r.text))
    best.posterior = COMPOUND_CONFIDENCE
    asis = Reading(line[a.start:b.end], (a.key, b.key), 0.0, "as-is", posterior=1.0 - COMPOUND_CONFIDENCE)
    return _Decision(i, [best, asis], True, "join", 0.0, end_index=i + 1)


def _lone_letter(w: str) -> bool:
    """A one-letter token that is no word of its own (``d`` in ``an d``; ``a`` and ``I`` are words)."""
    return len(w) == 1 and w.isalpha() and w not in "aAI"


#: a hyphen before one of these is suspended (``pre- and post-war``, ``two- or three-fold``)
SUSPENDING_WORDS = frozenset({"and", "or", "nor", "to"})
BREAK_WORD_LOGP = -6.0  # halves at least this common are both ordinary words


def _judge_break_hyphen(line: str, tokens: list[Token], i: int, lm: LanguageModel, opts: dict,
                        context, error_logprior) -> _Decision | None:
    """``con- stable`` inside a line: a line-break hyphen whose line break was lost.

    A hyphen followed by a space is what a word broken at a line end becomes when
    the line breaks are flattened to spaces, so reading the two halves as one word
    is no misreading at all: the join is scored against the two words as they stand
    with the odds of ``break_join_prior`` instead of the misread prior (even odds when
    both halves are ordinary words, which may be a compound: ``twenty- nine``). The joined
    form must be a known word, or a misreading of one (``coni- mitted``), which costs
    the ordinary misread prior on top. Never joined: a suspended hyphen (``pre- and
    post-war``) and a one-letter part (``men- o tempora``: a dash, since typesetters
    neither leave nor carry over a single letter).

    >>> from cleaners.words.repair import repair_text
    >>> repair_text("The con- stable re- turned.")[0]
    'The constable returned.'
    >>> repair_text("in pre- and post-war years")[0]
    'in pre- and post-war years'
    """
    a, b = tokens[i], tokens[i + 1]
    if len(a.text) < 2 or len(b.text) < 2:
        return None
    if line[max(0, a.start - 2):a.start] == "- " or line[b.end:b.end + 2] == "- ":
        return None  # one piece of a word broken twice (com- mer- cial): its pieces are no word
    surface = a.text + b.text
    pattern = case_pattern(surface)
    if pattern == "mixed" or (pattern == "upper" and not b.text.isupper()):
        return None
    key = normalise_key(surface)
    la = lm.logp(a.key)
    if b.key in SUSPENDING_WORDS and la is not None and la > BREAK_WORD_LOGP:
        return None
    # the general list decides: a corpus of such scans repeats the halves (impos- ture) enough to trust them
    if min(lm.uni.get(a.key, 0.0), lm.uni.get(b.key, 0.0)) > 10 ** BREAK_WORD_LOGP:
        # two ordinary words may as well be a compound broken at its own hyphen
        # (twenty- nine): no odds for the join, and only a common enough closed form
        prior, min_prob = 0.0, opts["join_min_prob"]
    else:
        p = opts["break_join_prior"]
        prior = math.log10(p / (1.0 - p))  # the two words as they stand carry the other share
        min_prob = opts["break_join_min_prob"]
    cost = opts["break_join_cost"]
    cands: list[Reading] = []
    if lm.lex.trusted(key) or lm.uni.get(key, 0.0) >= min_prob:
        cands.append(Reading(render(key, surface, lm.lex), (key,), cost, "join"))
    elif pattern != "upper" and lm.logp(key) is None:
        # the joined form is no word: read it as a misread one, as a lone unknown token is
        misread = error_logprior(i) - prior  # scored below with the break odds added back
        ckey = (surface, "broken")
        found = lm.candidate_cache.get(ckey)
        if found is None:
            found = lm.candidate_cache[ckey] = nonword_candidates(
                lm, surface, key, max_channel=opts["max_channel_cost"], allow_split=False)
        for r in found:
            if lm.uni.get(r.keys[0], 0.0) >= min_prob or lm.lex.trusted(r.keys[0]):
                cands.append(Reading(r.text, r.keys, r.channel + cost - misread, "join"))
    decision = _decide_pair(tokens, i, "- ", cands, lm, opts, context, lambda _i: prior) if cands else None
    return decision if decision is not None else _compound_flag(tokens, i)


#: a line-break hyphen misread as another mark, its line break lost (``pri. soner``,
#: ``muf . fling``, ``ig * norant``)
MISREAD_BREAK_RE = re.compile(r" ?[^\w\s\-] ?")
MISREAD_BREAK_COST = 0.3


def _judge_misread_break(tokens: list[Token], i: int, gap: str, lm: LanguageModel, opts: dict,
                         context, error_logprior) -> _Decision | None:
    """``pri. soner``: a word broken at a line end whose hyphen was read as another mark.

    Unlike a hyphen, a full stop or a comma is ordinary between words, so this is a
    misreading with the ordinary misread prior, only where a half is no ordinary word
    and the joined form is a known one.

    >>> from cleaners.words.repair import repair_text
    >>> repair_text("The pri. soner was taken to the station.")[0]
    'The prisoner was taken to the station.'
    """
    a, b = tokens[i], tokens[i + 1]
    if len(a.text) < 2 or len(b.text) < 2:
        return None
    # the general list decides: a corpus of such scans repeats the pieces (pur. chased) enough to trust them
    if min(lm.uni.get(a.key, 0.0), lm.uni.get(b.key, 0.0)) >= 10 ** BREAK_WORD_LOGP:
        if gap == ". " and opts["word_halves_break"]:
            return _judge_word_halves_break(tokens, i, lm, opts, context)
        return None
    surface = a.text + b.text
    if case_pattern(surface) not in ("lower", "title"):
        return None
    key = normalise_key(surface)
    if not (lm.lex.trusted(key) or lm.uni.get(key, 0.0) >= opts["join_min_prob"]):
        return None
    cands = [Reading(render(key, surface, lm.lex), (key,), opts["break_join_cost"] + MISREAD_BREAK_COST, "join")]
    return _decide_pair(tokens, i, gap, cands, lm, opts, context, error_logprior)


def _dash_space_sites(line: str, tokens: LineTokens) -> list[int]:
    """Indices ``i`` where tokens ``i`` and ``i + 1`` are joined by a lone hyphen and
    token ``i`` is a word of :data:`DASH_SPACE_WORDS` (``the-end``), in order.

    >>> _dash_space_sites("at his-home and the-end, mother-in-law", LineTokens("at his-home and the-end, mother-in-law"))
    [4]
    """
    ends, n = tokens.ends, len(tokens)
    sites = []
    for m in DASH_SPACE_RE.finditer(line):
        p = line.index("-", m.start())  # the hyphen: right after token i
        i = bisect.bisect_left(ends, p)
        if i + 1 < n and ends[i] == p and tokens.starts[i + 1] == p + 1 and (not sites or sites[-1] != i):
            sites.append(i)
    return sites


DASH_SPACE_CONFIDENCE = 0.95
DASH_JOINED_MIN_PROB = 1e-6  # a pair the general list writes as one word this often may be a compound
DASH_WORD_MIN_LOGP = -6.0  # the word after the hyphen must be an ordinary word


def _judge_dash_space(line: str, tokens: LineTokens, i: int, lm: LanguageModel, skip) -> _Decision | None:
    """``the-end``, ``with-his``: two words joined by a hyphen, the first of which makes no
    compound (:data:`DASH_SPACE_WORDS`): the hyphen is a misread space. Never a link of
    a longer chain (``mother-in-law``, ``out-of-the-way``), a word with an apostrophe,
    nor a pair the general list or the corpus writes as one word (``were-wolf``:
    werewolf); the second word must be a word (general list or corpus), and each word
    lowercase or capitalised (not ``THE-END``, a heading's own style). Like a stray mark
    (:func:`_judge_stray_mark`), the context model cannot tell (it reads the same two
    words either way): the decision rests on these shapes alone.

    >>> from cleaners.words.repair import repair_text
    >>> repair_text("He went with-his dog and found the-door open.")[0]
    'He went with his dog and found the door open.'
    >>> repair_text("A has-been and a man-of-war met to-day; he saw them-and ran.")[0]
    'A has-been and a man-of-war met to-day; he saw them-and ran.'
    """
    a, b = tokens[i], tokens[i + 1]
    if skip[i] or skip[i + 1]:
        return None
    if line[a.start - 1:a.start] in ("-", "'", "’") or line[b.end:b.end + 1] in ("-", "'", "’"):
        return None  # a link of a chain (mother-in-law), or in quotes of a kind
    if not (a.text.isalpha() and b.text.isalpha()) or len(a.text) < 2 or len(b.text) < 2:
        return None
    if any(case_pattern(t.text) not in ("lower", "title") for t in (a, b)):
        return None
    if a.key not in DASH_SPACE_WORDS:
        return None
    lb = lm.logp(b.key)
    if lb is None or lb < DASH_WORD_MIN_LOGP:
        return None  # a piece of something else (a name, a damaged word): left alone
    joined = a.key + b.key
    if lm.uni.get(joined, 0.0) >= DASH_JOINED_MIN_PROB or lm.lex.trusted(joined):
        return None  # (a rarer joined form of the general list is glue from other scans: withher)
    c = DASH_SPACE_CONFIDENCE
    readings = [Reading(f"{a.text} {b.text}", (a.key, b.key), 0.0, "space", posterior=c),
                Reading(f"{a.text}-{b.text}", (a.key, b.key), 0.0, "as-is", posterior=1.0 - c)]
    return _Decision(i, readings, True, "dash", 0.0, end_index=i + 1)


def _judge_word_halves_break(tokens: list[Token], i: int, lm: LanguageModel, opts: dict,
                             context) -> _Decision | None:
    """``in. stead``, ``after. wards``: a word broken at a line end whose hyphen was read as
    a full stop, both halves ordinary words. A full stop before a lowercase word is no
    sentence end, so the two words as they stand and the one word they make get even odds
    and the context model decides (``in stead`` against ``instead``), as for a hyphen
    break between two ordinary words (:func:`_judge_break_hyphen`); the joined form must be
    a word of the general list (``word_halves_min_prob``) or the corpus.

    >>> from cleaners.words.repair import repair_text
    >>> repair_text("He came back in. stead of going on, and after. wards he slept.")[0]
    'He came back instead of going on, and afterwards he slept.'
    >>> repair_text("It was six ft. high and ten in. wide.")[0]
    'It was six ft. high and ten in. wide.'
    """
    a, b = tokens[i], tokens[i + 1]
    surface = a.text + b.text
    if case_pattern(surface) not in ("lower", "title"):
        return None
    key = normalise_key(surface)
    if not (lm.lex.trusted(key) or lm.uni.get(key, 0.0) >= opts["word_halves_min_prob"]):
        return None
    cands = [Reading(render(key, surface, lm.lex), (key,), opts["break_join_cost"], "join")]
    return _decide_pair(tokens, i, ". ", cands, lm, opts, context, lambda _i: 0.0)


STRAY_MARKS = frozenset(".,")
STRAY_MARK_CONFIDENCE = 0.95


def _judge_stray_mark(tokens: list[Token], i: int, mark: str, lm: LanguageModel, skip,
                      fragment) -> _Decision | None:
    """``up.to``, ``Tommy,this``: two ordinary words with a full stop or a comma and no
    space between them. A comma gets its space back; a full stop between two lowercase
    words is a misread space where the two make a known pair (general list or corpus).
    The context model cannot tell (it reads the same two words either way), so the
    decision rests on these shapes alone. Judged on lines examined for other damage only.

    >>> from cleaners.words.repair import repair_text
    >>> repair_text("He had.to go, and Tommy,this time, went witb him up.to the house.")[0]
    'He had to go, and Tommy, this time, went with him up to the house.'
    """
    a, b = tokens[i], tokens[i + 1]
    if any(skip[j] and not fragment[j] for j in (i, i + 1)):
        return None
    if len(a.text) < 2 or len(b.text) < 2 or not (a.text.isalpha() and b.text.isalpha()):
        return None
    if min(lm.uni.get(a.key, 0.0), lm.uni.get(b.key, 0.0)) < 10 ** BREAK_WORD_LOGP:
        return None
    if mark == "." and not ((a.key, b.key) in lm.big or f"{a.key} {b.key}" in lm.lex.bigrams):
        return None
    text = f"{a.text}, {b.text}" if mark == "," else f"{a.text} {b.text}"
    c = STRAY_MARK_CONFIDENCE
    readings = [Reading(text, (a.key, b.key), 0.0, "space", posterior=c),
                Reading(a.text + mark + b.text, (a.key, b.key), 0.0, "as-is", posterior=1.0 - c)]
    return _Decision(i, readings, True, "join", 0.0, end_index=i + 1)


def _compound_flag(tokens: list[Token], i: int) -> _Decision | None:
    """An unapplied decision (a Flag) for a broken pair left as it stands that the
    line-end hyphen rules (:func:`cleaners.hyphens.decide`) would write as a compound
    (``Police- court``): whether the writer hyphenated it is not for a word list to say."""
    a, b = tokens[i], tokens[i + 1]
    verdict = line_end_hyphen_decision(a.text, b.text)
    if verdict.label != "keep":
        return None
    text = f"{a.text}-{b.text}"
    asis = Reading(f"{a.text}- {b.text}", (a.key, b.key), 0.0, "as-is", posterior=1.0 - verdict.confidence)
    compound = Reading(text, (a.key, b.key), 0.0, "compound", posterior=verdict.confidence)
    return _Decision(i, [compound, asis], False, "join", 0.0, end_index=i + 1)


_GLYPH_CHARS = "!|;:)(~"  # (~: a speck, in a word or between two: SPECKS)
GLYPHS = frozenset(_GLYPH_CHARS)
GLYPH_COST = 0.6


def _judge_glyph(line: str, tokens: list[Token], i: int, glyph: str, lm: LanguageModel, opts: dict,
                 context, error_logprior) -> _Decision | None:
    """Read ``a<glyph>b`` as one word: the glyph dropped, or read as the letter it resembles."""
    a, b = tokens[i], tokens[i + 1]
    variants = [a.text + b.text]
    if glyph in "!|":
        variants += [a.text + c + b.text for c in "lI"]
    if glyph in SPECKS:
        joined = normalise_key(variants[0])
        if not (lm.lex.trusted(joined) or lm.uni.get(joined, 0.0) >= 1e-6):
            spaced = _speck_for_space(tokens, i, glyph, lm)
            if spaced is not None:
                return spaced
    cands: dict[str, Reading] = {}
    for v in variants:
        if case_pattern(v) in ("upper", "mixed") and not v[1:].islower():
            continue
        key = normalise_key(v)
        if lm.lex.trusted(key) or lm.uni.get(key, 0.0) >= 1e-6:
            text = render(key, v, lm.lex)
            cands.setdefault(text, Reading(text, (key,), GLYPH_COST, "glyph"))
        else:
            for r in _joined_candidates(lm, v, key):
                if lm.uni.get(r.keys[0], 0.0) >= 1e-6 or lm.lex.trusted(r.keys[0]):
                    cands.setdefault(r.text, Reading(r.text, r.keys, r.channel + GLYPH_COST, "glyph"))
    if not cands:
        return None
    return _decide_pair(tokens, i, glyph, list(cands.values()), lm, opts, context, error_logprior)


#: glyphs no word holds and no text puts between two words: a speck (``which~he``)
SPECKS = frozenset("~")


def _speck_for_space(tokens: list[Token], i: int, glyph: str, lm: LanguageModel) -> _Decision | None:
    """``which~he``: a speck (:data:`SPECKS`) between two ordinary words that make no word
    together (``with~out`` is one) is a misread space, when the two make a known pair
    (general list or corpus), as a full stop between two words is (:func:`_judge_stray_mark`).

    >>> from cleaners.words.repair import repair_text
    >>> repair_text("It was to~be done.")[0]
    'It was to be done.'

    (A token with a tilde is code-like to :data:`cleaners.words.tokens.PROTECTED_SPAN_RE`:
    only pieces of two letters or fewer are judged, as for any glyph.)
    """
    a, b = tokens[i], tokens[i + 1]
    if min(lm.uni.get(a.key, 0.0), lm.uni.get(b.key, 0.0)) < 10 ** BREAK_WORD_LOGP:
        return None
    if not ((a.key, b.key) in lm.big or f"{a.key} {b.key}" in lm.lex.bigrams):
        return None
    c = STRAY_MARK_CONFIDENCE
    readings = [Reading(f"{a.text} {b.text}", (a.key, b.key), 0.0, "space", posterior=c),
                Reading(a.text + glyph + b.text, (a.key, b.key), 0.0, "as-is", posterior=1.0 - c)]
    return _Decision(i, readings, True, "join", 0.0, end_index=i + 1)


#: a lone lowercase letter with a blank each side between two letters: a speck read as a
#: token (not ``a``, ``i``, ``o``: words, or the pronoun and the vocative in lowercase; not
#: ``x``, ``y``, ``z``: variables and placeholders, ``for x years``, or words of other languages)
SPECK_RE = re.compile(r" (?<=[^\W\d_] )[b-hj-np-w] (?=[^\W\d_])")  # (a literal first: found fast)
#: a lone lowercase letter of the same kind, a blank or a line end each side: speck company
LONE_LETTER_RE = re.compile(r"(?<!\S)[b-hj-np-w](?!\S)")
# channel cost of a speck of noise read as a letter: as dear as a short word's lost letter
# (``u`` for ``up``), so the context alone decides between the two
SPECK_COST = 2.5
#: signs of a formula: a line holding one may use lone letters as variables
FORMULA_CHARS = "=+<>×÷^±√∑"
#: prior (log10) at least that a lone letter with others near it is damage, not a word
#: of the text (a symbol, a variable): such letters are few in print and many in noise
SPECK_PRIOR = -0.5
SPECK_WORD_MIN_PROB = 1e-4  # a short word the letter may be misread for is this common at least
SPECK_WORD_MAX_COST = 3.0  # ... and this cheap a slip away (a lost letter: e for he, m for in)
_SPECK_FORMS = frozenset({KNOWN, CONFUSABLE, LEARNED_TWIN, CHEAP_TWIN})  # neighbours: ordinary words


SPECK_LETTERS = frozenset("bcdefghjklmnpqrstuvw")  # (the letters of SPECK_RE)


def _speck_sites(line: str, tokens: LineTokens, forms: list[int]) -> list[int]:
    """Indices of the lone letters :data:`SPECK_RE` finds, each with a word of two
    letters or more right before and after it (a blank between), in order. (Found
    among the tokens skipped as too short, at C speed: a regex stops at every blank.)"""
    words = tokens.words
    if SPECK_LETTERS.isdisjoint(words):  # (most lines: one C-speed pass over the words)
        return []
    n = len(forms)
    starts, ends = tokens.starts, tokens.ends
    out = []
    for i in compress(range(n), map(SKIP.__eq__, forms)):
        if (0 < i < n - 1 and words[i] in SPECK_LETTERS and ends[i - 1] + 1 == starts[i]
                and starts[i + 1] == ends[i] + 1 and line[starts[i] - 1] == " " and line[ends[i]] == " "
                and ends[i - 1] - starts[i - 1] >= 2 and ends[i + 1] - starts[i + 1] >= 2
                and line[ends[i - 1] - 1].isalpha() and line[starts[i + 1]].isalpha()):
            out.append(i)
    return out


def _speck_companions(line: str, tokens: LineTokens, forms: list[int]) -> list[int]:
    """Offsets of the line's lone letters (:data:`LONE_LETTER_RE`) that are no piece of a
    damaged word (a non-word next to it: ``of c ingiug``, clinging)."""
    starts, n = tokens.starts, len(forms)
    out = []
    for m in LONE_LETTER_RE.finditer(line):
        j = bisect.bisect_left(starts, m.start())
        if not ((j > 0 and forms[j - 1] == SUSPICIOUS) or (j + 1 < n and forms[j + 1] == SUSPICIOUS)):
            out.append(m.start())
    return out


def _speck_company(line: str, tokens: LineTokens, i: int, lone: list[int], window: int) -> list[str]:
    """The other lone letters (``lone``: their offsets, :func:`_speck_companions`) within
    ``window`` words of token ``i``."""
    lo = tokens.starts[max(0, i - window)]
    hi = tokens.ends[min(len(tokens) - 1, i + window)]
    at = tokens.starts[i]
    return [line[o] for o in lone[bisect.bisect_left(lone, lo):bisect.bisect_right(lone, hi)] if o != at]


def _judge_speck(text: str, base: int, line: str, tokens: LineTokens, i: int, lm: LanguageModel, opts: dict,
                 forms: list[int], skip: list[bool], spans, context, prior: float, density: float,
                 company: list[str], edits: list[Edit], flags: list[Flag]) -> bool:
    """``for s being drunk``, ``he would r be``: a lone lowercase letter between two
    ordinary words (:func:`_speck_sites`) is a speck of scanner noise read as a token
    when the pair of words is attested (general list or corpus) and, in context, reads
    far better than the letter as it stands, than the letter as a piece of either word
    (``complain t`` may be ``complaint``) and than a short common word the letter may be
    misread for (``as l had``: ``I``; ``person m the``: ``in``). A lone letter on its own
    is as often what is left of a lost word (``put u my``: up), which the word pair reads
    just as well: only a letter with other lone letters near it (``company``, at least
    ``speck_company`` within ``speck_window`` words, none a piece of a damaged word:
    specks come in showers) is deleted (an Edit whose evidence holds the pair's counts);
    a less sure one, or one on its own read as a speck at ``speck_threshold``, is flagged
    (it is damage either way). Whether the letter was deleted is returned. Left alone: a letter the corpus writes
    after the one word and before the other (a foreign word: ``il y a``), letters in
    sequence nearby (a list: ``section c and d``; variables: ``x and y``), lines with a
    formula sign (:data:`FORMULA_CHARS`), capitals (initials, a division or a list
    letter), digits, marks (``(a)``, ``E.``) and protected words and patterns.

    >>> from cleaners.words.repair import repair_text
    >>> repair_text("He would r be less likely to see it, and the men were e called.")[0]
    'He would be less likely to see it, and the men were called.'
    >>> repair_text("He was fined for s being drunk.")[0]  # (no other speck near it)
    'He was fined for s being drunk.'
    """
    p, x, n = tokens[i - 1], tokens[i], tokens[i + 1]
    alone = len(company) < opts["speck_company"]  # (then flagged at most)
    if any(abs(ord(c) - ord(x.text)) == 1 for c in company):
        return False  # (letters in sequence: a list, section c and d; variables, x and y)
    if x.key in _protected_words(tuple(opts["protected_words"]), opts["protected_words_file"]):
        return False
    for j, t in ((i - 1, p), (i + 1, n)):
        if skip[j] or forms[j] not in _SPECK_FORMS or not t.key.replace("'", "").isalpha():
            return False
    if spans and any(a < x.end and x.start < b for a, b in spans):
        return False
    if p.text.isupper() and n.text.isupper():
        return False  # (a heading in capitals: a lowercase letter there is no word's shape)
    cb = lm.lex.bigrams
    pair = f"{p.key} {n.key}"
    if not ((p.key, n.key) in lm.big or pair in cb):
        return False
    if f"{p.key} {x.key}" in cb and f"{x.key} {n.key}" in cb:
        return False  # (the corpus writes the letter there, after the one and before the other: a word)
    kept = f"{p.text} {n.text}"
    cands = [Reading(kept, (p.key, n.key), SPECK_COST, "speck")]
    for joined, keys, texts in ((p.key + x.key, (p.key + x.key, n.key), (p.text + x.text, n.text)),
                                (x.key + n.key, (p.key, x.key + n.key), (p.text, x.text + n.text))):
        if lm.lex.trusted(joined) or lm.uni.get(joined, 0.0) >= opts["join_min_prob"]:
            cands.append(Reading(" ".join(texts), keys, JOIN_COST, "join"))
    words = {x.key + c for c in "abcdefghijklmnopqrstuvwxyz"} | {c + x.key for c in "abcdefghijklmnopqrstuvwxyz"}
    words.update(("a", "i"))
    words.update(w for w, _ in first_slip_readings(x.key))
    for w in sorted(words):
        if lm.uni.get(w, 0.0) < SPECK_WORD_MIN_PROB:
            continue
        surface = "I" if w == "i" else w
        cost = lm.channel(x.text, surface)
        if cost <= SPECK_WORD_MAX_COST:
            cands.append(Reading(f"{p.text} {surface} {n.text}", (p.key, w, n.key), cost, "confusion"))
    left, _ = context(i - 1)
    _, right = context(i + 1)
    lp = lm.logp(p.key)
    readings = score_readings(lm, Reading(line[p.start:n.end], (p.key, x.key, n.key), 0.0, "as-is"), cands,
                              asis_logp=lp if lp is not None else opts["oov_logp"], left=left, right=right,
                              error_logprior=max(prior, SPECK_PRIOR))
    best = readings[0]
    if best.kind != "speck" or best.posterior < opts["flag_threshold"]:
        return False
    if alone and best.posterior < opts["speck_threshold"]:
        return False
    if alone or best.posterior < opts["speck_threshold"]:
        flags.append(Flag(stage=STAGE, start=base + p.end, end=base + x.end, text=line[p.end:x.end],
                          reason="uncertain ocr speck removal", candidates=[r.to_json() for r in readings[:5]],
                          confidence=best.posterior))
        return False
    evidence = {
        "kind": "speck",
        "candidates": [r.to_json() for r in readings[:5]],
        "context": [left, right],
        # the pair the letter stands between: its raw counts, general list and this corpus
        "context_counts": _context_counts(lm, (p.key,), None, n.key),
        "damage": round(density, 3),
        "specks_near": "".join(company),  # the other lone letters within speck_window words
    }
    edits.append(Edit.at(text, base + p.end, base + x.end, "", stage=STAGE,
                         reason="ocr speck removed (a lone letter between two words)",
                         confidence=best.posterior, evidence=evidence))
    return True


def _decide_pair(tokens: list[Token], i: int, between: str, cands: list[Reading], lm: LanguageModel,
                 opts: dict, context, error_logprior) -> _Decision | None:
    """Score tokens ``i`` and ``i + 1`` as they stand (``between`` them) against one-word
    readings; a decision to join (or flag), or None when the text as it stands is clear."""
    a, b = tokens[i], tokens[i + 1]
    left, _ = context(i)
    _, right = context(i + 1)
    la = lm.logp(a.key)
    readings = score_readings(
        lm, Reading(a.text + between + b.text, (a.key, b.key), 0.0, "as-is"), cands,
        asis_logp=la if la is not None else opts["oov_logp"], left=left, right=right,
        error_logprior=error_logprior(i))
    best = readings[0]
    apply = best.kind not in ("as-is", "apart") and best.posterior >= opts["threshold"]
    if best.kind in ("as-is", "apart") and best.posterior > 1 - opts["flag_threshold"]:
        return None
    return _Decision(i, readings, apply, "join", 0.0, end_index=i + 1)


def _context_counts(lm: LanguageModel, keys: tuple[str, ...], left: str | None,
                    right: str | None) -> dict[str, int]:
    """Raw bigram counts behind a reading: general list and this corpus (quantised)."""
    from cleaners.frequencies import bigrams

    big = bigrams()
    out: dict[str, int] = {}
    pairs = ([(left, keys[0])] if left else []) + ([(keys[-1], right)] if right else [])
    for a, b in pairs:
        out[f"{a} {b}"] = big.get((a, b), 0)
        out[f"corpus:{a} {b}"] = lm.lex.bigrams.get(f"{a} {b}", 0)
    return out


def _has_bigram_support(lm: LanguageModel, key: str, left: str | None, right: str | None) -> bool:
    big, cb = lm.big, lm.lex.bigrams
    return (left is not None and ((left, key) in big or f"{left} {key}" in cb)) or \
        (right is not None and ((key, right) in big or f"{key} {right}" in cb))


def run(text: str, ctx) -> StageResult:
    """Pipeline entry point: repair ``text`` with the corpus lexicon from ``ctx.resources``."""
    lexicon = (ctx.resources or {}).get("lexicon")
    return repair(text, lexicon=lexicon, options=ctx.options)
