"""Background work of the shared layer: sending again the tasks the broker did not accept."""

from celery import shared_task

from . import outbox


@shared_task(ignore_result=True)
def resend_pending_tasks() -> tuple[int, int]:
    """core.outbox.resend_pending(): send the PendingTask rows again; returns (sent, still pending)."""
    return outbox.resend_pending()
