"""``make load`` (bench/load.py, run by .ci/run) leaves no database behind: dropped when the run ends,
also when a step fails; ``bench/load.py --drop`` (the CI exit trap) drops it alone."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import requires_postgres

ROOT = Path(__file__).resolve().parents[2]
NAME = "h3acc_load_cleanup_test"  # a database of this test only


def _server():
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0]


def _exists(name):
    import psycopg2

    connection = psycopg2.connect(f"{_server()}/postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def _load_module(monkeypatch):
    monkeypatch.setenv("LOAD_DATABASE", NAME)
    monkeypatch.delenv("LOAD_KEEP_DATABASE", raising=False)
    spec = importlib.util.spec_from_file_location("bench_load_under_test", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _no_leftover():
    """Whatever a test does, this test's database does not outlive it."""
    yield
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg2

        connection = psycopg2.connect(f"{_server()}/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        connection.close()


@requires_postgres
def test_a_failed_load_run_drops_its_database(monkeypatch):
    load = _load_module(monkeypatch)
    monkeypatch.setattr(load.shutil, "which", lambda name: f"/usr/bin/{name}")
    seen = []
    real_run = load.run

    def run(*command, capture=True):
        if "migrate" in command:  # the database exists now; the run fails here
            seen.append(_exists(NAME))
            raise SystemExit("migrate failed")
        return real_run(*command, capture=capture)

    monkeypatch.setattr(load, "run", run)
    monkeypatch.setattr(load.signal, "signal", lambda *args: None)  # leave pytest's handlers alone
    with pytest.raises(SystemExit, match="migrate failed"):
        load.main()
    assert seen == [True]
    assert not _exists(NAME)


@requires_postgres
def test_drop_alone_drops_the_load_database(monkeypatch):
    load = _load_module(monkeypatch)
    load.psql(f'CREATE DATABASE "{NAME}"')
    assert _exists(NAME)
    environment = {**os.environ, "LOAD_DATABASE": NAME}
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--drop"], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not _exists(NAME)


def test_ci_drops_the_load_database_on_every_exit():
    script = (ROOT / ".ci" / "run").read_text()
    assert "trap drop_load_database EXIT" in script and "bench/load.py --drop" in script
