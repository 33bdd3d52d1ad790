"""Records of the shared layer: the outbox of background tasks the broker did not accept."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingTask(models.Model):
    """A Celery task that could not be sent (broker unreachable) when its transaction committed.

    ``task`` is the task's registered name, ``kwargs`` its keyword arguments (JSON). core.outbox sends the
    rows again (beat, every minute; ``python manage.py resend_pending_tasks``) and deletes each one the
    broker accepted; ``attempts`` counts the failed sends, ``last_error`` keeps the latest reason.
    """

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("failed sends"), default=1)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("task waiting for the queue")
        verbose_name_plural = _("tasks waiting for the queue")

    def __str__(self) -> str:
        return f"{self.task}({self.kwargs})"
