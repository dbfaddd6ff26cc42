"""Seconds since the CLI started at which each step of a run began or ended (for ``bench/makerun.py``).

``mark("server spawned")`` notes the time; with ``SCANCLEAN_TIMELINE=1`` in the
environment the CLI prints the marks to stderr when the run ends. Plain Python;
costs nothing when not printed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import deque

SWITCH_ENV = "SCANCLEAN_TIMELINE"
_T0 = time.perf_counter()
_MARKS: deque[tuple[float, str, str]] = deque(maxlen=1000)  # a served flow process runs many times


def mark(what: str) -> None:
    """Note that ``what`` happens now (thread-safe: list.append)."""
    _MARKS.append((time.perf_counter() - _T0, threading.current_thread().name, what))


def marks() -> list[tuple[float, str, str]]:
    return sorted(_MARKS)


def print_marks(file=None) -> None:
    """Print the marks (``seconds  thread  what``) if ``SCANCLEAN_TIMELINE`` is set."""
    if os.environ.get(SWITCH_ENV, "").lower() in ("", "0", "off", "false", "no"):
        return
    out = file or sys.stderr
    for t, thread, what in marks():
        print(f"timeline {t:7.2f} s  {thread:<20} {what}", file=out)
