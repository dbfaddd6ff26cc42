"""The whole cleaning at scale: ~100 MB generated corpus, one worker vs two, memory.

    PYTHONPATH=. python -m bench.scale [--only seeds|one|two] [--repeat N] [--parent-idle]

The cleaning is driven the way a batch run should be at this size: documents
stream through worker processes and never all sit in memory at once.

0. this process loads the language resources once (word lists, bigrams,
   skeleton and delete indexes) and freezes them (``gc.freeze``); the other
   workers are *forked* from it, so those pages are shared copy-on-write, not
   copied. This process is itself one of the workers (``--parent-idle``: it
   only waits), so with 2 workers there are 2 processes, not 3;
1. layout phase: the workers take documents from a shared counter (largest
   first, so no worker is left with a big one at the end); each pickles the
   layout state to a scratch folder and adds the document's word counts for the
   lexicon to its own running total (word pairs as integer codes in a
   ``PairTally``); only the totals come back, once per worker;
2. the corpus lexicon from the merged counts (``lexicon_from_counts``), and its
   language model built here, before the next fork, so workers share it too;
3. words phase, forked again: each worker cleans a document, writes its files
   and pickles its corpus summary (``cleaners.corpus.document_summary``) to the
   scratch folder;
4. the corpus files from the summaries, read back one at a time in stem order.

Each measurement runs in a fresh process, so each pays the one-off resource load.
Memory is sampled by a separate watcher process (not counted) over the measuring
process and its workers: the sum of RSS every 50 ms, which counts a shared page
once per process sharing it, and the sum of PSS (``/proc/<pid>/smaps_rollup``,
each shared page split between the processes sharing it: the real footprint)
every second, since reading smaps costs ~10 ms per process. "Cores used" (CPU
seconds / wall seconds in the parallel phases) says how much of the machine the
run actually got: wall times only compare when it is close to the worker count.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

from bench.corpus100 import generate

ROOT = Path(__file__).resolve().parent.parent
_FORK = multiprocessing.get_context("fork")

# The watcher: argv[1] is the pid to watch (with its descendants, not the watcher);
# stdin lines name the current phase; at EOF it prints the peaks as JSON.
_WATCHER = r"""
import json, os, select, sys, time
import psutil
root, me = psutil.Process(int(sys.argv[1])), os.getpid()
rss_every, pss_every = float(sys.argv[2]), float(sys.argv[3])
page = os.sysconf("SC_PAGE_SIZE")
peaks, phase, last_pss, last_tree, procs = {}, "start", 0.0, 0.0, []

def tree():
    try:
        return [root, *[p for p in root.children(recursive=True) if p.pid != me]]
    except psutil.Error:
        return []

def rss(p):
    with open(f"/proc/{p.pid}/statm") as f:
        return int(f.read().split()[1]) * page

def rollup(p):
    out = {}
    with open(f"/proc/{p.pid}/smaps_rollup") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
                out[k] = int(v.split()[0]) * 1024
    return out

def bump(key, value, procs):
    for name in ("all", phase):
        d = peaks.setdefault(name, {})
        if value > d.get(key, 0):
            d[key] = value
            if key == "pss":
                d["processes"] = procs

while True:
    if time.monotonic() - last_tree >= 0.5:  # listing children scans all of /proc
        procs, last_tree = tree(), time.monotonic()
    total = 0
    for p in procs:
        try:
            total += rss(p)
        except OSError:
            pass
    bump("rss", total, None)
    now = time.monotonic()
    if now - last_pss >= pss_every:
        last_pss, pss, uss, detail = now, 0, 0, []
        for p in procs:
            try:
                r = rollup(p)
            except OSError:
                continue
            pss += r["Pss"]
            uss += r["Private_Clean"] + r["Private_Dirty"]
            detail.append({"rss_mb": round(r["Rss"] / 1e6), "pss_mb": round(r["Pss"] / 1e6),
                           "private_mb": round((r["Private_Clean"] + r["Private_Dirty"]) / 1e6)})
        bump("pss", pss, detail)
    ready, _, _ = select.select([sys.stdin], [], [], rss_every)
    if ready:
        line = sys.stdin.readline()
        if not line:
            break
        phase = line.strip()
print(json.dumps(peaks))
"""


class MemoryWatch:
    """Peak summed RSS and summed PSS of this process and its children, per phase.

    A separate process does the sampling (its own memory is not counted, and
    it takes no time from this one's interpreter).
    """

    def __init__(self, rss_every: float = 0.05, pss_every: float = 1.0):
        self.args = [sys.executable, "-c", _WATCHER, str(os.getpid()), str(rss_every), str(pss_every)]
        self.peaks: dict[str, dict[str, Any]] = {}

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self

    def phase(self, name: str) -> None:
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()

    def __exit__(self, *exc):
        out, _ = self.proc.communicate()
        self.peaks = json.loads(out) if out.strip() else {}


def load_resources() -> None:
    """Everything the workers need process-wide, loaded here once, before forking."""
    from cleaners.pipeline import clean_layout
    from cleaners.words.repair import warm_up

    clean_layout("warm-up", b"A warm-up text with a hyphen-\nated word.\n")
    warm_up()


def _freeze() -> None:
    """Keep the collector's hands off everything loaded so far.

    A collection writes to every tracked object's header; in a forked worker that
    would copy every page of the shared resources. Frozen objects are never scanned.
    """
    gc.collect()
    try:  # hand freed memory back to the OS, so the workers do not inherit it
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
    except (OSError, AttributeError):
        pass
    gc.freeze()


def _take_all(counter, lock, items, task, fold, start):
    """Fold ``task`` over the items this process takes from the shared counter."""
    acc = start()
    while True:
        with lock:
            i = counter.value
            counter.value = i + 1
        if i >= len(items):
            return acc
        acc = fold(acc, task(items[i]))


def _worker(conn, counter, lock, items, task, fold, start) -> None:
    try:
        acc = _take_all(counter, lock, items, task, fold, start)
        conn.send(("ok", acc, worker_stats()))
    except BaseException:  # noqa: BLE001  (reported to the parent, which raises)
        conn.send(("error", traceback.format_exc(), None))
    finally:
        conn.close()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # no interpreter teardown: freeing the heap object by object takes seconds


def fork_map(items: list, workers: int, task: Callable, fold: Callable, start: Callable, *,
             parent_works: bool = True) -> list[tuple]:
    """Run ``task`` on every item in ``workers`` processes; per worker ``(acc, stats)``.

    Each worker takes the next item from a shared counter (so the load balances
    itself) and folds the results into its own ``acc = fold(acc, result)``,
    starting from ``start()``; only the final accumulators travel back.
    ``parent_works``: this process is one of the workers (``workers - 1`` are
    forked), rather than waiting for ``workers`` forked ones.
    """
    counter, lock = _FORK.RawValue("q", 0), _FORK.Lock()
    running = {}
    for _ in range(workers - 1 if parent_works else workers):
        recv, send = _FORK.Pipe(duplex=False)
        p = _FORK.Process(target=_worker, args=(send, counter, lock, items, task, fold, start))
        p.start()
        send.close()
        running[recv] = p
    out, errors = [], []
    if parent_works:
        before = os.times()
        try:
            acc = _take_all(counter, lock, items, task, fold, start)
        except BaseException:
            for p in running.values():
                p.kill()
            raise
        stats = worker_stats()
        after = os.times()
        stats["cpu_s"] = round(after.user + after.system - before.user - before.system, 1)
        out.append((acc, stats))
    while running:
        for conn in multiprocessing.connection.wait(list(running)):
            p = running.pop(conn)
            try:
                status, value, stats = conn.recv()
            except EOFError:
                status, value, stats = "error", f"worker {p.pid} died (exit code {p.exitcode})", None
            (out if status == "ok" else errors).append((value, stats))
            p.join()
    if errors:
        raise RuntimeError("worker failed:\n" + errors[0][0])
    return out


def worker_stats() -> dict[str, Any]:
    """What grows inside a worker: its private memory and the language model's caches."""
    from cleaners.words import repair

    t = os.times()
    stats: dict[str, Any] = {"cpu_s": round(t.user + t.system, 1)}  # since the fork
    try:
        with open("/proc/self/smaps_rollup") as f:
            r = {k: int(v.split()[0]) * 1024 for k, _, v in (line.partition(":") for line in f) if v.strip()[:1].isdigit()}
        stats["rss_mb"] = round(r["Rss"] / 1e6)
        stats["private_mb"] = round((r["Private_Clean"] + r["Private_Dirty"]) / 1e6)
    except OSError:
        pass
    for lm in getattr(repair, "_LM_CACHE", {}).values():
        for name in ("_logp_cache", "candidate_cache", "realword_cache", "_channel_cache"):
            stats[name] = stats.get(name, 0) + len(getattr(lm, name, ()))
        stats["verdict_caches"] = stats.get("verdict_caches", 0) + sum(len(v) for v in lm.verdict_caches.values())
    return stats


# --- the two per-document tasks (run in forked workers; module globals set before the fork)

_RUN: dict[str, Any] = {}


def _layout(path: str):
    from cleaners.pipeline import clean_layout

    data = Path(path).read_bytes()
    stem = Path(path).stem
    state = clean_layout(stem, data, _RUN["config"])
    with open(_RUN["scratch"] / "layout" / f"{stem}.pkl", "wb") as f:
        pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
    return (stem, len(data), hashlib.sha256(data).hexdigest()), state.text


def _layout_start():
    from cleaners.words.lexicon import DocumentCounts, PairTally

    return [], DocumentCounts(), PairTally()


def _layout_fold(acc, result):
    """Count the document straight into this worker's totals (as ``build_corpus_lexicon``
    does): word pairs go to a :class:`PairTally` of integer codes, not a Counter of
    tuples, which at 100 MB held millions of pairs seen once or twice."""
    from cleaners.words.lexicon import count_into

    done, merged, pairs = acc
    doc, text = result
    done.append(doc)
    opts = _RUN["config"].options["words"]
    count_into(merged, text, unigrams=opts["unigrams"], known_prob=opts["known_prob"], pairs=pairs)
    return acc


def _merge_pairs(into, other) -> None:
    """Add the pair counts of the PairTally ``other`` to ``into`` (other's key ids renamed)."""
    if not other._codes:
        return
    other._compact()
    codes, counts = other._codes[0], other._counts[0]
    into.add(codes >> 32, codes & 0xFFFFFFFF, counts, dict(enumerate(other.key_id)))


def _words(stem: str) -> int:
    from cleaners.corpus import document_summary
    from cleaners.outputs import document_files
    from cleaners.pipeline import clean_words

    config, scratch = _RUN["config"], _RUN["scratch"]
    src = scratch / "layout" / f"{stem}.pkl"
    with open(src, "rb") as f:
        state = pickle.load(f)
    src.unlink()
    state = clean_words(state, config, {"lexicon": _RUN["lexicon"]})
    for rel, data in document_files(stem, state).items():
        p = scratch / "clean" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    summary = document_summary(stem, state, options=config.options["dedup"])
    with open(scratch / "summaries" / f"{stem}.pkl", "wb") as f:
        pickle.dump(summary, f, protocol=pickle.HIGHEST_PROTOCOL)
    return 1


class _SummariesOnDisk(Mapping):
    """stem -> its pickled DocSummary, read (and deleted) when asked for: one in memory at a time."""

    def __init__(self, folder: Path, stems: list[str]):
        self.folder, self.stems = folder, sorted(stems)

    def __getitem__(self, stem: str):
        p = self.folder / f"{stem}.pkl"
        with open(p, "rb") as f:
            out = pickle.load(f)
        p.unlink()
        return out

    def __iter__(self):
        return iter(self.stems)

    def __len__(self) -> int:
        return len(self.stems)


def clean_folder(folder: Path, workers: int, *, keep: Path | None = None, parent_works: bool = True) -> dict:
    """Clean every .txt of ``folder`` with ``workers`` forked processes; timings and memory.

    ``keep``: a folder to move the clean output to (the same files as the flow's
    clean/, but run.json and the report); otherwise it is deleted. ``parent_works``:
    this process is one of the workers (see :func:`fork_map`).
    """
    from cleaners.corpus import corpus_files_from_summaries
    from cleaners.pipeline import PIPELINE_VERSION, Config
    from cleaners.words.lexicon import BIGRAM_MIN_COUNT, lexicon_from_counts
    from cleaners.words.repair import warm_up

    config = Config()
    paths = sorted(folder.glob("*.txt"), key=lambda p: (-p.stat().st_size, p.name))  # largest first
    scratch = Path(tempfile.mkdtemp(prefix="scanclean-scale-"))
    for sub in ("layout", "clean", "summaries"):
        (scratch / sub).mkdir()
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    sizes: dict[str, Any] = {}
    stats: dict[str, list] = {}
    try:
        with MemoryWatch() as mem:
            t0 = t = time.perf_counter()
            c = _cpu()
            mem.phase("load")
            load_resources()
            _RUN.update(config=config, scratch=scratch)
            _freeze()
            times["load"] = time.perf_counter() - t
            cpu["load"], c = _cpu() - c, _cpu()

            t = time.perf_counter()
            mem.phase("layout")
            parts = fork_map([str(p) for p in paths], workers, _layout, _layout_fold, _layout_start,
                             parent_works=parent_works)
            done = [d for (docs, _, _), _ in parts for d in docs]
            (_, merged, pairs), more = parts[0][0], None
            for (_, counts, more), _ in parts[1:]:
                merged.merge(counts)
                _merge_pairs(pairs, more)
            stats["layout"] = [s for _, s in parts]
            del parts, more
            merged.pairs = pairs.frequent(BIGRAM_MIN_COUNT)  # the only pairs the lexicon can use
            sizes["distinct_pairs"] = pairs._compacted
            del pairs
            times["layout"] = time.perf_counter() - t
            cpu["layout"], c = _cpu() - c, _cpu()

            t = time.perf_counter()
            mem.phase("lexicon")
            sizes["counts"] = {k: len(getattr(merged, k)) for k in ("raw", "clean", "pairs", "surfaces")}
            lexicon = lexicon_from_counts(merged, options=config.options["words"])
            del merged
            warm_up(lexicon, config.options["words"])  # its language model, shared by the workers
            sizes["lexicon"] = {"counts": len(lexicon.counts), "bigrams": len(lexicon.bigrams)}
            _RUN["lexicon"] = lexicon
            _freeze()
            times["lexicon"] = time.perf_counter() - t
            cpu["lexicon"], c = _cpu() - c, _cpu()

            t = time.perf_counter()
            mem.phase("words")
            stems = [s for s, _, _ in done]
            by_size = {s: n for s, n, _ in done}
            parts = fork_map(sorted(stems, key=lambda s: (-by_size[s], s)), workers, _words,
                             lambda a, r: a + r, int, parent_works=parent_works)
            stats["words"] = [s for _, s in parts]
            times["words"] = time.perf_counter() - t
            cpu["words"], c = _cpu() - c, _cpu()

            t = time.perf_counter()
            mem.phase("corpus")
            files = corpus_files_from_summaries(
                _SummariesOnDisk(scratch / "summaries", stems),
                raw_sha256={s: h for s, _, h in done}, raw_paths={s: f"{s}.txt" for s in stems},
                config_digest=config.digest(), pipeline_version=PIPELINE_VERSION,
                options=config.options["dedup"])
            manifest = json.loads(files["manifest.json"])
            manifest["raw_dir"] = str(folder)  # as the flow's build_outputs does
            files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1)
                                      + "\n").encode("utf-8")
            sizes["corpus_mb"] = round(sum(len(v) for v in files.values()) / 1e6, 1)
            for rel, data in files.items():
                (scratch / "clean" / rel).write_bytes(data)
            del files
            times["corpus"] = time.perf_counter() - t
            cpu["corpus"], c = _cpu() - c, _cpu()
            times["total"] = time.perf_counter() - t0
        gc.unfreeze()
        _RUN.clear()
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.move(str(scratch / "clean"), keep)
        mb = sum(n for _, n, _ in done) / 1e6
        return {"mb": mb, "docs": len(paths), "workers": workers, "parent_works": parent_works, "times": times, "cpu": cpu, "memory": mem.peaks,
                "sizes": sizes, "worker_stats": stats}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _cpu() -> float:
    """CPU seconds of this process and its finished (reaped) workers."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _mb(peaks: dict, phase: str, key: str) -> str:
    v = peaks.get(phase, {}).get(key)
    return f"{v / 1e6:.0f}" if v else "?"


def show(label: str, r: dict) -> None:
    t, m = r["times"], r["memory"]
    work = t["total"] - t["load"]
    print(f"{label}: {r['docs']} docs, {r['mb']:.1f} MB, {r['workers']} worker(s)"
          f"{' (this process is one)' if r.get('parent_works') else ' (all forked)'}: {t['total']:.1f} s "
          f"(load {t['load']:.1f}, layout {t['layout']:.1f}, lexicon {t['lexicon']:.1f}, "
          f"words {t['words']:.1f}, corpus {t['corpus']:.1f}); "
          f"{work / r['mb']:.3f} s/MB without the one-off load")
    c = r["cpu"]
    print(f"  CPU s (this process + workers): " + ", ".join(f"{k} {v:.1f}" for k, v in c.items())
          + f"; total {sum(c.values()):.1f}")
    print(f"  peak memory, this process + workers: summed RSS {_mb(m, 'all', 'rss')} MB "
          f"(counts shared pages once per process), summed PSS {_mb(m, 'all', 'pss')} MB (real footprint)")
    print("  per phase, RSS/PSS MB: " + ", ".join(
        f"{ph} {_mb(m, ph, 'rss')}/{_mb(m, ph, 'pss')}" for ph in ("load", "layout", "lexicon", "words", "corpus")))
    print(f"  processes at the PSS peak: {m.get('all', {}).get('processes')}")
    print(f"  sizes: {r['sizes']}; workers at exit: {r['worker_stats']}")


MEASUREMENTS = {"seeds": ("seeds, 1 worker", 1), "one": ("100 MB corpus, 1 worker ", 1),
                "two": ("100 MB corpus, 2 workers", 2)}


def measure(name: str, *, parent_works: bool = True) -> dict:
    """One measurement in this process (which should be fresh: it pays the resource load)."""
    label, workers = MEASUREMENTS[name]
    folder = ROOT / "raw" if name == "seeds" else generate()
    load_before = os.getloadavg()[0]
    r = clean_folder(folder, workers, parent_works=parent_works)
    r["loadavg"] = (load_before, os.getloadavg()[0])
    show(label, r)
    t, c = r["times"], r["cpu"]
    par = ("layout", "words")
    used = sum(c[k] for k in par) / sum(t[k] for k in par)
    print(f"  cores used in the parallel phases: {used:.2f} of {workers} "
          f"(1-minute load average {r['loadavg'][0]:.1f} before, {r['loadavg'][1]:.1f} after)", flush=True)
    return r


def _in_fresh_process(name: str, extra: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([sys.executable, "-m", "bench.scale", "--measure", name, "--json", f.name, *extra],
                       check=True)
        return json.loads(Path(f.name).read_text())


def main(argv: list[str] | None = None) -> None:
    """Seeds (1 worker), 100 MB with 1 and 2 workers, each in a fresh process; the comparisons."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m bench.scale")
    ap.add_argument("--only", choices=tuple(MEASUREMENTS), action="append",
                    help="run only these measurements (default: all three)")
    ap.add_argument("--repeat", type=int, default=1, help="repeat the 1- and 2-worker pair")
    ap.add_argument("--parent-idle", action="store_true",
                    help="fork every worker (the parent only waits) instead of the parent being one of them")
    ap.add_argument("--measure", choices=tuple(MEASUREMENTS), help=argparse.SUPPRESS)
    ap.add_argument("--json", help=argparse.SUPPRESS)
    args = ap.parse_args(argv if argv is not None else [])
    if args.measure:
        r = measure(args.measure, parent_works=not args.parent_idle)
        Path(args.json).write_text(json.dumps(r))
        return
    todo = args.only or list(MEASUREMENTS)
    print(f"(os.cpu_count() = {os.cpu_count()}; wall times are noisy when other work shares the cores: "
          f"see 'cores used')", flush=True)
    res: dict[str, list[dict]] = {}
    extra = ["--parent-idle"] if args.parent_idle else []
    if "seeds" in todo:
        res["seeds"] = [_in_fresh_process("seeds", extra)]
    for _ in range(args.repeat):
        for name in ("one", "two"):
            if name in todo:
                res.setdefault(name, []).append(_in_fresh_process(name, extra))

    def work(r):  # seconds per MB without the one-off resource load
        return (r["times"]["total"] - r["times"]["load"]) / r["mb"]

    if "seeds" in res and "one" in res:
        s, b = work(res["seeds"][0]), min(work(r) for r in res["one"])
        print(f"linearity (1 worker, same driver, without the one-off load of "
              f"{res['seeds'][0]['times']['load']:.1f} s): {b:.3f} s/MB at 100 MB vs {s:.3f} s/MB on the seeds: "
              f"ratio {b / s:.2f} (target within 25%)")
    for i, (one, two) in enumerate(zip(res.get("one", []), res.get("two", []))):
        t1, t2 = one["times"], two["times"]
        print(f"speed-up 1 -> 2 workers (pair {i + 1}): {t1['total'] / t2['total']:.2f}x total "
              f"({t1['total']:.1f} s -> {t2['total']:.1f} s; target >= 1.7x), "
              f"{(t1['total'] - t1['load']) / (t2['total'] - t2['load']):.2f}x without the load")
    for name in ("one", "two"):
        for r in res.get(name, []):
            print(f"peak at 100 MB, {r['workers']} worker(s): summed PSS {_mb(r['memory'], 'all', 'pss')} MB "
                  f"(real footprint; target < 1500 MB), summed RSS {_mb(r['memory'], 'all', 'rss')} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
