"""Dashboards: national (or the user's regions), region, and place of residence.

Views gather figures from selectors and trends, build chart specs (charts.py) and the tables that are
each chart's text equivalent; ``?export=csv|xlsx&table=NAME`` downloads any of those tables.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.export import Column
from core.i18n import localised
from facilities import scoping
from facilities.models import ConversionProject, Facility, Region
from facilities.phases import phase_label
from facilities.regions import find_region

from . import charts, selectors, trends
from .distance import FAR_KM, FAR_KM_SOURCE
from .exports import (
    dashboard_tables,
    distance_columns,
    distance_values,
    export_table,
    places_needed_table,
    senders_table,
    trend_table,
)
from .figures import attach_capacity, capacity_by_region, combine_capacity, for_page, headline_profile, with_capacity
from .forms import dashboard_choices


def lowest_chart(lowest: list) -> dict:
    """The chart of the ten facilities with the lowest share of persons in compliant accommodation: that
    share (%, 0-100, one bar per facility in the order of the table), the figure its title names."""
    spec = charts.horizontal(
        [f.code for f in lowest],
        [f.share_compliant for f in lowest],
        _("Share of persons in compliant accommodation (%)"),
        colour=charts.TARGET,
    )
    spec["value_labels"] = True  # a share of 0 % is a bar of no length: its value is written beside it
    return spec


def _ends(points: list[dict], figure: str) -> tuple[dict | None, dict | None]:
    """The first and the last point of ``points`` that have a value of ``figure``, as ``{"date", "value"}``
    (None when no point has one): the two values written beside a sparkline, so that its line can be read
    on a scale (issue 18, item 6)."""
    known = [{"date": p["date"], "value": p[figure]} for p in points if p.get(figure) is not None]
    return (known[0], known[-1]) if known else (None, None)


def _tiles(points: list[dict], summary: dict, change: dict) -> list[dict]:
    """Headline figures with their sparkline, the sparkline's first and last values with their dates
    (``start``, ``end``), and the change since the snapshot the comparison used (``change["since"]``)."""
    delta = change["delta"]
    headline = summary["headline"]
    specs = [
        ("population", "persons", _("persons held"), "", summary["population"]),
        ("places", "places", _("places in use (design capacity)"), "", summary["places"]),
        ("occupancy", "occupancy_rate", _("occupancy rate"), "%", summary["occupancy_rate"]),
        (
            "single",
            "share_in_single_cells",
            _("persons in single-occupancy cells"),
            "%",
            summary["share_in_single_cells"],
        ),
        (
            "headline",
            "share_compliant",
            _("persons in single-occupancy cells compliant with the roadmap (KZ-ROADMAP)"),
            "%",
            headline["share"],
        ),
    ]
    tiles = []
    for key, figure, label, unit, value in specs:
        start, end = _ends(points, figure)
        tiles.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": value,
                "delta": delta.get(figure),
                "chart": charts.sparkline(points, figure, label, unit),
                "start": start,
                "end": end,
                "chart_id": f"spark-{key}",
            }
        )
    return tiles


def _capacity_regions(scope: set[int] | None) -> list[dict]:
    """Per region (those in ``scope``, or all with institutions in operation, in code order): the capacity
    figures over the cells of its institutions in operation (reporting.figures.capacity_by_region; one
    grouped query) with ``region`` and ``code``."""
    facilities = Facility.objects.in_operation()
    if scope is not None:
        facilities = facilities.filter(region__in=scope)
    by_region = capacity_by_region(facilities)
    return [
        {"region": region, "code": region.code, **by_region[region.pk]}
        for region in Region.objects.filter(pk__in=by_region).order_by("code")
    ]


def _capacity_table(rows: list[dict]) -> tuple:
    """The capacity figures per region as an exported table (``?table=capacity``)."""
    n = "number"
    columns = [
        Column(_("Region code")),
        Column(_("Region")),
        Column(_("Persons held now (cells in use)"), n),
        Column(_("Counted from"), "date"),
        Column(_("Counted to"), "date"),
        Column(_("Design places"), n),
        Column(_("Certified places"), n),
        Column(_("Operational places"), n),
        Column(_("Persons above certified capacity"), n),
        Column(_("Cells above certified capacity"), n),
        Column(_("Places out of use"), n),
        Column(_("Expected back from"), "date"),
        Column(_("Expected back to"), "date"),
        Column(_("Places under reconstruction"), n),
    ]
    return (
        _("capacity-by-region"),
        columns,
        [
            [
                r["code"],
                r["region"].name,
                r["persons_held"],
                r["persons_counted_from"],
                r["persons_counted_to"],
                r["places_design"],
                r["places_certified"],
                r["places_operational"],
                r["persons_over_certified"],
                r["cells_over_certified"],
                r["places_out_of_use"],
                r["expected_back_from"],
                r["expected_back_to"],
                r["places_under_reconstruction"],
            ]
            for r in rows
        ],
    )


def _scope_label(request, scope):
    if scope is None:
        return None
    return ", ".join(r.name for r in Region.objects.filter(pk__in=scope).order_by("code"))


def dashboard(request):
    """The national dashboard (or, for a user with regions of responsibility, over those regions):
    headline figures with trends and change since a date, the share in single cells against the roadmap
    target, targets, forecast, projects and budgets per region, the ten facilities with the lowest
    compliant share, overdue findings, place of residence, places needed and new institutions by region.
    ``?export=csv|xlsx&table=NAME`` exports a table."""
    scope = scoping.region_scope(request.user)
    form, since, window = dashboard_choices(request)
    capacity_regions = _capacity_regions(scope)  # the cells read once: per region, and summed for the summary
    summary = selectors.summary(scope=scope, cell_totals=combine_capacity(capacity_regions))
    points = trends.series_for(scope)
    change = trends.change_since(points, since)
    forecast = trends.forecasts(window, scope)
    regions = selectors.single_cell_share_by_region(scope)
    projects = selectors.projects_by_region(scope)
    profile = headline_profile()
    lowest = selectors.lowest_compliance(profile, scope)
    targets = trends.target_progress(
        summary["share_in_single_cells"], scope=scope, region_shares={r["region"].pk: r["share"] for r in regions}
    )
    residence = selectors.residence(scope)
    places = selectors.places_needed(scope)
    tables = dashboard_tables(summary, points, regions, projects, lowest, forecast, targets, residence, places)
    tables["capacity"] = _capacity_table(capacity_regions)
    if "export" in request.GET:
        return export_table(request, tables, "dashboard", form.errors)
    target = forecast["target"]
    return render(
        request,
        "reporting/national.html",
        {
            "summary": summary,
            "waiting": selectors.tasks_waiting_by_kind() if summary["tasks_waiting"] else None,
            "scoped": scope is not None,
            "scope_label": _scope_label(request, scope),
            "form": form,
            "since": since,
            "change": change,
            "window": window,
            "window_label": trends.WINDOWS[window],
            "tiles": _tiles(points, summary, change),
            "headline_inactive": profile is None,
            "points": points,
            "target": target,
            "reconstructed_until": max((p["date"] for p in points if p["reconstructed"]), default=None),
            "share_chart": charts.share_against_target(points, target),
            "regions": regions,
            "projects": projects,
            "projects_chart": charts.projects_stacked(projects),
            "budget_chart": charts.budget_bars(projects),
            "lowest": lowest,
            "profile": profile,
            "lowest_chart": lowest_chart(lowest),
            "overdue": selectors.overdue_findings(scope),
            "forecast": forecast,
            "targets": targets,
            "forecast_rows": ([forecast["nation"]] if forecast["nation"] else [])
            + sorted(
                forecast["regions"],
                key=lambda f: (f.current is None, f.current if f.current is not None else 0, f.code),
            ),
            "forecast_ranked": True,
            "residence": residence,
            "places": places,
            "far_km": FAR_KM,
            "capacity": for_page(summary),
            "capacity_regions": capacity_regions,
            "converted_out": trends.converted_out_of_use(scope=scope),
            "today": timezone.localdate(),
            "query": request.GET.urlencode(),
        },
    )


def _visible_region(request, code: str) -> Region:
    """The region of ``code`` (ISO 3166-2:KZ, any case) if the user may see it; else 404."""
    region = find_region(code)
    if region is None:
        raise Http404
    scope = scoping.region_scope(request.user)
    if scope is not None and region.pk not in scope:
        raise Http404
    return region


def _region_residence_table(region: Region, host: dict | None, sender: dict | None, demo: bool) -> tuple:
    """A region's place of residence as an exported table (``?table=residence``): one row for the persons held
    in the region, one for the region's residents held anywhere; persons, those of (or in) the home region,
    their share (%), persons more than 500 km from home and the mean km from home."""
    n = "number"
    rows = []
    if host:
        rows.append(
            [
                _("Persons held in the region"),
                host["held"],
                host["from_home"],
                host["share_from_home"],
                *distance_values(host),
                demo,
            ]
        )
    if sender:
        at_home = sender["residents"] - sender["held_elsewhere"]
        rows.append(
            [
                _("Residents of the region, wherever held"),
                sender["residents"],
                at_home,
                selectors.share(at_home, sender["residents"]),
                *distance_values(sender),
                demo,
            ]
        )
    return (
        _("residence"),
        [
            Column(_("Persons")),
            Column(_("Persons counted"), n),
            Column(_("In their home region"), n),
            Column(_("Share in their home region (%)"), n),
            *distance_columns(),
            Column(_("Generated demo data"), "bool"),
        ],
        rows,
    )


def region_detail(request, code):
    """A region: its figures, trend against the target, forecast, targets, places needed and new
    institutions, facilities, conversion projects, place of residence with distance from home, and overdue
    findings. ``?export=csv|xlsx&table=NAME``."""
    region = _visible_region(request, code)
    form, since, window = dashboard_choices(request)
    summary = selectors.summary(region=region)
    points = trends.series_for(region=region)
    change = trends.change_since(points, since)
    targets_all = trends.share_targets()
    target = trends.share_target(region, timezone.localdate(), targets_all)
    forecast = trends.forecast_one(points, target, window, region.code, region.name)
    profile = headline_profile()
    facilities = list(
        with_capacity(
            selectors.facilities_with_figures(Facility.objects.filter(region=region).order_by("code", "pk"), profile)
        )
    )
    for f in facilities:
        attach_capacity(f)
        f.share_compliant = selectors.share(getattr(f, "persons_compliant", None) or 0, f.persons)
    projects = list(
        ConversionProject.objects.filter(block__facility__region=region)
        .select_related("block__facility")
        .order_by("block__facility__code", "block__name")
    )
    residence = selectors.residence({region.pk})
    host = next((h for h in residence["hosts"] if h["code"] == region.code), None)
    sender = next((s for s in residence["senders"] if s["code"] == region.code), None)
    places = selectors.places_needed({region.pk})
    demo = summary["demo_data"]
    n = "number"
    tables = {
        "facilities": (
            _("facilities"),
            [
                Column(_("Code")),
                Column(_("Name")),
                Column(_("Kind")),
                Column(_("Status")),
                Column(_("Places (design capacity of cells in use, latest run)"), n),
                Column(_("Persons held (latest run)"), n),
                Column(_("Persons held now (cells in use)"), n),
                Column(_("Reported population"), n),
                Column(_("Reported population date"), "date"),
                Column(_("Certified places"), n),
                Column(_("Operational places"), n),
                Column(_("Persons above certified capacity"), n),
                Column(_("Places out of use"), n),
                Column(_("Persons in single-occupancy cells"), n),
                Column(_("Persons in compliant accommodation"), n),
                Column(_("Share compliant (%)"), n),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [
                    f.code,
                    f.name,
                    f.get_kind_display(),
                    f.get_status_display(),
                    f.places,
                    f.persons,
                    f.persons_held,
                    f.population,
                    f.population_date,
                    f.places_certified,
                    f.places_operational,
                    f.persons_over_certified,
                    f.places_out_of_use,
                    f.persons_in_single_cells,
                    getattr(f, "persons_compliant", None),
                    f.share_compliant,
                    f.is_demo,
                ]
                for f in facilities
            ],
        ),
        "projects": (
            _("projects"),
            [
                Column(_("Facility")),
                Column(_("Block")),
                Column(_("Status")),
                Column(_("Roadmap phase")),
                Column(_("Percent complete (%)"), n),
                Column(_("Planned budget (KZT)"), n),
                Column(_("Spent to date (KZT)"), n),
                Column(_("Planned end"), "date"),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [
                    p.block.facility.code,
                    localised(p.block, "name"),
                    p.get_status_display(),
                    phase_label(p.roadmap_phase),
                    p.percent_complete,
                    p.budget_planned_kzt,
                    p.budget_spent_kzt,
                    p.planned_end,
                    p.is_demo,
                ]
                for p in projects
            ],
        ),
        "trend": trend_table(points),
        "residence": _region_residence_table(region, host, sender, residence["demo"]),
        "places_needed": places_needed_table(places),
    }
    if "export" in request.GET:
        return export_table(request, tables, f"region-{region.code}", form.errors)
    return render(
        request,
        "reporting/region.html",
        {
            "region": region,
            "summary": summary,
            "form": form,
            "since": since,
            "change": change,
            "tiles": _tiles(points, summary, change),
            "headline_inactive": profile is None,
            "points": points,
            "target": target,
            "share_chart": charts.share_against_target(points, target),
            "forecast_rows": [forecast],
            "window_label": trends.WINDOWS[window],
            "targets": trends.target_progress(summary["share_in_single_cells"], region=region),
            "facilities": facilities,
            "profile": profile,
            "projects": projects,
            "residence": residence,
            "capacity": for_page(summary),
            "converted_out": trends.converted_out_of_use(region=region),
            "host": host,
            "sender": sender,
            "places": places,
            "far_km": FAR_KM,
            "far_km_source": FAR_KM_SOURCE,
            "overdue": selectors.overdue_findings({region.pk}),
            "demo": demo,
            "today": timezone.localdate(),
        },
    )


def residence(request):
    """Place of residence: the share of persons held in their home region, persons held more than 500 km from
    home and the mean km from home, nationally (or over the user's regions) and per region, and the regions
    that send the most people elsewhere.
    ``?export=csv|xlsx&table=hosts|senders``."""
    scope = scoping.region_scope(request.user)
    figures = selectors.residence(scope)
    n = "number"
    tables = {
        "hosts": (
            _("held-by-region"),
            [
                Column(_("Region code")),
                Column(_("Region")),
                Column(_("Persons held"), n),
                Column(_("From the same region"), n),
                Column(_("Share from the same region (%)"), n),
                *distance_columns(),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [
                    h["code"],
                    h["region"].name,
                    h["held"],
                    h["from_home"],
                    h["share_from_home"],
                    *distance_values(h),
                    figures["demo"],
                ]
                for h in figures["hosts"]
            ],
        ),
        "senders": senders_table(figures, _("residents-by-home-region")),
    }
    if "export" in request.GET:
        return export_table(request, tables, "residence")
    senders = [s for s in figures["senders"] if s["held_elsewhere"]][:10]
    return render(
        request,
        "reporting/residence.html",
        {
            "figures": figures,
            "scoped": scope is not None,
            "far_km": FAR_KM,
            "far_km_source": FAR_KM_SOURCE,
            "hosts_chart": charts.horizontal(
                [h["region"].name for h in figures["hosts"]],
                [h["share_from_home"] for h in figures["hosts"]],
                _("Persons held who are from the same region (%)"),
            ),
            "senders_chart": charts.horizontal(
                [s["region"].name for s in senders],
                [s["held_elsewhere"] for s in senders],
                _("Residents held in another region (persons)"),
                unit="",
                colour=charts.SPENT,
            ),
        },
    )
