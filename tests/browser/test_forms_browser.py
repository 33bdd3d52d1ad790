"""Browser tests of the forms (issue 18, item 5): the facility list's multiple choice filters are searchable
(static/js/forms.js with the vendored Tom Select) and every option is reachable, under the content security
policy (the ``page`` fixture fails the test on any blocked script or style and on any page error).

Chromium driven by Playwright against a live server with the demo dataset, like test_dashboard_browser.py;
skipped (with the reason) when Playwright or /usr/bin/chromium is missing, failed when REQUIRE_BROWSER is set.
"""

import datetime
import re

from facilities.models import Facility
from inspections.models import Finding
from tests.browser.test_dashboard_browser import REQUIRED, chromium, demo, page, playwright_api, pytestmark

__all__ = ["REQUIRED", "chromium", "demo", "page", "playwright_api", "pytestmark"]
expect = playwright_api.expect


def test_the_last_kind_of_the_facility_filter_is_found_by_typing_and_filters_the_list(page):
    page.goto(f"{page.base}/facilities/")
    native = page.locator("select#id_kind")
    assert native.get_attribute("multiple") is not None
    labels = native.locator("option").all_inner_texts()
    assert labels[-1] == "medical institution" and len(labels) == len(Facility.Kind.choices) == 6
    wrapper = page.locator(".ts-wrapper:has(+ select#id_kind), select#id_kind + .ts-wrapper").first
    assert wrapper.get_attribute("data-enhanced") == "true"
    control = page.locator("#id_kind-ts-control")
    control.click()
    # opened, the dropdown lists every option (no cut-off, no Ctrl-click)
    options = page.locator("#id_kind-ts-dropdown .option")
    expect(options).to_have_count(6)
    control.fill("medic")
    expect(options).to_have_text(["medical institution"])
    options.first.click()
    assert native.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)") == ["medical"]
    control.fill("no such kind")
    expect(page.locator("#id_kind-ts-dropdown .no-results")).to_have_text("No option matches")
    control.fill("")
    page.keyboard.press("Escape")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/facilities/?*kind=medical*")
    rows = page.locator("main table tbody tr")
    expected = Facility.objects.filter(kind="medical").count()
    assert expected == 3 and rows.count() == expected
    # the choice stays selected (and searchable) on the filtered page
    assert page.locator(".ts-wrapper .item[data-value=medical]").inner_text().startswith("medical institution")


def test_the_inspection_form_finds_any_of_the_85_facilities(page):
    """The demo's 78 in operation, 3 closed and 4 planned."""
    page.goto(f"{page.base}/inspections/new/")
    native = page.locator("select#id_facility")
    assert native.get_attribute("data-searchable") == "true"
    last = Facility.objects.order_by("code").last()
    assert native.locator("option").count() == Facility.objects.count() + 1 == 86  # and the empty choice
    control = page.locator("#id_facility-ts-control")
    # a single choice shows its chosen value ("---------"); a click on the box opens the search, as a user does
    page.locator(
        "select#id_facility + .ts-wrapper .ts-control, .ts-wrapper:has(+ select#id_facility) .ts-control"
    ).first.click()
    expect(page.locator("#id_facility-ts-dropdown .option")).to_have_count(86)
    control.fill(last.code)
    expect(page.locator("#id_facility-ts-dropdown .option")).to_have_count(1)
    page.locator("#id_facility-ts-dropdown .option").first.click()
    assert native.input_value() == str(last.pk)


# --- dates: a day-first text input with the vendored flatpickr calendar (core.widgets.DateInput) -----------

DAY_FIRST = r"^\d\d\.\d\d\.\d{4}$"
CALENDAR = ".flatpickr-calendar.open"
THIS_MONTH_DAY = f"{CALENDAR} .flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)"


def _choose(page, day: int):
    page.locator(THIS_MONTH_DAY).filter(has_text=re.compile(rf"^{day}$")).click()


def test_a_date_filter_chosen_in_the_calendar_is_written_day_first_and_kept_by_the_filter(page):
    page.goto(f"{page.base}/findings/")
    date_from = page.locator("input#id_date_from")
    # a text input, never the browser's <input type="date"> (Chromium writes mm/dd/yyyy there in en-US)
    assert date_from.get_attribute("type") == "text"
    assert date_from.get_attribute("placeholder") == "DD.MM.YYYY"
    assert date_from.get_attribute("data-enhanced") == "true"
    date_from.fill("01.03.2025")  # typed day first, then the calendar opens on that month
    date_from.click()
    calendar = page.locator(CALENDAR)
    expect(calendar).to_be_visible()
    # English texts, Monday first (as in Kazakhstan), on the month typed
    assert calendar.locator(".flatpickr-weekday").first.inner_text().strip() == "Mon"
    assert calendar.locator(".flatpickr-monthDropdown-months option:checked").inner_text().strip() == "March"
    assert calendar.locator(".cur-year").input_value() == "2025"
    _choose(page, 15)
    expect(date_from).to_have_value(re.compile(DAY_FIRST))
    assert date_from.input_value() == "15.03.2025"
    expect(calendar).to_have_count(0)  # closed once a day is chosen
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/findings/?*date_from=15.03.2025*")
    assert page.locator("input#id_date_from").input_value() == "15.03.2025"  # the filter keeps it
    expected = Finding.objects.filter(inspection__date_start__gte=datetime.date(2025, 3, 15)).count()
    assert 0 < expected < Finding.objects.count()
    # one row per finding, on a page of at most 50
    assert page.locator("main table tbody tr").count() == min(expected, 50)


def test_a_date_typed_in_another_form_is_rewritten_day_first_and_one_typed_wrong_is_left_for_the_server(page):
    page.goto(f"{page.base}/inspections/new/")
    start = page.locator("input#id_date_start")
    assert (start.get_attribute("type"), start.get_attribute("placeholder")) == ("text", "DD.MM.YYYY")
    start.fill("2025-06-02")  # ISO, as an old link or a copy from the API writes it
    page.keyboard.press("Tab")
    expect(start).to_have_value("02.06.2025")
    start.fill("31.02.2025")  # no such day: flatpickr would clear it; it stays for the server to refuse
    page.keyboard.press("Tab")
    expect(start).to_have_value("31.02.2025")
    start.fill("")
    start.click()
    _choose(page, 9)
    month, year = page.evaluate("(() => { const d = new Date(); return [d.getMonth() + 1, d.getFullYear()]; })()")
    assert start.input_value() == f"09.{month:02d}.{year}"  # the calendar opens on the browser's month


def test_the_calendar_speaks_the_pages_language(page):
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": page.base}])
    page.goto(f"{page.base}/findings/")
    page.wait_for_selector("html[lang='ru']", state="attached")
    page.locator("input#id_date_to").fill("01.03.2025")
    page.locator("input#id_date_to").click()
    calendar = page.locator(CALENDAR)
    assert calendar.locator(".flatpickr-weekday").first.inner_text().strip() == "Пн"
    assert calendar.locator(".flatpickr-monthDropdown-months option:checked").inner_text().strip() == "Март"
    _choose(page, 4)
    assert page.locator("input#id_date_to").input_value() == "04.03.2025"
    page.context.add_cookies([{"name": "django_language", "value": "kk", "url": page.base}])
    page.goto(f"{page.base}/findings/")
    page.wait_for_selector("html[lang='kk']", state="attached")
    page.locator("input#id_date_to").fill("01.03.2025")
    page.locator("input#id_date_to").click()
    assert calendar.locator(".flatpickr-weekday").first.inner_text().strip() == "Дс"  # дүйсенбі, Monday
    assert calendar.locator(".flatpickr-monthDropdown-months option:checked").inner_text().strip() == "Наурыз"


def test_in_a_us_english_browser_the_date_is_still_day_first(chromium, live_server, demo):
    # Chromium writes an <input type="date"> as mm/dd/yyyy in en-US: the portal's input is text, day first
    context = chromium.new_context(locale="en-US")
    errors = []
    us = context.new_page()
    us.on("pageerror", lambda error: errors.append(str(error)))
    us.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    us.goto(f"{live_server.url}/login/")
    us.fill("#id_username", "prosecutor")
    us.fill("#id_password", "prosecutor-demo-2026")
    us.click("main button[type=submit]")
    us.wait_for_url(f"{live_server.url}/")
    us.goto(f"{live_server.url}/inspections/new/")
    start = us.locator("input#id_date_start")
    assert (start.get_attribute("type"), start.get_attribute("placeholder")) == ("text", "DD.MM.YYYY")
    start.fill("03.12.2025")
    start.click()
    _choose(us, 24)
    assert start.input_value() == "24.12.2025"
    context.close()
    assert not errors, errors
