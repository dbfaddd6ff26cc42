"""The migrated empty Prefect database that fresh Prefect homes start from (flows/schema.py)."""

import sqlite3

import pytest

from flows import schema


def _own_cache_and_no_server(tmp_path, monkeypatch) -> None:
    """A cache folder of the test's own, and no server or database configured."""
    monkeypatch.setenv("SCANCLEAN_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("PREFECT_API_URL", "PREFECT_API_DATABASE_CONNECTION_URL", schema.SWITCH_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture()
def template(tmp_path, monkeypatch):
    _own_cache_and_no_server(tmp_path, monkeypatch)
    path = schema.template_path()
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:  # stands in for Prefect's migrated database
        db.execute("create table alembic_version (version_num text)")
        db.execute("insert into alembic_version values ('head')")
    return path


def test_a_fresh_home_with_missing_parents_is_made_and_seeded(template, tmp_path):
    home = tmp_path / "a" / "b" / "prefect"
    assert schema.prepare_prefect_home(home)
    assert (home / schema.DATABASE_NAME).read_bytes() == template.read_bytes()
    assert not [p for p in home.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_existing_database_is_never_replaced(template, tmp_path):
    home = tmp_path / "prefect"
    home.mkdir()
    (home / schema.DATABASE_NAME).write_bytes(b"runs of last week")
    assert not schema.prepare_prefect_home(home)
    assert (home / schema.DATABASE_NAME).read_bytes() == b"runs of last week"


@pytest.mark.parametrize("env", [{schema.SWITCH_ENV: "off"}, {"PREFECT_API_URL": "http://127.0.0.1:4200/api"},
                                 {"PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://x/y"}])
def test_switched_off_or_another_database(template, tmp_path, monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "prefect"
    assert not schema.prepare_prefect_home(home)
    assert home.is_dir() and not (home / schema.DATABASE_NAME).exists()


def test_without_a_template_prefect_migrates_as_usual(tmp_path, monkeypatch):
    monkeypatch.setenv("SCANCLEAN_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.delenv(schema.SWITCH_ENV, raising=False)
    home = tmp_path / "prefect"
    assert not schema.prepare_prefect_home(home)
    assert not (home / schema.DATABASE_NAME).exists()


def test_an_earlier_template_without_block_types_is_still_used(tmp_path, monkeypatch):
    _own_cache_and_no_server(tmp_path, monkeypatch)
    legacy = schema._legacy_template_path()
    legacy.parent.mkdir(parents=True)
    with sqlite3.connect(legacy) as db:
        db.execute("create table block_type (name text)")
    home = tmp_path / "prefect"
    assert schema.prepare_prefect_home(home)
    assert (home / schema.DATABASE_NAME).read_bytes() == legacy.read_bytes()
    assert not schema.blocks_registered(home)  # the server registers them itself


def test_block_types_are_registered_only_where_the_database_has_none(template, tmp_path, monkeypatch):
    home = tmp_path / "prefect"
    assert not schema.blocks_registered(home)  # no database yet
    home.mkdir()
    (home / schema.DATABASE_NAME).write_bytes(b"not a database")
    assert not schema.blocks_registered(home)
    (home / schema.DATABASE_NAME).unlink()
    with sqlite3.connect(home / schema.DATABASE_NAME) as db:
        db.execute("create table block_type (name text)")
    assert not schema.blocks_registered(home)
    with sqlite3.connect(home / schema.DATABASE_NAME) as db:
        db.execute("insert into block_type values ('local-file-system')")
    assert schema.blocks_registered(home)
    monkeypatch.setenv(schema.SWITCH_ENV, "off")
    assert not schema.blocks_registered(home)
