"""The whole cleaning at scale: ~100 MB generated corpus, one worker vs two, peak memory.

The cleaning is driven the way a batch run should be at this size: documents
stream through worker processes and never all sit in memory at once.

1. layout phase, one task per document in a process pool; the layout state is
   pickled to a scratch folder, and the worker counts the document's words for
   the lexicon (``document_counts``): only those counts come back;
2. the corpus lexicon from the merged counts (``lexicon_from_counts``);
3. words phase per document in the same pool, whose workers load the lexicon
   once from the scratch folder; each returns the compact per-document corpus summary
   (``cleaners.corpus.document_summary``) and writes its document files;
4. the corpus files from the summaries.

Peak memory is the largest sum of RSS over this process and its workers,
sampled every 50 ms.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

from bench.corpus100 import generate

_LEXICON = None
_SCRATCH: Path | None = None


class PeakRSS:
    """Samples the RSS of this process and all its children until stopped."""

    def __init__(self, interval: float = 0.05):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _init_layout(scratch: str) -> None:
    global _SCRATCH
    _SCRATCH = Path(scratch)
    from cleaners.pipeline import clean_layout

    clean_layout("warm-up", b"A warm-up text with a hyphen-\nated word.\n")  # load resources once
    from cleaners.words.repair import warm_up

    warm_up()


def _layout(path: str):
    from cleaners.pipeline import clean_layout
    from cleaners.words.lexicon import document_counts

    data = Path(path).read_bytes()
    stem = Path(path).stem
    state = clean_layout(stem, data)
    with open(_SCRATCH / f"{stem}.pkl", "wb") as f:
        pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
    # the lexicon's per-document counting happens here, in the worker
    return stem, len(data), hashlib.sha256(data).hexdigest(), document_counts(state.text)


def _words(stem: str):
    global _LEXICON
    from cleaners.corpus import document_summary
    from cleaners.outputs import document_files
    from cleaners.pipeline import Config, clean_words

    if _LEXICON is None:  # once per worker: the pool outlives the layout phase
        with open(_SCRATCH / "lexicon.pkl", "rb") as f:
            _LEXICON = pickle.load(f)
    config = Config()
    with open(_SCRATCH / f"{stem}.pkl", "rb") as f:
        state = pickle.load(f)
    state = clean_words(state, config, {"lexicon": _LEXICON})
    out = _SCRATCH / "clean"
    for rel, data in document_files(stem, state).items():
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return document_summary(stem, state, options=config.options["dedup"])


def clean_folder(folder: Path, workers: int) -> dict:
    """Clean every .txt of ``folder`` with ``workers`` processes; timings and peak RSS."""
    from cleaners.corpus import corpus_files_from_summaries
    from cleaners.pipeline import PIPELINE_VERSION, Config
    from cleaners.words.lexicon import DocumentCounts, lexicon_from_counts

    config = Config()
    paths = sorted(str(p) for p in folder.glob("*.txt"))
    scratch = Path(tempfile.mkdtemp(prefix="scanclean-scale-"))
    times = {}
    try:
        with PeakRSS() as rss:
            t0 = time.perf_counter()
            # one pool for both phases: workers load the language resources once
            with ProcessPoolExecutor(workers, initializer=_init_layout, initargs=(str(scratch),)) as pool:
                # merge each document's counts as it arrives: never hold them all
                merged = DocumentCounts()
                done = []
                for stem, size, digest, counts in pool.map(_layout, paths, chunksize=1):
                    merged.merge(counts)
                    done.append((stem, size, digest))
                    del counts
                times["layout"] = time.perf_counter() - t0
                stems = [s for s, _, _ in done]
                t = time.perf_counter()
                lexicon = lexicon_from_counts(merged, options=config.options["words"])
                del merged
                with open(scratch / "lexicon.pkl", "wb") as f:
                    pickle.dump(lexicon, f, protocol=pickle.HIGHEST_PROTOCOL)
                del lexicon
                times["lexicon"] = time.perf_counter() - t
                t = time.perf_counter()
                summaries = list(pool.map(_words, stems, chunksize=1))
                times["words"] = time.perf_counter() - t
            t = time.perf_counter()
            files = corpus_files_from_summaries(
                summaries, raw_sha256={s: h for s, _, h in done}, raw_paths={s: f"{s}.txt" for s in stems},
                config_digest=config.digest(), pipeline_version=PIPELINE_VERSION,
                options=config.options["dedup"])
            times["corpus"] = time.perf_counter() - t
            times["total"] = time.perf_counter() - t0
        mb = sum(n for _, n, _ in done) / 1e6
        return {"mb": mb, "docs": len(paths), "times": times, "peak_rss_mb": rss.peak / 1e6,
                "corpus_bytes": len(files.get("corpus.jsonl", b""))}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _show(label: str, r: dict) -> None:
    t = r["times"]
    print(f"{label}: {r['docs']} docs, {r['mb']:.1f} MB in {t['total']:.1f} s = {r['mb'] / t['total']:.2f} MB/s "
          f"({t['total'] / r['mb']:.3f} s/MB); layout {t['layout']:.1f} s, lexicon {t['lexicon']:.1f} s, "
          f"words {t['words']:.1f} s, corpus {t['corpus']:.1f} s; peak RSS {r['peak_rss_mb']:.0f} MB")


def main() -> None:
    seeds = Path(__file__).resolve().parent.parent / "raw"
    s1 = clean_folder(seeds, 1)
    _show("seeds, 1 worker", s1)
    folder = generate()
    one = clean_folder(folder, 1)
    _show("100 MB corpus, 1 worker ", one)
    two = clean_folder(folder, 2)
    _show("100 MB corpus, 2 workers", two)
    per_mb_seeds = s1["times"]["total"] / s1["mb"]
    per_mb_big = one["times"]["total"] / one["mb"]
    print(f"linearity: {per_mb_big:.3f} s/MB at 100 MB vs {per_mb_seeds:.3f} s/MB on the seeds "
          f"({per_mb_big / per_mb_seeds - 1:+.0%}; target within 25%)")
    print(f"speed-up 1 -> 2 workers: {one['times']['total'] / two['times']['total']:.2f}x (target >= 1.7x); "
          f"parallel phases only (layout + words): "
          f"{(one['times']['layout'] + one['times']['words']) / (two['times']['layout'] + two['times']['words']):.2f}x")
    print(f"peak RSS at 100 MB: {max(one['peak_rss_mb'], two['peak_rss_mb']):.0f} MB (target < 1500 MB)")
    print(f"(os.cpu_count() = {os.cpu_count()})")
