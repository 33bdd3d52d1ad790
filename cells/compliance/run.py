"""A compliance run: its record, its lock and its stages (docs/compliance-engine.md, §Stages and modules and §Locks).

Stages, each reading the one RuleSet the run read at its start:
1. rules (ruleset.read_active_rules) and scope (policy.decide_scope);
2. evaluation (evaluate.evaluate_cells, with scan.scan_all in a full run);
3. figures (snapshots.write_figures: blocks.update_block_figures, then snapshots.roll_up).
"""

from __future__ import annotations

import datetime
import logging
import traceback

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cells.models import ComplianceRun
from core.locks import announcing, exclusive_lock, is_held
from facilities.models import Facility

from . import evaluate, policy, snapshots
from .ruleset import read_active_rules

logger = logging.getLogger(__name__)

RUN_LOCK = "compliance-run"
SKIPPED_MESSAGE = "Another compliance run holds the lock; nothing was changed."
STOPPED_MESSAGE = (
    "Stopped without finishing: recorded as running while no process held the run lock (its worker was "
    "killed or lost its database connection); nothing of it was kept."
)
RECOVERY_TRIGGER = "recovery"


def after_cells_evaluated(run: ComplianceRun) -> None:
    """Called inside the run's transaction between the evaluation and the figures. Does nothing: a seam
    for the tests (tests/cells/fault_worker.py pauses a real worker here to kill it mid-run)."""


def recalculate_compliance(
    *,
    run_date: datetime.date | None = None,
    facility_code: str | None = None,
    facility_id: int | None = None,
    trigger: str = "manual",
    full: bool = False,
) -> ComplianceRun:
    """Recompute compliance and the day's snapshots, for one facility or the whole estate.

    Only the cells whose inputs changed since their last evaluation are evaluated, and only their blocks'
    figures changed; ``full`` evaluates every cell and recounts every block (the weekly run). ``run_date``
    (default today in Asia/Almaty) is the snapshot date. The run is recorded first as ``running`` (its own
    commit, so the dashboard shows it; announced with core.locks.announcing until it has tried the lock);
    its work and the ``succeeded`` outcome are then written in one transaction holding
    core.locks.exclusive_lock. A run that finds the lock taken is recorded as ``skipped`` and changes
    nothing; one that raises is recorded as ``failed`` (in the transaction that holds the lock, its work
    rolled back to a savepoint) and leaves the previous figures, and the exception is raised again; one
    whose process was killed is recorded ``interrupted`` as soon as its lock is seen free
    (record_stopped_runs), or by the next run that takes the lock. Returns the ComplianceRun. Raises
    Facility.DoesNotExist for an unknown facility.
    """
    run_date = run_date or timezone.localdate()
    facility = None
    if facility_code is not None:
        facility = Facility.objects.get(code=facility_code)
    elif facility_id is not None:
        facility = Facility.objects.get(pk=facility_id)
    failure: Exception | None = None
    with announcing(RUN_LOCK) as announced:
        run = ComplianceRun.objects.create(
            run_date=run_date, facility=facility, trigger=trigger, full=full, started_at=timezone.now()
        )
        try:
            with transaction.atomic(), exclusive_lock(RUN_LOCK) as acquired:
                if not acquired:  # recorded while announced: never seen as a run that died
                    _finish(run, ComplianceRun.Outcome.SKIPPED, SKIPPED_MESSAGE)
                else:
                    announced()
                    # Holding the lock, any other 'running' record belongs to a run that died.
                    _stopped(ComplianceRun.objects.exclude(pk=run.pk))
                    try:
                        with transaction.atomic():
                            _run(run, facility, full)
                    except Exception as exc:  # recorded in the transaction that holds the lock
                        failure = exc
                        _finish(run, ComplianceRun.Outcome.FAILED, traceback.format_exc()[-4000:])
        except Exception:  # the transaction itself failed (e.g. the connection went): record it outside
            _finish(run, ComplianceRun.Outcome.FAILED, traceback.format_exc()[-4000:])
            raise
    if failure is not None:
        raise failure
    if not acquired:
        logger.warning("compliance run %s skipped: another run in progress", run.pk)
        return run
    logger.info(
        "compliance run %s: %s cells, %s with other outcomes, %s left use, %s snapshots in %.2f s",
        run.pk,
        run.cells_evaluated,
        run.results_written,
        run.results_deleted,
        run.snapshots_written,
        run.duration_seconds,
    )
    return run


def _finish(run: ComplianceRun, outcome: str, error: str) -> None:
    run.outcome = outcome
    run.error = error
    run.finished_at = timezone.now()
    run.save()


def _stopped(runs: QuerySet[ComplianceRun]) -> int:
    """Record the ``running`` ones of ``runs`` as interrupted, noticed now (STOPPED_MESSAGE); their number."""
    return runs.filter(outcome=ComplianceRun.Outcome.RUNNING).update(
        outcome=ComplianceRun.Outcome.INTERRUPTED, finished_at=timezone.now(), error=STOPPED_MESSAGE
    )


def run_lock_held() -> bool | None:
    """Whether a compliance run holds (or is about to try) the run lock now: True or False on PostgreSQL
    (core.locks.is_held reads pg_locks); None on SQLite when this process holds none (another process
    cannot be asked)."""
    return is_held(RUN_LOCK)


def record_stopped_runs() -> int:
    """Record as ``interrupted`` every run recorded ``running`` while nobody holds the run lock: it stopped
    without finishing (its worker was killed, its connection went), whatever its start time. ``finished_at``
    is when this noticed it, ``error`` STOPPED_MESSAGE. Idempotent; asks PostgreSQL (run_lock_held), never
    the clock, and changes nothing when it cannot tell (SQLite, another process). Returns the number of runs
    recorded. Two queries when a run is recorded running, one otherwise."""
    running = ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.RUNNING)
    ids = list(running.values_list("pk", flat=True))  # read before asking for the lock: a run recorded later is
    if not ids or run_lock_held() is not False:  # announced until it holds the lock
        return 0
    return _stopped(running.filter(pk__in=ids))


def unrecovered_stops() -> QuerySet[ComplianceRun]:
    """The runs that stopped without finishing (``interrupted``) and that no later run has made good: no run
    started after it that succeeded or is running, for the whole estate or the same facility, for the same
    or a later snapshot date, evaluating every cell if it did. Latest first."""
    later = ComplianceRun.objects.filter(
        Q(facility__isnull=True) | Q(facility=OuterRef("facility")),
        Q(full=True) | Q(full=OuterRef("full")),
        started_at__gt=OuterRef("started_at"),
        run_date__gte=OuterRef("run_date"),
        outcome__in=[ComplianceRun.Outcome.SUCCEEDED, ComplianceRun.Outcome.RUNNING],
    )
    return ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.INTERRUPTED).filter(~Exists(later))


def _run(run: ComplianceRun, facility: Facility | None, full: bool) -> None:
    """The body of a run, inside its transaction and lock: the stages, then the succeeded record."""
    rule_set = read_active_rules()  # the run's only read of the rules
    run.rules_version = rule_set.version
    scope = policy.decide_scope(rule_set.version, full, facility)
    run.full, run.facility = scope.full, scope.facility
    counts = evaluate.evaluate_cells(rule_set, scope.facility.pk if scope.facility else None, full=scope.full)
    after_cells_evaluated(run)
    run.blocks_version = policy.blocks_version()  # before the roll-up: a block moved meanwhile shows next time
    run.snapshots_written = snapshots.write_figures(
        run.run_date, rule_set, scope.facility, full=scope.full, blocks=run.blocks_version
    )
    # ComplianceRun's columns keep their first names (docs/compliance-engine.md, §Stored data).
    run.cells_evaluated = counts.cells_evaluated
    run.results_written = counts.outcomes_changed
    run.results_deleted = counts.left_use
    run.outcome = ComplianceRun.Outcome.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
