"""Reads that compose several apps: the national summary, runs, breakdowns by region, lowest compliance,
overdue findings and place of residence (facilities with their figures: reporting.figures)."""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, DecimalField, F, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from cells.compliance.outcomes import layouts, status_expression
from cells.compliance.run import record_stopped_runs, run_lock_held, unrecovered_stops
from cells.models import Cell, ComplianceRun, ComplianceSnapshot, ComplianceStatus, StandardProfile
from core.i18n import localised
from core.models import PendingTask
from facilities import scoping
from facilities.models import (
    AccommodationType,
    ConversionProject,
    Facility,
    Region,
    ResidencePopulation,
    RoadmapTarget,
)
from inspections.models import Finding

from .distance import Held, distance_figures, facility_point, great_circle_km, point
from .figures import (
    capacity_totals_of,
    default_profile,
    facilities_with_figures,
    headline_of,
    latest_snapshot_date,
    share,
)
from .placement import Options, class_label, load_inputs, shortfall
from .trends import NEW_INSTITUTION_SINCE


def _live_totals(facilities: QuerySet[Facility], profiles: dict[int, StandardProfile]) -> tuple[dict, dict]:
    """Totals over the cells in use of ``facilities`` and compliance per profile from the cells' recorded
    results (before the first run has written a snapshot; two queries). Cost grows with the estate."""
    cells = Cell.objects.in_use().filter(block__facility__in=facilities.values("pk"))
    totals = cells.aggregate(
        places=Coalesce(Sum("design_capacity"), 0),
        population=Coalesce(Sum("occupancy"), 0),
        persons_in_single_cells=Coalesce(Sum("occupancy", filter=Q(accommodation_type=AccommodationType.SINGLE)), 0),
        cells=Count("id"),
    )
    if not profiles:
        return totals, {}
    known = layouts()
    statuses = {f"s_{pk}": status_expression(profile, known=known) for pk, profile in profiles.items()}
    sums = cells.annotate(**statuses).aggregate(
        **{
            f"{name}_{pk}": aggregate
            for pk in profiles
            for name, aggregate in (
                (
                    "persons_compliant",
                    Coalesce(Sum("occupancy", filter=Q(**{f"s_{pk}": ComplianceStatus.COMPLIANT})), 0),
                ),
                ("cells_compliant", Count("id", filter=Q(**{f"s_{pk}": ComplianceStatus.COMPLIANT}))),
                ("cells_non_compliant", Count("id", filter=Q(**{f"s_{pk}": ComplianceStatus.NON_COMPLIANT}))),
                ("cells_unknown", Count("id", filter=Q(**{f"s_{pk}": ComplianceStatus.UNKNOWN}))),
            )
        }
    )
    per_profile = {
        pk: {
            name: sums[f"{name}_{pk}"]
            for name in ("persons_compliant", "cells_compliant", "cells_non_compliant", "cells_unknown")
        }
        for pk in profiles
        if sums[f"cells_compliant_{pk}"] + sums[f"cells_non_compliant_{pk}"] + sums[f"cells_unknown_{pk}"]
    }
    return totals, per_profile


def _snapshot_totals(
    region: Region | None, scope: set[int] | None, profiles: dict[int, StandardProfile]
) -> tuple[dict, dict, object] | None:
    """Totals and compliance per profile summed from the latest run's snapshots (nation, one region, or
    the regions in ``scope``): a fixed number of rows whatever the size of the estate. None when no run
    has written a snapshot for the active profiles yet."""
    snapshots = ComplianceSnapshot.objects.filter(profile__in=profiles.keys(), is_reconstructed=False)
    latest = snapshots.filter(scope=ComplianceSnapshot.Scope.NATION).aggregate(d=Max("date"))["d"]
    if latest is None:
        return None
    rows = snapshots.filter(date=latest)
    if region is None and scope is None:
        rows = rows.filter(scope=ComplianceSnapshot.Scope.NATION)
    else:
        ids = {region.pk} if region is not None else set(scope or ())
        if region is not None and scope is not None:
            ids &= set(scope)
        rows = rows.filter(scope=ComplianceSnapshot.Scope.REGION, object_id__in=ids)
    per_profile = {
        row["profile_id"]: row
        for row in rows.values("profile_id")
        .order_by("profile_id")
        .annotate(
            places=Coalesce(Sum("places"), 0),
            population=Coalesce(Sum("persons"), 0),
            persons_in_single_cells=Coalesce(Sum("persons_in_single_cells"), 0),
            cells=Coalesce(Sum("cells"), 0),
            persons_compliant=Coalesce(Sum("persons_compliant"), 0),
            cells_compliant=Coalesce(Sum("cells_compliant"), 0),
            cells_non_compliant=Coalesce(Sum("cells_non_compliant"), 0),
            cells_unknown=Coalesce(Sum("cells_unknown"), 0),
        )
    }
    any_row: Mapping[str, Any] = next(iter(per_profile.values()), {})
    totals = {name: any_row.get(name, 0) for name in ("places", "population", "persons_in_single_cells", "cells")}
    return totals, per_profile, latest


def summary(region: Region | None = None, scope: set[int] | None = None, cell_totals: dict | None = None) -> dict:
    """The dashboard's figures for the nation or one region (a fixed number of queries).

    Counts institutions in operation (status operating or under reconstruction). Places (design
    capacity, persons), persons held (occupancy), persons in single-occupancy cells and compliance per
    active profile (persons in cells whose result is ``compliant``; share of persons held, %) come from
    the latest compliance run's snapshots, so their cost does not grow with the estate; ``figures_date``
    says which. Before any run they are computed from the cells and results (``figures_date`` None).
    The headline is the share of persons in single-occupancy cells compliant with KZ-ROADMAP (docs/data.md,
    §What compliant means). ``scope`` (region ids, None = all) limits everything to a user's regions.

    Beside them, the capacity figures computed live from the cells of those institutions (as of
    ``capacity_as_of``, today; SUMMARY_CAPACITY_FIELDS, defined in cells.selectors.capacity_aggregates):
    ``persons_held`` with the range of its count dates, the ``reported_population`` (sum of the facilities'
    headcounts) with its dates and ``persons_difference``, design / certified / operational places, persons
    and cells over certified capacity, places out of use with their expected return. ``places`` and
    ``population`` stay: aliases of design places of cells in use and persons held at ``figures_date``.
    ``cell_totals``: those capacity figures when the caller computed them already over the same
    institutions (reporting.figures.capacity_totals_of).
    """
    facilities = Facility.objects.in_operation()
    if region is not None:
        facilities = facilities.filter(region=region)
    if scope is not None:
        facilities = facilities.filter(region__in=scope)
    profiles = {p.pk: p for p in StandardProfile.objects.filter(is_active=True)}
    from_snapshots = _snapshot_totals(region, scope, profiles) if profiles else None
    if from_snapshots is not None:
        totals, per_profile, figures_date = from_snapshots
    else:
        (totals, per_profile), figures_date = _live_totals(facilities, profiles), None
    population = totals["population"]
    compliance = []
    for pk, profile in sorted(profiles.items(), key=lambda item: (item[1].position, item[1].code)):
        row = per_profile.get(pk, {})
        persons_compliant = row.get("persons_compliant", 0)
        compliance.append(
            {
                "profile": profile.code,
                "title": localised(profile, "title"),
                "verified": profile.verified,
                "persons_compliant": persons_compliant,
                "share_compliant": share(persons_compliant, population),
                "cells_compliant": row.get("cells_compliant", 0),
                "cells_non_compliant": row.get("cells_non_compliant", 0),
                "cells_unknown": row.get("cells_unknown", 0),
            }
        )
    headline_code = getattr(headline_of(profiles.values()), "code", None)
    headline = next((c for c in compliance if c["profile"] == headline_code), None)
    projects = ConversionProject.objects.all()
    if region is not None:
        projects = projects.filter(block__facility__region=region)
    if scope is not None:
        projects = projects.filter(block__facility__region__in=scope)
    by_status = dict(projects.values_list("status").order_by("status").annotate(n=Count("id")))
    conversions = [
        {"status": value, "label": str(label), "count": by_status.get(value, 0)}
        for value, label in ConversionProject.Status.choices
    ]
    findings = Finding.objects.filter(facility__in=facilities.values("pk"))
    capacity = capacity_totals_of(facilities, cell_totals)
    return {
        "region": region.code if region else None,
        "figures_date": figures_date,
        "findings_open": findings.open().count(),
        "findings_overdue": findings.overdue().count(),
        "facilities": facilities.count(),
        "places": totals["places"],
        "population": population,
        "occupancy_rate": share(population, totals["places"]),
        "persons_in_single_cells": totals["persons_in_single_cells"],
        "share_in_single_cells": share(totals["persons_in_single_cells"], population),
        "headline": {
            "label": "persons in single-occupancy cells compliant with KZ-ROADMAP",
            "persons": headline["persons_compliant"] if headline else None,
            "share": headline["share_compliant"] if headline else None,
        },
        "compliance": compliance,
        "conversions": conversions,
        "cells": totals["cells"],
        "demo_data": Cell.objects.filter(is_demo=True).exists(),
        "last_run": last_run(),
        "last_successful_run": last_run(succeeded=True),
        "last_edit_recompute": last_run(estate_wide=False),
        "run_in_progress": run_in_progress(),  # first: it records the runs that stopped (run_stopped)
        "run_stopped": run_stopped(),
        "tasks_waiting": PendingTask.objects.count(),
        **{name: capacity[name] for name in SUMMARY_CAPACITY_FIELDS},
        "capacity_as_of": capacity["as_of"],
    }


# The capacity figures summary() carries (reporting.figures.capacity_totals_of; its ``cells`` is left out:
# summary's ``cells`` stays the cells in use of the latest run).
SUMMARY_CAPACITY_FIELDS = (
    "persons_held",
    "persons_counted_from",
    "persons_counted_to",
    "reported_population",
    "reported_population_date_from",
    "reported_population_date",
    "reported_facilities",
    "persons_difference",
    "places_design",
    "places_certified",
    "places_operational",
    "persons_over_certified",
    "cells_over_certified",
    "cells_out_of_use",
    "places_out_of_use",
    "expected_back_from",
    "expected_back_to",
    "cells_under_reconstruction",
    "places_under_reconstruction",
)


RECOMPUTE_TASK = "cells.tasks.recalculate_compliance"
IMPORT_TASK = "roadmap_portal.tasks.process_import"  # registers.tasks.process_import's wire name


def tasks_waiting_by_kind() -> dict[str, int]:
    """The tasks kept in the outbox (broker unreachable) by what they do: ``recomputes`` (compliance),
    ``imports`` (register imports to check or write), ``other``. Their sum is summary()["tasks_waiting"]."""
    counts = dict(PendingTask.objects.values("task").annotate(n=Count("id")).values_list("task", "n"))
    recomputes, imports = counts.pop(RECOMPUTE_TASK, 0), counts.pop(IMPORT_TASK, 0)
    return {"recomputes": recomputes, "imports": imports, "other": sum(counts.values())}


def last_run(estate_wide: bool = True, succeeded: bool = False) -> dict | None:
    """The latest estate-wide compliance run (or, with ``estate_wide=False``, the latest recompute of a
    facility after an edit; with ``succeeded``, the latest one that succeeded): date, outcome, start and
    end (Asia/Almaty), counts. Runs refused by the lock (skipped) and runs still going are left out."""
    runs = ComplianceRun.objects.filter(facility__isnull=estate_wide).exclude(
        outcome__in=[ComplianceRun.Outcome.SKIPPED, ComplianceRun.Outcome.RUNNING]
    )
    if succeeded:
        runs = runs.filter(outcome=ComplianceRun.Outcome.SUCCEEDED)
    run = runs.first()
    if run is None:
        return None
    local = lambda moment: timezone.localtime(moment) if moment else None  # noqa: E731
    return {
        "id": run.pk,
        "date": run.run_date,
        "outcome": run.outcome,
        "outcome_label": run.get_outcome_display(),
        "started_at": local(run.started_at),
        "finished_at": local(run.finished_at),
        "duration_seconds": run.duration_seconds,
        "cells_evaluated": run.cells_evaluated,
        "results_written": run.results_written,
        "facility": run.facility.code if run.facility else None,
    }


def run_in_progress() -> dict | None:
    """The compliance run going now, or None: id, start (Asia/Almaty), facility code or None.

    A run recorded ``running`` runs while its lock is held: on PostgreSQL that is asked of the database
    (cells.compliance.run.record_stopped_runs first records a run whose lock is free as interrupted, so
    that it shows as stopped, run_stopped); on SQLite, where another process cannot be asked, a run
    started in the last CELERY_TASK_TIME_LIMIT seconds counts as going."""
    record_stopped_runs()
    running = ComplianceRun.objects.filter(outcome=ComplianceRun.Outcome.RUNNING).select_related("facility")
    if run_lock_held() is None:
        running = running.filter(
            started_at__gte=timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        )
    run = running.first()
    if run is None:
        return None
    return {
        "id": run.pk,
        "started_at": timezone.localtime(run.started_at),
        "facility": run.facility.code if run.facility else None,
    }


def run_stopped() -> dict | None:
    """The latest compliance run that stopped without finishing and that no later run has made good
    (cells.compliance.run.unrecovered_stops), or None: id, start and the time its stop was noticed
    (Asia/Almaty), facility code or None, snapshot date, and ``message`` (translated) saying so and how it
    is recovered."""
    run = unrecovered_stops().select_related("facility").first()
    if run is None:
        return None
    stopped_at = timezone.localtime(run.finished_at or run.started_at)
    return {
        "id": run.pk,
        "date": run.run_date,
        "started_at": timezone.localtime(run.started_at),
        "stopped_at": stopped_at,
        "facility": run.facility.code if run.facility else None,
        "recovery_sent_at": timezone.localtime(run.recovery_sent_at) if run.recovery_sent_at else None,
        "message": gettext(
            "The compliance run started %(started)s stopped without finishing at %(stopped)s; the next "
            "scheduled run or an administrator's “recompute now” recovers it."
        )
        % {
            "started": date_format(timezone.localtime(run.started_at), "SHORT_DATETIME_FORMAT"),
            "stopped": date_format(stopped_at, "SHORT_DATETIME_FORMAT"),
        },
    }


def single_cell_share_by_region(scope: set[int] | None = None) -> list[dict]:
    """Per region (all 20, or those in ``scope``, in code order): persons, persons in single-occupancy
    cells, their share (%) and whether demo cells count. From the latest run's region snapshots (a
    fixed number of rows); from the cells before the first run."""
    regions = Region.objects.order_by("code")
    if scope is not None:
        regions = regions.filter(pk__in=scope)
    latest, profile = latest_snapshot_date(), default_profile()
    demo = Cell.objects.filter(is_demo=True).exists()
    if latest is not None and profile is not None:
        by_region = {
            row["object_id"]: {"persons": row["persons"], "single": row["persons_in_single_cells"], "demo": demo}
            for row in ComplianceSnapshot.objects.filter(
                date=latest, profile=profile, scope=ComplianceSnapshot.Scope.REGION, is_reconstructed=False
            ).values("object_id", "persons", "persons_in_single_cells")
        }
    else:
        rows = (
            Cell.objects.in_use()
            .filter(block__facility__status__in=Facility.IN_OPERATION)
            .values("block__facility__region_id")
            .order_by()
            .annotate(
                persons=Coalesce(Sum("occupancy"), 0),
                single=Coalesce(Sum("occupancy", filter=Q(accommodation_type=AccommodationType.SINGLE)), 0),
                demo=Count("id", filter=Q(is_demo=True)),
            )
        )
        by_region = {row["block__facility__region_id"]: row for row in rows}
    result = []
    for region in regions:
        row = by_region.get(region.pk, {"persons": 0, "single": 0, "demo": 0})
        result.append(
            {
                "region": region,
                "code": region.code,
                "persons": row["persons"],
                "is_demo": bool(row["demo"]),
                "persons_in_single_cells": row["single"],
                "share": share(row["single"], row["persons"]),
            }
        )
    return result


def projects_by_region(scope: set[int] | None = None) -> dict:
    """Conversion projects per region and status, and their budgets (KZT): one query.

    Returns ``{"statuses": [(value, label)], "regions": [{"region", "code", "counts": {status: n},
    "total", "budget_planned_kzt", "budget_spent_kzt"}]}`` for the regions that have projects (in code
    order) and ``totals`` with the same budget sums nationally (or over ``scope``).
    """
    projects = ConversionProject.objects.all()
    if scope is not None:
        projects = projects.filter(block__facility__region__in=scope)
    rows = (
        projects.values("block__facility__region_id", "status")
        .order_by()
        .annotate(
            n=Count("id"),
            planned=Coalesce(Sum("budget_planned_kzt"), Value(0, DecimalField())),
            spent=Coalesce(Sum("budget_spent_kzt"), Value(0, DecimalField())),
            demo=Count("id", filter=Q(is_demo=True)),
        )
    )
    by_region: dict[int, dict] = {}
    for row in rows:
        entry = by_region.setdefault(
            row["block__facility__region_id"],
            {
                "counts": {},
                "total": 0,
                "budget_planned_kzt": Decimal(0),
                "budget_spent_kzt": Decimal(0),
                "is_demo": False,
            },
        )
        entry["counts"][row["status"]] = row["n"]
        entry["total"] += row["n"]
        entry["budget_planned_kzt"] += row["planned"]
        entry["budget_spent_kzt"] += row["spent"]
        entry["is_demo"] = entry["is_demo"] or row["demo"] > 0
    regions = []
    for region in Region.objects.filter(pk__in=by_region).order_by("code"):
        regions.append({"region": region, "code": region.code, **by_region[region.pk]})
    return {
        "statuses": [(value, str(label)) for value, label in ConversionProject.Status.choices],
        "regions": regions,
        "budget_planned_kzt": sum((r["budget_planned_kzt"] for r in regions), Decimal(0)),
        "budget_spent_kzt": sum((r["budget_spent_kzt"] for r in regions), Decimal(0)),
    }


def lowest_compliance(profile: StandardProfile | None, scope: set[int] | None = None, limit: int = 10) -> list:
    """The ``limit`` institutions in operation holding people with the lowest share of persons in compliant
    accommodation under ``profile`` (ties: more persons first, then code), from the latest run's facility
    snapshots, sorted and cut in the database. Facilities annotated as in facilities_with_figures plus
    ``share_compliant`` (%)."""
    if profile is None:
        return []
    facilities = Facility.objects.in_operation()
    if scope is not None:
        facilities = facilities.filter(region__in=scope)
    latest = latest_snapshot_date()
    if latest is None:
        rows = [f for f in facilities_with_figures(facilities, profile) if f.persons]
        for f in rows:
            f.share_compliant = share(f.persons_compliant, f.persons)
        rows.sort(key=lambda f: (f.share_compliant, -f.persons, f.code))
        return rows[:limit]
    worst = (
        ComplianceSnapshot.objects.filter(
            date=latest,
            profile=profile,
            scope=ComplianceSnapshot.Scope.FACILITY,
            is_reconstructed=False,
            persons__gt=0,
            object_id__in=facilities.values("pk"),
        )
        .annotate(
            ratio=models.ExpressionWrapper(
                F("persons_compliant") * 1.0 / F("persons"), output_field=models.FloatField()
            )
        )
        .order_by("ratio", "-persons", "object_id")
        .values_list("object_id", flat=True)[:limit]
    )
    ids = list(worst)
    by_id = {f.pk: f for f in facilities_with_figures(Facility.objects.filter(pk__in=ids), profile)}
    rows = [by_id[pk] for pk in ids if pk in by_id]
    for f in rows:
        f.share_compliant = share(f.persons_compliant, f.persons)
    rows.sort(key=lambda f: (f.share_compliant, -f.persons, f.code))
    return rows


def overdue_findings(scope: set[int] | None = None, limit: int = 10) -> list:
    """The ``limit`` open findings whose deadline passed longest ago (facility and rule loaded)."""
    findings = Finding.objects.overdue().select_related("facility__region", "rule")
    if scope is not None:
        findings = findings.filter(region__in=scope)
    return list(findings.order_by("deadline", "id")[:limit])


def residence(scope: set[int] | None = None) -> dict:
    """Where persons are held relative to their home region, and how far from it, from each facility's
    latest count by home region (ResidencePopulation.objects.latest(); institutions in operation, pre-trial
    centres included). Two queries: the counts grouped by facility and home region, and the regions.

    Distance (reporting.distance): great-circle km from the facility (its coordinates, else its region's
    centre) to the administrative centre of the home region (Region.centre_latitude/longitude); unknown when
    either point is not recorded. ``persons_over_500_km`` counts persons held more than FAR_KM (500) km from
    home; ``mean_km_from_home`` is person-km / persons with a known distance (km, 1 decimal; None when no
    distance is known); ``persons_with_distance`` says over how many persons it is taken.

    Returns ``{"persons", "in_home_region", "share_in_home_region" (%), "persons_over_500_km",
    "mean_km_from_home", "persons_with_distance", "date_from", "date_to", "demo",
    "hosts": [per region holding people: "region", "code", "held", "from_home", "share_from_home",
    "persons_over_500_km", "mean_km_from_home", "persons_with_distance" (of the persons held there)],
    "senders": [per home region: "region", "code", "residents", "held_elsewhere", "share_elsewhere",
    "persons_over_500_km", "mean_km_from_home", "persons_with_distance" (of its residents, wherever held)],
    sorted by held_elsewhere descending, "centres": {"regions", "verified" (regions whose centre is
    verified), "missing" (codes without coordinates), "sources" (distinct Region.centre_source)}}``.
    The national figures are over the persons of ``hosts``: with ``scope`` (region ids) the persons held in
    the user's regions; senders are then the user's regions' residents.
    """
    counts = ResidencePopulation.objects.latest().filter(facility__status__in=Facility.IN_OPERATION)
    if scope is not None:
        counts = counts.filter(Q(facility__region__in=scope) | Q(home_region__in=scope))
    rows = list(
        counts.values(
            "facility_id", "facility__latitude", "facility__longitude", "facility__region_id", "home_region_id"
        )
        .order_by()
        .annotate(persons=Sum("persons"), first=Min("date"), last=Max("date"), demo=Count("id", filter=Q(is_demo=True)))
    )
    regions = {r.pk: r for r in Region.objects.all()}
    centres = {pk: point(r.centre_latitude, r.centre_longitude) for pk, r in regions.items()}
    hosts: dict[int, dict] = {}
    senders: dict[int, dict] = {}
    held_by_host: dict[int, list[Held]] = {}
    held_by_home: dict[int, list[Held]] = {}
    for row in rows:
        host, home, persons = row["facility__region_id"], row["home_region_id"], row["persons"]
        origin = facility_point(row["facility__latitude"], row["facility__longitude"], centres.get(host))
        target = centres.get(home)
        held = Held(persons, great_circle_km(origin, target) if origin and target else None)
        if scope is None or host in scope:
            entry = hosts.setdefault(host, {"held": 0, "from_home": 0})
            entry["held"] += persons
            entry["from_home"] += persons if host == home else 0
            held_by_host.setdefault(host, []).append(held)
        if scope is None or home in scope:
            entry = senders.setdefault(home, {"residents": 0, "held_elsewhere": 0})
            entry["residents"] += persons
            entry["held_elsewhere"] += persons if host != home else 0
            held_by_home.setdefault(home, []).append(held)
    held = sum(h["held"] for h in hosts.values())
    at_home = sum(h["from_home"] for h in hosts.values())

    def distance(rows_held: list[Held]) -> dict:
        figures = distance_figures(rows_held)
        return {name: figures[name] for name in ("persons_over_500_km", "mean_km_from_home", "persons_with_distance")}

    return {
        "persons": held,
        "in_home_region": at_home,
        "share_in_home_region": share(at_home, held),
        **distance([h for rows_held in held_by_host.values() for h in rows_held]),
        "date_from": min((r["first"] for r in rows), default=None),
        "date_to": max((r["last"] for r in rows), default=None),
        "demo": any(r["demo"] for r in rows),
        "hosts": [
            {
                "region": regions[pk],
                "code": regions[pk].code,
                **h,
                "share_from_home": share(h["from_home"], h["held"]),
                **distance(held_by_host[pk]),
            }
            for pk, h in sorted(hosts.items(), key=lambda item: regions[item[0]].code)
        ],
        "senders": sorted(
            (
                {
                    "region": regions[pk],
                    "code": regions[pk].code,
                    **s,
                    "share_elsewhere": share(s["held_elsewhere"], s["residents"]),
                    **distance(held_by_home[pk]),
                }
                for pk, s in senders.items()
            ),
            key=lambda s: (-s["held_elsewhere"], s["code"]),
        ),
        "centres": {
            "regions": len(regions),
            "verified": sum(1 for r in regions.values() if r.centre_verified),
            "missing": sorted(r.code for pk, r in regions.items() if centres[pk] is None),
            "sources": sorted({r.centre_source for r in regions.values() if r.centre_source}),
        },
    }


def _next_target(targets: list[RoadmapTarget], today: datetime.date) -> RoadmapTarget | None:
    """Of ``targets`` (one metric and place, in date order), the first whose date is today or later, else
    the last one (past due)."""
    return next((t for t in targets if t.target_date >= today), targets[-1] if targets else None)


def _target_row(target: RoadmapTarget | None) -> dict | None:
    if target is None:
        return None
    return {
        "value": float(target.value),
        "target_date": target.target_date,
        "phase": target.phase,
        "source": localised(target, "source"),
        "verified": target.verified,
        "is_demo": target.is_demo,
    }


def places_needed(scope: set[int] | None = None, today: datetime.date | None = None) -> dict:
    """Places needed and new institutions by region (issue 19, item 5): whether the planned new institutions
    are in the regions that need places. A fixed number of queries (the placement inputs, the regions, new
    institutions, planned facilities, targets); no plan is solved.

    ``places_needed`` per region is the placement plan's shortfall for persons whose home is the region
    (reporting.placement.shortfall of load_inputs(Options(date=today)): persons held outside their home
    region for lack of compatible places there, summed over classes; persons), split ``by_level`` (security
    level of the class -> persons; ``-`` when not recorded) and with its largest class (``top_class``,
    ``top_class_label``, ``top_class_persons``). ``new_institutions``: institutions in operation in the region
    built in NEW_INSTITUTION_SINCE (2021) or later (the roadmap metric ``new_institutions``,
    reporting.trends.measured). ``planned``: facilities of status ``planned`` in the region
    (``{"code", "name", "design_capacity"}``, persons or None), ``planned_capacity`` the sum of the known
    design capacities (persons). ``target``: the region's own ``new_institutions`` target (the next one due,
    else the last; ``{"value" (institutions), "target_date", "phase", "source", "verified", "is_demo"}``) or
    None.

    Returns ``{"rows": [one per region (all, or those in ``scope``: region ids) sorted by places needed,
    most first, then code], "levels": [(level, label)] (every security level, then ``-``), "totals": the sums
    of places_needed, by_level, new_institutions, planned (count) and planned_capacity over the rows,
    "target": the national new_institutions target (same choice; None with ``scope``: a national count is not
    split between regions), "date", "counts_from", "counts_to", "since" (2021), "demo"}``.
    """
    today = today or timezone.localdate()
    inputs = load_inputs(Options(date=today))
    chosen = Region.objects.order_by("code")
    if scope is not None:
        chosen = chosen.filter(pk__in=scope)
    regions = list(chosen)
    codes = {r.code for r in regions}
    needed: dict[str, dict[str, int]] = {}
    for row in shortfall(inputs):
        if row["home_region"] in codes:
            classes = needed.setdefault(row["home_region"], {})
            classes[row["class"]] = classes.get(row["class"], 0) + row["persons"]
    new = dict(
        Facility.objects.in_operation()
        .filter(year_built__gte=NEW_INSTITUTION_SINCE, region__in=regions)
        .values("region_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("region_id", "n")
    )
    planned: dict[int, list[dict]] = {}
    for facility in Facility.objects.filter(status=Facility.Status.PLANNED, region__in=regions).order_by("code"):
        planned.setdefault(facility.region_id, []).append(
            {"code": facility.code, "name": facility.name, "design_capacity": facility.design_capacity}
        )
    targets: dict[int | None, list[RoadmapTarget]] = {}
    wanted = Q(region__in=regions) | Q(region__isnull=True) if scope is None else Q(region__in=regions)
    for target in RoadmapTarget.objects.filter(wanted, metric=RoadmapTarget.Metric.NEW_INSTITUTIONS).order_by(
        "target_date"
    ):
        targets.setdefault(target.region_id, []).append(target)
    levels = [*Facility.SecurityLevel.choices, ("-", gettext("security level not recorded"))]
    rows = []
    for region in regions:
        classes = needed.get(region.code, {})
        by_level: dict[str, int] = {}
        for klass, persons in classes.items():
            level = klass.split("/")[1]
            by_level[level] = by_level.get(level, 0) + persons
        top = min(classes.items(), key=lambda item: (-item[1], item[0]), default=None)
        own = planned.get(region.pk, [])
        rows.append(
            {
                "region": region,
                "code": region.code,
                "places_needed": sum(classes.values()),
                "by_level": by_level,
                "levels": [(value, label, by_level[value]) for value, label in levels if by_level.get(value)],
                "top_class": top[0] if top else None,
                "top_class_label": class_label(top[0]) if top else None,
                "top_class_persons": top[1] if top else None,
                "new_institutions": new.get(region.pk, 0),
                "planned": own,
                "planned_capacity": sum(p["design_capacity"] or 0 for p in own),
                "target": _target_row(_next_target(targets.get(region.pk, []), today)),
            }
        )
    rows.sort(key=lambda r: (-r["places_needed"], r["code"]))
    by_level_total: dict[str, int] = {}
    for r in rows:
        for level, persons in r["by_level"].items():
            by_level_total[level] = by_level_total.get(level, 0) + persons
    return {
        "rows": rows,
        "levels": levels,
        "totals": {
            "places_needed": sum(r["places_needed"] for r in rows),
            "by_level": by_level_total,
            "levels": [(v, label, by_level_total[v]) for v, label in levels if by_level_total.get(v)],
            "new_institutions": sum(r["new_institutions"] for r in rows),
            "planned": sum(len(r["planned"]) for r in rows),
            "planned_capacity": sum(r["planned_capacity"] for r in rows),
        },
        "target": _target_row(_next_target(targets.get(None, []), today)) if scope is None else None,
        "date": today,
        "counts_from": inputs.counts_from,
        "counts_to": inputs.counts_to,
        "since": NEW_INSTITUTION_SINCE,
        "demo": inputs.is_demo,
    }


def region_codes(user: Any) -> set[str] | None:
    """The ISO codes of the regions ``user`` may read (facilities.scoping.region_scope), or None for all
    regions: the ``regions`` of reporting.placement.compute. One query when scoped."""
    scope = scoping.region_scope(user)
    return None if scope is None else set(Region.objects.filter(pk__in=scope).values_list("code", flat=True))
