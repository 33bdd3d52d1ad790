"""The palette of chart specifications (static/js/charts.js; colours follow static/css/portal.css) and the
number conversion they share: reporting.charts (dashboards) and facilities.charts (the progress log)."""

from typing import SupportsFloat

from django.utils import formats
from django.utils.dates import MONTHS, MONTHS_AP

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


def chart_locale() -> dict:
    """What static/js/charts.js needs to write dates and numbers as the page's tables do, in the active
    language: the month names of Django's translations (browsers have no Kazakh month names and wrote
    "2022 M01"), ``months`` in full and ``months_short`` (Django's abbreviations: "Қаң.", "Янв.",
    "Jan."), and the number separators of the language's formats (core.numbers: a no-break space between
    thousands and a decimal comma in kk and ru; a comma and a point in en)."""
    return {
        "months": [str(MONTHS[m]) for m in range(1, 13)],
        "months_short": [str(MONTHS_AP[m]) for m in range(1, 13)],
        "decimal": str(formats.get_format("DECIMAL_SEPARATOR")),
        "thousands": str(formats.get_format("THOUSAND_SEPARATOR")),
        "grouping": int(formats.get_format("NUMBER_GROUPING")),
    }
