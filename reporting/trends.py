"""Figures over time: series from the daily compliance snapshots, change since a date, progress against
the roadmap targets, and the forecast of when each region and the nation reach the share target.

All functions read the database only; none writes. Shares are in % (1 decimal place).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cells.models import Cell, ComplianceSnapshot, StandardProfile
from cells.selectors import capacity_of
from core.i18n import localised
from facilities.models import AccommodationType, ConversionProject, Facility, Region, RoadmapTarget

from .figures import headline_profile, share

Scope = ComplianceSnapshot.Scope
NEW_INSTITUTION_SINCE = 2021  # "new institutions": built in or after the roadmap's first year
# Conversions completed before the roadmap's first year (the reconstructions of 2010-2015) count towards no
# roadmap target; a completed project without an end date counts.
ROADMAP_START = datetime.date(NEW_INSTITUTION_SINCE, 1, 1)


def point(snapshot: ComplianceSnapshot) -> dict:
    """One point of a series: ``date``, ``persons``, ``places``, ``persons_in_single_cells``,
    ``persons_compliant``, the shares ``share_in_single_cells``, ``share_compliant`` and ``occupancy_rate``
    (%), and ``reconstructed`` (True for generated demo history)."""
    return {
        "date": snapshot.date,
        "persons": snapshot.persons,
        "places": snapshot.places,
        "persons_in_single_cells": snapshot.persons_in_single_cells,
        "persons_compliant": snapshot.persons_compliant,
        "share_in_single_cells": share(snapshot.persons_in_single_cells, snapshot.persons),
        "share_compliant": share(snapshot.persons_compliant, snapshot.persons),
        "occupancy_rate": share(snapshot.persons, snapshot.places),
        "reconstructed": snapshot.is_reconstructed,
    }


def series(scope: str = Scope.NATION, object_id: int = 0, profile: StandardProfile | None = None) -> list[dict]:
    """The snapshots of one scope (nation: object_id 0; region, facility or block id) under ``profile``
    (default: the headline profile, KZ-ROADMAP when active; none when it is inactive), oldest first, as points (see ``point``). One query."""
    profile = profile or headline_profile()
    if profile is None:
        return []
    rows = ComplianceSnapshot.objects.filter(profile=profile, scope=scope, object_id=object_id).order_by("date")
    return [point(s) for s in rows]


def value_on(points: list[dict], when: datetime.date) -> dict | None:
    """The latest point on or before ``when`` (None when the series starts later)."""
    found = None
    for p in points:
        if p["date"] > when:
            break
        found = p
    return found


FIGURES = [
    "persons",
    "places",
    "persons_in_single_cells",
    "persons_compliant",
    "share_in_single_cells",
    "share_compliant",
    "occupancy_rate",
]


def change_since(points: list[dict], since: datetime.date) -> dict:
    """Change of each figure between the point on or before ``since`` and the latest point.

    Returns ``{"since": date or None, "from": point or None, "to": point or None, "delta": {figure: number
    or None}}``; counts as persons, shares in percentage points.
    """
    latest = points[-1] if points else None
    base = value_on(points, since)
    delta = {}
    for name in FIGURES:
        if latest is None or base is None or latest[name] is None or base[name] is None:
            delta[name] = None
        else:
            delta[name] = (
                round(latest[name] - base[name], 1) if isinstance(latest[name], float) else latest[name] - base[name]
            )
    return {"since": base["date"] if base else None, "from": base, "to": latest, "delta": delta}


# ---------------------------------------------------------------------------------------------------
# Roadmap targets


def measured(
    metric: str, region: Region | None = None, scope: set[int] | None = None, share_in_single_cells: float | None = None
) -> float | int | None:
    """The portal's current value of a roadmap ``metric`` (RoadmapTarget.Metric) nationally, in ``region``
    or over the regions in ``scope``. Units: blocks, persons (places), % or institutions."""

    def limit(queryset, path):
        if region is not None:
            queryset = queryset.filter(**{path: region})
        if scope is not None:
            queryset = queryset.filter(**{f"{path}__in": scope})
        return queryset

    completed = limit(
        ConversionProject.objects.filter(status=ConversionProject.Status.COMPLETED).exclude(
            actual_end__lt=ROADMAP_START
        ),
        "block__facility__region",
    )
    if metric == RoadmapTarget.Metric.BLOCKS_CONVERTED:
        return completed.count()
    if metric == RoadmapTarget.Metric.PLACES_CONVERTED:
        # Driven by the (few) completed projects, so the cost follows them, not the size of the estate.
        cells = Cell.objects.in_use().filter(
            accommodation_type=AccommodationType.SINGLE, block_id__in=list(completed.values_list("block_id", flat=True))
        )
        return cells.aggregate(total=Coalesce(Sum("design_capacity"), 0))["total"]
    if metric == RoadmapTarget.Metric.NEW_INSTITUTIONS:
        return limit(Facility.objects.in_operation().filter(year_built__gte=NEW_INSTITUTION_SINCE), "region").count()
    if metric == RoadmapTarget.Metric.SHARE_IN_SINGLE_CELLS:
        return share_in_single_cells
    raise ValueError(f"unknown roadmap metric {metric!r}")


def target_progress(
    share_in_single_cells: float | None,
    region: Region | None = None,
    scope: set[int] | None = None,
    today: datetime.date | None = None,
    region_shares: dict[int, float | None] | None = None,
) -> list[dict]:
    """The roadmap targets that apply, each with the measured value, the % of the target reached and its
    state: ``reached``, ``open`` (deadline ahead) or ``missed`` (deadline passed, not reached).

    Nationally (``region`` and ``scope`` None): every national target. For a region, or a user's regions
    (``scope``): the national share targets, measured there with ``share_in_single_cells``, and the own
    targets of those regions, each measured in its region (``region_shares``: region id -> share in %, for
    a regional share target under a scope of several regions). A national count (12 blocks, 20
    institutions) is not split between regions.
    """
    today = today or timezone.localdate()
    targets = RoadmapTarget.objects.select_related("region")
    if region is None and scope is None:
        targets = targets.filter(region__isnull=True)
    else:
        own = Q(region=region) if region is not None else Q(region__in=scope)
        targets = targets.filter(own | Q(region__isnull=True, metric=RoadmapTarget.Metric.SHARE_IN_SINGLE_CELLS))
    rows = []
    for target in targets.order_by("target_date", "metric", "region__code"):
        if target.region_id and region is None:  # a region's own target under a scope of regions
            share = (region_shares or {}).get(target.region_id, share_in_single_cells)
            value = measured(target.metric, target.region, None, share)
        else:
            value = measured(target.metric, region, scope, share_in_single_cells)
        value = float(value) if value is not None else None
        goal = float(target.value)
        reached = value is not None and value >= goal
        rows.append(
            {
                "target": target,
                "metric": target.metric,
                "label": target.get_metric_display(),
                "phase": target.phase,
                "target_date": target.target_date,
                "target_value": goal,
                "value": value,
                "percent_of_target": round(100 * value / goal, 1) if goal and value is not None else None,
                "state": "reached" if reached else ("missed" if target.target_date < today else "open"),
                "verified": target.verified,
                "is_demo": target.is_demo,
                "source": localised(target, "source"),
                "note": localised(target, "note"),
                "region": target.region.code if target.region_id else None,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# Forecast

WINDOWS = {
    90: _("last 3 months"),
    182: _("last 6 months"),
    365: _("last 12 months"),
    730: _("last 2 years"),
    1095: _("last 3 years"),
    1825: _("last 5 years"),
}
DEFAULT_WINDOW = 1095


@dataclass
class Forecast:
    """When a scope reaches its share target at the observed rate.

    ``current`` and ``start`` are shares in % at ``current_date`` and ``start_date``; ``rate_per_year``
    is percentage points per year; ``projected`` the date the target is reached (None when it is not
    reached at that rate); ``state`` one of ``reached``, ``on_track``, ``at_risk``, ``no_progress``,
    ``no_history``, ``no_target``.
    """

    code: str
    name: str
    current: float | None
    current_date: datetime.date | None
    start: float | None
    start_date: datetime.date | None
    rate_per_year: float | None
    target: float | None
    deadline: datetime.date | None
    projected: datetime.date | None
    state: str

    @property
    def at_risk(self) -> bool:
        return self.state in ("at_risk", "no_progress")


def share_targets() -> list[RoadmapTarget]:
    """Every share-in-single-cells target, national and regional, by target date (one query)."""
    return list(
        RoadmapTarget.objects.filter(metric=RoadmapTarget.Metric.SHARE_IN_SINGLE_CELLS).order_by("target_date", "pk")
    )


def share_target(
    region: Region | None, today: datetime.date, targets: list[RoadmapTarget] | None = None
) -> RoadmapTarget | None:
    """The share-in-single-cells target that applies: the region's own, else the national one; the next
    one due (earliest target date from ``today``), else the last one. ``targets``: share_targets()."""
    targets = share_targets() if targets is None else targets
    own = [t for t in targets if region is not None and t.region_id == region.pk]
    candidates = own or [t for t in targets if t.region_id is None]
    upcoming = [t for t in candidates if t.target_date >= today]
    return upcoming[0] if upcoming else (candidates[-1] if candidates else None)


def forecast_one(
    points: list[dict],
    target: RoadmapTarget | None,
    window_days: int,
    code: str,
    name: str,
    today: datetime.date | None = None,
) -> Forecast:
    """Linear projection of the share of persons in single-occupancy cells.

    Method: rate = (share at the latest snapshot - share at the latest snapshot on or before the window's
    start, or at the first snapshot when the history is shorter than the window) / days between them; projected date = latest snapshot date + (target - current share) / rate.
    A rate of zero or less never reaches the target (``no_progress``). ``on_track`` when the projected date
    is on or before the target date, ``at_risk`` after it.
    """
    today = today or timezone.localdate()
    latest = next((p for p in reversed(points) if p["share_in_single_cells"] is not None), None)
    goal = float(target.value) if target else None
    deadline = target.target_date if target else None
    blank = {
        "code": code,
        "name": name,
        "target": goal,
        "deadline": deadline,
        "projected": None,
        "rate_per_year": None,
        "start": None,
        "start_date": None,
    }
    if latest is None:
        return Forecast(current=None, current_date=None, state="no_history", **blank)
    current = latest["share_in_single_cells"]
    if target is None:
        return Forecast(current=current, current_date=latest["date"], state="no_target", **blank)
    if current >= goal:
        return Forecast(current=current, current_date=latest["date"], state="reached", **blank)
    known = [p for p in points if p["share_in_single_cells"] is not None]
    start = value_on(known, latest["date"] - datetime.timedelta(days=window_days)) or known[0]
    if start is None or start["date"] >= latest["date"]:
        return Forecast(current=current, current_date=latest["date"], state="no_history", **blank)
    days = (latest["date"] - start["date"]).days
    rate = (current - start["share_in_single_cells"]) / days
    values = {
        "code": code,
        "name": name,
        "current": current,
        "current_date": latest["date"],
        "start": start["share_in_single_cells"],
        "start_date": start["date"],
        "rate_per_year": round(rate * 365.25, 2),
        "target": goal,
        "deadline": deadline,
    }
    if rate <= 0:
        return Forecast(projected=None, state="no_progress", **values)
    days_needed = (goal - current) / rate
    if days_needed > 365 * 500:  # beyond any calendar worth printing
        return Forecast(projected=None, state="at_risk", **values)
    projected = latest["date"] + datetime.timedelta(days=int(days_needed + 0.999))
    return Forecast(projected=projected, state="on_track" if projected <= deadline else "at_risk", **values)


def forecasts(
    window_days: int = DEFAULT_WINDOW, scope: set[int] | None = None, today: datetime.date | None = None
) -> dict:
    """The nation's forecast (None for a user limited to some regions) and each region's (those in
    ``scope``, all 20 when None), from the KZ-ROADMAP snapshots. Two queries plus the targets."""
    today = today or timezone.localdate()
    profile = headline_profile()
    regions = Region.objects.order_by("code")
    if scope is not None:
        regions = regions.filter(pk__in=scope)
    regions = list(regions)
    by_object: dict[tuple, list] = {}
    if profile is not None:
        rows = (
            ComplianceSnapshot.objects.filter(profile=profile)
            .filter(Q(scope=Scope.NATION) | Q(scope=Scope.REGION, object_id__in=[r.pk for r in regions]))
            .order_by("date")
        )
        for snapshot in rows:
            by_object.setdefault((snapshot.scope, snapshot.object_id), []).append(point(snapshot))
    targets = share_targets()
    national_target = share_target(None, today, targets)
    nation = None
    if scope is None:
        nation = forecast_one(
            by_object.get((Scope.NATION, 0), []),
            national_target,
            window_days,
            "KZ",
            str(_("Kazakhstan (national)")),
            today,
        )
    per_region = [
        forecast_one(
            by_object.get((Scope.REGION, r.pk), []), share_target(r, today, targets), window_days, r.code, r.name, today
        )
        for r in regions
    ]
    return {"nation": nation, "regions": per_region, "window_days": window_days, "target": national_target}


def series_for(
    scope: set[int] | None = None, region: Region | None = None, profile: StandardProfile | None = None
) -> list[dict]:
    """The series a dashboard shows: the nation's (scope None), one region's, or the sum over the regions
    in ``scope`` per date (a date counts only when every region of the scope has a snapshot on it)."""
    if region is not None:
        return series(Scope.REGION, region.pk, profile)
    if scope is None:
        return series(Scope.NATION, 0, profile)
    profile = profile or headline_profile()
    if profile is None or not scope:
        return []
    by_date: dict = {}
    rows = ComplianceSnapshot.objects.filter(profile=profile, scope=Scope.REGION, object_id__in=scope)
    for snapshot in rows.order_by("date"):
        by_date.setdefault(snapshot.date, []).append(snapshot)
    points = []
    for date, snapshots in by_date.items():
        if len(snapshots) != len(scope):
            continue
        total = ComplianceSnapshot(
            date=date,
            profile=profile,
            is_reconstructed=any(s.is_reconstructed for s in snapshots),
            **{
                name: sum(getattr(s, name) for s in snapshots)
                for name in ("persons", "places", "persons_compliant", "persons_in_single_cells")
            },
        )
        points.append(point(total))
    return points


def converted_out_of_use(region: Region | None = None, scope: set[int] | None = None) -> dict:
    """The capacity figures (cells.selectors.capacity_aggregates) of the single-occupancy cells of blocks
    whose conversion is completed, nationally, in ``region`` or over ``scope``: ``places_out_of_use``,
    ``cells_out_of_use`` and ``expected_back_from``/``_to`` say how many converted places the roadmap's
    *places converted* (cells in use only) does not count now and when they are expected back. Two queries."""
    completed = ConversionProject.objects.filter(status=ConversionProject.Status.COMPLETED)
    if region is not None:
        completed = completed.filter(block__facility__region=region)
    if scope is not None:
        completed = completed.filter(block__facility__region__in=scope)
    cells = Cell.objects.filter(
        accommodation_type=AccommodationType.SINGLE, block_id__in=list(completed.values_list("block_id", flat=True))
    )
    return capacity_of(cells)
