"""The OCR channel model: the fast channel cost equals the plain dynamic programme."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.words.confusions import (_BY_SEEN, _LIGATURE_COST, DOUBLED_COST, EXTRA_LETTER_COST,
                                       GENERIC_COST, LOST_LETTER_COST, STRAY_DIGIT_COST, channel_cost,
                                       sub_cost)


def reference_channel_cost(seen: str, meant: str) -> float:
    """The channel cost as first written (a plain, slower programme): the reference."""
    n, m = len(seen), len(meant)
    if n == m:
        # fast path: position-wise substitutions; exact whenever it is cheap
        total = 0.0
        for a, b in zip(seen, meant):
            if a != b:
                total += sub_cost(a, b)
                if total > 1.5:
                    break
        else:
            return round(total, 3)
    inf = 1e9
    width = abs(n - m) + 2  # alignments far off the diagonal are never cheap
    # group confusions ending at each seen position: (seen length, meant text, cost)
    groups: list[list[tuple[int, str, float]]] = [[] for _ in range(n + 1)]
    for i in range(1, n + 1):
        for ls in (1, 2):
            if i >= ls:
                for meant_s, c in _BY_SEEN.get(seen[i - ls:i], ()):
                    if ls == 2 or len(meant_s) == 2:
                        groups[i].append((ls, meant_s, c))
    d = [[inf] * (m + 1) for _ in range(n + 1)]
    d[0][0] = 0.0
    for i in range(n + 1):
        row = d[i]
        prev = d[i - 1] if i else None
        gi = groups[i]
        for j in range(max(0, i - width), min(m, i + width) + 1):
            if i == 0 and j == 0:
                continue
            best = inf
            if i and j:
                a, b = seen[i - 1], meant[j - 1]
                best = prev[j - 1] + (0.0 if a == b else sub_cost(a, b))
                if i > 1 and j > 1 and a == meant[j - 2] and b == seen[i - 2]:
                    best = min(best, d[i - 2][j - 2] + GENERIC_COST)
            if i:
                ch = seen[i - 1]
                best = min(best, prev[j] + (STRAY_DIGIT_COST if ch.isdigit() else EXTRA_LETTER_COST))
                if i >= 2 and j and ch == seen[i - 2] == meant[j - 1] and ch.isalpha():
                    best = min(best, prev[j] + DOUBLED_COST)
            if j:
                best = min(best, row[j - 1] + LOST_LETTER_COST)
                if j >= 2:
                    for lm in (2, 3):
                        if j >= lm:
                            c = _LIGATURE_COST.get(meant[j - lm:j])
                            if c is not None:
                                best = min(best, row[j - lm] + c)
            for ls, ms, c in gi:
                lm = len(ms)
                if j >= lm and meant[j - lm:j] == ms:
                    best = min(best, d[i - ls][j - lm] + c)
            row[j] = best
        if min(row) > 12:
            return 99.0
    return round(d[n][m], 3)


# letters the confusion table, ligatures and doubled-letter rules care about, and some it does not
ALPHABET = "abcdefhiklmnorstuvwyILEBRJHQOGCPF0159!üiiffl’'x"
PAIRS = [("lhal", "that"), ("rnen", "men"), ("cat", "dog"), ("gure", "figure"), ("Commmittee", "Committee"),
         ("liave", "have"), ("oating", "floating"), ("tlie", "the"), ("vvhich", "which"), ("bro1ught", "brought"),
         ("", "a"), ("a", ""), ("", ""), ("imperiallists", "imperialists"), ("Eeningrad", "Leningrad")]


def test_known_pairs():
    for seen, meant in PAIRS:
        assert channel_cost(seen, meant) == reference_channel_cost(seen, meant), (seen, meant)


@settings(deadline=None, max_examples=1500)
@given(st.text(alphabet=ALPHABET, max_size=9), st.text(alphabet=ALPHABET, max_size=9))
def test_any_pair(seen, meant):
    assert channel_cost(seen, meant) == reference_channel_cost(seen, meant)


@settings(deadline=None, max_examples=500)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=10), st.data())
def test_near_pairs(meant, data):
    """Misreadings a few edits away (where costs are small and every rule competes)."""
    seen = list(meant)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(seen)))
        op = data.draw(st.sampled_from(["ins", "del", "sub", "dup"]))
        ch = data.draw(st.sampled_from(ALPHABET))
        if op == "ins":
            seen.insert(i, ch)
        elif seen and i < len(seen):
            if op == "del":
                del seen[i]
            elif op == "sub":
                seen[i] = ch
            else:
                seen.insert(i, seen[i])
    seen = "".join(seen)
    assert channel_cost(seen, meant) == reference_channel_cost(seen, meant)
