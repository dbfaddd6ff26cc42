"""Build sentences.jsonl from the hand-segmented sentences_src.txt.

sentences_src.txt: blocks separated by a blank line; each block starts with
"## <doc> <first>-<last>" (raw line numbers) and then one hand-made sentence per line.
The script joins the sentences with single spaces into "text" and checks that the
text keeps every letter and digit of the raw lines in that range (page numbers and
running headers of 004 excepted), so no content was lost or invented while joining
hyphenated lines by hand.  It also prints counts of boundaries and hard cases.
Usage (from the worktree root): python tests/data/gold/tools/build_sentences.py
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent
RAW = Path("/work/main/raw")
FURNITURE = re.compile(r"^\s*\d+\s*$|^\s*Testament to a Revolution\s*$|^\s*Lenin: A Political Life\s*$")
CONTENT = re.compile(r"[^\w]|_")

# hard-case detectors, used only for the report
INITIAL = re.compile(r"(?<![\w.])[A-Z]\.(?= ?[A-Z])")
ABBREV = re.compile(r"\b(?:Dr|Mr|Mrs|St|No|pp|vol|Vol|cf|etc|i\.e|e\.g|P\.M|A\.M|n\.s|o\. s)\.")


def raw_lines(doc):
    path = next(RAW.glob(f"{doc}_*.txt"))
    return path.stem, path.read_text(encoding="utf-8").split("\n")


def blocks(text):
    for block in text.strip().split("\n\n"):
        head, *sents = block.strip().split("\n")
        m = re.fullmatch(r"## (\d{3}) (\d+)-(\d+)", head.strip())
        assert m, head
        yield m.group(1), int(m.group(2)), int(m.group(3)), sents


def hard_cases(sents):
    c = Counter()
    for i, s in enumerate(sents):
        c["initial (no split)"] += len(INITIAL.findall(s))
        c["abbreviation (no split)"] += len(ABBREV.findall(s[:-1] if s.endswith(".") else s))
        c["ellipsis mid-sentence"] += len(re.findall(r"(?:\.\.\.|…)(?=.)", s))
        last = i == len(sents) - 1
        if re.search(r"\?[”’\"]$", s):
            c["ends ?”"] += 1
        if re.search(r"![”’\"]$", s):
            c["ends !”"] += 1
        if re.search(r"\.[”’\"]$", s):
            c["ends .”"] += 1
        if re.search(r"(?:\.\.\.|…)[”’\"]?$", s):
            c["ends in ellipsis"] += 1
        if re.search(r"[.?!][”’'\"]?\s?(?:\[\d+\]|\{\d+\}|\d{1,3})$", s):
            c["ends in footnote marker"] += 1
        if re.search(r"[)\]]$", s):
            c["ends in closing bracket"] += 1
        if re.search(r"\b1\d\d\d\.[”’]?$|\b\d{1,2}\.\d{1,2}\.\d{2}\.$|^[A-Z][a-z]+ \d{1,2}\.$", s):
            c["ends in a date"] += 1
        if re.search(r"\((?:[1-9]|[a-c])\)", s):
            c["numbered list"] += 1
        if re.search(r"\?[”’\"]? [A-Z][a-z]+ (?:said|asked|answered)", s):
            c["?” + reporting clause (no split)"] += 1
        c["boundary"] += 0 if last else 1
    return c


def main():
    records, totals, per_doc = [], Counter(), Counter()
    for doc, first, last, sents in blocks((GOLD / "sentences_src.txt").read_text(encoding="utf-8")):
        stem, lines = raw_lines(doc)
        span = lines[first - 1:last]
        text = " ".join(sents)
        assert "  " not in text and text == text.strip(), (doc, first)
        if doc in ("001", "002", "003"):
            assert first == last
            assert text == re.sub(r"\s+", " ", span[0].strip()), (doc, first)
        else:
            kept = [l for l in span if not FURNITURE.match(l)] if doc == "004" else span
            want = CONTENT.sub("", "".join(kept))
            got = CONTENT.sub("", text)
            assert want == got, (doc, first, want[:80], got[:80])
        records.append({"doc": stem, "lines": f"{first}-{last}", "text": text, "sentences": sents})
        hc = hard_cases(sents)
        totals.update(hc)
        per_doc[doc] += hc["boundary"]
    with (GOLD / "sentences.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("paragraphs", len(records), "internal boundaries", totals["boundary"], dict(per_doc), file=sys.stderr)
    for k, v in sorted(totals.items()):
        print(f"  {k}: {v}", file=sys.stderr)


if __name__ == "__main__":
    main()
