"""Faults in the compliance recalculation: a worker killed with SIGKILL in the middle of a run, a second
run while one is going, a run failing half way and retried.

What a killed run leaves (the definition these tests hold the code to): its ComplianceRun is recorded
``running`` (in its own commit before the run's transaction) and becomes ``interrupted`` once its lock is
seen free (tests/cells/test_stopped_runs.py) or the next run takes the lock; none of its results or snapshots survive (one transaction); the
redelivered message gives exactly one ``succeeded`` run with the complete snapshots.
"""

import datetime
import os
import signal
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from cells.models import Cell, ComplianceRun, ComplianceSnapshot
from cells.services import SKIPPED_MESSAGE, recalculate_compliance
from tests.cells.fault_worker import pause_once
from tests.cells.faults import (
    build_estate,
    change_some_cells,
    clear_broker,
    lock_held_elsewhere,
    start_worker,
    stop,
    tables,
)
from tests.conftest import make_user, requires_broker, requires_postgres, token_client

DAY = datetime.date(2026, 11, 20)


# --- 3. a run failing half way, retried: the same rows as one clean run --------------------------------


@pytest.mark.django_db
def test_run_failing_half_way_and_retried_equals_one_clean_run(standards, regions, monkeypatch):
    build_estate()
    assert recalculate_compliance(run_date=DAY - datetime.timedelta(days=1)).outcome == "succeeded"
    change_some_cells()
    before = tables()

    clean_point = transaction.savepoint()  # the clean run, then undone: the reference
    assert recalculate_compliance(run_date=DAY).outcome == "succeeded"
    clean = tables()
    transaction.savepoint_rollback(clean_point)
    assert tables() == before and clean != before  # the reference run did change something

    written = {}

    def fail_after_results(*args, **kwargs):  # results written (in the run's transaction), no snapshots
        written["results"] = Cell.objects.filter(evaluated_outcomes__isnull=False).count()
        raise RuntimeError("injected: the database went away before the snapshots")

    monkeypatch.setattr("cells.compliance.snapshots.write_figures", fail_after_results)
    with pytest.raises(RuntimeError, match="injected"):
        recalculate_compliance(run_date=DAY, trigger="faulty")
    failed = ComplianceRun.objects.get(trigger="faulty")
    assert failed.outcome == "failed" and "injected: the database went away" in failed.error
    assert failed.finished_at is not None and failed.snapshots_written == 0
    assert written["results"] == len(clean["results"])  # it did get half way
    assert tables() == before  # ... and nothing of it stayed

    monkeypatch.undo()
    retry = recalculate_compliance(run_date=DAY, trigger="retry")
    assert retry.outcome == "succeeded"
    assert tables() == clean
    # The dashboard's last run is the retry; the failed one is kept in the record.
    assert list(ComplianceRun.objects.filter(run_date=DAY).values_list("trigger", "outcome").order_by("id")) == [
        ("faulty", "failed"),
        ("retry", "succeeded"),
    ]


# --- 2. a second run while one is going -------------------------------------------------------------


@requires_postgres
@pytest.mark.django_db
def test_second_run_is_refused_while_another_session_holds_the_lock(standards, regions):
    build_estate()
    with lock_held_elsewhere():
        run = recalculate_compliance(run_date=DAY)
        with pytest.raises(CommandError, match="Another compliance run holds the lock; nothing was changed."):
            call_command("recalculate_compliance", "--date", DAY.isoformat())
    assert (run.outcome, run.error) == ("skipped", SKIPPED_MESSAGE)
    assert run.finished_at is not None
    assert not Cell.objects.filter(evaluated_outcomes__isnull=False).exists()
    assert not ComplianceSnapshot.objects.exists()
    assert list(ComplianceRun.objects.values_list("outcome", flat=True)) == ["skipped", "skipped"]
    assert recalculate_compliance(run_date=DAY).outcome == "succeeded"  # the lock went with the session


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_second_run_while_one_is_going_is_refused_and_the_pages_say_so(
    standards, regions, monkeypatch, tmp_path, client
):
    """A real run paused inside its transaction (at the run's seam, patched) in a thread; meanwhile a
    second run, the command, the dashboard and the summary API."""
    build_estate()
    pause_file = tmp_path / "paused"
    monkeypatch.setattr("cells.compliance.run.after_cells_evaluated", pause_once(str(pause_file), 4))
    outcome = {}

    def first_run():
        try:
            outcome["first"] = recalculate_compliance(run_date=DAY, trigger="first").outcome
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_run)
    thread.start()
    deadline = time.monotonic() + 20
    while not pause_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pause_file.exists(), "the first run did not reach the pause point"

    second = recalculate_compliance(run_date=DAY, trigger="second")
    assert (second.outcome, second.error) == ("skipped", SKIPPED_MESSAGE)
    with pytest.raises(CommandError, match="Another compliance run holds the lock"):
        call_command("recalculate_compliance")
    first = ComplianceRun.objects.get(trigger="first")
    assert first.outcome == "running"
    client.force_login(make_user("pros", "Prosecutors"))
    page = client.get("/").content.decode()
    assert "A compliance run is in progress (started" in page and "another run is refused until it ends" in page
    api = token_client(make_user("apiuser", "Prosecutors")).get("/api/v1/summary/").json()
    assert api["run_in_progress"]["id"] == first.pk and api["last_successful_run"] is None

    thread.join(30)
    assert outcome["first"] == "succeeded"
    api = token_client(make_user("apiuser2", "Prosecutors")).get("/api/v1/summary/").json()
    assert api["run_in_progress"] is None
    assert api["last_successful_run"]["id"] == first.pk and api["last_run"]["outcome"] == "succeeded"
    assert "A compliance run is in progress" not in client.get("/").content.decode()
    assert list(ComplianceRun.objects.values_list("trigger", "outcome").order_by("id")) == [
        ("first", "succeeded"),
        ("second", "skipped"),
        ("command", "skipped"),
    ]


# --- 1. a worker killed with SIGKILL in the middle of a run -----------------------------------------


@requires_postgres
@requires_broker
@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_in_the_middle_of_a_run_gives_exactly_one_complete_run(standards, regions, tmp_path):
    from cells.tasks import recalculate_compliance as task

    build_estate()
    pause_file = tmp_path / "paused"
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"],
        # The task's hard limit stays below the visibility timeout, both short so that the test
        # sees the redelivery within seconds (production: 1900 s and 2500 s).
        "CELERY_TASK_SOFT_TIME_LIMIT": "4",
        "CELERY_TASK_TIME_LIMIT": "5",
        "CELERY_VISIBILITY_TIMEOUT": "6",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }
    clear_broker()
    log = open(tmp_path / "workers.log", "w")
    first = start_worker(env, "first", log, pause_file)
    second = None
    try:
        task.delay(run_date=DAY.isoformat(), trigger="killed-test")
        deadline = time.monotonic() + 60
        while not pause_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pause_file.exists(), "the first worker did not reach the middle of the run"
        assert int(pause_file.read_text()) == first.pid  # solo pool: the task runs in the worker process
        # In the middle: results written inside the run's open transaction, no snapshots yet.
        running = ComplianceRun.objects.get(trigger="killed-test")
        assert running.outcome == "running" and not Cell.objects.filter(evaluated_outcomes__isnull=False).exists()
        killed_at = time.monotonic()
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert first.returncode == -signal.SIGKILL

        second = start_worker(env, "second", log, pause_file)
        deadline = time.monotonic() + 90
        done = None
        while done is None and time.monotonic() < deadline:
            done = ComplianceRun.objects.filter(trigger="killed-test", outcome="succeeded").first()
            time.sleep(0.2)
        redelivered_after = time.monotonic() - killed_at
        time.sleep(7)  # one more visibility timeout: a wrongly redelivered second copy would show up now
    finally:
        stop(first)
        if second is not None:
            stop(second)
        log.close()
        clear_broker()
    output = (tmp_path / "workers.log").read_text()
    assert done is not None, f"no run succeeded after the kill; workers' log:\n{output[-3000:]}"
    print(f"\nkilled mid-run; redelivered and finished {redelivered_after:.1f} s after SIGKILL")
    runs = list(ComplianceRun.objects.filter(trigger="killed-test").order_by("id").values_list("pk", "outcome"))
    assert runs == [(running.pk, "interrupted"), (done.pk, "succeeded")]
    assert ComplianceRun.objects.get(pk=running.pk).finished_at is not None
    # The succeeded run is complete: the same rows as a clean full run of the same date.
    after_worker = tables()
    assert after_worker["snapshots"] and after_worker["results"]
    assert recalculate_compliance(run_date=DAY, full=True, trigger="check").outcome == "succeeded"
    assert tables() == after_worker
    nation = ComplianceSnapshot.objects.get(date=DAY, scope="nation", profile__code="CPT-2015")
    assert (nation.cells, nation.persons) == (14, 2 * (4 + 1 + 1 + 24))
