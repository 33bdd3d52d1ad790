"""Background work of the cells app (Celery): the compliance recalculation, and its scheduling after edits."""

import datetime
from collections.abc import Iterable

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core import outbox

from .compliance import run as compliance_run
from .models import ComplianceRun


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True, max_retries=30, default_retry_delay=20
)
def recalculate_compliance(
    self, run_date: str | None = None, facility_id: int | None = None, trigger: str = "task", full: bool = False
) -> int:
    """Run cells.compliance.run.recalculate_compliance; ``run_date`` as ``YYYY-MM-DD`` (default today,
    Almaty); ``full`` evaluates every cell (the weekly run) instead of the cells whose inputs changed.

    Idempotent: rerunning for the same date gives the same results and snapshots. Soft and hard time
    limits come from settings (CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT). A run refused by
    the lock (another run in progress) is retried later, up to 30 times 20 s apart, so that a recompute
    after an edit is not lost. Returns the ComplianceRun id.
    """
    date = datetime.date.fromisoformat(run_date) if run_date else None
    run = compliance_run.recalculate_compliance(run_date=date, facility_id=facility_id, trigger=trigger, full=full)
    if run.outcome == ComplianceRun.Outcome.SKIPPED and not self.request.is_eager:
        raise self.retry()
    return run.pk


def schedule_recalculation(*facility_ids: int | None) -> None:
    """Recompute these facilities' compliance in a Celery task sent when the transaction commits
    (never before it, never on rollback). With the broker down the task is kept in the outbox
    (core.outbox) and sent when it is back; the edit itself is saved either way."""
    for facility_id in sorted({f for f in facility_ids if f}):
        outbox.send_on_commit(recalculate_compliance, facility_id=facility_id, trigger="edit")


@shared_task(ignore_result=True)
def recover_stopped_runs() -> list[int]:
    """Beat, every minute (roadmap_portal/celery.py): record the runs that stopped without finishing
    (recorded ``running`` while nobody holds the run lock: cells.compliance.run.record_stopped_runs) as
    interrupted, and send a fresh run for each one that no later run has made good, once
    (``recovery_sent_at``), without waiting for the broker's visibility timeout to deliver the killed
    task again (that copy, if it comes, reruns idempotently). A recovery run that itself stops is left to
    an administrator (the run admin's "recompute now"), so that a run that kills its worker every time is
    not restarted every minute. Returns the ids of the runs recovered."""
    compliance_run.record_stopped_runs()
    stopped = compliance_run.unrecovered_stops().filter(recovery_sent_at__isnull=True)
    return send_recovery(stopped.exclude(trigger=compliance_run.RECOVERY_TRIGGER))


def send_recovery(runs: Iterable[ComplianceRun], trigger: str = compliance_run.RECOVERY_TRIGGER) -> list[int]:
    """Send a fresh run (same snapshot date, facility and scope; ``trigger``) for each of ``runs``
    when the transaction commits (through the outbox: kept if the broker is down) and record
    ``recovery_sent_at``; runs of one facility, date and scope are sent once. Returns the ids of the runs."""
    sent, ids = set(), []
    with transaction.atomic():
        for run in runs:
            ids.append(run.pk)
            key = (run.run_date, run.facility_id, run.full)
            if key not in sent:
                sent.add(key)
                outbox.send_on_commit(
                    recalculate_compliance,
                    run_date=run.run_date.isoformat(),
                    facility_id=run.facility_id,
                    full=run.full,
                    trigger=trigger,
                )
        ComplianceRun.objects.filter(pk__in=ids).update(recovery_sent_at=timezone.now())
    return ids
