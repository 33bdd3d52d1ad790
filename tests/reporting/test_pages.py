"""HTML pages: login required, the figures, filters and rule outcomes on the page, the demo banner."""

from decimal import Decimal

import pytest

from cells.models import Cell
from cells.services import recalculate_compliance
from tests.factories import BlockFactory, CellFactory, ConversionProjectFactory, FacilityFactory

DEMO_TEXT = "Demo data"


@pytest.fixture
def estate(standards, regions):
    facility = FacilityFactory(code="АҚ-7", name_en="Colony seven", region__code="KZ-35", is_demo=True)
    block = BlockFactory(facility=facility, name="North")
    ConversionProjectFactory(
        block=block,
        status="construction",
        percent_complete=Decimal("40"),
        budget_planned_kzt=Decimal("1000000"),
        budget_spent_kzt=Decimal("250000"),
    )
    CellFactory(block=block, number="101", living_space_m2=Decimal("5.90"))
    CellFactory(block=block, number="102")
    FacilityFactory(code="ЛА-1", region__code="KZ-75")
    recalculate_compliance()
    return facility


@pytest.mark.parametrize("url", ["/", "/facilities/", "/standards/"])
def test_login_required(client, url, db):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_page_and_login(client, user):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "reader", "password": "reader-pass-123"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_dashboard(browser, estate):
    page = browser.get("/").content.decode()
    assert DEMO_TEXT in page
    assert "National dashboard" in page
    assert "KZ-ROADMAP" in page and "not verified" in page  # ICRC-2012 is not verified
    assert "succeeded" in page  # last run outcome
    assert "Karaganda Region" in page


def test_facility_list_filters(browser, estate):
    page = browser.get("/facilities/", {"region": "KZ-35"}).content.decode()
    assert "АҚ-7" in page and "ЛА-1" not in page
    page = browser.get("/facilities/", {"compliance": "non_compliant", "profile": "CPT-2015"}).content.decode()
    assert "АҚ-7" in page and "ЛА-1" not in page
    page = browser.get("/facilities/", {"region": "KZ-99"}).content.decode()
    assert "Some filters are not valid" in page and "АҚ-7" not in page


def test_facility_page(browser, estate):
    page = browser.get(f"/facilities/{estate.pk}/").content.decode()
    assert "North" in page and "construction" in page and "40\xa0%" in page
    # the compliance table names the failed rule with the cell's measured value in m² (one column per
    # profile since issue 18, item 3, instead of one column per rule: tests/reporting/test_compliance_table.py)
    assert "CPT-2015-1</a>: living space 5.9\xa0m² &lt; 6\xa0m²" in page
    assert 'data-status="not_evaluated"' not in page
    Cell.objects.filter(block__facility=estate, number="101").update(living_space_m2=Decimal("5.50"))
    page = browser.get(
        f"/facilities/{estate.pk}/"
    ).content.decode()  # no outcome beside values it was not computed from
    assert 'data-status="awaiting"' in page and "5.50" in page and "living space 5.5" not in page
    assert 'data-status="not_evaluated"' not in page
    assert DEMO_TEXT in page
    assert browser.get("/facilities/999999/").status_code == 404
    assert browser.get(f"/facilities/{estate.pk}/", {"page": "abc"}).status_code == 200


def test_standards_page_shows_sources_and_verification(browser, standards):
    page = browser.get("/standards/").content.decode()
    assert "CPT/Inf (2015) 44, paras 9-10" in page
    assert "figures seen in secondary summaries" in page
    assert "inactive (not evaluated)" in page


def test_navigation_links_lead_to_pages_not_the_api(browser, estate):
    from django.urls import reverse

    assert reverse("facility-list") == "/facilities/"
    assert reverse("facility-detail", args=[estate.pk]) == f"/facilities/{estate.pk}/"
    assert reverse("api:facility-list") == "/api/v1/facilities/"
    page = browser.get("/").content.decode()
    assert 'href="/facilities/"' in page and 'href="/regions/KZ-35/"' in page
    listing = browser.get("/facilities/").content.decode()
    assert f'href="/facilities/{estate.pk}/"' in listing
