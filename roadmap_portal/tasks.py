"""Background work of the top floor: large register imports."""

from celery import shared_task

from . import services
from .models import ImportRecord


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_import(record_id: int, confirm: bool = False, user_id: int | None = None):
    """Check (and with ``confirm`` write, as user ``user_id``) an uploaded register:
    roadmap_portal.services.process. Idempotent: an import already written is not written again."""
    from django.contrib.auth import get_user_model

    record = ImportRecord.objects.get(pk=record_id)
    if record.status == ImportRecord.Status.IMPORTED:
        return record.pk
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return services.process(record, confirm=confirm, user=user).pk
