"""Scheduled batch reprocessing on a local Prefect server.

    python -m flows.serve start [--raw raw --clean clean --port 4200]   (make serve)
    python -m flows.serve schedule --cron "0 3 * * *"                   (make schedule)
    python -m flows.serve reprocess [--timeout 3600]                    (make reprocess)
    python -m flows.serve status
    python -m flows.serve stop                                          (make stop)

``start`` launches ``prefect server start`` (SQLite under ``.prefect/``, bound to
127.0.0.1, UI included) unless a server already answers at the recorded URL, then
a background process that serves the ``clean_corpus/reprocess`` deployment (the
temporary server Prefect starts for a plain run cannot fire schedules; this one
can). Both are detached; their pids, logs and the API URL are kept in
``.prefect/serve.json`` so the other commands and ``stop`` find them.

The cron schedule is saved in ``.prefect/schedule.json`` as well as set on the
live deployment, so a later ``start`` serves with the same schedule.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from flows.schema import prepare_prefect_home

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT = "reprocess"
HOST = "127.0.0.1"  # never bind the server to another interface


def state_dir() -> Path:
    home = Path(os.environ.get("PREFECT_HOME", ROOT / ".prefect"))
    home.mkdir(parents=True, exist_ok=True)
    return home


def _state_file() -> Path:
    return state_dir() / "serve.json"


def _schedule_file() -> Path:
    return state_dir() / "schedule.json"


def read_state() -> dict:
    try:
        return json.loads(_state_file().read_text())
    except (OSError, ValueError):
        return {}


def write_state(state: dict) -> None:
    tmp = _state_file().with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1))
    tmp.replace(_state_file())


def api_healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie child of ours is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return True


def _spawn(cmd: list[str], log: Path, env: dict) -> int:
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=ROOT, start_new_session=True)
    return proc.pid


def _child_env(api_url: str) -> dict:
    env = dict(os.environ)
    env.update(PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_HOME=str(state_dir()), PREFECT_SERVER_API_HOST=HOST)
    env.setdefault("PREFECT_RESULTS_LOCAL_STORAGE_PATH", str(state_dir() / "results"))
    return env


def wait_for(predicate, timeout: float, what: str, interval: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def saved_cron() -> str | None:
    try:
        return json.loads(_schedule_file().read_text()).get("cron")
    except (OSError, ValueError):
        return None


def start(raw: str, clean: str, port: int | None = None, timeout: float = 90.0) -> dict:
    """Start (or reuse) the server and the serving process; return the state record."""
    state = read_state()
    api_url = state.get("api_url")
    if not (api_url and api_healthy(api_url)):
        port = port or int(os.environ.get("SCANCLEAN_PREFECT_PORT", 4200))
        api_url = f"http://{HOST}:{port}/api"
        if not api_healthy(api_url):
            env = _child_env(api_url)
            prepare_prefect_home(state_dir())  # a new home starts from the migrated empty database
            pid = _spawn([sys.executable, "-m", "prefect", "server", "start", "--host", HOST,
                          "--port", str(port)], state_dir() / "server.log", env)
            state = {"api_url": api_url, "server_pid": pid}
            write_state(state)
            wait_for(lambda: api_healthy(api_url) or not alive(pid), timeout, "the Prefect server")
            if not api_healthy(api_url):
                raise RuntimeError(f"the Prefect server did not start; see {state_dir() / 'server.log'}")
        else:
            state = {"api_url": api_url, "server_pid": None}  # someone else's server: never stop it
    if not alive(state.get("serve_pid")):
        env = _child_env(api_url)
        cmd = [sys.executable, "-m", "flows.serve", "_serve", "--raw", str(Path(raw).resolve()),
               "--clean", str(Path(clean).resolve())]
        state["serve_pid"] = _spawn(cmd, state_dir() / "serve.log", env)
        state.update(raw=str(Path(raw).resolve()), clean=str(Path(clean).resolve()))
        write_state(state)
        wait_for(lambda: _deployment_id(api_url) is not None or not alive(state["serve_pid"]),
                 timeout, "the deployment to be served")
        if _deployment_id(api_url) is None:
            raise RuntimeError(f"serving failed; see {state_dir() / 'serve.log'}")
    write_state(state)
    return state


def _flow_name() -> str:
    from flows.clean_corpus import clean_corpus

    return clean_corpus.name


def _deployment_id(api_url: str):
    os.environ["PREFECT_API_URL"] = api_url
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            return client.read_deployment_by_name(f"{_flow_name()}/{DEPLOYMENT}").id
    except Exception:  # not there yet, or server still starting
        return None


def _serve(raw: str, clean: str) -> None:
    """Run in the background by ``start``: serve the deployment until stopped."""
    from flows.clean_corpus import clean_corpus

    cron = saved_cron()
    clean_corpus.serve(name=DEPLOYMENT, cron=cron, parameters={"raw": raw, "clean": clean},
                       pause_on_shutdown=False, print_starting_message=True,
                       description="Reprocess the raw folder into the clean corpus (incremental).")


def _require_server() -> str:
    state = read_state()
    api_url = os.environ.get("PREFECT_API_URL") or state.get("api_url")
    if not api_url or not api_healthy(api_url):
        sys.exit("No Prefect server is running for this project: run `make serve` first.")
    os.environ["PREFECT_API_URL"] = api_url
    return api_url


def schedule(cron: str) -> list[str]:
    """Replace the deployment's schedules with one cron schedule (UTC); return next run times."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentScheduleCreate
    from prefect.client.schemas.schedules import CronSchedule

    sched = CronSchedule(cron=cron, timezone="UTC")  # validates the expression
    api_url = _require_server()
    _schedule_file().write_text(json.dumps({"cron": cron, "timezone": "UTC"}))
    dep_id = _deployment_id(api_url)
    if dep_id is None:
        sys.exit("The deployment is not served: run `make serve` first.")
    with get_client(sync_client=True) as client:
        for old in client.read_deployment_schedules(dep_id):
            client.delete_deployment_schedule(dep_id, old.id)
        client.create_deployment_schedules(dep_id, [DeploymentScheduleCreate(schedule=sched, active=True)])
        client.resume_deployment(dep_id)
    from cronsim import CronSim
    from datetime import datetime, timezone

    it = CronSim(cron, datetime.now(timezone.utc))
    return [next(it).isoformat() for _ in range(3)]


def reprocess(timeout: float | None = None) -> int:
    """Trigger a run of the deployment now, wait for it, print its outcome; return an exit code."""
    from prefect.deployments import run_deployment

    api_url = _require_server()
    flow_run = run_deployment(f"{_flow_name()}/{DEPLOYMENT}", timeout=timeout, poll_interval=1,
                              as_subflow=False)
    state = flow_run.state
    print(f"flow run {flow_run.name} ({flow_run.id}): {state.name if state else 'unknown'}")
    print(f"UI: {api_url.removesuffix('/api')}/runs/flow-run/{flow_run.id}")
    clean = read_state().get("clean")
    if clean and (Path(clean) / "run.json").exists():
        summary = json.loads((Path(clean) / "run.json").read_text())
        print(json.dumps(summary.get("totals", summary), indent=1)[:2000])
    return 0 if state is not None and state.is_completed() else 1


def _kill(pid: int | None, name: str) -> None:
    if not alive(pid):
        return
    try:
        os.killpg(pid, signal.SIGTERM)
    except OSError:
        os.kill(pid, signal.SIGTERM)
    try:
        wait_for(lambda: not alive(pid), 15, f"{name} to stop")
    except TimeoutError:
        os.killpg(pid, signal.SIGKILL)
    print(f"stopped {name} (pid {pid})")


def stop() -> None:
    state = read_state()
    _kill(state.get("serve_pid"), "the serving process")
    _kill(state.get("server_pid"), "the Prefect server")
    _state_file().unlink(missing_ok=True)


def status() -> int:
    state = read_state()
    api_url = state.get("api_url")
    up = bool(api_url and api_healthy(api_url))
    print(f"server: {'up at ' + api_url if up else 'down'}")
    print(f"serving process: {'running' if alive(state.get('serve_pid')) else 'not running'}")
    print(f"schedule: {saved_cron() or 'none'} (UTC)")
    return 0 if up else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m flows.serve", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("--raw", default="raw")
    s.add_argument("--clean", default="clean")
    s.add_argument("--port", type=int)
    s2 = sub.add_parser("_serve")
    s2.add_argument("--raw", required=True)
    s2.add_argument("--clean", required=True)
    sc = sub.add_parser("schedule")
    sc.add_argument("--cron", required=True)
    r = sub.add_parser("reprocess")
    r.add_argument("--timeout", type=float)
    sub.add_parser("stop")
    sub.add_parser("status")
    a = p.parse_args(argv)
    if a.cmd in ("schedule", "reprocess"):
        # point Prefect at our server before it is imported, or it starts a temporary one
        _require_server()
    if a.cmd == "start":
        st = start(a.raw, a.clean, a.port)
        ui = st["api_url"].removesuffix("/api")
        print(f"Prefect server and UI: {ui}\nserving deployment {_flow_name()}/{DEPLOYMENT} "
              f"(raw={st['raw']}, clean={st['clean']}); schedule: {saved_cron() or 'none'}\n"
              "next: make schedule CRON='0 3 * * *' | make reprocess | make stop")
        return 0
    if a.cmd == "_serve":
        _serve(a.raw, a.clean)
        return 0
    if a.cmd == "schedule":
        for t in schedule(a.cron):
            print(f"next run: {t}")
        return 0
    if a.cmd == "reprocess":
        return reprocess(a.timeout)
    if a.cmd == "stop":
        stop()
        return 0
    return status()


if __name__ == "__main__":
    sys.exit(main())
