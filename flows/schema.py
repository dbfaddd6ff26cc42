"""An empty, fully migrated Prefect database to start a fresh Prefect home from.

A fresh ``PREFECT_HOME`` makes Prefect's temporary server run every schema
migration of its SQLite database (~9 s on this 2-core machine: more than the
whole cleaning of the seeds). The result is the same empty database each time,
so ``make install`` builds it once per Prefect version (``python -m
flows.schema``) and a run whose Prefect home has no database starts from a copy
of it. The copy holds no runs, no cached results and no settings: the run is
still cold, only the schema is ready. ``SCANCLEAN_PREFECT_SCHEMA=off`` turns
this off (``make bench`` measures both).

Only the default SQLite database under ``PREFECT_HOME`` is ever touched; a
configured database URL (a real server) is left alone. This module does not
import Prefect, so it costs nothing when the copy is not needed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from cleaners.words.diskindex import cache_root

SWITCH_ENV = "SCANCLEAN_PREFECT_SCHEMA"
DATABASE_NAME = "prefect.db"  # Prefect's default SQLite file under PREFECT_HOME


def template_path() -> Path:
    """Where the migrated empty database of the installed Prefect version is kept (the
    same cache folder as the word engine's indexes)."""
    return cache_root() / f"prefect-{version('prefect')}-schema.db"


def _enabled() -> bool:
    return (os.environ.get(SWITCH_ENV, "on").lower() not in ("off", "0", "false", "no")
            and not os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")
            and not os.environ.get("PREFECT_SERVER_DATABASE_CONNECTION_URL")
            and not os.environ.get("PREFECT_API_URL"))


def prepare_prefect_home(prefect_home: str | os.PathLike | None = None) -> bool:
    """Create the Prefect home (with its parents: Prefect makes only the last folder and
    its server then fails to open the database) and seed its database; True if seeded."""
    home = Path(prefect_home or os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False  # Prefect reports an unusable home itself
    return seed_database(home)


def seed_database(prefect_home: str | os.PathLike | None = None) -> bool:
    """Copy the migrated empty database into a Prefect home that has none; True if copied."""
    if not _enabled():
        return False
    home = Path(prefect_home or os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    target = home / DATABASE_NAME
    template = template_path()
    if target.exists() or not template.is_file():
        return False
    home.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".prefect-db-", dir=home)
    os.close(fd)
    try:
        shutil.copyfile(template, tmp)
        try:
            os.link(tmp, target)  # fails if another process created the database meanwhile
        except FileExistsError:
            return False
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)


def build_template() -> Path:
    """Run Prefect's migrations on a scratch home and keep the database as the template."""
    template = template_path()
    template.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scanclean-schema-") as scratch:
        env = {**os.environ, "PREFECT_HOME": scratch, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "DO_NOT_TRACK": "1"}
        for name in ("PREFECT_API_URL", "PREFECT_API_DATABASE_CONNECTION_URL",
                     "PREFECT_SERVER_DATABASE_CONNECTION_URL"):
            env.pop(name, None)
        prefect_cli = Path(sys.executable).with_name("prefect")
        subprocess.run([str(prefect_cli), "server", "database", "reset", "-y"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        fd, tmp = tempfile.mkstemp(prefix=".prefect-schema-", dir=template.parent)
        os.close(fd)
        shutil.copyfile(Path(scratch) / DATABASE_NAME, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, template)  # atomic: readers see no template or a whole one
    return template


def main() -> int:
    if template_path().is_file() and "--force" not in sys.argv:
        print(f"prefect schema template: {template_path()} (exists)")
        return 0
    try:
        path = build_template()
    except (OSError, subprocess.CalledProcessError) as exc:  # a run then migrates as usual
        print(f"prefect schema template not built ({exc}); fresh runs will migrate the database",
              file=sys.stderr)
        return 0
    print(f"prefect schema template: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
