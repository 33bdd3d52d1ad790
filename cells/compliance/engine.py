"""Set-based evaluation of the standards over stored cells, and of typed measurements (the design check).

The nightly run, the per-facility recompute and the design check all build their SQL from
``cells.compliance.rules``; nothing here loops over cells in Python.

Statements per run (a fixed number, whatever the number of cells):
- which cells to evaluate: an incremental run reads the list of cells whose input revision differs from
  the one last evaluated (DueCell, kept by database triggers, cells.compliance.triggers); a full run scans
  every cell once, computing every rule's outcome codes, comparing them and the cell's contribution with
  what it recorded, and, per block, the counts of the cells under those outcomes;
- the chosen cells are read once, and on PostgreSQL their record of the evaluation (revision, codes,
  contribution to their block) is written in the same statement, into a temporary table (CHANGED) with
  their new outcome codes and contribution beside those recorded at their last evaluation; everything
  after reads it;
- no results are written: a cell's results are its recorded outcome codes read through their layout
  (OutcomeLayout, written once per version of the rules; cells.compliance.outcomes); the cells whose
  codes changed get the time (Cell.outcomes_changed_at);
- the blocks' current figures (BlockCompliance): deltas of the evaluated cells' old and new
  contributions, or the full scan's counts where they differ;
- three roll-ups into the day's snapshots (facility, region, nation).
"""

import hashlib
import json

from django.db import connection, models
from django.db.models import F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.utils import timezone

from cells.models import (
    TOTAL_COUNTS,
    BlockCompliance,
    BlockTotals,
    Cell,
    ComplianceCounts,
    ComplianceRun,
    ComplianceSnapshot,
    DueCell,
    OutcomeLayout,
    StandardProfile,
    StandardRule,
)
from facilities.models import AccommodationType, Facility, ResidentialBlock

from . import rules as R


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def profile_rules(profiles) -> dict:
    """``{profile: [rules]}`` for the given profiles, in display order (profiles by position, then id; one
    query). This order is the layout of the outcome codes."""
    grouped = {profile: [] for profile in sorted(profiles, key=lambda p: (p.position, p.pk))}
    by_id = {p.pk: p for p in profiles}
    for rule in StandardRule.objects.filter(profile__in=profiles).order_by("profile__position", "position", "code"):
        rule.profile = by_id[rule.profile_id]
        grouped[rule.profile].append(rule)
    return grouped


CHANGED = "compliance_changed_cell"  # temporary table: the cells a run evaluates, with their blocks
INPUT_FIELDS = [
    "block_id",
    "accommodation_type",
    "living_space_m2",
    "design_capacity",
    "occupancy",
    "has_sanitary_annex",
    "sanitary_annex_partitioned",
    "min_wall_distance_m",
    "ceiling_height_m",
    "has_natural_light",
    "status",
]  # the block too: a cell moved counts in another block


ENGINE_VERSION = 6  # bump when what the outcome codes mean changes: every cell is then evaluated again


def rules_version(profiles) -> str:
    """A fingerprint of the engine, the active profiles and their rules (md5 hex): any change to them
    changes it, their order too (it is the layout of the outcome codes, outcome_codes_expression)."""
    grouped = profile_rules(profiles)
    data = [ENGINE_VERSION] + [[p.pk, p.code, [definition(r) for r in rules]] for p, rules in grouped.items()]
    return hashlib.md5(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def hold_rules() -> None:
    """Hold the profiles and rules as they are until the end of the transaction (PostgreSQL: SHARE mode,
    so that edits of them wait; SQLite: a writer already excludes others). A run reads them several times
    (its version, the layout of the codes, the codes): a rule changed in between would make the codes
    and their layout disagree."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {_quote(StandardProfile._meta.db_table)}, {_quote(StandardRule._meta.db_table)} "
                f"IN SHARE MODE"
            )


def must_run_full(version: str) -> bool:
    """Whether a run under the rules ``version`` (rules_version) must evaluate every cell of its scope:
    unless every run that succeeded since the last estate-wide one (included) used the same rules, some
    cells were last evaluated under other rules, and neither their input revisions nor the snapshot
    deltas can tell. Also True before the first estate-wide run."""
    runs = ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.SUCCEEDED)
    last = runs.filter(facility__isnull=True).order_by("-started_at", "-pk").first()
    return last is None or rules_changed(version)


def rules_changed(version: str) -> bool:
    """Whether a run that succeeded since the last estate-wide one (included; or ever, before the first)
    used other rules than ``version``: some cells may then hold outcome codes under another layout."""
    runs = ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.SUCCEEDED)
    last = runs.filter(facility__isnull=True).order_by("-started_at", "-pk").first()
    if last is not None:
        runs = runs.filter(started_at__gte=last.started_at)
    return runs.exclude(rules_version=version).exists()


class Joined(Func):
    """Text parts joined with ``||`` (flat, unlike Concat's nested pairs that overflow SQLite's parser)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = models.TextField()


CODES = {R.PASS: "P", R.FAIL: "F", R.UNKNOWN: "U", None: "-"}


def outcome_codes_expression(profiles, version: str):
    """Every active rule's outcome for a cell as one short text (P pass, F fail, U unknown, - does not
    apply; profiles separated by "|"), ending with "#" and the start of the rules' ``version``
    (rules_version): what a full run recomputes for every cell and compares with the codes stored at the
    last evaluation, so that new rules or a new engine re-evaluate every cell. Each rule is evaluated
    once."""
    parts = []
    for index, (profile, rules) in enumerate(profile_rules(profiles).items()):
        if index:
            parts.append(Value("|", output_field=models.TextField()))
        parts += [R.outcome_expression(rule, R.stored_column, labels=CODES) for rule in rules]
    parts.append(Value(f"#{version[:12]}", output_field=models.TextField()))
    return Joined(*parts)


def _temporary() -> str:
    return "pg_temp" if connection.vendor == "postgresql" else "temp"  # never a permanent table


def _index_changed(cursor) -> int:
    cursor.execute(f"SELECT count(*) FROM {CHANGED}")
    count = cursor.fetchone()[0]
    if connection.vendor == "postgresql":
        cursor.execute(f"ALTER TABLE {CHANGED} ADD PRIMARY KEY (id)")
        cursor.execute(f"ANALYZE {CHANGED} (id)")  # its size, for the plans; no statistics of every column
    return count


STALE = "compliance_stale_cell"  # temporary table: ids of the cells a full scan found stale


OLD_RECORD = {
    "old_codes": "evaluated_outcomes",
    "old_block_id": "evaluated_block_id",
    "old_persons": "evaluated_persons",
    "old_places": "evaluated_places",
    "old_single": "evaluated_single",
}  # CHANGED's names of the record


def _letters(codes: str) -> str:
    """SQL of the outcome letters of ``codes`` (SQL of outcome codes): without the rules' version."""
    if connection.vendor == "postgresql":
        return f"split_part({codes}, '#', 1)"
    return f"substr({codes}, 1, instr({codes}, '#') - 1)"


def _results_changed(codes: str, in_use: str, old_codes: str, old_in_use: str) -> str:
    """SQL: whether a cell's results changed (SQL of its new codes and whether it is in use, and of those
    recorded before): other outcome letters, or in use then and not now or the reverse. New rules that
    move no letter change no result."""
    return f"({_letters(codes)} <> COALESCE({_letters(old_codes)}, '') OR ({in_use}) <> ({old_in_use}))"


def _record(source: dict, before: tuple[str, str, str]) -> tuple[str, list]:
    """The SET list (SQL, parameters) of a cell's record of its evaluation, from ``source`` (name in
    CHANGED -> (SQL, parameters)): its codes and the revision evaluated, what it then contributed to its
    block (nothing when not in use), and, when its results changed (_results_changed; ``before``: SQL of
    the old codes, of whether it was in use, and of the old ``outcomes_changed_at``), the time."""
    parts, params = [], []

    def put(column: str, name: str, in_use: bool = True) -> None:
        if in_use:
            parts.append(f"{column} = CASE WHEN {source['in_use'][0]} THEN {source[name][0]} END")
            params.extend([*source["in_use"][1], *source[name][1]])
        else:
            parts.append(f"{column} = {source[name][0]}")
            params.extend(source[name][1])

    put("evaluated_outcomes", "codes", in_use=False)
    put("evaluated_revision", "revision", in_use=False)
    for column, name in (
        ("evaluated_block_id", "block_id"),
        ("evaluated_persons", "persons"),
        ("evaluated_places", "places"),
        ("evaluated_single", "single"),
    ):
        put(column, name)
    old_codes, old_in_use, old_changed_at = before
    changed = _results_changed(source["codes"][0], source["in_use"][0], old_codes, old_in_use)
    parts.append(f"outcomes_changed_at = CASE WHEN {changed} THEN %s ELSE {old_changed_at} END")
    assert not source["codes"][1], "the codes are a column here (of the subquery, or of CHANGED)"
    params.extend([*source["in_use"][1], timezone.now()])
    return ", ".join(parts), params


def _prepare_changed(facility_id, profiles=(), version: str = "none", stale: bool = False) -> int:
    """Evaluate the chosen cells and record it: (re)create the temporary table CHANGED of the cells
    evaluated, with all that the rest of the run needs from them: ``id, block_id, revision, in_use,
    persons, places, single, codes`` and ``old_codes, old_block_id, old_persons, old_places, old_single``
    (as recorded at their last evaluation; ``old_block_id`` is NULL when they then counted nowhere); and
    write each cell's new record of its evaluation (_record). The cells evaluated leave the list of due cells, unless edited meanwhile.

    Which cells: with ``stale``, those the full scan listed (STALE); otherwise those (of one facility,
    or all) whose input revision differs from the one last evaluated, found through the list of due
    cells (DueCell, kept by triggers), not by a scan. The revision recorded is the one read with the
    values. Returns how many.

    On PostgreSQL one statement reads each cell, records its evaluation and lists it in CHANGED (an
    ``UPDATE ... RETURNING``, the old record through a self-join): each cell's page is visited once, not
    once to read it and again, seconds later and often from disk, to write it.
    """
    from .triggers import due

    table = _quote(Cell._meta.db_table)
    if stale:
        selection, selection_params = f"{table}.id IN (SELECT id FROM {STALE})", []
    else:
        selection = f"{table}.id IN (SELECT cell_id FROM {_quote(DueCell._meta.db_table)}) AND {due(table)}"
        selection_params = []
        if facility_id is not None:
            selection += (
                f" AND {table}.block_id IN (SELECT id FROM {_quote(ResidentialBlock._meta.db_table)} "
                f"WHERE facility_id = %s)"
            )
            selection_params = [int(facility_id)]
    in_use = models.ExpressionWrapper(Q(status=Cell.Status.IN_USE), output_field=models.BooleanField())
    computed = {
        "revision": F("input_revision"),
        "in_use": in_use,
        "persons": Coalesce(F("occupancy"), 0),
        "places": Coalesce(F("design_capacity"), 0),
        "single": models.ExpressionWrapper(
            Q(accommodation_type=AccommodationType.SINGLE), output_field=models.BooleanField()
        ),
        "codes": outcome_codes_expression(profiles, version) if profiles else Value(f"#{version[:12]}"),
    }
    fields = ["id", "block_id"]
    cells = (
        Cell.objects.order_by()
        .filter(RawSQL(selection, selection_params, output_field=models.BooleanField()))
        .values(*fields, **computed, **{name: F(column) for name, column in OLD_RECORD.items()})
    )
    sql, params = cells.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{CHANGED}")
        if connection.vendor != "postgresql":
            cursor.execute(f"CREATE TEMPORARY TABLE {CHANGED} AS {sql}", params)
            record, record_params = _record(
                {name: (f"x.{name}", []) for name in ["block_id", *computed]},
                ("x.old_codes", "x.old_block_id IS NOT NULL", f"{table}.outcomes_changed_at"),
            )
            cursor.execute(f"UPDATE {table} SET {record} FROM {CHANGED} x WHERE {table}.id = x.id", record_params)
            return _index_changed(cursor)
        cursor.execute(f"CREATE TEMPORARY TABLE {CHANGED} AS {sql} WITH NO DATA", params)
        if not stale:
            # Its size as it is now, for the plan: from an old estimate (the list churns), PostgreSQL would
            # rather scan the estate than look the listed cells up.
            cursor.execute(f"ANALYZE {_quote(DueCell._meta.db_table)}")
        now = {"block_id": (f"{table}.block_id", []), **{name: _compiled(e) for name, e in computed.items()}}
        codes_sql, codes_params = now["codes"]
        # The codes are computed once a cell, in the subquery (o.codes, fenced by OFFSET 0), and read twice:
        # recorded, and compared with the old ones for the time of the change.
        record, record_params = _record(
            {**now, "codes": ("o.codes", [])},
            (f"{table}.evaluated_outcomes", f"{table}.evaluated_block_id IS NOT NULL", f"{table}.outcomes_changed_at"),
        )
        returned = (
            [f"{table}.{_quote(name)}" for name in fields]
            + [f"{now[name][0]} AS {name}" for name in computed if name != "codes"]
            + [f"{table}.evaluated_outcomes AS codes"]
            + [f"o.{column} AS {name}" for name, column in OLD_RECORD.items()]
        )
        columns = [*fields, *[name for name in computed if name != "codes"], "codes", *OLD_RECORD]
        listed = _quote(DueCell._meta.db_table)
        cursor.execute(
            f"WITH recorded AS (UPDATE {table} SET {record} FROM (SELECT {table}.*, {codes_sql} AS codes "
            f"FROM {table} WHERE {selection} OFFSET 0) o WHERE o.id = {table}.id "
            # An edit committed while this statement waited for the row: PostgreSQL re-checks this
            # condition on the edited row (the codes in o are those of the values read before), so the
            # cell is left unrecorded and stays due.
            f"AND o.input_revision = {table}.input_revision "
            f"RETURNING {', '.join(returned)}, {due(table)} AS still_due), "
            f"listed AS (DELETE FROM {listed} WHERE cell_id IN (SELECT id FROM recorded WHERE NOT still_due)) "
            f"INSERT INTO {CHANGED} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM recorded",
            [
                *record_params,
                *codes_params,
                *selection_params,
                *[p for name in computed if name != "codes" for p in now[name][1]],
            ],
        )
        return _index_changed(cursor)


FIGURES = "compliance_block_figures"  # temporary table: a full run's counts per block (columns per profile)


def _positions(profiles) -> list[tuple[int, int, int]]:
    """``[(profile_id, first, length)]``: where each profile's codes sit in the text of
    outcome_codes_expression (profiles in its order, separated by one "|"; ``first`` counts from 1)."""
    positions, first = [], 1
    for profile, rules in profile_rules(profiles).items():
        positions.append((int(profile.pk), first, len(rules)))
        first += len(rules) + 1
    return positions


def _profile_positions(profiles) -> str:
    """_positions as a constant table ``(k, profile_id, first, length)``, ``k`` counting from 0."""
    return " UNION ALL ".join(
        f"SELECT {k} AS k, {pk} AS profile_id, {first} AS first, {length} AS length"
        for k, (pk, first, length) in enumerate(_positions(profiles))
    )


def _status(codes: str, first, length, labels=("2", "1", "0")) -> str:
    """SQL of a profile's status from its part of a cell's outcome codes: ``labels`` (SQL) for
    non-compliant if one code is F, else unknown if one is U, else compliant (as
    rules.profile_status_expression); by default 2, 1 and 0."""
    mine = f"substr({codes}, {first}, {length})"
    failing, unknown, compliant = labels
    return f"CASE WHEN {mine} LIKE '%%F%%' THEN {failing} WHEN {mine} LIKE '%%U%%' THEN {unknown} ELSE {compliant} END"


STATUS_COUNTS = {
    "persons_compliant": (0, "persons"),
    "cells_compliant": (0, "1"),
    "cells_non_compliant": (2, "1"),
    "cells_unknown": (1, "1"),
}  # the counts that depend on a profile's status: (status, what)


def _scan_full(facility_id, version: str, profiles) -> int:
    """A full run's single scan of the cells (of one facility, or all).

    For every cell: every active rule's outcome (the codes) and its contribution to its block, compared
    with what the cell recorded at its last evaluation. Writes temporary tables: per block the snapshot
    counts of its cells in use under the outcomes just computed, the status-dependent ones once per
    profile (FIGURES; read through _figures_rows), which are what aggregating the results would give
    once the changed cells are rewritten, without reading the results; and the cells whose codes,
    inputs or input revision differ (STALE, then CHANGED through _prepare_changed). Returns the number
    of changed cells.

    Per cell, each profile's status is taken once from the codes; the cells are grouped by block only
    (50,000 groups at two million cells), not by block and profile.
    """
    from .triggers import due

    cells = Cell.objects.order_by()
    if facility_id is not None:
        cells = cells.filter(block__facility_id=facility_id)
    cells = cells.annotate(codes=outcome_codes_expression(profiles, version)).values(
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
    sql, params = cells.query.sql_with_params()
    postgres = connection.vendor == "postgresql"
    fence = "OFFSET 0" if postgres else "LIMIT -1 OFFSET 0"  # compute each expression once a cell
    # Stale: other outcomes (or rules), an input revision not evaluated, or a contribution to its block
    # that differs from the one recorded (a safety net for writes that bypassed the trigger). -1 stands
    # for "none": counts and ids are never negative.
    in_use = f"e.status = '{Cell.Status.IN_USE}'"

    def recorded(column: str, now: str) -> str:
        return f"COALESCE({column}, -1) <> CASE WHEN {in_use} THEN {now} ELSE -1 END"

    stale = (
        "(e.evaluated_outcomes IS NULL OR e.evaluated_outcomes <> e.codes OR "
        + due("e")
        + " OR "
        + " OR ".join(
            [
                recorded("e.evaluated_block_id", "e.block_id"),
                recorded("e.evaluated_persons", "COALESCE(e.occupancy, 0)"),
                recorded("e.evaluated_places", "COALESCE(e.design_capacity, 0)"),
                recorded(
                    "CASE WHEN e.evaluated_single THEN 1 WHEN NOT e.evaluated_single THEN 0 END",
                    f"CASE WHEN e.accommodation_type = '{AccommodationType.SINGLE}' THEN 1 ELSE 0 END",
                ),
            ]
        )
        + ")"
    )
    positions = _positions(profiles)
    statuses = ", ".join(
        f"{_status('e.codes', first, length)} AS s_{k}" for k, (_, first, length) in enumerate(positions)
    )
    per_cell = (
        f"SELECT e.id, e.block_id, e.input_revision, {stale} AS stale, "
        f"e.status = '{Cell.Status.IN_USE}' AS in_use, COALESCE(e.occupancy, 0) AS persons, "
        f"COALESCE(e.design_capacity, 0) AS places, "
        f"e.accommodation_type = '{AccommodationType.SINGLE}' AS single, {statuses} "
        f"FROM ({sql} {fence}) e {fence}"
    )

    def total(condition: str, value: str = "1") -> str:
        return f"SUM(CASE WHEN x.in_use AND {condition} THEN {value} ELSE 0 END)"

    sums = [
        f"{total('true', 'x.persons')} AS persons",
        f"{total('true', 'x.places')} AS places",
        f"{total('x.single', 'x.persons')} AS persons_in_single_cells",
        f"{total('true')} AS cells",
    ]
    for k in range(len(positions)):
        sums += [
            f"{total(f'x.s_{k} = {status}', 'x.' + what if what != '1' else '1')} AS {name}_{k}"
            for name, (status, what) in STATUS_COUNTS.items()
        ]
    ids = (
        "array_agg(x.id) FILTER (WHERE x.stale) AS stale_ids"
        if postgres
        else "json_group_array(x.id) FILTER (WHERE x.stale) AS stale_ids"
    )
    select = f"SELECT x.block_id, {', '.join(sums)}, {ids} FROM ({per_cell}) x GROUP BY x.block_id"
    unnest = (
        "SELECT u.id FROM {t} f, unnest(f.stale_ids) AS u(id) WHERE f.stale_ids IS NOT NULL"
        if postgres
        else "SELECT j.value AS id FROM {t} f, json_each(f.stale_ids) j WHERE f.stale_ids IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{FIGURES}")
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{STALE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {FIGURES} AS {select}", params)
        cursor.execute(f"CREATE TEMPORARY TABLE {STALE} AS {unnest.format(t=FIGURES)}")
        if postgres:
            cursor.execute(f"ALTER TABLE {STALE} ADD PRIMARY KEY (id)")
            cursor.execute(f"ANALYZE {STALE}")
    return _prepare_changed(facility_id, profiles, version, stale=True)


def _figures_rows(profiles) -> str:
    """The full scan's counts (FIGURES) by status as rows ``block_id, profile_id`` and STATUS_COUNTS, for
    the blocks with a cell in use (what BlockCompliance holds)."""
    picked = {
        name: "CASE p.k " + " ".join(f"WHEN {k} THEN f.{name}_{k}" for k in range(len(profiles))) + " END"
        for name in STATUS_COUNTS
    }
    columns = ", ".join(f"{picked[name]} AS {name}" for name in STATUS_COUNTS)
    return (
        f"SELECT f.block_id, p.profile_id, {columns} FROM {FIGURES} f "
        f"CROSS JOIN ({_profile_positions(profiles)}) p WHERE f.cells > 0"
    )


def _figures_totals() -> str:
    """The full scan's totals (FIGURES) as rows ``block_id`` and TOTAL_COUNTS, for the blocks with a cell
    in use (what BlockTotals holds)."""
    return f"SELECT f.block_id, {', '.join(f'f.{c}' for c in TOTAL_COUNTS)} FROM {FIGURES} f WHERE f.cells > 0"


def definition(rule: StandardRule) -> list:
    """What a rule's outcome depends on, as JSON: ``[code, metric, operator, value, applies_to (sorted)]``
    (an entry of OutcomeLayout.profiles' rules)."""
    return [rule.code, rule.metric, rule.operator, rule.value, sorted(rule.applies_to)]


def record_layout(profiles, version: str) -> OutcomeLayout:
    """The layout of the outcome codes under the rules ``version`` (rules_version) of ``profiles``:
    stored by the first run under that version (OutcomeLayout), read by every later one."""
    entries = [
        {"profile": pk, "first": first, "rules": [definition(rule) for rule in rules]}
        for (pk, first, _), rules in zip(_positions(profiles), profile_rules(profiles).values())
    ]
    return OutcomeLayout.objects.get_or_create(version=version[:12], defaults={"profiles": entries})[0]


def write_results(profiles, facility_id: int | None = None, full: bool = False) -> tuple[int, int, int]:
    """Evaluate the cells whose inputs changed since their last evaluation (every cell with ``full``), of
    one facility or all, against ``profiles``, and record on each its outcome codes (its results,
    cells.compliance.outcomes) and its contribution to its block.

    A cell's inputs are its attributes (INPUT_FIELDS, whose changes the input-revision trigger records
    whatever writes them: page, API, import, SQL) and the active rules (a change makes the run full).
    Returns ``(cells_evaluated, results_changed, results_removed)``: the cells in use evaluated, the
    cells in use whose results changed (_outcomes_changed), and the cells whose results went (they left
    use). Must run inside a transaction; leaves the evaluated cells in the temporary table for
    write_snapshots.
    """
    version = rules_version(profiles) if profiles else "none"
    full = full and bool(profiles)  # without profiles there is nothing to score
    if profiles:
        record_layout(profiles, version)
    if connection.vendor == "postgresql":
        # The run reads and writes its cells and blocks by key: with the default cost of a random page (4,
        # a spinning disk), PostgreSQL would rather scan 2 M cells to join 20,000 changed cells. 1.1 is
        # the usual figure for SSDs and cached tables. No JIT: compiling the rules' many expressions took
        # longer than running them (up to 7 s on the full scan, 0.8 s on 20,000 changed cells). Room to
        # hash the aggregations (per block, per block and profile) in memory. For this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            if full:
                # A full run counts the blocks in one statement and records what it evaluated in a later one:
                # an edit committed in between would be recorded but not counted. Writes to the cells wait
                # for the end of the run (seconds), and every statement of the run sees the same cells.
                cursor.execute(f"LOCK TABLE {_quote(Cell._meta.db_table)} IN SHARE MODE")
    changed = _scan_full(facility_id, version, profiles) if full else _prepare_changed(facility_id, profiles, version)
    cell_table, listed = _quote(Cell._meta.db_table), _quote(DueCell._meta.db_table)
    from .triggers import due

    with connection.cursor() as cursor:
        if full:  # a full run evaluates every rule of every cell in use (the codes)
            cursor.execute(f"SELECT COALESCE(SUM(cells), 0) FROM {FIGURES}")
            evaluated = int(cursor.fetchone()[0])
        else:
            cursor.execute(f"SELECT count(*) FROM {CHANGED} WHERE in_use")
            evaluated = int(cursor.fetchone()[0])
        written = removed = 0
        if changed:
            written, removed = _outcomes_changed(cursor) if profiles else (0, 0)
        if facility_id is None or connection.vendor != "postgresql":
            # The cells due no more leave the list (on PostgreSQL, the evaluated ones left it as they were
            # recorded, _prepare_changed): deleted cells, and anything else an estate-wide run finds.
            cursor.execute(
                f"DELETE FROM {listed} WHERE NOT EXISTS (SELECT 1 FROM {cell_table} c "
                f"WHERE c.id = {listed}.cell_id AND {due('c')})"
            )
    if not full and profiles:  # what the evaluated cells took out of their blocks and put in
        _delta(profiles)
    if full and facility_id is not None:
        # Cells that left this facility's blocks are not in its scan, and its recount no longer counts them:
        # they count nowhere until the run that evaluates them adds them where they are now.
        inside = f"SELECT id FROM {_quote(ResidentialBlock._meta.db_table)} WHERE facility_id = {int(facility_id)}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {cell_table} SET evaluated_block_id = NULL, evaluated_persons = NULL, "
                f"evaluated_places = NULL, evaluated_single = NULL WHERE {due(cell_table)} "
                f"AND evaluated_block_id IN ({inside}) AND block_id NOT IN ({inside})"
            )
    if full and facility_id is None:
        # Every cell now holds codes under this version (a full scan records every cell whose codes
        # differ): the older layouts are read no more, and each would lengthen the status filters.
        OutcomeLayout.objects.exclude(version=version[:12]).delete()
    if changed > 100_000 and connection.vendor == "postgresql":
        # After a bulk change, fresh statistics keep the pages' and the next runs' plans (autovacuum would
        # come later).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {cell_table}")
    return evaluated, written, removed


def _outcomes_changed(cursor) -> tuple[int, int]:
    """``(changed, removed)`` over the evaluated cells (CHANGED): the cells in use whose results changed
    (_results_changed: other outcome letters than at the last evaluation, or none shown then), and the
    cells whose results went (in use at the last evaluation, no longer)."""
    changed = _results_changed("codes", "in_use", "old_codes", "old_block_id IS NOT NULL")
    cursor.execute(
        f"SELECT COALESCE(SUM(CASE WHEN in_use AND {changed} THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN NOT in_use AND old_block_id IS NOT NULL THEN 1 ELSE 0 END), 0) FROM {CHANGED}"
    )
    changed, removed = cursor.fetchone()
    return int(changed), int(removed)


def _compiled(expression) -> tuple[str, list]:
    """SQL and parameters of an ORM expression that names no model column."""
    query = Query(Cell)
    return query.get_compiler(connection=connection).compile(expression.resolve_expression(query))


SNAPSHOT_COUNTS = [field.name for field in ComplianceCounts._meta.fields]


DELTA = "compliance_snapshot_delta"  # temporary table: per block and profile, what changed cells add or remove
TOTALS_DELTA = "compliance_totals_delta"  # temporary table: per block, the same for its totals (BlockTotals)
FACILITY_DELTA = "compliance_facility_delta"  # temporary table: both summed per facility and profile


OLD_CONTRIBUTIONS = (
    f"SELECT old_block_id AS block_id, old_codes AS codes, old_persons AS persons, "
    f"old_places AS places, old_single AS single, -1 AS sign FROM {CHANGED} WHERE old_block_id IS NOT NULL"
)


def _total(condition: str, value: str = "1") -> str:
    return f"SUM(CASE WHEN {condition} THEN s.sign * {value} ELSE 0 END)"


def _delta_select(profiles, contributions: str) -> str:
    """Per (block, profile), the counts by status (STATUS_COUNTS) of ``contributions`` (SQL of rows
    ``block_id, codes, persons, places, single, sign``; ``sign`` 1 puts a cell in, -1 takes it out)
    summed, leaving out rows that change nothing. Each profile's status is taken once a row from the
    codes (_status)."""
    fence = "OFFSET 0" if connection.vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    rows = (
        f"SELECT c.block_id, p.profile_id, c.sign, c.persons, "
        f"{_status('c.codes', 'p.first', 'p.length')} AS status FROM ({contributions}) c "
        f"CROSS JOIN ({_profile_positions(profiles)}) p {fence}"
    )
    sums = {
        name: _total(f"s.status = {status}", "s.persons" if what == "persons" else "1")
        for name, (status, what) in STATUS_COUNTS.items()
    }
    columns = ", ".join(f"{sums[name]} AS {name}" for name in STATUS_COUNTS)
    nonzero = " OR ".join(f"d.{name} <> 0" for name in STATUS_COUNTS)
    return (
        f"SELECT * FROM (SELECT s.block_id, s.profile_id, {columns} FROM ({rows}) s "
        f"GROUP BY s.block_id, s.profile_id) d WHERE {nonzero}"
    )


def _totals_select(contributions: str) -> str:
    """Per block, the totals (TOTAL_COUNTS) of ``contributions`` (as in _delta_select) summed, leaving
    out blocks whose totals do not change."""
    sums = {
        "persons": _total("true", "s.persons"),
        "places": _total("true", "s.places"),
        "persons_in_single_cells": _total("s.single", "s.persons"),
        "cells": _total("true"),
    }
    columns = ", ".join(f"{sums[name]} AS {name}" for name in TOTAL_COUNTS)
    nonzero = " OR ".join(f"d.{name} <> 0" for name in TOTAL_COUNTS)
    return (
        f"SELECT * FROM (SELECT s.block_id, {columns} FROM ({contributions}) s GROUP BY s.block_id) d WHERE {nonzero}"
    )


def _delta(profiles) -> None:
    """DELTA, per (block, profile), and TOTALS_DELTA, per block: what the evaluated cells (CHANGED) took
    out of their blocks as of their last evaluation (recorded contribution and codes) and put in now,
    summed; rows that change nothing are left out. Reads CHANGED only."""
    new = f"SELECT block_id, codes, persons, places, single, 1 AS sign FROM {CHANGED} WHERE in_use"
    contributions = OLD_CONTRIBUTIONS + " UNION ALL " + new
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{DELTA}")
        cursor.execute(f"CREATE TEMPORARY TABLE {DELTA} AS {_delta_select(profiles, contributions)}", [])
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{TOTALS_DELTA}")
        cursor.execute(f"CREATE TEMPORARY TABLE {TOTALS_DELTA} AS {_totals_select(contributions)}", [])
        _index_delta(cursor)


def _index_delta(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute(f"ALTER TABLE {DELTA} ADD PRIMARY KEY (block_id, profile_id)")
        cursor.execute(f"ANALYZE {DELTA} (block_id)")
        cursor.execute(f"ALTER TABLE {TOTALS_DELTA} ADD PRIMARY KEY (block_id)")
        cursor.execute(f"ANALYZE {TOTALS_DELTA} (block_id)")


def _apply(cursor, table: str, delta: str, key: list[str], counts: list[str], cells: list[str]) -> int:
    """Add the rows of the temporary table ``delta`` to the stored ``table`` (both keyed by ``key``,
    columns ``counts``): update the rows it has, insert those it lacks whose ``cells`` (the columns that
    count the block's cells in use) sum above 0, and delete the rows of its blocks whose cells fall to
    none. Returns the rows written."""

    def present(alias: str) -> str:
        return "(" + " + ".join(f"{alias}.{c}" for c in cells) + ") > 0"

    written = 0
    on = " AND ".join(f"b.{k} = d.{k}" for k in key)
    cursor.execute(
        f"UPDATE {table} AS b SET " + ", ".join(f"{c} = b.{c} + d.{c}" for c in counts) + f" FROM {delta} d WHERE {on}",
        [],
    )
    written += max(cursor.rowcount, 0)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(key + counts)}) SELECT "
        + ", ".join(f"d.{c}" for c in key + counts)
        + f" FROM {delta} d WHERE {present('d')} "
        f"AND NOT EXISTS (SELECT 1 FROM {table} b WHERE {on})",
        [],
    )
    written += max(cursor.rowcount, 0)
    cursor.execute(f"DELETE FROM {table} WHERE NOT {present(table)} AND block_id IN (SELECT block_id FROM {delta})", [])
    written += max(cursor.rowcount, 0)
    return written


def write_snapshots(run_date, profiles, facility=None, full: bool = True, blocks: str = "") -> int:
    """Bring the blocks' current figures (BlockTotals, BlockCompliance) up to date for ``profiles``, then write the
    facility, region and nation snapshots of ``run_date`` summed from them. Returns the rows written.
    Must run inside a transaction, after write_results (whose temporary tables hold the full scan's
    counts or the evaluated cells' contributions). ``blocks``: blocks_version, read before this call and
    recorded on the run.

    ``full``: the blocks of the run's scope (one facility, or all) take the counts the full scan
    computed: their differences from the stored rows become the deltas, so only rows that differ are
    written, and rows of blocks without a cell in use (or of inactive profiles) are deleted. Otherwise
    the deltas are the evaluated cells' contributions (old taken out, new put in, _delta): the cost
    follows the changed cells, not the estate.
    """
    if not profiles:
        return 0
    table, totals = _quote(BlockCompliance._meta.db_table), _quote(BlockTotals._meta.db_table)
    status_counts = list(STATUS_COUNTS)
    with connection.cursor() as cursor:
        if full:  # the full scan's counts minus the stored ones, as deltas: one join of the two sets each
            scope = "true"
            if facility is not None:
                block_table = _quote(ResidentialBlock._meta.db_table)
                scope = f"block_id IN (SELECT id FROM {block_table} WHERE facility_id = {int(facility.pk)})"
            for delta, source, stored, key, counts in (
                (DELTA, _figures_rows(profiles), table, ["block_id", "profile_id"], status_counts),
                (TOTALS_DELTA, _figures_totals(), totals, ["block_id"], TOTAL_COUNTS),
            ):
                difference = ", ".join(f"COALESCE(f.{c}, 0) - COALESCE(b.{c}, 0) AS {c}" for c in counts)
                cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{delta}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {delta} AS SELECT "
                    + ", ".join(f"COALESCE(f.{k}, b.{k}) AS {k}" for k in key)
                    + f", {difference} "
                    f"FROM ({source}) f FULL JOIN (SELECT * FROM {stored} WHERE {scope}) b ON "
                    + " AND ".join(f"b.{k} = f.{k}" for k in key)
                    + " WHERE f.block_id IS NULL OR b.block_id IS NULL OR "
                    + " OR ".join(f"f.{c} <> b.{c}" for c in counts),
                    [],
                )
            _index_delta(cursor)
            if facility is not None:
                # Cells that came from another facility's block: their old contribution leaves that block
                # (the recount covered this facility's blocks only).
                outside = (
                    f"{OLD_CONTRIBUTIONS} AND old_block_id NOT IN "
                    f"(SELECT id FROM {block_table} WHERE facility_id = {int(facility.pk)})"
                )
                cursor.execute(f"INSERT INTO {DELTA} {_delta_select(profiles, outside)}", [])
                cursor.execute(f"INSERT INTO {TOTALS_DELTA} {_totals_select(outside)}", [])
        # The deltas hold what to add to the stored figures. A block whose cells in use fall to none loses
        # its rows (and a profile no longer active its rows, in a full run).
        written = _apply(
            cursor,
            table,
            DELTA,
            ["block_id", "profile_id"],
            status_counts,
            ["cells_compliant", "cells_non_compliant", "cells_unknown"],
        )
        written += _apply(cursor, totals, TOTALS_DELTA, ["block_id"], TOTAL_COUNTS, ["cells"])
    return written + roll_up(run_date, profiles, deltas=not full and facility_rows_current(run_date, blocks))


def blocks_version() -> str:
    """A fingerprint (md5 hex) of every residential block's id and facility: it changes when a block is
    added, deleted or moved to another facility, whatever writes it (a page, a queryset update, SQL)."""
    blocks = _quote(ResidentialBlock._meta.db_table)
    if connection.vendor == "postgresql":
        sql = f"SELECT md5(COALESCE(string_agg(id || ':' || facility_id, ',' ORDER BY id), '')) FROM {blocks}"
    else:
        sql = (
            f"SELECT MD5(COALESCE(group_concat(id || ':' || facility_id, ','), '')) "
            f"FROM (SELECT id, facility_id FROM {blocks} ORDER BY id)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def facility_rows_current(run_date, blocks: str) -> bool:
    """Whether the facility snapshots of ``run_date`` are the sums of the blocks' current figures, so that
    a run of the same date may apply its deltas to them instead of summing every block again: the last
    run that succeeded was of that date (every run writes its date's snapshots from the blocks' figures,
    and only runs change those), the date holds no reconstructed demo history, and the blocks and their
    facilities are those of that run (``blocks``: blocks_version now)."""
    last = ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.SUCCEEDED).order_by("-started_at", "-pk").first()
    if last is None or last.run_date != run_date or not blocks or last.blocks_version != blocks:
        return False
    return not ComplianceSnapshot.objects.filter(date=run_date, is_reconstructed=True).exists()


def roll_up(run_date, profiles, deltas: bool = False) -> int:
    """Write the facility, region and nation snapshots of ``run_date`` (replacing any reconstructed demo
    history of that date). Returns the rows written.

    The facility rows are the sums of the blocks' current figures (an ``INSERT ... SELECT`` joining the
    blocks, whose cost follows the number of blocks, not of cells), or, with ``deltas`` (allowed when
    facility_rows_current), the day's rows with the run's block deltas (DELTA and TOTALS_DELTA) summed
    per facility added to them: the cost follows the changed blocks. The region and nation rows are summed from the
    facility rows."""
    Scope = ComplianceSnapshot.Scope
    today = ComplianceSnapshot.objects.filter(date=run_date)
    stale = today.filter(Q(is_reconstructed=True) | Q(profile__in=profiles))
    if deltas:
        stale = stale.exclude(scope=Scope.FACILITY)
    stale._raw_delete(stale.db)
    table = _quote(ComplianceSnapshot._meta.db_table)
    counts = ", ".join(SNAPSHOT_COUNTS)
    sums = ", ".join(f"SUM(s.{c})" for c in SNAPSHOT_COUNTS)
    # Facility rows from the blocks: the totals once per block (t), the counts by status per profile (s).
    block_sums = ", ".join(f"SUM({'t' if c in TOTAL_COUNTS else 's'}.{c})" for c in SNAPSHOT_COUNTS)
    profile_ids = ", ".join(str(int(p.pk)) for p in profiles)
    blocks, facilities = (_quote(ResidentialBlock._meta.db_table), _quote(Facility._meta.db_table))
    today_rows = f"{table} s WHERE s.date = %s AND s.scope = %s AND s.profile_id IN ({profile_ids})"
    written = 0
    scopes = [
        (
            Scope.FACILITY,
            "o.facility_id",
            f"{_quote(BlockCompliance._meta.db_table)} s JOIN {_quote(BlockTotals._meta.db_table)} t "
            f"ON t.block_id = s.block_id JOIN {blocks} o ON o.id = s.block_id WHERE s.profile_id IN ({profile_ids})",
            [],
        ),
        (
            Scope.REGION,
            "o.region_id",
            today_rows.replace(" WHERE", f" JOIN {facilities} o ON o.id = s.object_id WHERE"),
            [run_date, Scope.FACILITY],
        ),
        (Scope.NATION, "0", today_rows, [run_date, Scope.REGION]),
    ]
    with connection.cursor() as cursor:
        if deltas:
            scopes = scopes[1:]
            named = ", ".join(f"SUM(x.{c}) AS {c}" for c in SNAPSHOT_COUNTS)
            # The totals' deltas summed per facility, then given to each profile; the counts by status per
            # facility and profile.
            per_facility = ", ".join(f"SUM(d.{c}) AS {c}" for c in TOTAL_COUNTS)
            totals = (
                "SELECT t.facility_id, p.profile_id, "
                + ", ".join(f"t.{c}" if c in TOTAL_COUNTS else f"0 AS {c}" for c in SNAPSHOT_COUNTS)
                + f" FROM (SELECT o.facility_id, {per_facility} FROM {TOTALS_DELTA} d JOIN {blocks} o "
                f"ON o.id = d.block_id GROUP BY o.facility_id) t CROSS JOIN ({_profile_positions(profiles)}) p"
            )
            by_status = (
                "SELECT o.facility_id, d.profile_id, "
                + ", ".join(f"0 AS {c}" if c in TOTAL_COUNTS else f"d.{c}" for c in SNAPSHOT_COUNTS)
                + f" FROM {DELTA} d JOIN {blocks} o ON o.id = d.block_id"
            )
            cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{FACILITY_DELTA}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {FACILITY_DELTA} AS SELECT x.facility_id, x.profile_id, {named} "
                f"FROM ({totals} UNION ALL {by_status}) x GROUP BY x.facility_id, x.profile_id"
            )
            cursor.execute(
                f"UPDATE {table} SET "
                + ", ".join(f"{c} = {table}.{c} + f.{c}" for c in SNAPSHOT_COUNTS)
                + f" FROM {FACILITY_DELTA} f WHERE {table}.date = %s AND {table}.scope = %s "
                f"AND {table}.object_id = f.facility_id AND {table}.profile_id = f.profile_id",
                [run_date, Scope.FACILITY],
            )
            written += max(cursor.rowcount, 0)
            cursor.execute(
                f"INSERT INTO {table} (date, scope, object_id, profile_id, {counts}, is_reconstructed) "
                f"SELECT %s, %s, f.facility_id, f.profile_id, "
                + ", ".join(f"f.{c}" for c in SNAPSHOT_COUNTS)
                + f", %s FROM {FACILITY_DELTA} f WHERE f.cells > 0 "
                f"AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.date = %s AND s.scope = %s "
                f"AND s.object_id = f.facility_id AND s.profile_id = f.profile_id)",
                [run_date, Scope.FACILITY, False, run_date, Scope.FACILITY],
            )
            written += max(cursor.rowcount, 0)
            # A facility left without a cell in use has no row, as when summed from the blocks.
            cursor.execute(
                f"DELETE FROM {table} WHERE date = %s AND scope = %s AND cells <= 0", [run_date, Scope.FACILITY]
            )
            written += max(cursor.rowcount, 0)
        for scope, parent, source, params in scopes:
            group = "s.profile_id" if parent == "0" else f"{parent}, s.profile_id"
            cursor.execute(
                f"INSERT INTO {table} (date, scope, object_id, profile_id, {counts}, is_reconstructed) "
                f"SELECT %s, %s, {parent}, s.profile_id, {block_sums if scope == Scope.FACILITY else sums}, %s "
                f"FROM {source} GROUP BY {group}",
                [run_date, scope, False, *params],
            )
            written += max(cursor.rowcount, 0)
    return written


def evaluate_measurements(measurements: dict, profiles) -> list[dict]:
    """Evaluate typed measurements of one cell against ``profiles`` in the database (the design check).

    ``measurements``: ``accommodation_type`` and any of the cell attributes in rules.FIELD_TYPES
    (None = unknown). Returns, per profile, ``{"code", "title", "verified", "status", "rules": [...]}``
    with, for each rule that applies to the accommodation type, ``{"code", "status", "measured",
    "required", "operator", "unit", "source", "summary"}``.
    """
    grouped = profile_rules(profiles)
    col = R.value_columns(measurements)
    annotations = {}
    for p_index, (profile, rules) in enumerate(grouped.items()):
        outcomes = []
        for r_index, rule in enumerate(rules):
            outcome = R.outcome_expression(rule, col)
            outcomes.append(outcome)
            annotations[f"r_{p_index}_{r_index}"] = outcome
            annotations[f"m_{p_index}_{r_index}"] = R.display_measured_expression(rule.metric, col)
        annotations[f"s_{p_index}"] = R.profile_status_expression(outcomes)
    anchor = next(iter(grouped))
    row = StandardProfile.objects.filter(pk=anchor.pk).annotate(**annotations).values(*annotations).get()
    report = []
    for p_index, (profile, rules) in enumerate(grouped.items()):
        rule_rows = []
        for r_index, rule in enumerate(rules):
            outcome = row[f"r_{p_index}_{r_index}"]
            if outcome is None:
                continue
            rule_rows.append(
                {
                    "code": rule.code,
                    "status": outcome,
                    "measured": present_measured(rule.metric, row[f"m_{p_index}_{r_index}"]),
                    "required": rule.value,
                    "operator": rule.operator,
                    "unit": rule.unit,
                    "source": rule.source,
                    "summary": rule.summary,
                }
            )
        report.append(
            {
                "code": profile.code,
                "title": profile.title,
                "verified": profile.verified,
                "status": row[f"s_{p_index}"],
                "rules": rule_rows,
            }
        )
    return report


def present_measured(metric: str, value):
    """A measured value in JSON form: numbers as floats (2 dp), booleans as booleans, None unchanged."""
    if value is None:
        return None
    if metric in R.BOOLEAN_METRICS:
        return bool(value)
    if metric in R.NUMERIC_METRICS:
        return round(float(value), 2) if metric not in ("design_capacity", "occupancy") else int(value)
    return value
