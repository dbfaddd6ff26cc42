"""The ordered stages and the Config that switches and tunes them.

A document goes through two phases:

* ``layout``: per document, no outside evidence (decoding, Unicode, page
  furniture, hyphens, paragraphs, note markers, whitespace);
* ``words``: needs the corpus-level resources built from *all* documents'
  layout output (the corpus lexicon), then per document again (word repair,
  reviewer decisions, scanned-twice removal).

Every stage is ``run(text, ctx) -> StageResult`` with the edits it wants; the
pipeline applies them (see :mod:`cleaners.document`).
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from cleaners import __version__
from cleaners.decode import RefusedInput, decode_bytes
from cleaners.document import DocState, LineIndex, StageResult, Span

StageFn = Callable[[str, "StageContext"], StageResult]


@dataclass(frozen=True)
class StageSpec:
    name: str
    target: str  # "module:function"
    phase: str  # "layout" or "words"
    doc: str

    def load(self) -> StageFn:
        mod, fn = self.target.split(":")
        return getattr(importlib.import_module(mod), fn)

    def defaults(self) -> dict[str, Any]:
        mod = importlib.import_module(self.target.split(":")[0])
        return copy.deepcopy(getattr(mod, "DEFAULTS", {}))


STAGES: list[StageSpec] = [
    StageSpec("unicode", "cleaners.unicode:run", "layout",
              "line ends, mojibake (ftfy), wrong-code-page Cyrillic, NBSP, control and zero-width characters"),
    StageSpec("boilerplate", "cleaners.boilerplate:run", "layout",
              "web page remnants: share buttons, 'Last updated', repeated nav words, stray 'Loading'"),
    StageSpec("furniture", "cleaners.furniture:run", "layout",
              "running headers, page numbers and page breaks, learned per document"),
    StageSpec("hyphens", "cleaners.hyphens:run", "layout",
              "line-end hyphens: join soft breaks, keep compounds, ranges and dashes"),
    StageSpec("reflow", "cleaners.reflow:run", "layout",
              "one paragraph per line, headings and verse kept"),
    StageSpec("notes", "cleaners.notes:run", "layout",
              "footnote reference markers removed from running text"),
    StageSpec("whitespace", "cleaners.whitespace:run", "layout",
              "doubled and trailing spaces, stray marginal glyphs, blank-line normal form"),
    StageSpec("words", "cleaners.words.repair:run", "words",
              "OCR word repair with a confusion model and context"),
    StageSpec("review", "cleaners.review:run", "words",
              "reviewer decisions from review/decisions.tsv"),
    StageSpec("dedup", "cleaners.dedup:run", "words",
              "a block scanned twice: keep the complete copy"),
]

STAGE_NAMES = [s.name for s in STAGES]


def _source_digest() -> str:
    """Hash of the cleaners' source, so a code change invalidates cached results."""
    h = hashlib.sha256()
    root = Path(__file__).parent
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    for p in sorted(root.rglob("resources/*")):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


PIPELINE_VERSION = f"{__version__}+{_source_digest()}"


@dataclass
class Config:
    """Which stages run and with which options.

    ``options[stage]`` starts from the stage module's ``DEFAULTS`` and is
    overridden by a ``scanclean.toml`` (``[stages.<name>]`` tables, with an
    ``enabled`` key) or by keyword arguments.
    """

    enabled: dict[str, bool] = field(default_factory=lambda: {n: True for n in STAGE_NAMES})
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    review_file: str | None = None  # path of the reviewer decisions file

    def __post_init__(self) -> None:
        for spec in STAGES:
            merged = spec.defaults()
            merged.update(self.options.get(spec.name, {}))
            self.options[spec.name] = merged
            self.enabled.setdefault(spec.name, True)

    @classmethod
    def from_toml(cls, path: str | Path) -> "Config":
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        enabled, options = {}, {}
        for name, table in data.get("stages", {}).items():
            if name not in STAGE_NAMES:
                raise ValueError(f"unknown stage {name!r} in {path}; stages are {STAGE_NAMES}")
            table = dict(table)
            if "enabled" in table:
                enabled[name] = bool(table.pop("enabled"))
            options[name] = table
        cfg = cls(options=options, review_file=data.get("review_file"))
        cfg.enabled.update(enabled)
        return cfg

    def to_json(self) -> dict[str, Any]:
        return {"enabled": dict(sorted(self.enabled.items())),
                "options": {k: self.options[k] for k in sorted(self.options)},
                "review_file": self.review_file}

    def digest(self, phase: str | None = None) -> str:
        """Hash of the config (of one phase's stages only, if given) and the pipeline version."""
        names = [s.name for s in STAGES if phase is None or s.phase == phase]
        payload = {"version": PIPELINE_VERSION,
                   "enabled": {n: self.enabled[n] for n in names},
                   "options": {n: self.options[n] for n in names}}
        if phase in (None, "words"):
            payload["review_file"] = self.review_file
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass
class StageContext:
    """What a stage may read besides its text."""

    doc_id: str
    options: dict[str, Any]
    meta: dict[str, Any]  # document facts from decoding and earlier stages
    spans: list[Span]  # labelled stretches of the current text
    resources: dict[str, Any]  # corpus-level resources (e.g. "lexicon")
    config: Config
    raw_text: str = ""  # the decoded raw document
    raw_map: Any = None  # raw offset of each character of the text (DocState.raw_map), read-only

    @classmethod
    def for_stage(cls, stage: Any, *, spans: Iterable[Span] = (), options: dict[str, Any] | None = None,
                  doc_id: str = "doc") -> "StageContext":
        """A context to run one stage module on its own (tests, notebooks): its ``DEFAULTS``
        updated by ``options``, the given spans, no document facts and no corpus resources."""
        return cls(doc_id=doc_id, options={**stage.DEFAULTS, **(options or {})}, meta={},
                   spans=list(spans), resources={}, config=Config())


def run_stages(state: DocState, phase: str, config: Config,
               resources: dict[str, Any] | None = None, *,
               timings: dict[str, float] | None = None) -> DocState:
    """Run the enabled stages of one phase over ``state`` (in place) and return it.

    ``timings``, if given, accumulates seconds per stage (for ``make bench``;
    kept out of the state so outputs stay byte-identical across runs).
    """
    lines = LineIndex(state.raw_text)
    for spec in STAGES:
        if spec.phase != phase or not config.enabled.get(spec.name, True):
            continue
        ctx = StageContext(doc_id=state.doc_id, options=config.options[spec.name],
                           meta=state.meta, spans=list(state.spans),
                           resources=resources or {}, config=config,
                           raw_text=state.raw_text, raw_map=state.raw_map)
        t0 = time.perf_counter()
        result = spec.load()(state.text, ctx)
        state.apply(spec.name, result, lines)
        if timings is not None:
            timings[spec.name] = timings.get(spec.name, 0.0) + time.perf_counter() - t0
    return state


def clean_layout(doc_id: str, data: bytes, config: Config | None = None, *,
                 timings: dict[str, float] | None = None) -> DocState:
    """Decode ``data`` and run the layout phase."""
    config = config or Config()
    t0 = time.perf_counter()
    decoded = decode_bytes(data)
    if timings is not None:
        timings["decode"] = timings.get("decode", 0.0) + time.perf_counter() - t0
    state = DocState.from_raw(doc_id, decoded.text, meta={"decode": decoded.to_json()})
    return run_stages(state, "layout", config, timings=timings)


def build_resources(layout_texts: Iterable[tuple[str, str]], config: Config | None = None) -> dict[str, Any]:
    """Corpus-level resources from every document's layout output ``(doc_id, text)``."""
    from cleaners.words.lexicon import build_corpus_lexicon

    config = config or Config()
    lexicon = build_corpus_lexicon(layout_texts, options=config.options["words"])
    if config.enabled.get("words", True):
        from cleaners.words.repair import warm_up

        # the word model's per-corpus tables (indexes of the trusted forms, twin table),
        # built here once for the corpus rather than inside the first document's repair;
        # they live in this process's model cache (a worker process builds its own)
        warm_up(lexicon, config.options["words"])
    return {"lexicon": lexicon}


def clean_words(state: DocState, config: Config | None = None,
                resources: dict[str, Any] | None = None, *,
                timings: dict[str, float] | None = None) -> DocState:
    """Run the words phase (word repair, reviewer decisions, scanned-twice removal)."""
    return run_stages(state, "words", config or Config(), resources, timings=timings)


def clean_corpus_texts(docs: dict[str, bytes], config: Config | None = None) -> dict[str, DocState]:
    """The whole cleaning of a small corpus in one process, without Prefect.

    Refused documents (empty, binary) are left out of the result.
    """
    config = config or Config()
    states = {}
    for d, data in sorted(docs.items()):
        try:
            states[d] = clean_layout(d, data, config)
        except RefusedInput:  # empty or binary: the flow reports these; nothing to clean
            continue
    resources = build_resources(((d, s.text) for d, s in states.items()), config)
    return {d: clean_words(s, config, resources) for d, s in states.items()}


def clean_text(text: str, config: Config | None = None, doc_id: str = "text") -> str:
    """Clean one string on its own (the corpus is just this text)."""
    return clean_corpus_texts({doc_id: text.encode("utf-8")}, config)[doc_id].text
