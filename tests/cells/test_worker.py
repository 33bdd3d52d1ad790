"""The nightly task through a real Celery worker consuming from Redis, and its beat schedule."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab

from cells.compliance.outcomes import recorded_results
from cells.models import Cell, ComplianceRun, ComplianceSnapshot
from cells.tasks import recalculate_compliance
from roadmap_portal.celery import app
from tests.conftest import requires_broker
from tests.factories import CellFactory


@requires_broker
@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker(standards, regions):
    CellFactory.create_batch(3, block__facility__region__code="KZ-35")
    app.control.purge()
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
    nation = ComplianceSnapshot.objects.get(date=datetime.date(2026, 11, 27), scope="nation", profile__code="CPT-2015")
    assert nation.persons == 3 and nation.persons_compliant == 3


def test_task_options_and_beat_schedule():
    assert recalculate_compliance.acks_late is True
    assert recalculate_compliance.reject_on_worker_lost is True
    entry = app.conf.beat_schedule["recalculate-compliance-nightly"]
    assert entry["task"] == "cells.tasks.recalculate_compliance"
    assert entry["schedule"] == crontab(hour=2, minute=0, day_of_week="mon-sat")
    weekly = app.conf.beat_schedule["recalculate-compliance-weekly-full"]
    assert weekly["schedule"] == crontab(hour=2, minute=0, day_of_week="sun") and weekly["kwargs"]["full"] is True
    assert app.conf.timezone == "Asia/Almaty"
    assert app.conf.task_time_limit < app.conf.broker_transport_options["visibility_timeout"]
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


@pytest.mark.django_db
def test_task_runs_eagerly_in_the_demo(standards, regions):
    CellFactory(block__facility__region__code="KZ-35")
    recalculate_compliance.delay(run_date="2026-11-26", trigger="eager")
    assert ComplianceRun.objects.get(trigger="eager").outcome == "succeeded"


@requires_broker
@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_edit_sends_the_recompute_on_commit_to_a_real_worker(standards, regions):
    """A cell edit recomputes its facility through the worker after commit; a rolled-back edit sends nothing."""
    from decimal import Decimal

    from django.db import transaction

    from cells.services import save_cell
    from tests.conftest import make_user

    cell = CellFactory(block__facility__region__code="KZ-35", living_space_m2=Decimal("6.6"))
    editor = make_user("editor_w", "Ministry editors", regions=["KZ-35"])
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        try:
            with transaction.atomic():
                save_cell(user=editor, cell=cell, data={"living_space_m2": Decimal("5.0")})
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        save_cell(user=editor, cell=cell, data={"living_space_m2": Decimal("5.5")})
        deadline = time.monotonic() + 30
        run = None
        while time.monotonic() < deadline and run is None:
            run = ComplianceRun.objects.filter(trigger="edit", finished_at__isnull=False).first()
            time.sleep(0.2)
        time.sleep(1)  # would let a wrongly sent second task arrive
    assert run is not None and run.facility_id == cell.block.facility_id and run.outcome == "succeeded"
    assert ComplianceRun.objects.filter(trigger="edit").count() == 1  # nothing from the rolled-back edit
    result = recorded_results(Cell.objects.filter(pk=cell.pk))[(cell.pk, "CPT-2015")]
    assert (result.status, result.failed) == ("non_compliant", {"CPT-2015-1": "living_space_m2"})
    cell.refresh_from_db()  # the worker evaluated the committed edit (5.5 m²), not the rolled-back one
    assert (cell.living_space_m2, cell.evaluated_revision) == (Decimal("5.5"), cell.input_revision)
