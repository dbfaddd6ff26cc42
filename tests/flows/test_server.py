"""flows.server (the CLI's own temporary Prefect server) and the CLI started from a shell."""

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from flows import server

ROOT = Path(__file__).parents[2]
SEEDS = ROOT / "raw"


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    """No Prefect server configured anywhere: a scratch home without profiles."""
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH",
                 "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", server.SWITCH_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_started_only_when_prefect_would_start_a_temporary_server(bare_env, monkeypatch):
    assert server.wanted()
    monkeypatch.setenv(server.SWITCH_ENV, "off")
    assert not server.wanted()
    monkeypatch.delenv(server.SWITCH_ENV)
    monkeypatch.setenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")
    assert not server.wanted()
    monkeypatch.delenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert not server.wanted()


def test_a_server_in_the_active_profile_is_used(bare_env, monkeypatch):
    bare_env.mkdir(parents=True)
    (bare_env / "profiles.toml").write_text(
        'active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect.example:4200/api"\n'
        '[profiles.local]\nPREFECT_LOGGING_LEVEL = "DEBUG"\n')
    assert not server.wanted()
    monkeypatch.setenv("PREFECT_PROFILE", "local")  # the environment picks another profile
    assert server.wanted()
    (bare_env / "profiles.toml").write_text("not [ toml")  # unreadable: Prefect's default profile
    assert server.wanted()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_cli_runs_the_flow_on_its_own_server_and_stops_it(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))[:2]):
        (raw / f"doc{i}.txt").write_bytes(b"".join(seed.read_bytes().splitlines(keepends=True)[:40]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != server.SWITCH_ENV}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), SCANCLEAN_TIMELINE="1",
               PREFECT_RESULTS_LOCAL_STORAGE_PATH=str(tmp_path / "prefect" / "results"),
               PYTHONPATH=str(ROOT), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    done = subprocess.run([sys.executable, "-m", "flows.clean_corpus", "--raw", str(raw), "--clean",
                           str(tmp_path / "clean")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "clean" / "doc0.txt").is_file() and (tmp_path / "clean" / "report" / "index.html").is_file()
    marks = [line.split(None, 4)[-1] for line in done.stderr.splitlines() if line.startswith("timeline")]
    assert marks.index("server spawned") < marks.index("Prefect and the flow imported") < marks.index("server ready")
    assert "flow returned" in marks
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", done.stdout + done.stderr).group(1))
    assert not _port_open(port), "the server outlived the run"
    run = json.loads((tmp_path / "clean" / "run.json").read_text())["run"]
    assert run["tasks"]["layout"] == {"cached": 0, "computed": 2}
