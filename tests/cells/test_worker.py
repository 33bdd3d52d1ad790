"""The nightly task through a real Celery worker consuming from Redis, and its beat schedule."""
import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab

from cells.models import ComplianceRun, ComplianceSnapshot
from cells.tasks import recalculate_compliance
from roadmap_portal.celery import app
from tests.conftest import requires_broker
from tests.factories import CellFactory


@requires_broker
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker(standards, regions):
    CellFactory.create_batch(3, block__facility__region__code="KZ-35")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        recalculate_compliance.delay(run_date="2026-11-27", trigger="test")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            run = ComplianceRun.objects.filter(trigger="test", finished_at__isnull=False).first()
            if run:
                break
            time.sleep(0.2)
    assert run is not None, "the worker did not run the task within 30 s"
    assert (run.outcome, run.cells_evaluated) == ("succeeded", 3)
    nation = ComplianceSnapshot.objects.get(date=datetime.date(2026, 11, 27), scope="nation",
                                            profile__code="CPT-2015")
    assert nation.persons == 3 and nation.persons_compliant == 3


def test_task_options_and_beat_schedule():
    assert recalculate_compliance.acks_late is True
    assert recalculate_compliance.reject_on_worker_lost is True
    entry = app.conf.beat_schedule["recalculate-compliance-nightly"]
    assert entry["task"] == "cells.tasks.recalculate_compliance"
    assert entry["schedule"] == crontab(hour=2, minute=0)
    assert app.conf.timezone == "Asia/Almaty"
    assert app.conf.task_time_limit < app.conf.broker_transport_options["visibility_timeout"]
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


@pytest.mark.django_db
def test_task_runs_eagerly_in_the_demo(standards, regions, settings):
    CellFactory(block__facility__region__code="KZ-35")
    app.conf.task_always_eager = True
    try:
        recalculate_compliance.delay(run_date="2026-11-26", trigger="eager")
    finally:
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    assert ComplianceRun.objects.get(trigger="eager").outcome == "succeeded"
