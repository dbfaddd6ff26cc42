"""HTML pages: the corpus index and one page per document.

Everything from the texts is escaped (``html.escape`` in markup, ``\\u003c``
style escapes in the embedded JSON), so a raw file holding ``<script>`` shows
as text. Pages are self-contained: inline CSS and JS, no network.

A document page shows the raw text with every change inline (deleted raw text
struck through, clean text underlined, coloured by stage), raw line numbers in
the gutter, unchanged stretches folded into ``<details>`` and the rest in
chunks the browser lays out only when scrolled to (``content-visibility``), so
the 1.4 MB book stays usable.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from html import escape
from typing import Any

from cleaners import review
from cleaners.report.assets import CSS, DOC_JS, css_name, stage_css
from cleaners.report.model import DocView, stage_docs, stage_order

CONTEXT_LINES = 2  # unchanged raw lines kept open around a change
MIN_GAP_LINES = 4  # a shorter unchanged stretch is not worth folding
CHUNK_LINES = 150  # raw lines per lazily laid-out chunk
JSON_TEXT_LIMIT = 400  # before/after kept in the page's data (the full text is in the markup)
NEWLINE_GLYPH = "\u23ce"


def esc(text: Any) -> str:
    return escape(str(text), quote=True)


def script_json(obj: Any) -> str:
    """JSON safe to embed in ``<script type="application/json">``."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page(title: str, body: str, stages: list[str], body_class: str = "") -> str:
    cls = f' class="{body_class}"' if body_class else ""
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{esc(title)}</title><style>{CSS}{stage_css(stages)}</style></head>'
            f'<body{cls}>\n{body}\n</body></html>\n')


def doc_page_name(stem: str) -> str:
    return f"{stem}.html"


# ---------------------------------------------------------------- document text


class _Emitter:
    """Writes the raw text with changes, flags, line numbers, folds and chunks."""

    def __init__(self, doc: DocView, hot: bytearray):
        self.out: list[str] = []
        self.line = 1
        self.hot = hot  # hot[n] for raw line n: shown (1) or foldable (0)
        self.in_gap = False
        self.chunk_lines = 0
        self.n_lines = len(hot) - 2
        self.out.append('<div class="chunk">')
        self._line_start()

    def _line_start(self) -> None:
        """Called at the start of each raw line that begins in unchanged text."""
        n = self.line
        if not self.hot[n] and not self.in_gap:
            end = n
            while end + 1 <= self.n_lines and not self.hot[end + 1]:
                end += 1
            self.out.append(f'</div><details class="gap"><summary>raw lines {n}\u2013{end} unchanged '
                            f'({end - n + 1} lines)</summary><div class="chunk">')
            self.in_gap = True
            self.chunk_lines = 0
        elif self.hot[n] and self.in_gap:
            self.out.append('</div></details><div class="chunk">')
            self.in_gap = False
            self.chunk_lines = 0
        elif self.chunk_lines >= CHUNK_LINES:
            self.out.append('</div><div class="chunk">')
            self.chunk_lines = 0
        self.out.append(f'<i data-n="{n}"></i>')
        self.chunk_lines += 1

    def unchanged(self, text: str) -> None:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                self.out.append("\n")
                self.line += 1
                self._line_start()
            if part:
                self.out.append(esc(part))

    def marked(self, text: str, *, glyph: bool = True, trailing: bool = True) -> str:
        """Escaped text inside a change or flag: raw newlines keep their line numbers.

        With ``trailing=False`` a final newline gets no line number here: the
        caller puts it after the change (see :meth:`after_change`).
        """
        parts = text.split("\n")
        pieces = [esc(parts[0])]
        mark = f'<b class="nlg">{NEWLINE_GLYPH}</b>' if glyph else ""
        last = len(parts) - 1
        for i, part in enumerate(parts[1:], 1):
            self.line += 1
            self.chunk_lines += 1
            number = "" if (i == last and not trailing) else f'<i data-n="{self.line}"></i>'
            pieces.append(f'{mark}\n{number}{esc(part)}')
        return "".join(pieces)

    def after_change(self, *, clean_breaks: bool) -> None:
        """A change ended a raw line: maybe start a new chunk here, then number the next line.

        Chunks end where the clean text breaks too, so the clean view is not cut
        mid-paragraph (unless a chunk grows far too long without such a place).
        """
        if not self.in_gap and self.chunk_lines >= CHUNK_LINES and (
                clean_breaks or self.chunk_lines >= 4 * CHUNK_LINES):
            self.out.append('</div><div class="chunk">')
            self.chunk_lines = 0
        cls = "" if clean_breaks else ' class="dl"'  # no line starts here in the clean text
        self.out.append(f'<i{cls} data-n="{self.line}"></i>')

    def finish(self) -> str:
        self.out.append("</div></details>" if self.in_gap else "</div>")
        return "".join(self.out)


def _inserted(text: str) -> str:
    """Clean text of a change: an inserted newline is a glyph in the diff view, a break in the clean view."""
    return f'<b class="nlg">{NEWLINE_GLYPH}</b><span class="nlb">\n</span>'.join(esc(p) for p in text.split("\n"))


def _hot_lines(doc: DocView, flag_lines: list[tuple[int, int]]) -> bytearray:
    li = doc.raw_lines
    n = len(li.starts)
    diff = [0] * (n + 3)
    spans = []
    for r in doc.regions:
        a = li.line_col(r.raw_start)[0]
        b = li.line_col(max(r.raw_start, r.raw_end - 1))[0]
        spans.append((a, b))
    spans.extend(flag_lines)
    for a, b in spans:
        lo, hi = max(1, a - CONTEXT_LINES), min(n, b + CONTEXT_LINES)
        diff[lo] += 1
        diff[hi + 1] -= 1
    hot = bytearray(n + 2)
    run = 0
    for i in range(1, n + 1):
        run += diff[i]
        hot[i] = 1 if run > 0 else 0
    # short unchanged stretches are not folded
    i = 1
    while i <= n:
        if hot[i]:
            i += 1
            continue
        j = i
        while j <= n and not hot[j]:
            j += 1
        if j - i < MIN_GAP_LINES:
            for k in range(i, j):
                hot[k] = 1
        i = j
    hot[n + 1] = 1
    return hot


def _inline_flags(doc: DocView) -> list[tuple[int, int, int]]:
    """(raw_start, raw_end, flag index) of flags that lie in unchanged raw text, sorted."""
    raw_len = len(doc.raw_text)
    cands = []
    for i, f in enumerate(doc.flags):
        raw = f.get("raw", {})
        a, b = raw.get("start", -1), raw.get("end", -1)
        if 0 <= a < b <= raw_len:
            cands.append((a, b, i))
    cands.sort()
    # drop flags overlapping a change or an earlier flag
    starts = [r.raw_start for r in doc.regions]
    out, last_end = [], -1
    for a, b, i in cands:
        j = bisect.bisect_left(starts, b) - 1  # the last change starting before the flag ends
        if j >= 0 and doc.regions[j].raw_end > a:
            continue
        if a < last_end:
            continue
        out.append((a, b, i))
        last_end = b
    return out


def render_text(doc: DocView) -> str:
    """The document's raw text with changes and flags marked up."""
    raw, clean = doc.raw_text, doc.clean_text
    inline_flags = _inline_flags(doc)
    li = doc.raw_lines
    flag_lines = [(li.line_col(a)[0], li.line_col(b - 1)[0]) for a, b, _ in inline_flags]
    em = _Emitter(doc, _hot_lines(doc, flag_lines))
    out = em.out
    pos = 0
    fi = 0

    def unchanged_upto(end: int) -> None:
        nonlocal pos, fi
        while fi < len(inline_flags) and inline_flags[fi][1] <= end:
            a, b, i = inline_flags[fi]
            fi += 1
            if a < pos:
                continue
            em.unchanged(raw[pos:a])
            out.append(f'<mark class="fl" id="f{i}">{em.marked(raw[a:b], glyph=False)}</mark>')
            pos = b
        if end > pos:
            em.unchanged(raw[pos:end])
            pos = end

    for n, r in enumerate(doc.regions):
        unchanged_upto(r.raw_start)
        out.append(f'<span class="c s-{css_name(r.stage)}" id="c{n}">')
        pieces = r.pieces(raw, clean)
        ends_line = r.raw_end > r.raw_start and raw[r.raw_end - 1] == "\n"
        for k, (before, after, kind) in enumerate(pieces):
            trailing = not (ends_line and k == len(pieces) - 1)
            if kind == "same":
                out.append(em.marked(before, glyph=False, trailing=trailing))
                continue
            ins = f"<ins>{_inserted(after)}</ins>" if after else ""
            if before.endswith("\n"):
                # the clean text first, so the raw line break ends the display line
                out.append(ins + f"<del>{em.marked(before, trailing=trailing)}</del>")
            else:
                out.append((f"<del>{em.marked(before, trailing=trailing)}</del>" if before else "") + ins)
        out.append("</span>")
        if ends_line:
            em.after_change(clean_breaks=clean[r.clean_end - 1:r.clean_end] == "\n")
        pos = r.raw_end
    unchanged_upto(len(raw))
    return em.finish()


def _changes_data(doc: DocView) -> dict[str, Any]:
    """The per-change details the page's script shows, with stages, reasons and evidence interned."""
    stages: list[str] = []
    reasons: list[str] = []
    evidence: list[Any] = []
    s_idx: dict[str, int] = {}
    r_idx: dict[str, int] = {}
    v_idx: dict[str, int] = {}

    def intern(table, index, key, value):
        k = index.get(key)
        if k is None:
            k = index[key] = len(table)
            table.append(value)
        return k

    changes = []
    li = doc.raw_lines
    for r in doc.regions:
        rows = []
        for e in r.edits:
            ev_key = json.dumps(e.evidence, sort_keys=True, ensure_ascii=False, default=str)
            rows.append([intern(stages, s_idx, e.stage, e.stage), intern(reasons, r_idx, e.reason, e.reason),
                         round(e.confidence, 3), e.before[:JSON_TEXT_LIMIT], e.after[:JSON_TEXT_LIMIT],
                         e.raw_line, e.raw_col, intern(evidence, v_idx, ev_key, e.evidence)])
        changes.append({"l": li.line_col(r.raw_start)[0], "e": rows})
    all_stages = [s for s in stage_order(stages) if s in stages]
    return {"stages": stages, "all": all_stages, "reasons": reasons, "evidence": evidence, "changes": changes}


def _flags_data(doc: DocView, decisions) -> list[dict[str, Any]]:
    out = []
    for f in doc.flags_now():
        raw = f.get("raw", {})
        answer = review.answering_decision(doc.stem, f, decisions)
        out.append({
            "stage": f.get("stage", ""), "text": f.get("text", ""), "reason": f.get("reason", ""),
            "now": f.get("now"),
            "candidates": [review.escape(c) for c in review.candidate_texts(f)],
            "line": raw.get("line", -1), "col": raw.get("col", -1),
            "tsv": review.flag_row(doc.stem, f),
            "decision": (f"{answer.action} {answer.value}".strip() + f" ({answer.path}:{answer.line})") if answer else "",
        })
    return out


def _flags_table(stem: str, flags: list[dict[str, Any]], link_prefix: str = "", limit: int | None = None) -> str:
    if not flags:
        return '<p class="muted">No flags.</p>'
    rows = []
    for n, f in enumerate(flags[:limit] if limit else flags):
        href = f"{link_prefix}#f{n}"
        link = (f'<a href="{esc(href)}" data-flag="{n}">{f["line"]}:{f["col"]}</a>' if not link_prefix
                else f'<a href="{esc(href)}">{f["line"]}:{f["col"]}</a>')
        rows.append(
            f'<tr><td class="n">{link}</td><td class="s-{css_name(f["stage"])}"><b style="color:var(--c)">{esc(f["stage"])}</b></td>'
            f'<td class="txt">{esc(f["text"])}'
            + (f'<div class="muted">now: {esc(f["now"])}</div>' if f.get("now") is not None else "")
            + f'</td><td>{esc(f["reason"])}</td>'
            f'<td class="txt">{esc(", ".join(f["candidates"]))}</td>'
            f'<td>{esc(f["decision"]) if f["decision"] else "<span class=muted>pending</span>"}</td>'
            f'<td><code class="tsv">{esc(f["tsv"])}</code></td></tr>')
    more = ""
    if limit and len(flags) > limit:
        more = f'<p class="muted">{len(flags) - limit} more on the document page.</p>'
    return ('<table class="flags"><tr><th>raw line:col</th><th>stage</th><th>text</th><th>reason</th>'
            '<th>candidates</th><th>decision</th><th>decisions.tsv line</th></tr>' + "".join(rows) + "</table>" + more)


def render_doc_page(doc: DocView, decisions=()) -> str:
    """One self-contained HTML page for one document."""
    data = _changes_data(doc)
    flags = _flags_data(doc, decisions)
    counts = doc.stage_counts()
    stages_here = data["all"]
    chips = "".join(
        f'<label class="chip s-{css_name(s)}" title="{esc(stage_docs().get(s, ""))}"><input type="checkbox" '
        f'data-stage="{esc(s)}" checked> {esc(s)} <b>{counts.get(s, 0)}</b></label>' for s in stages_here)
    text_html = render_text(doc)
    problems = "".join(f'<div class="problem">{esc(p)}</div>' for p in doc.problems)
    unmatched = doc.review_stats().get("unmatched_rows") or []
    if unmatched:
        problems += (f'<div class="problem">Reviewer decisions that matched nothing in this document in the '
                     f'last run: lines {esc(", ".join(map(str, unmatched)))} of the decisions file.</div>')
    pending = sum(1 for f in flags if not f["decision"])
    header = (
        f'<header id="bar"><a href="index.html">\u2190 all documents</a><h1>{esc(doc.stem)}</h1>'
        f'<span class="stat">{len(doc.edits)} edits in {len(doc.regions)} changes \u00b7 '
        f'<a href="#flags">{len(flags)} flags</a> ({pending} pending) \u00b7 raw {len(doc.raw_text):,} \u2192 clean '
        f'{len(doc.clean_text):,} chars</span>'
        f'<span class="chips" id="filters">{chips}<button id="all" type="button">all</button>'
        f'<button id="none" type="button">none</button></span>'
        f'<span class="views"><label><input type="radio" name="view" value="diff" checked> changes</label>'
        f'<label><input type="radio" name="view" value="raw"> raw</label>'
        f'<label><input type="radio" name="view" value="clean"> clean</label></span>'
        f'<span><button id="prev" type="button" title="previous change (p or k)">\u25c0 prev</button>'
        f'<span id="pos"></span><button id="next" type="button" title="next change (n or j)">next \u25b6</button> '
        f'<button id="expand" type="button">expand unchanged</button></span></header>')
    body = (
        header + '<div class="layout"><main>' + problems +
        f'<div id="doc">{text_html}</div>'
        f'<section id="flags"><h2>Flags: what the stages left for a reviewer</h2>'
        f'<p class="muted">Answer a flag by adding its line to review/decisions.tsv with a decision '
        f'(<code>accept WORD</code>, <code>replace TEXT</code>, <code>delete</code>, <code>keep</code>) '
        f'instead of <code>?</code>; the next run applies it.</p>'
        f'{_flags_table(doc.stem, flags)}</section></main>'
        f'<aside id="detail"><h2>Details</h2><p class="muted">Click a change (or press n / p) to see its '
        f'stage, reason and evidence. Untick a stage to show its changes as the raw text.</p></aside></div>'
        f'<div id="tip" hidden></div>'
        f'<script type="application/json" id="changes">{script_json(data)}</script>'
        f'<script type="application/json" id="flagdata">{script_json(flags)}</script>'
        f'<script>{DOC_JS}</script>')
    return page(f"{doc.stem} \u00b7 scanclean report", body, stage_order(stages_here), "view-diff")


# ---------------------------------------------------------------- index


def _reason_table(by_reason: dict[tuple[str, str], list[int]]) -> str:
    rows = "".join(
        f'<tr><td class="s-{css_name(stage)}"><b style="color:var(--c)">{esc(stage)}</b></td><td>{esc(reason)}</td>'
        f'<td class=n>{n:,}</td><td class=n>{p:,}</td></tr>'
        for (stage, reason), (n, p) in sorted(by_reason.items(), key=lambda kv: (-kv[1][0], kv[0])))
    return ('<table class="reasons"><tr><th>stage</th><th>reason</th><th class=n>flags</th><th class=n>pending</th></tr>'
            + rows + "</table>")


@dataclass
class IndexEntry:
    """What the corpus page shows of one document: a few counts, not its texts and edits."""

    stem: str
    raw_chars: int
    clean_chars: int
    counts: dict[str, int]  # edits per stage
    edits: int
    flags: list[dict[str, Any]]  # as _flags_data gives them
    decode: dict[str, Any]
    problems: list[str]


def index_entry(doc: DocView | IndexEntry, decisions=()) -> IndexEntry:
    """The corpus page's facts of ``doc`` (kept instead of the document, so a report's memory
    does not grow with the corpus)."""
    if isinstance(doc, IndexEntry):
        return doc
    flags = _flags_data(doc, decisions)  # first: it may replace a raw text that no longer matches
    return IndexEntry(doc.stem, len(doc.raw_text), len(doc.clean_text), doc.stage_counts(), len(doc.edits),
                      flags, doc.meta.get("decode", {}), list(doc.problems))


def render_index(docs: list[DocView | IndexEntry], decisions=(), *, clean_dir: str = "", raw_dir: str = "",
                 flags_per_doc: int = 50) -> str:
    """The corpus page: documents, edits per stage, flags."""
    seen: list[str] = []
    for d in docs:
        seen.extend(d.counts if isinstance(d, IndexEntry) else d.stage_counts())
    stages = [s for s in stage_order(seen) if s in seen]
    descriptions = stage_docs()
    head = ("<tr><th>document</th><th class=n>raw chars</th><th class=n>clean chars</th>"
            + "".join(f'<th class="n st s-{css_name(s)}">{esc(s)}</th>' for s in stages)
            + "<th class=n>edits</th><th class=n>flags</th><th class=n>pending</th><th>decoding</th></tr>")
    rows, totals = [], [0] * (len(stages) + 5)
    flag_sections = []
    by_reason: dict[tuple[str, str], list[int]] = {}
    for d in docs:
        d = index_entry(d, decisions)
        c = d.counts
        fl = d.flags
        pending = sum(1 for f in fl if not f["decision"])
        for f in fl:
            count = by_reason.setdefault((f["stage"], f["reason"]), [0, 0])
            count[0] += 1
            count[1] += not f["decision"]
        vals = [d.raw_chars, d.clean_chars] + [c.get(s, 0) for s in stages] + [d.edits, len(fl), pending]
        totals = [t + v for t, v in zip(totals, vals)]
        dec = d.decode
        enc = esc(dec.get("encoding", "")) + (f' <span class="muted">({esc(dec["fallback"])})</span>' if dec.get("fallback") else "")
        warn = "".join(f'<div class="problem">{esc(p)}</div>' for p in d.problems)
        rows.append(f'<tr><td><a href="{esc(doc_page_name(d.stem))}">{esc(d.stem)}</a>{warn}</td>'
                    + "".join(f"<td class=n>{v:,}</td>" for v in vals) + f"<td>{enc}</td></tr>")
        if fl:
            flag_sections.append(f'<h3><a href="{esc(doc_page_name(d.stem))}#flags">{esc(d.stem)}</a>: '
                                 f'{len(fl)} flags, {pending} pending</h3>'
                                 + _flags_table(d.stem, fl, link_prefix=doc_page_name(d.stem), limit=flags_per_doc))
    if len(docs) > 1:
        rows.append("<tr><th>total</th>" + "".join(f"<th class=n>{v:,}</th>" for v in totals) + "<th></th></tr>")
    legend = "".join(f'<tr><td class="s-{css_name(s)}"><b style="color:var(--c)">{esc(s)}</b></td><td>{esc(descriptions.get(s, ""))}</td></tr>'
                     for s in stage_order(seen))
    body = (
        f'<header id="bar"><h1>scanclean report</h1><span class="stat">{len(docs)} documents \u00b7 '
        f'clean folder {esc(clean_dir)} \u00b7 raw folder {esc(raw_dir)}</span></header>'
        f'<main><section><h2>Documents and edits per stage</h2><table>{head}{"".join(rows)}</table></section>'
        f'<section><h2>Stages</h2><table class="legend">{legend}</table></section>'
        f'<section id="flags"><h2>Flagged items</h2><p class="muted">What a stage was unsure of and left alone. '
        f'To decide, copy the line into review/decisions.tsv (or run '
        f'<code>python -m cleaners.diff --flags --tsv</code>) and replace <code>?</code> with a decision.</p>'
        + (_reason_table(by_reason) if by_reason else "")
        + ("".join(flag_sections) or '<p class="muted">No flags.</p>') + "</section></main>")
    return page("scanclean report", body, stage_order(seen))
