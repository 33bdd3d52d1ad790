"""Browser test: the compliance table of cells is readable at 1366 × 768 (issue 18, item 3).

Debian's Chromium driven by Playwright against a live server. A facility whose cells are evaluated
against all 15 rules of the active profiles (CPT-2015, ICRC-2012, MANDELA-2015, KZ-ROADMAP: single- and
multiple-occupancy cells and dormitories, failing rules of each profile), opened in Kazakh and Russian
by a ministry editor of its region: the page has no horizontal scroll, and the edit link of the first
cell is inside the viewport, also when the table itself is scrolled to its last column. The block page
likewise. Skipped (with the reason) when Playwright or /usr/bin/chromium is missing; .ci/run installs both.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from cells.models import Cell, ComplianceStatus, OutcomeLayout
from cells.services import recalculate_compliance
from tests.browser.test_dashboard_browser import REQUIRED, chromium, playwright_api, pytestmark
from tests.conftest import make_user
from tests.factories import BlockFactory, CellFactory, FacilityFactory

__all__ = ["REQUIRED", "chromium", "playwright_api", "pytestmark"]  # of the dashboard test
WIDTH, HEIGHT = 1366, 768
ACTIVE = ["CPT-2015", "ICRC-2012", "MANDELA-2015", "KZ-ROADMAP"]


@pytest.fixture
def facility(transactional_db, settings, standards, regions):
    """A facility of KZ-35 whose cells meet every one of the 15 active rules, many of them failed, with
    long numbers and names in Kazakh and Russian."""
    settings.DEBUG = False
    facility = FacilityFactory(code="ДЕМО-35/99", region__code="KZ-35")
    block = BlockFactory(
        facility=facility,
        name="North dormitory block",
        name_kk="Солтүстік жатақхана корпусы",
        name_ru="Северный корпус общежитий",
    )
    for n in range(1, 7):  # single cells: too small, two persons, no annex, low ceiling, no light, unmeasured
        CellFactory(
            block=block,
            number=f"1-10{n}/А",
            living_space_m2=Decimal("5.25") if n % 2 else Decimal("6.60"),
            occupancy=2 if n == 2 else 1,
            has_sanitary_annex=n != 3,
            ceiling_height_m=Decimal("2.35") if n == 4 else Decimal("2.70"),
            has_natural_light=n != 5,
            min_wall_distance_m=None if n == 6 else Decimal("1.85"),
        )
    for n in range(1, 5):  # multiple-occupancy cells: crowded, unpartitioned annex, narrow
        CellFactory(
            block=block,
            number=f"2-20{n}/Б",
            accommodation_type="multiple_occupancy_cell",
            living_space_m2=Decimal("11.70"),
            design_capacity=4,
            occupancy=3 + n,
            sanitary_annex_partitioned=n % 2 == 0,
            min_wall_distance_m=Decimal("1.95"),
        )
    for n in range(1, 5):  # dormitories of 40 to 80 beds
        CellFactory(
            block=block,
            number=f"3-30{n}",
            accommodation_type="dormitory",
            living_space_m2=Decimal("123.45"),
            design_capacity=40 * n,
            occupancy=40 * n + 7,
            has_sanitary_annex=False,
            sanitary_annex_partitioned=False,
            has_natural_light=n != 2,
        )
    recalculate_compliance()
    # evaluated against all 15 rules of the active profiles, and every rule met by some cell
    layout = OutcomeLayout.objects.get()
    assert [entry["profile"] for entry in layout.profiles] and sum(len(e["rules"]) for e in layout.profiles) == 15
    types = set(Cell.objects.filter(block=block).values_list("accommodation_type", flat=True))
    assert types == {"single_occupancy_cell", "multiple_occupancy_cell", "dormitory"}
    make_user("editor_99", "Ministry editors", regions=["KZ-35"])
    return facility


@pytest.fixture
def page(chromium, live_server, facility):
    context = chromium.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "editor_99")
    page.fill("#id_password", "editor_99-pass-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.base = live_server.url
    yield page
    context.close()
    assert not errors, errors


def switch_language(page, code):
    page.select_option("#lang", code)
    page.wait_for_load_state("load")
    page.wait_for_selector(f"html[lang='{code}']", state="attached")


def assert_readable(page, first_cell: Cell):
    """No horizontal scroll of the page; the first cell's edit link inside the viewport, also with the
    table scrolled to its last column."""
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH
    headers = page.eval_on_selector_all("table.compliance-table th.profile", "ths => ths.map(t => t.dataset.profile)")
    assert headers == ACTIVE
    edit = page.locator(f'table.compliance-table a[data-action="edit"][href="/cells/{first_cell.pk}/edit/"]')
    assert edit.count() == 1
    for scrolled in (False, True):
        if scrolled:
            page.eval_on_selector(".compliance-scroll", "e => { e.scrollLeft = e.scrollWidth; }")
        edit.scroll_into_view_if_needed()
        box = edit.bounding_box()
        assert box is not None and edit.is_visible()
        assert 0 <= box["x"] and box["x"] + box["width"] <= WIDTH, box
        assert 0 <= box["y"] and box["y"] + box["height"] <= HEIGHT, box
    # the last profile column is inside the viewport too: nothing of the table is off screen
    last = page.locator("table.compliance-table th.profile").last.bounding_box()
    assert last["x"] + last["width"] <= WIDTH, last


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_facility_compliance_table_fits_1366(page, facility, language):
    first = Cell.objects.filter(block__facility=facility).order_by("block__name", "number", "pk").first()
    switch_language(page, language)
    page.goto(f"{page.base}/facilities/{facility.pk}/#cells")
    page.wait_for_selector(f"html[lang='{language}']", state="attached")
    assert_readable(page, first)
    with translation.override(language):
        labels = {str(ComplianceStatus.NON_COMPLIANT.label), str(ComplianceStatus.COMPLIANT.label)}
    shown = set(page.eval_on_selector_all("td.profile-status .status", "s => s.map(e => e.textContent.trim())"))
    assert labels <= shown and "non-compliant" not in shown  # the statuses in the reader's language
    statuses = page.eval_on_selector_all("td.profile-status", "tds => tds.map(t => t.dataset.status)")
    assert len(statuses) == 14 * 4 and "non_compliant" in statuses and "compliant" in statuses


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_block_compliance_table_fits_1366(page, facility, language):
    block = facility.blocks.get()
    first = block.cells.order_by("number", "pk").first()
    switch_language(page, language)
    page.goto(f"{page.base}/blocks/{block.pk}/")
    page.wait_for_selector(f"html[lang='{language}']", state="attached")
    assert_readable(page, first)
