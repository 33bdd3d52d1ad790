"""Browser tests of dates and numbers (issue 18, item 4): Debian's Chromium driven by Playwright against a live
server with the demo dataset. The time axis of a dashboard chart shows the portal's own month names in
Kazakh and Russian (browsers have no Kazakh month names and wrote "2022 M01"), read from the Chart.js
instance; its value axis writes percentages as the tables do ("42,5 %" with a no-break space); an English
page shows a day-first date. Skipped (with the reason) when Playwright or /usr/bin/chromium is missing,
as tests/browser/test_dashboard_browser.py, whose fixtures these are."""

import re

import pytest
from django.db.models import Max, Min
from django.utils import translation
from django.utils.dates import MONTHS_AP

from tests.browser import test_dashboard_browser as dashboard

# The fixtures and marks of the dashboard's browser tests: Chromium, the demo dataset, a logged-in page.
chromium, demo, page = dashboard.chromium, dashboard.demo, dashboard.page
pytestmark = dashboard.pytestmark

X_TICKS = """chart_id => {
  const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${chart_id}"]`));
  return chart.scales.x.ticks.map(t => t.label);
}"""
Y_TICKS = """chart_id => {
  const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${chart_id}"]`));
  return chart.scales.y.ticks.map(t => t.label);
}"""


def switch(page, code):
    page.select_option("#lang", code)
    page.wait_for_load_state("load")
    page.wait_for_selector(f"html[lang='{code}']", state="attached")
    page.wait_for_selector("canvas[data-drawn]")


@pytest.mark.parametrize("code", ["kk", "ru"])
def test_a_dashboard_time_axis_shows_the_languages_month_names(page, code):
    switch(page, code)
    with translation.override(code):
        months = [str(MONTHS_AP[m]) for m in range(1, 13)]
    ticks = page.evaluate(X_TICKS, "share-chart")
    assert len(ticks) >= 2, ticks
    for label in ticks:
        assert not re.search(r"M\d\d", label), label  # the browser's fallback ("2022 M01") is gone
        month, year = label.rsplit(" ", 1)
        assert month in months and re.fullmatch(r"20\d\d", year), (label, months)
    english = {str(m) for m in ("Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")}
    assert not english & {label.rsplit(" ", 1)[0] for label in ticks}
    # the value axis writes percentages as the percent filter does: "20 %" with a no-break space
    values = [v for v in page.evaluate(Y_TICKS, "share-chart") if v]
    assert values and all(re.fullmatch(r"\d+(,\d)?\u00a0%", v) for v in values), values


def test_an_english_dashboard_time_axis_reads_english_month_names(page):
    switch(page, "en")
    ticks = page.evaluate(X_TICKS, "share-chart")
    with translation.override("en"):
        months = [str(MONTHS_AP[m]) for m in range(1, 13)]
    assert ticks and all(label.rsplit(" ", 1)[0] in months for label in ticks), ticks


def test_an_english_facility_page_shows_a_day_first_count_date(page):
    from cells.models import Cell
    from facilities.models import Facility

    switch(page, "en")
    facility = Facility.objects.order_by("pk").first()
    counted = Cell.objects.filter(
        block__facility=facility, status="in_use", occupancy__isnull=False, occupancy_date__isnull=False
    ).aggregate(first=Min("occupancy_date"), last=Max("occupancy_date"))
    page.goto(f"{page.base}/facilities/{facility.pk}/")
    text = page.inner_text("[data-figure='persons-counted']")
    first, last = (f"{counted[k]:%d.%m.%Y}" for k in ("first", "last"))
    expected = f"(counted {first})" if first == last else f"(counted {first} to {last})"
    assert text == expected, (text, counted)
    assert not re.search(r"\d\d/\d\d/\d{4}", page.inner_text("main"))  # no month-first 11/01/2026 anywhere
