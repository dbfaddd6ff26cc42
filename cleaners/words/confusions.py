"""The OCR channel model: which misreadings are cheap, and how to undo them.

Costs are in log10 units: a cost of 0.5 means "this misreading is about
10**-0.5 as likely as reading the character right, given that the word was
misread at all" (the prior that a word is misread at all is added by the
scorer). An arbitrary substitution, insertion or deletion costs
``GENERIC_COST``; the confusions below are what OCR engines are known to do
(the shapes of ``t``/``l``/``i``/``I``/``1``, ``h``/``b``, ``rn``/``m``, long
``s`` read as ``f``, ...). They are general, not fitted to any text.
"""

from __future__ import annotations

from functools import lru_cache

GENERIC_COST = 3.0
LOST_LETTER_COST = 2.5  # an intended letter missing from the print (faint type)
EXTRA_LETTER_COST = 3.0  # a letter printed that was not meant
CASE_ONLY_COST = 1.2
STRAY_DIGIT_COST = 1.6  # a digit misread inside a word ("bro1ught")

# (seen by the OCR, intended by the author, cost)
CONFUSIONS: tuple[tuple[str, str, float], ...] = (
    ("l", "t", 0.5), ("i", "t", 0.7), ("t", "l", 0.9), ("t", "i", 1.0),
    ("l", "i", 0.7), ("i", "l", 0.7), ("I", "l", 0.5), ("l", "I", 0.5),
    ("I", "t", 0.9), ("f", "t", 0.9), ("t", "f", 1.1), ("f", "s", 0.9),
    ("1", "l", 0.6), ("1", "i", 0.8), ("1", "I", 0.6), ("1", "t", 1.0),
    ("!", "l", 0.8), ("J", "l", 0.8), ("j", "i", 1.0), ("i", "j", 1.2),
    ("E", "L", 0.5), ("L", "E", 0.9), ("R", "B", 0.5), ("B", "R", 0.8),
    ("b", "h", 0.5), ("h", "b", 0.7), ("li", "h", 0.7), ("h", "li", 1.0),
    ("rn", "m", 0.5), ("m", "rn", 0.8), ("in", "m", 1.0), ("ni", "m", 1.0),
    ("m", "in", 1.1), ("m", "ni", 1.1), ("iu", "m", 1.1), ("nn", "m", 1.1),
    ("cl", "d", 0.7), ("d", "cl", 1.0), ("ii", "u", 0.7), ("u", "ii", 1.0),
    ("ü", "ii", 0.7), ("ii", "ü", 1.0), ("ti", "u", 1.2), ("n", "u", 1.0),
    ("u", "n", 1.0), ("vv", "w", 0.5), ("w", "vv", 1.0), ("v", "y", 1.1),
    ("y", "v", 1.1), ("0", "o", 0.5), ("0", "O", 0.5), ("5", "s", 0.7),
    ("5", "S", 0.7), ("c", "e", 0.8), ("e", "c", 0.8), ("o", "e", 1.1),
    ("e", "o", 1.1), ("a", "o", 1.2), ("o", "a", 1.2), ("c", "o", 1.2),
    ("o", "c", 1.2), ("n", "h", 1.2), ("h", "n", 1.2), ("r", "t", 1.2),
    ("t", "r", 1.2), ("s", "a", 1.3), ("a", "s", 1.3), ("ri", "n", 1.1),
    ("H", "li", 1.2), ("tl", "d", 1.1), ("c", "t", 1.2), ("Q", "O", 1.0),
    ("O", "Q", 1.2), ("G", "C", 1.0), ("C", "G", 1.0), ("P", "F", 1.0),
    ("F", "P", 1.0), ("l", "f", 1.2), ("fi", "h", 1.2), ("k", "h", 1.2),
    ("h", "k", 1.2), ("iv", "w", 0.8), ("wv", "w", 1.0), ("vw", "w", 1.0),
    ("ri", "n", 1.1), ("in", "m", 1.0), ("tl", "d", 1.1), ("ld", "d", 1.3),
    ("li", "h", 0.7), ("lh", "h", 1.2), ("hl", "h", 1.2), ("ll", "h", 1.2),
    ("rl", "n", 1.1), ("r", "f", 1.4), ("f", "r", 1.4),
)
DOUBLED_COST = 1.5  # a letter printed twice (Commmittee, imperiallists)
# Ligatures lost in extraction: the intended letters vanish (``gure`` for
# ``figure``, ``oating`` for ``floating``).
LIGATURES: tuple[tuple[str, float], ...] = (
    ("fi", 1.2), ("fl", 1.2), ("ff", 1.4), ("ffi", 1.4), ("ffl", 1.4))
_LIGATURE_COST = dict(LIGATURES)
# length-changing confusions, undone explicitly before a skeleton lookup
LENGTH_CHANGING: tuple[tuple[str, str], ...] = tuple(dict.fromkeys(
    (s, m) for s, m, _ in CONFUSIONS if len(s) != len(m)))  # (a few are listed twice)

_BY_SEEN: dict[str, list[tuple[str, float]]] = {}
for _seen, _meant, _cost in CONFUSIONS:
    _BY_SEEN.setdefault(_seen, []).append((_meant, _cost))
_KEYS_BY_LEN: dict[int, frozenset[str]] = {
    n: frozenset(k for k in _BY_SEEN if len(k) == n) for n in (1, 2)}
_PAIR_COST: dict[tuple[str, str], float] = {(s, m): c for s, m, c in CONFUSIONS}


def sub_cost(seen: str, meant: str) -> float:
    """Cost of reading ``meant`` as ``seen`` (one character or a short group).

    >>> sub_cost("l", "t") < sub_cost("x", "t")
    True
    """
    if seen == meant:
        return 0.0
    c = _PAIR_COST.get((seen, meant))
    if c is not None:
        return c
    if len(seen) == 1 and len(meant) == 1:
        if seen.lower() == meant.lower():
            return CASE_ONLY_COST
        c = _PAIR_COST.get((seen.lower(), meant.lower()))
        if c is not None:
            return c + 0.3
    return GENERIC_COST if len(seen) == len(meant) == 1 else 99.0


_sub_cost = lru_cache(maxsize=1 << 16)(sub_cost)  # pure, and called for every cell


@lru_cache(maxsize=200_000)
def channel_cost(seen: str, meant: str) -> float:
    """Weighted edit distance from the intended word to what the OCR printed.

    Multi-character confusions (``rn``/``m``, ``cl``/``d``, ``li``/``h``) are
    single operations.

    >>> channel_cost("lhal", "that")
    1.0
    >>> channel_cost("rnen", "men")
    0.5
    >>> channel_cost("cat", "dog") > 6
    True
    """
    n, m = len(seen), len(meant)
    if n == m:
        # fast path: position-wise substitutions; exact whenever it is cheap
        total = 0.0
        for a, b in zip(seen, meant):
            if a != b:
                total += _sub_cost(a, b)
                if total > 1.5:
                    break
        else:
            return round(total, 3)
    return _aligned_cost(seen, meant)


def _aligned_cost(seen: str, meant: str) -> float:
    """The banded dynamic programme behind :func:`channel_cost` (99.0 when hopeless).

    Hot code: per-position costs are worked out before the loop, and each cell keeps
    the least of its candidate sums (``x < best``: the same value ``min`` would give).
    """
    n, m = len(seen), len(meant)
    inf = 1e9
    width = abs(n - m) + 2  # alignments far off the diagonal are never cheap
    # group confusions ending at each seen position: (seen length, meant text, cost)
    groups: list[list[tuple[int, str, float]]] = [[] for _ in range(n + 1)]
    for i in range(1, n + 1):
        for ls in (1, 2):
            if i >= ls:
                for meant_s, c in _BY_SEEN.get(seen[i - ls:i], ()):
                    if ls == 2 or len(meant_s) == 2:
                        groups[i].append((ls, len(meant_s), meant_s, c))
    # cost of an extra printed character at each seen position; doubled letters
    extra = [0.0] + [STRAY_DIGIT_COST if ch.isdigit() else EXTRA_LETTER_COST for ch in seen]
    doubled = [False, False] + [seen[i - 1] == seen[i - 2] and seen[i - 1].isalpha() for i in range(2, n + 1)]
    # lost ligatures ending at each meant position: (letters, cost)
    ligatures: list[list[tuple[int, float]]] = [[] for _ in range(m + 1)]
    for j in range(2, m + 1):
        for lm in (2, 3):
            if j >= lm:
                c = _LIGATURE_COST.get(meant[j - lm:j])
                if c is not None:
                    ligatures[j].append((lm, c))
    d = [[inf] * (m + 1) for _ in range(n + 1)]
    d[0][0] = 0.0
    for i in range(n + 1):
        row = d[i]
        prev = d[i - 1] if i else None
        gi = groups[i]
        a = seen[i - 1] if i else ""
        for j in range(max(0, i - width), min(m, i + width) + 1):
            if i == 0:
                if j == 0:
                    continue
                best = inf
            else:
                if j:
                    b = meant[j - 1]
                    best = prev[j - 1] + (0.0 if a == b else _sub_cost(a, b))
                    if i > 1 and j > 1 and a == meant[j - 2] and b == seen[i - 2]:
                        x = d[i - 2][j - 2] + GENERIC_COST
                        if x < best:
                            best = x
                else:
                    best = inf
                x = prev[j] + extra[i]
                if x < best:
                    best = x
                if doubled[i] and j and a == meant[j - 1]:
                    x = prev[j] + DOUBLED_COST
                    if x < best:
                        best = x
            if j:
                x = row[j - 1] + LOST_LETTER_COST
                if x < best:
                    best = x
                for lm, c in ligatures[j]:
                    x = row[j - lm] + c
                    if x < best:
                        best = x
            for ls, lm, ms, c in gi:
                if j >= lm and meant[j - lm:j] == ms:
                    x = d[i - ls][j - lm] + c
                    if x < best:
                        best = x
            row[j] = best
        if min(row) > 12:
            return 99.0
    return round(d[n][m], 3)


# Confusion classes: characters an OCR engine mistakes for one another share a
# class, so every word has a *skeleton* and the words a token may have been are
# the known words with the same skeleton (whatever the number of slips). Group
# confusions are folded first (rn -> m). Applied to token and vocabulary alike.
_GROUP_FOLDS = (("rn", "m"), ("cl", "d"), ("ii", "u"), ("vv", "w"), ("ü", "u"))
_CLASS_OF = str.maketrans({
    **{c: "t" for c in "tli1!jf"},
    **{c: "h" for c in "hbk"},
    **{c: "e" for c in "eco0"},
    **{c: "u" for c in "un"},
    **{c: "v" for c in "vy"},
    "5": "s",
    "’": "'",
})
# capital-letter confusions (E read for L, R for B): alternative lowercase readings
_CAPITAL_ALTERNATIVES = {"E": "l", "L": "e", "R": "b", "B": "r", "I": "l", "J": "l"}


def skeleton(word: str) -> str:
    """The confusion-class skeleton of a (lowercase) word.

    >>> skeleton("that") == skeleton("lhal") == skeleton("tbat")
    True
    >>> skeleton("modern") == skeleton("rnodern")
    True
    """
    w = word.lower()
    for a, b in _GROUP_FOLDS:
        if a in w:
            w = w.replace(a, b)
    return w.translate(_CLASS_OF)


def skeletons(words: list[str]) -> list[str]:
    """:func:`skeleton` of many words at once (one pass over their joined text: no
    fold or class spans a line break, and lowercasing is per character).

    >>> skeletons(["that", "rnodern", "lhal"]) == [skeleton(w) for w in ("that", "rnodern", "lhal")]
    True
    """
    if any("\n" in w for w in words):
        return [skeleton(w) for w in words]
    text = "\n".join(words).lower()
    for a, b in _GROUP_FOLDS:
        text = text.replace(a, b)
    out = text.translate(_CLASS_OF).split("\n")
    return out if len(out) == len(words) else [skeleton(w) for w in words]


def token_skeletons(surface: str) -> set[str]:
    """Skeletons of a token, including readings of its capitals as other letters.

    >>> skeleton("lenin") in token_skeletons("Eenin")
    True
    """
    out = {skeleton(surface)}
    caps = [i for i, c in enumerate(surface) if c in _CAPITAL_ALTERNATIVES]
    for i in caps[:3]:
        alt = surface[:i] + _CAPITAL_ALTERNATIVES[surface[i]] + surface[i + 1:]
        out.add(skeleton(alt))
    return out


def length_skeletons(word: str) -> set[str]:
    """Skeletons of ``word`` with one length-changing confusion undone, one lost
    ligature restored or one doubled letter dropped.

    >>> skeleton("have") in length_skeletons("liave")
    True
    >>> skeleton("figure") in length_skeletons("gure")
    True
    """
    out: set[str] = set()
    for seen, meant in LENGTH_CHANGING:
        start = word.find(seen)
        while start != -1:
            out.add(skeleton(word[:start] + meant + word[start + len(seen):]))
            start = word.find(seen, start + 1)
    for i in range(1, len(word)):
        if word[i] == word[i - 1]:
            out.add(skeleton(word[:i] + word[i + 1:]))
    # every ligature (fi, fl, ff, ffi, ffl) has the skeleton "tt" or "ttt"
    sk = skeleton(word)
    for i in range(len(sk) + 1):
        out.add(sk[:i] + "tt" + sk[i:])
        out.add(sk[:i] + "ttt" + sk[i:])
    out.discard(sk)
    return out
