"""Figures of facilities over their cells in use (persons, places, compliance under a profile), the
capacity figures (design, certified, operational places; persons held and over certified capacity; places
out of use) with the reported population beside them, and the headline profile they default to;
reporting.selectors builds the summaries on them."""

from collections.abc import Iterable

from django.db import models
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cells.compliance.outcomes import status_expression
from cells.models import Cell, ComplianceSnapshot, ComplianceStatus, StandardProfile
from cells.selectors import CAPACITY_FIGURES, capacity_annotation, capacity_by, capacity_of, capacity_values
from facilities.models import AccommodationType, Facility

HEADLINE_PROFILE = "KZ-ROADMAP"


def headline_of(profiles: Iterable[StandardProfile]) -> StandardProfile | None:
    """The headline profile among ``profiles`` (the active ones): KZ-ROADMAP, or None when it is not among
    them. The headline figure is defined as KZ-ROADMAP compliance (docs/data.md, §What compliant means): when KZ-ROADMAP is
    inactive there is no headline, never another standard's figure shown as the headline."""
    return next((p for p in profiles if p.code == HEADLINE_PROFILE and p.is_active), None)


def headline_profile() -> StandardProfile | None:
    """The headline profile: KZ-ROADMAP when it is active, else None (headline_of). One query. Used by the
    dashboards' headline tile, the trends and forecasts, the facility page's compliant persons and the
    demo's reconstructed history."""
    return StandardProfile.objects.filter(code=HEADLINE_PROFILE, is_active=True).first()


def default_profile() -> StandardProfile | None:
    """The profile a list or a filter shows when none is chosen: the headline profile, else the first
    active profile (by position), else None. A default choice, not a headline: only headline_profile()
    answers "which figure is the headline". One query."""
    return (
        StandardProfile.objects.filter(is_active=True)
        .order_by(models.Case(models.When(code=HEADLINE_PROFILE, then=0), default=1), "position", "code")
        .first()
    )


def share(part, whole):
    """part / whole in % rounded to 1 decimal place; None when whole is 0."""
    return round(100 * part / whole, 1) if whole else None


def latest_snapshot_date():
    """Date of the latest compliance run's snapshots (None before the first run)."""
    return ComplianceSnapshot.objects.filter(scope=ComplianceSnapshot.Scope.NATION, is_reconstructed=False).aggregate(
        d=Max("date")
    )["d"]


def _cell_sum(field: str, extra: Q | None = None):
    cells = (
        Cell.objects.in_use()
        .filter(extra or Q(), block__facility=OuterRef("pk"))
        .order_by()
        .values("block__facility")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(cells, output_field=IntegerField()), Value(0))


def facilities_with_figures(queryset, profile: StandardProfile | None):
    """Annotate facilities with ``places``, ``persons``, ``persons_in_single_cells`` and, for ``profile``,
    ``persons_compliant`` (persons in compliant cells).

    From the latest run's facility snapshot (one index lookup a facility, whatever its size); before the
    first run, from its cells and results (correlated subqueries). One query in all.
    """
    queryset = queryset.select_related("region")
    latest, source = latest_snapshot_date(), profile or default_profile()
    if latest is not None and source is not None:
        snapshot = ComplianceSnapshot.objects.filter(
            date=latest,
            profile=source,
            is_reconstructed=False,
            scope=ComplianceSnapshot.Scope.FACILITY,
            object_id=OuterRef("pk"),
        )
        value = lambda name: Coalesce(Subquery(snapshot.values(name)[:1]), Value(0))  # noqa: E731
        queryset = queryset.annotate(
            places=value("places"), persons=value("persons"), persons_in_single_cells=value("persons_in_single_cells")
        )
        return queryset.annotate(persons_compliant=value("persons_compliant")) if profile is not None else queryset
    queryset = queryset.annotate(
        places=_cell_sum("design_capacity"),
        persons=_cell_sum("occupancy"),
        persons_in_single_cells=_cell_sum("occupancy", Q(accommodation_type=AccommodationType.SINGLE)),
    )
    if profile is not None:
        compliant = (
            Cell.objects.in_use()
            .filter(block__facility=OuterRef("pk"))
            .annotate(result_status=status_expression(profile))
            .filter(result_status=ComplianceStatus.COMPLIANT)
            .order_by()
            .values("block__facility")
            .annotate(total=Sum("occupancy"))
            .values("total")
        )
        queryset = queryset.annotate(
            persons_compliant=Coalesce(Subquery(compliant, output_field=IntegerField()), Value(0))
        )
    return queryset


# ---------------------------------------------------------------------------------------------------
# Capacity and persons held (docs/data.md, §Capacity and certification): computed live from the cells
# (cells.selectors.capacity_aggregates, the one definition), dated "as of now"; the facility's reported
# headcount (Facility.population, headcounts register) is shown beside persons held, never summed into it.

REPORTED_FIELDS = ("reported_population", "reported_population_date_from", "reported_population_date")


def with_capacity(queryset):
    """Facilities annotated with ``capacity``: every capacity figure of their cells
    (cells.selectors.capacity_annotation, one correlated subquery a row, so a page of facilities costs one
    query whatever its length). attach_capacity(facility) sets them as attributes (``persons_held``,
    ``persons_counted_from``/``_to``, ``places_design``, ``places_certified``, ``places_operational``,
    ``persons_over_certified``, ``cells_over_certified``, ``places_out_of_use``, ...)."""
    return queryset.annotate(capacity=capacity_annotation("block__facility"))


def attach_capacity(facility):
    """``facility`` (read through with_capacity) with each figure of cells.selectors.CAPACITY_FIGURES set
    as an attribute (ints, dates); idempotent. Returns it."""
    if not getattr(facility, "_capacity_attached", False):
        for name, value in capacity_values(facility.capacity).items():
            setattr(facility, name, value)
        facility._capacity_attached = True
    return facility


def difference(held, reported) -> int | None:
    """Persons held − reported population (persons), or None when either is unknown."""
    return None if held is None or reported is None else held - reported


def combine_capacity(groups) -> dict:
    """The capacity figures of several groups (mappings of CAPACITY_FIGURES, e.g. capacity_by_region's
    rows) as one: sums added, ``*_from`` dates their minimum, ``*_to`` dates their maximum."""
    groups = list(groups)
    combined: dict = {}
    for name in CAPACITY_FIGURES:
        values = [g[name] for g in groups if g[name] is not None]
        if name.endswith("_from"):
            combined[name] = min(values, default=None)
        elif name.endswith("_to"):
            combined[name] = max(values, default=None)
        else:
            combined[name] = sum(values)
    return combined


def capacity_totals_of(facilities, cell_totals: dict | None = None) -> dict:
    """The capacity figures summed over the cells of ``facilities`` (a Facility queryset: a region's, the
    nation's institutions in operation), with the reported population beside them: two queries.

    Returns every name of cells.selectors.CAPACITY_FIGURES, ``reported_population`` (sum of the
    facilities' headcounts, persons; None when none is recorded), ``reported_population_date_from`` /
    ``reported_population_date`` (earliest and latest date of those headcounts), ``reported_facilities``
    (facilities with a headcount), ``persons_difference`` (persons held − reported, None when nothing is
    reported) and ``as_of`` (today, Asia/Almaty: the figures are live). ``cell_totals``: the cells' figures
    when the caller has them already (combine_capacity of capacity_by_region: the dashboard reads the
    cells once), else one query."""
    ids = facilities.values("pk")
    totals = dict(cell_totals) if cell_totals is not None else capacity_of(Cell.objects.filter(block__facility__in=ids))
    reported = Facility.objects.filter(pk__in=ids, population__isnull=False).aggregate(
        reported_population=Sum("population"),
        reported_population_date_from=Min("population_date"),
        reported_population_date=Max("population_date"),
        reported_facilities=Count("id"),
    )
    totals.update(reported)
    totals["persons_difference"] = difference(totals["persons_held"], totals["reported_population"])
    totals["as_of"] = timezone.localdate()
    return totals


def capacity_by_region(facilities) -> dict[int, dict]:
    """The capacity figures per region (region id -> CAPACITY_FIGURES) over the cells of ``facilities``:
    one grouped query."""
    return capacity_by(Cell.objects.filter(block__facility__in=facilities.values("pk")), "block__facility__region_id")


def for_page(figures) -> dict:
    """The capacity figures of ``figures`` (a mapping: capacity_totals_of, summary(); or a facility from
    with_capacity, whose reported population is its ``population``) as the mapping the page's partial
    (templates/partials/capacity_figures.html) reads, with ``difference_abs`` (|persons held − reported|)."""
    if not isinstance(figures, dict):
        attach_capacity(figures)
        values = {name: getattr(figures, name) for name in CAPACITY_FIGURES}
        values.update(
            reported_population=figures.population,
            reported_population_date=figures.population_date,
            reported_population_date_from=figures.population_date,
            persons_difference=difference(figures.persons_held, figures.population),
        )
        figures = values
    diff = figures.get("persons_difference")
    return {**figures, "difference_abs": abs(diff) if diff is not None else None}
