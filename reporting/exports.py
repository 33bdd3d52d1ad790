"""The dashboards' tables for export (``?export=csv|xlsx&table=NAME``): each chart's text equivalent;
and the columns of the facility list's export."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.export import Column, Field, choice_field, export_response, field
from facilities.models import Facility
from facilities.phases import phase_label

from .distance import FAR_KM
from .figures import share


def trend_table(points: list[dict]) -> tuple:
    """The trend of a series (national or a region's; reporting.trends.point) as (file name, columns,
    rows) for export: persons, places, persons in single-occupancy cells and compliant with KZ-ROADMAP,
    with their shares (%), one row per snapshot date."""
    n = "number"
    return (
        _("trend"),
        [
            Column(_("Date"), "date"),
            Column(_("Persons held"), n),
            Column(_("Places"), n),
            Column(_("Persons in single-occupancy cells"), n),
            Column(_("Share in single cells (%)"), n),
            Column(_("Persons compliant with KZ-ROADMAP"), n),
            Column(_("Share compliant (%)"), n),
            Column(_("Reconstructed demo history"), "bool"),
        ],
        [
            [
                p["date"],
                p["persons"],
                p["places"],
                p["persons_in_single_cells"],
                p["share_in_single_cells"],
                p["persons_compliant"],
                p["share_compliant"],
                p["reconstructed"],
            ]
            for p in points
        ],
    )


def senders_table(residence: dict, name: str) -> tuple:
    """The regions that send people elsewhere (reporting.selectors.residence's ``senders``) as (file name,
    columns, rows) for export: residents held (persons), held in another region (persons), their share (%),
    residents held more than 500 km from home (persons) and their mean distance from home (km)."""
    n = "number"
    return (
        name,
        [
            Column(_("Home region code")),
            Column(_("Home region")),
            Column(_("Residents held"), n),
            Column(_("Held in another region"), n),
            Column(_("Share held elsewhere (%)"), n),
            *distance_columns(),
            Column(_("Generated demo data"), "bool"),
        ],
        [
            [
                s["code"],
                s["region"].name,
                s["residents"],
                s["held_elsewhere"],
                s["share_elsewhere"],
                *distance_values(s),
                residence["demo"],
            ]
            for s in residence["senders"]
        ],
    )


def distance_columns() -> list[Column]:
    """The distance columns of a residence table (reporting.selectors.residence): persons held more than
    FAR_KM km from home, mean km from home, and the persons whose distance is known."""
    n = "number"
    return [
        Column(_("Persons more than %(km)s km from home") % {"km": FAR_KM}, n),
        Column(_("Mean distance from home (km)"), n),
        Column(_("Persons with a known distance"), n),
    ]


def distance_values(row: dict) -> list:
    return [row["persons_over_500_km"], row["mean_km_from_home"], row["persons_with_distance"]]


def places_needed_table(places: dict) -> tuple:
    """Places needed and new institutions by region (reporting.selectors.places_needed) as (file name,
    columns, rows) for export: places needed (persons) and of which per security level (persons, one column
    per level), the largest class and its persons, new institutions in operation (built in 2021 or later),
    planned facilities (codes) and their design capacity (persons), the region's new_institutions target
    (institutions) and its date."""
    n = "number"
    return (
        _("places-needed-by-region"),
        [
            Column(_("Region code")),
            Column(_("Region")),
            Column(_("Places needed (persons)"), n),
            *[Column(_("Of which: %(level)s (persons)") % {"level": label}, n) for _v, label in places["levels"]],
            Column(_("Largest class")),
            Column(_("Largest class (persons)"), n),
            Column(_("New institutions in operation (built in %(year)s or later)") % {"year": places["since"]}, n),
            Column(_("Planned facilities")),
            Column(_("Planned facilities: design capacity (persons)"), n),
            Column(_("Target: new institutions"), n),
            Column(_("Target date"), "date"),
            Column(_("Generated demo data"), "bool"),
        ],
        [
            [
                r["code"],
                r["region"].name,
                r["places_needed"],
                *[r["by_level"].get(v, 0) for v, _l in places["levels"]],
                r["top_class_label"],
                r["top_class_persons"],
                r["new_institutions"],
                ", ".join(p["code"] for p in r["planned"]),
                r["planned_capacity"],
                r["target"]["value"] if r["target"] else None,
                r["target"]["target_date"] if r["target"] else None,
                places["demo"],
            ]
            for r in places["rows"]
        ],
    )


def dashboard_tables(
    summary, points, regions, projects, lowest, forecast, targets, residence, places_needed=None
) -> dict:
    """Each table of the dashboard as (file name, columns, rows) for export; ``places_needed``
    (reporting.selectors.places_needed) adds the table of places needed and new institutions."""
    demo = summary["demo_data"]
    n = "number"
    statuses = projects["statuses"]
    rows_forecast = ([forecast["nation"]] if forecast["nation"] else []) + forecast["regions"]
    return {
        "compliance": (
            _("compliance-by-standard"),
            [
                Column(_("Profile")),
                Column(_("Title")),
                Column(_("Verified"), "bool"),
                Column(_("Persons in compliant accommodation"), n),
                Column(_("Share (%)"), n),
                Column(_("Compliant cells"), n),
                Column(_("Non-compliant cells"), n),
                Column(_("Cells with unknown status"), n),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [
                    c["profile"],
                    c["title"],
                    c["verified"],
                    c["persons_compliant"],
                    c["share_compliant"],
                    c["cells_compliant"],
                    c["cells_non_compliant"],
                    c["cells_unknown"],
                    demo,
                ]
                for c in summary["compliance"]
            ],
        ),
        "trend": trend_table(points),
        "regions": (
            _("single-cells-by-region"),
            [
                Column(_("Region code")),
                Column(_("Region")),
                Column(_("Persons held"), n),
                Column(_("Persons in single-occupancy cells"), n),
                Column(_("Share (%)"), n),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [r["code"], r["region"].name, r["persons"], r["persons_in_single_cells"], r["share"], r["is_demo"]]
                for r in regions
            ],
        ),
        "projects": (
            _("projects-by-region"),
            [
                Column(_("Region code")),
                Column(_("Region")),
                *[Column(label, n) for _v, label in statuses],
                Column(_("Projects"), n),
                Column(_("Planned budget (KZT)"), n),
                Column(_("Spent to date (KZT)"), n),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [
                    r["code"],
                    r["region"].name,
                    *[r["counts"].get(v, 0) for v, _l in statuses],
                    r["total"],
                    r["budget_planned_kzt"],
                    r["budget_spent_kzt"],
                    r["is_demo"],
                ]
                for r in projects["regions"]
            ],
        ),
        "lowest": (
            _("lowest-compliance"),
            [
                Column(_("Code")),
                Column(_("Name")),
                Column(_("Region code")),
                Column(_("Persons held"), n),
                Column(_("Persons in compliant accommodation"), n),
                Column(_("Share (%)"), n),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [f.code, f.name, f.region.code, f.persons, f.persons_compliant, f.share_compliant, f.is_demo]
                for f in lowest
            ],
        ),
        "forecast": (
            _("forecast"),
            [
                Column(_("Code")),
                Column(_("Name")),
                Column(_("Share now (%)"), n),
                Column(_("Date of the latest snapshot"), "date"),
                Column(_("Share at the window's start (%)"), n),
                Column(_("Window start"), "date"),
                Column(_("Rate (percentage points per year)"), n),
                Column(_("Target (%)"), n),
                Column(_("Target date"), "date"),
                Column(_("Projected date"), "date"),
                Column(_("State")),
                Column(_("Generated demo data"), "bool"),
            ],
            [
                [
                    f.code,
                    f.name,
                    f.current,
                    f.current_date,
                    f.start,
                    f.start_date,
                    f.rate_per_year,
                    f.target,
                    f.deadline,
                    f.projected,
                    str(FORECAST_STATES[f.state]),
                    demo,
                ]
                for f in rows_forecast
            ],
        ),
        "targets": (
            _("roadmap-targets"),
            [
                Column(_("Phase")),
                Column(_("Target")),
                Column(_("Target date"), "date"),
                Column(_("Target value"), n),
                Column(_("Now"), n),
                Column(_("Reached (percent of the target)"), n),
                Column(_("State")),
                Column(_("Source")),
                Column(_("Note")),
                Column(_("Verified"), "bool"),
                Column(_("Demo assumption"), "bool"),
            ],
            [
                [
                    phase_label(r["phase"]),
                    str(r["label"]),
                    r["target_date"],
                    r["target_value"],
                    r["value"],
                    r["percent_of_target"],
                    str(TARGET_STATES[r["state"]]),
                    r["source"],
                    r["note"],
                    r["verified"],
                    r["is_demo"],
                ]
                for r in targets
            ],
        ),
        "residence": senders_table(residence, _("residence-senders")),
        **({"places_needed": places_needed_table(places_needed)} if places_needed is not None else {}),
    }


FORECAST_STATES = {
    "reached": gettext_lazy("target reached"),
    "on_track": gettext_lazy("on track"),
    "at_risk": gettext_lazy("at risk: later than the target date"),
    "no_progress": gettext_lazy("at risk: no progress in the window"),
    "no_history": gettext_lazy("not enough history"),
    "no_target": gettext_lazy("no target set"),
}


TARGET_STATES = {"reached": gettext_lazy("reached"), "open": gettext_lazy("open"), "missed": gettext_lazy("missed")}


def export_table(request, tables: dict, prefix: str | None, errors=None):
    """The table ``?table=NAME`` of ``tables`` ({name: (file name, columns, rows)}) as ``?export=csv|xlsx``,
    its file named ``prefix-file name`` (the file name alone when ``prefix`` is None); an unknown table: 400."""
    name = request.GET.get("table", "")
    if name not in tables:
        return HttpResponseBadRequest(
            _("Unknown table %(table)r: choose one of %(tables)s.") % {"table": name[:40], "tables": ", ".join(tables)},
            content_type="text/plain; charset=utf-8",
        )
    filename, columns, rows = tables[name]
    return export_response(request, f"{prefix}-{filename}" if prefix else filename, columns, rows, errors=errors)


def facility_fields(profile) -> list[Field]:
    """The exported columns of the facility list (reporting.filters.FacilityComplianceFilter's rows, annotated
    by facilities_with_figures): figures in persons, compliance under ``profile`` (None: no column values)."""
    n = "number"
    code = profile.code if profile else "—"
    return [
        field(_("Code"), lambda f: f.code),
        field(_("Name"), lambda f: f.name),
        field(_("Region code"), lambda f: f.region.code),
        field(_("Region"), lambda f: f.region.name),
        choice_field(_("Kind"), lambda f: f.kind, Facility._meta.get_field("kind").choices),
        choice_field(
            _("Security level"), lambda f: f.security_level, Facility._meta.get_field("security_level").choices
        ),
        choice_field(_("Status"), lambda f: f.status, Facility._meta.get_field("status").choices),
        field(_("Year built"), lambda f: f.year_built, n),
        field(_("Places"), lambda f: f.places, n),
        field(_("Persons held"), lambda f: f.persons, n),
        field(_("Persons in single-occupancy cells"), lambda f: f.persons_in_single_cells, n),
        field(
            _("Persons in compliant accommodation (%(profile)s)") % {"profile": code},
            lambda f: getattr(f, "persons_compliant", None),
            n,
        ),
        field(
            _("Share compliant (%)"),
            lambda f: share(f.persons_compliant, f.persons) if hasattr(f, "persons_compliant") else None,
            n,
        ),
        field(_("Generated demo data"), lambda f: f.is_demo, "bool"),
    ]


def placement_tables(view: dict | None, regions: dict) -> dict:
    """The placement planner's tables (reporting.placement_views.plan_view of a plan; None: no plan, every
    table empty) as (file name, columns, rows) for export: the before and after figures, per home region,
    the moves between regions and one by one, the places needed and the curve. ``regions``: {code: Region}
    for the names. Persons, km and % as the page shows them, unrounded."""
    n = "number"
    demo_column = Column(_("Generated demo data"), "bool")
    demo = bool(view and view["is_demo"])

    def name(code):
        region = regions.get(code)
        return region.name if region else ""

    def rows(key):
        return view[key] if view else []

    od = view["od"]["pairs"] if view else []
    return {
        "figures": (
            _("placement-figures"),
            [Column(_("Figure")), Column(_("Before the plan"), n), Column(_("After the plan"), n), demo_column],
            [[str(f["label"]), f["before"], f["after"], demo] for f in rows("figures")],
        ),
        "regions": (
            _("placement-by-home-region"),
            [
                Column(_("Home region code")),
                Column(_("Home region")),
                Column(_("Persons of known home region"), n),
                Column(_("In their home region before"), n),
                Column(_("Share in their home region before (%)"), n),
                Column(_("In their home region after"), n),
                Column(_("Share in their home region after (%)"), n),
                Column(_("More than %(km)s km from home before") % {"km": FAR_KM}, n),
                Column(_("More than %(km)s km from home after") % {"km": FAR_KM}, n),
                Column(_("Mean km from home before"), n),
                Column(_("Mean km from home after"), n),
                Column(_("Persons moved"), n),
                Column(_("Brought to their home region"), n),
                demo_column,
            ],
            [
                [
                    r["code"],
                    name(r["code"]),
                    r["before"]["persons_known_home"],
                    r["before"]["persons_in_home_region"],
                    r["before"]["share_in_home_region"],
                    r["after"]["persons_in_home_region"],
                    r["after"]["share_in_home_region"],
                    r["before"]["persons_over_500_km"],
                    r["after"]["persons_over_500_km"],
                    r["before"]["mean_km_from_home"],
                    r["after"]["mean_km_from_home"],
                    r["persons_moved"],
                    r["brought_home"],
                    demo,
                ]
                for r in rows("regions")
            ],
        ),
        "od": (
            _("placement-moves-between-regions"),
            [
                Column(_("Origin region code")),
                Column(_("Origin region")),
                Column(_("Destination region code")),
                Column(_("Destination region")),
                Column(_("Persons moved"), n),
                Column(_("Brought to their home region"), n),
                demo_column,
            ],
            [
                [
                    p["origin"],
                    name(p["origin"]),
                    p["destination"],
                    name(p["destination"]),
                    p["persons"],
                    p["brought_home"],
                    demo,
                ]
                for p in od
            ],
        ),
        "moves": (
            _("placement-moves"),
            [
                Column(_("From facility")),
                Column(_("From region code")),
                Column(_("To facility")),
                Column(_("To region code")),
                Column(_("Home region code")),
                Column(_("Persons"), n),
                demo_column,
            ],
            [
                [m["from_code"], m["from_region"], m["to_code"], m["to_region"], m["home_region"], m["persons"], demo]
                for m in rows("moves")
            ],
        ),
        "shortfall": (
            _("placement-places-needed"),
            [
                Column(_("Home region code")),
                Column(_("Home region")),
                Column(_("Class code")),
                Column(_("Class (kind, security level, category)")),
                Column(_("Places needed (persons)"), n),
                demo_column,
            ],
            [
                [g["code"], name(g["code"]), r["class"], r["label"], r["persons"], demo]
                for g in (view["shortfall"]["groups"] if view else [])
                for r in g["rows"]
            ],
        ),
        "curve": (
            _("placement-curve"),
            [
                Column(_("At most persons moved"), n),
                Column(_("Persons held in their home region"), n),
                Column(_("Share held in their home region (%)"), n),
                demo_column,
            ],
            [[p["max_moves"], p["persons_in_home_region"], p["share_in_home_region"], demo] for p in rows("curve")],
        ),
    }
