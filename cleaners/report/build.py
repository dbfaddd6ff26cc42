"""Write the report files (index and one page per document)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cleaners import review
from cleaners.report.html import doc_page_name, index_entry, render_doc_page, render_index
from cleaners.report.model import document_stems, iter_docs, resolve_raw_dir


def _write(path: Path, text: str) -> None:
    """Write atomically, so a browser never sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_report(clean_dir: str | Path, raw_dir: str | Path | None = None, *,
                 out_dir: str | Path | None = None, review_file: str | Path | None = None,
                 stems: list[str] | None = None) -> Path:
    """Write the report and return the index path.

    Documents are rendered one at a time (the document and its page are
    dropped before the next; the index keeps a few counts and the flags of each),
    so memory stays at about one document.
    """
    clean_dir = Path(clean_dir)
    raw = resolve_raw_dir(clean_dir, raw_dir)
    out = Path(out_dir) if out_dir else clean_dir / "report"
    decisions = review.load_decisions(Path(review_file) if review_file else review.decisions_path())
    stems = stems if stems is not None else document_stems(clean_dir)
    light = []
    for doc in iter_docs(clean_dir, raw, stems):
        _write(out / doc_page_name(doc.stem), render_doc_page(doc, decisions))
        light.append(index_entry(doc, decisions))
    index = out / "index.html"
    _write(index, render_index(light, decisions, clean_dir=str(clean_dir), raw_dir=str(raw)))
    return index
