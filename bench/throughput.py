"""Throughput of each stage and of the whole cleaning, against a baseline and a floor.

* scanclean on the seeds, one process, one core: MB/s per stage and for the whole
  cleaning (decode, layout, corpus lexicon, word repair, corpus build), no Prefect.
* the baseline a user would assemble: ftfy + dictionary dehyphenation +
  symspellpy ``lookup`` on every word;
* the floor: tokenising the text with one regex.

MB are megabytes (10**6 bytes) of raw input.
"""

from __future__ import annotations

import time
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "raw"

_TOKEN = regex.compile(r"\w+|[^\w\s]")
_WORD = regex.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SOFT_HYPHEN = regex.compile(r"([^\W\d_]+)-[ \t]*\n[ \t]*([^\W\d_]+)")


def load_seeds(folder: Path = SEEDS) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted(folder.glob("*.txt"))}


def megabytes(docs: dict[str, bytes]) -> float:
    return sum(len(b) for b in docs.values()) / 1e6


class CpuTimings(dict):
    """Wall seconds per stage, as the pipeline writes them, and CPU seconds alongside
    (``cpu``): each write closes the CPU interval opened by the previous write or by
    :meth:`mark` (so a stage's CPU also holds the few set-up steps before it, e.g. the
    document state made before a document's first stage). CPU time of this process
    holds up better than wall time on a shared machine.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cpu: dict[str, float] = {}
        self._t = time.process_time()

    def mark(self) -> None:
        self._t = time.process_time()

    def __setitem__(self, key: str, value: float) -> None:
        now = time.process_time()
        self.cpu[key] = self.cpu.get(key, 0.0) + now - self._t
        self._t = now
        super().__setitem__(key, value)


def _mark(timings: dict) -> None:
    if isinstance(timings, CpuTimings):
        timings.mark()


def clean_all(docs: dict[str, bytes], timings: dict[str, float]) -> dict:
    """The whole cleaning in this process, stage times accumulated into ``timings``.

    ``lexicon`` is the corpus pass (:func:`cleaners.pipeline.build_resources`): the
    corpus lexicon and the word model's per-corpus tables built from it."""
    from cleaners.pipeline import PIPELINE_VERSION, Config, build_resources, clean_layout, clean_words

    config = Config()
    states = {}
    for d, b in docs.items():
        _mark(timings)
        states[d] = clean_layout(d, b, config, timings=timings)
    _mark(timings)
    t = time.perf_counter()
    resources = build_resources(((d, s.text) for d, s in states.items()), config)
    timings["lexicon"] = time.perf_counter() - t
    words = {}
    for d, s in states.items():
        _mark(timings)
        words[d] = clean_words(s, config, resources, timings=timings)
    states = words
    try:
        from cleaners.corpus import corpus_files
    except ImportError:
        return states
    import hashlib

    _mark(timings)
    t = time.perf_counter()
    corpus_files(states, raw_sha256={d: hashlib.sha256(b).hexdigest() for d, b in docs.items()},
                 raw_paths={d: f"{d}.txt" for d in docs}, config_digest=config.digest(),
                 pipeline_version=PIPELINE_VERSION)
    timings["corpus"] = time.perf_counter() - t
    return states


class Baseline:
    """ftfy + dictionary dehyphenation + symspellpy lookup on every word."""

    def __init__(self) -> None:
        from importlib import resources

        from symspellpy import SymSpell

        self.sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        path = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
        self.sym.load_dictionary(str(path), term_index=0, count_index=1)
        self.words = self.sym.words

    def clean(self, text: str) -> str:
        import ftfy
        from symspellpy import Verbosity

        text = ftfy.fix_text(text)

        def dehyphen(m: regex.Match) -> str:
            joined = m[1] + m[2]
            return joined if joined.lower() in self.words else m[0]

        text = _SOFT_HYPHEN.sub(dehyphen, text)
        lookup = self.sym.lookup

        # literally every word, as the baseline is described (no memoisation)
        def fix(m: regex.Match) -> str:
            s = lookup(m[0].lower(), Verbosity.TOP, max_edit_distance=2)
            return s[0].term if s else m[0]

        return _WORD.sub(fix, text)


def _timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def main() -> None:
    docs = load_seeds()
    mb = megabytes(docs)
    print(f"seeds: {len(docs)} documents, {mb:.2f} MB")

    # warm the per-process resources once (dictionaries, indexes): start-up, like
    # Prefect's, not per-document work; reported on its own line
    from cleaners.words.repair import warm_up

    warm: dict[str, float] = {}
    t = time.perf_counter()
    clean_all({"warmup": b"A small warm-up text with a hyphen-\nated word.\n"}, warm)
    warm_up()
    t_warm = time.perf_counter() - t
    # As the flow's workers do: the resources live as long as the process, so keep them
    # out of every full garbage collection (each would walk millions of objects).
    import gc

    gc.freeze()
    print(f"one-off resource loading (per process): {t_warm:.2f} s")

    timings = CpuTimings()
    cpu0 = time.process_time()
    _, total = _timed(clean_all, docs, timings)
    cpu_total = time.process_time() - cpu0
    print(f"\n{'stage':<12}{'seconds':>9}{'MB/s':>9}{'CPU s':>9}{'CPU MB/s':>10}")
    for name, sec in timings.items():
        cpu = timings.cpu.get(name, 0.0)
        print(f"{name:<12}{sec:9.3f}{(mb / sec if sec else float('inf')):9.1f}"
              f"{cpu:9.3f}{(mb / cpu if cpu else float('inf')):10.1f}")
    whole = mb / total
    print(f"{'WHOLE':<12}{total:9.3f}{whole:9.2f}{cpu_total:9.3f}{mb / cpu_total:10.2f}"
          f"   (target >= 3 MB/s on one core)")
    print(f"{'WHOLE+load':<12}{total + t_warm:9.3f}{mb / (total + t_warm):9.2f}   (with the one-off loading)")

    text = "\n".join(b.decode("utf-8", "replace") for b in docs.values())
    _, t_floor = _timed(lambda: sum(1 for _ in _TOKEN.finditer(text)))
    floor = mb / t_floor
    base = Baseline()
    _, t_base = _timed(base.clean, text)
    baseline = mb / t_base
    print(f"\nbaseline (ftfy + dictionary dehyphenation + symspellpy lookup per word): "
          f"{baseline:.2f} MB/s")
    print(f"floor (regex tokenisation): {floor:.1f} MB/s")
    print(f"scanclean / baseline = {whole / baseline:.1f}x (target >= 10x); "
          f"scanclean / floor = {whole / floor:.3f}")
