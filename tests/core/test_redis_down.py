"""Redis down (broker and cache on a closed port): pages and reads answer, writes save, the tasks they
would send are kept in the outbox and sent when the broker is back, the user is told, the dashboard shows
the date of the last successful run, and the run lock (PostgreSQL) still serialises runs."""

import datetime
import os
import socket
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone

from cells.compliance.outcomes import recorded_results
from cells.models import Cell, ComplianceRun
from cells.services import recalculate_compliance
from core.models import PendingTask
from facilities.models import ProgressUpdate
from inspections.models import Inspection
from roadmap_portal.celery import app
from tests.conftest import requires_broker, requires_postgres

RUN_DAY = datetime.date(2026, 11, 1)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


def _use_broker(url):
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
    app._pool = None  # the connection and producer pools were built for the old URL
    app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    """Point the Celery broker, REDIS_URL and the cache at a closed port; put them back afterwards."""
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    previous = app.conf.broker_url
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    _use_broker(url)
    yield url
    _use_broker(previous)


@requires_postgres
@requires_broker
@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_answer_writes_save_and_tasks_wait_for_the_broker(world, redis_down, client):
    a, users, clients = world.a, world.users, world.clients
    assert recalculate_compliance(run_date=RUN_DAY).outcome == "succeeded"  # the lock needs no Redis
    today = timezone.localdate().isoformat()

    # Reads: the dashboard, the facility list, the summary API.
    client.force_login(users["prosecutor"])
    started = time.monotonic()
    for url in ("/", "/facilities/", f"/facilities/{a.facility.pk}/"):
        assert client.get(url).status_code == 200, url
    summary = clients["prosecutor"].get("/api/v1/summary/")
    reads_seconds = time.monotonic() - started
    assert summary.status_code == 200
    assert summary.json()["last_successful_run"]["date"] == "2026-11-01"
    assert summary.json()["figures_date"] == "2026-11-01"

    # Writes that send no task save as usual: a progress update, an inspection.
    progress = clients["editor_a"].post(
        f"/api/v1/conversions/{a.project.pk}/progress/",
        {"version": 1, "date": today, "status": "construction", "percent_complete": "70", "budget_spent_kzt": "700000"},
        format="json",
    )
    assert progress.status_code == 201, progress.content
    assert ProgressUpdate.objects.filter(project=a.project, percent_complete=70).count() == 1
    inspection = clients["prosecutor"].post(
        "/api/v1/inspections/",
        {
            "facility": a.facility.pk,
            "date_start": today,
            "body": "prosecutor",
            "type": "unannounced",
        },
        format="json",
    )
    assert inspection.status_code == 201, inspection.content
    assert Inspection.objects.filter(facility=a.facility, type="unannounced").exists()

    # A write whose recompute task cannot be sent: saved, the task kept, the client told.
    started = time.monotonic()
    patched = clients["editor_a"].patch(f"/api/v1/cells/{a.cell.pk}/", {"living_space_m2": "7.10"}, format="json")
    send_seconds = time.monotonic() - started
    assert patched.status_code == 200 and patched["X-Portal-Deferred-Tasks"] == "1"
    a.cell.refresh_from_db()
    assert str(a.cell.living_space_m2) == "7.10"
    pending = PendingTask.objects.get()
    assert pending.task == "cells.tasks.recalculate_compliance"
    assert pending.kwargs == {"facility_id": a.facility.pk, "trigger": "edit"}
    assert "127.0.0.1" in pending.last_error or "Connection" in pending.last_error

    # The same through the page: saved, and the next page shows the notice.
    client.force_login(users["editor_a"])
    response = client.post(
        f"/cells/{a.cell.pk}/edit/",
        {
            "version": a.cell.version,  # the version the page was opened with
            "block": a.cell_block.pk,
            "number": a.cell.number,
            "accommodation_type": "single_occupancy_cell",
            "living_space_m2": "7.50",
            "design_capacity": 1,
            "occupancy": 1,
            "status": "in_use",
            "ceiling_height_m": "2.70",
            "min_wall_distance_m": "2.20",
            "has_sanitary_annex": "true",
            "sanitary_annex_partitioned": "true",
            "has_natural_light": "true",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saved. The background queue is unreachable" in page
    a.cell.refresh_from_db()
    assert str(a.cell.living_space_m2) == "7.50" and PendingTask.objects.count() == 2
    dashboard = client.get("/").content.decode()
    assert "2 recomputes are waiting and will be sent when it is back" in dashboard
    # 1 November 2026, day first in English too (issue 18; was 11/01/2026)
    assert 'id="last-successful-run"' in dashboard and "<strong>01.11.2026</strong>" in dashboard

    # While the broker is down the resend keeps the tasks (one more failed attempt each time it tries).
    call_command("resend_pending_tasks")
    assert list(PendingTask.objects.values_list("attempts", flat=True)) == [2, 1]

    # The broker is back: the outbox is sent and a worker runs the recomputes.
    _use_broker(os.environ["CELERY_BROKER_URL"])
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        call_command("resend_pending_tasks")
        assert not PendingTask.objects.exists()
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and ComplianceRun.objects.filter(trigger="edit", finished_at__isnull=False).count() < 2
        ):
            time.sleep(0.2)
    edits = list(ComplianceRun.objects.filter(trigger="edit").values_list("facility_id", "outcome"))
    assert edits == [(a.facility.pk, "succeeded")] * 2
    result = recorded_results(Cell.objects.filter(pk=a.cell.pk))[(a.cell.pk, "CPT-2015")]
    assert result.status == "compliant"
    print(
        f"\nRedis down: 3 pages + summary API in {reads_seconds:.2f} s; a write with a refused send "
        f"{send_seconds:.2f} s"
    )


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_resend_command_runs_in_a_process_of_its_own():
    """``manage.py resend_pending_tasks`` in a fresh process (no task module imported yet) resolves the
    stored task names: with the broker still down the task stays waiting, and nothing crashes."""
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    row = PendingTask.objects.create(
        task="cells.tasks.recalculate_compliance", kwargs={"facility_id": 1}, last_error="down"
    )
    db = connection.settings_dict
    env = {
        **os.environ,
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "resend_pending_tasks"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "0 tasks sent, 1 still waiting for the queue" in done.stdout
    assert PendingTask.objects.get().attempts == row.attempts + 1  # tried again, kept
