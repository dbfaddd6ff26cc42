"""Score lines by generic OCR character-confusion evidence (reading list only).

A token scores when it is not a known word (symspellpy English list) but one
swap from a generic confusion table (t/l/i/I/1, L/E, R/B, h/b, rn/m, c/e, ...)
turns it into a frequent word, or when it is a very frequent short word whose
confusion twin is much more frequent (lo/to, ihe/the) -- those are printed for
human judgement only.  Prints: line, score, suspects, text.

Usage: python confusables.py RAW_FILE [--all]
"""
import re
import sys
from functools import lru_cache
from pathlib import Path

SYMSPELL = Path("/work/main/.venv/lib/python3.11/site-packages/symspellpy/frequency_dictionary_en_82_765.txt")
TOKEN = re.compile(r"[A-Za-z][A-Za-z]*")
PAIRS = [("l", "t"), ("i", "t"), ("l", "i"), ("I", "l"), ("I", "t"), ("l", "I"), ("L", "E"), ("E", "L"),
         ("R", "B"), ("B", "R"), ("h", "b"), ("b", "h"), ("rn", "m"), ("m", "rn"), ("c", "e"), ("e", "c"),
         ("i", "l"), ("t", "l"), ("I", "T"), ("J", "l"), ("1", "l"), ("f", "t"), ("t", "f"), ("ii", "u"),
         ("li", "h"), ("cl", "d"), ("u", "n"), ("n", "u"), ("a", "o"), ("o", "a"), ("e", "o")]


@lru_cache(maxsize=1)
def freqs():
    out = {}
    for line in SYMSPELL.open(encoding="utf-8"):
        w, f = line.split()
        out[w] = int(f)
    return out


def variants(tok):
    for a, b in PAIRS:
        start = tok.find(a)
        while start != -1:
            yield tok[:start] + b + tok[start + len(a):]
            start = tok.find(a, start + 1)


def suspect(tok):
    f = freqs()
    low = tok.lower()
    own = f.get(low, 0)
    best = None
    for v in variants(tok):
        fv = f.get(v.lower(), 0)
        if fv > max(own * 50, 1_000_000) and (best is None or fv > best[1]):
            best = (v, fv)
    return best


def main():
    path = Path(sys.argv[1])
    for no, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        hits = []
        for m in TOKEN.finditer(line):
            s = suspect(m.group())
            if s:
                hits.append(f"{m.group()}>{s[0]}")
        if hits or "--all" in sys.argv:
            print(f"{no}\t{len(hits)}\t{' '.join(hits)}\t{line.rstrip()[:160]}")


if __name__ == "__main__":
    main()
