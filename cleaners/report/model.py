"""Read a cleaned corpus back from disk and line its changes up on the raw text.

Shared by the terminal diff (:mod:`cleaners.diff`) and the HTML report. The
edit log records every edit in the coordinates of the text its stage received;
to show the changes on the raw file we fold them, step by step, into
*regions*: maximal stretches where raw and clean differ. Between two regions
raw and clean are identical by construction, so a document is a sequence of
``unchanged text, region, unchanged text, region, ...`` in raw order.

The fold is linear in the number of edits per step (two sorted lists merged),
so the 1.4 MB book with tens of thousands of edits takes well under a second.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from cleaners.decode import decode_bytes
from cleaners.document import Edit, EditConflict, LineIndex, apply_edits

RAW_SUFFIXES = (".txt", ".md", ".text", "")


@dataclass
class Region:
    """One stretch where raw and clean differ, with the edits that made it."""

    raw_start: int
    raw_end: int
    clean_start: int
    clean_end: int
    edits: list[Edit] = field(default_factory=list)

    @property
    def stages(self) -> list[str]:
        """Stages of the region's edits, in the order they ran, without repeats."""
        seen: list[str] = []
        for e in self.edits:
            if e.stage not in seen:
                seen.append(e.stage)
        return seen

    @property
    def stage(self) -> str:
        """The stage that colours the region: the last one to touch it."""
        return self.edits[-1].stage

    def pieces(self, raw_text: str, clean_text: str) -> list[tuple[str, str, str]]:
        """``(before, after, kind)`` pieces of the region, word by word (see :func:`word_pieces`)."""
        return word_pieces(raw_text[self.raw_start:self.raw_end], clean_text[self.clean_start:self.clean_end])


TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
WORDISH = re.compile(r"\w")
REFINE_MIN = 16  # shorter regions are shown whole
REFINE_MAX = 20_000  # longer ones too: a token diff of them would be slow
REFINE_CELLS = 250_000  # and so are middles whose token alignment would cost more than this


def word_pieces(before: str, after: str) -> list[tuple[str, str, str]]:
    """Split one change into word-level pieces: ``("x", "x", "same")`` or ``(old, new, "change")``.

    A stage that rewrote a whole line to fix one character still shows as
    that one word changed.

    >>> word_pieces("He said tbat it was so.", "He said that it was so.")
    [('He said ', 'He said ', 'same'), ('tbat', 'that', 'change'), (' it was so.', ' it was so.', 'same')]
    >>> word_pieces("lhe", "the")
    [('lhe', 'the', 'change')]
    """
    if len(before) + len(after) < REFINE_MIN or not before or not after or len(before) + len(after) > REFINE_MAX:
        return [(before, after, "change")]
    a, b = TOKEN.findall(before), TOKEN.findall(after)
    # common words at both ends first: most coarse edits differ in one place
    i, n = 0, min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    j = 0
    while j < n - i and a[len(a) - 1 - j] == b[len(b) - 1 - j]:
        j += 1
    mid_a, mid_b = a[i:len(a) - j], b[i:len(b) - j]
    raw_ops: list[tuple[str, str, str]] = [("same", "".join(a[:i]), "".join(b[:i]))]
    if len(mid_a) == len(mid_b):
        # word for word (quotes, spaces, letters fixed in place): no alignment search needed
        for x, y in zip(mid_a, mid_b):
            raw_ops.append(("same" if x == y else "change", x, y))
    elif len(mid_a) > 1 and len(mid_b) > 1 and len(mid_a) * len(mid_b) <= REFINE_CELLS:
        sm = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            raw_ops.append(("same" if op == "equal" else "change", "".join(mid_a[i1:i2]), "".join(mid_b[j1:j2])))
    else:
        raw_ops.append(("change", "".join(mid_a), "".join(mid_b)))
    raw_ops.append(("same", "".join(a[len(a) - j:]), "".join(b[len(b) - j:])))
    raw_ops = [op for op in raw_ops if op[1] or op[2]]
    out: list[tuple[str, str, str]] = []
    for k, (kind, x, y) in enumerate(raw_ops):
        if kind == "same" and 0 < k < len(raw_ops) - 1 and not WORDISH.search(x):
            kind = "change"  # a lone space or comma between two changes is part of them
        if out and out[-1][2] == kind:
            out[-1] = (out[-1][0] + x, out[-1][1] + y, kind)
        else:
            out.append((x, y, kind))
    return out


@dataclass
class DocView:
    """Everything the diff and the report show about one cleaned document."""

    stem: str
    raw_text: str
    clean_text: str
    edits: list[Edit]
    flags: list[dict[str, Any]]
    meta: dict[str, Any]
    raw_path: Path | None
    problems: list[str] = field(default_factory=list)
    _regions: list[Region] | None = None
    _lines: LineIndex | None = None
    _region_starts: list[int] | None = None

    @property
    def regions(self) -> list[Region]:
        if self._regions is None:
            try:
                self._regions, rebuilt = build_regions(self.raw_text, self.edits)
            except EditConflict:
                rebuilt = None
            if rebuilt != self.clean_text:
                self.problems.append(
                    "raw text + edit log does not reproduce the clean text (raw file changed since "
                    "the run, or outputs of another run): showing the raw text rebuilt from the edit log")
                self.raw_text = _reconstruct_raw(self.clean_text, self.edits)
                self._lines = None
                self._regions, _ = build_regions(self.raw_text, self.edits)
        return self._regions

    @property
    def raw_lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.raw_text)
        return self._lines

    def stage_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.edits:
            counts[e.stage] = counts.get(e.stage, 0) + 1
        return counts

    def raw_to_clean(self, pos: int, side: str = "left") -> int:
        """Where raw offset ``pos`` is in the clean text (inside a change: its start, or end for ``right``)."""
        regions = self.regions
        if self._region_starts is None:
            self._region_starts = [r.raw_start for r in regions]
        k = bisect.bisect_right(self._region_starts, pos) - 1
        if k < 0:
            return pos
        r = regions[k]
        if pos < r.raw_end or (pos == r.raw_start == r.raw_end and side == "right"):
            # inside a change: exact in its unchanged words, else the changed piece's edge
            rp, cp = r.raw_start, r.clean_start
            for before, after, kind in r.pieces(self.raw_text, self.clean_text):
                if pos < rp + len(before) or (side == "left" and pos == rp and kind == "change"):
                    if kind == "same":
                        return cp + (pos - rp)
                    return cp if side == "left" or pos == rp else cp + len(after)
                rp += len(before)
                cp += len(after)
            return r.clean_start if side == "left" else r.clean_end
        return r.clean_end + (pos - r.raw_end)

    def flags_now(self) -> list[dict[str, Any]]:
        """The flags, each with ``now``: its stretch as the clean text has it (as the review stage sees it)."""
        out = []
        for f in self.flags:
            raw = f.get("raw", {})
            a, b = raw.get("start", -1), raw.get("end", -1)
            g = dict(f)
            # only a flag on raw text as it was can be followed into the clean text
            if 0 <= a < b <= len(self.raw_text) and self.raw_text[a:b] == f.get("text"):
                now = self.clean_text[self.raw_to_clean(a, "left"):self.raw_to_clean(b, "right")]
                if now != f.get("text", ""):
                    g["now"] = now
            out.append(g)
        return out

    def review_stats(self) -> dict[str, Any]:
        return (self.meta.get("stats") or {}).get("review") or {}


def build_regions(raw_text: str, edits: list[Edit]) -> tuple[list[Region], str]:
    """Fold the edit log into raw-ordered regions; also return the rebuilt clean text.

    Edits of one step that overlap or touch an earlier region (or each other)
    join it, so a hyphen join later repaired by the word engine is one region.

    >>> from cleaners.document import Edit
    >>> raw = "biog-\\nrapby and lhe end"
    >>> e1 = Edit.at(raw, 4, 6, "", stage="hyphens", reason="join"); e1.step = 0
    >>> t1 = "biograpby and lhe end"
    >>> e2 = Edit.at(t1, 0, 9, "biography", stage="words", reason="b/h"); e2.step = 1
    >>> e3 = Edit.at(t1, 14, 17, "the", stage="words", reason="l/t"); e3.step = 1
    >>> regions, clean = build_regions(raw, [e1, e2, e3])
    >>> clean
    'biography and the end'
    >>> [(raw[r.raw_start:r.raw_end], clean[r.clean_start:r.clean_end], r.stages) for r in regions]
    [('biog-\\nrapby', 'biography', ['hyphens', 'words']), ('lhe', 'the', ['words'])]
    """
    by_step: dict[int, list[Edit]] = {}
    for e in edits:
        by_step.setdefault(e.step, []).append(e)
    # regions as mutable lists: [cur_start, cur_end, raw_start, raw_end, edits]
    regions: list[list[Any]] = []
    text = raw_text
    for step in sorted(by_step):
        step_edits = sorted(by_step[step], key=lambda e: (e.start, e.end))
        regions = _fold_step(regions, step_edits)
        text = apply_edits(text, step_edits)
    out = [Region(rs, re_, cs, ce, eds) for cs, ce, rs, re_, eds in regions]
    return out, text


def _fold_step(regions: list[list[Any]], edits: list[Edit]) -> list[list[Any]]:
    """Merge one step's sorted edits into the sorted regions and move them to the step's output.

    One pass over both lists (each sorted by start). Items that overlap or touch
    form a group that becomes one region; a region that no edit of the step reaches
    (most of them, in most steps) is only moved, without building a group.
    """
    out: list[list[Any]] = []
    shift = 0  # (current - raw) offset of the unchanged text after the regions passed
    delta = 0  # length change of this step's edits passed so far
    i = j = 0
    n_regions, n_edits = len(regions), len(edits)
    while i < n_regions or j < n_edits:
        if j >= n_edits or (i < n_regions and regions[i][0] <= edits[j].start):
            r = regions[i]
            if j >= n_edits or edits[j].start > r[1]:  # alone: moved, not merged
                rs = r[0] - shift
                shift += (r[1] - r[0]) - (r[3] - r[2])
                out.append([r[0] + delta, r[1] + delta, rs, r[1] - shift, r[4]])
                i += 1
                continue
            cs = ce = r[0]
        else:
            cs = ce = edits[j].start
        shift_before, d = shift, 0
        group: list[list[Any]] = []
        eds: list[Edit] = []
        while True:  # take every region and edit that starts within the group (in start order)
            if i < n_regions and regions[i][0] <= ce and (j >= n_edits or regions[i][0] <= edits[j].start):
                r = regions[i]
                i += 1
                ce = max(ce, r[1])
                group.append(r)
            elif j < n_edits and edits[j].start <= ce:
                e = edits[j]
                j += 1
                ce = max(ce, e.end)
                d += len(e.after) - (e.end - e.start)
                eds.append(e)
            else:
                break
        for r in group:
            shift += (r[1] - r[0]) - (r[3] - r[2])
        merged = [e for r in group for e in r[4]]
        merged.extend(eds)
        out.append([cs + delta, ce + delta + d, cs - shift_before, ce - shift, merged])
        delta += d
    return out


# ---------------------------------------------------------------- loading


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    # one parse of the whole file is several times faster than one per line
    return json.loads("[" + ",".join(lines) + "]")


def read_manifest(clean_dir: Path) -> dict[str, Any]:
    path = clean_dir / "manifest.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def resolve_raw_dir(clean_dir: str | Path, raw_dir: str | Path | None = None) -> Path:
    """The raw folder: as given, else the one the run recorded in manifest.json, else ``raw``."""
    if raw_dir:
        return Path(raw_dir)
    clean_dir = Path(clean_dir)
    recorded = read_manifest(clean_dir).get("raw_dir")
    if recorded:
        p = Path(recorded)
        if p.is_dir() or p.is_absolute():
            return p
        beside = clean_dir.parent / p  # recorded relative to the project root
        return beside if beside.is_dir() else p
    return Path("raw")


def document_stems(clean_dir: str | Path) -> list[str]:
    """Stems of the cleaned documents (every ``<stem>.txt`` with an edit log or meta)."""
    clean_dir = Path(clean_dir)
    stems = []
    for p in sorted(clean_dir.glob("*.txt")):
        if (clean_dir / "edits" / f"{p.stem}.jsonl").exists() or (clean_dir / "meta" / f"{p.stem}.json").exists():
            stems.append(p.stem)
    return stems


def pick_stem(stems: list[str], wanted: str) -> str:
    """``wanted`` as a stem, a file name or a unique prefix (``000`` for ``000_e92d...``)."""
    wanted = Path(wanted).name
    if wanted.endswith(".txt"):
        wanted = wanted[:-4]
    if wanted in stems:
        return wanted
    hits = [s for s in stems if s.startswith(wanted)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise KeyError(f"no cleaned document {wanted!r}; documents are: {', '.join(stems) or '(none)'}")
    raise KeyError(f"{wanted!r} is ambiguous: {', '.join(hits)}")


def manifest_raw_paths(clean_dir: Path) -> dict[str, str]:
    """stem -> raw path relative to the raw folder, as the run recorded it in manifest.json."""
    docs = read_manifest(clean_dir).get("documents") or {}
    rows = docs.items() if isinstance(docs, dict) else ((d.get("doc_id", ""), d) for d in docs if isinstance(d, dict))
    return {stem: row["raw_path"] for stem, row in rows
            if stem and isinstance(row, dict) and isinstance(row.get("raw_path"), str) and row["raw_path"]}


def find_raw_file(raw_dir: Path, stem: str, recorded: str | None = None) -> Path | None:
    """The raw file of ``stem``: the path the run recorded, else ``<stem>.txt`` (or another suffix)."""
    if recorded:
        p = raw_dir / recorded
        if p.is_file():
            return p
    for suffix in RAW_SUFFIXES:
        p = raw_dir / f"{stem}{suffix}"
        if p.is_file():
            return p
    hits = sorted(p for p in raw_dir.glob(f"{stem}.*") if p.is_file()) if raw_dir.is_dir() else []
    return hits[0] if hits else None


def load_doc(clean_dir: str | Path, raw_dir: str | Path, stem: str,
             recorded: dict[str, str] | None = None) -> DocView:
    """Load one document's clean text, edit log, flags and meta, and its raw text."""
    clean_dir, raw_dir = Path(clean_dir), Path(raw_dir)
    if recorded is None:
        recorded = manifest_raw_paths(clean_dir)
    clean_text = (clean_dir / f"{stem}.txt").read_text(encoding="utf-8")
    edits = [Edit.from_json(d) for d in read_jsonl(clean_dir / "edits" / f"{stem}.jsonl")]
    flags = read_jsonl(clean_dir / "flags" / f"{stem}.jsonl")
    meta_path = clean_dir / "meta" / f"{stem}.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    raw_path = find_raw_file(raw_dir, stem, recorded.get(stem))
    problems = []
    if raw_path is None:
        problems.append(f"raw file for {stem} not found in {raw_dir}; showing the edit log only")
        raw_text = _reconstruct_raw(clean_text, edits)
    else:
        raw_text = decode_bytes(raw_path.read_bytes()).text
    return DocView(stem=stem, raw_text=raw_text, clean_text=clean_text, edits=edits,
                   flags=flags, meta=meta, raw_path=raw_path, problems=problems)


def _reconstruct_raw(clean_text: str, edits: list[Edit]) -> str:
    """Undo the edit log (last step first) when the raw file is missing."""
    by_step: dict[int, list[Edit]] = {}
    for e in edits:
        by_step.setdefault(e.step, []).append(e)
    text = clean_text
    for step in sorted(by_step, reverse=True):
        parts, pos, cum = [], 0, 0
        for e in sorted(by_step[step], key=lambda e: (e.start, e.end)):
            a = e.start + cum  # where the edit's output starts in the later text
            parts.append(text[pos:a])
            parts.append(e.before)
            pos = a + len(e.after)
            cum += len(e.after) - (e.end - e.start)
        parts.append(text[pos:])
        text = "".join(parts)
    return text


def iter_docs(clean_dir: str | Path, raw_dir: str | Path | None = None,
              stems: list[str] | None = None) -> Iterator[DocView]:
    clean_dir = Path(clean_dir)
    raw = resolve_raw_dir(clean_dir, raw_dir)
    recorded = manifest_raw_paths(clean_dir)
    for stem in stems if stems is not None else document_stems(clean_dir):
        yield load_doc(clean_dir, raw, stem, recorded)


def stage_order(extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The pipeline's stage names in order, then any unknown stage seen in a log."""
    from cleaners.pipeline import STAGE_NAMES

    names = list(STAGE_NAMES)
    for s in extra:
        if s not in names:
            names.append(s)
    return names


def stage_docs() -> dict[str, str]:
    from cleaners.pipeline import STAGES

    return {s.name: s.doc for s in STAGES}
