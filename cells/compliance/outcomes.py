"""A cell's results, read from what its last evaluation recorded.

A run records on each cell every active rule's outcome as one letter (Cell.evaluated_outcomes, written by
cells.compliance.evaluate; the letters and a profile's status from them: cells.compliance.codes).
The layout of the letters under each version of the rules (OutcomeLayout) names the rule and metric of
each letter. So nothing is stored per cell and profile: a run that changes a cell's outcomes writes that
cell's row and nothing else (docs/compliance-engine.md, §Outcome codes: a worked example).
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Substr

from cells.models import Cell, ComplianceStatus, OutcomeLayout, StandardProfile, StandardRule

from . import codes
from .codes import LETTERS, status_case, status_of
from .ruleset import definition


@dataclass(frozen=True)
class Result:
    """The outcome of one profile for one cell in use, as its last evaluation recorded it.

    ``status``: a ComplianceStatus value. ``failed``: ``{rule code: metric}`` of the rules the cell fails
    (e.g. ``{"CPT-2015-1": "living_space_m2"}``; the measured value is the cell's,
    cells.selectors.measured_value); ``unknown``: ``{rule code: metric}`` of the rules that could not be
    evaluated for a missing measurement. ``rules``: ``{rule code: definition}`` of the profile's rules at
    that evaluation (ruleset.definition): an outcome holds only for a rule defined as it is now. ``cell``:
    the cell.
    """

    profile: StandardProfile
    status: str
    failed: dict = field(default_factory=dict)
    unknown: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict, compare=False)
    cell: Cell | None = field(default=None, compare=False, repr=False)

    @property
    def profile_id(self) -> int:
        return self.profile.pk

    def get_status_display(self) -> str:
        return str(ComplianceStatus(self.status).label)


def decode(cell: Cell, layouts: dict[str, list], profiles: dict[int, StandardProfile]) -> list[Result]:
    """The results of ``cell`` under ``profiles`` (``{id: profile}``, those to show: the active ones),
    in the profiles' order (position, id), from its recorded codes and their layout (``layouts``:
    ``{version: OutcomeLayout.profiles}``). An empty list for a cell not in use, never evaluated, or
    evaluated under a layout not given."""
    recorded = codes.split(cell.evaluated_outcomes)
    if cell.status != Cell.Status.IN_USE or recorded is None or recorded[1] not in layouts:
        return []
    letters, version = recorded
    results = []
    for entry in layouts[version]:
        profile = profiles.get(entry["profile"])
        if profile is None:
            continue
        first = entry["first"] - 1
        mine = letters[first : first + len(entry["rules"])]
        failed = {rule[0]: rule[1] for rule, letter in zip(entry["rules"], mine) if letter == LETTERS["fail"]}
        unknown = {rule[0]: rule[1] for rule, letter in zip(entry["rules"], mine) if letter == LETTERS["unknown"]}
        rules = {rule[0]: rule for rule in entry["rules"]}
        results.append(Result(profile, status_of(mine), failed, unknown, rules, cell))
    return sorted(results, key=lambda r: (r.profile.position, r.profile.pk))


def current_definitions(profiles: dict[int, StandardProfile]) -> dict[int, list]:
    """``{profile id: [definition of each rule, in the order of the codes]}`` of ``profiles`` now (one
    query; ruleset.definition)."""
    current = {pk: [] for pk in profiles}
    for rule in StandardRule.objects.filter(profile__in=list(profiles)).order_by(
        "profile__position", "position", "code"
    ):
        current[rule.profile_id].append(definition(rule))
    return current


def rules_changed(entries: list, current: dict[int, list]) -> bool:
    """Whether the active profiles' rules (``current``, current_definitions) differ from those a layout's
    ``entries`` (OutcomeLayout.profiles) recorded: an active profile missing, a rule added, removed or
    redefined. The order of the profiles does not count (a layout reads it)."""
    then = {entry["profile"]: entry["rules"] for entry in entries}
    return any(then.get(pk) != rules for pk, rules in current.items())


def attach_results(cells: list[Cell]) -> None:
    """Set on each of ``cells`` ``active_results`` (decode, under the active profiles) and
    ``rules_changed`` (whether the active profiles' rules changed since its evaluation, rules_changed):
    three queries (the active profiles, their rules, the layouts of the cells' codes), none for no
    cells."""
    if not cells:
        return
    profiles = {p.pk: p for p in StandardProfile.objects.filter(is_active=True)}
    current = current_definitions(profiles)
    versions = {parts[1] for parts in map(codes.split, (c.evaluated_outcomes for c in cells)) if parts}
    layouts = dict(OutcomeLayout.objects.filter(version__in=versions).values_list("version", "profiles"))
    changed = {version for version, entries in layouts.items() if rules_changed(entries, current)}
    for cell in cells:
        cell.active_results = decode(cell, layouts, profiles)
        recorded = codes.split(cell.evaluated_outcomes)
        cell.rules_changed = recorded is not None and recorded[1] in changed


def layouts() -> list[tuple[str, list]]:
    """Every layout, as ``[(version, profiles)]`` (one query)."""
    return list(OutcomeLayout.objects.values_list("version", "profiles"))


def status_expression(profile: StandardProfile, known: list | None = None) -> Case | Value:
    """An expression of a cell's status under ``profile`` (a ComplianceStatus value) from its recorded
    codes, under whichever version of the rules it was evaluated; NULL when it was never evaluated under
    a layout that holds the profile. ``known``: the layouts (layouts()), else read (one query). Says
    nothing of whether the cell is in use. The status from the letters: codes.status_case."""
    column = "evaluated_outcomes"
    whens = []
    for version, entries in layouts() if known is None else known:
        for entry in entries:
            if entry["profile"] != profile.pk:
                continue
            letters = Substr(column, entry["first"], max(len(entry["rules"]), 1))
            if not entry["rules"]:
                letters = Value("")
            status = status_case(letters)
            whens.append(When(Q(**{f"{column}__endswith": f"#{version}"}), then=status))
    if not whens:
        return Value(None, output_field=models.CharField())
    return Case(*whens, default=Value(None), output_field=models.CharField())


def recorded_results(cells=None) -> dict[tuple[int, str], Result]:
    """``{(cell id, profile code): Result}`` of ``cells`` (a Cell queryset; default every cell) under the
    active profiles: what the pages and the API show (four queries: attach_results and the cells)."""
    cells = Cell.objects.all() if cells is None else cells
    return {
        (cell.pk, result.profile.code): result
        for cell in cells.order_by("pk").with_results()
        for result in cell.active_results
    }
