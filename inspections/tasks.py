"""Background work of the inspections app: the daily overdue-findings check."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def check_overdue_findings():
    """Mark and count overdue findings (inspections.services.check_overdue). Returns the count."""
    return services.check_overdue().overdue
