"""An empty, fully migrated Prefect database to start a fresh Prefect home from.

A fresh ``PREFECT_HOME`` makes Prefect's temporary server run every schema
migration of its SQLite database (~9 s on this 2-core machine: more than the
whole cleaning of the seeds). The result is the same empty database each time,
so ``make install`` builds it once per Prefect version (``python -m
flows.schema``) and a run whose Prefect home has no database starts from a copy
of it. The template also has Prefect's block types registered, which its
server otherwise does at the first start of every new home (~1 s, more on a
busy machine): :func:`blocks_registered` tells the CLI's server
(:mod:`flows.server`) that it may skip that. The copy holds no runs, no cached
results and no settings: the run is still cold, only the schema is ready.
``SCANCLEAN_PREFECT_SCHEMA=off`` turns this off (``make bench`` measures both).
A template built before block types were registered in it (the ``-schema.db``
file of earlier versions) is still used; the server then registers them itself.

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
from contextlib import closing
from importlib.metadata import version
from pathlib import Path

from cleaners.words.diskindex import cache_root

SWITCH_ENV = "SCANCLEAN_PREFECT_SCHEMA"
DATABASE_NAME = "prefect.db"  # Prefect's default SQLite file under PREFECT_HOME


def template_path() -> Path:
    """Where the migrated empty database of the installed Prefect version is kept (the
    same cache folder as the word engine's indexes)."""
    return cache_root() / f"prefect-{version('prefect')}-schema-blocks.db"


def _legacy_template_path() -> Path:
    """The template of earlier versions: migrated, block types not registered."""
    return cache_root() / f"prefect-{version('prefect')}-schema.db"


# Run by build_template in the scratch home, with Prefect's own functions: what its server's
# start-up does for a new database (load the installed collections, register the block types).
_REGISTER_BLOCKS = """
import asyncio
import prefect.plugins
from prefect.server.database import provide_database_interface
from prefect.server.models.block_registration import run_block_auto_registration

async def main():
    prefect.plugins.load_prefect_collections()
    session = await provide_database_interface().session()
    async with session:
        await run_block_auto_registration(session=session)
        await session.commit()

asyncio.run(main())
"""


def blocks_registered(prefect_home: str | os.PathLike | None = None) -> bool:
    """Whether the Prefect home's database already has block types (from the template or an
    earlier run): its server need not register them again. False when unsure."""
    if not _enabled():
        return False
    home = Path(prefect_home or os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    path = home / DATABASE_NAME
    if not path.is_file():
        return False
    import sqlite3

    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)) as db:
            return db.execute("select count(*) from block_type").fetchone()[0] > 0
    except sqlite3.Error:
        return False


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
    if not template.is_file():
        template = _legacy_template_path()
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
        subprocess.run([sys.executable, "-c", _REGISTER_BLOCKS], env=env, check=True, stdout=subprocess.DEVNULL)
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
