"""Near-duplicate detector: precision/recall on a seeded synthetic set; translated quotations.

Run: ``PYTHONPATH=. python -m bench dedup``.

The synthetic set is built from the seeds' own paragraphs (after the real
pipeline, so the cleaned form the detector sees in production):

* positives: a paragraph and a copy of it with controlled damage: OCR-like
  character confusions (0-3% of characters), reflow (line breaks, line-end
  hyphens, doubled spaces) and 0-30% word changes (substitutions, deletions,
  insertions drawn from the corpus vocabulary);
* negatives: random pairs across books, neighbouring paragraphs of the same
  book, and for every source its most similar other paragraph of the same
  book by content words (same topic, hard negatives).

Reported: pair-level precision/recall of the verifier at its threshold, and
end-to-end recall/precision of the streaming index (LSH candidates +
verification) over the whole pool. Then the translated quotations, found
without any list: quoted passages, sentences inside quotations, and any
sentences of one seed whose uncommon content words overlap those of another
seed (the same document quoted in different translations, e.g. Lenin's
'Testament', Krupskaya's letter); the detector should merge none of them.
Quoted passages and sentences are checked as quoted segments (how a book prints
them) and, for sentences, also bare (a block quotation whose marks were lost:
the closest pair, Krupskaya's letter, then merges: a known failure in
tests/data/dedup/known_failures_near.json). Finally the whole seeds corpus
(duplicate groups across books), and memory and speed at scale.
"""

from __future__ import annotations

import json
import random
import re
import resource
import sys
import time
from pathlib import Path

from cleaners.corpus import corpus_files
from cleaners.dedup import (NearDuplicateIndex, alignment_ratio, content_set, is_near_duplicate,
                            jaccard, normalize_text, word_hashes)
from cleaners.document import DocState
from cleaners.pipeline import clean_corpus_texts
from cleaners.segment import segments, split_sentences

RAW = Path("raw") if Path("raw").is_dir() else Path("/work/main/raw")
SEED = 20261122
N_POSITIVES = 600
CONFUSIONS = [("t", "l"), ("l", "t"), ("h", "b"), ("b", "h"), ("e", "c"), ("m", "rn"), ("rn", "m"),
              ("i", "l"), ("I", "l"), ("L", "E"), ("B", "R"), ("a", "n"), ("o", "c"), ("n", "u"),
              ("r", "t"), ("d", "cl"), ("w", "vv"), (".", ","), ("S", "5"), ("O", "0")]
QUOTE_RE = re.compile(r"[“\"‘']([^“”\"]{60,600}?)[”\"’']")


def load_paragraphs() -> tuple[dict[str, str], list[tuple[str, int, str]]]:
    raw = {p.stem: p.read_bytes() for p in sorted(RAW.glob("*.txt"))}
    docs = clean_corpus_texts(raw)
    texts = {d: s.text for d, s in docs.items()}
    paras = []
    for d, s in docs.items():
        for i, seg in enumerate(segments(s.text, s.spans, sentences=False)):
            t = s.text[seg.start:seg.end]
            if seg.kind == "paragraph" and 30 <= len(t.split()) <= 400:
                paras.append((d, i, t))
    # one copy of each normal form: the pool must not contain duplicates of its own
    seen, pool = set(), []
    for p in paras:
        k = normalize_text(p[2])
        if k not in seen:
            seen.add(k)
            pool.append(p)
    return texts, pool


def ocr_noise(text: str, rate: float, rng: random.Random) -> str:
    out, i = [], 0
    while i < len(text):
        if rng.random() < rate:
            for a, b in rng.sample(CONFUSIONS, len(CONFUSIONS)):
                if text.startswith(a, i):
                    out.append(b)
                    i += len(a)
                    break
            else:
                out.append(text[i])
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def word_changes(text: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    out = []
    for w in text.split():
        x = rng.random()
        if x < rate / 3:
            out.append(rng.choice(vocab))
        elif x < 2 * rate / 3:
            continue
        elif x < rate:
            out.extend([w, rng.choice(vocab)])
        else:
            out.append(w)
    return " ".join(out)


def reflow(text: str, rng: random.Random) -> str:
    words, lines, cur = text.split(), [], ""
    width = rng.randint(50, 80)
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            if rng.random() < 0.2 and len(w) > 6:
                k = rng.randint(2, len(w) - 3)
                lines.append(cur + " " + w[:k] + "-")
                cur = w[k:]
                continue
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur}{'  ' if rng.random() < 0.03 else ' '}{w}" if cur else w
    lines.append(cur)
    return "\n".join(lines)


def damaged_copy(text: str, vocab: list[str], rng: random.Random) -> tuple[str, dict]:
    w, c = rng.uniform(0, 0.30), rng.uniform(0, 0.03)
    out = word_changes(text, w, vocab, rng)
    out = ocr_noise(out, c, rng)
    if rng.random() < 0.5:
        out = reflow(out, rng)
    return out, {"word_rate": round(w, 3), "char_rate": round(c, 4)}


def hard_negative(i: int, pool: list, sets: list[set]) -> int | None:
    d = pool[i][0]
    best, best_j = -1.0, None
    for j, (dj, _, _) in enumerate(pool):
        if j != i and dj == d:
            s = jaccard(sets[i], sets[j])
            if s > best:
                best, best_j = s, j
    return best_j


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def translated_quotations(texts: dict[str, str]) -> list[tuple[str, str, str, str, float]]:
    """Quoted passages of different seeds that share content words: likely the same source.

    Each passage is taken with its quote marks, as it would stand as a segment of its own.
    """
    quotes = []
    for d, t in texts.items():
        for m in QUOTE_RE.finditer(t):
            q = " ".join(m.group(0).split())
            if len(q.split()) >= 12:
                quotes.append((d, q, content_set(word_hashes(q))))
    pairs = []
    for a in range(len(quotes)):
        for b in range(a + 1, len(quotes)):
            da, qa, sa = quotes[a]
            db, qb, sb = quotes[b]
            if da == db or normalize_text(qa) == normalize_text(qb):
                continue
            shared = len(sa & sb)
            if shared >= 5 and jaccard(sa, sb) >= 0.15:
                pairs.append((da, qa, db, qb, jaccard(sa, sb)))
    return pairs


def quotation_sentences(texts: dict[str, str], *, marks: bool = True) -> list[tuple[str, str, str, str, float]]:
    """Sentences inside quotations (>= 12 words) of different seeds sharing content words.

    With ``marks`` each sentence is quoted as a book quoting just that sentence would
    print it; without, bare (a block quotation whose marks were lost).
    """
    items = []
    for d, t in texts.items():
        for m in QUOTE_RE.finditer(t):
            q = " ".join(m.group(1).split())
            for a, b in split_sentences(q):
                s = f"“{q[a:b]}”" if marks else q[a:b]
                if len(s.split()) >= 12:
                    items.append((d, s, content_set(word_hashes(s))))
    pairs = []
    for x in range(len(items)):
        for y in range(x + 1, len(items)):
            (da, sa, ca), (db, sb, cb) = items[x], items[y]
            if da != db and len(ca & cb) >= 4 and jaccard(ca, cb) >= 0.2 \
                    and normalize_text(sa) != normalize_text(sb):
                pairs.append((da, sa, db, sb, jaccard(ca, cb)))
    return pairs


def cross_seed_sentences(texts: dict[str, str]) -> list[tuple[str, str, str, str, float]]:
    """Sentences (>= 10 words) of different seeds sharing >= 4 uncommon content words.

    Found through an inverted index of content words that occur in few sentences, so
    it is not quadratic; this catches block quotations that carry no quote marks.
    """
    sents = []
    for d, t in texts.items():
        for seg in segments(t):
            for a, b in seg.sentences:
                s = t[a:b]
                if len(s.split()) >= 10:
                    sents.append((d, s, content_set(word_hashes(s))))
    postings: dict[int, list[int]] = {}
    for k, (_, _, cs) in enumerate(sents):
        for h in cs:
            postings.setdefault(h, []).append(k)
    shared: dict[tuple[int, int], int] = {}
    for ks in postings.values():
        if len(ks) > 300:  # a word in most sentences says nothing about a shared source
            continue
        for x in range(len(ks)):
            for y in range(x + 1, len(ks)):
                if sents[ks[x]][0] != sents[ks[y]][0]:
                    shared[(ks[x], ks[y])] = shared.get((ks[x], ks[y]), 0) + 1
    out = []
    for (x, y), n in sorted(shared.items()):
        if n >= 4:
            (da, sa, ca), (db, sb, cb) = sents[x], sents[y]
            if normalize_text(sa) != normalize_text(sb) and jaccard(ca, cb) >= 0.2:
                out.append((da, sa, db, sb, jaccard(ca, cb)))
    return out


def memory_at_scale(pool: list, n: int, rng: random.Random) -> None:
    """RSS of the index for ``n`` distinct segments recombined from the seeds' sentences."""
    sentences = [s for _, _, t in pool for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) >= 5]

    def rss_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6

    texts = [" ".join(rng.sample(sentences, rng.randint(2, 8))) for _ in range(n)]
    size = sum(len(t.encode("utf-8")) for t in texts)
    base = rss_mb()
    index = NearDuplicateIndex()
    t = time.perf_counter()
    for i, text in enumerate(texts):
        index.add(i, text)
    after_add = rss_mb()
    groups = index.groups()
    dt = time.perf_counter() - t
    per_seg = (after_add - base) * 1e3 / n
    print(f"scale: {n} recombined segments ({size / 1e6:.1f} MB): index +{after_add - base:.0f} MB "
          f"({per_seg:.2f} KB a segment), peak +{rss_mb() - base:.0f} MB during grouping, "
          f"{size / 1e6 / dt:.2f} MB/s, {index.candidates_checked} candidates, {len(groups)} groups; "
          f"100 MB of such segments -> ~{per_seg * 100e6 / (size / n) / 1e3:.0f} MB for the index")


class _SyntheticCorpus(dict):
    """A lazy mapping of ``n`` 1 MB documents recombined from the seeds' sentences."""

    def __init__(self, n: int, sentences: list[str]):
        super().__init__({f"s{i:04d}": None for i in range(n)})
        self.sentences = sentences

    def __getitem__(self, stem):
        rng = random.Random(stem)
        paras, total = [], 0
        while total < 1_000_000:
            p = " ".join(rng.sample(self.sentences, rng.randint(2, 9)))
            paras.append(p)
            total += len(p) + 2
        return DocState.from_raw(stem, "\n\n".join(paras) + "\n")


def corpus_memory(texts: dict[str, str], megabytes: int) -> None:
    """Peak RSS and speed of ``corpus_files`` on a lazily generated corpus of ``megabytes``."""
    sentences = [s for t in texts.values() for s in re.split(r"(?<=[.!?])\s+", t.replace("\n\n", " "))
                 if len(s.split()) >= 4]

    def rss_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 1e6

    base = rss_mb()
    t = time.perf_counter()
    files = corpus_files(_SyntheticCorpus(megabytes, sentences), raw_sha256={}, raw_paths={},
                         config_digest="bench", pipeline_version="bench")
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus files at scale: {megabytes} MB lazily generated (recombined seed sentences, so "
          f"duplicate-rich): {dt:.0f} s ({megabytes / dt:.2f} MB/s incl. generation), peak RSS {peak:.0f} MB "
          f"(process base {base:.0f} MB), corpus.jsonl {len(files['corpus.jsonl']) / 1e6:.0f} MB")


def main() -> None:
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    texts, pool = load_paragraphs()
    vocab = [w for _, _, t in pool for w in t.split()]
    print(f"pool: {len(pool)} paragraphs (30-400 words) from {len(texts)} seeds "
          f"({time.perf_counter() - t0:.1f} s to clean)")
    sets = [content_set(word_hashes(t)) for _, _, t in pool]
    src_idx = sorted(rng.sample(range(len(pool)), min(N_POSITIVES, len(pool))))
    copies = {i: damaged_copy(pool[i][2], vocab, rng) for i in src_idx}

    # -- pair level: the verifier at its threshold ------------------------------------------
    positives = [(pool[i][2], copies[i][0]) for i in src_idx]
    negatives = []
    for i in src_idx:
        j = hard_negative(i, pool, sets)
        if j is not None:
            negatives.append(("hard: most similar paragraph of the same book", pool[i][2], pool[j][2]))
        k = i + 1 if i + 1 < len(pool) and pool[i + 1][0] == pool[i][0] else None
        if k is not None:
            negatives.append(("neighbouring paragraph", pool[i][2], pool[k][2]))
        r = rng.randrange(len(pool))
        if r != i:
            negatives.append(("random paragraph", pool[i][2], pool[r][2]))
    t = time.perf_counter()
    tp = sum(is_near_duplicate(a, b)[0] for a, b in positives)
    fp_rows = [(why, a, b) for why, a, b in negatives if is_near_duplicate(a, b)[0]]
    dt = time.perf_counter() - t
    p, r, f = prf(tp, len(fp_rows), len(positives) - tp)
    print(f"verifier, pairs: {len(positives)} positives, {len(negatives)} negatives "
          f"({sum(1 for n in negatives if n[0].startswith('hard'))} hard): "
          f"precision {p:.4f} recall {r:.4f} F1 {f:.4f}  ({dt:.1f} s)")
    misses = [(copies[i][1], alignment_ratio(word_hashes(pool[i][2]), word_hashes(copies[i][0])))
              for i in src_idx if not is_near_duplicate(pool[i][2], copies[i][0])[0]]
    for params, sim in misses[:5]:
        print(f"  missed positive {params} similarity {sim:.3f}")
    for why, a, b in fp_rows[:5]:
        print(f"  false positive ({why}): {a[:60]!r} ~ {b[:60]!r}")

    # -- end to end: the streaming index over the pool and the copies -------------------------
    items = [(f"p{j}", t, j) for j, (_, _, t) in enumerate(pool)]
    items += [(f"c{i}", copies[i][0], i) for i in src_idx]
    rng.shuffle(items)
    origin = {k: o for k, _, o in items}
    index = NearDuplicateIndex()
    t = time.perf_counter()
    for key, text, _ in items:
        index.add(key, text)
    links = [(m, rep, sim) for rep, ms in index.groups() for m, sim in ms]
    dt = time.perf_counter() - t
    tp = sum(1 for a, b, _ in links if origin[a] == origin[b])
    fp = [(a, b, s) for a, b, s in links if origin[a] != origin[b]]
    p, r, f = prf(tp, len(fp), len(src_idx) - tp)
    mb = sum(len(t) for _, t, _ in items) / 1e6
    print(f"index, end to end: {len(items)} segments, {index.candidates_checked} candidates verified: "
          f"precision {p:.4f} recall {r:.4f} F1 {f:.4f}  ({dt:.1f} s, {mb / dt:.2f} MB/s)")
    for a, b, s in fp[:5]:
        print(f"  false link {s}: {dict((k, v) for k, v, _ in items)[a][:60]!r}")

    # -- translated quotations across seeds --------------------------------------------------
    pairs = translated_quotations(texts)
    merged = [(da, qa, db, qb) for da, qa, db, qb, _ in pairs if is_near_duplicate(qa, qb)[0]]
    print(f"quotations: {len(pairs)} cross-seed pairs of quoted passages sharing content words; "
          f"merged by the detector: {len(merged)}")
    for da, qa, db, qb, j in sorted(pairs, key=lambda x: -x[4])[:6]:
        ok, sim = is_near_duplicate(qa, qb, options={"near_min_jaccard": 0.0, "near_threshold": 0.0})
        print(f"  {da[:3]}~{db[:3]} content-Jaccard {j:.2f} alignment {sim:.2f}: {qa[:50]!r} / {qb[:50]!r}")
    for marks in (True, False):
        q_pairs = quotation_sentences(texts, marks=marks)
        merged = [(da, sa, db, sb) for da, sa, db, sb, _ in q_pairs if is_near_duplicate(sa, sb)[0]]
        how = "each standing as a quoted segment" if marks else "bare, quote marks lost"
        print(f"quoted sentences ({how}): {len(q_pairs)} cross-seed pairs of sentences inside "
              f"quotations sharing >= 4 content words; merged by the detector: {len(merged)}")
        for da, sa, db, sb in merged[:10]:
            print(f"  MERGED {da[:3]}~{db[:3]}: {sa[:70]!r} / {sb[:70]!r}")
    sent_pairs = cross_seed_sentences(texts)
    merged = [(da, sa, db, sb) for da, sa, db, sb, _ in sent_pairs if is_near_duplicate(sa, sb)[0]]
    print(f"sentences: {len(sent_pairs)} cross-seed sentence pairs sharing >= 4 uncommon content words "
          f"(content-Jaccard >= 0.2: the same source in two books, mostly different translations); "
          f"merged by the detector: {len(merged)}")
    for da, sa, db, sb in merged[:10]:
        print(f"  MERGED {da[:3]}~{db[:3]}: {sa[:70]!r} / {sb[:70]!r}")
    for da, sa, db, sb, j in sorted(sent_pairs, key=lambda x: -x[4])[:8]:
        sim = alignment_ratio(word_hashes(sa), word_hashes(sb))
        print(f"  {da[:3]}~{db[:3]} content-Jaccard {j:.2f} alignment {sim:.2f}: {sa[:50]!r} / {sb[:50]!r}")
    docs = clean_corpus_texts({p.stem: p.read_bytes() for p in sorted(RAW.glob("*.txt"))})
    files = corpus_files(docs, raw_sha256={}, raw_paths={}, config_digest="bench", pipeline_version="bench")
    rows = [json.loads(line) for line in files["duplicates.jsonl"].decode("utf-8").splitlines()]
    across = [r for r in rows if r["type"] in ("near", "exact") and r["scope"] == "across"]
    print(f"seeds corpus: {sum(r['type'] == 'near' for r in rows)} near and "
          f"{sum(r['type'] == 'exact' for r in rows)} exact duplicate groups, {len(across)} across books, "
          f"{sum(r['type'] == 'scanned_twice' for r in rows)} scanned-twice removals")
    for r in across[:5]:
        print(f"  ACROSS {r['type']}: {r['head']!r}")
    memory_at_scale(pool, 20000, rng)
    corpus_memory(texts, int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 20)
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
