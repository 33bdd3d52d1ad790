"""Reads of the cells app."""
from django.db.models import Prefetch
from django.utils.translation import gettext

from facilities.models import AccommodationType

from .compliance.rules import BOOLEAN_METRICS
from .models import Cell, ComplianceResult, StandardRule

PASS, FAIL, UNKNOWN, NOT_EVALUATED = "pass", "fail", "unknown", "not_evaluated"


def active_rules() -> list[StandardRule]:
    """Rules of the active profiles, in display order, with their profile loaded."""
    return list(StandardRule.objects.filter(profile__is_active=True).select_related("profile")
                .order_by("profile__position", "position", "code"))


def cells_with_results(queryset):
    """Cells with ``active_results``: their stored results under the active profiles (2 queries)."""
    results = ComplianceResult.objects.filter(profile__is_active=True)
    return queryset.prefetch_related(Prefetch("compliance_results", queryset=results, to_attr="active_results"))


def display_value(metric: str, value):
    """A stored measured value for display: booleans (0/1 on SQLite) as "yes"/"no", types by their label."""
    if metric in BOOLEAN_METRICS and value is not None:
        return gettext("yes") if value else gettext("no")
    if metric == "accommodation_type" and value in AccommodationType.values:
        return AccommodationType(value).label
    return value


def rule_outcomes(cell: Cell, rules: list[StandardRule]) -> list[dict | None]:
    """For each rule: None if it does not apply to the cell, else ``{"rule", "status", "measured"}`` read
    from the cell's stored result (``not_evaluated`` when no run has covered the cell yet).

    ``cell`` must come from cells_with_results().
    """
    by_profile = {result.profile_id: result for result in cell.active_results}
    outcomes = []
    for rule in rules:
        if cell.accommodation_type not in rule.applies_to:
            outcomes.append(None)
            continue
        result = by_profile.get(rule.profile_id)
        if result is None:
            status, measured = NOT_EVALUATED, None
        elif rule.code in result.failed:
            status, measured = FAIL, display_value(rule.metric, result.failed[rule.code])
        elif rule.code in result.unknown:
            status, measured = UNKNOWN, None
        else:
            status, measured = PASS, None
        outcomes.append({"rule": rule, "status": status, "measured": measured})
    return outcomes
