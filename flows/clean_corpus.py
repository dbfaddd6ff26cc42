"""The Prefect flow that cleans a raw folder into a clean folder.

    python -m flows.clean_corpus --raw raw --clean clean [--runner default|threads|processes|dask]
                                 [--config scanclean.toml] [--max-mb 32] [--refresh]

Steps: discover the raw files (:mod:`flows.discover`); a ``layout`` task per
document, cached on (raw content sha256, layout config digest, which includes
the pipeline version, flow source); one ``corpus-resources`` task building the
lexicon from all layout texts, cached on the layout outputs' digests and the
words config; a ``words`` task per document, cached on (layout output digest,
lexicon digest, words config digest, review file content); then the corpus
files, the summary (clean/run.json, a table on the terminal and a Prefect
table artifact) and an atomic publish (:mod:`flows.publish`). A rerun with
nothing changed takes every document from the cache (results persisted under
``PREFECT_RESULTS_LOCAL_STORAGE_PATH``).

Memory: the flow never holds every document. As each layout task finishes, its
state goes to a spool on disk (:mod:`flows.spool`) and only its digest stays;
the lexicon reads the layout texts back one at a time; each words task loads
its document's state from the spool; as each words task finishes, the
document's files and its corpus summary go to the spool and only a few counts
stay (``DocResult.facts``); publish reads the files back one at a time. The
layout and words tasks do not keep their results in Prefect's in-memory result
cache (``cache_result_in_memory=False``; the results are persisted anyway).
The CLI (:mod:`flows.cli`) starts Prefect's server before importing Prefect and
loads the language resources, then lays out documents, in a thread while the
server starts, when there is layout work for this process.

Runners: ``default`` (= ``threads``) is Prefect's ThreadPoolTaskRunner with 2
threads; ``processes`` is Prefect 3.8.8's ProcessPoolTaskRunner (2 spawned
processes); ``dask`` is prefect-dask's DaskTaskRunner on a LocalCluster of 2
worker processes, or the cluster at ``$DASK_ADDRESS`` (then ``PREFECT_API_URL``
must name a server the workers reach). Threads are the default because they
measured fastest here: on 25 documents (8.5 MB) the process pool took 96 s
against 37 s for threads (each process imports Prefect and loads the word
lists, and every words task ships its document state and the corpus resources
to the worker). Whatever the runner, cache hits and less than 1 MB of
uncached text run in the flow's own threads (starting a pool costs seconds).

Exit status of the CLI: 0 when every document was cleaned, 1 when any was
refused or failed (the others are still cleaned and published), 2 when
nothing could be done (bad folders, no documents; clean/ is left untouched).

Bad input (each gets a line in the summary; see flows.discover and flows.steps):

====================================  ==========  =========================================
input                                 outcome     where / why
====================================  ==========  =========================================
empty file, whitespace only           refused     "no text to clean" (flows.steps)
binary (NUL bytes, image as .txt)     refused     by cleaners.decode (its message)
invalid UTF-8, cp1252 (0x93/0x94)     processed   decoder's fallback recorded in meta/ and summary
UTF-8/UTF-16 with BOM, UTF-16 no BOM  processed   decoder's choice recorded (refused if it cannot tell)
CRLF, lone CR line ends               processed   normalised by the unicode stage
file over 32 MB (e.g. 50 MB one line) refused     split it or raise --max-mb
a 1 MB "word"                         processed
deleted / changed during the run      failed      "deleted during the run" / "changed ... rerun"
unreadable (permissions)              failed      "permission denied: chmod a+r"
non-.txt, hidden files and folders    skipped     a note, not an error; FIFOs and devices too
nested folders                        processed   recursed; parts joined by "__" in the name
spaces, non-ASCII in names            processed   kept (NFC)
names equal ignoring case / NFC       refused     both files: "name clash ... rename"
stage crash (a bug)                   failed      exception type and message
====================================  ==========  =========================================
"""

from __future__ import annotations

if __name__ == "__main__":
    # The CLI lives in flows.cli, which starts Prefect's server *before* Prefect and the
    # cleaners are imported (flows.server); importing this module first would undo that.
    from flows.cli import run

    run()

import flows  # noqa: F401  (sets the Prefect environment before Prefect is imported)

import hashlib
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Mapping
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import CacheKeyFnPolicy
from prefect import futures as prefect_futures
from prefect.utilities.annotations import quote

from cleaners.corpus import document_summary
from cleaners.outputs import document_files
from cleaners.pipeline import Config
from flows.cli import RUNNERS, check_runner, main  # noqa: F401  (main: the CLI, re-exported)
from flows.discover import MAX_DOCUMENT_MB, Discovery, RawFile, check_folders, describe_os_error, discover, sha256_file
from flows.publish import publish
from flows.spool import Spool, SpooledState
from flows.timeline import mark
from flows.steps import (DocResult, LayoutOutcome, build_corpus_resources, document_facts, flows_source_digest,
                         layout_document, layout_failure, lexicon_digest, release_free_memory, resources_digest,
                         review_file_digest, state_digest, words_document)
from flows.summary import (artifact_rows, corpus_outputs_from_summaries, manifest_with_raw_dir, render_table,
                           run_json, summary)

FLOWS_DIGEST = flows_source_digest()
HEAVY_MIN_BYTES = 1_000_000  # less uncached raw text than this is cleaned in the flow's process


def _key(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def layout_cache_key(context, params: dict[str, Any]) -> str:
    raw: RawFile = params["raw"]
    return "layout-" + _key(raw.doc_id, params["sha256"], params["config"].digest("layout"), FLOWS_DIGEST)


def resources_cache_key(context, params: dict[str, Any]) -> str:
    return "resources-" + _key(params["key"], FLOWS_DIGEST)


def _unquoted(value):
    return value.unquote() if isinstance(value, quote) else value


def words_cache_key(context, params: dict[str, Any]) -> str:
    config: Config = params["config"]
    return "words-" + _key(params["layout_digest"],
                           lexicon_digest(_unquoted(params["resources"]), params["resources_key"]),
                           config.digest("words"), review_file_digest(config), FLOWS_DIGEST)


def corpus_cache_key(context, params: dict[str, Any]) -> str:
    return "corpus-" + _key(params["key"], FLOWS_DIGEST)


def retry_io(task, task_run, state) -> bool:
    """Retry transient I/O errors only (not a missing or unreadable file, not a bug)."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception:  # noqa: BLE001  (no result: retry as Prefect would)
        return True
    return isinstance(exc, OSError) and not isinstance(
        exc, (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError))


# cache_result_in_memory=False: Prefect's result store otherwise keeps the last 1000 results
# (every document's layout and cleaned states) in memory for the whole run.
@task(name="layout", task_run_name="layout {raw.doc_id}", persist_result=True, cache_result_in_memory=False,
      cache_policy=CacheKeyFnPolicy(cache_key_fn=layout_cache_key),
      retries=2, retry_delay_seconds=0.5, retry_condition_fn=retry_io)
def layout_task(raw: RawFile, sha256: str, config: Config) -> LayoutOutcome:
    done = _prework(layout_cache_key(None, {"raw": raw, "sha256": sha256, "config": config}))
    return done if done is not None else layout_document(raw, sha256, config)


@task(name="corpus-resources", persist_result=True,
      cache_policy=CacheKeyFnPolicy(cache_key_fn=resources_cache_key))
def resources_task(layout_texts: Mapping[str, str], key: str, config: Config) -> dict[str, Any]:
    done = _prework(resources_cache_key(None, {"key": key}))
    return done if done is not None else build_corpus_resources(layout_texts, config)


@task(name="words", task_run_name="words {state.doc_id}", persist_result=True, cache_result_in_memory=False,
      cache_policy=CacheKeyFnPolicy(cache_key_fn=words_cache_key))
def words_task(state, layout_digest: str, resources: dict[str, Any], resources_key: str, config: Config):
    return words_document(state, config, resources)


@task(name="corpus-files", persist_result=True,
      cache_policy=CacheKeyFnPolicy(cache_key_fn=corpus_cache_key))
def corpus_task(summaries, raw_sha256: dict[str, str], raw_paths: dict[str, str], key: str,
                config: Config) -> dict[str, bytes]:
    return corpus_outputs_from_summaries(summaries, raw_sha256=raw_sha256, raw_paths=raw_paths, config=config)


def corpus_key(ok: list[tuple[str, str, str, str]], config: Config) -> str:
    """The corpus files' key: ``(doc_id, rel_path, raw sha256, words cache key)`` of every cleaned document."""
    return _key(*(f"{d}\x01{rel}\x01{sha}\x01{wkey}" for d, rel, sha, wkey in sorted(ok)), config.digest())


def make_task_runner(name: str):
    """The Prefect task runner that does the real work for ``--runner``."""
    workers = max(1, min(2, os.cpu_count() or 1))
    if name in ("default", "threads"):
        from prefect.task_runners import ThreadPoolTaskRunner
        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner
        return ProcessPoolTaskRunner(max_workers=workers)
    if name == "dask":
        from prefect_dask import DaskTaskRunner

        # the cluster's own INFO logs (workers starting and retiring) drown the run's
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        logging.getLogger("distributed").setLevel(logging.WARNING)
        address = os.environ.get("DASK_ADDRESS")
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                              cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown runner {name!r}; choose one of {RUNNERS}")


def _stored(key: str) -> bool:
    """Whether a result is stored under ``key`` (a cheap look at the file, for routing only)."""
    from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH

    return (Path(PREFECT_RESULTS_LOCAL_STORAGE_PATH.value()).expanduser() / key).is_file()


class _Runners:
    """Cache hits run in the flow's process (threads); real work goes to the chosen runner.

    Starting a process pool or a Dask cluster costs seconds (each worker
    imports Prefect and the cleaners); a rerun with nothing changed should not
    pay that just to read results back. Routing only decides *where* a task
    runs: Prefect's cache policy still decides whether it computes, so a wrong
    guess costs time, never correctness.
    """

    def __init__(self, name: str, refresh: bool):
        from prefect.task_runners import ThreadPoolTaskRunner

        self.name, self.refresh = name, refresh
        self.light = ThreadPoolTaskRunner(max_workers=8)  # cache hits wait on I/O and the API
        self.heavy = None
        self.stack = ExitStack()
        self.counts: dict[str, dict[str, int]] = {}  # phase -> cached/computed documents

    def __enter__(self):
        self.stack.enter_context(self.light)
        return self

    def __exit__(self, *exc):
        return self.stack.__exit__(*exc)

    def submit_all(self, task, items: list[tuple[dict[str, Any], str, int]], phase: str) -> list:
        """Submit one phase's tasks, ``(parameters, cache key, raw bytes)`` each; futures in order."""
        if self.refresh:
            task = task.with_options(refresh_cache=True)
        cached = [not self.refresh and _stored(key) for _, key, _ in items]
        todo_bytes = sum(n for (_, _, n), hit in zip(items, cached) if not hit)
        # a pool is worth starting for real work only (or when Dask was asked for)
        use_heavy = todo_bytes and (self.name == "dask" or todo_bytes >= HEAVY_MIN_BYTES)
        if use_heavy and self.heavy is None:
            self.stack.enter_context(_workers_share_api())
            self.heavy = self.stack.enter_context(make_task_runner(self.name))
        futures = []
        for (params, _, _), hit in zip(items, cached):
            counts = self.counts.setdefault(phase, {"cached": 0, "computed": 0})
            counts["cached" if hit else "computed"] += 1
            runner = self.heavy if (use_heavy and not hit) else self.light
            if runner is self.heavy and self.name == "dask":
                # prefect-dask hands a quote()d argument to the task as a bare tuple
                params = {k: _unquoted(v) for k, v in params.items()}
            futures.append(runner.submit(task, params))
        return futures


@contextmanager
def _workers_share_api():
    """Let worker processes talk to this run's Prefect API.

    Without ``PREFECT_API_URL`` Prefect starts a temporary server per process;
    process-pool and Dask workers would each start their own (about 10 s each,
    and they time out under load). Point them at the flow's server instead.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url).rstrip("/")
    os.environ["PREFECT_API_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


class _Progress:
    """Documents done/total and MB/s on the terminal (stderr), per phase."""

    def __init__(self, total_bytes: int, total_docs: int):
        from rich.console import Console
        from rich.progress import (BarColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TransferSpeedColumn)

        self.total_docs = total_docs
        self.progress = Progress(TextColumn("{task.description:>7}"), BarColumn(),
                                 TextColumn("{task.fields[docs]}/{task.fields[ndocs]} documents"),
                                 TransferSpeedColumn(), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=False)
        self.total_bytes = max(total_bytes, 1)

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)

    def phase(self, name: str) -> int:
        return self.progress.add_task(name, total=self.total_bytes, docs=0, ndocs=self.total_docs)

    def advance(self, phase: int, nbytes: int) -> None:
        t = self.progress.tasks[[t.id for t in self.progress.tasks].index(phase)]
        self.progress.update(phase, advance=nbytes, docs=t.fields["docs"] + 1)


def _result_of(future) -> tuple[Any, BaseException | None]:
    """(result, None) for a completed task, (None, exception) for a failed one."""
    try:
        value = future.result(raise_on_failure=False)
    except BaseException as exc:  # noqa: BLE001  (a crashed worker, a lost result...)
        return None, exc
    if isinstance(value, BaseException):
        return None, value
    return value, None


class _NoSummaries(Mapping):
    """Stands for summaries not computed because the corpus files were cached: never read."""

    def __init__(self, stems: list[str]):
        self.stems = stems

    def __getitem__(self, stem: str):
        raise RuntimeError("corpus summaries were not kept (the corpus files were cached); rerun with --refresh")

    def __iter__(self):
        return iter(self.stems)

    def __len__(self) -> int:
        return len(self.stems)


_WARMING: list[threading.Thread] = []
_STOP_PREWORK = threading.Event()
_PREWORK: dict[str, Any] = {}  # task cache key -> the result the warm-up thread computed for that task


def start_warm_up(found: Discovery, config: Config, runner: str, refresh: bool) -> bool:
    """Load the language resources, then do layout work, in a thread while Prefect's server starts.

    Only when some layout result must be computed and the work runs in this process
    (threads): a warm rerun does not need them, and pool workers load their own.
    After the word lists, the thread runs the layout of the documents whose layout is
    not cached, one after the other, until the flow starts (:func:`_wait_for_warm_up`
    stops it after the document in hand), and, if it got through all of them, builds
    the corpus resources. Each result waits in ``_PREWORK`` under the cache key of the
    task that would compute it; that task, when it runs, takes it instead of computing
    it again (:func:`_prework`), so the flow still runs, caches and shows every task.
    The flow waits for the thread before its first task, so nothing is loaded twice.
    Returns whether a thread was started.
    """
    if runner not in ("default", "threads"):
        return False
    todo: list[tuple[RawFile, str, str]] = []  # (file, sha256, layout cache key) of uncached layouts
    for f in found.files:
        try:
            sha = sha256_file(f.path)
        except OSError:
            continue  # the flow reports it
        key = layout_cache_key(None, {"raw": f, "sha256": sha, "config": config})
        if refresh or not _stored(key):
            todo.append((f, sha, key))
    if not todo and found.files:
        return False
    _STOP_PREWORK.clear()
    _PREWORK.clear()

    def load() -> None:
        try:
            from cleaners.dedup import DEFAULTS as DEDUP, minhash_permutations
            from cleaners.pipeline import clean_layout
            from cleaners.words.repair import warm_up

            clean_layout("warm-up", b"A warm-up text with a hyphen-\nated word.\n", config)
            warm_up(None, config.options.get("words"))
            dedup = {**DEDUP, **config.options.get("dedup", {})}
            minhash_permutations(dedup["num_perm"], dedup["seed"])  # numpy.random: 0.3 s of imports
        except Exception:  # noqa: BLE001  (the tasks load what they need and report errors themselves)
            return
        mark("resources loaded")
        _prework_layout(todo, found, config, refresh)
        mark("warm-up done")

    thread = threading.Thread(target=load, name="scanclean-warm-up", daemon=True)
    thread.start()
    _WARMING.append(thread)
    return True


def _prework_layout(todo: list[tuple[RawFile, str, str]], found: Discovery, config: Config,
                    refresh: bool) -> None:
    """The warm-up thread's layout work (see :func:`start_warm_up`); stops when the flow starts."""
    outcomes: dict[str, LayoutOutcome] = {}
    for f, sha, key in todo:
        if _STOP_PREWORK.is_set():
            return
        try:
            outcome = layout_document(f, sha, config)
        except Exception:  # noqa: BLE001  (the task computes it again, with its retries and its report)
            continue
        _PREWORK[key] = outcomes[f.doc_id] = outcome
        mark(f"laid out {f.doc_id}")
    if len(outcomes) != len(found.files) or _STOP_PREWORK.is_set():
        return  # the corpus resources need every document's layout
    good = {d: o for d, o in sorted(outcomes.items()) if o.status == "ok"}
    key = resources_cache_key(None, {"key": resources_digest({d: o.digest for d, o in good.items()}, config)})
    if refresh or not _stored(key):
        try:
            _PREWORK[key] = build_corpus_resources({d: o.state.text for d, o in good.items()}, config)
        except Exception:  # noqa: BLE001  (the task computes it again and reports)
            pass


def _prework(key: str) -> Any:
    """The warm-up thread's result for the task with this cache key (taken: once), or None."""
    return _PREWORK.pop(key, None)


def _wait_for_warm_up() -> None:
    _STOP_PREWORK.set()
    mark("flow waits for the warm-up")
    while _WARMING:
        _WARMING.pop().join()
    mark("flow starts its tasks")


def _completed(futures: dict) -> Any:
    """``(value, future)`` for each ``future -> value`` of ``futures``, in completion order.

    Unlike ``prefect.futures.as_completed``, which holds every future (and so every
    result) until the last is done, each future is dropped from ``futures`` as it is
    yielded: once the caller lets go of it, its result can be freed.
    """
    done: queue.SimpleQueue = queue.SimpleQueue()
    register = getattr(prefect_futures, "_register_prefect_done_callback", None)
    for fut in list(futures):
        if register is not None:
            register(fut, done.put)
        else:
            fut.add_done_callback(done.put)
    while futures:
        fut = done.get()
        if fut in futures:  # a future may call back more than once
            yield futures.pop(fut), fut


def _run_documents(found: Discovery, config: Config, runner: str, refresh: bool,
                   results: dict[str, DocResult], stats: dict[str, Any], spool: Spool,
                   summaries: bool | None = None) -> None:
    """Layout, resources and words for every discovered file; fills ``results``.

    Each document's files go to ``spool`` as its words task finishes, and only its
    summary facts stay in ``results``, so the cleaned states are never all in memory.
    ``summaries``: spool the documents' corpus summaries too (None: only when the corpus
    files are not cached already for the expected set of documents).
    """
    _wait_for_warm_up()
    hashes: dict[str, str] = {}
    for raw in found.files:
        try:
            hashes[raw.doc_id] = sha256_file(raw.path)
        except OSError as exc:
            results[raw.doc_id] = DocResult(raw.doc_id, raw.rel_path, "failed", describe_os_error(exc))
    todo = [f for f in found.files if f.doc_id in hashes]
    by_id = {f.doc_id: f for f in todo}
    total_bytes = sum(f.size for f in todo)
    with _Progress(total_bytes, len(todo)) as bar, _Runners(runner, refresh) as runners:
        phase = bar.phase("layout")
        items = []
        for f in todo:
            params = {"raw": f, "sha256": hashes[f.doc_id], "config": config}
            items.append((params, layout_cache_key(None, params), f.size))
        futures = dict(zip(runners.submit_all(layout_task, items, "layout"), todo))
        items = params = None
        # Each layout state goes to disk as its task finishes; only its digest stays here, so
        # memory does not grow with the corpus while the lexicon waits for every document.
        states: dict[str, SpooledState] = {}
        digests: dict[str, str] = {}
        for raw, fut in _completed(futures):
            value, exc = _result_of(fut)
            del fut
            outcome = layout_failure(raw, exc) if exc else value
            value = None
            if outcome.status == "ok":
                states[raw.doc_id] = spool.put_state(raw.doc_id, outcome.state)
                digests[raw.doc_id] = outcome.digest
            else:
                results[raw.doc_id] = DocResult(raw.doc_id, raw.rel_path, outcome.status, outcome.message,
                                                sha256=hashes[raw.doc_id])
            outcome = None
            release_free_memory()
            bar.advance(phase, raw.size)
        mark("layout phase done")
        good = sorted(states)
        key = resources_digest(digests, config)
        resources_fn = resources_task.with_options(refresh_cache=True) if refresh else resources_task
        resources = resources_fn(quote(spool.layout_texts(states)), key, config)
        mark("corpus resources done")
        phase = bar.phase("words")
        items = []
        words_keys = stats.setdefault("_words_keys", {})
        remote = runner == "dask" and bool(os.environ.get("DASK_ADDRESS"))  # workers cannot read our spool
        for d in good:
            # quote(): Prefect would otherwise walk every Edit of the state looking for
            # futures (1.8 s for the largest seed), twice per task
            params = {"state": quote(states[d].load() if remote else states[d]), "layout_digest": digests[d],
                      "resources": quote(resources), "resources_key": key, "config": config}
            words_keys[d] = words_cache_key(None, params)
            items.append((params, words_keys[d], by_id[d].size))
        if summaries is None:
            expected = corpus_key([(d, by_id[d].rel_path, hashes[d], words_keys[d]) for d in good], config)
            summaries = refresh or not _stored(corpus_cache_key(None, {"key": expected}))
        futures = dict(zip(runners.submit_all(words_task, items, "words"), good))
        items = params = None  # the futures hold what the tasks need
        for doc_id, fut in _completed(futures):
            raw = by_id[doc_id]
            value, exc = _result_of(fut)
            del fut
            if exc:
                results[doc_id] = DocResult(doc_id, raw.rel_path, "failed",
                                            f"words phase crashed: {type(exc).__name__}: {exc}",
                                            sha256=hashes[doc_id])
            else:
                spool.put(document_files(doc_id, value))
                if summaries:
                    spool.put_summary(doc_id, document_summary(doc_id, value, options=config.options["dedup"]))
                results[doc_id] = DocResult(doc_id, raw.rel_path, "ok", sha256=hashes[doc_id],
                                            facts=document_facts(value))
            del value
            spool.drop_state(states.pop(doc_id))  # its layout state is no longer needed
            release_free_memory()
            bar.advance(phase, raw.size)
        stats.update(runners.counts)
        mark("words phase done")
    _PREWORK.clear()  # results for tasks that did not run (a file changed since the warm-up read it)


@flow(name="clean-corpus")
def clean_corpus(raw: str = "raw", clean: str = "clean", runner: str = "default",
                 config_path: str | None = None, refresh: bool = False,
                 max_mb: float = MAX_DOCUMENT_MB) -> dict[str, Any]:
    """Clean every document of ``raw`` into ``clean`` (atomically) and return the run summary."""
    started = time.time()
    mark("flow function starts")
    check_runner(runner)
    check_folders(raw, clean)
    config = Config.from_toml(config_path) if config_path else Config()
    found = discover(raw, max_mb=max_mb)
    if not found.files and not found.refused:
        raise ValueError(f"no .txt documents in {raw}: nothing to clean (clean folder left as it was)")
    skipped = [DocResult("", n.rel_path, "skipped", n.message) for n in found.skipped]

    def clean_documents(spool: Spool, summaries: bool | None):
        results: dict[str, DocResult] = {}
        for note in found.refused:
            results[note.rel_path] = DocResult(note.doc_id or "", note.rel_path, "refused", note.message)
        stats: dict[str, Any] = {}
        _run_documents(found, config, runner, refresh, results, stats, spool, summaries)
        words_keys = stats.pop("_words_keys", {})
        all_results = list(results.values()) + skipped
        ok = sorted((r for r in all_results if r.status == "ok"), key=lambda r: r.doc_id)
        key = corpus_key([(r.doc_id, r.rel_path, r.sha256, words_keys[r.doc_id]) for r in ok], config)
        return all_results, stats, ok, key

    with ExitStack() as stack:
        files = stack.enter_context(Spool())  # the documents' files on disk until published
        all_results, stats, ok, key = clean_documents(files, None)
        stems = [r.doc_id for r in ok]
        if not files.has_summaries(stems) and (refresh or not _stored(corpus_cache_key(None, {"key": key}))):
            # a document failed where the cached corpus files expected it: redo (from the
            # cache) with the summaries the corpus files now need
            files = stack.enter_context(Spool())
            all_results, stats, ok, key = clean_documents(files, True)
            stems = [r.doc_id for r in ok]
        corpus_fn = corpus_task.with_options(refresh_cache=True) if refresh else corpus_task
        summaries = files.summaries(stems) if files.has_summaries(stems) else _NoSummaries(stems)
        corpus = corpus_fn(quote(summaries), quote({r.doc_id: r.sha256 for r in ok}),
                           quote({r.doc_id: r.rel_path for r in ok}), key, config)
        mark("corpus files done")
        for name, value in corpus.items():
            files.set(name, value)
        files.set("manifest.json", manifest_with_raw_dir(corpus.get("manifest.json"), raw))
        data = summary(all_results, raw_dir=raw, config=config)
        run_info = {"runner": runner, "started": datetime.fromtimestamp(started, timezone.utc).isoformat(),
                    "seconds_before_publish": round(time.time() - started, 3), "tasks": stats}
        files.set("run.json", run_json(data, run_info))
        report_fresh = carry_report(clean, files)
        notes = publish(clean, files, wait_seconds=120)
        mark("published")
        if not report_fresh:
            write_report(clean, raw, files)
            mark("report written")
    data["run"] = {**run_info, "recovery": notes}
    try:
        create_table_artifact(artifact_rows(data), key="scanclean-run",
                              description=f"scanclean run of {raw} -> {clean}: {data['counts']}")
    except Exception as exc:  # noqa: BLE001  (the artifact is a view; the files are the record)
        print(f"warning: could not create the Prefect artifact: {exc}", file=sys.stderr)
    return data


def _report_stamp(files: dict[str, bytes]) -> str:
    """What the HTML report is made from: every published file but the run's own section."""
    h = hashlib.sha256()
    for name in sorted(files):
        if name != "run.json" and not name.startswith("report/"):
            h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def carry_report(clean: str, files: dict[str, bytes]) -> bool:
    """Add the previous report to ``files`` if it was made from the same outputs (warm reruns
    then publish it atomically with the rest instead of rebuilding it); True if carried."""
    old = Path(clean) / "report"
    stamp = old / ".stamp"
    if not stamp.is_file() or stamp.read_text() != _report_stamp(files):
        return False
    for p in sorted(old.rglob("*")):
        if p.is_file():
            files[f"report/{p.relative_to(old).as_posix()}"] = p.read_bytes()
    return True


def write_report(clean: str, raw: str, files: dict[str, bytes]) -> None:
    """Build clean/report/ (the HTML diff report) after publishing; a failure only warns."""
    try:
        from cleaners.report.build import build_report

        build_report(clean, raw)
        (Path(clean) / "report" / ".stamp").write_text(_report_stamp(files))
    except Exception as exc:  # noqa: BLE001  (the report is a view; the files are the record)
        print(f"warning: could not write the HTML report: {type(exc).__name__}: {exc}", file=sys.stderr)
