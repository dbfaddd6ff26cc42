"""``make run`` on the seeds end to end: cold (fresh Prefect state) and warm (nothing changed).

Run: ``python -m bench makerun`` (or as part of ``make bench``).

Every run uses a scratch folder for Prefect's state and the clean output, so the
project's own ``.prefect/`` and ``clean/`` are untouched. Cold: a new, empty
Prefect home and no cached results; its database starts as a copy of the migrated
empty one ``make install`` built (flows/schema.py), and is measured also without
it (Prefect migrating a new database, ~9 s). Warm: the same command again, every
task a cache hit. Reported:
wall time of the ``make`` command and the flow's own work before publishing
(``run.seconds_before_publish`` in ``clean/run.json``); the difference is
Python and Prefect start-up (the temporary server) and publishing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_run(scratch: Path, *, schema_template: bool = True) -> tuple[float, dict]:
    """One ``make run`` of the seeds into ``scratch``; (wall seconds, run.json's run block)."""
    prefect_home = scratch / "prefect"
    clean = scratch / "clean"
    # Variables on make's command line win over the Makefile's exports.
    cmd = ["make", "-s", "run", f"RAW={ROOT / 'raw'}", f"CLEAN={clean}",
           f"PREFECT_HOME={prefect_home}", f"PREFECT_RESULTS_LOCAL_STORAGE_PATH={prefect_home / 'results'}"]
    if not (ROOT / ".venv" / ".installed").is_file():
        # a git worktree without its own virtualenv: run with this interpreter, install nothing
        cmd += [f"PY={sys.executable}", "-o", ".venv/.installed"]
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # the temporary server
    env["SCANCLEAN_PREFECT_SCHEMA"] = "on" if schema_template else "off"  # see flows/schema.py
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if done.returncode:
        raise RuntimeError(f"make run failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, json.loads((clean / "run.json").read_text(encoding="utf-8"))["run"]


def main() -> None:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="scanclean-makerun-") as tmp:
        bare, bare_run = make_run(Path(tmp) / "bare", schema_template=False)
        cold, cold_run = make_run(Path(tmp) / "fresh")
        warm, warm_run = make_run(Path(tmp) / "fresh")
    for name, wall, run, target in (("cold", cold, cold_run, "< 15 s wall"),
                                    ("cold, Prefect migrating its new database", bare, bare_run, ""),
                                    ("warm", warm, warm_run, "< 5 s of work")):
        work = run["seconds_before_publish"]
        tasks = ", ".join(f"{phase} {c['computed']} computed/{c['cached']} cached"
                          for phase, c in sorted(run.get("tasks", {}).items()))
        print(f"make run, seeds, {name}: {wall:5.1f} s wall, {work:5.2f} s of flow work, "
              f"{wall - work:5.1f} s start-up and publish ({tasks})"
              + (f"; target {target}" if target else ""))
    print(f"(load average at the start: {load:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
