"""List unknown tokens that are one generic OCR confusion away from a word that
is frequent in the same file or in symspellpy's English list (reading list only).

Catches damaged names (Eenin -> Lenin shape) that a dictionary cannot know.
Usage: python corpus_twins.py RAW_FILE
"""
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from confusables import PAIRS, freqs  # noqa: E402

TOKEN = re.compile(r"[A-Za-z]+")


def main():
    text = Path(sys.argv[1]).read_text(encoding="utf-8")
    counts = Counter(TOKEN.findall(text))
    f = freqs()
    for no, line in enumerate(text.split("\n"), 1):
        hits = []
        for tok in TOKEN.findall(line):
            if tok.lower() in f and counts[tok] > 2:
                continue
            for a, b in PAIRS:
                i = tok.find(a)
                while i != -1:
                    v = tok[:i] + b + tok[i + len(a):]
                    if counts[v] >= 5 * max(counts[tok], 1) and counts[v] >= 5 and tok.lower() not in f:
                        hits.append(f"{tok}>{v}")
                    i = tok.find(a, i + 1)
        if hits:
            print(f"{no}\t{' '.join(sorted(set(hits)))}\t{line.rstrip()[:150]}")


if __name__ == "__main__":
    main()
