"""Background work of register imports: files over services.BACKGROUND_BYTES are checked and written by a
worker, under a time limit; the beat marks imports whose worker died as failed."""

from celery import shared_task

from . import services
from .models import ImportRecord

SOFT_TIME_LIMIT = int(services.TIME_LIMIT.total_seconds())


# The name is the one the task had in roadmap_portal/tasks.py: messages already queued (or kept in the
# outbox, core.outbox) under that name are still delivered.
@shared_task(
    name="roadmap_portal.tasks.process_import",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=SOFT_TIME_LIMIT + 60,
)
def process_import(record_id: int, confirm: bool = False, user_id: int | None = None):
    """Check a ``pending`` import (registers.services.check) or, with ``confirm``, write one that
    services.start_confirm took (``confirming``: services.write_confirmed). A soft time limit of
    services.TIME_LIMIT stops it with the record ``failed`` and the reason; a record in any other step is
    left alone (a message delivered twice writes nothing twice). ``user_id`` is kept for messages queued
    before the confirm step existed (who confirms is on the record)."""
    record = ImportRecord.objects.filter(pk=record_id).first()
    if record is None:
        return None
    if confirm:
        if record.status == ImportRecord.Status.CHECKED and user_id:  # a message of the former one-step confirm
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(pk=user_id).first()
            return services.process(record, confirm=True, user=user).pk
        return services.write_confirmed(record).pk
    return services.check(record).pk


@shared_task(name="registers.tasks.fail_stuck_imports", ignore_result=True)
def fail_stuck_imports() -> int:
    """Beat: services.fail_stuck (imports stuck in a step past services.STUCK_AFTER become ``failed``)."""
    return services.fail_stuck()
