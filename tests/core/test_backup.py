"""Backup and restore (PostgreSQL): a dump restored into an empty database gives the same summary figures
and the same rows; restoring over a database that has tables is refused; a bad file is refused."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cells.services import recalculate_compliance
from reporting.selectors import summary
from tests.conftest import requires_postgres

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = (
    "import json; from reporting.selectors import summary; print(json.dumps(summary(), default=str, sort_keys=True))"
)


def _connect(name):
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=name,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
    )
    conn.autocommit = True
    return conn


def _row_counts(name) -> dict:
    with _connect(name) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_an_empty_database_gives_the_same_figures(world, tmp_path):
    assert recalculate_compliance(run_date=datetime.date(2026, 11, 2)).outcome == "succeeded"
    source = connection.settings_dict["NAME"]
    scratch = f"{source}_restore"
    admin = _connect("postgres")
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    admin.cursor().execute(f'CREATE DATABASE "{scratch}"')
    try:
        dump = tmp_path / "roadmap.dump"
        call_command("backup", output=str(dump))
        assert dump.stat().st_size > 10_000 and dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + scratch
        call_command("restore", str(dump), database_url=url)

        before, after = _row_counts(source), _row_counts(scratch)
        assert before == after
        assert before["cells_cell"] > 0 and before["cells_compliancesnapshot"] > 0
        assert before["facilities_progressupdate"] == 2 and before["inspections_finding"] == 2
        expected = json.loads(json.dumps(summary(), default=str, sort_keys=True))
        restored = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SUMMARY],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "DATABASE_URL": url},
        ).stdout
        assert json.loads(restored.strip().splitlines()[-1]) == expected
        assert expected["headline"]["persons"] is not None and expected["last_successful_run"]["date"] == "2026-11-02"

        with pytest.raises(CommandError, match="is not empty; restore into an empty database"):
            call_command("restore", str(dump), database_url=url)
        call_command("restore", str(dump), database_url=url, replace=True)  # over it, on purpose
        assert _row_counts(scratch) == before
        (tmp_path / "bad.dump").write_bytes(b"not a dump")
        with pytest.raises(CommandError, match="pg_restore failed"):
            call_command("restore", str(tmp_path / "bad.dump"), database_url=url, replace=True)
        assert _row_counts(scratch) == before  # one transaction: nothing half-restored
        with pytest.raises(CommandError, match="no such file"):
            call_command("restore", str(tmp_path / "missing.dump"), database_url=url)
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()


def test_sqlite_backup_and_restore_copy_the_file(tmp_path):
    import sqlite3

    from core import backup

    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1), (2)")
    dump = backup.backup(tmp_path / "copy.sqlite3", f"sqlite:///{database}")
    empty = tmp_path / "empty.sqlite3"
    backup.restore(dump, f"sqlite:///{empty}")
    with sqlite3.connect(empty) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    with pytest.raises(backup.BackupError, match="is not empty"):
        backup.restore(dump, f"sqlite:///{empty}")
