"""Flag possible real-word OCR errors (bad/had, feet/feel, lo/to) for human review.

For each token, try generic confusion swaps (table in confusables.PAIRS plus
first-letter swaps); if a variant is a known word whose bigrams with the
neighbouring words are far more frequent (symspellpy bigram list) than the
token's own, print the line.  A reading list only; every hit is judged by hand.
Usage: python realword.py RAW_FILE [ratio]
"""
import re
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from confusables import PAIRS, freqs  # noqa: E402

BIGRAMS = Path("/work/main/.venv/lib/python3.11/site-packages/symspellpy/frequency_bigramdictionary_en_243_342.txt")
WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def bigrams():
    out = {}
    for line in BIGRAMS.open(encoding="utf-8"):
        a, b, f = line.split()
        out[(a, b)] = int(f)
    return out


def score(prev, w, nxt):
    bg = bigrams()
    s = 0
    if prev:
        s += bg.get((prev, w), 0)
    if nxt:
        s += bg.get((w, nxt), 0)
    return s


def main():
    ratio = float(sys.argv[2]) if len(sys.argv) > 2 else 200
    f = freqs()
    for no, line in enumerate(Path(sys.argv[1]).read_text(encoding="utf-8").split("\n"), 1):
        toks = [m.group() for m in WORD.finditer(line)]
        low = [t.lower() for t in toks]
        hits = []
        for i, w in enumerate(low):
            if w not in f:
                continue
            prev = low[i - 1] if i else None
            nxt = low[i + 1] if i + 1 < len(low) else None
            own = score(prev, w, nxt)
            for a, b in PAIRS:
                j = w.find(a.lower())
                while j != -1:
                    v = w[:j] + b.lower() + w[j + len(a):]
                    if v in f and v != w:
                        sv = score(prev, v, nxt)
                        if sv > max(own, 1) * ratio and sv > 100000:
                            hits.append(f"{toks[i]}>{v}")
                    j = w.find(a.lower(), j + 1)
        if hits:
            print(f"{no}\t{' '.join(sorted(set(hits)))}\t{line.rstrip()[:150]}")


if __name__ == "__main__":
    main()
