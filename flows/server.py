"""Start the run's temporary Prefect server before Prefect is imported.

Without ``PREFECT_API_URL`` Prefect starts a temporary server on the flow's
first API call: it first imports its whole server package in the flow's own
process (~4 s here) only to spawn ``uvicorn`` in a subprocess, which imports
it all again and takes another ~5 s to answer. The CLI
(``python -m flows.clean_corpus``) instead spawns the same subprocess, with
the same command and environment as Prefect's ``SubprocessASGIServer``, as
its very first act, sets ``PREFECT_API_URL`` to it, and only then imports
Prefect and the cleaners: the server starts while this process imports and
loads the word lists. The flow waits for the server's health check before its
first API call (:meth:`ApiServer.wait`). The server is stopped when the
process exits (``atexit``, after Prefect's own exit handlers have flushed
their logs and events, because it is registered before Prefect is imported),
and is killed with the process on Linux (``PR_SET_PDEATHSIG``), so a killed
run leaves no server behind.

Nothing is started when Prefect is configured to use a server
(``PREFECT_API_URL`` in the environment or in the active profile) or
forbidden to start one (``PREFECT_SERVER_ALLOW_EPHEMERAL_MODE=false``), or
with ``SCANCLEAN_EARLY_SERVER=off``; then Prefect does as it always does. A
server that exits or does not answer within
``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` fails the run before the
flow starts (exit status 2), as Prefect's own start-up would; a port taken
meanwhile (uvicorn's exit status 3) is retried on another port, as Prefect does.

Plain Python: this module must not import Prefect.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

SWITCH_ENV = "SCANCLEAN_EARLY_SERVER"
_PORT_IN_USE = 3  # uvicorn's exit status when it cannot bind its port
_PR_SET_PDEATHSIG = 1
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an http_proxy


def _off(value: str | None) -> bool:
    return str(value).strip().lower() in ("off", "0", "false", "no")


def _active_profile() -> dict:
    """The active Prefect profile's settings, read from ``profiles.toml`` (without Prefect)."""
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    name = os.environ.get("PREFECT_PROFILE") or data.get("active") or "ephemeral"
    profile = data.get("profiles", {}).get(name, {})
    return profile if isinstance(profile, dict) else {}


def wanted() -> bool:
    """Whether this process should start its own temporary server (see the module doc)."""
    if _off(os.environ.get(SWITCH_ENV, "on")):
        return False
    settings = {**_active_profile(), **os.environ}
    if settings.get("PREFECT_API_URL"):
        return False
    return not _off(settings.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


class ApiServer:
    """A temporary Prefect API server in a subprocess (``uvicorn``, like Prefect's own)."""

    def __init__(self, *, migrate: bool = True, register_blocks: bool = True):
        self.migrate, self.register_blocks = migrate, register_blocks
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _spawn(self) -> None:
        prefect_dir = Path(find_spec("prefect").origin).parent  # what Prefect passes as --app-dir
        self.port = _free_port()
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        if not self.migrate:
            # a database just copied from the migrated template of this Prefect version
            env.setdefault("PREFECT_API_DATABASE_MIGRATE_ON_START", "false")
        if not self.register_blocks:
            # the database has them (flows.schema.blocks_registered); the memo check alone
            # would import every installed Prefect collection to hash their blocks
            env.setdefault("PREFECT_API_BLOCKS_REGISTER_ON_START", "false")
            env.setdefault("PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION", "false")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)

    def start(self) -> "ApiServer":
        """Spawn the server and point ``PREFECT_API_URL`` at it; returns at once."""
        self.started = time.monotonic()
        self._spawn()
        os.environ["PREFECT_API_URL"] = self.api_url
        atexit.register(self.stop)
        return self

    def wait(self, timeout: float | None = None) -> float:
        """Block until the server answers its health check; returns the seconds since start."""
        if timeout is None:
            timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or 120)
        deadline = self.started + timeout
        while True:
            code = self.process.poll() if self.process else -1
            if code == _PORT_IN_USE:
                self._spawn()  # someone took the port between our check and uvicorn's bind
                os.environ["PREFECT_API_URL"] = self.api_url
                continue
            if code is not None:
                raise RuntimeError(f"the temporary Prefect server exited with status {code} before it "
                                   f"answered; see its messages above")
            try:
                with _DIRECT.open(self.api_url + "/health", timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - self.started
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"timed out after {timeout:g} s waiting for the temporary Prefect server "
                                   f"(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (as Prefect does its own: terminate, then kill after 5 s)."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
