"""Background work of register imports: large files are checked and written by a worker."""

from celery import shared_task

from . import services
from .models import ImportRecord


# The name is the one the task had in roadmap_portal/tasks.py: messages already queued (or kept in the
# outbox, core.outbox) under that name are still delivered.
@shared_task(name="roadmap_portal.tasks.process_import", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_import(record_id: int, confirm: bool = False, user_id: int | None = None):
    """Check (and with ``confirm`` write, as user ``user_id``) an uploaded register:
    registers.services.process. Idempotent: an import already written is not written again."""
    from django.contrib.auth import get_user_model

    record = ImportRecord.objects.get(pk=record_id)
    if record.status == ImportRecord.Status.IMPORTED:
        return record.pk
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return services.process(record, confirm=confirm, user=user).pk
