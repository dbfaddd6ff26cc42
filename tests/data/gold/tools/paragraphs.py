"""Print a raw paragraph joined into one line with a naive sentence-split proposal.

For hand segmentation only: every proposal is then read and corrected by hand in
sentences_src.txt.  Line-end hyphens are NOT resolved here: each one is shown as
a marker so that the person decides join (soft hyphen) or keep (real compound).
Running headers and page numbers of 004 are dropped; blank lines inside the range
(000's page breaks) are skipped.

Usage: python paragraphs.py DOC FIRST [LAST]
  without LAST, 000/004 paragraphs are extended to the next paragraph end
"""
import re
import sys

import regex
from pathlib import Path

RAW = Path("/work/main/raw")
FURNITURE = re.compile(r"^\s*\d+\s*$|^\s*Testament to a Revolution\s*$|^\s*Lenin: A Political Life\s*$")
HYPHEN_MARK = "⟦-⟧"
# naive proposal: after . ? ! (and ellipses) plus closing quotes/brackets, before a capital/quote
PROPOSE = regex.compile(r"(?<=[.?!…][”’\"')\]]{0,2}(?:\[\d+\]|\{\d+\}|\d{1,3})?)\s+(?=[“‘\"(\[]?[A-Z0-9])")


def stem_of(doc):
    return next(p for p in RAW.glob(f"{doc}_*.txt"))


def join(lines):
    out = ""
    for line in lines:
        piece = line.strip()
        if not piece:
            continue
        if out.endswith("-") and not out.endswith(" -"):
            out = out[:-1] + HYPHEN_MARK + piece
        else:
            out = (out + " " + piece) if out else piece
    return re.sub(r"\s+", " ", out)


def main():
    doc, first = sys.argv[1], int(sys.argv[2])
    lines = stem_of(doc).read_text(encoding="utf-8").split("\n")
    if len(sys.argv) > 3:
        last = int(sys.argv[3])
    else:
        last = first
        if doc in ("000", "004"):
            while last < len(lines):
                nxt = lines[last] if last < len(lines) else ""
                if doc == "000" and not nxt.strip():
                    # blank: paragraph end unless the sentence runs on (page break)
                    if re.search(r"[.?!”’)\]:]\s*$", lines[last - 1]) or not lines[last - 1].strip():
                        break
                    last += 1
                    continue
                if doc == "004" and FURNITURE.match(nxt):
                    last += 1
                    continue
                if doc == "004" and len(lines[last - 1].rstrip()) < 55 and re.search(r"[.?!'”)\d]\s*$", lines[last - 1]):
                    break
                last += 1
    body = [l for l in lines[first - 1:last] if not FURNITURE.match(l)] if doc == "004" else lines[first - 1:last]
    while last > first and not lines[last - 1].strip():
        last -= 1
    text = join(body)
    print(f"## {doc} {first}-{last}")
    for s in PROPOSE.split(text):
        print(s)
    print()


if __name__ == "__main__":
    main()
