"""``python manage.py restore FILE [--replace] [--database-url URL]``: restore a dump (see core.backup)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = (
        "Restore a dump made by `manage.py backup` into an empty database (PostgreSQL: pg_restore in one "
        "transaction; SQLite: the file copied back). --replace drops the existing tables first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the dump file")
        parser.add_argument("--replace", action="store_true", help="drop the database's tables first")
        parser.add_argument(
            "--database-url",
            metavar="URL",
            help="restore into this database instead of the portal's (e.g. to check a backup)",
        )

    def handle(
        self, *args: Any, file: str, replace: bool = False, database_url: str | None = None, **options: Any
    ) -> None:
        try:
            backup.restore(file, database_url, replace=replace)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {file}")
