"""Stage `boilerplate` (placeholder until its issue lands: changes nothing)."""

from cleaners.document import StageResult

DEFAULTS: dict = {}


def run(text, ctx) -> StageResult:
    return StageResult()
