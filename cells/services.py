"""Writes of the cells app: loading the standards and running the compliance recalculation."""
import json
import logging
import traceback
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.locks import exclusive_lock
from core.sync import SyncCounts, sync_rows
from facilities.models import Facility

from .compliance import engine
from .compliance.rules import METRICS
from .models import ComplianceRun, StandardProfile, StandardRule

logger = logging.getLogger(__name__)

STANDARDS_PATH = Path(settings.BASE_DIR) / "data" / "standards.json"
RUN_LOCK = "compliance-run"


@transaction.atomic
def load_standards(path: Path = STANDARDS_PATH) -> SyncCounts:
    """Create or update the standard profiles and rules from ``data/standards.json``.

    A profile's ``is_active`` is set from ``active_by_default`` only when the profile is created, so an
    administrator's choice survives a reload. Rules missing from the file are left alone.
    Raises ValueError for a rule whose metric the engine does not know.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    existing_active = dict(StandardProfile.objects.values_list("code", "is_active"))
    profile_rows = []
    for position, profile in enumerate(data["profiles"]):
        profile_rows.append({
            "code": profile["code"],
            "title": profile["title"],
            "reference": profile["reference"],
            "verified": bool(profile["verified"]),
            "verification_note": profile.get("verification_note", ""),
            "is_active": existing_active.get(profile["code"], profile.get("active_by_default", True)),
            "position": position,
        })
    counts = sync_rows(StandardProfile, ("code",), profile_rows)
    rule_rows = []
    for profile in data["profiles"]:
        profile_obj = counts.objects[(profile["code"],)]
        for position, rule in enumerate(profile["rules"]):
            if rule["metric"] not in METRICS:
                raise ValueError(f"Rule {rule['code']}: unknown metric {rule['metric']!r}")
            rule_rows.append({
                "profile_id": profile_obj.pk,
                "code": rule["code"],
                "metric": rule["metric"],
                "operator": rule["operator"],
                "value": rule["value"],
                "unit": rule.get("unit", ""),
                "applies_to": list(rule["applies_to"]),
                "source": rule["source"],
                "summary": rule.get("summary", ""),
                "position": position,
            })
    return counts + sync_rows(StandardRule, ("code",), rule_rows)


def recalculate_compliance(*, run_date=None, facility_code: str | None = None, facility_id: int | None = None,
                           trigger: str = "manual") -> ComplianceRun:
    """Recompute compliance results and the day's snapshots, for one facility or the whole estate.

    ``run_date`` (date, default today in Asia/Almaty) is the snapshot date. Runs are serialised by a
    Redis lock (an in-process lock in the demo): a run that finds the lock taken is recorded as
    ``skipped`` and changes nothing. Results and snapshots are written in one transaction, so a run
    killed half way leaves the previous state and a rerun gives the same rows.
    Returns the ComplianceRun record. Raises Facility.DoesNotExist for an unknown facility.
    """
    run_date = run_date or timezone.localdate()
    facility = None
    if facility_code is not None:
        facility = Facility.objects.get(code=facility_code)
    elif facility_id is not None:
        facility = Facility.objects.get(pk=facility_id)
    run = ComplianceRun.objects.create(run_date=run_date, facility=facility, trigger=trigger,
                                       started_at=timezone.now())
    with exclusive_lock(RUN_LOCK, timeout=settings.CELERY_TASK_TIME_LIMIT + 60) as acquired:
        if not acquired:
            run.outcome = ComplianceRun.Outcome.SKIPPED
            run.finished_at = timezone.now()
            run.error = "Another compliance run holds the lock; nothing was changed."
            run.save()
            logger.warning("compliance run %s skipped: another run in progress", run.pk)
            return run
        # Holding the lock, any other 'running' record belongs to a run that died.
        ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.RUNNING).exclude(pk=run.pk).update(
            outcome=ComplianceRun.Outcome.INTERRUPTED, finished_at=timezone.now())
        try:
            with transaction.atomic():
                profiles = list(StandardProfile.objects.filter(is_active=True))
                evaluated, written, deleted = engine.write_results(profiles, facility.pk if facility else None)
                snapshots = engine.write_snapshots(run_date, profiles, facility)
        except Exception:
            run.outcome = ComplianceRun.Outcome.FAILED
            run.error = traceback.format_exc()[-4000:]
            run.finished_at = timezone.now()
            run.save()
            raise
        run.cells_evaluated, run.results_written, run.results_deleted = evaluated, written, deleted
        run.snapshots_written = snapshots
        run.outcome = ComplianceRun.Outcome.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
    logger.info("compliance run %s: %s cells, %s results written, %s deleted, %s snapshots in %.2f s",
                run.pk, evaluated, written, deleted, snapshots, run.duration_seconds)
    return run
