"""A run's outputs and summary, as plain data (no Prefect).

``build_outputs`` turns the documents' end states into the files of clean/
(per document, corpus level, ``run.json``). Everything in them is
deterministic except the ``run`` section of ``run.json`` (start time, seconds,
runner, cache hits, recovery notes): two runs on the same input give
byte-identical clean/ apart from that one section.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any, Iterable

from cleaners.outputs import document_files
from cleaners.pipeline import PIPELINE_VERSION, STAGE_NAMES, Config
from flows.steps import DocResult

REPORT_PATH = "report/index.html"
FAILING = ("refused", "failed")


def _dumps(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1, default=str) + "\n").encode("utf-8")


def edit_counts(result: DocResult) -> dict[str, int]:
    """Edits per stage that ran, in stage order."""
    facts = result.summary_facts()
    return dict(facts["edits"]) if facts else {}


def summary_row(result: DocResult) -> dict[str, Any]:
    """One line of the run summary."""
    row: dict[str, Any] = {"doc": result.doc_id, "raw": result.rel_path, "status": result.status,
                           "message": result.message}
    facts = result.summary_facts()
    if facts is not None:
        decode = facts["decode"]
        row["edits"] = dict(facts["edits"])
        row["edits_total"] = facts["edits_total"]
        row["flags"] = facts["flags"]
        row["decode"] = decode.get("encoding", "")
        notes = list(result.notes)
        if decode.get("fallback"):
            notes.append(f"decoded as {decode.get('encoding')}: {decode['fallback']}")
        notes.extend(decode.get("warnings") or [])
        if notes:
            row["message"] = "; ".join([m for m in [result.message] if m] + notes)
    return row


def summary(results: Iterable[DocResult], *, raw_dir: str, config: Config) -> dict[str, Any]:
    """The deterministic part of run.json: one row per raw file, counts, overall status."""
    rows = [summary_row(r) for r in sorted(results, key=lambda r: (r.rel_path, r.doc_id))]
    counts = {k: sum(1 for r in rows if r["status"] == k) for k in ("ok", "refused", "failed", "skipped")}
    return {
        "status": "failed" if counts["refused"] or counts["failed"] else "ok",
        "counts": counts,
        "documents": rows,
        "raw_dir": raw_dir,
        "report": REPORT_PATH,
        "pipeline_version": PIPELINE_VERSION,
        "config_digest": config.digest(),
    }


def _fallback_corpus_files(docs, *, raw_sha256, raw_paths, config_digest, pipeline_version) -> dict[str, bytes]:
    """Minimal manifest while cleaners.corpus is not there."""
    manifest = {
        "pipeline_version": pipeline_version,
        "config_digest": config_digest,
        "documents": [{"doc_id": d, "raw_path": raw_paths[d], "raw_sha256": raw_sha256[d],
                       "clean_path": f"{d}.txt",
                       "clean_sha256": hashlib.sha256(docs[d].text.encode("utf-8")).hexdigest()}
                      for d in sorted(docs)],
    }
    return {"manifest.json": _dumps(manifest)}


def corpus_files_fn():
    """``cleaners.corpus.corpus_files``, or a minimal manifest writer where that module is absent.

    Only a ``corpus.py`` inside the imported ``cleaners`` package counts (an
    editable install of another checkout could otherwise supply a mismatched one).
    """
    import cleaners

    if not (Path(cleaners.__file__).parent / "corpus.py").is_file():
        return _fallback_corpus_files
    from cleaners.corpus import corpus_files

    return corpus_files


def corpus_outputs(results: list[DocResult], *, config: Config) -> dict[str, bytes]:
    """The corpus-level files (corpus.jsonl, manifest.json, duplicates.jsonl) of the cleaned documents."""
    ok = {r.doc_id: r for r in results if r.status == "ok" and r.state is not None}
    fn = corpus_files_fn()
    extra = {"options": config.options.get("dedup")} if "options" in inspect.signature(fn).parameters else {}
    return fn(
        {d: r.state for d, r in sorted(ok.items())},
        raw_sha256={d: r.sha256 for d, r in ok.items()},
        raw_paths={d: r.rel_path for d, r in ok.items()},
        config_digest=config.digest(),
        pipeline_version=PIPELINE_VERSION,
        **extra,
    )


def corpus_outputs_from_summaries(summaries, *, raw_sha256: dict[str, str], raw_paths: dict[str, str],
                                  config: Config) -> dict[str, bytes]:
    """The corpus-level files from the documents' summaries (``cleaners.corpus.document_summary``;
    a mapping stem -> summary, read once each in stem order): what :func:`corpus_outputs` gives
    from the states."""
    from cleaners.corpus import corpus_files_from_summaries

    return corpus_files_from_summaries(summaries, raw_sha256=raw_sha256, raw_paths=raw_paths,
                                       config_digest=config.digest(), pipeline_version=PIPELINE_VERSION,
                                       options=config.options.get("dedup"))


def manifest_with_raw_dir(manifest: bytes | None, raw_dir: str) -> bytes:
    """manifest.json with the raw folder recorded (the corpus files do not know it)."""
    data = json.loads(manifest) if manifest is not None else {}
    data["raw_dir"] = raw_dir
    return _dumps(data)


def build_outputs(results: list[DocResult], *, raw_dir: str, config: Config,
                  corpus: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """All files of clean/ except run.json: per document and corpus level (``corpus`` if computed already)."""
    ok = {r.doc_id: r for r in results if r.status == "ok" and r.state is not None}
    files: dict[str, bytes] = {}
    for doc_id in sorted(ok):
        files.update(document_files(doc_id, ok[doc_id].state))
    files.update(corpus if corpus is not None else corpus_outputs(results, config=config))
    files["manifest.json"] = manifest_with_raw_dir(files.get("manifest.json"), raw_dir)
    return files


def run_json(summary_data: dict[str, Any], run_info: dict[str, Any]) -> bytes:
    """run.json: the summary plus a ``run`` section (timings etc.), the only part that varies between runs."""
    return _dumps({**summary_data, "run": run_info})


def artifact_rows(summary_data: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary as flat rows for a Prefect table artifact."""
    rows = []
    for row in summary_data["documents"]:
        flat = {"document": row["doc"] or row["raw"], "raw": row["raw"], "status": row["status"]}
        for name in STAGE_NAMES:
            flat[name] = row.get("edits", {}).get(name, "")
        flat["flags"] = row.get("flags", "")
        flat["message"] = row["message"]
        flat["diff report"] = summary_data["report"]
        rows.append(flat)
    return rows


def render_table(summary_data: dict[str, Any], console=None) -> None:
    """Print the run summary: a table of edits per stage, then each document's messages (rich).

    Narrow enough for 100 columns: stage names are abbreviated (the legend says how) and
    messages go below the table instead of into a column.
    """
    from rich.console import Console
    from rich.table import Table

    console = console or Console(width=None if sys.stdout.isatty() else 120)
    # only the stages that changed something, or the table outgrows the terminal
    stages = [n for n in STAGE_NAMES if any(r.get("edits", {}).get(n) for r in summary_data["documents"])]
    counts = ", ".join(f"{v} {k}" for k, v in summary_data["counts"].items() if v)
    table = Table(title=f"scanclean run: {counts}", show_lines=False, caption=(
        "edits per stage: " + ", ".join(f"{n[:5]}={n}" for n in stages if len(n) > 5)) if stages else None)
    table.add_column("document", no_wrap=True, max_width=40)
    table.add_column("status", no_wrap=True)
    for name in stages:
        table.add_column(name[:5], justify="right", no_wrap=True)
    table.add_column("edits", justify="right", no_wrap=True)
    table.add_column("flags", justify="right", no_wrap=True)
    style = {"ok": "green", "refused": "red", "failed": "bold red", "skipped": "dim"}
    for row in summary_data["documents"]:
        cells = [row["doc"] or row["raw"], f"[{style[row['status']]}]{row['status']}[/]"]
        cells += [str(row.get("edits", {}).get(n, "")) for n in stages]
        cells += [str(row.get("edits_total", "")), str(row.get("flags", ""))]
        table.add_row(*cells)
    console.print(table)
    for row in summary_data["documents"]:
        if row["message"]:
            console.print(f"[{style[row['status']]}]{row['doc'] or row['raw']}[/]: {row['message']}",
                          highlight=False)
