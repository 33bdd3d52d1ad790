"""Set-based evaluation of the standards over stored cells, and of typed measurements (the design check).

The nightly run, the per-facility recompute and the design check all build their SQL from
``cells.compliance.rules``; nothing here loops over cells in Python.

Statements per run (a fixed number, whatever the number of cells): one scan of the cells' input
fingerprints into a temporary table of the cells to evaluate; for each active profile one
``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` over those cells that writes only results whose outcome
changed; DELETEs of results that no longer apply; one UPDATE of the evaluated fingerprints; the day's
block snapshots (affected blocks aggregated, the others carried over) and three roll-ups (facility,
region, nation).
"""
import hashlib
import json

from django.db import connection, models
from django.db.models import F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import MD5, Cast, Coalesce, JSONObject
from django.utils import timezone

from cells.models import (Cell, ComplianceResult, ComplianceRun, ComplianceSnapshot,
                          StandardProfile, StandardRule)
from facilities.models import AccommodationType, Facility, ResidentialBlock

from . import rules as R


class StripNulls(Func):
    """Drop the members whose value is null from a JSON object (PostgreSQL jsonb_strip_nulls;
    on SQLite an RFC 7396 merge patch into ``{}``, which removes null members)."""

    function = "JSONB_STRIP_NULLS"
    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_PATCH", template="%(function)s('{}', %(expressions)s)",
                           **extra_context)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _insert_select(table: str, columns: dict[str, str], queryset, conflict: str = "") -> int:
    """``INSERT INTO table (<columns keys>) SELECT <columns values> FROM (queryset)``; returns rows written.

    ``columns`` maps each target column to the alias of a column that ``queryset`` selects.
    """
    sql, params = queryset.query.sql_with_params()
    column_list = ", ".join(_quote(c) for c in columns)
    aliases = ", ".join(f"e.{_quote(alias)}" for alias in columns.values())
    statement = f"INSERT INTO {_quote(table)} ({column_list}) SELECT {aliases} FROM ({sql}) e WHERE true {conflict}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def profile_rules(profiles) -> dict:
    """``{profile: [rules]}`` for the given profiles, in display order (one query)."""
    grouped = {profile: [] for profile in profiles}
    by_id = {p.pk: p for p in profiles}
    for rule in StandardRule.objects.filter(profile__in=profiles).order_by("profile__position", "position", "code"):
        rule.profile = by_id[rule.profile_id]
        grouped[rule.profile].append(rule)
    return grouped


CHANGED = "compliance_changed_cell"  # temporary table: the cells a run evaluates, with their blocks
INPUT_FIELDS = ["block_id", "accommodation_type", "living_space_m2", "design_capacity", "occupancy",
                "has_sanitary_annex", "sanitary_annex_partitioned", "min_wall_distance_m", "ceiling_height_m",
                "has_natural_light", "status"]  # the block too: a cell moved counts in another block


ENGINE_VERSION = 3  # bump when what a result stores changes: every cell is then evaluated again


def rules_version(profiles) -> str:
    """A fingerprint of the engine, the active profiles and their rules (md5 hex): any change to them
    changes it."""
    grouped = profile_rules(profiles)
    data = [ENGINE_VERSION] + [[p.pk, p.code, [[r.code, r.metric, r.operator, r.value, sorted(r.applies_to)]
                                               for r in rules]]
                               for p, rules in sorted(grouped.items(), key=lambda item: item[0].pk)]
    return hashlib.md5(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def must_run_full(version: str) -> bool:
    """Whether a run under the rules ``version`` (rules_version) must evaluate every cell of its scope:
    unless every run that succeeded since the last estate-wide one (included) used the same rules, some
    cells were last evaluated under other rules, and neither their input revisions nor the snapshot
    deltas can tell. Also True before the first estate-wide run."""
    runs = ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.SUCCEEDED)
    last = runs.filter(facility__isnull=True).order_by("-started_at", "-pk").first()
    return last is None or runs.filter(started_at__gte=last.started_at).exclude(rules_version=version).exists()


class Joined(Func):
    """Text parts joined with ``||`` (flat, unlike Concat's nested pairs that overflow SQLite's parser)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = models.TextField()


def inputs_expression(version: str):
    """md5 of the rules' fingerprint and every cell attribute a rule or the snapshots read (NULL as "~"):
    a cell whose stored ``evaluated_hash`` equals it needs no evaluation."""
    parts = [Value(version, output_field=models.TextField())]
    for name in INPUT_FIELDS:
        parts += [Value("|", output_field=models.TextField()),
                  Coalesce(Cast(F(name), models.TextField()), Value("~", output_field=models.TextField()))]
    return MD5(Joined(*parts))


CODES = {R.PASS: "P", R.FAIL: "F", R.UNKNOWN: "U"}


def outcome_codes_expression(profiles):
    """Every active rule's outcome for a cell as one short text (P pass, F fail, U unknown, - does not
    apply; profiles separated by "|"): what a full run recomputes for every cell and compares with the
    codes stored at the last evaluation."""
    parts = []
    for index, (profile, rules) in enumerate(profile_rules(profiles).items()):
        if index:
            parts.append(Value("|", output_field=models.TextField()))
        for rule in rules:
            outcome = R.outcome_expression(rule, R.stored_column)
            parts.append(models.Case(*[models.When(models.lookups.Exact(outcome, value), then=Value(code))
                                       for value, code in CODES.items()],
                                     default=Value("-"), output_field=models.TextField()))
    return Joined(*parts) if parts else Value("", output_field=models.TextField())


def _temporary() -> str:
    return "pg_temp" if connection.vendor == "postgresql" else "temp"  # never a permanent table


def _index_changed(cursor) -> int:
    cursor.execute(f"SELECT count(*) FROM {CHANGED}")
    count = cursor.fetchone()[0]
    if connection.vendor == "postgresql":
        cursor.execute(f"ALTER TABLE {CHANGED} ADD PRIMARY KEY (id)")
        cursor.execute(f"ANALYZE {CHANGED}")
    return count


def _prepare_changed(facility_id) -> int:
    """(Re)create the temporary table of the cells to evaluate (``id, block_id, revision``): those (of one
    facility, or all) whose input revision differs from the one last evaluated, found through the
    partial index of such cells (triggers.INDEX), not by a scan. Returns how many."""
    from .triggers import due

    where = due("c")
    if facility_id is not None:
        blocks = _quote(ResidentialBlock._meta.db_table)
        where += f" AND c.block_id IN (SELECT id FROM {blocks} WHERE facility_id = {int(facility_id)})"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{CHANGED}")
        cursor.execute(f"CREATE TEMPORARY TABLE {CHANGED} AS SELECT c.id, c.block_id, c.input_revision AS revision "
                       f"FROM {_quote(Cell._meta.db_table)} c WHERE {where}")
        return _index_changed(cursor)


FIGURES = "compliance_block_figures"  # temporary table: a full run's counts per block and profile


def _profile_positions(profiles) -> str:
    """A constant table ``(profile_id, first, length)``: where each profile's codes sit in the text of
    outcome_codes_expression (profiles in its order, separated by one "|")."""
    rows, first = [], 1
    for profile, rules in profile_rules(profiles).items():
        rows.append(f"SELECT {int(profile.pk)} AS profile_id, {first} AS first, {len(rules)} AS length")
        first += len(rules) + 1
    return " UNION ALL ".join(rows)


def _counts(codes: str, counted: str, persons: str, places: str, single: str, sign: int = 1) -> str:
    """The SELECT list of SNAPSHOT_COUNTS for a group of cells joined with _profile_positions (``p``):
    ``codes`` is the SQL of a cell's outcome codes, ``counted`` the condition for the cell to count (in
    use), ``persons``/``places``/``single`` its contribution; each sum times ``sign``. A profile's status
    is non-compliant if one of its codes is F, else unknown if one is U, else compliant (as
    rules.profile_status_expression)."""
    mine = f"substr({codes}, p.first, p.length)"
    fails, unknown = f"{mine} LIKE '%%F%%'", f"{mine} LIKE '%%U%%'"
    compliant = f"NOT {fails} AND NOT {unknown}"

    def total(condition: str, value: str = "1") -> str:
        return f"{sign} * SUM(CASE WHEN {counted} AND {condition} THEN {value} ELSE 0 END)"

    return f"""{total("true", persons)} AS persons, {total("true", places)} AS places,
        {total(compliant, persons)} AS persons_compliant, {total(single, persons)} AS persons_in_single_cells,
        {total("true")} AS cells, {total(compliant)} AS cells_compliant, {total(fails)} AS cells_non_compliant,
        {total(f"NOT {fails} AND {unknown}")} AS cells_unknown"""


def _scan_full(facility_id, version: str, profiles) -> int:
    """A full run's single scan of the cells (of one facility, or all).

    For every cell: every active rule's outcome (the codes) and the input fingerprint, compared with what
    the cell stored at its last evaluation. Writes two temporary tables: the cells whose codes or inputs
    differ (CHANGED: ``id, block_id``), and per block and profile the snapshot counts of the cells in use
    under the outcomes just computed (FIGURES: ``block_id, profile_id`` and SNAPSHOT_COUNTS). These
    counts are what aggregating the results would give once the changed cells' results are rewritten,
    without reading the results. Returns the number of changed cells.
    """
    cells = Cell.objects.order_by()
    if facility_id is not None:
        cells = cells.filter(block__facility_id=facility_id)
    cells = cells.annotate(codes=outcome_codes_expression(profiles), inputs=inputs_expression(version)).values(
        "id", "block_id", "status", "occupancy", "design_capacity", "accommodation_type", "evaluated_hash",
        "evaluated_outcomes", "input_revision", "evaluated_revision", "codes", "inputs")
    sql, params = cells.query.sql_with_params()
    postgres = connection.vendor == "postgresql"
    fence = "OFFSET 0" if postgres else "LIMIT -1 OFFSET 0"  # compute the codes once a cell, not per profile
    from .triggers import due

    stale = ("(e.evaluated_hash IS NULL OR e.evaluated_hash <> e.inputs OR e.evaluated_outcomes IS NULL "
             f"OR e.evaluated_outcomes <> e.codes OR {due('e')})")
    first_profile = f"p.profile_id = {int(next(iter(profiles)).pk)}"
    ids = (f"array_agg(e.id) FILTER (WHERE {first_profile} AND {stale}) AS stale_ids, "
           f"array_agg(e.input_revision) FILTER (WHERE {first_profile} AND {stale}) AS stale_revisions" if postgres
           else f"json_group_array(json_array(e.id, e.input_revision)) FILTER (WHERE {first_profile} AND {stale}) "
                "AS stale_ids")

    counts = _counts("e.codes", f"e.status = '{Cell.Status.IN_USE}'", "COALESCE(e.occupancy, 0)",
                     "COALESCE(e.design_capacity, 0)", f"e.accommodation_type = '{AccommodationType.SINGLE}'")
    select = f"""SELECT e.block_id, p.profile_id, {counts},
        {ids}
        FROM ({sql} {fence}) e CROSS JOIN ({_profile_positions(profiles)}) p
        GROUP BY e.block_id, p.profile_id"""
    unnest = ("SELECT u.id, f.block_id, u.revision FROM {t} f, unnest(f.stale_ids, f.stale_revisions) AS u(id, revision) "
              "WHERE f.stale_ids IS NOT NULL" if postgres
              else "SELECT json_extract(j.value, '$[0]') AS id, f.block_id, json_extract(j.value, '$[1]') AS revision "
                   "FROM {t} f, json_each(f.stale_ids) j WHERE f.stale_ids IS NOT NULL")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{FIGURES}")
        cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{CHANGED}")
        cursor.execute(f"CREATE TEMPORARY TABLE {FIGURES} AS {select}", params)
        cursor.execute(f"CREATE TEMPORARY TABLE {CHANGED} AS {unnest.format(t=FIGURES)}")
        return _index_changed(cursor)


def changed_cells():
    """Ids of the cells the current run evaluates (inside write_results' transaction)."""
    return RawSQL(f"SELECT id FROM {CHANGED}", [])


def changed_blocks():
    """Ids of the blocks holding a cell the current run evaluates."""
    return RawSQL(f"SELECT DISTINCT block_id FROM {CHANGED}", [])


def write_results(profiles, facility_id: int | None = None, full: bool = False) -> tuple[int, int, int]:
    """Evaluate the cells in use whose inputs changed since their last evaluation (every cell in use
    with ``full``), of one facility or all, against ``profiles``; upsert the results that changed.

    A cell's inputs are its attributes and the active rules (inputs_expression); a change to either
    re-evaluates it, whatever wrote it (page, API, import, SQL). Returns ``(cells_evaluated,
    results_written, results_deleted)``. Results of cells no longer in use, and of profiles not in
    ``profiles``, are deleted. Must run inside a transaction; leaves the evaluated cells in the
    temporary table for write_snapshots.
    """
    version = rules_version(profiles) if profiles else "none"
    full = full and bool(profiles)  # without profiles there is nothing to score, only results to delete
    changed = _scan_full(facility_id, version, profiles) if full else _prepare_changed(facility_id)
    cells = Cell.objects.in_use().order_by().filter(pk__in=changed_cells())  # CHANGED is within the scope
    results = ComplianceResult.objects.filter(cell_id__in=changed_cells())
    if full:  # a full run evaluates every rule of every cell in use (the codes)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(SUM(cells), 0) FROM {FIGURES} WHERE profile_id = %s",
                           [next(iter(profiles)).pk])
            evaluated = int(cursor.fetchone()[0])
    else:
        evaluated = cells.count() if changed else 0
    now = timezone.now()
    table = ComplianceResult._meta.db_table
    kept = ["status", "failed", "unknown"]
    conflict = (
        "ON CONFLICT (cell_id, profile_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in [*kept, "changed_at"])
        + " WHERE " + " OR ".join(f"{_quote(table)}.{c} <> excluded.{c}" for c in kept)
    )
    deltas = not full and bool(profiles)
    if deltas:  # the old contributions of the cells about to change (none: an empty table), taken out later
        _delta(profiles, sign=-1, create=True)
    written = 0
    col = R.stored_column
    for profile, rules in (profile_rules(profiles).items() if changed else []):
        outcomes = [R.outcome_expression(rule, col) for rule in rules]
        failed = StripNulls(JSONObject(**{
            rule.code: models.Case(models.When(models.lookups.Exact(outcome, R.FAIL),
                                               then=R.display_measured_expression(rule.metric, col)))
            for rule, outcome in zip(rules, outcomes)
        })) if rules else Value({}, output_field=models.JSONField())
        unknown = StripNulls(JSONObject(**{
            rule.code: models.Case(models.When(models.lookups.Exact(outcome, R.UNKNOWN), then=Value(rule.metric)),
                                   output_field=models.CharField())
            for rule, outcome in zip(rules, outcomes)
        })) if rules else Value({}, output_field=models.JSONField())
        rows = cells.values(
            out_cell=F("id"),
            out_profile=Value(profile.pk, output_field=models.BigIntegerField()),
            out_status=R.profile_status_expression(outcomes),
            out_failed=failed,
            out_unknown=unknown,
            out_changed=Value(now, output_field=models.DateTimeField()),
        )
        written += _insert_select(table, {"cell_id": "out_cell", "profile_id": "out_profile", "status": "out_status",
                                          "failed": "out_failed", "unknown": "out_unknown",
                                          "changed_at": "out_changed"}, rows, conflict)
    deleted = 0
    if changed:
        stale = results.filter(~Q(cell__status=Cell.Status.IN_USE))
        deleted += stale._raw_delete(stale.db) or 0
        # Remember what was evaluated and what the cell then contributed to its block (nothing when not
        # in use); the next run skips these cells until an input changes. The revision is the one read
        # when the cell was chosen: a change written meanwhile keeps the cell due.
        revision = RawSQL(f"SELECT x.revision FROM {CHANGED} x WHERE x.id = {_quote(Cell._meta.db_table)}.id", [])
        in_use = Q(status=Cell.Status.IN_USE)

        def when_in_use(value, field):
            return models.Case(models.When(in_use, then=value), default=None, output_field=field)

        Cell.objects.filter(pk__in=changed_cells()).update(
            evaluated_hash=inputs_expression(version), evaluated_outcomes=outcome_codes_expression(profiles),
            evaluated_revision=revision,
            evaluated_block_id=when_in_use(F("block_id"), models.BigIntegerField()),
            evaluated_persons=when_in_use(Coalesce(F("occupancy"), 0), models.IntegerField()),
            evaluated_places=when_in_use(Coalesce(F("design_capacity"), 0), models.IntegerField()),
            evaluated_single=when_in_use(models.ExpressionWrapper(Q(accommodation_type=AccommodationType.SINGLE),
                                                                  output_field=models.BooleanField()),
                                         models.BooleanField()))
    # Only within the run's scope: a facility's run must not strip other cells of results they would get
    # back unevaluated if the profile were reactivated (their fingerprints would match again).
    inactive = ComplianceResult.objects.filter(
        profile__in=list(StandardProfile.objects.exclude(pk__in=[p.pk for p in profiles]).values_list("pk", flat=True)))
    if facility_id is not None:
        inactive = inactive.filter(cell__block__facility_id=facility_id)
    deleted += inactive._raw_delete(inactive.db) or 0
    if deltas and changed:  # and the new contributions put in
        _delta(profiles, sign=1, create=False)
    if written > 50_000 and connection.vendor == "postgresql":
        # After a bulk change, fresh statistics keep the pages' index plans (autovacuum would come later).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_quote(table)}")
    return evaluated, written, deleted


SNAPSHOT_COUNTS = ["persons", "places", "persons_compliant", "persons_in_single_cells",
                   "cells", "cells_compliant", "cells_non_compliant", "cells_unknown"]


DELTA = "compliance_snapshot_delta"  # temporary table: per block and profile, what changed cells add or remove


def _evaluated_select(profiles, sign: int = 1, cells: str = "") -> str:
    """Per (block, profile): the snapshot counts the cells contribute as of their last evaluation (the
    cells' ``evaluated_*`` columns and outcome codes; the results are not read), times ``sign``.
    ``cells`` (a FROM clause naming ``c``) replaces the scan of every cell."""
    cells = cells or f"{_quote(Cell._meta.db_table)} c"
    counts = _counts("c.evaluated_outcomes", "c.evaluated_block_id IS NOT NULL", "c.evaluated_persons",
                     "c.evaluated_places", "c.evaluated_single", sign)
    return (f"SELECT c.evaluated_block_id AS block_id, p.profile_id, {counts} "
            f"FROM {cells} CROSS JOIN ({_profile_positions(profiles)}) p "
            f"WHERE c.evaluated_block_id IS NOT NULL GROUP BY c.evaluated_block_id, p.profile_id")


def _delta(profiles, sign: int, create: bool) -> None:
    """Record the contributions of the evaluated cells: before their evaluation with ``sign`` -1 (old),
    after it with +1 (new)."""
    changed = f"{CHANGED} x JOIN {_quote(Cell._meta.db_table)} c ON c.id = x.id"
    select = _evaluated_select(profiles, sign, changed)
    with connection.cursor() as cursor:
        if create:
            cursor.execute(f"DROP TABLE IF EXISTS {_temporary()}.{DELTA}")
            cursor.execute(f"CREATE TEMPORARY TABLE {DELTA} AS {select}", [])
        else:
            cursor.execute(f"INSERT INTO {DELTA} {select}", [])


def _columns(**extra) -> dict:
    return {"date": "out_date", "scope": "out_scope", "object_id": "out_object", "profile_id": "out_profile",
            **{name: f"out_{name}" for name in SNAPSHOT_COUNTS}, **extra}


def _stamp(queryset, run_date, scope):
    return queryset.annotate(out_date=Value(run_date, output_field=models.DateField()),
                             out_scope=Value(scope, output_field=models.CharField()))


def write_snapshots(run_date, profiles, facility=None, full: bool = True) -> int:
    """Write the snapshots of ``run_date`` for ``profiles``: blocks, then facilities, regions and the
    nation summed from the block rows. Returns the rows written. Must run inside a transaction, after
    write_results (whose temporary tables name the evaluated cells and their contributions).

    ``full``: every block (of one facility with ``facility``; the other blocks are carried over from the
    latest run's date) takes the counts write_results' full scan computed. With no earlier snapshot,
    every block is aggregated from the cells' contributions at their last evaluation.
    Otherwise the blocks are carried over and the evaluated cells' contributions applied as deltas (old
    taken out, new put in): the cost follows the changed cells, not the estate. The roll-ups are
    always complete. The caller decides when a delta is safe (the same rules as the last estate-wide run).
    """
    if not profiles:
        return 0
    Scope = ComplianceSnapshot.Scope
    # A real run's figures replace the demo's reconstructed history of that date.
    reconstructed = ComplianceSnapshot.objects.filter(date=run_date, is_reconstructed=True)
    reconstructed._raw_delete(reconstructed.db)
    snapshots = ComplianceSnapshot.objects.filter(profile__in=profiles, is_reconstructed=False)
    # Rows of every profile: a profile inactive now must not leave old block rows that a later
    # reactivation would carry over beside the new contributions.
    blocks_today = ComplianceSnapshot.objects.filter(date=run_date, scope=Scope.BLOCK, is_reconstructed=False)
    # Carry over from the date of the latest run that finished (not the latest date): after a run for an
    # earlier date, the later date's rows no longer hold the current state.
    previous = (ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.SUCCEEDED)
                .order_by("-finished_at", "-pk").values_list("run_date", flat=True).first())
    if previous is not None and not snapshots.filter(date=previous, scope=Scope.NATION).exists():
        previous = None
    table = _quote(ComplianceSnapshot._meta.db_table)
    counts = ", ".join(SNAPSHOT_COUNTS)
    profile_ids = ", ".join(str(p.pk) for p in profiles)
    written = 0
    everything = previous is None or (full and facility is None)
    delta = ("SELECT block_id, profile_id, " + ", ".join(f"SUM({c}) AS {c}" for c in SNAPSHOT_COUNTS)
             + f" FROM {DELTA} WHERE profile_id IN ({profile_ids}) GROUP BY block_id, profile_id")
    insert = f"INSERT INTO {table} (date, scope, object_id, profile_id, {counts}, is_reconstructed) "

    def insert_new_blocks(cursor) -> int:
        """Rows for the blocks the deltas bring that have none today (a cell's first block)."""
        cursor.execute(insert + "SELECT %s, %s, d.block_id, d.profile_id, "
                       + ", ".join(f"d.{c}" for c in SNAPSHOT_COUNTS) + f", %s FROM ({delta}) d "
                       f"WHERE d.cells > 0 AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.date = %s "
                       f"AND s.scope = %s AND s.object_id = d.block_id AND s.profile_id = d.profile_id "
                       f"AND NOT s.is_reconstructed)", [run_date, Scope.BLOCK, False, run_date, Scope.BLOCK])
        return max(cursor.rowcount, 0)

    if not (everything or full) and previous != run_date:
        # Carry the blocks over to today with the deltas applied, in one statement.
        blocks_today._raw_delete(blocks_today.db)
        with connection.cursor() as cursor:
            cursor.execute(insert + "SELECT %s, %s, p.object_id, p.profile_id, "
                           + ", ".join(f"p.{c} + COALESCE(d.{c}, 0)" for c in SNAPSHOT_COUNTS)
                           + f", %s FROM {table} p LEFT JOIN ({delta}) d ON d.block_id = p.object_id "
                           f"AND d.profile_id = p.profile_id WHERE p.date = %s AND p.scope = %s "
                           f"AND p.profile_id IN ({profile_ids}) AND NOT p.is_reconstructed "
                           f"AND p.cells + COALESCE(d.cells, 0) > 0",
                           [run_date, Scope.BLOCK, False, previous, Scope.BLOCK])
            written += max(cursor.rowcount, 0)
            written += insert_new_blocks(cursor)
        return written + roll_up(run_date, profiles)
    if not everything and previous != run_date:  # carry the blocks over to today
        carried = snapshots.filter(date=previous, scope=Scope.BLOCK)
        if full:
            carried = carried.exclude(object_id__in=ResidentialBlock.objects.filter(facility=facility).values("pk"))
        carried = carried.values(out_object=F("object_id"), out_profile=F("profile_id"),
                                 **{f"out_{name}": F(name) for name in SNAPSHOT_COUNTS})
        blocks_today._raw_delete(blocks_today.db)
        written += _insert_select(ComplianceSnapshot._meta.db_table, _columns(),
                                  _stamp(carried, run_date, Scope.BLOCK))
    with connection.cursor() as cursor:
        if everything or full:
            where = "true"
            stale = blocks_today
            if facility is not None and not everything:
                blocks = f"SELECT id FROM {_quote(ResidentialBlock._meta.db_table)} WHERE facility_id = {facility.pk:d}"
                where = f"c.block_id IN ({blocks})"
                stale = stale.filter(object_id__in=ResidentialBlock.objects.filter(facility=facility).values("pk"))
            stale._raw_delete(stale.db)
            # A full run's scan counted its blocks already; the cells' evaluated contributions are summed
            # when there is no such count (a facility's run with no earlier snapshot to carry over).
            source = (f"SELECT * FROM {FIGURES} WHERE cells > 0" if full and not (everything and facility)
                      else _evaluated_select(profiles))
            cursor.execute(insert + f"SELECT %s, %s, block_id, profile_id, {counts}, %s FROM ({source}) c "
                           f"WHERE {where}", [run_date, Scope.BLOCK, False])
            written += max(cursor.rowcount, 0)
        else:  # the same day again: the evaluated cells' contributions as deltas on today's rows
            assignments = ", ".join(f"{c} = s.{c} + d.{c}" for c in SNAPSHOT_COUNTS)
            cursor.execute(f"UPDATE {table} AS s SET {assignments} FROM ({delta}) d "
                           f"WHERE s.date = %s AND s.scope = %s AND s.object_id = d.block_id "
                           f"AND s.profile_id = d.profile_id AND NOT s.is_reconstructed", [run_date, Scope.BLOCK])
            written += insert_new_blocks(cursor)
            cursor.execute(f"DELETE FROM {table} WHERE date = %s AND scope = %s AND cells <= 0 "
                           f"AND NOT is_reconstructed", [run_date, Scope.BLOCK])
    return written + roll_up(run_date, profiles)


def roll_up(run_date, profiles) -> int:
    """Replace the facility, region and nation snapshots of ``run_date`` by sums of its block rows
    (three ``INSERT ... SELECT`` joining the blocks and facilities: cost proportional to the number of
    blocks, not of cells)."""
    Scope = ComplianceSnapshot.Scope
    today = ComplianceSnapshot.objects.filter(date=run_date, profile__in=profiles, is_reconstructed=False)
    stale = today.exclude(scope=Scope.BLOCK)
    stale._raw_delete(stale.db)
    table = _quote(ComplianceSnapshot._meta.db_table)
    counts = ", ".join(SNAPSHOT_COUNTS)
    sums = ", ".join(f"SUM(s.{c})" for c in SNAPSHOT_COUNTS)
    profile_ids = ", ".join(str(int(p.pk)) for p in profiles)
    blocks, facilities = (_quote(ResidentialBlock._meta.db_table), _quote(Facility._meta.db_table))
    written = 0
    with connection.cursor() as cursor:
        for scope, parent, join, child in (
                (Scope.FACILITY, "o.facility_id", f"JOIN {blocks} o ON o.id = s.object_id", Scope.BLOCK),
                (Scope.REGION, "o.region_id", f"JOIN {facilities} o ON o.id = s.object_id", Scope.FACILITY),
                (Scope.NATION, "0", "", Scope.REGION)):
            cursor.execute(
                f"INSERT INTO {table} (date, scope, object_id, profile_id, {counts}, is_reconstructed) "
                f"SELECT %s, %s, {parent}, s.profile_id, {sums}, %s FROM {table} s {join} "
                f"WHERE s.date = %s AND s.scope = %s AND s.profile_id IN ({profile_ids}) AND NOT s.is_reconstructed "
                f"GROUP BY {'s.profile_id' if parent == '0' else parent + ', s.profile_id'}",
                [run_date, scope, False, run_date, child])
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
            rule_rows.append({
                "code": rule.code,
                "status": outcome,
                "measured": present_measured(rule.metric, row[f"m_{p_index}_{r_index}"]),
                "required": rule.value,
                "operator": rule.operator,
                "unit": rule.unit,
                "source": rule.source,
                "summary": rule.summary,
            })
        report.append({"code": profile.code, "title": profile.title, "verified": profile.verified,
                       "status": row[f"s_{p_index}"], "rules": rule_rows})
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
