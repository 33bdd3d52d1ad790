"""Chart specification of a conversion project's progress log (static/js/charts.js), for the block page."""

from django.utils.translation import gettext as _

from core.charts import ACCENT


def progress_line(updates) -> dict:
    """Percent complete of a conversion project at each progress update (oldest first)."""
    updates = list(updates)
    return {
        "kind": "line",
        "x_dates": True,
        "unit": "%",
        "y_max": 100,
        "labels": [u.date.isoformat() for u in updates],
        "datasets": [
            {
                "label": _("Percent complete"),
                "color": ACCENT,
                "stepped": "before",
                "data": [float(u.percent_complete) for u in updates],
            }
        ],
    }
