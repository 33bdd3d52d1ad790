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


def before_after(labels: list[str], before: list, after: list, value_title: str) -> dict:
    """Two horizontal bars per label: the share in the home region before and after the plan (%, 0-100)."""
    return {
        "kind": "hbar",
        "unit": "%",
        "labels": labels,
        "y_max": 100,
        "value_title": value_title,
        "datasets": [
            {"label": _("Before the plan"), "color": MUTED, "data": [_num(v) for v in before]},
            {"label": _("After the plan"), "color": ACCENT, "data": [_num(v) for v in after]},
        ],
    }


def placement_moves(rows: list[dict]) -> dict:
    """The plan's moves per home region (persons), stacked: brought to their home region, and moved
    elsewhere to make room for others. ``rows``: ``{"label", "brought_home", "persons_moved"}``."""
    return {
        "kind": "hbar",
        "stacked": True,
        "unit": "",
        "integer": True,
        "value_title": _("Persons moved"),
        "labels": [r["label"] for r in rows],
        "datasets": [
            {
                "label": _("Brought to their home region"),
                "color": COLOURS["completed"],
                "stack": "moves",
                "data": [r["brought_home"] for r in rows],
            },
            {
                "label": _("Moved elsewhere to make room"),
                "color": SPENT,
                "stack": "moves",
                "data": [r["persons_moved"] - r["brought_home"] for r in rows],
            },
        ],
    }


def share_curve(points: list[dict], labels: list[str]) -> dict:
    """The best share in the home region (%) against the most persons moved, one point per point of
    reporting.placement.share_curve, on a linear axis of persons moved (``x_numbers``; ``labels``: the
    limits as the page writes them, for the table)."""
    return {
        "kind": "line",
        "x_numbers": [p["max_moves"] for p in points],
        "unit": "%",
        "y_max": 100,
        "value_title": _("Share (%)"),
        "category_title": _("At most persons moved"),
        "labels": labels,
        "datasets": [
            {
                "label": _("Share held in their home region"),
                "color": ACCENT,
                "data": [_num(p["share_in_home_region"]) for p in points],
            }
        ],
    }
