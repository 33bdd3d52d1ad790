"""Browser tests of the forms (issue 18, item 5): the facility list's multiple choice filters are searchable
(static/js/forms.js with the vendored Tom Select) and every option is reachable, under the content security
policy (the ``page`` fixture fails the test on any blocked script or style and on any page error).

Chromium driven by Playwright against a live server with the demo dataset, like test_dashboard_browser.py;
skipped (with the reason) when Playwright or /usr/bin/chromium is missing, failed when REQUIRE_BROWSER is set.
"""

from facilities.models import Facility
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


def test_the_inspection_form_finds_any_of_the_81_facilities(page):
    page.goto(f"{page.base}/inspections/new/")
    native = page.locator("select#id_facility")
    assert native.get_attribute("data-searchable") == "true"
    last = Facility.objects.order_by("code").last()
    assert native.locator("option").count() == Facility.objects.count() + 1 == 82  # and the empty choice
    control = page.locator("#id_facility-ts-control")
    # a single choice shows its chosen value ("---------"); a click on the box opens the search, as a user does
    page.locator("select#id_facility + .ts-wrapper .ts-control, .ts-wrapper:has(+ select#id_facility) .ts-control").first.click()
    expect(page.locator("#id_facility-ts-dropdown .option")).to_have_count(82)
    control.fill(last.code)
    expect(page.locator("#id_facility-ts-dropdown .option")).to_have_count(1)
    page.locator("#id_facility-ts-dropdown .option").first.click()
    assert native.input_value() == str(last.pk)
