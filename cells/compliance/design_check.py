"""The design check: measurements a user types in, evaluated by the same rule expressions as stored cells
(one query, in the database), before anything is built (docs/compliance-engine.md, §Stages and modules)."""

from __future__ import annotations

from typing import Any

from cells.models import StandardProfile

from . import rules as R
from .codes import status_of_outcomes
from .ruleset import RuleSet


def evaluate_measurements(measurements: dict, profiles) -> list[dict]:
    """Evaluate typed measurements of one cell against ``profiles`` in the database.

    ``measurements``: ``accommodation_type`` and any of the cell attributes in rules.FIELD_TYPES
    (None = unknown). Returns, per profile, ``{"code", "title", "verified", "status", "rules": [...]}``
    with, for each rule that applies to the accommodation type, ``{"code", "status", "measured",
    "required", "operator", "unit", "source", "summary"}``. The profile's status comes from its rules'
    outcomes by the one definition (codes.status_of).
    """
    rule_set = RuleSet.of(profiles)
    col = R.value_columns(measurements)
    annotations = {}
    for p_index, entry in enumerate(rule_set.profiles):
        for r_index, rule in enumerate(entry.rules):
            annotations[f"r_{p_index}_{r_index}"] = R.outcome_expression(rule, col)
            annotations[f"m_{p_index}_{r_index}"] = R.display_measured_expression(rule.metric, col)
    anchor = rule_set.profiles[0].profile
    row = StandardProfile.objects.filter(pk=anchor.pk).annotate(**annotations).values(*annotations).get()
    report = []
    for p_index, entry in enumerate(rule_set.profiles):
        outcomes = [row[f"r_{p_index}_{r_index}"] for r_index in range(entry.length)]
        rule_rows = [
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
            for r_index, (rule, outcome) in enumerate(zip(entry.rules, outcomes))
            if outcome is not None
        ]
        report.append(
            {
                "code": entry.profile.code,
                "title": entry.profile.title,
                "verified": entry.profile.verified,
                "status": status_of_outcomes(outcomes),
                "rules": rule_rows,
            }
        )
    return report


def present_measured(metric: str, value: Any) -> Any:
    """A measured value in JSON form: numbers as floats (2 dp), booleans as booleans, None unchanged."""
    if value is None:
        return None
    if metric in R.BOOLEAN_METRICS:
        return bool(value)
    if metric in R.NUMERIC_METRICS:
        return round(float(value), 2) if metric not in ("design_capacity", "occupancy") else int(value)
    return value
