"""``python manage.py publish_release [--note ... --note-ru ... --note-kk ...] [--corrects N] [--dry-run]``:
prepare, review and publish a release of the public site in one go, as the system (public.services).

Prints the number of values suppressed and the release's number. ``--corrects N``: the release is a
correction of published release N (a note is then required). ``--dry-run``: prints what would be
published (the national figures, the suppression list, the number it would take) and writes nothing
(the draft is prepared in a transaction that is rolled back). Exits with an error message, having
written nothing, on bad arguments.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Max

from public import dictionary, review, services
from public.models import Release


class Command(BaseCommand):
    help = "Prepare, review and publish a release of the public site (as the system)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--note", default="", help="the note in English")
        parser.add_argument("--note-ru", default="", help="the note in Russian")
        parser.add_argument("--note-kk", default="", help="the note in Kazakh")
        parser.add_argument("--corrects", type=int, help="the number of the published release this one corrects")
        parser.add_argument("--dry-run", action="store_true", help="print what would be published, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        corrects = None
        if options["corrects"] is not None:
            corrects = Release.objects.published().filter(number=options["corrects"]).first()
            if corrects is None:
                raise CommandError(f"--corrects {options['corrects']}: no published release has that number")
        notes = {"note": options["note"], "note_ru": options["note_ru"], "note_kk": options["note_kk"]}
        try:
            if options["dry_run"]:
                self._dry_run(notes, corrects)
                return
            release = services.prepare(None, corrects=corrects, **notes)
            release = services.publish(None, services.review(None, release))
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error
        self.stdout.write(f"suppressed: {len(release.suppressions)}")
        self.stdout.write(
            f"published release {release.number} (figures as of {release.as_of}, sha256 {release.sha256})"
        )

    def _dry_run(self, notes: dict[str, str], corrects: Release | None) -> None:
        with transaction.atomic():
            release = services.prepare(None, corrects=corrects, **notes)
            current = Release.objects.current()
            number = (Release.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            self.stdout.write(
                f"dry run: nothing is written. Would publish release {number} (figures as of {release.as_of})"
            )
            self.stdout.write(f"disclosure rules: {release.rules}; licence {release.licence}; demo {release.is_demo}")
            for figure in review.national_changes(release, current, "en"):
                after = f"- ({figure.after_suppressed})" if figure.after_suppressed else figure.after
                before = f"- ({figure.before_suppressed})" if figure.before_suppressed else figure.before
                self.stdout.write(f"  {figure.title}: {before} -> {after}")
            changes = review.facility_changes(release, current)
            self.stdout.write(f"facilities added: {', '.join(changes['added']) or '-'}")
            self.stdout.write(f"facilities removed: {', '.join(changes['removed']) or '-'}")
            self.stdout.write(f"suppressed: {len(release.suppressions)}")
            for s in release.suppressions:
                self.stdout.write(f"  {s['table']} {s['code']} {dictionary.csv_column(s['column'])}: {s['reason']}")
            transaction.set_rollback(True)
