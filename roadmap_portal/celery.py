"""Celery application and beat schedule.

Without ``CELERY_BROKER_URL`` (the zero-setup demo) tasks run eagerly in-process; see settings.
The nightly compliance run is scheduled at 02:00 Asia/Almaty (UTC+5): it evaluates the cells whose inputs
changed; on Sundays it evaluates every cell (``full``), which also catches cells deleted in the admin.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")

app = Celery("roadmap_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "recalculate-compliance-nightly": {
        "task": "cells.tasks.recalculate_compliance",
        "schedule": crontab(hour=2, minute=0, day_of_week="mon-sat"),
        "kwargs": {"trigger": "nightly"},
    },
    "recalculate-compliance-weekly-full": {
        "task": "cells.tasks.recalculate_compliance",
        "schedule": crontab(hour=2, minute=0, day_of_week="sun"),
        "kwargs": {"trigger": "weekly", "full": True},
    },
    "recover-stopped-compliance-runs": {  # a run whose worker was killed: noticed by its free lock, rerun
        "task": "cells.tasks.recover_stopped_runs",
        "schedule": 60.0,
    },
    "resend-pending-tasks": {  # tasks kept in the outbox while the broker was down (core.outbox)
        "task": "core.tasks.resend_pending_tasks",
        "schedule": 60.0,
    },
    "fail-stuck-imports": {  # imports whose worker died become failed, with the reason (registers.services)
        "task": "registers.tasks.fail_stuck_imports",
        "schedule": 300.0,
    },
    "check-overdue-findings-daily": {
        "task": "inspections.tasks.check_overdue_findings",
        "schedule": crontab(hour=6, minute=0),
    },
}
