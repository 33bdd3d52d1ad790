"""A full run's single scan of the cells: every cell's outcome codes, the blocks recounted, the stale cells
listed (docs/compliance-engine.md, §Stages and modules)."""

from __future__ import annotations

from django.db import connection

from cells.models import TOTAL_COUNTS, Cell, ComplianceStatus
from facilities.models import AccommodationType

from .codes import status_sql
from .dialect import Fragment, TemporaryTables, aggregate_ids, compose, fence, postgres, queryset_sql, unnest_ids
from .ruleset import RuleSet
from .triggers import due

RECOUNT = "compliance_block_recount"  # temporary table: a full run's counts per block (columns per profile)
STALE = "compliance_stale_cell"  # temporary table: ids of the cells the full scan found stale

STATUS_NUMBERS = {ComplianceStatus.NON_COMPLIANT: "2", ComplianceStatus.UNKNOWN: "1", ComplianceStatus.COMPLIANT: "0"}
COUNTS_BY_STATUS = {
    "persons_compliant": (STATUS_NUMBERS[ComplianceStatus.COMPLIANT], "persons"),
    "cells_compliant": (STATUS_NUMBERS[ComplianceStatus.COMPLIANT], "1"),
    "cells_non_compliant": (STATUS_NUMBERS[ComplianceStatus.NON_COMPLIANT], "1"),
    "cells_unknown": (STATUS_NUMBERS[ComplianceStatus.UNKNOWN], "1"),
}  # the block figures that depend on a profile's status: (status as numbered in SQL, what is summed)


def profile_status(codes: str, first, length) -> Fragment:
    """SQL of a profile's status (STATUS_NUMBERS) from its letters in ``codes`` (SQL), from ``first``."""
    return status_sql(compose("substr({c}, {f}, {n})", c=codes, f=str(first), n=str(length)), STATUS_NUMBERS)


def scan_all(rule_set: RuleSet, facility_id: int | None) -> None:
    """Scan every cell (of one facility, or all): its outcome codes and its contribution to its block,
    compared with what it recorded at its last evaluation. Writes RECOUNT (per block the counts of its
    cells in use under the codes just computed, the status-dependent ones once per profile: what
    BlockTotals and BlockCompliance will hold) and STALE (the cells whose codes, contribution or input
    revision differ, for evaluate.evaluate_chosen_cells). Each profile's status is taken once a cell from
    the codes; the cells are grouped by block only.
    """
    cells = Cell.objects.order_by()
    if facility_id is not None:
        cells = cells.filter(block__facility_id=facility_id)
    cells = cells.annotate(codes=rule_set.codes_expression).values(
        "id",
        "block_id",
        "status",
        "occupancy",
        "design_capacity",
        "accommodation_type",
        "evaluated_outcomes",
        "input_revision",
        "evaluated_revision",
        "evaluated_block_id",
        "evaluated_persons",
        "evaluated_places",
        "evaluated_single",
        "codes",
    )
    # Stale: other outcomes (or rules), an input revision not evaluated, or a contribution to its block
    # that differs from the one recorded (a safety net for writes that bypassed the trigger). -1 stands
    # for "none": counts and ids are never negative.
    in_use = f"e.status = '{Cell.Status.IN_USE}'"
    single = f"e.accommodation_type = '{AccommodationType.SINGLE}'"

    def recorded(column: str, now: str) -> str:
        return f"COALESCE({column}, -1) <> CASE WHEN {in_use} THEN {now} ELSE -1 END"

    stale = " OR ".join(
        [
            "e.evaluated_outcomes IS NULL OR e.evaluated_outcomes <> e.codes",
            due("e"),
            recorded("e.evaluated_block_id", "e.block_id"),
            recorded("e.evaluated_persons", "COALESCE(e.occupancy, 0)"),
            recorded("e.evaluated_places", "COALESCE(e.design_capacity, 0)"),
            recorded(
                "CASE WHEN e.evaluated_single THEN 1 WHEN NOT e.evaluated_single THEN 0 END",
                f"CASE WHEN {single} THEN 1 ELSE 0 END",
            ),
        ]
    )
    statuses = Fragment(", ").join(
        compose(f"{{s}} AS s_{k}", s=profile_status("e.codes", entry.first, entry.length))
        for k, entry in enumerate(rule_set.profiles)
    )
    per_cell = compose(
        f"SELECT e.id, e.block_id, e.input_revision, ({stale}) AS stale, {in_use} AS in_use, "
        f"COALESCE(e.occupancy, 0) AS persons, COALESCE(e.design_capacity, 0) AS places, {single} AS single, "
        f"{{statuses}} FROM ({{cells}} {fence()}) e {fence()}",
        statuses=statuses,
        cells=queryset_sql(cells),
    )

    def total(condition: str, value: str = "1") -> str:
        return f"SUM(CASE WHEN x.in_use AND {condition} THEN {value} ELSE 0 END)"

    sums = [
        f"{total('true', 'x.persons')} AS persons",
        f"{total('true', 'x.places')} AS places",
        f"{total('x.single', 'x.persons')} AS persons_in_single_cells",
        f"{total('true')} AS cells",
    ]
    for k in range(len(rule_set.profiles)):
        sums += [
            f"{total(f'x.s_{k} = {status}', 'x.' + what if what != '1' else '1')} AS {name}_{k}"
            for name, (status, what) in COUNTS_BY_STATUS.items()
        ]
    select = compose(
        f"SELECT x.block_id, {', '.join(sums)}, {aggregate_ids('x.id', 'x.stale')} AS stale_ids "
        "FROM ({per_cell}) x GROUP BY x.block_id",
        per_cell=per_cell,
    )
    with connection.cursor() as cursor:
        TemporaryTables.create(cursor, RECOUNT, select)
        TemporaryTables.create(cursor, STALE, Fragment(unnest_ids(RECOUNT, "stale_ids")))
        if postgres():
            TemporaryTables.index(cursor, STALE, "id")


def recount_by_status(rule_set: RuleSet) -> Fragment:
    """RECOUNT's counts by status as rows ``block_id, profile_id`` and COUNTS_BY_STATUS, for the blocks
    with a cell in use (what BlockCompliance holds)."""
    picked = {
        name: "CASE p.k " + " ".join(f"WHEN {k} THEN f.{name}_{k}" for k in range(len(rule_set.profiles))) + " END"
        for name in COUNTS_BY_STATUS
    }
    columns = ", ".join(f"{picked[name]} AS {name}" for name in COUNTS_BY_STATUS)
    return Fragment(
        f"SELECT f.block_id, p.profile_id, {columns} FROM {RECOUNT} f "
        f"CROSS JOIN ({rule_set.positions_table()}) p WHERE f.cells > 0"
    )


def recount_totals() -> Fragment:
    """RECOUNT's totals as rows ``block_id`` and TOTAL_COUNTS, for the blocks with a cell in use (what
    BlockTotals holds)."""
    return Fragment(
        f"SELECT f.block_id, {', '.join(f'f.{c}' for c in TOTAL_COUNTS)} FROM {RECOUNT} f WHERE f.cells > 0"
    )
