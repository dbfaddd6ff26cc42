"""Word tokens with offsets, their case pattern, and spans no repair may touch."""

from __future__ import annotations

import re
from typing import NamedTuple
from functools import lru_cache, partial
from itertools import accumulate, chain

# letters and digits, with inner apostrophes (don't, Stalin’s)
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# the same words, with the text between them: ``WORD_SPLIT_RE.split(text)`` alternates gap,
# word, gap, ..., gap (every word's offsets follow from the lengths, at C speed)
WORD_SPLIT_RE = re.compile("(" + WORD_RE.pattern + ")")


def bmp_class(test) -> str:
    """The body of a regex character class of the code points up to U+FFFF for which
    ``test(ch)`` holds, as ranges (the engine compiles it to a bitmap: one step per
    character, where a class like ``[^\\W_]`` asks the Unicode database every time).

    >>> bmp_class(lambda c: c in "abcxz"), bool(re.fullmatch(f"[{bmp_class(str.isdigit)}]+", "19٣"))
    ('a-cxz', True)
    """
    mask = bytes(map(test, map(chr, range(0x10000))))  # (1 where the test holds)
    ranges = (m.span() for m in re.finditer(b"\x01+", mask))
    return "".join(re.escape(chr(a)) if b == a + 1 else f"{re.escape(chr(a))}-{re.escape(chr(b - 1))}"
                   for a, b in ranges)


#: ``[^\W_]`` (``str.isalnum``) of the Basic Multilingual Plane, listed: the same matches in
#: any text without a character beyond U+FFFF (:func:`bmp_only`), 2.5x faster
BMP_WORD_CHARS = bmp_class(str.isalnum)
#: ``WORD_SPLIT_RE`` for a text :func:`bmp_only` accepts (tested equal: test_tokens.py); its
#: repeats possessive (an apostrophe is no word character, so giving back a character or a
#: part never makes a match: the same matches, with no backtracking state kept per word)
BMP_WORD_SPLIT_RE = re.compile(f"([{BMP_WORD_CHARS}]++(?:['’][{BMP_WORD_CHARS}]++)*+)")


def bmp_only(text: str) -> bool:
    """Whether every character of ``text`` is in the Basic Multilingual Plane (one UTF-16
    code unit each: an encoding at C speed, no character looked at in Python).

    >>> bmp_only("Stalin’s “ЕВР”"), bmp_only("a \U0001d400 b")
    (True, False)
    """
    return text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)


def word_splitter(text: str):
    """``WORD_SPLIT_RE.split`` for the lines of ``text``: the faster equal pattern when
    :func:`bmp_only` holds for ``text`` (asked once per text, not per line)."""
    return (BMP_WORD_SPLIT_RE if bmp_only(text) else WORD_SPLIT_RE).split
# spans never repaired: URLs, e-mail addresses, paths, handles, code-like tokens
PROTECTED_SPAN_RE = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|\S+@\S+\.\w+"
    r"|\S*[/\\_#=<>{}|~^]\S*"
    r"|\b[\w.-]+\.(?:com|org|net|edu|gov|html?|pdf|txt|ru|uk)\b",
    re.IGNORECASE)
ROMAN_RE = re.compile(r"[IVXLCDM]+|[ivxlc]+")
_ROMAN_CHARS = frozenset("IVXLCDMivxlc")
# the order of a numeral's letters (up to four repeats: old books write iiii, xiiii): "il" or
# "ill" is made of numeral letters but is no numeral, so it is judged as a word (il -> it)
ROMAN_ORDER_RE = re.compile(r"M{0,4}(?:CM|CD|D?C{0,4})(?:XC|XL|L?X{0,4})(?:IX|IV|V?I{0,4})")
ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th|s|d|th)", re.IGNORECASE)
DIGITS_RE = re.compile(r"\d")
CONFUSABLE_DIGITS = frozenset("015")
LETTER_SHAPED_DIGITS = frozenset("2346789")  # the others, judged in words only by letter_shaped_digit
# a number with a unit, a book size or an ordinal glued on (``5s 6d 10lb 2oz 4to 8vo 12mo 1850s
# 2ndly 3rds``): kept as written, whatever the digit
NUMBER_UNIT_RE = re.compile(
    r"\d+(?:st|nd|rd|th|d|s|l|lb|lbs|oz|ft|in|ins|cwt|qr|qrs|yd|yds|cm|mm|km|kg|mo|to|vo|fo|"
    r"ndly|rdly|thly|stly|dly|sts|nds|rds|ths|a|b|c|p|pp|am|pm|m|h|hr|hrs|min|mins|sec|fr|f|x|v)",
    re.IGNORECASE)
# an ordinal or a unit with a letter read for its last digit (``3oth`` 30th, ``7ist`` 7st): a number
MISREAD_ORDINAL_RE = re.compile(r"\d+[oOlIi](?:st|nd|rd|th|s|d)", re.IGNORECASE)
# a mark and a digit beyond a word's edge: the word's edge digit belongs to a number (``nearly2,000``)
NUMBER_AFTER_RE = re.compile(r"[.,:;/-]\d")
NUMBER_BEFORE_RE = re.compile(r"\d[.,:;/-]")
# a reference or code: capitals and digits only (``A4 B12 H2O C4``, ``3TANKER`` aside: see below)
REFERENCE_RE = re.compile(r"[A-Z\d]+")
DIGIT_LETTER_MIN_LETTERS = 3  # a mixed form judged as a word: this many letters at least,
DIGIT_LETTER_MIN_SHARE = 0.75  # and this share of its characters letters
SEPARATOR_BREAK_RE = re.compile(r"[^\s]")  # any non-space between words breaks the context


class Token(NamedTuple):
    """A word token (a named tuple: built in bulk at C speed, fields read as fast as slots)."""

    start: int
    end: int
    text: str
    key: str  # lowercase lookup form, apostrophes normalised
    left_break: bool  # something other than spaces before it (or line start)


def normalise_key(word: str) -> str:
    """Lookup form of a word.

    >>> normalise_key("Stalin’s")
    "stalin's"
    """
    return word.lower().replace("’", "'")


_new_token = partial(tuple.__new__, Token)  # Token(*fields) without a Python-level call


def tokenize(text: str, words: list[str] | None = None) -> list[Token]:
    """Word tokens of ``text`` with offsets.

    >>> [t.text for t in tokenize("tbat wbich man-of-war’s 1913.")]
    ['tbat', 'wbich', 'man', 'of', 'war’s', '1913']
    """
    if words is None:  # (the caller may have found them already)
        words = WORD_RE.findall(text)
    if not words:
        return []
    # whole-text passes instead of a Python step per match: the gaps between words
    # (re.split without groups) give every offset by running sums of lengths
    gaps = WORD_RE.split(text)
    bounds = list(accumulate(chain.from_iterable(zip(map(len, gaps), map(len, words)))))
    starts, ends = bounds[0::2], bounds[1::2]
    keys = [w.lower().replace("’", "'") for w in words]
    # only blanks within the line keep the context (``str.isspace`` and the regex
    # ``\s`` agree on every code point)
    breaks = [True]
    breaks += [gap != " " and bool(gap) and ("\n" in gap or not gap.isspace()) for gap in gaps[1:len(words)]]
    return list(map(_new_token, zip(starts, ends, words, keys, breaks)))


class LineTokens(dict):
    """The tokens of one line, each made on first access (``tokens[i]``): the word
    stage looks at the few tokens near damage, and needs only the offsets of the rest
    (``starts``, ``ends``: found in bulk). Equal, token by token, to :func:`tokenize`.

    A sequence of tokens, not a mapping: it is a ``dict`` of the tokens made so far only so
    that reading one again is a C-level lookup (``__missing__`` makes it the first time).

    >>> toks = LineTokens("lhis tbe man")
    >>> len(toks), toks[1], toks.keys[2], toks.ends
    (3, Token(start=5, end=8, text='tbe', key='tbe', left_break=False), 'man', [4, 8, 12])
    >>> [t.text for t in toks], toks[-1].text
    (['lhis', 'tbe', 'man'], 'man')
    >>> split = LineTokens("“lhis” tbe man.", parts=WORD_SPLIT_RE.split("“lhis” tbe man."))
    >>> split.words, split.starts, split.ends, split[1] == LineTokens("“lhis” tbe man.")[1]
    (['lhis', 'tbe', 'man'], [1, 7, 11], [5, 10, 14], True)
    """

    __slots__ = ("text", "words", "starts", "ends", "keys")

    def __init__(self, text: str, words: list[str] | None = None, parts: list[str] | None = None):
        self.text = text
        if parts is not None:  # (``WORD_SPLIT_RE.split(text)``: the offsets by running sums of lengths)
            self.words = parts[1::2] if words is None else words
            bounds = list(accumulate(map(len, parts)))
            self.starts = bounds[0:-1:2]
            self.ends = bounds[1::2]
            self.keys = _Keys(self.words)
            return
        self.words = WORD_RE.findall(text) if words is None else words
        # each word is found at the first place it occurs after the previous one: the
        # text between two words holds no word character, so no earlier match exists
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        find = text.find
        for w in self.words:
            pos = find(w, pos)
            starts.append(pos)
            pos += len(w)
            ends.append(pos)
        self.starts = starts
        self.ends = ends
        self.keys = _Keys(self.words)  # keys[i]: lookup form of token i

    def __len__(self) -> int:
        return len(self.words)

    def __missing__(self, i: int) -> Token:
        j = i + len(self.words) if i < 0 else i
        if not 0 <= j < len(self.words):
            raise IndexError(i)
        if j:
            gap = self.text[self.ends[j - 1]:self.starts[j]]
            brk = gap != " " and bool(gap) and ("\n" in gap or not gap.isspace())
        else:
            brk = True
        t = self[i] = _new_token((self.starts[j], self.ends[j], self.words[j], self.keys[j], brk))
        return t

    def __iter__(self):
        return (self[i] for i in range(len(self.words)))


class _Keys(dict):
    """``keys[i]``: :func:`normalise_key` of word ``i``, made on first use (a line's
    few looked-at words need it; lowercasing every word of a long line costs more).
    A ``dict`` of the keys made so far, for C-level lookups after the first.

    >>> k = _Keys(["Stalin’s", "The"])
    >>> k[0], k[1], k[-1], len(k)
    ("stalin's", 'the', 'the', 2)
    """

    __slots__ = ("words",)

    def __init__(self, words: list[str]):
        self.words = words

    def __len__(self) -> int:
        return len(self.words)

    def __missing__(self, i: int) -> str:
        v = self[i] = self.words[i].lower().replace("’", "'")
        return v


@lru_cache(maxsize=200_000)
def case_pattern(word: str) -> str:
    """``upper``, ``title``, ``lower`` or ``mixed``.

    >>> [case_pattern(w) for w in ("NKVD", "Lenin", "that", "PalaJ", "I")]
    ['upper', 'title', 'lower', 'title', 'title']
    """
    if word.isascii():  # most words: decided by whole-string tests (every ASCII letter has a case)
        if word.islower():
            return "lower"
        if word[:1].isupper() and word[1:].islower():
            return "title"
        if len(word) > 1 and word.isalpha() and word.isupper():
            return "upper"
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "lower"
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "upper"
    if letters[0].isupper():
        rest = letters[1:]
        uppers = sum(c.isupper() for c in rest)
        return "title" if uppers <= 1 else "mixed"
    return "lower" if not any(c.isupper() for c in letters) else "mixed"


def apply_case(word: str, pattern: str) -> str:
    """Render lowercase ``word`` in ``pattern``.

    >>> apply_case("that", "title"), apply_case("nkvd", "upper")
    ('That', 'NKVD')
    """
    if pattern == "upper":
        return word.upper()
    if pattern == "title":
        return word[:1].upper() + word[1:]
    return word


def digit_policy(word: str, *, digit_letters: bool = True) -> str:
    """``number`` (leave alone), ``confusable`` (letters with 0/1/5 misreads, or with
    ``digit_letters`` one other digit read for a letter: :func:`letter_shaped_digit`) or ``word``.

    >>> digit_policy("1913"), digit_policy("19th"), digit_policy("wh0"), digit_policy("that")
    ('number', 'number', 'confusable', 'word')
    >>> digit_policy("wi7l"), digit_policy("wi7l", digit_letters=False), digit_policy("H2O")
    ('confusable', 'number', 'number')
    """
    digits = DIGITS_RE.findall(word)
    if not digits:
        return "word"
    letters = sum(c.isalpha() for c in word)
    if letters < 2 or ORDINAL_RE.fullmatch(word) or len(digits) > 2 \
            or word[0].isdigit() and word[-1].isdigit():
        return "number"
    if set(digits) <= CONFUSABLE_DIGITS:
        return "confusable"
    if digit_letters and letter_shaped_digit(word):
        return "confusable"
    return "number"


def letter_shaped_digit(word: str) -> bool:
    """Whether a form mixing letters and digits other than 0/1/5 is a word with one digit
    read for a letter (``that3``, ``wi7l``, ``tbe8e``): one such digit, mostly letters,
    and not the shape of a number with a unit or ordinal (``1850s 4to 10lb``) nor of a
    reference or code in capitals (``A4 B12 H2O``). The words stage then judges it as
    any unknown form: a corpus or list that knows it keeps it.

    >>> [letter_shaped_digit(w) for w in ("that3", "4aid", "tbe8e", "wi7l", "3TANKER")]
    [True, True, True, True, True]
    >>> [letter_shaped_digit(w) for w in ("1850s", "4to", "8vo", "10lb", "A4", "H2O", "B12", "ab3", "x2y")]
    [False, False, False, False, False, False, False, False, False]
    >>> [letter_shaped_digit(w) for w in ("3oth", "7ist", "2nds", "h1i3", "Ab3c1")]
    [False, False, False, False, False]
    """
    digits = [c for c in word if c.isdigit()]
    if len(digits) != 1:  # (two: a number or code as often as a word: 3a1peated, B12a)
        return False
    letters = sum(c.isalpha() for c in word)
    if letters < DIGIT_LETTER_MIN_LETTERS or letters < DIGIT_LETTER_MIN_SHARE * len(word):
        return False
    if NUMBER_UNIT_RE.fullmatch(word) or MISREAD_ORDINAL_RE.fullmatch(word):
        return False
    # capitals and digits only: a reference (``A4``, ``CO2``) unless a word in capitals
    return not (REFERENCE_RE.fullmatch(word) and letters < 5)


_NUMBER_MISREADS = str.maketrans({"l": "1", "I": "1", "i": "1", "O": "0", "o": "0"})


def misread_number(word: str) -> str | None:
    """A number with letters read for its digits (``186i`` -> ``1861``), else None.

    >>> misread_number("186i"), misread_number("19l3"), misread_number("l9l3"), misread_number("19th")
    ('1861', '1913', None, None)
    """
    if len(word) < 3 or word.isalpha():  # most words: no digit at all
        return None
    digits = sum(c.isdigit() for c in word)
    others = len(word) - digits
    if digits < 2 or others == 0 or others > 2 or others * 2 >= len(word):
        return None
    fixed = word.translate(_NUMBER_MISREADS)
    return fixed if fixed.isdigit() else None


def is_roman(word: str) -> bool:
    """Roman numerals (``XIV``, ``iii``) are left alone.

    >>> is_roman("XIV"), is_roman("iii"), is_roman("xiiii"), is_roman("Il"), is_roman("il"), is_roman("ill")
    (True, True, True, False, False, False)
    """
    return (len(word) > 1 and _ROMAN_CHARS.issuperset(word) and bool(ROMAN_RE.fullmatch(word))
            and bool(ROMAN_ORDER_RE.fullmatch(word.upper())))


# where a protected span may start, ``[/\\_#=<>{}|~^@]|www\.|\.(?:com|...|uk)\b`` ignoring case, as
# its alternatives one by one (a match of one is a match of the whole): each starts with a
# literal or a class the engine scans for fast, where the whole scans 10x slower
_HINT_MARKS = "/\\_#=<>{}|~^@"  # (each looked for by str.find: 3x cheaper than one class tried at every position)
# a domain ending or ``www.``: a full stop first (a fast scan), then either
_HINT_DOT_RE = re.compile(r"\.(?:(?i:com|org|net|edu|gov|html?|pdf|txt|ru|uk)\b|(?<=[wW][wW][wW]\.))")


def _protected_hint(text: str) -> bool:
    """Whether a protected span may start in ``text`` (a mark, ``www.`` or a domain ending)."""
    return bool(any(map(text.__contains__, _HINT_MARKS)) or _HINT_DOT_RE.search(text))


#: a lowercase word with one junk mark glued to one edge (``~rotected``, ``stea^``), in
#: quotes or brackets and before punctuation perhaps: a protected span that may be damaged
#: print rather than a code-like token (the words stage reads it only as a lost letter)
JUNK_EDGE_MARKS = "~^|{}<>=\\"  # not punctuation, brackets or ``&``, which are text
_JUNK_MARK_CLASS = "[" + re.escape(JUNK_EDGE_MARKS) + "]"
JUNK_EDGE_WORD_RE = re.compile(
    r"[“‘\"'(]*(?:" + _JUNK_MARK_CLASS + r"[a-z]+(?:['’][a-z]+)*|[a-z]+(?:['’][a-z]+)*" + _JUNK_MARK_CLASS
    + r")[.,;:!?”’\"')]*")


def junk_edge_word(span_text: str) -> bool:
    """Whether a protected span is a lowercase word with a junk mark at one edge.

    >>> [junk_edge_word(t) for t in ("~rotected,", "stea^", "~/bin", "a_b", "|x|", "=x=")]
    [True, True, False, False, False, False]
    """
    return JUNK_EDGE_WORD_RE.fullmatch(span_text) is not None


def protected_spans(text: str, extra_patterns=()) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans no repair may touch (URLs, e-mails, user patterns)."""
    spans = [m.span() for m in PROTECTED_SPAN_RE.finditer(text)] if _protected_hint(text) else []
    for pat in extra_patterns:
        spans.extend(m.span() for m in pat.finditer(text) if m.end() > m.start())
    spans.sort()
    return spans


def digit_joins_number(line: str, start: int, end: int) -> bool:
    """Whether the form at ``line[start:end]``, holding a digit other than 0/1/5, touches a
    number through one mark (``nearly2,000``, ``14-a4far``): its digit is part of that
    number, not a letter misread.

    >>> digit_joins_number("nearly2,0001.", 0, 7), digit_joins_number("that3, 1913", 0, 5)
    (True, False)
    >>> digit_joins_number("14-a4far", 3, 8), digit_joins_number("wi7l go", 0, 4)
    (True, False)
    """
    if CONFUSABLE_DIGITS.issuperset(DIGITS_RE.findall(line, start, end)):  # (0/1/5: judged as before)
        return False
    return bool(NUMBER_AFTER_RE.match(line, end) or start >= 2 and NUMBER_BEFORE_RE.match(line, start - 2))
