"""Build words_seeds.jsonl from the raw seeds and the hand-written label files.

words_labels.tsv  : error lines, doc<TAB>line<TAB>raw=>gold|raw=>gold (pairs in order
                    of appearance; each replaces the next whole-token occurrence).
clean_lines.tsv   : clean lines, doc<TAB>line (each read and judged error-free by hand).
The script only applies the hand labels and checks them; it holds no answers.
Usage (from the worktree root): python tests/data/gold/tools/build_words.py
"""
import json
import re
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent
RAW = Path("/work/main/raw")
STEMS = {p.stem[:3]: p.stem for p in RAW.glob("*.txt")}


def raw_lines(stem):
    return (RAW / f"{stem}.txt").read_text(encoding="utf-8").split("\n")


def apply_pairs(line, pairs):
    out, cursor, errors = line, 0, []
    for raw, gold in pairs:
        pat = re.compile(r"(?<![A-Za-z])" + re.escape(raw) + r"(?![A-Za-z])")
        m = pat.search(out, cursor)
        if not m:
            raise ValueError(f"token {raw!r} not found after col {cursor} in {line!r}")
        out = out[:m.start()] + gold + out[m.end():]
        cursor = m.start() + len(gold)
        errors.append({"raw": raw, "gold": gold})
    return out, errors


def read_tsv(name):
    for row in (GOLD / name).read_text(encoding="utf-8").splitlines():
        if row.strip() and not row.startswith("#"):
            yield row.split("\t")


def main():
    cache = {}
    records, seen = [], set()
    for doc, no, spec in read_tsv("words_labels.tsv"):
        stem = STEMS[doc]
        lines = cache.setdefault(stem, raw_lines(stem))
        raw = lines[int(no) - 1]
        pairs = [tuple(p.split("=>")) for p in spec.split("|")]
        gold, errors = apply_pairs(raw, pairs)
        key = (stem, int(no))
        assert key not in seen, key
        seen.add(key)
        records.append({"doc": stem, "line": int(no), "kind": "error", "raw": raw, "gold": gold, "errors": errors})
    clean_path = GOLD / "clean_lines.tsv"
    if clean_path.exists():
        for doc, no in read_tsv("clean_lines.tsv"):
            stem = STEMS[doc]
            lines = cache.setdefault(stem, raw_lines(stem))
            raw = lines[int(no) - 1]
            key = (stem, int(no))
            assert key not in seen, key
            assert raw.strip(), key
            seen.add(key)
            records.append({"doc": stem, "line": int(no), "kind": "clean", "raw": raw, "gold": raw, "errors": []})
    records.sort(key=lambda r: (r["doc"], r["line"]))
    with (GOLD / "words_seeds.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    kinds = {}
    for r in records:
        k = (r["doc"][:3], r["kind"])
        kinds[k] = kinds.get(k, 0) + 1
    print(sorted(kinds.items()), "error tokens:", sum(len(r["errors"]) for r in records), file=sys.stderr)


if __name__ == "__main__":
    main()
