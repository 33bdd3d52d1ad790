"""Chart specifications for static/js/charts.js: plain dicts rendered with ``json_script``.

Every chart on a page also has a table or a text equivalent; these specs carry only what is drawn.
Colours follow static/css/portal.css.
"""

from django.utils.translation import gettext as _

from core.charts import ACCENT, COLOURS, MUTED, SPENT, TARGET
from core.charts import as_number as _num
from facilities.phases import phase_label


def sparkline(points: list[dict], figure: str, label: str, unit: str = "") -> dict:
    """A small line of ``figure`` over the points' dates."""
    return {
        "kind": "sparkline",
        "x_dates": True,
        "unit": unit,
        "labels": [p["date"].isoformat() for p in points],
        "datasets": [{"label": label, "data": [_num(p[figure]) for p in points], "color": ACCENT}],
    }


def share_against_target(points: list[dict], target) -> dict:
    """The share of persons in single-occupancy cells over time (%) and the roadmap's required trajectory:
    a straight line from the first point to the target value at the target date."""
    datasets = [
        {
            "label": _("Share of persons in single-occupancy cells"),
            "color": ACCENT,
            "x": [p["date"].isoformat() for p in points],
            "data": [_num(p["share_in_single_cells"]) for p in points],
        }
    ]
    if target is not None and points:
        datasets.append(
            {
                "label": _("Roadmap target (%(phase)s)") % {"phase": phase_label(target.phase)},
                "color": TARGET,
                "dashed": True,
                "x": [points[0]["date"].isoformat(), target.target_date.isoformat()],
                "data": [_num(points[0]["share_in_single_cells"]), float(target.value)],
            }
        )
    return {"kind": "line", "x_dates": True, "unit": "%", "y_max": 100, "labels": [], "datasets": datasets}


def projects_stacked(projects: dict) -> dict:
    """Conversion projects per region, stacked by status."""
    regions = projects["regions"]
    return {
        "kind": "bar",
        "stacked": True,
        "unit": "",
        "integer": True,
        "value_title": _("Projects"),
        "category_title": _("Region"),
        "labels": [r["code"] for r in regions],
        "datasets": [
            {
                "label": label,
                "color": COLOURS.get(value, MUTED),
                "stack": "status",
                "data": [r["counts"].get(value, 0) for r in regions],
            }
            for value, label in projects["statuses"]
        ],
    }


def budget_bars(projects: dict) -> dict:
    """Planned budget against spend to date per region, in million KZT."""
    regions = projects["regions"]
    million = 1_000_000
    return {
        "kind": "bar",
        "unit": "",
        "value_title": _("million KZT"),
        "category_title": _("Region"),
        "labels": [r["code"] for r in regions],
        "datasets": [
            {
                "label": _("Planned (million KZT)"),
                "color": MUTED,
                "data": [round(float(r["budget_planned_kzt"]) / million, 1) for r in regions],
            },
            {
                "label": _("Spent to date (million KZT)"),
                "color": SPENT,
                "data": [round(float(r["budget_spent_kzt"]) / million, 1) for r in regions],
            },
        ],
    }


def horizontal(
    labels: list[str], values: list, label: str, unit: str = "%", colour: str = ACCENT, value_title: str = ""
) -> dict:
    """One horizontal bar per label; ``value_title`` names the value axis."""
    return {
        "kind": "hbar",
        "unit": unit,
        "labels": labels,
        "y_max": 100 if unit == "%" else None,
        "integer": unit != "%",
        "value_title": value_title or label,
        "datasets": [{"label": label, "color": colour, "data": [_num(v) for v in values]}],
    }


def facility_trend(points: list[dict]) -> dict:
    """Persons held, places and persons in single-occupancy cells of one facility over time."""
    labels = [p["date"].isoformat() for p in points]
    return {
        "kind": "line",
        "x_dates": True,
        "unit": "",
        "labels": labels,
        "datasets": [
            {"label": _("Persons held"), "color": ACCENT, "data": [p["persons"] for p in points]},
            {"label": _("Places"), "color": MUTED, "data": [p["places"] for p in points]},
            {
                "label": _("Persons in single-occupancy cells"),
                "color": COLOURS["completed"],
                "data": [p["persons_in_single_cells"] for p in points],
            },
        ],
    }
