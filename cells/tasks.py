"""Background work of the cells app (Celery): the compliance recalculation."""
import datetime

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def recalculate_compliance(run_date: str | None = None, facility_id: int | None = None, trigger: str = "task"):
    """Run cells.services.recalculate_compliance; ``run_date`` as ``YYYY-MM-DD`` (default today, Almaty).

    Idempotent: rerunning for the same date gives the same results and snapshots. Soft and hard time
    limits come from settings (CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT).
    Returns the ComplianceRun id.
    """
    date = datetime.date.fromisoformat(run_date) if run_date else None
    run = services.recalculate_compliance(run_date=date, facility_id=facility_id, trigger=trigger)
    return run.pk
