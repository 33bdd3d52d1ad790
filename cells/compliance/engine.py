"""Set-based evaluation of the standards over stored cells, and of typed measurements (the design check).

The nightly run, the per-facility recompute and the design check all build their SQL from
``cells.compliance.rules``; nothing here loops over cells in Python.

Statements per run: for each active profile one ``INSERT ... SELECT ... ON CONFLICT DO UPDATE`` that
writes only results whose outcome changed, one DELETE of results that no longer apply, and one
``INSERT ... SELECT`` of the day's snapshots per scope level (block, facility, region, nation).
"""
from django.db import connection, models
from django.db.models import Count, F, Func, Q, Sum, Value
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from cells.models import Cell, ComplianceResult, ComplianceSnapshot, ComplianceStatus, StandardProfile, StandardRule
from facilities.models import AccommodationType

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


def write_results(profiles, facility_id: int | None = None) -> tuple[int, int, int]:
    """Evaluate every cell in use (of one facility, or all) against ``profiles``; upsert changed results.

    Returns ``(cells_evaluated, results_written, results_deleted)``. Results of cells no longer in use,
    and of profiles not in ``profiles``, are deleted. Must run inside a transaction.
    """
    cells = Cell.objects.in_use().order_by()
    results = ComplianceResult.objects.all()
    if facility_id is not None:
        cells = cells.filter(block__facility_id=facility_id)
        results = results.filter(cell__block__facility_id=facility_id)
    evaluated = cells.count()
    now = timezone.now()
    table = ComplianceResult._meta.db_table
    conflict = (
        "ON CONFLICT (cell_id, profile_id) DO UPDATE SET status = excluded.status, failed = excluded.failed, "
        f"unknown = excluded.unknown, changed_at = excluded.changed_at WHERE {_quote(table)}.status <> excluded.status "
        f"OR {_quote(table)}.failed <> excluded.failed OR {_quote(table)}.unknown <> excluded.unknown"
    )
    written = 0
    col = R.stored_column
    for profile, rules in profile_rules(profiles).items():
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
    stale = results.filter(~Q(cell__status=Cell.Status.IN_USE) | ~Q(profile__in=[p.pk for p in profiles])
                           ) if profiles else results  # no active profile: no result stands
    deleted = stale._raw_delete(stale.db)
    return evaluated, written, deleted


SNAPSHOT_LEVELS = {
    ComplianceSnapshot.Scope.BLOCK: "cell__block_id",
    ComplianceSnapshot.Scope.FACILITY: "cell__block__facility_id",
    ComplianceSnapshot.Scope.REGION: "cell__block__facility__region_id",
    ComplianceSnapshot.Scope.NATION: None,
}

SNAPSHOT_COUNTS = ["persons", "places", "persons_compliant", "persons_in_single_cells",
                   "cells", "cells_compliant", "cells_non_compliant", "cells_unknown"]


def snapshot_aggregates() -> dict:
    """Aggregate expressions over ComplianceResult rows (cells in use): persons, places, cells by status."""
    compliant = Q(status=ComplianceStatus.COMPLIANT)
    return {
        "persons": Coalesce(Sum("cell__occupancy"), 0),
        "places": Coalesce(Sum("cell__design_capacity"), 0),
        "persons_compliant": Coalesce(Sum("cell__occupancy", filter=compliant), 0),
        "persons_in_single_cells": Coalesce(
            Sum("cell__occupancy", filter=Q(cell__accommodation_type=AccommodationType.SINGLE)), 0),
        "cells": Count("id"),
        "cells_compliant": Count("id", filter=compliant),
        "cells_non_compliant": Count("id", filter=Q(status=ComplianceStatus.NON_COMPLIANT)),
        "cells_unknown": Count("id", filter=Q(status=ComplianceStatus.UNKNOWN)),
    }


def write_snapshots(run_date, profiles, facility=None) -> int:
    """Replace the snapshots of ``run_date`` for ``profiles`` over every scope, or over the scopes that
    contain ``facility`` (its blocks, itself, its region, the nation). Returns the rows written.
    Must run inside a transaction, after write_results.
    """
    if not profiles:
        return 0
    base = ComplianceResult.objects.filter(profile__in=profiles, cell__status=Cell.Status.IN_USE).order_by()
    existing = ComplianceSnapshot.objects.filter(date=run_date, profile__in=profiles)
    written = 0
    table = ComplianceSnapshot._meta.db_table
    for scope, path in SNAPSHOT_LEVELS.items():
        rows = base
        stale = existing.filter(scope=scope)
        if facility is not None:
            if scope == ComplianceSnapshot.Scope.BLOCK:
                rows = rows.filter(cell__block__facility=facility)
                stale = stale.filter(object_id__in=facility.blocks.values("pk"))
            elif scope == ComplianceSnapshot.Scope.FACILITY:
                rows = rows.filter(cell__block__facility=facility)
                stale = stale.filter(object_id=facility.pk)
            elif scope == ComplianceSnapshot.Scope.REGION:
                rows = rows.filter(cell__block__facility__region_id=facility.region_id)
                stale = stale.filter(object_id=facility.region_id)
        stale._raw_delete(stale.db)
        grouped = rows.values(out_profile=F("profile_id"), **({"out_object": F(path)} if path else {}))
        grouped = grouped.annotate(**{f"out_{name}": expression for name, expression in snapshot_aggregates().items()})
        grouped = grouped.annotate(
            out_date=Value(run_date, output_field=models.DateField()),
            out_scope=Value(scope, output_field=models.CharField()),
            **({} if path else {"out_object": Value(0, output_field=models.BigIntegerField())}),
        )
        columns = {"date": "out_date", "scope": "out_scope", "object_id": "out_object", "profile_id": "out_profile",
                   **{name: f"out_{name}" for name in SNAPSHOT_COUNTS}}
        written += _insert_select(table, columns, grouped)
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
