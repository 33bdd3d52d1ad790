"""The day's facility, region and nation snapshots, summed from the blocks' current figures or, on a
same-day run, the facility rows with the run's block deltas added (docs/compliance-engine.md, §Stages and modules)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Q

from cells.models import TOTAL_COUNTS, BlockCompliance, BlockTotals, ComplianceCounts, ComplianceSnapshot
from facilities.models import Facility, ResidentialBlock

from . import blocks as block_figures
from . import policy
from .dialect import Fragment, TemporaryTables, compose, execute, param, table
from .ruleset import RuleSet

SNAPSHOT_COUNTS = [field.name for field in ComplianceCounts._meta.fields]
FACILITY_DELTA = "compliance_facility_delta"  # temporary table: the block deltas summed per facility and profile


def _add_block_deltas_to_facility_rows(cursor, run_date: datetime.date, rule_set: RuleSet) -> int:
    """Add the run's block deltas (blocks.STATUS_DELTA, blocks.TOTALS_DELTA), summed per facility, to the
    day's facility rows; insert the rows that are missing, delete those left without a cell in use."""
    Scope = ComplianceSnapshot.Scope
    snapshots, blocks = table(ComplianceSnapshot), table(ResidentialBlock)
    named = ", ".join(f"SUM(x.{c}) AS {c}" for c in SNAPSHOT_COUNTS)
    per_facility = ", ".join(f"SUM(d.{c}) AS {c}" for c in TOTAL_COUNTS)
    # The totals' deltas summed per facility, then given to each profile; the counts by status per
    # facility and profile.
    totals = (
        "SELECT t.facility_id, p.profile_id, "
        + ", ".join(f"t.{c}" if c in TOTAL_COUNTS else f"0 AS {c}" for c in SNAPSHOT_COUNTS)
        + f" FROM (SELECT o.facility_id, {per_facility} FROM {block_figures.TOTALS_DELTA} d JOIN {blocks} o "
        f"ON o.id = d.block_id GROUP BY o.facility_id) t CROSS JOIN ({rule_set.positions_table()}) p"
    )
    by_status = (
        "SELECT o.facility_id, d.profile_id, "
        + ", ".join(f"0 AS {c}" if c in TOTAL_COUNTS else f"d.{c}" for c in SNAPSHOT_COUNTS)
        + f" FROM {block_figures.STATUS_DELTA} d JOIN {blocks} o ON o.id = d.block_id"
    )
    TemporaryTables.create(
        cursor,
        FACILITY_DELTA,
        Fragment(
            f"SELECT x.facility_id, x.profile_id, {named} FROM ({totals} UNION ALL {by_status}) x "
            "GROUP BY x.facility_id, x.profile_id"
        ),
    )

    def facility_rows(alias: str) -> Fragment:
        return compose(f"{alias}.date = {{d}} AND {alias}.scope = {{s}}", d=param(run_date), s=param(Scope.FACILITY))

    written = execute(
        cursor,
        compose(
            f"UPDATE {snapshots} SET "
            + ", ".join(f"{c} = {snapshots}.{c} + f.{c}" for c in SNAPSHOT_COUNTS)
            + f" FROM {FACILITY_DELTA} f WHERE {{rows}} "
            f"AND {snapshots}.object_id = f.facility_id AND {snapshots}.profile_id = f.profile_id",
            rows=facility_rows(snapshots),
        ),
    )
    written += execute(
        cursor,
        compose(
            f"INSERT INTO {snapshots} (date, scope, object_id, profile_id, {', '.join(SNAPSHOT_COUNTS)}, "
            "is_reconstructed) SELECT {d}, {s}, f.facility_id, f.profile_id, "
            + ", ".join(f"f.{c}" for c in SNAPSHOT_COUNTS)
            + f", {{false}} FROM {FACILITY_DELTA} f WHERE f.cells > 0 AND NOT EXISTS (SELECT 1 FROM {snapshots} s "
            "WHERE {rows} AND s.object_id = f.facility_id AND s.profile_id = f.profile_id)",
            d=param(run_date),
            s=param(Scope.FACILITY),
            false=param(False),
            rows=facility_rows("s"),
        ),
    )
    # A facility left without a cell in use has no row, as when summed from the blocks.
    written += execute(
        cursor, compose(f"DELETE FROM {snapshots} WHERE {{rows}} AND cells <= 0", rows=facility_rows(snapshots))
    )
    return written


def roll_up(run_date: datetime.date, rule_set: RuleSet, deltas: bool = False) -> int:
    """Write the facility, region and nation snapshots of ``run_date`` (replacing any reconstructed demo
    history of that date). Returns the rows written.

    The facility rows are the sums of the blocks' current figures (an ``INSERT ... SELECT`` joining the
    blocks, whose cost follows the number of blocks, not of cells), or, with ``deltas`` (allowed when
    policy.facility_rows_current), the day's rows with the run's block deltas added: the cost follows the
    changed blocks. The region rows are summed from the facility rows, the nation's from the regions'."""
    Scope = ComplianceSnapshot.Scope
    profile_ids = rule_set.profile_ids
    today = ComplianceSnapshot.objects.filter(date=run_date)
    stale = today.filter(Q(is_reconstructed=True) | Q(profile__in=profile_ids))
    if deltas:
        stale = stale.exclude(scope=Scope.FACILITY)
    stale._raw_delete(stale.db)
    snapshots = table(ComplianceSnapshot)
    in_profiles = ", ".join(str(pk) for pk in profile_ids)

    def day_rows(scope: str) -> Fragment:
        return compose(
            f"s.date = {{d}} AND s.scope = {{s}} AND s.profile_id IN ({in_profiles})", d=param(run_date), s=param(scope)
        )

    # Facility rows from the blocks: the totals once per block (t), the counts by status per profile (s).
    from_blocks = Fragment(
        f"{table(BlockCompliance)} s JOIN {table(BlockTotals)} t ON t.block_id = s.block_id "
        f"JOIN {table(ResidentialBlock)} o ON o.id = s.block_id WHERE s.profile_id IN ({in_profiles})"
    )
    from_facilities = compose(
        f"{snapshots} s JOIN {table(Facility)} o ON o.id = s.object_id WHERE {{rows}}", rows=day_rows(Scope.FACILITY)
    )
    from_regions = compose(f"{snapshots} s WHERE {{rows}}", rows=day_rows(Scope.REGION))
    block_sums = ", ".join(f"SUM({'t' if c in TOTAL_COUNTS else 's'}.{c})" for c in SNAPSHOT_COUNTS)
    sums = ", ".join(f"SUM(s.{c})" for c in SNAPSHOT_COUNTS)
    scopes = [
        (Scope.FACILITY, "o.facility_id", block_sums, from_blocks),
        (Scope.REGION, "o.region_id", sums, from_facilities),
        (Scope.NATION, "0", sums, from_regions),
    ]
    written = 0
    with connection.cursor() as cursor:
        if deltas:
            scopes = scopes[1:]
            written += _add_block_deltas_to_facility_rows(cursor, run_date, rule_set)
        for scope, parent, summed, source in scopes:
            group = "s.profile_id" if parent == "0" else f"{parent}, s.profile_id"
            written += execute(
                cursor,
                compose(
                    f"INSERT INTO {snapshots} (date, scope, object_id, profile_id, {', '.join(SNAPSHOT_COUNTS)}, "
                    f"is_reconstructed) SELECT {{d}}, {{s}}, {parent}, s.profile_id, {summed}, {{false}} "
                    f"FROM {{source}} GROUP BY {group}",
                    d=param(run_date),
                    s=param(scope),
                    false=param(False),
                    source=source,
                ),
            )
    return written


def write_figures(
    run_date: datetime.date, rule_set: RuleSet, facility: Facility | None = None, full: bool = True, blocks: str = ""
) -> int:
    """The figures stage: bring the blocks' current figures up to date (blocks.update_block_figures), then
    write the facility, region and nation snapshots of ``run_date`` summed from them (roll_up). Returns the
    rows written. Must run inside the run's transaction, after evaluate.evaluate_cells. ``blocks``:
    policy.blocks_version, read before this call and recorded on the run."""
    if not rule_set:
        return 0
    written = block_figures.update_block_figures(rule_set, facility, full)
    same_day = not full and policy.facility_rows_current(run_date, blocks)
    return written + roll_up(run_date, rule_set, deltas=same_day)
