"""Figures of facilities over their cells in use (persons, places, compliance under a profile), and the
headline profile they default to; reporting.selectors builds the summaries on them."""

from collections.abc import Iterable

from django.db import models
from django.db.models import IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cells.compliance.outcomes import status_expression
from cells.models import Cell, ComplianceSnapshot, ComplianceStatus, StandardProfile
from facilities.models import AccommodationType

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
