"""Backup and restore of the portal's database.

PostgreSQL: ``pg_dump --format=custom`` (compressed, every table, sequences and indexes; owners and
grants left out so that a dump restores under any role) and ``pg_restore`` in a single transaction
(all or nothing). SQLite (the demo): SQLite's online backup API into a file, and a file copy back.
The client programs ``pg_dump`` and ``pg_restore`` must be on PATH with a major version at least the
server's.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import environ
from django.db import connection


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client programs)") from None
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def target(database_url: str | None = None) -> dict:
    """The database settings to act on: ``database_url`` (e.g. ``postgres://postgres@127.0.0.1/scratch``)
    or the portal's own database."""
    if database_url:
        parsed = environ.Env.db_url_config(database_url)
        vendor = "sqlite" if "sqlite" in parsed["ENGINE"] else "postgresql"
        return {**parsed, "vendor": vendor}
    return {**connection.settings_dict, "vendor": connection.vendor}


def backup(path: Path | str, database_url: str | None = None) -> Path:
    """Write a consistent dump of the database to ``path`` (PostgreSQL: pg_dump custom format; SQLite:
    a copy of the file). Returns ``path``. Raises BackupError."""
    db = target(database_url)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if db["vendor"] == "postgresql":
        args, env = _pg_args(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path), *args], env)
    else:
        with sqlite3.connect(db["NAME"]) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
    return path


def _has_tables(db: dict) -> bool:
    if db["vendor"] == "postgresql":
        import psycopg2

        with psycopg2.connect(
            dbname=db["NAME"],
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
        ) as conn:
            with conn.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
                found = cursor.fetchone()[0] > 0
        conn.close()
        return found
    if not Path(db["NAME"]).exists():
        return False
    with sqlite3.connect(db["NAME"]) as conn:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def restore(path: Path | str, database_url: str | None = None, replace: bool = False) -> None:
    """Restore the dump ``path`` into the database (which must exist and be empty, unless ``replace``:
    then its tables are dropped first). PostgreSQL restores in one transaction: all or nothing.
    Raises BackupError (missing file, non-empty database, pg_restore's error)."""
    db = target(database_url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    if not replace and _has_tables(db):
        raise BackupError(
            f"the database {db['NAME']} is not empty; restore into an empty database, or give "
            "--replace to drop its tables first"
        )
    if db["vendor"] == "postgresql":
        args, env = _pg_args(db)
        clean = ["--clean", "--if-exists"] if replace else []
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *clean,
                *args,
                str(path),
            ],
            env,
        )
    else:
        with sqlite3.connect(path) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is not a sound SQLite database")
        shutil.copyfile(path, db["NAME"])
