"""``python manage.py recalculate_compliance [--facility CODE] [--date YYYY-MM-DD] [--full]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from cells.compliance.run import recalculate_compliance
from cells.models import ComplianceRun
from core.validators import future_message, is_in_future
from facilities.models import Facility


def _date(value: str) -> datetime.date:
    """The snapshot date given: a date in the form YYYY-MM-DD, not after today (Asia/Almaty): a run
    records the cells as they are now, and figures dated in the future would lead the dashboards.
    Raises CommandError."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: '{value}' is not a date in the form YYYY-MM-DD") from None
    if is_in_future(day):
        raise CommandError(f"--date: {future_message()}")
    return day


class Command(BaseCommand):
    help = (
        "Recompute compliance results and the day's snapshots: the cells whose inputs changed since their "
        "last evaluation (every cell with --full), estate-wide or for one facility."
    )

    def add_arguments(self, parser):
        parser.add_argument("--facility", metavar="CODE", help="facility code, e.g. АК-159/7")
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="snapshot date (default: today, Asia/Almaty)")
        parser.add_argument("--full", action="store_true", help="evaluate and aggregate every cell")

    def handle(self, *args, facility=None, date=None, full=False, **options):
        run_date = _date(date) if date else None
        try:
            run = recalculate_compliance(run_date=run_date, facility_code=facility, trigger="command", full=full)
        except Facility.DoesNotExist:
            raise CommandError(f"--facility: no facility with code '{facility}'") from None
        if run.outcome == ComplianceRun.Outcome.SKIPPED:
            raise CommandError(run.error)
        self.stdout.write(
            f"Compliance run {run.pk} ({run.run_date}): {run.cells_evaluated} cells evaluated, "
            f"{run.results_written} cells with new results, {run.results_deleted} no longer in use, "
            f"{run.snapshots_written} snapshots, {run.duration_seconds:.2f} s"
        )
