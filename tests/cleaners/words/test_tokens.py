"""Tokens: the bulk tokenizer gives exactly the tokens of a plain one-match-at-a-time loop."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words.tokens import SEPARATOR_BREAK_RE, WORD_RE, Token, misread_number, tokenize

# the one pattern _protected_hint splits into fast scans (the reference it is tested equal to)
_PROTECTED_HINT_RE = re.compile(r"[/\\_#=<>{}|~^@]|www\.|\.(?:com|org|net|edu|gov|html?|pdf|txt|ru|uk)\b",
                                re.IGNORECASE)



def reference_tokens(text: str) -> list[Token]:
    """The obvious implementation (one regex match and one gap check at a time)."""
    out = []
    prev_end = 0
    for m in WORD_RE.finditer(text):
        s, e = m.span()
        gap = text[prev_end:s]
        brk = not out or (gap != " " and ("\n" in gap or bool(SEPARATOR_BREAK_RE.search(gap))))
        out.append(Token(s, e, m.group(), m.group().lower().replace("’", "'"), brk))
        prev_end = e
    return out


CASES = ["", " ", "a", " a", "a ", "don't  stop\tnow\n x", "’tis", "a_b", "e\u0301t", "1913. 12th",
         "lhal ihe man-of-war’s 1913.", "A\u00a0B", "x — y", "İstanbul ΟΔΟΣ"]


def test_fixed_cases():
    for text in CASES:
        assert tokenize(text) == reference_tokens(text), text


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab’'_ \t\n\u00a0\u2003-.1é\u0301ΣİA"), max_size=40))
def test_any_text(text):
    assert tokenize(text) == reference_tokens(text)


def test_token_fields():
    t = tokenize("The Stalin’s")[1]
    assert (t.start, t.end, t.text, t.key, t.left_break) == (4, 12, "Stalin’s", "stalin's", False)


def test_misread_number_words_without_digits():
    assert [misread_number(w) for w in ("that", "188i", "lll", "19th")] == [None, "1881", None, None]


@settings(deadline=None, max_examples=200)
@given(st.text(alphabet=st.sampled_from("ab’'_ \t\u00a0-.1éΣA"), max_size=30))
def test_line_tokens_equal_tokenize(text):
    from cleaners.words.tokens import LineTokens

    lazy = LineTokens(text)
    eager = tokenize(text)
    assert len(lazy) == len(eager)
    assert lazy.starts == [t.start for t in eager] and lazy.ends == [t.end for t in eager]
    # made in any order, each token is the same
    for i in reversed(range(len(eager))):
        assert lazy[i] == eager[i] and lazy.keys[i] == eager[i].key
    assert list(lazy) == eager


@settings(deadline=None, max_examples=200)
@given(st.text(alphabet=st.sampled_from("ab’'_ \t\n\u00a0-.1éΣA“"), max_size=30))
def test_line_tokens_from_the_split_equal_the_found_ones(text):
    from cleaners.words.tokens import WORD_SPLIT_RE, LineTokens

    parts = WORD_SPLIT_RE.split(text)
    assert parts[1::2] == WORD_RE.findall(text)
    split, found = LineTokens(text, parts=parts), LineTokens(text)
    assert (split.words, split.starts, split.ends) == (found.words, found.starts, found.ends)
    assert list(split) == list(found) == tokenize(text)


def plain_case_pattern(word: str) -> str:
    """``case_pattern`` without its ASCII fast path: the reference."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "lower"
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "upper"
    if letters[0].isupper():
        return "title" if sum(c.isupper() for c in letters[1:]) <= 1 else "mixed"
    return "lower" if not any(c.isupper() for c in letters) else "mixed"


@settings(deadline=None, max_examples=500)
@given(st.text(alphabet=st.sampled_from("abAB1’'-ΣσÉéªǅ"), max_size=8))
def test_case_pattern_fast_path_matches_the_plain_rules(word):
    from cleaners.words.tokens import case_pattern

    assert case_pattern(word) == plain_case_pattern(word)
    for w in ("NKVD", "Lenin", "that", "ControJ", "I", "", "1913", "McD", "aB", "A1", "ABc"):
        assert case_pattern(w) == plain_case_pattern(w), w


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="wWk\u212a.comukrgtxhpdf /_@#ab", max_size=24))
def test_protected_hint_is_the_one_pattern(text):
    from cleaners.words.tokens import _protected_hint

    assert _protected_hint(text) == bool(_PROTECTED_HINT_RE.search(text))


def test_protected_hint_on_the_seed_lines():
    from bench.words import seed_layout_texts
    from cleaners.words.tokens import _protected_hint

    lines = [x for _, t in seed_layout_texts() for x in t.split("\n")]
    hints = [_protected_hint(x) for x in lines]
    assert hints == [bool(_PROTECTED_HINT_RE.search(x)) for x in lines]
    assert any(hints) and not all(hints)
    for text in ("see WwW.example today", "a.COM b", "the u.K\u212a", "x.htm.", "x.htmlx y", "www", "and/or"):
        assert _protected_hint(text) == bool(_PROTECTED_HINT_RE.search(text)), text


# every character class WORD_RE and the fast split differ on, if any (each BMP code point once)
_BMP_SAMPLE = "".join(map(chr, range(0x10000)))


def test_bmp_word_split_equals_the_plain_split_on_every_bmp_character():
    from cleaners.words.tokens import BMP_WORD_SPLIT_RE, WORD_SPLIT_RE

    # each code point between spaces, and all of them in a row (runs across every boundary)
    spaced = " ".join(_BMP_SAMPLE)
    assert BMP_WORD_SPLIT_RE.split(spaced) == WORD_SPLIT_RE.split(spaced)
    assert BMP_WORD_SPLIT_RE.split(_BMP_SAMPLE) == WORD_SPLIT_RE.split(_BMP_SAMPLE)


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=st.sampled_from("ab’'_ \t\n\u00a0-.1éΣA“٣²ǅ\u0301\ud800"), max_size=40))
def test_word_splitter_equals_the_plain_split(text):
    from cleaners.words.tokens import WORD_SPLIT_RE, bmp_only, word_splitter

    assert bmp_only(text)
    assert word_splitter(text)(text) == WORD_SPLIT_RE.split(text)


@settings(deadline=None, max_examples=200)
@given(st.text(alphabet=st.sampled_from("ab’ \n-A\U0001d400\U0001d7ce\U0001f600"), max_size=30))
def test_word_splitter_beyond_the_bmp_uses_the_plain_split(text):
    from cleaners.words.tokens import WORD_SPLIT_RE, bmp_only, word_splitter

    assert bmp_only(text) == all(ord(c) <= 0xFFFF for c in text)
    assert word_splitter(text)(text) == WORD_SPLIT_RE.split(text)
