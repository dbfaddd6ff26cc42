"""Line-end hyphens: accuracy on the hand-labelled gold set, baselines, stage on the seeds.

``PYTHONPATH=. python -m bench hyphens`` prints:

* decisions of :func:`cleaners.hyphens.decide` on ``tests/data/hyphens/gold.tsv`` (396
  line-end hyphens of raw/000 and raw/004, labelled by reading), each with the document's
  own text as context, against two baselines (always join; join iff the joined form is
  in the dictionary);
* the stage run on each raw seed (edits by label, flags, time);
* a held-out check on real newspaper OCR with human ground truth (BLN600, read from
  ../shared/benchmarks, never copied), where line breaks were flattened to spaces, so
  ``pro- perty`` pairs are aligned to the ground truth's ``property`` / ``pro-perty``.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

from cleaners import hyphens
from cleaners.frequencies import unigrams
from cleaners.pipeline import StageContext

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "hyphens" / "gold.tsv"
RAW = ROOT / "raw"
BLN600 = Path("/work/shared/benchmarks/bln600_train.csv")


def load_gold(path: Path = GOLD) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))


@lru_cache(maxsize=None)
def doc_evidence(stem: str) -> hyphens.DocEvidence:
    return hyphens.DocEvidence.from_text((RAW / f"{stem}.txt").read_text(encoding="utf-8"))


def decide_item(item: dict[str, str], **options) -> hyphens.Decision:
    return hyphens.decide(item["left"][:-1], item["right"], doc_evidence(item["doc"]), **options)


def always_join(item: dict[str, str]) -> str:
    return item["left"][:-1] + item["right"]


def dictionary_rule(item: dict[str, str]) -> str:
    """Join iff the joined form is in the frequency list, else keep the hyphen."""
    _p, _w, last = hyphens._split_left(item["left"][:-1])
    m = hyphens.ALNUM_RUN.match(item["right"])
    joined = (last + (m.group() if m else "")).lower()
    return item["left"][:-1] + item["right"] if joined in unigrams() else item["left"] + item["right"]


def evaluate(items: list[dict[str, str]], **options) -> dict:
    """Accuracy of decide() and the baselines on gold items (by the resulting text)."""
    n = len(items)
    ok = flagged = flagged_ok = 0
    errors = []
    confusion: Counter = Counter()
    for it in items:
        d = decide_item(it, **options)
        right = d.result == it["result"]
        ok += right
        flagged += d.flag
        flagged_ok += d.flag and right
        confusion[(it["label"], d.label)] += 1
        if not right:
            errors.append((it["doc"][:3], it["line"], it["left"], it["right"], it["label"], d.label, d.rule))
    return {
        "n": n, "correct": ok, "accuracy": ok / n, "flagged": flagged, "flagged_correct": flagged_ok,
        "always_join": sum(always_join(it) == it["result"] for it in items) / n,
        "dictionary": sum(dictionary_rule(it) == it["result"] for it in items) / n,
        "errors": errors, "confusion": confusion,
    }


def run_stage_on_seeds() -> None:
    ctx = StageContext.for_stage(hyphens, doc_id="")
    for path in sorted(RAW.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        t = time.perf_counter()
        res = hyphens.run(text, ctx)
        dt = time.perf_counter() - t
        labels = Counter(e.reason for e in res.edits)
        print(f"  {path.stem}: {len(res.edits)} edits {dict(labels)}, {len(res.flags)} flags, "
              f"stats {res.stats}, {dt * 1000:.0f} ms")


def stage_vs_gold(items: list[dict[str, str]]) -> dict:
    """Run the stage on each raw seed and compare its edit at every gold hyphen with the label.

    A dash or a hyphen left alone has no edit; ``left`` counts gold items the stage left
    alone across blank lines (an unremoved page break), which are not counted as errors
    of the decision but reported separately.
    """
    ctx = StageContext.for_stage(hyphens, doc_id="")
    by_doc: dict[str, list[dict[str, str]]] = {}
    for it in items:
        by_doc.setdefault(it["doc"], []).append(it)
    agree = left = 0
    disagreements = []
    for stem, its in by_doc.items():
        text = (RAW / f"{stem}.txt").read_text(encoding="utf-8")
        res = hyphens.run(text, ctx)
        line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        import bisect
        label_at = {}
        for e in res.edits:
            line = bisect.bisect_right(line_starts, e.start)
            label_at[line] = {"joined soft hyphen": "join", "kept compound hyphen": "keep",
                              "number range": "range"}[e.reason]
        flagged_lines = {bisect.bisect_right(line_starts, f.start) for f in res.flags
                         if f.reason.startswith("hyphen before blank lines")}
        for it in its:
            line = int(it["line"])
            got = label_at.get(line, "dash")
            if line in flagged_lines:
                left += 1
            elif got == it["label"]:
                agree += 1
            else:
                disagreements.append((stem[:3], line, it["left"], it["right"], it["label"], got))
    return {"agree": agree, "left": left, "n": len(items), "disagreements": disagreements}


def bln600_pairs(limit_rows: int | None = None) -> list[tuple[str, str, str]]:
    """(left, right, label) for ``word- word`` in BLN600 OCR whose reading the ground truth shows."""
    import sys
    csv.field_size_limit(sys.maxsize)
    pair = re.compile(r"(?<!\S)([A-Za-z]+)- ([a-z]+)\b")
    out = []
    with open(BLN600, encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if limit_rows and i >= limit_rows:
                break
            gt = row["Ground Truth"]
            gt_tokens = set(re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", gt))
            for a, b in pair.findall(row["OCR Text"]):
                joined, hyph = a + b, f"{a}-{b}"
                if (joined in gt_tokens) == (hyph in gt_tokens):
                    continue  # OCR damage or both: the ground truth does not tell
                out.append((a, b, "join" if joined in gt_tokens else "keep"))
    return out


def evaluate_bln600(**options) -> None:
    if not BLN600.exists():
        print("  BLN600 not available")
        return
    pairs = bln600_pairs()
    empty = hyphens.DocEvidence()
    ok = flagged = 0
    join_all = dict_ok = 0
    uni = unigrams()
    for a, b, label in pairs:
        d = hyphens.decide(a, b, empty, **options)
        ok += d.label == label
        flagged += d.flag
        join_all += label == "join"
        dict_ok += ("join" if (a + b).lower() in uni else "keep") == label
    n = len(pairs)
    print(f"  BLN600 held-out (no document context): {n} hyphens "
          f"({sum(1 for p in pairs if p[2] == 'keep')} keep), decide {ok / n:.4f} ({ok}/{n}), "
          f"flagged {flagged}; always-join {join_all / n:.4f}; dictionary rule {dict_ok / n:.4f}")


def main() -> None:
    items = load_gold()
    r = evaluate(items)
    print(f"gold set {GOLD.relative_to(ROOT)}: {r['n']} line-end hyphens")
    print(f"  decide():           {r['accuracy']:.4f} ({r['correct']}/{r['n']}), "
          f"flagged {r['flagged']} ({r['flagged_correct']} of them correct)")
    print(f"  always-join:        {r['always_join']:.4f}")
    print(f"  dictionary rule:    {r['dictionary']:.4f}")
    for doc in ("000", "004"):
        sub = evaluate([it for it in items if it["doc"].startswith(doc)])
        print(f"  {doc}: decide {sub['accuracy']:.4f} ({sub['correct']}/{sub['n']}), flagged {sub['flagged']}, "
              f"always-join {sub['always_join']:.4f}, dictionary {sub['dictionary']:.4f}")
    print("  confusion (gold -> decided):", dict(sorted(r["confusion"].items())))
    no_ctx = sum(hyphens.decide(it["left"][:-1], it["right"], hyphens.DocEvidence()).result == it["result"]
                 for it in items)
    print(f"  ablation, no document context (dictionary and shape only): {no_ctx / len(items):.4f} "
          f"({no_ctx}/{len(items)})")
    ab = evaluate(items, use_wordfreq=False)
    print(f"  ablation, symspell list only (use_wordfreq=False): {ab['accuracy']:.4f} ({ab['correct']}/{ab['n']}), "
          f"flagged {ab['flagged']}, compounds joined {ab['confusion'][('keep', 'join')]} "
          f"(with wordfreq: {r['confusion'][('keep', 'join')]})")
    for e in r["errors"]:
        print("  error:", *e)
    sv = stage_vs_gold(items)
    print(f"stage on raw 000/004 vs gold: {sv['agree']}/{sv['n']} agree, {sv['left']} left alone "
          f"across blank lines (page breaks furniture has not removed), {len(sv['disagreements'])} differ")
    for d in sv["disagreements"]:
        print("  differs:", *d)
    print("stage on the raw seeds:")
    run_stage_on_seeds()
    evaluate_bln600()
    print("  ablation, symspell list only:")
    evaluate_bln600(use_wordfreq=False)
