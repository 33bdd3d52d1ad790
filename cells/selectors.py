"""Reads of the cells app."""

from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext

from facilities.models import AccommodationType

from .compliance import rules as R
from .compliance.rules import BOOLEAN_METRICS
from .compliance.ruleset import definition
from .models import Cell, CellQuerySet, StandardRule

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
