"""``python manage.py import_register KIND PATH [--dry-run] [--sheet NAME] [--encoding NAME] [--user NAME]``
and ``import_register KIND --template``."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from roadmap_portal import imports, services
from roadmap_portal.models import ImportRecord


class Command(BaseCommand):
    help = ("Import a register (CSV or XLSX) of KIND: facilities, blocks, cells, headcounts, residence. "
            "Exits with status 1 when any row is rejected; then nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(imports.COLUMNS))
        parser.add_argument("path", nargs="?")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--sheet", help="XLSX sheet (default: the first)")
        parser.add_argument("--encoding", choices=["utf-8", "cp1251", "utf-16"],
                            help="CSV encoding (default: detected)")
        parser.add_argument("--user", default=None, help="acting user (default: the first superuser)")
        parser.add_argument("--template", action="store_true", help="print the template's header line")

    def handle(self, kind, path=None, dry_run=False, sheet=None, encoding=None, user=None, template=False,
               **options):
        if template:
            self.stdout.write(",".join(imports.template_header(kind)))
            return
        if not path:
            raise CommandError("Give the PATH of the file to import (or --template).")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file at {path}.")
        User = get_user_model()
        actor = (User.objects.filter(username=user).first() if user
                 else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first())
        if actor is None:
            raise CommandError("No acting user: create a superuser or pass --user NAME.")
        record = services.upload(user=actor, kind=kind, file_name=file.name, data=file.read_bytes(),
                                 encoding=encoding or "", sheet=sheet or "")
        record = services.process(record, confirm=not dry_run)
        if record.status == ImportRecord.Status.FAILED:
            raise CommandError(record.message)
        self.stdout.write(f"Import #{record.pk} {kind} {file.name}: {record.rows} rows, {record.created} created, "
                          f"{record.updated} updated, {record.unchanged} unchanged, {record.rejected} rejected"
                          f"{' (dry run: nothing written)' if dry_run else ''}.")
        for error in record.errors[:imports.ERRORS_SHOWN]:
            self.stdout.write(f"  row {error['row']}, {error['column'] or '-'}: {error['reason']}")
        if record.rejected:
            raise CommandError(f"{record.rejected} row(s) rejected; nothing was written.")
