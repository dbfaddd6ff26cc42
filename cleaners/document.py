"""The few types every stage shares: Edit, Flag, Span, StageResult, DocState.

Provenance model
----------------
A stage never returns new text. It returns *edits* on the text it was given
(non-overlapping ``[start, end)`` spans with their replacement, reason and
evidence) and the pipeline applies them. So the edit log is, by construction,
the exact recipe from raw to clean: replaying every stage's edits, in stage
order, on the decoded raw text reproduces the clean text (``replay``).

Each edit also carries its span in *raw* coordinates (offsets, line and
column of the decoded raw file) so a reviewer can find it. The pipeline keeps
a map from every character of the current text back to a raw offset
(``DocState.raw_map``) and updates it as edits are applied.
"""

from __future__ import annotations

import bisect
from array import array
from operator import attrgetter
from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass
class Edit:
    """One change: replace ``text[start:end]`` (== ``before``) with ``after``.

    ``start``/``end`` are offsets in the text the stage received. ``step`` and
    the ``raw_*`` fields are filled in by the pipeline when the edit is applied.
    """

    stage: str
    start: int
    end: int
    before: str
    after: str
    reason: str
    confidence: float = 1.0
    evidence: dict[str, Any] = field(default_factory=dict)
    step: int = -1
    raw_start: int = -1
    raw_end: int = -1
    raw_line: int = -1  # 1-based
    raw_col: int = -1  # 0-based
    raw_end_line: int = -1

    @classmethod
    def at(cls, text: str, start: int, end: int, after: str, *, stage: str, reason: str,
           confidence: float = 1.0, evidence: dict[str, Any] | None = None) -> "Edit":
        """Build an edit whose ``before`` is read from ``text`` (so it cannot disagree)."""
        return cls(stage=stage, start=start, end=end, before=text[start:end], after=after,
                   reason=reason, confidence=confidence, evidence=evidence or {})

    @property
    def kind(self) -> str:
        if not self.after:
            return "delete"
        if self.start == self.end:
            return "insert"
        return "replace"

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "stage": self.stage,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "confidence": round(self.confidence, 4),
            "evidence": self.evidence,
            "raw": {"start": self.raw_start, "end": self.raw_end, "line": self.raw_line,
                    "col": self.raw_col, "end_line": self.raw_end_line},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Edit":
        raw = d.get("raw", {})
        return cls(stage=d["stage"], start=d["start"], end=d["end"], before=d["before"],
                   after=d["after"], reason=d["reason"], confidence=d.get("confidence", 1.0),
                   evidence=d.get("evidence", {}), step=d.get("step", -1),
                   raw_start=raw.get("start", -1), raw_end=raw.get("end", -1),
                   raw_line=raw.get("line", -1), raw_col=raw.get("col", -1),
                   raw_end_line=raw.get("end_line", -1))


@dataclass
class Flag:
    """Something a stage was not sure of and left alone, for a reviewer.

    ``start``/``end`` are offsets in the stage's input text; ``candidates`` are
    the readings it considered, best first, as dicts (at least ``text``).
    """

    stage: str
    start: int
    end: int
    text: str
    reason: str
    candidates: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    step: int = -1
    raw_start: int = -1
    raw_end: int = -1
    raw_line: int = -1
    raw_col: int = -1

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step, "stage": self.stage, "start": self.start, "end": self.end,
            "text": self.text, "reason": self.reason, "candidates": self.candidates,
            "confidence": round(self.confidence, 4),
            "raw": {"start": self.raw_start, "end": self.raw_end, "line": self.raw_line,
                    "col": self.raw_col},
        }


@dataclass
class Span:
    """A labelled stretch of text (``heading``, ``verse``, ``note``, ...).

    Stages return spans in their *output* coordinates; the pipeline carries them
    forward through later stages' edits, so at the end they point into the clean text.
    """

    kind: str
    start: int
    end: int
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "label": self.label}


@dataclass
class StageResult:
    edits: list[Edit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)  # in output coordinates
    meta: dict[str, Any] = field(default_factory=dict)  # document facts for later stages
    stats: dict[str, Any] = field(default_factory=dict)


class EditConflict(ValueError):
    pass


def check_edits(text: str, edits: Iterable[Edit]) -> list[Edit]:
    """Sort edits and verify they are well-formed and do not overlap."""
    out = sorted(edits, key=attrgetter("start", "end"))  # == key=lambda e: (e.start, e.end), in C
    prev_end = -1
    prev_start = -1
    for e in out:
        if not (0 <= e.start <= e.end <= len(text)):
            raise EditConflict(f"{e.stage}: span {e.start}-{e.end} outside text of {len(text)}")
        if text[e.start:e.end] != e.before:
            raise EditConflict(f"{e.stage}: before {e.before!r} != text {text[e.start:e.end]!r}")
        if e.start < prev_end or (e.start == e.end == prev_start == prev_end):
            raise EditConflict(f"{e.stage}: overlapping edits at {e.start}")
        prev_start, prev_end = e.start, e.end
    return out


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits to ``text``.

    >>> t = "lhe cat"
    >>> apply_edits(t, [Edit.at(t, 0, 3, "the", stage="x", reason="y")])
    'the cat'
    """
    return _join_checked(text, check_edits(text, edits))


def _join_checked(text: str, edits: list[Edit]) -> str:
    """``apply_edits`` for edits that already passed ``check_edits`` (sorted, no overlaps)."""
    parts: list[str] = []
    append = parts.append
    pos = 0
    for e in edits:
        append(text[pos:e.start])
        append(e.after)
        pos = e.end
    append(text[pos:])
    return "".join(parts)


class OffsetMapper:
    """Carries offsets of a stage's input text to its output, given its sorted edits.

    A position inside a replaced span goes to the start of the replacement for a
    span's start (``side="left"``) and to its end for a span's end (``"right"``).
    Text inserted exactly at a span boundary stays outside the span.
    """

    def __init__(self, edits: list[Edit]):
        self.edits = edits
        self.starts = [e.start for e in edits]
        self.cum = [0]
        for e in edits:
            self.cum.append(self.cum[-1] + len(e.after) - (e.end - e.start))

    def __call__(self, pos: int, side: str = "left") -> int:
        edits, cum = self.edits, self.cum
        k = bisect.bisect_left(self.starts, pos)  # edits starting before pos
        if k and edits[k - 1].end > pos:
            e = edits[k - 1]
            base = e.start + cum[k - 1]
            return base if side == "left" else base + len(e.after)
        delta = cum[k]
        if side == "left" and k < len(edits) and edits[k].start == edits[k].end == pos:
            delta = cum[k + 1]
        return pos + delta


def map_spans(spans: list[Span], edits: list[Edit]) -> list[Span]:
    """Carry spans through a stage's sorted edits, dropping spans that vanish.

    >>> t = "ab cd"
    >>> map_spans([Span("x", 3, 5)], [Edit.at(t, 0, 3, "", stage="s", reason="r")])
    [Span(kind='x', start=0, end=2, label='')]
    """
    if not edits:
        return spans
    fwd = OffsetMapper(edits)
    out = []
    for s in spans:
        a, b = fwd(s.start, "left"), fwd(s.end, "right")
        if b > a:
            out.append(Span(s.kind, a, b, s.label))
    return out


class LineIndex:
    """Offset -> (1-based line, 0-based column) for one text."""

    def __init__(self, text: str):
        self.starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            self.starts.append(i + 1)
            i = find("\n", i + 1)

    def line_col(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i + 1, pos - self.starts[i]


@dataclass
class DocState:
    """A document on its way through the stages."""

    doc_id: str
    raw_text: str
    text: str
    raw_map: array  # raw offset of each char of ``text`` plus one for the end
    edits: list[Edit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    step: int = 0

    @classmethod
    def from_raw(cls, doc_id: str, raw_text: str, meta: dict[str, Any] | None = None) -> "DocState":
        return cls(doc_id=doc_id, raw_text=raw_text, text=raw_text,
                   raw_map=array("i", range(len(raw_text) + 1)), meta=dict(meta or {}))

    def apply(self, stage: str, result: StageResult, lines: LineIndex | None = None) -> None:
        """Apply one stage's result: edits, flags, spans, meta, stats."""
        edits = check_edits(self.text, result.edits)
        lines = lines or LineIndex(self.raw_text)
        rm = self.raw_map
        for e in edits:
            e.step = self.step
            e.raw_start, e.raw_end = rm[e.start], rm[e.end]
            e.raw_line, e.raw_col = lines.line_col(e.raw_start)
            e.raw_end_line = lines.line_col(max(e.raw_start, e.raw_end - 1))[0] if e.raw_end > e.raw_start else e.raw_line
        for f in result.flags:
            f.step = self.step
            f.raw_start, f.raw_end = rm[f.start], rm[min(f.end, len(self.text))]
            f.raw_line, f.raw_col = lines.line_col(f.raw_start)
        if edits:
            new_map = array("i")
            pos = 0
            for e in edits:
                n = len(e.after)
                if n == e.end - e.start:
                    continue  # same length: the map is unchanged there, copied with what follows
                new_map.extend(rm[pos:e.start])
                if n:
                    new_map.extend([rm[e.start]] * n)
                pos = e.end
            new_map.extend(rm[pos:])
            self.spans = map_spans(self.spans, edits)
            self.text = _join_checked(self.text, edits)  # checked above: no second sort and check
            self.raw_map = new_map
        self.spans.extend(result.spans)
        self.spans.sort(key=lambda s: (s.start, s.end, s.kind))
        self.edits.extend(edits)
        self.flags.extend(result.flags)
        self.meta.update(result.meta)
        stats = dict(result.stats)
        stats.setdefault("edits", len(edits))
        stats.setdefault("flags", len(result.flags))
        self.stats[stage] = stats
        self.step += 1


def replay(raw_text: str, edits: Iterable[Edit]) -> str:
    """Rebuild the clean text from the raw text and the edit log (stage by stage)."""
    by_step: dict[int, list[Edit]] = {}
    for e in edits:
        by_step.setdefault(e.step, []).append(e)
    text = raw_text
    for step in sorted(by_step):
        text = apply_edits(text, by_step[step])
    return text
