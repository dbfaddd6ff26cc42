"""Terminal view of what cleaning changed: ``python -m cleaners.diff --clean CLEANDIR``.

* no ``--doc``: a table of edits per stage and per document;
* ``--doc STEM`` (a stem or a unique prefix such as ``000``): a word-level
  inline diff on the raw text, coloured by stage, each changed raw line
  followed by the stages and reasons of its changes, unchanged stretches
  collapsed (``@@ raw lines A-B @@`` headers carry raw line numbers);
* ``--stage words,hyphens``: only those stages' changes (the others are shown
  as the raw text);
* ``--flags``: what the stages were unsure of, with candidates; ``--flags
  --tsv``: the pending ones as ready-to-edit lines for ``review/decisions.tsv``.

Colour only on a terminal (or ``--color always``); piped output is plain text
with ``[-deleted-]{+inserted+}`` markers, one hunk after another, so it pages
and greps well.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Iterable, TextIO

from cleaners.report.model import (DocView, Region, document_stems, iter_docs, pick_stem,
                                   resolve_raw_dir, stage_order)
from cleaners import review

STAGE_COLOURS = {
    "unicode": "magenta", "boilerplate": "bright_black", "furniture": "blue",
    "hyphens": "cyan", "reflow": "bright_blue", "notes": "yellow", "whitespace": "grey50",
    "words": "red", "review": "green", "dedup": "bright_magenta",
}
NEWLINE_MARK = "\u23ce"  # ⏎
TAB_MARK = "\u2192"  # →
# control characters from the text must not drive the terminal: show them as symbols
CONTROL_PICTURES = {c: 0x2400 + c for c in range(32) if c not in (9, 10)}
CONTROL_PICTURES.update({0x7F: 0x2421, 9: TAB_MARK})
CONTROL_PICTURES.update({c: 0xFFFD for c in range(0x80, 0xA0)})


class Writer:
    """Plain or styled output; styled output goes through rich, plain output is just text."""

    def __init__(self, out: TextIO, colour: bool):
        self.out = out
        self.colour = colour
        self._buf: list[str] = []
        self._ansi: dict[str, tuple[str, str]] = {}
        if colour:
            from rich.console import Console

            self._console = Console(file=out, force_terminal=True, highlight=False, soft_wrap=True)

    def style(self, text: str, style: str) -> str:
        """``text`` wrapped in the ANSI codes of a rich style (or as is, when plain)."""
        if not self.colour or not style or not text:
            return text
        codes = self._ansi.get(style)
        if codes is None:
            from rich.style import Style

            from rich.color import ColorSystem

            system = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT,
                      "truecolor": ColorSystem.TRUECOLOR, "windows": ColorSystem.WINDOWS}.get(
                self._console.color_system or "standard", ColorSystem.STANDARD)
            marker = "\x00"
            rendered = Style.parse(style).render(marker, color_system=system)
            before, _, after = rendered.partition(marker)
            codes = self._ansi[style] = (before, after)
        return codes[0] + text + codes[1]

    def line(self, text: str = "") -> None:
        self._buf.append(text)
        self._buf.append("\n")
        if len(self._buf) > 4096:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self._buf))
        self._buf.clear()
        self.out.flush()


def stage_colour(stage: str) -> str:
    return STAGE_COLOURS.get(stage, "white")


# ---------------------------------------------------------------- summary


def summary(docs: list[DocView], w: Writer, stages: list[str] | None = None) -> None:
    """One row per document: raw and clean size, edits per stage, flags."""
    seen: list[str] = []
    for d in docs:
        seen.extend(d.stage_counts())
    order = [s for s in stage_order(seen) if s in seen and (not stages or s in stages)]
    if stages:
        order = [s for s in stages if s in order] or stages
    counts = [d.stage_counts() for d in docs]
    name_w = max([8] + [len(d.stem) for d in docs])
    cols = ["raw", "clean"] + order + ["edits", "flags"]
    widths = [max(9, len(c)) for c in cols]
    header = "document".ljust(name_w) + "".join(w.style(c.rjust(n + 1), stage_colour(c) if c in order else "bold")
                                                  for c, n in zip(cols, widths))
    w.line(header)
    totals = [0] * len(cols)
    for d, c in zip(docs, counts):
        vals = [len(d.raw_text), len(d.clean_text)] + [c.get(s, 0) for s in order] + \
               [sum(c.get(s, 0) for s in order), len(d.flags)]
        totals = [t + v for t, v in zip(totals, vals)]
        w.line(d.stem.ljust(name_w) + "".join(str(v).rjust(n + 1) for v, n in zip(vals, widths)))
    if len(docs) > 1:
        w.line(w.style("total".ljust(name_w) + "".join(str(v).rjust(n + 1) for v, n in zip(totals, widths)), "bold"))
    for d in docs:
        for p in d.problems:
            w.line(w.style(f"! {d.stem}: {p}", "bold yellow"))


# ---------------------------------------------------------------- one document


def _visible(text: str) -> str:
    """Text safe to print: tabs and control characters (ESC, ...) as visible symbols.

    >>> _visible("a\\tb\\x1b[31m")
    'a\u2192b\u241b[31m'
    """
    return text.translate(CONTROL_PICTURES)


def hunks(doc: DocView, regions: list[Region], context: int) -> list[tuple[int, int, list[Region]]]:
    """Group the regions shown into ``(first_line, last_line, regions)`` with ``context`` raw lines around."""
    li = doc.raw_lines
    n_lines = len(li.starts)
    out: list[tuple[int, int, list[Region]]] = []
    for r in regions:
        a = li.line_col(r.raw_start)[0]
        b = li.line_col(max(r.raw_start, r.raw_end - 1))[0]
        lo, hi = max(1, a - context), min(n_lines, b + context)
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi), out[-1][2] + [r])
        else:
            out.append((lo, hi, [r]))
    return out


def _labels(regions: list[Region], stages: set[str] | None, w: Writer) -> str:
    """``stage: reason`` for a line's changes, repeats counted."""
    seen: dict[tuple[str, str], int] = {}
    confidence: dict[tuple[str, str], float] = {}
    for r in regions:
        for e in r.edits:
            if stages is None or e.stage in stages:
                key = (e.stage, e.reason)
                seen[key] = seen.get(key, 0) + 1
                confidence[key] = e.confidence
    parts = []
    for (stage, reason), n in seen.items():
        conf = confidence.get((stage, reason))
        extra = f" \u00d7{n}" if n > 1 else (f" ({conf:.2f})" if conf is not None and conf < 1 else "")
        parts.append(w.style(stage, "bold " + stage_colour(stage)) + ": " + _visible(reason) + extra)
    return "; ".join(parts)


def doc_diff(doc: DocView, w: Writer, *, stages: set[str] | None = None, context: int = 1) -> int:
    """Inline diff of one document; returns the number of changes shown."""
    raw, clean = doc.raw_text, doc.clean_text
    all_regions = doc.regions
    shown = [r for r in all_regions if stages is None or any(s in stages for s in r.stages)]
    counts = doc.stage_counts()
    title = f"{doc.stem}: {len(doc.edits)} edits in {len(all_regions)} changes, {len(doc.flags)} flags"
    w.line(w.style(title, "bold"))
    order = stage_order(list(counts))
    w.line("  " + (", ".join(w.style(s, stage_colour(s)) + f" {n}" for s, n in
                             sorted(counts.items(), key=lambda kv: order.index(kv[0]))) or "no edits"))
    for p in doc.problems:
        w.line(w.style(f"! {p}", "bold yellow"))
    if stages is not None:
        w.line(f"  showing {len(shown)} changes by {', '.join(sorted(stages))}")
    li = doc.raw_lines
    starts = li.starts
    width = len(str(len(starts)))
    gutter_blank = " " * width + " \u2502 "
    plain = not w.colour
    prev_end = 0
    for first, last, regs in hunks(doc, shown, context):
        if first > prev_end + 1:
            gap = first - prev_end - 1
            w.line(w.style(f"@@ raw lines {first}-{last} @@", "bold blue")
                   + w.style(f"  (lines {prev_end + 1}-{first - 1} unchanged)" if gap > 1 else f"  (line {first - 1} unchanged)", "dim"))
        else:
            w.line(w.style(f"@@ raw lines {first}-{last} @@", "bold blue"))
        prev_end = last
        a = starts[first - 1]
        b = starts[last] if last < len(starts) else len(raw)
        lineno = first
        cur: list[str] = []
        line_regions: list[Region] = []

        def end_line() -> None:
            nonlocal lineno, cur, line_regions
            w.line(w.style(str(lineno).rjust(width), "dim") + " \u2502 " + "".join(cur))
            if line_regions:
                w.line(gutter_blank + w.style("\u21b3 ", "dim") + _labels(line_regions, stages, w))
            lineno += 1
            cur, line_regions = [], []

        def emit_unchanged(text: str) -> None:
            pieces = text.split("\n")
            for i, p in enumerate(pieces):
                if p:
                    cur.append(_visible(p))
                if i < len(pieces) - 1:
                    end_line()

        pos = a
        for r in regs:
            emit_unchanged(raw[pos:r.raw_start])
            colour = stage_colour(r.stage)
            before = raw[r.raw_start:r.raw_end]
            for old, new, kind in r.pieces(raw, clean):
                shown_old = _visible(old.replace("\n", NEWLINE_MARK))
                shown_new = _visible(new.replace("\n", NEWLINE_MARK))
                if kind == "same":
                    cur.append(shown_old)
                elif plain:
                    cur.append((f"[-{shown_old}-]" if old else "") + (f"{{+{shown_new}+}}" if new else ""))
                else:
                    cur.append(w.style(shown_old, f"strike {colour}") + w.style(shown_new, f"bold underline {colour}"))
            line_regions.append(r)
            breaks = before.count("\n")
            if breaks:
                # the deletion is shown whole on this line; the next display line
                # starts where the raw text goes on
                end_line()
                lineno += breaks - 1
            pos = r.raw_end
        emit_unchanged(raw[pos:b])
        if cur or line_regions:
            end_line()
    w.line()
    return len(shown)


# ---------------------------------------------------------------- flags


def shorten(text: str, limit: int = 90) -> str:
    """``text`` with newlines and tabs visible (``\\n``), cut in the middle when long.

    >>> shorten("a\\nb")
    'a\\\\nb'
    >>> shorten("x" * 10, 6)
    'xx\u2026xxx'
    """
    shown = _visible(review.escape(text))
    if len(shown) <= limit:
        return shown
    head = (limit - 1) // 2
    return shown[:head] + "\u2026" + shown[len(shown) - (limit - 1 - head):]


def flags_listing(docs: list[DocView], w: Writer, decisions: tuple, *, tsv: bool,
                  stages: set[str] | None = None) -> int:
    """Print the flags (all, marked when answered) or, with ``tsv``, the pending ones as decision rows."""
    n = 0
    if tsv:
        w.line("\t".join(review.HEADER))
    for d in docs:
        flags = [f for f in d.flags_now() if stages is None or f.get("stage") in stages]
        if tsv:
            for f in review.pending_flags(d.stem, flags, decisions):
                w.line(review.flag_row(d.stem, f))
                n += 1
            continue
        unmatched = d.review_stats().get("unmatched_rows") or []
        if not flags and not unmatched:
            continue
        w.line(w.style(f"{d.stem}: {len(flags)} flags", "bold"))
        for f in flags:
            raw = f.get("raw", {})
            cands = ", ".join(
                shorten(str(c.get("text", "")), 30) + (f" ({c['score']})" if "score" in c else "")
                if isinstance(c, dict) else shorten(str(c), 30) for c in f.get("candidates", []))
            answer = review.answering_decision(d.stem, f, decisions)
            status = ""
            if answer:
                said = answer.action + (f" {review.escape(answer.value)}" if answer.value else "")
                status = w.style(f"  [decided: {said}, {answer.path}:{answer.line}]", "green")
            w.line(f"  {raw.get('line', '?')}:{raw.get('col', '?')}  "
                   + w.style(f.get("stage", "?"), "bold " + stage_colour(f.get("stage", "")))
                   + f"  {w.style(shorten(f.get('text', '')), 'bold')}  {_visible(str(f.get('reason', '')))}"
                   + (f"  candidates: {cands}" if cands else "") + status)
            if "now" in f:
                w.line(w.style(f"      now: {shorten(f['now'])}", "dim"))
            n += 1
        if unmatched:
            w.line(w.style(f"  ! decisions that matched nothing in the last run: lines "
                           f"{', '.join(map(str, unmatched))} of the decisions file", "yellow"))
    if not tsv and not n:
        w.line("no flags")
    return n


# ---------------------------------------------------------------- CLI


def _parse_stages(value: str | None) -> set[str] | None:
    if not value:
        return None
    names = {s.strip() for s in value.split(",") if s.strip()}
    known = set(stage_order())
    unknown = names - known
    if unknown:
        raise SystemExit(f"unknown stage(s) {', '.join(sorted(unknown))}; stages are {', '.join(stage_order())}")
    return names


def main(argv: Iterable[str] | None = None, out: TextIO | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cleaners.diff", description=__doc__.split("\n\n")[0])
    ap.add_argument("--clean", default="clean", help="the clean folder (default: clean)")
    ap.add_argument("--raw", default=None,
                    help="the raw folder (default: raw_dir from CLEANDIR/manifest.json, else raw)")
    ap.add_argument("--doc", default=None, help="one document: stem or unique prefix")
    ap.add_argument("--stage", default=None, help="only these stages (comma-separated)")
    ap.add_argument("--flags", action="store_true", help="list flagged items with their candidates")
    ap.add_argument("--tsv", action="store_true", help="with --flags: pending flags as decisions.tsv lines")
    ap.add_argument("--review-file", default=None,
                    help="decisions file for --flags (default: review/decisions.tsv if present)")
    ap.add_argument("-C", "--context", type=int, default=1, help="raw lines of context around a change")
    ap.add_argument("--color", "--colour", choices=["auto", "always", "never"], default="auto")
    ap.add_argument("--pager", choices=["auto", "always", "never"], default="auto",
                    help="page a document's diff through $PAGER (default less -RFX) when on a terminal")
    args = ap.parse_args(list(argv) if argv is not None else None)
    out = out or sys.stdout
    on_terminal = _is_terminal(out)
    colour = not args.tsv and (args.color == "always" or (args.color == "auto" and on_terminal))
    pager = None
    if (args.doc or args.flags) and not args.tsv and (args.pager == "always" or (args.pager == "auto" and on_terminal)):
        pager = _start_pager()
        if pager is not None:
            out = io.TextIOWrapper(pager.stdin, encoding="utf-8", errors="replace")
    try:
        return _run(args, out, colour)
    finally:
        if pager is not None:
            try:
                out.close()
            except BrokenPipeError:
                pass
            pager.wait()


def _start_pager():
    """The user's pager (like git: $PAGER, else ``less -RFX``), or None if there is none."""
    import os
    import shutil
    import subprocess

    cmd = os.environ.get("PAGER") or ("less -RFX" if shutil.which("less") else "")
    if not cmd or cmd == "cat":
        return None
    env = dict(os.environ)
    env.setdefault("LESS", "RFX")
    try:
        return subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        return None


def _run(args, out: TextIO, colour: bool) -> int:
    w = Writer(out, colour)
    clean_dir = Path(args.clean)
    if not clean_dir.is_dir():
        print(f"no clean folder {clean_dir} (run `make run` first)", file=sys.stderr)
        return 2
    stems = document_stems(clean_dir)
    if not stems:
        print(f"no cleaned documents in {clean_dir} (run `make run` first)", file=sys.stderr)
        return 2
    if args.doc:
        try:
            stems = [pick_stem(stems, args.doc)]
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 2
    stages = _parse_stages(args.stage)
    raw_dir = resolve_raw_dir(clean_dir, args.raw)
    try:
        if args.flags:
            path = Path(args.review_file) if args.review_file else review.decisions_path()
            try:
                decisions = review.load_decisions(path)
            except review.ReviewFileError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            flags_listing(list(iter_docs(clean_dir, raw_dir, stems)), w, decisions, tsv=args.tsv, stages=stages)
        elif args.doc:
            for doc in iter_docs(clean_dir, raw_dir, stems):
                doc_diff(doc, w, stages=stages, context=max(0, args.context))
        else:
            summary(list(iter_docs(clean_dir, raw_dir, stems)), w, sorted(stages, key=stage_order().index) if stages else None)
        w.flush()
    except BrokenPipeError:  # `| head` or the pager closed the pipe: not an error
        _silence(out)
    return 0


def _silence(out: TextIO) -> None:
    """After a closed pipe, point the stream at /dev/null so the exit flush does not complain."""
    import os

    try:
        fd = out.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
