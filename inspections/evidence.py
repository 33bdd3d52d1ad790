"""What a finding is verified against: its cited cell's or block's current figures and its cited rule's
current outcome there. One read, used by the finding's page, its API and the refusal of a verification
(inspections.services.change_finding_status).

The outcome is the one the compliance engine recorded at the cell's last evaluation, read as the cell and
block pages read it (cells.selectors.rule_outcomes): ``pass``, ``fail``, ``unknown`` (a measurement
missing), ``awaiting`` (a measurement or the rule changed since: the next run decides), ``not_evaluated``,
``not_in_use`` (the cell holds nobody), ``not_applicable`` (the rule is for other accommodation types).
For a block: ``fail`` when any of its cells in use fails the rule, else ``awaiting`` when any awaits or
was not evaluated, else ``unknown`` when any is unknown, else ``pass`` (``not_applicable`` when the rule
applies to none of them). The date of the evaluation is the end of the last successful compliance run
that covered the facility (an estate-wide run or one of the facility): a cell not due then keeps the
outcome that run confirmed.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cells.models import BlockCompliance, BlockTotals, Cell, ComplianceRun, StandardRule
from cells.selectors import (
    AWAITING,
    FAIL,
    NOT_EVALUATED,
    PASS,
    UNKNOWN,
    cells_with_results,
    display_value,
    rule_outcomes,
)
from cells.selectors import measured_value as cell_measured_value
from core.i18n import localised
from core.numbers import quantity

from .models import Finding

NOT_APPLICABLE = "not_applicable"


def _label(outcome: str | None) -> str:
    labels = {
        PASS: _("passes"),
        FAIL: _("fails"),
        UNKNOWN: _("unknown: a measurement is missing"),
        AWAITING: _("awaiting evaluation: the figures or the rule changed since"),
        NOT_EVALUATED: _("not evaluated yet"),
        "not_in_use": _("not in use (not evaluated)"),
        NOT_APPLICABLE: _("does not apply here"),
    }
    return str(labels.get(outcome, "—")) if outcome else "—"


def _plain(value: Any) -> Any:
    """A figure as JSON writes it: decimals as strings ("2.94"), dates in ISO form."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Evidence:
    """The current state of a finding's cited place and rule.

    ``place``: ``"cell"`` or ``"block"``; ``place_label``: e.g. ``"Dormitory 2 / 1-02"``. ``figures``: a
    cell's ``status``, ``occupancy`` and ``design_capacity`` (persons), ``occupancy_date``,
    ``living_space_m2`` (m²); a block's ``persons``, ``places``, ``cells`` (in use, as of the last
    evaluation: BlockTotals) and, with a rule, its profile's ``cells_compliant``, ``cells_non_compliant``,
    ``cells_unknown`` (BlockCompliance). ``rule``: the cited rule's code, or None; ``requirement``:
    its threshold as shown (``"≥ 4.0 m²"``); ``outcome``: see the module docstring; ``metric``: the
    metric the rule reads; ``measured``: a cell's current value of it as the rules read it (m²,
    persons, yes/no; living space per person truncated to 2 decimals), None for a block; ``failing``:
    for a block, ``[{"cell": number, "measured": value}]`` of its cells that fail the rule.
    ``evaluated_at``: the end of the last successful run over the facility, or None.
    """

    place: str
    place_label: str
    figures: dict
    rule: str | None = None
    requirement: str = ""
    metric: str | None = None
    outcome: str | None = None
    measured: Any = None
    unit: str = ""
    failing: list = field(default_factory=list)
    evaluated_at: datetime.datetime | None = None

    @property
    def fails(self) -> bool:
        """Whether the cited rule still fails for the cited place."""
        return self.outcome == FAIL

    @property
    def outcome_label(self) -> str:
        return _label(self.outcome)

    def measured_text(self) -> str:
        """The measured value(s) with the unit: ``"2.94 m²"``; a block's failing cells ``"1-02: 2.94 m²;
        E1: 3.00 m²"``; ``"—"`` when none is known."""
        if self.place == "block":
            return "; ".join(f"{row['cell']}: {self._with_unit(row['measured'])}" for row in self.failing) or "—"
        return self._with_unit(self.measured)

    def _with_unit(self, value: Any) -> str:
        if value is None:
            return "—"
        return quantity(value, self.unit)

    def as_dict(self) -> dict:
        """The evidence as the API shows it (and a verification records it)."""
        return {
            "place": self.place,
            "place_label": self.place_label,
            "figures": {name: _plain(value) for name, value in self.figures.items()},
            "rule": self.rule,
            "requirement": self.requirement,
            "metric": self.metric,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "measured": _plain(self.measured),
            "unit": self.unit,
            "failing": [{"cell": row["cell"], "measured": _plain(row["measured"])} for row in self.failing],
            "evaluated_at": self.evaluated_at.isoformat() if self.evaluated_at else None,
        }


def last_evaluation(facility_id: int) -> datetime.datetime | None:
    """When the last successful compliance run over the facility ``facility_id`` ended (one query)."""
    return (
        ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.SUCCEEDED)
        .filter(Q(facility__isnull=True) | Q(facility_id=facility_id))
        .order_by("-finished_at", "-id")
        .values_list("finished_at", flat=True)
        .first()
    )


def _measured(cell: Cell, rule: StandardRule) -> Any:
    return display_value(rule.metric, cell_measured_value(cell, rule.metric))


def _cell_outcome(cell: Cell, rule: StandardRule) -> str:
    outcome = rule_outcomes(cell, [rule])[0]
    return NOT_APPLICABLE if outcome is None else outcome["status"]


def _block_outcome(outcomes: list[str]) -> str:
    scored = [o for o in outcomes if o not in (NOT_APPLICABLE, "not_in_use")]
    for wanted, found in ((FAIL, FAIL), (AWAITING, AWAITING), (NOT_EVALUATED, AWAITING), (UNKNOWN, UNKNOWN)):
        if wanted in scored:
            return found
    return PASS if scored else NOT_APPLICABLE


def finding_evidence(finding: Finding) -> Evidence | None:
    """The evidence of ``finding`` (Evidence): of its cell when it cites one, else of its block; None
    when it cites neither. Without a rule only the figures are given. A few queries (the cell or the
    block's cells with their results, the block's figures, the last run); the block's cells are read
    only when a rule is cited."""
    rule = finding.rule
    facility_id = finding.facility_id
    evaluated_at = last_evaluation(facility_id)
    if finding.cell_id is not None:
        cell = cells_with_results(Cell.objects.filter(pk=finding.cell_id).select_related("block")).get()
        cell_figures = {
            "status": cell.status,
            "occupancy": cell.occupancy,
            "occupancy_date": cell.occupancy_date,
            "design_capacity": cell.design_capacity,
            "living_space_m2": cell.living_space_m2,
        }
        evidence = Evidence(
            "cell", f"{localised(cell.block, 'name')} / {cell.number}", cell_figures, evaluated_at=evaluated_at
        )
        if rule is None:
            return evidence
        return Evidence(
            **{
                **evidence.__dict__,
                "rule": rule.code,
                "requirement": rule.requirement_text(),
                "metric": rule.metric,
                "outcome": _cell_outcome(cell, rule),
                "measured": _measured(cell, rule),
                "unit": rule.unit.replace("m2", "m²"),
            }
        )
    block = finding.block
    if block is None:
        return None
    totals = BlockTotals.objects.filter(block_id=block.pk).first()
    figures: dict[str, Any] = {
        "persons": totals.persons if totals else 0,
        "places": totals.places if totals else 0,
        "cells": totals.cells if totals else 0,
    }
    if rule is None:
        return Evidence("block", localised(block, "name"), figures, evaluated_at=evaluated_at)
    by_profile = BlockCompliance.objects.filter(block_id=block.pk, profile_id=rule.profile_id).first()
    for name in ("cells_compliant", "cells_non_compliant", "cells_unknown"):
        figures[name] = getattr(by_profile, name) if by_profile else 0
    in_use = Cell.objects.filter(block_id=block.pk, status=Cell.Status.IN_USE).order_by("number", "pk")
    cells = list(cells_with_results(in_use))
    outcomes = [(cell, _cell_outcome(cell, rule)) for cell in cells]
    failing = [
        {"cell": cell.number, "measured": _measured(cell, rule)} for cell, outcome in outcomes if outcome == FAIL
    ]
    return Evidence(
        "block",
        localised(block, "name"),
        figures,
        rule=rule.code,
        requirement=rule.requirement_text(),
        metric=rule.metric,
        outcome=_block_outcome([outcome for _cell, outcome in outcomes]),
        unit=rule.unit.replace("m2", "m²"),
        failing=failing,
        evaluated_at=evaluated_at,
    )


def refusal(evidence: Evidence) -> str:
    """The reason a verification is refused while ``evidence.fails``: names the rule, the place, the
    measured value(s), the requirement and the date of the evaluation."""
    when = f"{timezone.localtime(evidence.evaluated_at):%Y-%m-%d %H:%M}" if evidence.evaluated_at else "—"
    return _(
        "Rule %(rule)s still fails for %(place)s: measured %(measured)s, required %(requirement)s "
        "(evaluated %(date)s). To verify the finding anyway, give an override reason."
    ) % {
        "rule": evidence.rule,
        "place": evidence.place_label,
        "measured": evidence.measured_text(),
        "requirement": evidence.requirement,
        "date": when,
    }
