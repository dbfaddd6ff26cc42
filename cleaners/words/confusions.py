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
DIGIT_LETTER_COST = STRAY_DIGIT_COST  # a digit other than 0/1/5 read for a letter of its shape ("wi8h")

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
) + (
    # digits other than 0/1/5 read for a letter: only the pairs seen five times at least in
    # two OCR benchmarks, each no cheaper than the digit read as a stray mark (a word holding
    # such a digit is judged only by tokens.letter_shaped_digit; other pairs cost GENERIC_COST)
    *((digit, letter, DIGIT_LETTER_COST) for digit, letter in (
        ("8", "s"), ("6", "o"), ("6", "e"), ("3", "e"), ("3", "s"), ("4", "d"), ("4", "t"), ("6", "c"))),
)
DOUBLED_COST = 1.5  # a letter printed twice (Commmand, parallell)
# Ligatures lost in extraction: the intended letters vanish (``gure`` for
# ``figure``, ``oating`` for ``floating``).
LIGATURES: tuple[tuple[str, float], ...] = (
    ("fi", 1.2), ("fl", 1.2), ("ff", 1.4), ("ffi", 1.4), ("ffl", 1.4))
_LIGATURE_COST = dict(LIGATURES)
# length-changing confusions, undone explicitly before a skeleton lookup
LENGTH_CHANGING: tuple[tuple[str, str], ...] = tuple(dict.fromkeys(
    (s, m) for s, m, _ in CONFUSIONS if len(s) != len(m)))  # (a few are listed twice)

# LENGTH_CHANGING by seen text, one- and two-character
_LENGTH_CHANGING_1: dict[str, tuple[str, ...]] = {}
_LENGTH_CHANGING_2: dict[str, tuple[str, ...]] = {}
for _seen, _meant in LENGTH_CHANGING:
    _by = _LENGTH_CHANGING_1 if len(_seen) == 1 else _LENGTH_CHANGING_2
    _by[_seen] = _by.get(_seen, ()) + (_meant,)
assert all(len(s) in (1, 2) for s, _ in LENGTH_CHANGING)

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


# channel costs met so far: (seen, meant) -> the exact cost; and pairs known to cost
# more than some limit -> the highest such limit (from :func:`channel_cost_within`).
# Both are emptied when full (pure functions: what is forgotten is worked out again).
_EXACT_COSTS: dict[tuple[str, str], float] = {}
_COSTS_ABOVE: dict[tuple[str, str], float] = {}
_MAX_CACHED_COSTS = 200_000


def channel_cost(seen: str, meant: str) -> float:
    """Weighted edit distance from the intended word to what the OCR printed.

    Multi-character confusions (``rn``/``m``, ``cl``/``d``, ``li``/``h``) are
    single operations.

    >>> channel_cost("slale", "state")
    1.0
    >>> channel_cost("rnen", "men")
    0.5
    >>> channel_cost("cat", "dog") > 6
    True
    """
    key = (seen, meant)
    c = _EXACT_COSTS.get(key)
    if c is None:
        c = _same_length_cost(seen, meant)
        if c is None:
            c = _aligned_cost(seen, meant)
        if len(_EXACT_COSTS) >= _MAX_CACHED_COSTS:
            _EXACT_COSTS.clear()
        _EXACT_COSTS[key] = c
    return c


def channel_cost_within(seen: str, meant: str, limit: float) -> float:
    """:func:`channel_cost` when it is at most ``limit``, else a cost above ``limit``
    (99.0): for a caller that rejects every reading dearer than ``limit``, the same
    answers at a fraction of the work (the alignment stops once it must end above).

    >>> channel_cost_within("slale", "state", 1.5), channel_cost_within("cat", "dog", 2.0) > 2.0
    (1.0, True)
    """
    key = (seen, meant)
    c = _EXACT_COSTS.get(key)
    if c is not None:
        return c
    above = _COSTS_ABOVE.get(key)
    if above is not None and above >= limit:
        return 99.0
    c = _same_length_cost(seen, meant)
    if c is None:
        c = _aligned_cost(seen, meant, limit)
        if c > limit:  # (maybe not the exact cost: remember only that it is above limit)
            if len(_COSTS_ABOVE) >= _MAX_CACHED_COSTS:
                _COSTS_ABOVE.clear()
            _COSTS_ABOVE[key] = limit if above is None or limit > above else above
            return 99.0
    if len(_EXACT_COSTS) >= _MAX_CACHED_COSTS:
        _EXACT_COSTS.clear()
    _EXACT_COSTS[key] = c
    return c


def _same_length_cost(seen: str, meant: str) -> float | None:
    """The cost of position-wise substitutions when it is cheap (then it is the
    channel cost), None when the lengths differ or it is not."""
    if len(seen) != len(meant):
        return None
    total = 0.0
    for a, b in zip(seen, meant):
        if a != b:
            total += _sub_cost(a, b)
            if total > 1.5:
                return None
    return round(total, 3)


# group confusions by the seen text they end with: a single seen character only as
# the start of a two-letter reading (m -> rn); two seen characters always (rn -> m)
_GROUPS_BY_SEEN: dict[str, tuple[tuple[int, int, str, float], ...]] = {
    s: tuple((len(s), len(m), m, c) for m, c in ms if len(s) == 2 or len(m) == 2)
    for s, ms in _BY_SEEN.items()}
_GROUPS_BY_SEEN = {s: g for s, g in _GROUPS_BY_SEEN.items() if g}
_NO_GROUPS: dict = {}


# the length-changing group confusions (rn -> m, m -> rn): seen text -> the cheapest
_LENGTH_GROUP_COST: dict[str, float] = {
    s: min(c for ls, lm, _m, c in g if ls != lm) for s, g in _GROUPS_BY_SEEN.items() if any(ls != lm for ls, lm, _m, _c in g)}
_MIN_LIGATURE_COST = min(c for _, c in LIGATURES)


def length_change_floor(seen: str) -> float:
    """A lower bound of :func:`channel_cost` from ``seen`` to any text one character
    longer or shorter: the alignment needs one length-changing step (an extra, lost
    or doubled letter, a group confusion whose seen text ``seen`` holds) or at least
    two (a lost ligature changes the length by two or three), none cheaper than the
    cheapest step of its kind. (A reading dearer than a caller's limit whatever the
    text is then rejected with no alignment run.)

    >>> length_change_floor("sate"), length_change_floor("rnan"), length_change_floor("ebb")
    (2.4, 0.5, 1.5)
    """
    single = min(EXTRA_LETTER_COST, LOST_LETTER_COST)
    any_step = min(single, _MIN_LIGATURE_COST)
    for i, ch in enumerate(seen):
        if ch.isdigit():
            single = min(single, STRAY_DIGIT_COST)
        elif i and ch == seen[i - 1] and ch.isalpha():
            single = min(single, DOUBLED_COST)
        c = _LENGTH_GROUP_COST.get(ch)
        if c is not None and c < single:
            single = c
        c = _LENGTH_GROUP_COST.get(seen[i - 1:i + 1]) if i else None
        if c is not None and c < single:
            single = c
    return min(single, 2 * min(any_step, single))


@lru_cache(maxsize=4096)
def _sub_costs(seen: str) -> dict[str, float]:
    """``meant -> sub_cost(seen, meant)`` for one seen character, filled as met."""
    return {}


def _aligned_cost(seen: str, meant: str, limit: float | None = None) -> float:
    """The banded dynamic programme behind :func:`channel_cost` (99.0 when hopeless).

    With a ``limit`` the programme stops as soon as the cost is sure to round above it
    and gives 99.0: the exact cost whenever that is at most ``limit``, a cost above
    ``limit`` otherwise (what a caller that only compares against it needs).

    Hot code: per-row and per-position facts (the reading's group confusions and where
    they match, lost ligatures, substitution costs) are worked out before the cells, and
    each cell keeps the least of its candidate sums (``x < best``: the same value
    ``min`` would give; the plain programme is the reference in the tests).
    """
    n, m = len(seen), len(meant)
    inf = 1e9
    width = abs(n - m) + 2  # alignments far off the diagonal are never cheap
    # lost ligatures ending at each meant position: (letters, cost)
    ligatures: dict[int, list[tuple[int, float]]] = {}
    if "f" in meant:
        for j in range(2, m + 1):
            for lm in (2, 3):
                if j >= lm:
                    c = _LIGATURE_COST.get(meant[j - lm:j])
                    if c is not None:
                        ligatures.setdefault(j, []).append((lm, c))
    # row 0: only lost letters and lost ligatures
    prev = [inf] * (m + 1)
    prev[0] = 0.0
    for j in range(1, min(m, width) + 1):
        best = inf
        x = prev[j - 1] + LOST_LETTER_COST
        if x < best:
            best = x
        for lm, c in ligatures.get(j, ()):
            x = prev[j - lm] + c
            if x < best:
                best = x
        prev[j] = best
    rows = [prev]
    by_seen = _GROUPS_BY_SEEN
    cut = None if limit is None else limit + 0.001  # (the result is rounded to 3 places)
    prev_low = min(prev)
    for i in range(1, n + 1):
        a = seen[i - 1]
        a2 = seen[i - 2] if i > 1 else None
        pp = rows[i - 2] if i > 1 else None
        row = [inf] * (m + 1)
        extra = STRAY_DIGIT_COST if a.isdigit() else EXTRA_LETTER_COST
        doubled = a == a2 and a.isalpha()
        subs = _sub_costs(a)
        # group confusions of the seen text ending here, by the meant position they end at
        groups = _NO_GROUPS
        for ls in (1, 2):
            if i >= ls:
                for g in by_seen.get(seen[i - ls:i], ()):
                    ms = g[2]
                    k = meant.find(ms)
                    while k != -1:
                        if groups is _NO_GROUPS:
                            groups = {}
                        groups.setdefault(k + g[1], []).append(g)
                        k = meant.find(ms, k + 1)
        lo = i - width
        if lo <= 0:
            lo = 1
            best = inf
            x = prev[0] + extra
            if x < best:
                best = x
            row[0] = best
        for j in range(lo, min(m, i + width) + 1):
            b = meant[j - 1]
            if a == b:
                best = prev[j - 1] + 0.0
            else:
                c = subs.get(b)
                if c is None:
                    c = subs[b] = sub_cost(a, b)
                best = prev[j - 1] + c
            if b == a2 and j > 1 and a == meant[j - 2]:
                x = pp[j - 2] + GENERIC_COST
                if x < best:
                    best = x
            x = prev[j] + extra
            if x < best:
                best = x
            if doubled and a == b:
                x = prev[j] + DOUBLED_COST
                if x < best:
                    best = x
            x = row[j - 1] + LOST_LETTER_COST
            if x < best:
                best = x
            if ligatures:
                for lm, c in ligatures.get(j, ()):
                    x = row[j - lm] + c
                    if x < best:
                        best = x
            if groups:
                for ls, lm, _ms, c in groups.get(j, ()):
                    x = rows[i - ls][j - lm] + c
                    if x < best:
                        best = x
            row[j] = best
        low = min(row)
        if low > 12:
            return 99.0
        # every alignment passes through row i or row i - 1 (no step skips more than one
        # row: group confusions and transpositions jump from row i - 2), and no step is
        # negative: once both rows lie past the limit (and its rounding) so does the end
        if cut is not None and low > cut and prev_low > cut:
            return 99.0
        prev_low = low
        rows.append(row)
        prev = row
    return round(prev[m], 3)


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

    >>> skeleton("they") == skeleton("lhey") == skeleton("tbey")
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

    >>> skeletons(["that", "rnodern", "lhey"]) == [skeleton(w) for w in ("that", "rnodern", "lhey")]
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

    >>> skeleton("liverpool") in token_skeletons("Eiverpool")
    True
    """
    out = {skeleton(surface)}
    if surface.islower():  # no capital at all (most tokens)
        return out
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
    out = ligature_free_length_skeletons(word)
    # every ligature (fi, fl, ff, ffi, ffl) has the skeleton "tt" or "ttt"
    sk = skeleton(word)
    for i in range(len(sk) + 1):
        out.add(sk[:i] + "tt" + sk[i:])
        out.add(sk[:i] + "ttt" + sk[i:])
    out.discard(sk)
    return out


def ligature_free_length_skeletons(word: str) -> set[str]:
    """:func:`length_skeletons` without the lost ligatures (which a word index can
    look up from the other side: :func:`cleaners.words.scoring.ligature_index`);
    may hold ``skeleton(word)``.

    >>> skeleton("have") in ligature_free_length_skeletons("liave")
    True
    """
    out: set[str] = set()
    for p, ch in enumerate(word):  # each position: the one- and two-letter readings there
        meants = _LENGTH_CHANGING_1.get(ch)
        if meants:
            for meant in meants:
                out.add(skeleton(word[:p] + meant + word[p + 1:]))
        meants = _LENGTH_CHANGING_2.get(word[p:p + 2])
        if meants:
            for meant in meants:
                out.add(skeleton(word[:p] + meant + word[p + 2:]))
    for i in range(1, len(word)):
        if word[i] == word[i - 1]:
            out.add(skeleton(word[:i] + word[i + 1:]))
    return out
