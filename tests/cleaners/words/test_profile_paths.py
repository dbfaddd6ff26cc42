"""Speed paths of the document profile give what the plain computations give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words.repair import CAPITALISED_WORD_RE

# the plain pattern (look back first, then the capital): the reference
PLAIN_CAPITALISED_WORD_RE = re.compile(r"(?<![^\W_])(?<![^\W_]['’])[^\W\d_a-z][^\W_]*(?:['’][^\W_]+)*")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aAbZé É1_'’ -\n.ßΣσ٣", max_size=30))
def test_capitalised_words_as_the_plain_pattern_finds_them(text):
    assert CAPITALISED_WORD_RE.findall(text) == PLAIN_CAPITALISED_WORD_RE.findall(text)


def test_capitalised_words_examples():
    text = "x’Abc a'Bcd éÉtude _Abc 1Abc Ab’Cd ’Ab 'Ab Ab'cd'Ef A ’A bA"
    assert CAPITALISED_WORD_RE.findall(text) == ["éÉtude", "Abc", "Ab’Cd", "Ab", "Ab", "Ab'cd'Ef", "A", "A"]
    assert CAPITALISED_WORD_RE.findall(text) == PLAIN_CAPITALISED_WORD_RE.findall(text)


def test_bmp_capitalised_words_equal_the_pattern_on_every_bmp_character():
    from cleaners.words.repair import BMP_CAPITALISED_WORD_RE

    chars = "".join(map(chr, range(0x10000)))
    for text in (" ".join(chars), chars, " ".join("A" + c + "b" for c in chars), "a’".join(chars)):
        assert BMP_CAPITALISED_WORD_RE.findall(text) == CAPITALISED_WORD_RE.findall(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbZé É1_'’ -\n.ßΣσ٣ǅ", max_size=30))
def test_bmp_capitalised_words_as_the_pattern_finds_them(text):
    from cleaners.words.repair import BMP_CAPITALISED_WORD_RE

    assert BMP_CAPITALISED_WORD_RE.findall(text) == CAPITALISED_WORD_RE.findall(text)
