"""The canonical corpus files: ``corpus.jsonl``, ``manifest.json``, ``duplicates.jsonl``.

Pure functions from finished documents to file contents (relative to the
clean folder); the flow decides where and how they are written.

* ``corpus.jsonl``: one record per unique segment (exact duplicates merged
  by the id of their normal form), in order of first occurrence (documents
  sorted by stem). Each record lists every place the segment occurs, with the
  raw line span it came from (clean offsets mapped back through
  ``DocState.raw_map``). A near duplicate keeps its own record and points at
  its group's representative.
* ``duplicates.jsonl``: every exact-duplicate group of non-formulaic
  segments, every near-duplicate group (representative, members,
  similarity), and every block removed as scanned twice, with the copy kept.
* ``manifest.json``: per document the sha256 of raw and clean text and
  counts; corpus totals and the sha256 of ``corpus.jsonl``.

Two parts, so the per-document work can run in worker processes:
:func:`document_summary` turns one finished document into a compact,
picklable :class:`DocSummary` (segments with text, sentence offsets, raw line
span, word hashes and MinHash signature; manifest counts; scanned-twice rows),
and :func:`corpus_files_from_summaries` merges the summaries (exact and near
duplicate grouping, the three files). :func:`corpus_files` chains the two.

Memory: segment texts are held once per unique segment (the output needs
them); the near-duplicate index keeps only representatives' word hashes and
LSH band keys (see :class:`cleaners.dedup.NearDuplicateIndex`).
"""

from __future__ import annotations

import hashlib
import io
import json
from array import array
from collections import Counter
from operator import attrgetter, sub
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from cleaners.dedup import (DEFAULTS as DEDUP_DEFAULTS, REASON_SCANNED_TWICE, NearDuplicateIndex,
                            is_quotation, minhash_signatures, segment_features, segment_id, WORD_RE)
from cleaners.document import DocState, LineIndex
from cleaners.outputs import row_encoder
from cleaners.segment import segments

FORMULAIC_KINDS = frozenset({"heading"})


# json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")), set up once
_dumps = row_encoder(separators=(",", ":"))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def raw_line_span(state: DocState, lines: LineIndex, start: int, end: int) -> list[int]:
    """1-based first and last raw line of the clean stretch ``[start, end)``."""
    rm = state.raw_map
    first = lines.line_col(rm[start])[0]
    last = lines.line_col(rm[max(start, end - 1)])[0]
    return [first, max(first, last)]


def _is_formulaic(kind: str, text: str, min_words: int) -> bool:
    """Headings and short segments (date lines, "Notes", "Chapter 3") repeat by design."""
    return kind in FORMULAIC_KINDS or len(WORD_RE.findall(text)) < min_words


class _Record:
    """One unique segment while the corpus is read (compact: serialised only at the end)."""

    __slots__ = ("sid", "kind", "utf8", "sentences", "occurrences", "near")

    def __init__(self, sid: str, kind: str, text: str, sentences: array):
        # UTF-8 bytes: half the memory of a str holding curly quotes (2 bytes a character)
        self.sid, self.kind, self.utf8, self.sentences = sid, kind, text.encode("utf-8"), sentences
        # (doc, segment index, clean start, clean end, first raw line, last raw line, text if it differs)
        self.occurrences: list[tuple] = []
        self.near: tuple[str, float] | None = None

    @property
    def text(self) -> str:
        return self.utf8.decode("utf-8")

    def places(self) -> list[dict[str, Any]]:
        return [{"doc": o[0], "segment": o[1], "raw_lines": [o[4], o[5]]} for o in self.occurrences]

    def to_json(self) -> dict[str, Any]:
        occs = []
        for doc, idx, a, b, l1, l2, alt in self.occurrences:
            occ = {"doc": doc, "segment": idx, "clean": [a, b], "raw_lines": [l1, l2]}
            if alt is not None:
                occ["text"] = alt  # same normal form, different case or quotes
            occs.append(occ)
        s = self.sentences
        rec = {"id": self.sid, "kind": self.kind, "text": self.text,
               "sentences": [[s[k], s[k + 1]] for k in range(0, len(s), 2)], "occurrences": occs}
        if self.near is not None:
            rec["near_duplicate_of"] = {"id": self.near[0], "similarity": self.near[1]}
        return rec


def _jsonl(rows: Iterable[dict[str, Any]]) -> bytes:
    buf = io.BytesIO()
    for r in rows:
        buf.write(_dumps(r).encode("utf-8"))
        buf.write(b"\n")
    return buf.getvalue()


def _drain(records: dict[str, _Record]) -> Iterable[dict[str, Any]]:
    """Records as JSON objects, each released once serialised (the output replaces them)."""
    for sid in list(records):
        yield records.pop(sid).to_json()


class SegmentSummary(NamedTuple):
    """One segment of a document as the corpus files need it (clean offsets, raw lines)."""

    sid: str  # segment_id of the text
    kind: str
    text: str
    start: int
    end: int
    first_line: int  # raw line span (1-based)
    last_line: int
    sentences: array  # "I": start, end of each sentence, relative to ``start``
    hashes: array | None  # word hashes for the near-duplicate index (None: not indexed)
    signature: bytes | None  # its MinHash signature (uint32 x num_perm)


class DocSummary(NamedTuple):
    """What :func:`corpus_files_from_summaries` needs from one finished document."""

    stem: str
    segments: list[SegmentSummary]
    scanned_twice: list[dict[str, Any]]  # duplicates.jsonl rows of blocks removed as scanned twice
    counts: dict[str, Any]  # its manifest entry, without raw_path and raw_sha256


def document_summary(stem: str, state: DocState, *, options: dict[str, Any] | None = None) -> DocSummary:
    """The per-document part of the corpus files (can run in a worker right after cleaning).

    ``options`` are the dedup stage's options, as for :func:`corpus_files`. Word hashes and a
    signature are computed for the first segment of each id in the document whose kind is
    not formulaic: only such a segment can be its id's first occurrence in the corpus, the
    one the near-duplicate index receives.
    """
    opts = {**DEDUP_DEFAULTS, **(options or {})}
    text = state.text
    lines = LineIndex(state.raw_text)
    segs = segments(text, state.spans)
    rows: list[list[Any]] = []
    seen: set[str] = set()
    to_index: list[tuple[int, array, Any]] = []  # (row, hashes, content array)
    n_sent = 0
    for seg in segs:
        seg_text = text[seg.start:seg.end]
        sid = segment_id(seg_text)
        n_sent += len(seg.sentences)
        base = seg.start
        rel = array("I", [x - base for pair in seg.sentences for x in pair])
        rows.append([sid, seg.kind, seg_text, seg.start, seg.end,
                     *raw_line_span(state, lines, seg.start, seg.end), rel, None, None])
        if sid not in seen:
            seen.add(sid)
            if seg.kind not in FORMULAIC_KINDS:
                features = segment_features(seg_text, options=opts)
                if features is not None:
                    to_index.append((len(rows) - 1, *features))
    if to_index:
        sigs = minhash_signatures([c for _, _, c in to_index], options=opts)
        for (row, hashes, _), sig in zip(to_index, sigs):
            rows[row][8] = hashes
            rows[row][9] = sig.tobytes()

    scanned_twice: list[dict[str, Any]] = []
    edits = state.edits
    # the per-edit tallies in C passes (a document has tens of thousands of edits)
    stage_edits = Counter(map(attrgetter("stage"), edits))
    shrinks = map(sub, map(len, map(attrgetter("before"), edits)), map(len, map(attrgetter("after"), edits)))
    removed_chars = sum(filter((0).__lt__, shrinks))  # what edits took out (growths do not offset it)
    for e in edits if stage_edits["dedup"] else ():
        if e.stage == "dedup" and e.reason == REASON_SCANNED_TWICE:
            ev = e.evidence or {}
            kept_raw = None
            if "kept_start_in_output" in ev and "kept_end" in ev and "kept_start" in ev:
                ks = ev["kept_start_in_output"]
                ke = ks + (ev["kept_end"] - ev["kept_start"])
                if 0 <= ks < ke <= len(text):
                    kept_raw = raw_line_span(state, lines, ks, ke)
            scanned_twice.append({
                "type": "scanned_twice", "doc": stem,
                "removed": {"raw_lines": [e.raw_line, e.raw_end_line], "chars": len(e.before),
                            "head": e.before[:80]},
                "kept": {"raw_lines": kept_raw, "head": ev.get("kept_head", "")},
                "words": ev.get("words"), "mismatches": ev.get("mismatches"),
            })
    counts = {
        "clean_sha256": _sha256(text.encode("utf-8")),
        "clean_chars": len(text),
        "segments": len(segs),
        "sentences": n_sent,
        "edits": dict(sorted(stage_edits.items())),
        "removed_chars": removed_chars,
        "flags": len(state.flags),
    }
    return DocSummary(stem, [SegmentSummary(*r) for r in rows], scanned_twice, counts)


def _in_stem_order(summaries: Mapping[str, DocSummary] | Iterable[DocSummary]) -> Iterator[DocSummary]:
    if isinstance(summaries, Mapping):
        for stem in sorted(summaries):  # a lazy mapping computes each summary once, here
            yield summaries[stem]
    else:
        yield from sorted(summaries, key=lambda d: d.stem)


def corpus_files_from_summaries(summaries: Mapping[str, DocSummary] | Iterable[DocSummary], *,
                                raw_sha256: dict[str, str], raw_paths: dict[str, str],
                                config_digest: str, pipeline_version: str,
                                options: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The corpus-level part: merge document summaries into the three files.

    ``summaries``: a mapping stem -> :class:`DocSummary` (read once each, in stem order, and
    not kept; it may be lazy) or any iterable of them (sorted by stem here). ``options`` must
    be those the summaries were made with.
    """
    opts = {**DEDUP_DEFAULTS, **(options or {})}
    records: dict[str, _Record] = {}  # insertion order = first occurrence
    index = NearDuplicateIndex(options=opts)  # signatures + word hashes only
    near_groups: dict[str, list[tuple[str, float]]] = {}  # representative id -> members
    scanned_twice: list[dict[str, Any]] = []
    manifest_docs: dict[str, Any] = {}
    total_sentences = 0

    for summary in _in_stem_order(summaries):
        stem = summary.stem
        for idx, seg in enumerate(summary.segments):
            sid = seg.sid
            rec = records.get(sid)
            alt = None
            if rec is None:
                rec = records[sid] = _Record(sid, seg.kind, seg.text, seg.sentences)
                if seg.hashes is not None:  # set for the first non-formulaic segment of an id
                    index.add_prepared(sid, seg.hashes, seg.signature, quoted=is_quotation(seg.text))
            elif seg.text.encode("utf-8") != rec.utf8:
                alt = seg.text
            rec.occurrences.append((stem, idx, seg.start, seg.end, seg.first_line, seg.last_line, alt))
        total_sentences += summary.counts["sentences"]
        scanned_twice.extend(summary.scanned_twice)
        manifest_docs[stem] = {"raw_path": raw_paths.get(stem, ""), "raw_sha256": raw_sha256.get(stem, ""),
                               **summary.counts}
        del summary

    for rep_id, members in index.groups():
        for mid, sim in members:
            records[mid].near = (rep_id, sim)
            near_groups.setdefault(rep_id, []).append((mid, sim))

    duplicates: list[dict[str, Any]] = []
    for sid, rec in records.items():
        if len(rec.occurrences) > 1 and not _is_formulaic(rec.kind, rec.text, opts["near_min_words"]):
            docs_in = {o[0] for o in rec.occurrences}
            duplicates.append({"type": "exact", "id": sid, "scope": "across" if len(docs_in) > 1 else "within",
                               "similarity": 1.0, "head": rec.text[:80], "occurrences": rec.places()})
    for rep_id, members in near_groups.items():
        rep = records[rep_id]
        places = {o[0] for o in rep.occurrences}
        member_rows = []
        for mid, sim in members:
            mrec = records[mid]
            places |= {o[0] for o in mrec.occurrences}
            member_rows.append({"id": mid, "similarity": sim, "head": mrec.text[:80],
                                "occurrences": mrec.places()})
        duplicates.append({"type": "near", "id": rep_id, "scope": "across" if len(places) > 1 else "within",
                           "head": rep.text[:80], "occurrences": rep.places(), "members": member_rows})
    duplicates.extend(scanned_twice)

    unique_segments = len(records)
    corpus_bytes = _jsonl(_drain(records))
    duplicates_bytes = _jsonl(duplicates)
    manifest = {
        "pipeline_version": pipeline_version,
        "config_digest": config_digest,
        "documents": manifest_docs,
        "corpus": {
            "documents": len(manifest_docs),
            "segments": sum(d["segments"] for d in manifest_docs.values()),
            "unique_segments": unique_segments,
            "sentences": total_sentences,
            "exact_duplicate_groups": sum(1 for d in duplicates if d["type"] == "exact"),
            "near_duplicate_groups": len(near_groups),
            "scanned_twice_removed": len(scanned_twice),
            "corpus_sha256": _sha256(corpus_bytes),
            "duplicates_sha256": _sha256(duplicates_bytes),
        },
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
    return {"corpus.jsonl": corpus_bytes, "manifest.json": manifest_bytes,
            "duplicates.jsonl": duplicates_bytes}


class _LazySummaries(Mapping):
    """stem -> document_summary of ``docs[stem]``, computed when read (each read once)."""

    def __init__(self, docs: Mapping[str, DocState], options: dict[str, Any]):
        self._docs, self._options = docs, options

    def __getitem__(self, stem: str) -> DocSummary:
        return document_summary(stem, self._docs[stem], options=self._options)

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)


def corpus_files(docs: Mapping[str, DocState], *, raw_sha256: dict[str, str],
                 raw_paths: dict[str, str], config_digest: str, pipeline_version: str,
                 options: dict[str, Any] | None = None) -> dict[str, bytes]:
    """``corpus.jsonl``, ``manifest.json`` and ``duplicates.jsonl`` for finished documents.

    ``docs`` may be a lazy mapping: each document is read once, in stem order, and
    not kept (only its unique segments' text and places are). ``options`` are the
    dedup stage's options (near-duplicate thresholds, LSH size); they default to
    :data:`cleaners.dedup.DEFAULTS`. The same as :func:`document_summary` on each
    document and :func:`corpus_files_from_summaries` on the results.
    """
    opts = {**DEDUP_DEFAULTS, **(options or {})}
    return corpus_files_from_summaries(_LazySummaries(docs, opts), raw_sha256=raw_sha256,
                                       raw_paths=raw_paths, config_digest=config_digest,
                                       pipeline_version=pipeline_version, options=opts)
