"""Values of the standards with their units, in the reader's language: ``5.9 m²``, ``2.4 m``, ``1 person``,
``3 persons``; and the short text of a failed rule, e.g. ``3.1 m² per person < 4 m²``.

A rule's ``unit`` (StandardRule.unit, data/standards.json) is ``m2`` (square metres, shown ``m²``), ``m``
(metres) or ``persons`` (a count, shown with ngettext: ``1 person``, ``2 persons``), or empty (yes/no and
accommodation types). Numbers are shown in the active language's format (a comma for decimals in ru and
kk) without trailing zeros: a measured 5.90 m² reads ``5.9 m²``; a living space per person keeps the
truncation of cells.compliance.rules.display_measured_expression (3.99 stays 3.99, never 4).

This module reads no model, so cells.models (StandardRule.requirement_text) and the pages share it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from core.numbers import unit_text

M2, M, PERSONS = "m2", "m", "persons"

# The rule failed when its comparison was false: what the measured value is then, against the threshold.
FAILED_OPERATOR = {">=": "<", "<=": ">", "==": "≠"}


def plain_number(value: Any) -> str:
    """``value`` (a number) in the active language's format without trailing zeros: 5.90 -> ``5.9``
    (``5,9`` in ru/kk), 4.0 -> ``4``, 1200 -> ``1 200`` in kk. Anything else as ``str``."""
    if isinstance(value, bool) or value is None:
        return str(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
        places = 0
    else:
        number = number.normalize()
        places = max(-number.as_tuple().exponent, 0)  # type: ignore[operator]  # finite here
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def with_unit(value: Any, unit: str | None) -> str:
    """``value`` with ``unit`` (a rule's unit: ``m2``, ``m``, ``persons`` or empty), e.g. ``5.9 m²``,
    ``2 persons``; ``?`` for an unknown (None) value. The number and the unit are joined by a
    non-breaking space, so that they never wrap apart."""
    if value is None:
        return "?"
    text = plain_number(value)
    if unit in (M2, M):
        return f"{text}\xa0{unit_text(unit)}"  # one naming of units: core.numbers.unit_text
    if unit == PERSONS:
        try:
            count = int(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            count = 2
        counted = ngettext("%(count)s person", "%(count)s persons", count) % {"count": text}
        return counted.replace(f"{text} ", f"{text}\xa0", 1)
    return f"{text}\xa0{unit}" if unit else text


def _metric_text(metric: str, measured: str) -> str:
    """What was measured, in words, with its value and unit (``measured``)."""
    texts = {
        "living_space_per_person_m2": gettext("%(value)s per person"),
        "living_space_m2": gettext("living space %(value)s"),
        "occupancy": gettext("%(value)s held"),
        "design_capacity": gettext("built for %(value)s"),
        "min_wall_distance_m": gettext("walls %(value)s apart"),
        "ceiling_height_m": gettext("ceiling %(value)s"),
    }
    return texts.get(metric, "%(value)s") % {"value": measured}


def failure_text(metric: str, operator: str, threshold: Any, unit: str | None, measured: Any) -> str:
    """The short text of a rule a cell fails, without the rule's code: the measured value against the
    threshold, each with its unit, e.g. ``3.1 m² per person < 4 m²``, ``2 persons held > 1 person``,
    ``no sanitary annex``, ``dormitory ≠ single-occupancy cell``. ``measured``: the cell's value as the
    rules read it (cells.selectors.display_value: yes/no and types already as labels)."""
    if metric in BOOLEAN_FAILURES and threshold is True:
        return BOOLEAN_FAILURES[metric]()
    sign = FAILED_OPERATOR.get(operator, "≠")
    if metric == "accommodation_type":
        return f"{measured} {sign} {threshold}"
    required = with_unit(threshold, unit) if not isinstance(threshold, bool) else str(threshold)
    return f"{_metric_text(metric, with_unit(measured, unit))} {sign} {required}"


BOOLEAN_FAILURES = {
    "has_sanitary_annex": lambda: gettext("no sanitary annex"),
    "sanitary_annex_partitioned": lambda: gettext("sanitary annex not partitioned"),
    "has_natural_light": lambda: gettext("no natural light"),
}
