"""``python manage.py import_register KIND PATH [--dry-run] [--sheet NAME] [--encoding NAME] [--user NAME]
[--allow-older-counts]`` and ``import_register KIND --template [--language kk|ru|en]``."""

import csv
import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.export import neutralise
from registers import columns, imports, report, services
from registers.models import ImportRecord


class Command(BaseCommand):
    help = (
        "Import a register (CSV or XLSX) of KIND: facilities, blocks, cells, headcounts, residence, or a "
        "mechanism's recommendations (recommendations). "
        "Exits with status 1 when any row is rejected; then nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(imports.COLUMNS))
        parser.add_argument("path", nargs="?")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--sheet", help="XLSX sheet (default: the first)")
        parser.add_argument(
            "--encoding", choices=["utf-8", "cp1251", "utf-16"], help="CSV encoding (default: detected)"
        )
        parser.add_argument("--user", default=None, help="acting user (default: the first superuser)")
        parser.add_argument(
            "--template",
            action="store_true",
            help="print the template (the header line; with --language, headers and an example row in it)",
        )
        parser.add_argument(
            "--language",
            choices=list(columns.LANGUAGES),
            help="language of the template's headers and example values (default: the column codes)",
        )
        parser.add_argument(
            "--allow-older-counts",
            action="store_true",
            help="write counts older than the stored ones (else such rows are rejected)",
        )

    def handle(
        self,
        kind,
        path=None,
        dry_run=False,
        sheet=None,
        encoding=None,
        user=None,
        template=False,
        language=None,
        allow_older_counts=False,
        **options,
    ):
        if template:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([neutralise(h) for h in columns.template_header(kind, language)])
            if language:
                writer.writerow([neutralise(v) for v in columns.template_example(kind, language)])
            self.stdout.write(buffer.getvalue(), ending="")
            return
        if not path:
            raise CommandError(_("Give the PATH of the file to import (or --template)."))
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        User = get_user_model()
        actor = (
            User.objects.filter(username=user).first()
            if user
            else User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError(_("No acting user: create a superuser or pass --user NAME."))
        record = services.upload(
            user=actor,
            kind=kind,
            file_name=file.name,
            data=file.read_bytes(),
            encoding=encoding or "",
            sheet=sheet or "",
            allow_older_counts=allow_older_counts,
        )
        record = services.process(record, confirm=not dry_run)
        if record.status == ImportRecord.Status.FAILED:
            raise CommandError(record.message)
        counts = {
            "id": record.pk,
            "kind": kind,
            "file": file.name,
            "rows": record.rows,
            "created": record.created,
            "updated": record.updated,
            "unchanged": record.unchanged,
            "rejected": record.rejected,
        }
        if dry_run:
            summary = _(
                "Import #%(id)s %(kind)s %(file)s: %(rows)s rows, %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(rejected)s rejected (dry run: nothing written)."
            )
        else:
            summary = _(
                "Import #%(id)s %(kind)s %(file)s: %(rows)s rows, %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(rejected)s rejected."
            )
        self.stdout.write(summary % counts)
        for entry in report.entries(kind, record.changes[: imports.ERRORS_SHOWN]):
            older = " (" + _("count older than the stored one") + ")" if entry["older"] else ""
            self.stdout.write(
                "  " + _("row %(row)s, %(object)s") % {"row": entry["row"], "object": entry["object"]} + older
            )
            for line in entry["lines"]:
                self.stdout.write("    " + line)
        for error in record.errors[: imports.ERRORS_SHOWN]:
            self.stdout.write(
                "  "
                + _("row %(row)s, %(column)s: %(reason)s")
                % {"row": error["row"], "column": error["column"] or "-", "reason": error["reason"]}
            )
        if record.rejected:
            raise CommandError(_("%(count)s row(s) rejected; nothing was written.") % {"count": record.rejected})
