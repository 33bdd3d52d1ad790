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
from django.utils import timezone

from cells.models import ComplianceRun
from core.locks import exclusive_lock
from facilities.models import Facility

from . import evaluate, policy, snapshots
from .ruleset import read_active_rules

logger = logging.getLogger(__name__)

RUN_LOCK = "compliance-run"
SKIPPED_MESSAGE = "Another compliance run holds the lock; nothing was changed."


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
    commit, so the dashboard shows it); its work and the ``succeeded`` outcome are then written in one
    transaction holding core.locks.exclusive_lock. A run that finds the lock taken is recorded as
    ``skipped`` and changes nothing; one that raises is recorded as ``failed`` and leaves the previous
    figures; one whose process was killed stays ``running`` until the next run that takes the lock records
    it as ``interrupted``. Returns the ComplianceRun. Raises Facility.DoesNotExist for an unknown facility.
    """
    run_date = run_date or timezone.localdate()
    facility = None
    if facility_code is not None:
        facility = Facility.objects.get(code=facility_code)
    elif facility_id is not None:
        facility = Facility.objects.get(pk=facility_id)
    run = ComplianceRun.objects.create(
        run_date=run_date, facility=facility, trigger=trigger, full=full, started_at=timezone.now()
    )
    try:
        with transaction.atomic(), exclusive_lock(RUN_LOCK) as acquired:
            if acquired:
                # Holding the lock, any other 'running' record belongs to a run that died.
                ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.RUNNING).exclude(pk=run.pk).update(
                    outcome=ComplianceRun.Outcome.INTERRUPTED, finished_at=timezone.now()
                )
                _run(run, facility, full)
    except Exception:
        run.outcome = ComplianceRun.Outcome.FAILED
        run.error = traceback.format_exc()[-4000:]
        run.finished_at = timezone.now()
        run.save()
        raise
    if not acquired:
        run.outcome = ComplianceRun.Outcome.SKIPPED
        run.finished_at = timezone.now()
        run.error = SKIPPED_MESSAGE
        run.save()
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
