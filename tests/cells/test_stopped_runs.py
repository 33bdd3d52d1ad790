"""A compliance run that stopped without finishing (issue 16, item 5): its worker killed outright, main
process and child. The run's advisory lock tells a dead run from a live one (PostgreSQL is asked, not the
clock); the dashboard and the summary API say so; the next beat tick (cells.tasks.recover_stopped_runs) or
an administrator's "recompute now" recovers it without waiting for the broker's visibility timeout.
"""

import datetime
import os
import signal
import time

import pytest
from django.db import connection
from django.utils import timezone

from cells.compliance.run import STOPPED_MESSAGE, record_stopped_runs, unrecovered_stops
from cells.models import ComplianceRun
from cells.services import recalculate_compliance
from cells.tasks import recover_stopped_runs
from tests.cells.faults import build_estate, clear_broker, lock_held_elsewhere, start_worker, stop, tables
from tests.conftest import make_user, requires_broker, requires_postgres, token_client

DAY = datetime.date(2026, 11, 20)
STOPPED = "stopped without finishing at"
RECOVERS = "the next scheduled run or an administrator's \u201crecompute now\u201d recovers it"


def _dead_run(trigger="nightly", **fields) -> ComplianceRun:
    """A run recorded ``running`` (as a killed worker leaves it), started a minute ago: well inside the
    task's time limit, so that only the lock can tell that it no longer runs. (In a test that is not
    transactional, a run that ran holds the lock until the test ends: build the dead run before any.)"""
    started = timezone.now() - datetime.timedelta(minutes=1)
    return ComplianceRun.objects.create(run_date=DAY, trigger=trigger, started_at=started, **fields)


def _summary():
    return token_client(make_user(f"api{ComplianceRun.objects.count()}", "Prosecutors")).get("/api/v1/summary/").json()


@requires_postgres
@pytest.mark.django_db
def test_running_record_with_a_free_lock_is_shown_as_stopped_and_recorded_interrupted(standards, regions, client):
    build_estate()
    dead = _dead_run()
    api = _summary()
    assert api["run_in_progress"] is None
    assert api["run_stopped"]["id"] == dead.pk
    assert STOPPED in api["run_stopped"]["message"] and RECOVERS in api["run_stopped"]["message"]
    dead.refresh_from_db()
    assert (dead.outcome, dead.error) == ("interrupted", STOPPED_MESSAGE)
    assert dead.finished_at is not None and dead.recovery_sent_at is None
    client.force_login(make_user("pros", "Prosecutors"))
    page = client.get("/").content.decode()
    assert 'id="run-stopped"' in page and STOPPED in page
    assert "A compliance run is in progress" not in page


@requires_postgres
@pytest.mark.django_db
def test_running_record_while_the_lock_is_held_is_in_progress(standards, regions, client):
    build_estate()
    going = _dead_run()
    with lock_held_elsewhere():
        assert record_stopped_runs() == 0
        api = _summary()
        assert api["run_in_progress"]["id"] == going.pk and api["run_stopped"] is None
        client.force_login(make_user("pros", "Prosecutors"))
        page = client.get("/").content.decode()
        assert "A compliance run is in progress (started" in page and 'id="run-stopped"' not in page
        assert recover_stopped_runs() == []  # the beat leaves a live run alone
    going.refresh_from_db()
    assert going.outcome == "running"


@requires_postgres
@pytest.mark.django_db
def test_beat_tick_recovers_a_stopped_run_once(standards, regions, django_capture_on_commit_callbacks):
    build_estate()
    dead = _dead_run(full=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stopped_runs() == [dead.pk]  # eager here: the fresh run runs on commit
    dead.refresh_from_db()
    assert dead.outcome == "interrupted" and dead.recovery_sent_at is not None
    recovery = ComplianceRun.objects.get(trigger="recovery")
    assert (recovery.outcome, recovery.run_date, recovery.full, recovery.facility) == ("succeeded", DAY, True, None)
    assert not unrecovered_stops().exists() and _summary()["run_stopped"] is None
    assert recover_stopped_runs() == []  # once
    assert ComplianceRun.objects.filter(trigger="recovery").count() == 1


def test_the_beat_looks_for_stopped_runs_every_minute():
    from roadmap_portal.celery import app

    entry = app.conf.beat_schedule["recover-stopped-compliance-runs"]
    assert (entry["task"], entry["schedule"]) == ("cells.tasks.recover_stopped_runs", 60.0)


@requires_postgres
@pytest.mark.django_db
def test_a_recovery_that_stopped_too_is_said_but_left_to_an_administrator(standards, regions):
    build_estate()
    stopped_recovery = _dead_run(full=True, trigger="recovery")
    assert recover_stopped_runs() == []
    stopped_recovery.refresh_from_db()
    assert (stopped_recovery.outcome, stopped_recovery.recovery_sent_at) == ("interrupted", None)
    assert not ComplianceRun.objects.exclude(pk=stopped_recovery.pk).exists()
    assert _summary()["run_stopped"]["id"] == stopped_recovery.pk  # still said on the page and in the API


@requires_postgres
@pytest.mark.django_db
def test_admin_recompute_now_recovers_a_stopped_run_at_once(
    standards, regions, client, django_capture_on_commit_callbacks
):
    build_estate()
    dead = _dead_run()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/cells/compliancerun/", {"action": "recompute_now", "_selected_action": [dead.pk]}, follow=True
        )
    assert response.status_code == 200
    assert "Fresh runs sent: 1." in response.content.decode()
    dead.refresh_from_db()
    assert dead.outcome == "interrupted" and dead.recovery_sent_at is not None
    fresh = ComplianceRun.objects.get(trigger="admin")
    assert (fresh.outcome, fresh.run_date) == ("succeeded", DAY)
    assert _summary()["run_stopped"] is None


@pytest.mark.django_db
def test_on_sqlite_a_recent_running_record_cannot_be_judged_and_is_left_running(standards, regions):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only: another process's lock cannot be asked there")
    dead = _dead_run()
    assert record_stopped_runs() == 0
    assert _summary()["run_in_progress"]["id"] == dead.pk


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


@requires_postgres
@requires_broker
@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_outright_is_shown_stopped_and_the_beat_tick_recovers_it(standards, regions, tmp_path, client):
    from cells.tasks import recalculate_compliance as task

    build_estate()
    pause_file = tmp_path / "paused"
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
        # Production's limits: the killed message would come back only after 2,500 s, long after this test.
        "CELERY_TASK_SOFT_TIME_LIMIT": "1800",
        "CELERY_TASK_TIME_LIMIT": "1900",
        "CELERY_VISIBILITY_TIMEOUT": "2500",
    }
    clear_broker()
    log = open(tmp_path / "workers.log", "w")
    first = start_worker(env, "first", log, pause_file, pool="prefork")
    second = None
    try:
        task.delay(run_date=DAY.isoformat(), trigger="nightly", full=True)
        assert _wait(pause_file.exists, 60), "the worker did not reach the middle of the run"
        assert int(pause_file.read_text()) != first.pid  # prefork: the run is in the child
        killed = ComplianceRun.objects.get(trigger="nightly")
        assert killed.outcome == "running"
        os.killpg(first.pid, signal.SIGKILL)  # main process and child
        first.wait(timeout=10)
        # PostgreSQL ends the dead connection's backend, and its transaction's lock with it.
        assert _wait(lambda: record_stopped_runs() == 1, 30), "the killed run's lock stayed held"

        api = _summary()
        assert api["run_in_progress"] is None and api["run_stopped"]["id"] == killed.pk
        assert STOPPED in api["run_stopped"]["message"]
        client.force_login(make_user("pros", "Prosecutors"))
        page = client.get("/").content.decode()
        assert STOPPED in page and "A compliance run is in progress" not in page
        killed.refresh_from_db()
        assert (killed.outcome, killed.error) == ("interrupted", STOPPED_MESSAGE)

        second = start_worker(env, "second", log, pause_file, pool="prefork")  # the pause is used up: runs go through
        recover_stopped_runs.delay()  # the beat tick
        done = _wait(lambda: ComplianceRun.objects.filter(trigger="recovery", finished_at__isnull=False).first(), 90)
    finally:
        stop(first)
        if second is not None:
            stop(second)
        log.close()
        clear_broker()
    output = (tmp_path / "workers.log").read_text()
    assert done is not None, f"no recovery run finished; workers' log:\n{output[-3000:]}"
    assert done.outcome == "succeeded"
    assert list(ComplianceRun.objects.order_by("id").values_list("trigger", "outcome")) == [
        ("nightly", "interrupted"),
        ("recovery", "succeeded"),
    ]
    api = _summary()
    assert api["run_stopped"] is None and api["last_successful_run"]["id"] == done.pk
    # The recovery gives what a clean run gives.
    recovered = tables()
    assert recovered["snapshots"] and recovered["results"]
    assert recalculate_compliance(run_date=DAY, full=True, trigger="check").outcome == "succeeded"
    assert tables() == recovered
