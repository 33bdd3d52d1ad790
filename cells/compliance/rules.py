"""Rules as database expressions: the single definition of how a rule is evaluated.

Every rule of a StandardRule row becomes two ORM expressions over a *column source*:

- ``measured_expression(metric, col)``: the value the rule reads (e.g. living space per person, m²);
- ``outcome_expression(rule, col)``: ``'pass'``, ``'fail'`` or ``'unknown'`` (a measurement is missing),
  or NULL when the rule does not apply to the cell's accommodation type.

``col(name)`` returns the expression for a cell attribute: ``F(name)`` when evaluating stored cells
(the nightly run), a typed ``Value`` when evaluating measurements typed by a user (the design check).
Both paths run the same SQL, so they cannot disagree.

``living_space_per_person_m2 = living_space_m2 / max(design_capacity, occupancy)``
(docs/data.md, §What compliant means; CPT/Inf (2015) 44, paras 9-10, counts the sanitary annex out of the living space).
"""

from collections.abc import Callable
from decimal import Decimal

from django.db import models
from django.db.models import Case, Expression, F, Func, Value, When
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, NullIf
from django.db.models.lookups import Exact, GreaterThanOrEqual, In, IsNull, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"

# Cell attributes a rule may read, with their database types.
FIELD_TYPES = {
    "accommodation_type": models.CharField(max_length=24),
    "living_space_m2": models.DecimalField(max_digits=8, decimal_places=2),
    "design_capacity": models.IntegerField(),
    "occupancy": models.IntegerField(),
    "has_sanitary_annex": models.BooleanField(),
    "sanitary_annex_partitioned": models.BooleanField(),
    "min_wall_distance_m": models.DecimalField(max_digits=6, decimal_places=2),
    "ceiling_height_m": models.DecimalField(max_digits=5, decimal_places=2),
    "has_natural_light": models.BooleanField(),
}

# Metrics a rule may name: the cell attributes above plus the derived living space per person.
METRICS = {*FIELD_TYPES, "living_space_per_person_m2"}
NUMERIC_METRICS = {
    "living_space_m2",
    "living_space_per_person_m2",
    "design_capacity",
    "occupancy",
    "min_wall_distance_m",
    "ceiling_height_m",
}
BOOLEAN_METRICS = {"has_sanitary_annex", "sanitary_annex_partitioned", "has_natural_light"}

# What each metric is called wherever a rule is shown as text (the standards page, requirement texts, the
# compliance pages): never the code. Units are not part of the label; the rule's unit follows its value.
METRIC_LABELS = {
    "accommodation_type": _("accommodation type"),
    "living_space_m2": _("living space"),
    "living_space_per_person_m2": _("living space per person"),
    "design_capacity": _("design capacity"),
    "occupancy": _("persons accommodated"),
    "has_sanitary_annex": _("sanitary annex"),
    "sanitary_annex_partitioned": _("sanitary annex fully partitioned"),
    "min_wall_distance_m": _("distance between walls"),
    "ceiling_height_m": _("ceiling height"),
    "has_natural_light": _("natural light"),
}


def metric_label(metric: str) -> str:
    """The display label of ``metric`` in the active language; an unknown code is returned unchanged."""
    return str(METRIC_LABELS.get(metric, metric))


_OPERATORS = {">=": GreaterThanOrEqual, "<=": LessThanOrEqual, "==": Exact}
_PER_PERSON_FIELD = models.DecimalField(max_digits=14, decimal_places=4)


class RealDivide(Func):
    """``a / b`` as exact numeric division on PostgreSQL and real (not integer) division on SQLite."""

    arg_joiner = " / "
    template = "(%(expressions)s)"
    output_field = _PER_PERSON_FIELD

    def as_sqlite(self, compiler, connection, **extra_context):
        numerator, denominator = self.get_source_expressions()
        clone = self.copy()
        clone.set_source_expressions([Cast(numerator, models.FloatField()), denominator])
        return clone.as_sql(compiler, connection, **extra_context)


def stored_column(name: str) -> F:
    """Column source for stored cells: the cell's own field."""
    return F(name)


def value_columns(values: dict) -> Callable[[str], Cast]:
    """Column source for typed measurements: ``values[name]`` as a typed SQL literal (None = unknown)."""

    def col(name: str) -> Cast:
        # An explicit cast, so that PostgreSQL types a literal 70 as numeric (not integer) and a NULL as its column.
        return Cast(Value(values.get(name)), output_field=FIELD_TYPES[name])

    return col


def measured_expression(metric: str, col: Callable) -> Expression:
    """Expression of the value a rule with ``metric`` reads; NULL when a needed measurement is missing.

    Raises ValueError for an unknown metric.
    """
    if metric == "living_space_per_person_m2":
        capacity, occupancy = col("design_capacity"), col("occupancy")
        # NULL (unknown) when neither is known, or when both are 0: nobody to divide the space between.
        persons = NullIf(Greatest(Coalesce(capacity, occupancy), Coalesce(occupancy, capacity)), Value(0))
        return RealDivide(col("living_space_m2"), persons)
    if metric in FIELD_TYPES:
        return col(metric)
    raise ValueError(f"Unknown metric {metric!r}; expected one of {sorted(METRICS)}")


def threshold_value(rule) -> Value:
    """The rule's threshold as a typed SQL literal. Raises ValueError for an unknown metric."""
    if rule.metric in NUMERIC_METRICS:
        return Value(Decimal(str(rule.value)), output_field=models.DecimalField(max_digits=14, decimal_places=4))
    if rule.metric in BOOLEAN_METRICS:
        return Value(bool(rule.value), output_field=models.BooleanField())
    if rule.metric in METRICS:
        return Value(str(rule.value), output_field=models.CharField())
    raise ValueError(f"Unknown metric {rule.metric!r}")


def outcome_expression(rule, col: Callable, labels: dict | None = None) -> Case:
    """``'pass'``/``'fail'``/``'unknown'`` for cells the rule applies to, NULL for the others.

    ``rule`` needs ``metric``, ``operator`` (``>=``, ``<=``, ``==``), ``value`` and ``applies_to``.
    ``labels`` replaces these four results (keys PASS, FAIL, UNKNOWN and None), so that a caller wanting
    other values evaluates the rule once rather than comparing its result. Raises ValueError for an
    unknown metric or operator.
    """
    labels = labels or {PASS: PASS, FAIL: FAIL, UNKNOWN: UNKNOWN, None: None}
    try:
        comparison = _OPERATORS[rule.operator]
    except KeyError:
        raise ValueError(f"Unknown operator {rule.operator!r}; expected one of {sorted(_OPERATORS)}") from None
    measured = measured_expression(rule.metric, col)
    text = models.CharField(max_length=8)
    return Case(
        When(~In(col("accommodation_type"), list(rule.applies_to)), then=Value(labels[None], output_field=text)),
        When(IsNull(measured, True), then=Value(labels[UNKNOWN])),
        When(comparison(measured, threshold_value(rule)), then=Value(labels[PASS])),
        default=Value(labels[FAIL]),
        output_field=text,
    )


def display_measured_expression(metric: str, col: Callable) -> Expression:
    """The measured value as shown and stored. Living space per person is truncated (not rounded) to
    2 decimal places, so that a failing 3.9975 m² shows as 3.99, never as the 4.00 it failed to reach."""
    measured = measured_expression(metric, col)
    if metric == "living_space_per_person_m2":
        hundred = Value(Decimal(100), output_field=_PER_PERSON_FIELD)
        return RealDivide(Floor(measured * hundred, output_field=_PER_PERSON_FIELD), hundred)
    return measured
