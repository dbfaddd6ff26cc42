"""``make run`` on the seeds end to end: cold (fresh Prefect state) and warm (nothing changed).

Run: ``python -m bench makerun`` (or as part of ``make bench``);
``python -m bench.makerun --memory [MB]``: the flow's peak memory on a corpus of
about MB megabytes (default 12) generated from the seeds (bench/corpus100.py).

Every run uses a scratch folder for Prefect's state and the clean output, so the
project's own ``.prefect/`` and ``clean/`` are untouched. Cold: a new, empty
Prefect home and no cached results; its database starts as a copy of the migrated
empty one ``make install`` built (flows/schema.py), and is measured also without
it (Prefect migrating a new database, ~9 s). Warm: the same command again, every
task a cache hit. Reported:
wall time of the ``make`` command and the flow's own work before publishing
(``run.seconds_before_publish`` in ``clean/run.json``); the difference is
Python and Prefect start-up (the temporary server) and publishing; the CPU
seconds of the whole command (the CLI, its Prefect server, make), which a busy
machine inflates less than the wall time; and the cold run's timeline
(``SCANCLEAN_TIMELINE=1``, see flows/timeline.py): seconds since the CLI
started at which each step began or ended.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def make_run(scratch: Path, *, schema_template: bool = True) -> tuple[float, dict]:
    """One ``make run`` of the seeds into ``scratch``; (wall seconds, run.json's run block).

    The run block gets ``cpu_seconds`` (the command's) and ``timeline`` (the CLI's marks).
    """
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
    env["SCANCLEAN_TIMELINE"] = "1"
    cpu = _children_cpu()
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if done.returncode:
        raise RuntimeError(f"make run failed ({done.returncode}): {done.stderr[-2000:]}")
    run = json.loads((clean / "run.json").read_text(encoding="utf-8"))["run"]
    run["cpu_seconds"] = _children_cpu() - cpu
    run["timeline"] = [line for line in done.stderr.splitlines()
                       if line.startswith("timeline") and "laid out" not in line]
    return wall, run


def memory_run(raw: Path, scratch: Path) -> tuple[float, float]:
    """One cold CLI run of ``raw``; (wall seconds, peak resident MB of the CLI process).

    The peak is ``ru_maxrss`` from ``wait4`` on the CLI: its own, or its Prefect
    server's if that were larger (a waited-for child's peak counts too).
    """
    prefect_home = scratch / "prefect"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(prefect_home), PREFECT_RESULTS_LOCAL_STORAGE_PATH=str(prefect_home / "results"),
               PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    with open(scratch / "log.txt", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "flows.clean_corpus", "--raw", str(raw),
                                 "--clean", str(scratch / "clean")], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"the flow failed ({proc.returncode}); see {scratch / 'log.txt'}")
    return wall, usage.ru_maxrss / 1024


def memory(mb: float = 12.0) -> None:
    from bench.corpus100 import generate

    raw = generate(mb, out=ROOT / "bench" / "out" / f"corpus{mb:g}")
    size = sum(p.stat().st_size for p in raw.glob("*.txt")) / 1e6
    with tempfile.TemporaryDirectory(prefix="scanclean-memory-") as tmp:
        wall, peak = memory_run(raw, Path(tmp))
    print(f"flow on {size:.1f} MB ({len(list(raw.glob('*.txt')))} documents), cold: peak RSS {peak:,.0f} MB, "
          f"{wall:.1f} s wall (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


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
              f"{wall - work:5.1f} s start-up and publish, {run['cpu_seconds']:5.1f} CPU s ({tasks})"
              + (f"; target {target}" if target else ""))
    print("cold run's timeline:")
    for line in cold_run["timeline"]:
        print("  " + line.removeprefix("timeline").strip())
    print(f"(load average at the start: {load:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    if "--memory" in sys.argv:
        rest = sys.argv[sys.argv.index("--memory") + 1:]
        memory(float(rest[0]) if rest else 12.0)
    else:
        main()
