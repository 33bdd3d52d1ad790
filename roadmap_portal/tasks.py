"""Background work of the top floor: large register imports."""
from celery import shared_task

from . import services
from .models import ImportRecord


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_import(record_id: int, confirm: bool = False):
    """Check (and with ``confirm`` write) an uploaded register: roadmap_portal.services.process.
    Idempotent: an import already written is not written again."""
    record = ImportRecord.objects.get(pk=record_id)
    if record.status == ImportRecord.Status.IMPORTED:
        return record.pk
    return services.process(record, confirm=confirm).pk
