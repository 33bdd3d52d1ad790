"""Choosing the cells a run evaluates, evaluating them and recording the evaluation on each cell.

An incremental run evaluates the due cells (DueCell, kept by the triggers of cells.compliance.triggers);
a full run scans every cell of its scope (cells.compliance.scan) and evaluates the stale ones. Either way
the evaluated cells end in the temporary table EVALUATED, with their new outcome codes and contribution
to their block beside those recorded at their last evaluation; every later stage reads it
(docs/compliance-engine.md, §Stages and modules and §Temporary tables).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from cells.models import Cell, DueCell, OutcomeLayout
from facilities.models import AccommodationType, ResidentialBlock

from . import scan
from .dialect import (
    Fragment,
    TemporaryTables,
    compiled,
    compose,
    execute,
    join,
    letters,
    param,
    postgres,
    queryset_sql,
    scalar,
    set_run_planner_settings,
    table,
)
from .ruleset import RuleSet
from .triggers import due

EVALUATED = "compliance_evaluated_cell"  # temporary table: the cells a run evaluated, old and new record
OLD_RECORD = {
    "old_codes": "evaluated_outcomes",
    "old_block_id": "evaluated_block_id",
    "old_persons": "evaluated_persons",
    "old_places": "evaluated_places",
    "old_single": "evaluated_single",
}  # EVALUATED's names of the record of the last evaluation -> the Cell column
CONTRIBUTION = {
    "evaluated_block_id": "block_id",
    "evaluated_persons": "persons",
    "evaluated_places": "places",
    "evaluated_single": "single",
}  # Cell column of the record -> EVALUATED's name of the new contribution (NULL when not in use)


@dataclass(frozen=True)
class EvaluationCounts:
    """What an evaluation stage did (recorded on ComplianceRun; its column names in brackets):
    ``cells_evaluated`` the cells in use evaluated (cells_evaluated); ``outcomes_changed`` the cells in use
    whose outcome letters changed, or that came into use (results_written); ``left_use`` the cells in use
    at their last evaluation and no longer (results_deleted)."""

    cells_evaluated: int = 0
    outcomes_changed: int = 0
    left_use: int = 0


def outcomes_changed_sql(codes, in_use, old_codes, old_in_use) -> Fragment:
    """SQL: whether a cell's shown outcomes changed (SQL of its new codes and whether it is in use, and of
    those recorded before): other outcome letters, or in use then and not now or the reverse. New rules
    that move no letter change nothing shown."""
    return compose(
        "({new} <> COALESCE({old}, '') OR ({in_use}) <> ({old_in_use}))",
        new=letters(codes),
        old=letters(old_codes),
        in_use=in_use,
        old_in_use=old_in_use,
    )


def record_assignments(source: dict[str, Fragment], before: tuple[str, str, str]) -> Fragment:
    """The SET list of a cell's record of its evaluation from ``source`` (name in EVALUATED -> SQL): its
    codes and the revision evaluated, what it now contributes to its block (nothing when not in use),
    and, when its shown outcomes changed (``before``: SQL of the old codes, of whether it was in use, of
    the old ``outcomes_changed_at``), the time."""
    in_use = source["in_use"]
    parts = [
        compose("evaluated_outcomes = {v}", v=source["codes"]),
        compose("evaluated_revision = {v}", v=source["revision"]),
    ]
    for column, name in CONTRIBUTION.items():
        parts.append(compose(f"{column} = CASE WHEN {{in_use}} THEN {{v}} END", in_use=in_use, v=source[name]))
    old_codes, old_in_use, old_changed_at = before
    changed = outcomes_changed_sql(source["codes"], in_use, old_codes, old_in_use)
    parts.append(
        compose(
            f"outcomes_changed_at = CASE WHEN {{changed}} THEN {{now}} ELSE {old_changed_at} END",
            changed=changed,
            now=param(timezone.now()),
        )
    )
    return join(", ", parts)


def _selection(facility_id: int | None, stale: bool) -> Fragment:
    cells = table(Cell)
    if stale:
        return Fragment(f"{cells}.id IN (SELECT id FROM {scan.STALE})")
    selection = Fragment(f"{cells}.id IN (SELECT cell_id FROM {table(DueCell)}) AND {due(cells)}")
    if facility_id is not None:
        selection += compose(
            f" AND {cells}.block_id IN (SELECT id FROM {table(ResidentialBlock)} WHERE facility_id = {{f}})",
            f=param(int(facility_id)),
        )
    return selection


def evaluate_chosen_cells(rule_set: RuleSet, facility_id: int | None, *, stale: bool = False) -> int:
    """Evaluate the chosen cells and record it: (re)create EVALUATED with ``id, block_id, revision,
    in_use, persons, places, single, codes`` and OLD_RECORD (``old_block_id`` NULL when the cell then
    counted nowhere), and write each cell's new record (record_assignments). The cells evaluated leave
    the list of due cells, unless edited meanwhile. Returns how many cells were evaluated.

    Which cells: with ``stale``, those the full scan listed (scan.STALE); otherwise the due cells (of one
    facility, or all), found through DueCell, not by a scan. The revision recorded is the one read with
    the values. On PostgreSQL one statement reads each cell, records its evaluation and lists it in
    EVALUATED (an ``UPDATE ... RETURNING``): each cell's page is visited once.
    """
    cells = table(Cell)
    selection = _selection(facility_id, stale)
    computed = {
        "revision": F("input_revision"),
        "in_use": models.ExpressionWrapper(Q(status=Cell.Status.IN_USE), output_field=models.BooleanField()),
        "persons": Coalesce(F("occupancy"), 0),
        "places": Coalesce(F("design_capacity"), 0),
        "single": models.ExpressionWrapper(
            Q(accommodation_type=AccommodationType.SINGLE), output_field=models.BooleanField()
        ),
        "codes": rule_set.codes_expression,
    }
    chosen = (
        Cell.objects.order_by()
        .filter(RawSQL(selection.sql, selection.params, output_field=models.BooleanField()))
        .values("id", "block_id", **computed, **{name: F(column) for name, column in OLD_RECORD.items()})
    )
    with connection.cursor() as cursor:
        if not postgres():
            TemporaryTables.create(cursor, EVALUATED, queryset_sql(chosen))
            record = record_assignments(
                {name: Fragment(f"x.{name}") for name in ["block_id", *computed]},
                ("x.old_codes", "x.old_block_id IS NOT NULL", f"{cells}.outcomes_changed_at"),
            )
            execute(cursor, compose(f"UPDATE {cells} SET {{r}} FROM {EVALUATED} x WHERE {cells}.id = x.id", r=record))
            return _count_and_index(cursor)
        TemporaryTables.create(cursor, EVALUATED, queryset_sql(chosen), with_no_data=True)
        if not stale:
            # Its size as it is now, for the plan: from an old estimate (the list churns), PostgreSQL would
            # rather scan the estate than look the listed cells up.
            execute(cursor, Fragment(f"ANALYZE {table(DueCell)}"))
        now = {"block_id": Fragment(f"{cells}.block_id")}
        now.update({name: compiled(e, Cell) for name, e in computed.items() if name != "codes"})
        # The codes are computed once a cell, in the subquery (o.codes, fenced by OFFSET 0), and read twice:
        # recorded, and compared with the old ones for the time of the change.
        record = record_assignments(
            {**now, "codes": Fragment("o.codes")},
            (f"{cells}.evaluated_outcomes", f"{cells}.evaluated_block_id IS NOT NULL", f"{cells}.outcomes_changed_at"),
        )
        returned = join(
            ", ",
            [f"{cells}.id", f"{cells}.block_id"]
            + [compose(f"{{v}} AS {name}", v=now[name]) for name in computed if name != "codes"]
            + [f"{cells}.evaluated_outcomes AS codes"]
            + [f"o.{column} AS {name}" for name, column in OLD_RECORD.items()],
        )
        columns = ", ".join(["id", "block_id", *[name for name in computed if name != "codes"], "codes", *OLD_RECORD])
        statement = compose(
            f"WITH recorded AS (UPDATE {cells} SET {{record}} FROM (SELECT {cells}.*, {{codes}} AS codes "
            f"FROM {cells} WHERE {{selection}} OFFSET 0) o WHERE o.id = {cells}.id "
            # An edit committed while this statement waited for the row: PostgreSQL re-checks this
            # condition on the edited row (the codes in o are those of the values read before), so the
            # cell is left unrecorded and stays due.
            f"AND o.input_revision = {cells}.input_revision "
            f"RETURNING {{returned}}, {due(cells)} AS still_due), "
            f"listed AS (DELETE FROM {table(DueCell)} WHERE cell_id IN (SELECT id FROM recorded WHERE NOT still_due)) "
            f"INSERT INTO {EVALUATED} ({columns}) SELECT {columns} FROM recorded",
            record=record,
            codes=compiled(computed["codes"], Cell),
            selection=selection,
            returned=returned,
        )
        execute(cursor, statement)
        return _count_and_index(cursor)


def _count_and_index(cursor) -> int:
    count = scalar(cursor, Fragment(f"SELECT count(*) FROM {EVALUATED}"))
    TemporaryTables.index(cursor, EVALUATED, "id", analyze="id")  # its size, for the plans
    return int(count)


def _count_changes(cursor) -> tuple[int, int]:
    """``(outcomes_changed, left_use)`` over EVALUATED (EvaluationCounts)."""
    changed = outcomes_changed_sql("codes", "in_use", "old_codes", "old_block_id IS NOT NULL")
    execute(
        cursor,
        compose(
            "SELECT COALESCE(SUM(CASE WHEN in_use AND {changed} THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN NOT in_use AND old_block_id IS NOT NULL THEN 1 ELSE 0 END), 0) FROM {EVALUATED}",
            changed=changed,
        ),
    )
    outcomes_changed, left_use = cursor.fetchone()
    return int(outcomes_changed), int(left_use)


def evaluate_cells(rule_set: RuleSet, facility_id: int | None = None, full: bool = False) -> EvaluationCounts:
    """Evaluate the due cells (every cell with ``full``) of one facility or all against ``rule_set`` and
    record on each its outcome codes and its contribution to its block. Must run inside the run's
    transaction; leaves EVALUATED (and, full, scan.RECOUNT) for the block figures.

    A cell's inputs are its attributes (triggers.INPUT_FIELDS, whose changes the trigger records whatever
    writes them) and the active rules (a change makes the run full, policy.decide_scope).
    """
    full = full and bool(rule_set)  # without profiles there is nothing to score
    if rule_set:
        rule_set.record_layout()
    cells, listed = table(Cell), table(DueCell)
    with connection.cursor() as cursor:
        set_run_planner_settings(cursor)
        if full and postgres():
            # A full run counts the blocks in one statement and records what it evaluated in a later one:
            # an edit committed in between would be recorded but not counted. Writes to the cells wait for
            # the end of the run (seconds), and every statement of the run sees the same cells.
            execute(cursor, Fragment(f"LOCK TABLE {cells} IN SHARE MODE"))
    if full:
        scan.scan_all(rule_set, facility_id)
        changed = evaluate_chosen_cells(rule_set, facility_id, stale=True)
    else:
        changed = evaluate_chosen_cells(rule_set, facility_id)
    with connection.cursor() as cursor:
        if full:  # a full run evaluates every rule of every cell in use
            evaluated = scalar(cursor, Fragment(f"SELECT COALESCE(SUM(cells), 0) FROM {scan.RECOUNT}"))
        else:
            evaluated = scalar(cursor, Fragment(f"SELECT count(*) FROM {EVALUATED} WHERE in_use"))
        outcomes_changed = left_use = 0
        if changed and rule_set:
            outcomes_changed, left_use = _count_changes(cursor)
        if facility_id is None or not postgres():
            # The cells due no more leave the list (on PostgreSQL, the evaluated ones left it as they were
            # recorded): deleted cells, and anything else an estate-wide run finds.
            execute(
                cursor,
                Fragment(
                    f"DELETE FROM {listed} WHERE NOT EXISTS (SELECT 1 FROM {cells} c "
                    f"WHERE c.id = {listed}.cell_id AND {due('c')})"
                ),
            )
        if full and facility_id is not None:
            # Cells that left this facility's blocks are not in its scan, and its recount no longer counts
            # them: they count nowhere until the run that evaluates them adds them where they are now.
            inside = compose(
                f"SELECT id FROM {table(ResidentialBlock)} WHERE facility_id = {{f}}", f=param(int(facility_id))
            )
            execute(
                cursor,
                compose(
                    f"UPDATE {cells} SET evaluated_block_id = NULL, evaluated_persons = NULL, "
                    f"evaluated_places = NULL, evaluated_single = NULL WHERE {due(cells)} "
                    "AND evaluated_block_id IN ({inside}) AND block_id NOT IN ({inside})",
                    inside=inside,
                ),
            )
        if changed > 100_000 and postgres():
            # After a bulk change, fresh statistics keep the pages' and the next runs' plans.
            execute(cursor, Fragment(f"ANALYZE {cells}"))
    if full and facility_id is None:
        # Every cell now holds codes under this version (a full scan records every cell whose codes
        # differ): the older layouts are read no more, and each would lengthen the status filters.
        OutcomeLayout.objects.exclude(version=rule_set.codes_version).delete()
    return EvaluationCounts(int(evaluated), outcomes_changed, left_use)
