"""``python manage.py backup [--output FILE]``: dump the database (see core.backup)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import backup


class Command(BaseCommand):
    help = (
        "Dump the database to a file: PostgreSQL with pg_dump --format=custom, SQLite as a copy. "
        "Default file: backups/roadmap-YYYYMMDD-HHMMSS.dump"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", metavar="FILE", help="where to write the dump")
        parser.add_argument("--database-url", metavar="URL", help="dump this database instead of the portal's")

    def handle(self, *args: Any, output: str | None = None, database_url: str | None = None, **options: Any) -> None:
        path = output or f"backups/roadmap-{timezone.localtime():%Y%m%d-%H%M%S}.dump"
        try:
            written = backup.backup(path, database_url)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written: {written} ({written.stat().st_size:,} bytes)")
