"""Reads of the cells app."""

import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils.translation import gettext, gettext_lazy

from facilities.models import AccommodationType

from .compliance import rules as R
from .compliance.rules import BOOLEAN_METRICS
from .compliance.ruleset import definition
from .models import Cell, CellDeactivation, CellQuerySet, ComplianceStatus, StandardRule
from .units import failure_text

PASS, FAIL, UNKNOWN, NOT_EVALUATED = "pass", "fail", "unknown", "not_evaluated"
AWAITING, NOT_IN_USE = "awaiting", "not_in_use"


def active_rules() -> list[StandardRule]:
    """Rules of the active profiles, in display order, with their profile loaded."""
    return list(
        StandardRule.objects.filter(profile__is_active=True)
        .select_related("profile")
        .order_by("profile__position", "position", "code")
    )


DERIVED_METRICS = ["living_space_per_person_m2"]  # metrics that are no column of the cell (rules.METRICS)


def cells_with_results(queryset: CellQuerySet) -> CellQuerySet:
    """Cells (a Cell queryset) with ``active_results``: their results under the active profiles, in the
    profiles' order, read from the outcome codes of their last evaluation (cells.compliance.outcomes); and
    the derived metrics (DERIVED_METRICS) as the rules compute them, for measured_value. Four queries
    per fetch (the cells, and attach_results' three), whatever the number of cells."""
    return queryset.annotate(
        **{metric: R.display_measured_expression(metric, R.stored_column) for metric in DERIVED_METRICS}
    ).with_results()


def measured_value(cell: Cell, metric: str) -> Any:
    """The value of ``metric`` (rules.METRICS) measured in ``cell`` as the rules read it (m², m, persons,
    booleans; living space per person truncated to 2 decimal places, rules.display_measured_expression).
    A result names the rules a cell fails; their measured values are the cell's, read here, so that a new
    measurement that moves no outcome does not rewrite the result. ``cell`` must come from
    cells_with_results()."""
    return getattr(cell, metric)


def display_value(metric: str, value: Any) -> Any:
    """A stored measured value for display: booleans (0/1 on SQLite) as "yes"/"no", types by their label,
    living space per person with its 2 decimal places (m²; SQLite computes it with 14)."""
    if metric in DERIVED_METRICS and value is not None:
        return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    if metric in BOOLEAN_METRICS and value is not None:
        return gettext("yes") if value else gettext("no")
    if metric == "accommodation_type" and value in AccommodationType.values:
        return AccommodationType(value).label
    return value


def rule_outcomes(cell: Cell, rules: list[StandardRule]) -> list[dict | None]:
    """For each rule: None if it does not apply to the cell, else ``{"rule", "status", "measured"}`` read
    from the cell's recorded result: ``pass``, ``fail`` (with the measured value), ``unknown``;
    ``not_in_use`` for a cell not in use (never scored); ``not_evaluated`` when no run has covered the
    cell yet; ``awaiting`` when a measurement changed since its last evaluation (the recorded outcome is
    that of the earlier values), or the rule was added or redefined since (another threshold, operator,
    metric or accommodation types).

    ``cell`` must come from cells_with_results().
    """
    by_profile = {result.profile_id: result for result in cell.active_results}  # type: ignore[attr-defined]  # set by attach_results
    outcomes: list[dict | None] = []
    for rule in rules:
        if cell.accommodation_type not in rule.applies_to:
            outcomes.append(None)
            continue
        result = by_profile.get(rule.profile_id)
        if cell.status != Cell.Status.IN_USE:
            status, measured = NOT_IN_USE, None
        elif result is None:
            status, measured = NOT_EVALUATED, None
        elif cell.inputs_changed or result.rules.get(rule.code) != definition(rule):
            # no outcome beside values, or for a rule, it was not computed from
            status, measured = AWAITING, None
        elif rule.code in result.failed:
            metric = result.failed[rule.code]  # the metric the rule was evaluated on
            status, measured = FAIL, display_value(metric, measured_value(cell, metric))
        elif rule.code in result.unknown:
            status, measured = UNKNOWN, None
        else:
            status, measured = PASS, None
        outcomes.append({"rule": rule, "status": status, "measured": measured})
    return outcomes


PROFILE_STATUS_LABELS = {
    NOT_IN_USE: gettext_lazy("not in use"),
    NOT_EVALUATED: gettext_lazy("not evaluated yet"),
    AWAITING: gettext_lazy("awaiting the next run"),
}


def profile_columns(rules: list[StandardRule]) -> list[dict]:
    """The active profiles of ``rules`` (active_rules(), in display order), one column of the compliance
    table each: ``[{"profile", "rules"}]`` in the rules' order. No query: the rules carry their profile."""
    columns: dict[int, dict] = {}
    for rule in rules:
        columns.setdefault(rule.profile_id, {"profile": rule.profile, "rules": []})["rules"].append(rule)
    return list(columns.values())


def failed_rule_text(rule: StandardRule, measured: Any) -> str:
    """The short text of ``rule`` failed by a cell whose value is ``measured`` (display_value), with its
    units (cells.units.failure_text), e.g. ``3.1 m² per person < 4 m²``."""
    threshold = display_value(rule.metric, rule.value) if rule.metric == "accommodation_type" else rule.value
    return failure_text(rule.metric, rule.operator, threshold, rule.unit, measured)


def profile_statuses(cell: Cell, rules: list[StandardRule], outcomes: list[dict | None]) -> list[dict]:
    """Per profile of profile_columns(rules), the status of ``cell`` and why, from its rule outcomes
    (``outcomes``: rule_outcomes(cell, rules), so no query):

    - ``status``: the profile's status recorded by the last evaluation (a ComplianceStatus value:
      ``compliant``, ``non_compliant``, ``unknown``; cells.compliance.codes), or ``not_in_use`` (a cell
      not in use is never scored), ``not_evaluated`` (no run covered the cell yet), ``awaiting`` (a
      measurement or one of the profile's rules changed since: no outcome is shown beside values it was
      not computed from); ``label``: its label in the reader's language;
    - ``failed``: ``[{"rule", "measured", "text"}]`` of the rules failed, ``text`` with units
      (failed_rule_text); ``unknown``: the rules not evaluated for a missing measurement;
    - ``outcomes``: the rule outcomes of the rules of the profile that apply to the cell (the detail);
      ``applies``: whether any rule of the profile applies to the cell's accommodation type (when none
      does, the profile's status is compliant: codes.DEFAULT_STATUS).
    """
    by_profile = {result.profile_id: result for result in cell.active_results}  # type: ignore[attr-defined]  # set by attach_results
    statuses = []
    for column in profile_columns(rules):
        mine = [o for rule, o in zip(rules, outcomes) if rule.profile_id == column["profile"].pk and o is not None]
        result = by_profile.get(column["profile"].pk)
        if cell.status != Cell.Status.IN_USE:
            status = NOT_IN_USE
        elif result is None:
            status = NOT_EVALUATED
        elif any(o["status"] == AWAITING for o in mine):
            status = AWAITING
        else:
            status = result.status
        label = PROFILE_STATUS_LABELS.get(status) or ComplianceStatus(status).label
        failed = [
            {"rule": o["rule"], "measured": o["measured"], "text": failed_rule_text(o["rule"], o["measured"])}
            for o in mine
            if o["status"] == FAIL and status != AWAITING
        ]
        unknown = [o["rule"] for o in mine if o["status"] == UNKNOWN and status != AWAITING]
        statuses.append(
            {
                "profile": column["profile"],
                "status": status,
                "label": str(label),
                "failed": failed,
                "unknown": unknown,
                "outcomes": mine,
                "applies": bool(mine),
            }
        )
    return statuses


# ---------------------------------------------------------------------------------------------------
# Capacity and persons held: the one definition of each figure (docs/data.md, §Capacity and certification)

# The names of the figures capacity_aggregates() gives, in persons unless named cells_* or dated.
CAPACITY_FIGURES = (
    "cells",
    "cells_in_use",
    "places_design",
    "places_certified",
    "places_operational",
    "persons_held",
    "persons_counted_from",
    "persons_counted_to",
    "persons_over_certified",
    "cells_over_certified",
    "cells_out_of_use",
    "places_out_of_use",
    "expected_back_from",
    "expected_back_to",
    "cells_under_reconstruction",
    "places_under_reconstruction",
)
CAPACITY_DATES = ("persons_counted_from", "persons_counted_to", "expected_back_from", "expected_back_to")


def over_certified_expression() -> Case:
    """Persons above a cell's certified capacity: max(0, occupancy − certified capacity) for a cell in use,
    else 0 (a cell without certified capacity or occupancy: 0). Annotate cells with it (the pages' cell
    tables) or sum it (capacity_aggregates)."""
    excess = ExpressionWrapper(F("occupancy") - F("certified_capacity"), output_field=IntegerField())
    return Case(
        When(status=Cell.Status.IN_USE, occupancy__gt=F("certified_capacity"), then=excess),
        default=Value(0),
        output_field=IntegerField(),
    )


def _expected_back() -> Subquery:
    """A cell's expected return to use: ``expected_reactivation`` of its open CellDeactivation (at most one
    a cell, constraint cell_deactivation_one_open), or NULL. A subquery, so that no join multiplies the
    cell's row by its past deactivations."""
    open_row = CellDeactivation.objects.filter(cell=OuterRef("pk"), reactivated_on__isnull=True)
    return Subquery(open_row.order_by().values("expected_reactivation")[:1], output_field=DateField())


def capacity_aggregates() -> dict[str, Any]:
    """The aggregate expressions of the capacity figures over Cell rows (CAPACITY_FIGURES), for
    ``aggregate()`` or a grouped ``values(...).annotate()``: the one definition used by the facility,
    block, region and national pages, the facility API and the summary API.

    - ``cells``: cells on the record (Cell.CERTIFIED_STATUSES: in use, under reconstruction, temporarily out
      of use; drafts and decommissioned rooms count nowhere); ``cells_in_use``: status ``in_use``.
    - ``places_design``: design capacity (as built) of the cells on the record (persons).
    - ``places_certified``: certified capacity (the places the last approved certification gave) of the
      cells on the record (persons).
    - ``places_operational``: certified capacity of the cells in use (persons): certified places less
      those out of use (deactivated) and under reconstruction.
    - ``persons_held``: occupancy of the cells in use (persons); ``persons_counted_from`` / ``_to``: the
      earliest and latest date of those cells' counts (``occupancy_date``).
    - ``persons_over_certified``: over the cells in use, the sum of max(0, occupancy - certified capacity)
      (persons); ``cells_over_certified``: how many such cells. A cell without certified capacity is not
      counted over it.
    - ``cells_out_of_use`` / ``places_out_of_use``: cells temporarily out of use (status ``deactivated``)
      and their certified places; ``expected_back_from`` / ``_to``: earliest and latest expected return
      of their open deactivations (CellDeactivation.expected_reactivation).
    - ``cells_under_reconstruction`` / ``places_under_reconstruction``: cells under reconstruction and their
      certified places (not operational either).

    places_certified = places_operational + places_out_of_use + places_under_reconstruction. Sums are 0,
    dates None, when nothing matches. cells.certification.capacity_totals (a certificate's totals) takes its figures from here."""
    status = Cell.Status
    certified = Q(status__in=Cell.CERTIFIED_STATUSES)
    in_use = Q(status=status.IN_USE)
    counted = in_use & Q(occupancy__isnull=False, occupancy_date__isnull=False)
    over = in_use & Q(occupancy__gt=F("certified_capacity"))
    out = Q(status=status.DEACTIVATED)
    rebuilding = Q(status=status.UNDER_RECONSTRUCTION)
    return {
        "cells": Count("id", filter=certified),
        "cells_in_use": Count("id", filter=in_use),
        "places_design": Coalesce(Sum("design_capacity", filter=certified), 0),
        "places_certified": Coalesce(Sum("certified_capacity", filter=certified), 0),
        "places_operational": Coalesce(Sum("certified_capacity", filter=in_use), 0),
        "persons_held": Coalesce(Sum("occupancy", filter=in_use), 0),
        "persons_counted_from": Min("occupancy_date", filter=counted),
        "persons_counted_to": Max("occupancy_date", filter=counted),
        "persons_over_certified": Coalesce(Sum(over_certified_expression(), filter=over), 0),
        "cells_over_certified": Count("id", filter=over),
        "cells_out_of_use": Count("id", filter=out),
        "places_out_of_use": Coalesce(Sum("certified_capacity", filter=out), 0),
        "expected_back_from": Min(_expected_back(), filter=out),
        "expected_back_to": Max(_expected_back(), filter=out),
        "cells_under_reconstruction": Count("id", filter=rebuilding),
        "places_under_reconstruction": Coalesce(Sum("certified_capacity", filter=rebuilding), 0),
    }


def capacity_of(cells: QuerySet[Cell]) -> dict[str, Any]:
    """The capacity figures (capacity_aggregates) of ``cells`` (a Cell queryset: a block's, a facility's,
    a region's): one query. Returns ``{name: value}`` for every name of CAPACITY_FIGURES."""
    return cells.order_by().aggregate(**capacity_aggregates())


def capacity_by(cells: QuerySet[Cell], key: str) -> dict[Any, dict[str, Any]]:
    """The capacity figures of ``cells`` grouped by the path ``key`` (e.g. ``block__facility__region_id``):
    one grouped query. Returns ``{key value: {name: value}}``; a group without cells is absent."""
    rows = cells.order_by().values(key).annotate(**capacity_aggregates())
    return {row.pop(key): row for row in rows}


def capacity_annotation(path: str) -> Subquery:
    """One correlated subquery that gives a parent row (facilities: ``path="block__facility"``; blocks:
    ``path="block"``) every figure of capacity_aggregates over its cells, as one JSON object (NULL for a
    parent without cells): one subquery a row whatever the number of figures, so a page of facilities is
    one query (no N+1). Read it with capacity_values."""
    cells = Cell.objects.filter(**{path: OuterRef("pk")}).order_by().values(path)
    return Subquery(
        cells.annotate(figures=JSONObject(**capacity_aggregates())).values("figures")[:1], output_field=JSONField()
    )


def capacity_values(figures: dict | None) -> dict[str, Any]:
    """The figures of a capacity_annotation (a JSON object, or None for a parent without cells) as
    capacity_of gives them: every name of CAPACITY_FIGURES, sums as int (0 when absent), dates as
    datetime.date (None when absent)."""
    figures = figures or {}
    values: dict[str, Any] = {}
    for name in CAPACITY_FIGURES:
        value = figures.get(name)
        if name in CAPACITY_DATES:
            values[name] = datetime.date.fromisoformat(value[:10]) if isinstance(value, str) else value
        else:
            values[name] = int(value or 0)
    return values
