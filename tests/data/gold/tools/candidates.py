"""List candidate OCR-damaged lines for hand labelling (no answers in here).

A line is a candidate when it holds a token that is absent from symspellpy's
English frequency list (case-folded) or matches a generic OCR-confusion shape
(digit/letter mixes, capital letters inside a lower-case word, a short common
word next to a confusable twin).  The output is only a reading list: every
line is judged by a person in its context before it enters the gold set.

Usage: python candidates.py RAW_FILE [--min-freq N] > candidates.tsv
"""
import re
import sys
from pathlib import Path

SYMSPELL = Path("/work/main/.venv/lib/python3.11/site-packages/symspellpy/frequency_dictionary_en_82_765.txt")
TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")
# generic shapes: lower-case word with an inner capital (ControJ, wiIl), letter-digit mixes
INNER_CAP = re.compile(r"\b[a-z]+[A-Z][a-z]*\b|\b[A-Z][a-z]+[A-Z]\b")
MIXED_DIGIT = re.compile(r"\b(?=\w*\d)(?=\w*[a-z]{2})\w+\b")


def load_words(min_freq):
    words = {}
    for line in SYMSPELL.open(encoding="utf-8"):
        w, f = line.split()
        words[w] = int(f)
    return {w for w, f in words.items() if f >= min_freq}


def main():
    path = Path(sys.argv[1])
    min_freq = int(sys.argv[sys.argv.index("--min-freq") + 1]) if "--min-freq" in sys.argv else 0
    words = load_words(min_freq)
    for no, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        unknown = []
        for m in TOKEN.finditer(line):
            tok = m.group().replace("’", "'")
            base = tok.lower()
            if base.endswith("'s"):
                base = base[:-2]
            if base not in words:
                unknown.append(tok)
        shapes = INNER_CAP.findall(line) + MIXED_DIGIT.findall(line)
        if unknown or shapes:
            print(f"{no}\t{' '.join(unknown)}\t{' '.join(shapes)}\t{line.strip()[:200]}")


if __name__ == "__main__":
    main()
