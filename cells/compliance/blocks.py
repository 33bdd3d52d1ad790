"""The blocks' current figures (BlockTotals, BlockCompliance) brought up to date by deltas: the evaluated
cells' old contributions taken out and new ones put in, or a full run's recount minus the stored rows
(docs/compliance-engine.md, §Stages and modules)."""

from __future__ import annotations

from django.db import connection

from cells.models import TOTAL_COUNTS, BlockCompliance, BlockTotals
from facilities.models import Facility, ResidentialBlock

from . import scan
from .dialect import Fragment, TemporaryTables, compose, execute, fence, table
from .evaluate import EVALUATED
from .ruleset import RuleSet
from .scan import COUNTS_BY_STATUS

STATUS_DELTA = "compliance_block_status_delta"  # temporary table: per block and profile, the counts' change
TOTALS_DELTA = "compliance_block_totals_delta"  # temporary table: per block, the totals' change

OLD_CONTRIBUTIONS = (
    f"SELECT old_block_id AS block_id, old_codes AS codes, old_persons AS persons, "
    f"old_places AS places, old_single AS single, -1 AS sign FROM {EVALUATED} WHERE old_block_id IS NOT NULL"
)
NEW_CONTRIBUTIONS = f"SELECT block_id, codes, persons, places, single, 1 AS sign FROM {EVALUATED} WHERE in_use"


def _signed_sum(condition: str, value: str = "1") -> str:
    return f"SUM(CASE WHEN {condition} THEN s.sign * {value} ELSE 0 END)"


def status_delta_select(rule_set: RuleSet, contributions: str) -> Fragment:
    """Per (block, profile), the counts by status (COUNTS_BY_STATUS) of ``contributions`` (SQL of rows
    ``block_id, codes, persons, places, single, sign``; ``sign`` 1 puts a cell in, -1 takes it out)
    summed, leaving out rows that change nothing. Each profile's status is taken once a row."""
    rows = compose(
        "SELECT c.block_id, p.profile_id, c.sign, c.persons, {status} AS status "
        f"FROM ({contributions}) c CROSS JOIN ({rule_set.positions_table()}) p {fence()}",
        status=scan.profile_status("c.codes", "p.first", "p.length"),
    )
    sums = {
        name: _signed_sum(f"s.status = {status}", "s.persons" if what == "persons" else "1")
        for name, (status, what) in COUNTS_BY_STATUS.items()
    }
    columns = ", ".join(f"{sums[name]} AS {name}" for name in COUNTS_BY_STATUS)
    nonzero = " OR ".join(f"d.{name} <> 0" for name in COUNTS_BY_STATUS)
    return compose(
        f"SELECT * FROM (SELECT s.block_id, s.profile_id, {columns} FROM ({{rows}}) s "
        f"GROUP BY s.block_id, s.profile_id) d WHERE {nonzero}",
        rows=rows,
    )


def totals_delta_select(contributions: str) -> Fragment:
    """Per block, the totals (TOTAL_COUNTS) of ``contributions`` (as in status_delta_select) summed,
    leaving out blocks whose totals do not change."""
    sums = {
        "persons": _signed_sum("true", "s.persons"),
        "places": _signed_sum("true", "s.places"),
        "persons_in_single_cells": _signed_sum("s.single", "s.persons"),
        "cells": _signed_sum("true"),
    }
    columns = ", ".join(f"{sums[name]} AS {name}" for name in TOTAL_COUNTS)
    nonzero = " OR ".join(f"d.{name} <> 0" for name in TOTAL_COUNTS)
    return Fragment(
        f"SELECT * FROM (SELECT s.block_id, {columns} FROM ({contributions}) s GROUP BY s.block_id) d WHERE {nonzero}"
    )


def _index_deltas(cursor) -> None:
    TemporaryTables.index(cursor, STATUS_DELTA, "block_id, profile_id", analyze="block_id")
    TemporaryTables.index(cursor, TOTALS_DELTA, "block_id", analyze="block_id")


def _deltas_of_evaluated_cells(cursor, rule_set: RuleSet) -> None:
    """STATUS_DELTA and TOTALS_DELTA from EVALUATED only: what the evaluated cells took out of their blocks
    as of their last evaluation and put in now."""
    contributions = f"{OLD_CONTRIBUTIONS} UNION ALL {NEW_CONTRIBUTIONS}"
    TemporaryTables.create(cursor, STATUS_DELTA, status_delta_select(rule_set, contributions))
    TemporaryTables.create(cursor, TOTALS_DELTA, totals_delta_select(contributions))
    _index_deltas(cursor)


def _deltas_of_recount(cursor, rule_set: RuleSet, facility: Facility | None) -> None:
    """STATUS_DELTA and TOTALS_DELTA as the full scan's counts (scan.RECOUNT) minus the stored rows of the
    run's scope: one FULL JOIN of the two sets each, keeping the rows that differ."""
    in_facility = ""
    if facility is not None:
        in_facility = f"SELECT id FROM {table(ResidentialBlock)} WHERE facility_id = {int(facility.pk)}"
    scope = f"block_id IN ({in_facility})" if facility is not None else "true"
    for delta, source, stored, key, counts in (
        (
            STATUS_DELTA,
            scan.recount_by_status(rule_set),
            table(BlockCompliance),
            ["block_id", "profile_id"],
            list(COUNTS_BY_STATUS),
        ),
        (TOTALS_DELTA, scan.recount_totals(), table(BlockTotals), ["block_id"], TOTAL_COUNTS),
    ):
        keys = ", ".join(f"COALESCE(f.{k}, b.{k}) AS {k}" for k in key)
        difference = ", ".join(f"COALESCE(f.{c}, 0) - COALESCE(b.{c}, 0) AS {c}" for c in counts)
        on = " AND ".join(f"b.{k} = f.{k}" for k in key)
        differs = " OR ".join(f"f.{c} <> b.{c}" for c in counts)
        select = compose(
            f"SELECT {keys}, {difference} FROM ({{source}}) f FULL JOIN (SELECT * FROM {stored} WHERE {scope}) b "
            f"ON {on} WHERE f.block_id IS NULL OR b.block_id IS NULL OR {differs}",
            source=source,
        )
        TemporaryTables.create(cursor, delta, select)
    _index_deltas(cursor)
    if facility is not None:
        # Cells that came from another facility's block: their old contribution leaves that block (the
        # recount covered this facility's blocks only).
        outside = f"{OLD_CONTRIBUTIONS} AND old_block_id NOT IN ({in_facility})"
        execute(cursor, compose(f"INSERT INTO {STATUS_DELTA} {{s}}", s=status_delta_select(rule_set, outside)))
        execute(cursor, compose(f"INSERT INTO {TOTALS_DELTA} {{s}}", s=totals_delta_select(outside)))


def _apply(cursor, stored: str, delta: str, key: list[str], counts: list[str], cells: list[str]) -> int:
    """Add the rows of the temporary table ``delta`` to the ``stored`` table (both keyed by ``key``, columns
    ``counts``): update the rows it has, insert those it lacks whose ``cells`` (the columns that count
    the block's cells in use) sum above 0, and delete the rows of its blocks whose cells fall to none.
    Returns the rows written."""

    def present(alias: str) -> str:
        return "(" + " + ".join(f"{alias}.{c}" for c in cells) + ") > 0"

    on = " AND ".join(f"b.{k} = d.{k}" for k in key)
    additions = ", ".join(f"{c} = b.{c} + d.{c}" for c in counts)
    columns = ", ".join(key + counts)
    values = ", ".join(f"d.{c}" for c in key + counts)
    return (
        execute(cursor, Fragment(f"UPDATE {stored} AS b SET {additions} FROM {delta} d WHERE {on}"))
        + execute(
            cursor,
            Fragment(
                f"INSERT INTO {stored} ({columns}) SELECT {values} FROM {delta} d WHERE {present('d')} "
                f"AND NOT EXISTS (SELECT 1 FROM {stored} b WHERE {on})"
            ),
        )
        + execute(
            cursor,
            Fragment(
                f"DELETE FROM {stored} WHERE NOT {present(stored)} AND block_id IN (SELECT block_id FROM {delta})"
            ),
        )
    )


def update_block_figures(rule_set: RuleSet, facility: Facility | None, full: bool) -> int:
    """Bring BlockCompliance and BlockTotals up to date for ``rule_set`` after the evaluation stage
    (evaluate.evaluate_cells) and leave their deltas in STATUS_DELTA and TOTALS_DELTA (for the roll-up).
    Returns the rows written.

    ``full``: the blocks of the run's scope take the full scan's counts; only rows that differ are written,
    rows of blocks without a cell in use (or of inactive profiles) are deleted. Otherwise the deltas are
    the evaluated cells' contributions: the cost follows the changed cells, not the estate."""
    with connection.cursor() as cursor:
        if full:
            _deltas_of_recount(cursor, rule_set, facility)
        else:
            _deltas_of_evaluated_cells(cursor, rule_set)
        status_cells = ["cells_compliant", "cells_non_compliant", "cells_unknown"]
        key = ["block_id", "profile_id"]
        written = _apply(cursor, table(BlockCompliance), STATUS_DELTA, key, list(COUNTS_BY_STATUS), status_cells)
        written += _apply(cursor, table(BlockTotals), TOTALS_DELTA, ["block_id"], TOTAL_COUNTS, ["cells"])
    return written
