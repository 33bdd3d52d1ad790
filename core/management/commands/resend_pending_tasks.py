"""``python manage.py resend_pending_tasks``: send again the tasks kept while the broker was down."""

from typing import Any

from django.core.management.base import BaseCommand

from core import outbox


class Command(BaseCommand):
    help = "Send again the background tasks kept in the outbox while the broker (Redis) was unreachable."

    def handle(self, *args: Any, **options: Any) -> None:
        sent, pending = outbox.resend_pending()
        self.stdout.write(f"{sent} tasks sent, {pending} still waiting for the queue")
