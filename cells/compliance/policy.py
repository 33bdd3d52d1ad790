"""When a run must evaluate every cell, and when it may add its deltas to the day's facility rows
(docs/compliance-engine.md, §Kinds of run)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection

from cells.models import ComplianceRun, ComplianceSnapshot
from facilities.models import Facility, ResidentialBlock

from .dialect import md5_of_ordered_list, table


def _succeeded():
    return ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.SUCCEEDED)


def _last_estate_run() -> ComplianceRun | None:
    return _succeeded().filter(facility__isnull=True).order_by("-started_at", "-pk").first()


def rules_changed(version: str, last_estate_run: ComplianceRun | None = None) -> bool:
    """Whether a run that succeeded since the last estate-wide one (included; or ever, before the first)
    used other rules than ``version``: some cells may then hold outcome codes under another layout."""
    last = last_estate_run if last_estate_run is not None else _last_estate_run()
    runs = _succeeded()
    if last is not None:
        runs = runs.filter(started_at__gte=last.started_at)
    return runs.exclude(rules_version=version).exists()


def must_run_full(version: str) -> bool:
    """Whether a run under the rules ``version`` must evaluate every cell of its scope: unless every run
    that succeeded since the last estate-wide one (included) used the same rules, some cells were last
    evaluated under other rules, and neither their input revisions nor the block deltas can tell. Also
    True before the first estate-wide run."""
    last = _last_estate_run()
    return last is None or rules_changed(version, last)


@dataclass(frozen=True)
class Scope:
    """What a run covers: every cell (``full``) or the due ones, of ``facility`` or of the estate (None)."""

    full: bool
    facility: Facility | None


def decide_scope(version: str, full: bool, facility: Facility | None) -> Scope:
    """The scope of a run asked for ``full`` and ``facility`` under the rules ``version``: full when asked
    or must_run_full; estate-wide when the rules changed since the last estate-wide run (a cell that came
    from another facility's block takes its old contribution out of that block only by a recount of it).
    Two queries."""
    last = _last_estate_run()
    changed = rules_changed(version, last)
    return Scope(full=full or last is None or changed, facility=None if changed else facility)


def blocks_version() -> str:
    """A fingerprint (md5 hex) of every residential block's id and facility: it changes when a block is
    added, deleted or moved to another facility, whatever writes it (a page, a queryset update, SQL)."""
    sql = md5_of_ordered_list("id || ':' || facility_id", table(ResidentialBlock), "id")
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def facility_rows_current(run_date: datetime.date, blocks: str) -> bool:
    """Whether the facility snapshots of ``run_date`` are the sums of the blocks' current figures, so that
    a run of the same date may add its deltas to them instead of summing every block again: the last run
    that succeeded was of that date (every run writes its date's snapshots from the blocks' figures, and
    only runs change those), the date holds no reconstructed demo history, and the blocks and their
    facilities are those of that run (``blocks``: blocks_version now)."""
    last = _succeeded().order_by("-started_at", "-pk").first()
    if last is None or last.run_date != run_date or not blocks or last.blocks_version != blocks:
        return False
    return not ComplianceSnapshot.objects.filter(date=run_date, is_reconstructed=True).exists()
