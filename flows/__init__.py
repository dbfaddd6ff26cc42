"""scanclean's Prefect layer: thin wiring around :mod:`cleaners.pipeline`.

Importing this package sets the same Prefect environment the Makefile
exports (project-local ``PREFECT_HOME`` and result storage, no analytics), so
``python -m flows.clean_corpus`` and the tests behave like ``make run``
without make. Explicit environment variables win (``setdefault``). This must
happen before Prefect is imported, which is why it lives here.

Modules that do not need Prefect (:mod:`flows.discover`,
:mod:`flows.publish`, :mod:`flows.steps`, :mod:`flows.summary`) never import
it, so they are unit-tested directly and usable from plain Python.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_PREFECT_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(PROJECT_ROOT / ".prefect" / "results"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The temporary server's 20 s default is too short on a busy 2-core machine: the run
    # then fails with "Timed out while attempting to connect to ephemeral Prefect API server".
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
for _name, _value in _PREFECT_DEFAULTS.items():
    os.environ.setdefault(_name, _value)

# Prefect creates only the last folder of its home (and warns at import, then its server
# cannot open the database): make the whole path, as a user pointing it anywhere expects.
try:
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)
except OSError:
    pass  # Prefect reports an unusable home itself
