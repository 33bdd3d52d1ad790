"""Reads that compose several apps: the national summary and facilities with their figures."""
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cells.models import Cell, ComplianceResult, ComplianceRun, ComplianceStatus, StandardProfile
from facilities.models import AccommodationType, ConversionProject, Facility, Region
from inspections.models import Finding

HEADLINE_PROFILE = "KZ-ROADMAP"


def _share(part, whole):
    """part / whole in % rounded to 1 decimal place; None when whole is 0."""
    return round(100 * part / whole, 1) if whole else None


def summary(region: Region | None = None, scope: set[int] | None = None) -> dict:
    """The dashboard's figures for the nation or one region (a fixed number of queries).

    Counts institutions in operation (status operating or under reconstruction). Places and persons
    are sums over cells in use of those institutions: ``places`` = design capacity (persons),
    ``population`` = occupancy (persons). Compliance per active profile counts the persons in cells
    whose latest stored result is ``compliant`` (cells not yet evaluated count as not compliant);
    the share is of ``population`` in %. The headline figure is the share of persons in single-occupancy
    cells compliant with KZ-ROADMAP (DESIGN.md section 4). ``scope`` (region ids, None = all) limits
    everything to a user's regions.
    """
    facilities = Facility.objects.in_operation()
    if region is not None:
        facilities = facilities.filter(region=region)
    if scope is not None:
        facilities = facilities.filter(region__in=scope)
    cells = Cell.objects.in_use().filter(block__facility__in=facilities.values("pk"))
    totals = cells.aggregate(
        places=Coalesce(Sum("design_capacity"), 0),
        population=Coalesce(Sum("occupancy"), 0),
        persons_in_single_cells=Coalesce(
            Sum("occupancy", filter=Q(accommodation_type=AccommodationType.SINGLE)), 0),
        cells=Count("id"),
        is_demo=Count("id", filter=Q(is_demo=True)),
    )
    population = totals["population"]
    profiles = {p.pk: p for p in StandardProfile.objects.filter(is_active=True)}
    per_profile = {
        row["profile_id"]: row
        for row in ComplianceResult.objects.filter(profile__in=profiles.keys(), cell__in=cells)
        .values("profile_id").order_by("profile_id")
        .annotate(
            persons_compliant=Coalesce(Sum("cell__occupancy", filter=Q(status=ComplianceStatus.COMPLIANT)), 0),
            cells_compliant=Count("id", filter=Q(status=ComplianceStatus.COMPLIANT)),
            cells_non_compliant=Count("id", filter=Q(status=ComplianceStatus.NON_COMPLIANT)),
            cells_unknown=Count("id", filter=Q(status=ComplianceStatus.UNKNOWN)),
        )
    }
    compliance = []
    for pk, profile in sorted(profiles.items(), key=lambda item: (item[1].position, item[1].code)):
        row = per_profile.get(pk, {})
        persons_compliant = row.get("persons_compliant", 0)
        compliance.append({
            "profile": profile.code,
            "title": profile.title,
            "verified": profile.verified,
            "persons_compliant": persons_compliant,
            "share_compliant": _share(persons_compliant, population),
            "cells_compliant": row.get("cells_compliant", 0),
            "cells_non_compliant": row.get("cells_non_compliant", 0),
            "cells_unknown": row.get("cells_unknown", 0),
        })
    headline = next((c for c in compliance if c["profile"] == HEADLINE_PROFILE), None)
    projects = ConversionProject.objects.all()
    if region is not None:
        projects = projects.filter(block__facility__region=region)
    if scope is not None:
        projects = projects.filter(block__facility__region__in=scope)
    by_status = dict(projects.values_list("status").order_by("status").annotate(n=Count("id")))
    conversions = [{"status": value, "label": str(label), "count": by_status.get(value, 0)}
                   for value, label in ConversionProject.Status.choices]
    findings = Finding.objects.filter(inspection__facility__in=facilities.values("pk"))
    return {
        "region": region.code if region else None,
        "findings_open": findings.open().count(),
        "findings_overdue": findings.overdue().count(),
        "facilities": facilities.count(),
        "places": totals["places"],
        "population": population,
        "occupancy_rate": _share(population, totals["places"]),
        "persons_in_single_cells": totals["persons_in_single_cells"],
        "share_in_single_cells": _share(totals["persons_in_single_cells"], population),
        "headline": {
            "label": "persons in single-occupancy cells compliant with KZ-ROADMAP",
            "persons": headline["persons_compliant"] if headline else None,
            "share": headline["share_compliant"] if headline else None,
        },
        "compliance": compliance,
        "conversions": conversions,
        "cells": totals["cells"],
        "demo_cells": totals["is_demo"],
        "last_run": last_run(),
        "last_edit_recompute": last_run(estate_wide=False),
    }


def last_run(estate_wide: bool = True) -> dict | None:
    """The latest estate-wide compliance run (or, with ``estate_wide=False``, the latest recompute of a
    facility after an edit): date, outcome, start and end (Asia/Almaty), counts."""
    run = ComplianceRun.objects.filter(facility__isnull=estate_wide).exclude(
        outcome=ComplianceRun.Outcome.SKIPPED).first()
    if run is None:
        return None
    local = lambda moment: timezone.localtime(moment) if moment else None  # noqa: E731
    return {"id": run.pk, "date": run.run_date, "outcome": run.outcome, "started_at": local(run.started_at),
            "finished_at": local(run.finished_at), "duration_seconds": run.duration_seconds,
            "cells_evaluated": run.cells_evaluated, "results_written": run.results_written,
            "facility": run.facility.code if run.facility_id else None}


def single_cell_share_by_region(scope: set[int] | None = None) -> list[dict]:
    """Per region (all 20, or those in ``scope``, in code order): persons, persons in single-occupancy
    cells and their share (%)."""
    rows = (Cell.objects.in_use().filter(block__facility__status__in=Facility.IN_OPERATION)
            .values("block__facility__region_id").order_by()
            .annotate(persons=Coalesce(Sum("occupancy"), 0),
                      single=Coalesce(Sum("occupancy", filter=Q(accommodation_type=AccommodationType.SINGLE)), 0)))
    by_region = {row["block__facility__region_id"]: row for row in rows}
    result = []
    regions = Region.objects.order_by("code")
    for region in regions if scope is None else regions.filter(pk__in=scope):
        row = by_region.get(region.pk, {"persons": 0, "single": 0})
        result.append({"region": region, "code": region.code, "persons": row["persons"],
                       "persons_in_single_cells": row["single"], "share": _share(row["single"], row["persons"])})
    return result


def _cell_sum(field: str, extra: Q = Q()):
    cells = (Cell.objects.in_use().filter(extra, block__facility=OuterRef("pk")).order_by()
             .values("block__facility").annotate(total=Sum(field)).values("total"))
    return Coalesce(Subquery(cells, output_field=IntegerField()), Value(0))


def facilities_with_figures(queryset, profile: StandardProfile | None):
    """Annotate facilities with ``places``, ``persons``, ``persons_in_single_cells`` and, for ``profile``,
    ``persons_compliant`` (persons in compliant cells), as correlated subqueries (one query in all)."""
    queryset = queryset.select_related("region").annotate(
        places=_cell_sum("design_capacity"),
        persons=_cell_sum("occupancy"),
        persons_in_single_cells=_cell_sum("occupancy", Q(accommodation_type=AccommodationType.SINGLE)),
    )
    if profile is not None:
        compliant = (ComplianceResult.objects.filter(profile=profile, status=ComplianceStatus.COMPLIANT,
                                                     cell__status=Cell.Status.IN_USE,
                                                     cell__block__facility=OuterRef("pk"))
                     .order_by().values("cell__block__facility").annotate(total=Sum("cell__occupancy"))
                     .values("total"))
        queryset = queryset.annotate(
            persons_compliant=Coalesce(Subquery(compliant, output_field=IntegerField()), Value(0)))
    return queryset
