"""The palette of chart specifications (static/js/charts.js; colours follow static/css/portal.css) and the
number conversion they share: reporting.charts (dashboards) and facilities.charts (the progress log)."""

from typing import SupportsFloat

COLOURS = {
    "planned": "#9aa5b1",
    "design": "#6c8ebf",
    "procurement": "#b48ead",
    "construction": "#d08770",
    "commissioning": "#ebcb8b",
    "completed": "#1d7a3a",
    "suspended": "#b3261e",
    "cancelled": "#5b6570",
}


ACCENT, TARGET, MUTED, SPENT = "#0b5394", "#b3261e", "#9aa5b1", "#d08770"


def as_number(value: SupportsFloat | str | None) -> float | None:
    """``value`` as a float for a chart (None stays None)."""
    return float(value) if value is not None else None
