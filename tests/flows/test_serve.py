"""Scheduled, incremental reprocessing on a real Prefect server (``make serve`` and friends).

One test, end to end, through the same commands the Makefile runs: start a real
``prefect server`` on a free local port with its own state folder, serve the
deployment, set a cron schedule (the server's scheduler must then create the
scheduled runs: the temporary test server cannot), trigger a run through the API
and wait for Completed, check the outputs; change one raw file, reprocess, and
check that exactly one document was recomputed; add one raw file and delete
another; the result equals a full run from scratch, byte for byte. The server is always stopped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

DOCS = {
    "alpha": ("The committee met in the spring. Its members argued about the harvest and the "
              "price of grain, and the chairman wrote a long report for the party.\n\n"
              "In the autumn the report was printed. Nobody read it.\n"),
    "beta": ("Koba left the seminary in 1899. He worked at the observatory in Tiflis, where he "
             "read novels at night and wrote poems in Georgian.\n"),
    "gamma": ("A short chapter.\n\nIt has two paragraphs, and the second one is a little longer "
              "than the first one.\n"),
}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env: dict, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.serve", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _contract_files(clean: Path) -> dict[str, bytes]:
    """Every output file except run.json's per-run section and the HTML report."""
    out = {}
    for p in sorted(clean.rglob("*")):
        rel = p.relative_to(clean).as_posix()
        if p.is_file() and rel != "run.json" and not rel.startswith("report/"):
            out[rel] = p.read_bytes()
    return out


def test_served_deployment_schedules_reprocesses_incrementally(tmp_path):
    raw, clean, home = tmp_path / "raw", tmp_path / "clean", tmp_path / "prefect-home"
    raw.mkdir()
    for stem, text in DOCS.items():
        (raw / f"{stem}.txt").write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_RESULTS_LOCAL_STORAGE_PATH=str(home / "results"),
               # let the scheduler service look for work every second instead of every minute
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="1")
    port = _free_port()
    try:
        started = _serve(env, "start", "--raw", str(raw), "--clean", str(clean), "--port", str(port))
        assert started.returncode == 0, started.stdout + started.stderr
        state = json.loads((home / "serve.json").read_text())
        assert state["api_url"] == f"http://127.0.0.1:{port}/api"

        sched = _serve(env, "schedule", "--cron", "0 3 * * *")
        assert sched.returncode == 0, sched.stdout + sched.stderr
        assert "next run:" in sched.stdout and "03:00:00" in sched.stdout

        first = _serve(env, "reprocess", "--timeout", "300")
        assert first.returncode == 0, first.stdout + first.stderr
        assert "Completed" in first.stdout
        run1 = json.loads((clean / "run.json").read_text())
        assert run1["counts"]["ok"] == 3
        assert {p.name for p in clean.glob("*.txt")} == {"alpha.txt", "beta.txt", "gamma.txt"}

        # the server (not a temporary one) holds the deployment with its cron schedule,
        # and its scheduler has created the coming runs
        check = subprocess.run([sys.executable, "-c", _SCHEDULE_CHECK], cwd=ROOT, capture_output=True,
                               text=True, timeout=120, env={**env, "PREFECT_API_URL": state["api_url"]})
        assert check.returncode == 0, check.stdout + check.stderr
        info = json.loads(check.stdout.strip().splitlines()[-1])
        assert info["crons"] == ["0 3 * * *"]
        assert info["scheduled_runs"] >= 1

        # change one raw file: exactly one document is recomputed
        (raw / "gamma.txt").write_text(DOCS["gamma"].replace("a little longer", "much longer"),
                                       encoding="utf-8")
        second = _serve(env, "reprocess", "--timeout", "300")
        assert second.returncode == 0, second.stdout + second.stderr
        run2 = json.loads((clean / "run.json").read_text())
        tasks = run2["run"]["tasks"]
        assert tasks["layout"] == {"cached": 2, "computed": 1}, tasks
        assert tasks["words"]["computed"] == 1, tasks
        assert "much longer" in (clean / "gamma.txt").read_text(encoding="utf-8")

        # add one raw file and delete another: only the new one is computed
        (raw / "delta.txt").write_text("A new document arrived in the folder today.\n", encoding="utf-8")
        (raw / "beta.txt").unlink()
        third = _serve(env, "reprocess", "--timeout", "300")
        assert third.returncode == 0, third.stdout + third.stderr
        tasks = json.loads((clean / "run.json").read_text())["run"]["tasks"]
        assert tasks["layout"] == {"cached": 2, "computed": 1}, tasks
        assert not (clean / "beta.txt").exists() and (clean / "delta.txt").exists()
        incremental = _contract_files(clean)
    finally:
        stopped = _serve(env, "stop", timeout=60)
    assert stopped.returncode == 0
    status = _serve(env, "status", timeout=60)
    assert "server: down" in status.stdout

    # the incremental result equals a full run from scratch
    fresh_clean = tmp_path / "fresh"
    full = subprocess.run([sys.executable, "-m", "flows.clean_corpus", "--raw", str(raw), "--clean",
                           str(fresh_clean)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**env, "PREFECT_HOME": str(tmp_path / "fresh-home"),
                               "PREFECT_RESULTS_LOCAL_STORAGE_PATH": str(tmp_path / "fresh-home" / "r")})
    assert full.returncode == 0, full.stdout + full.stderr
    fresh = _contract_files(fresh_clean)
    manifest_keys = {"raw_dir"}
    for name in set(fresh) | set(incremental):
        if name == "manifest.json":
            a, b = json.loads(fresh[name]), json.loads(incremental[name])
            for k in manifest_keys:
                a.pop(k, None), b.pop(k, None)
            assert a == b
        else:
            assert fresh.get(name) == incremental.get(name), name


_SCHEDULE_CHECK = r"""
import json, time
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId, FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
from prefect.client.schemas.objects import StateType
from flows.clean_corpus import clean_corpus
with get_client(sync_client=True) as client:
    dep = client.read_deployment_by_name(f"{clean_corpus.name}/reprocess")
    crons = [s.schedule.cron for s in client.read_deployment_schedules(dep.id)]
    runs = []
    for _ in range(30):
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[dep.id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))))
        if runs:
            break
        time.sleep(1)
print(json.dumps({"crons": crons, "scheduled_runs": len(runs)}))
"""
