"""Sending Celery tasks so that an unreachable broker (Redis down) loses none of them.

``send_on_commit(task, **kwargs)`` sends the task when the current transaction commits (never on
rollback). If the broker refuses the connection, the task is kept as a core.models.PendingTask row
instead of failing the request whose data is already saved; ``resend_pending()`` (beat every minute,
or ``python manage.py resend_pending_tasks``) sends the rows again once the broker is back. The request
that stored a row is flagged (``deferred_in_request()``) so the page can tell the user.
"""

import contextvars
import logging
from typing import Any

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .models import PendingTask

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
# Publishing gives up after a few quick retries: a page must not hang on a broker that is down.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

_deferred = contextvars.ContextVar("portal_outbox_deferred", default=0)


def send(task: Any, kwargs: dict[str, Any]) -> bool:
    """Send ``task`` with ``kwargs`` now; on a broker error store a PendingTask and return False."""
    try:
        task.apply_async(kwargs=kwargs, retry=True, retry_policy=RETRY_POLICY)
        return True
    except BROKER_ERRORS as error:
        PendingTask.objects.create(task=task.name, kwargs=kwargs, last_error=repr(error)[:1000])
        _deferred.set(_deferred.get() + 1)
        logger.warning("broker unreachable: %s(%s) kept in the outbox (%r)", task.name, kwargs, error)
        return False


def send_on_commit(task: Any, **kwargs: Any) -> None:
    """Send ``task(**kwargs)`` when the current transaction commits (immediately outside one); a send the
    broker refuses is kept in the outbox (PendingTask) and sent again later, never lost."""
    transaction.on_commit(lambda: send(task, kwargs))


def resend_pending(limit: int = 500) -> tuple[int, int]:
    """Send the stored tasks again, oldest first (at most ``limit``); delete each one the broker accepted.

    Rows are locked (SKIP LOCKED on PostgreSQL) so that two resenders never send one twice.
    Returns (sent, still pending).
    """
    sent = 0
    # A management command's process has not imported the apps' task modules (the worker does it on
    # start): import them, so that every stored name resolves to its task.
    current_app.loader.import_default_modules()
    with transaction.atomic():
        rows = list(PendingTask.objects.select_for_update(skip_locked=True).order_by("created_at", "id")[:limit])
        for row in rows:
            try:
                current_app.tasks[row.task].apply_async(kwargs=row.kwargs, retry=True, retry_policy=RETRY_POLICY)
            except BROKER_ERRORS as error:
                PendingTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=repr(error)[:1000])
                break  # the broker is still down: keep the rest for the next attempt
            row.delete()
            sent += 1
    return sent, PendingTask.objects.count()


def reset_request_flag() -> None:
    """Forget earlier deferred sends (called at the start of each request)."""
    _deferred.set(0)


def deferred_in_request() -> int:
    """How many tasks this request (or thread) kept in the outbox because the broker was unreachable."""
    return _deferred.get()
