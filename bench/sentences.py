"""Sentence boundaries: precision/recall/F1 on the hand-labelled gold set, and MB/s.

Run: ``PYTHONPATH=. python -m bench sentences``.

Gold: ``tests/data/gold/sentences.jsonl`` (falling back to the gold worktree
while it is being labelled): one paragraph a line with its sentences, joined
by single spaces. A boundary is the offset where a sentence starts (other
than the first). pysbd 0.3.4 is measured on the same data for comparison.
Throughput: ``segments()`` (segments + sentences) over the seeds after the
pipeline.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from cleaners.pipeline import clean_corpus_texts
from cleaners.segment import segments, split_sentences

GOLD_PATHS = [Path("tests/data/gold/sentences.jsonl"),
              Path("/work/wt/gold/tests/data/gold/sentences.jsonl")]
HARD_CASES = Path("tests/data/segment/sentences.json")
RAW = Path("raw") if Path("raw").is_dir() else Path("/work/main/raw")


def load_gold() -> tuple[Path | None, list[dict]]:
    for p in GOLD_PATHS:
        if p.is_file() and p.stat().st_size:
            rows = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
            return p, rows
    return None, []


def gold_boundaries(sentences: list[str]) -> set[int]:
    out, pos = set(), 0
    for s in sentences[:-1]:
        pos += len(s) + 1
        out.add(pos)
    return out


def score(rows: list[dict], split) -> tuple[float, float, float, int, list]:
    tp = fp = fn = 0
    errors = []
    for r in rows:
        text = r["text"]
        gold = gold_boundaries(r["sentences"])
        pred = {a for a, _ in split(text)[1:]}
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        for b in sorted(pred ^ gold):
            errors.append(("split" if b in pred else "missed", text[max(0, b - 50):b] + " | " + text[b:b + 30]))
    p = tp / (tp + fp) if tp + fp else 1.0
    rc = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * rc / (p + rc) if p + rc else 0.0
    return p, rc, f, tp + fn, errors


def pysbd_split():
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(text):
        return [(s.start, s.end) for s in seg.segment(text)]
    return split


def main() -> None:
    path, rows = load_gold()
    if rows:
        assert all(" ".join(r["sentences"]) == r["text"] for r in rows), "gold: sentences must join to text"
        p, r, f, n, errors = score(rows, split_sentences)
        print(f"gold {path}: {len(rows)} paragraphs, {n} boundaries")
        print(f"  scanclean splitter: precision {p:.4f} recall {r:.4f} F1 {f:.4f}")
        for kind, ctx in errors[:15]:
            print(f"    {kind}: {ctx!r}")
        t = time.perf_counter()
        p2, r2, f2, _, _ = score(rows, pysbd_split())
        print(f"  pysbd 0.3.4:        precision {p2:.4f} recall {r2:.4f} F1 {f2:.4f} "
              f"({time.perf_counter() - t:.1f} s)")
    else:
        print("gold sentences not available yet")
    cases = json.loads(HARD_CASES.read_text(encoding="utf-8"))
    p, r, f, n, _ = score(cases, split_sentences)
    print(f"hard cases {HARD_CASES} ({len(cases)} paragraphs, {n} boundaries): F1 {f:.4f} "
          "(written with the splitter: a regression table, not an evaluation)")

    raw = {p.stem: p.read_bytes() for p in sorted(RAW.glob("*.txt"))}
    docs = clean_corpus_texts(raw)
    size = sum(len(s.text.encode("utf-8")) for s in docs.values())
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        n_sent = sum(len(seg.sentences) for s in docs.values() for seg in segments(s.text, s.spans))
        best = min(best, time.perf_counter() - t)
    print(f"throughput: {size / 1e6:.2f} MB, {n_sent} sentences, {size / 1e6 / best:.1f} MB/s "
          "(segments + sentences, best of 3)")


if __name__ == "__main__":
    sys.exit(main())
