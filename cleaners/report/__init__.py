"""HTML report of a cleaned corpus: ``python -m cleaners.report --clean CLEANDIR``.

Writes ``CLEANDIR/report/index.html`` (documents, edits per stage, flagged
items) and ``CLEANDIR/report/<stem>.html`` per document (see
:mod:`cleaners.report.html`). :mod:`cleaners.report.model` reads the outputs
back and lines the edits up on the raw text; the terminal diff shares it.
"""

from cleaners.report.build import build_report

__all__ = ["build_report"]
