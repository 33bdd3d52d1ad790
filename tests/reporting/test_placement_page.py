"""The placement planner's page (issue 19, item 3): /placement/ on a hand-built estate of four facilities in
four regions, two classes. Exact figures, moves, places needed and exports; form errors; the scoped view;
the page in Russian; anonymous users sent to the login page."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from facilities.models import Region
from reporting import placement
from reporting.distance import great_circle_km, region_centres
from roadmap_portal.templatetags.portal import num
from tests.conftest import make_user, requires_postgres
from tests.factories import BlockFactory, CellFactory, FacilityFactory, ResidencePopulationFactory

pytestmark = requires_postgres


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def csv_rows(response, sep=","):
    return list(csv.reader(io.StringIO(body(response)), delimiter=sep))


def facility(code, region, places, held, homes, security_level="medium"):
    """A colony in ``region`` with one dormitory of ``places`` certified places holding ``held`` persons,
    and today's count of persons by home region ``homes`` ({region code: persons})."""
    site = FacilityFactory(code=code, region=Region.objects.get(code=region), security_level=security_level)
    CellFactory(
        block=BlockFactory(facility=site),
        accommodation_type="dormitory",
        living_space_m2=Decimal("40.00"),
        design_capacity=places,
        occupancy=held,
    )
    for home, persons in homes.items():
        ResidencePopulationFactory(
            facility=site, home_region=Region.objects.get(code=home), persons=persons, date=timezone.localdate()
        )
    return site


@pytest.fixture
def estate(standards, regions):
    """Medium security: P-KAR (KZ-35, 10 places, full: 6 from KZ-35, 4 from KZ-75) and P-ALM (KZ-75, 10
    places, 8 held, all from KZ-35). The optimum swaps them: 4 KZ-75 to P-ALM, 4 KZ-35 to P-KAR (8 moves;
    at home 6 -> 14 of 18), and 4 KZ-35 persons stay in Almaty for lack of places in Karaganda.
    Minimum security, another class: P-ABA (KZ-10, 5 places, 3 held from KZ-11) and P-AKM (KZ-11, 5 places,
    2 held from KZ-11): 3 persons move KZ-10 -> KZ-11 (home 2 -> 5)."""
    return {
        "kar": facility("P-KAR", "KZ-35", 10, 10, {"KZ-35": 6, "KZ-75": 4}),
        "alm": facility("P-ALM", "KZ-75", 10, 8, {"KZ-35": 8}),
        "aba": facility("P-ABA", "KZ-10", 5, 3, {"KZ-11": 3}, security_level="minimum"),
        "akm": facility("P-AKM", "KZ-11", 5, 2, {"KZ-11": 2}, security_level="minimum"),
    }


def km(a, b):
    """Great-circle km between the centres of regions ``a`` and ``b`` (the facilities have no coordinates)."""
    centres = region_centres()
    return great_circle_km(centres[a], centres[b])


def test_page_shows_the_exact_plan(browser, estate):
    response = browser.get("/placement/")
    assert response.status_code == 200
    page = response.content.decode()
    d, e = km("KZ-35", "KZ-75"), km("KZ-10", "KZ-11")
    # Before: at home 6 (P-KAR) + 2 (P-AKM) of 23; after 10 + 4 + 5 = 19; moved 4 + 4 + 3 = 11.
    assert 'data-figure="share-before">34.8\xa0%<' in page  # 8 / 23
    assert 'data-figure="share-after">82.6\xa0%<' in page  # 19 / 23
    assert 'data-figure="persons-moved">11<' in page
    # Away from home before: 4 + 8 between Karaganda and Almaty (d km), 3 Akmola persons in Abai (e km), both
    # more than 500 km; after: the 4 from Karaganda who stay in Almaty.
    assert d > 500 and e > 500
    assert 'data-figure="far-before">15<' in page and 'data-figure="far-after">4<' in page
    assert f'data-figure="km-before">{num(round((12 * d + 3 * e) / 23, 1), 1)}<' in page
    assert f'data-figure="km-after">{num(round(4 * d / 23, 1), 1)}<' in page
    # The origin-destination table: rows are the origin facility's region, columns KZ-11, KZ-35, KZ-75.
    assert (
        '<tr data-origin="KZ-35"><th scope="row" class="nowrap">Karaganda Region <small>35</small></th>'
        '<td class="num"></td><td class="num"></td><td class="num">4</td><td class="num"><strong>4</strong></td></tr>'
    ) in page
    assert (
        '<tr data-origin="KZ-10"><th scope="row" class="nowrap">Abai Region <small>10</small></th>'
        '<td class="num">3</td><td class="num"></td><td class="num"></td><td class="num"><strong>3</strong></td></tr>'
    ) in page
    # Places needed: 14 persons from KZ-35 in medium-security colonies, 10 such places in KZ-35.
    assert 'data-figure="needed-KZ-35">4<' in page
    assert "correctional colony, medium security, adult men" in page
    assert "The 500 km threshold:" in page and "Polyakova" in page  # its source (reporting.distance)
    assert "pre-trial centres are not planned" in page
    # The curve: from today to the plan's 11 moves; every move brings one more person home, so no point between.
    curve = csv_rows(browser.get("/placement/", {"table": "curve", "export": "csv"}))
    assert curve[1:] == [["0", "8", "34.8", "no"], ["11", "19", "82.6", "no"]]
    assert '<tr><td class="num">11</td><td class="num">19</td><td class="num">82.6\xa0%</td></tr>' in page


def test_moves_and_shortfall_export_exact_rows(browser, estate):
    moves = csv_rows(browser.get("/placement/", {"table": "moves", "export": "csv"}))
    assert moves == [
        ["From facility", "From region code", "To facility", "To region code", "Home region code", "Persons",
         "Generated demo data"],
        ["P-ABA", "KZ-10", "P-AKM", "KZ-11", "KZ-11", "3", "no"],
        ["P-KAR", "KZ-35", "P-ALM", "KZ-75", "KZ-75", "4", "no"],
        ["P-ALM", "KZ-75", "P-KAR", "KZ-35", "KZ-35", "4", "no"],
    ]  # fmt: skip
    shortfall = csv_rows(browser.get("/placement/", {"table": "shortfall", "export": "csv"}))
    assert shortfall == [
        ["Home region code", "Home region", "Class code", "Class (kind, security level, category)",
         "Places needed (persons)", "Generated demo data"],
        ["KZ-35", "Karaganda Region", "colony/medium/men", "correctional colony, medium security, adult men", "4", "no"],
    ]  # fmt: skip
    od = csv_rows(browser.get("/placement/", {"table": "od", "export": "csv"}))
    assert od[1:] == [
        ["KZ-35", "Karaganda Region", "KZ-75", "Almaty", "4", "4", "no"],
        ["KZ-75", "Almaty", "KZ-35", "Karaganda Region", "4", "4", "no"],
        ["KZ-10", "Abai Region", "KZ-11", "Akmola Region", "3", "3", "no"],
    ]
    # max_moves in the query applies to the export as to the page; a bad option is a 400 naming it.
    figures = csv_rows(browser.get("/placement/", {"table": "figures", "export": "csv", "max_moves": "4"}))
    assert figures[2] == ["Persons held in their home region", "8", "12", "no"]
    assert figures[-1] == ["Persons moved", "0", "4", "no"]
    bad = browser.get("/placement/", {"table": "moves", "export": "csv", "max_moves": "-1"})
    assert (
        bad.status_code == 400 and "max_moves: Ensure this value is greater than or equal to 0." in bad.content.decode()
    )


@pytest.mark.parametrize(
    "query,message",
    [
        ({"max_moves": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"max_moves": "1.5"}, "A valid integer is required: a whole number"),
        ({"max_moves": "1000001"}, "Ensure this value is less than or equal to 1000000."),
        ({"max_moves": "1" + "0" * 400}, "Ensure this value is less than or equal to 1000000."),
        ({"compliant_only": "KZ-PEC-2014"}, "is not an active standard profile: only active profiles are evaluated."),
        ({"date": "future"}, "The date cannot be in the future"),
    ],
)
def test_bad_options_are_form_errors_and_nothing_is_computed(browser, estate, monkeypatch, query, message):
    def refuse(*args, **kwargs):
        raise AssertionError("computed a plan for invalid options")

    monkeypatch.setattr(placement, "compute", refuse)
    if query.get("date") == "future":
        query = {"date": (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d.%m.%Y")}
    response = browser.get("/placement/", query)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and 'data-figure="form-errors"' in page
    assert 'data-figure="share-before"' not in page


def test_scoped_editor_sees_their_regions_part(client, estate):
    client.force_login(make_user("ed35", "Ministry editors", regions=["KZ-35"]))
    page = client.get("/placement/").content.decode()
    assert "Placement planner: your regions' part of the national plan</h1>" in page and "Karaganda Region" in page
    # Persons whose home is KZ-35: 14; at home 6 before, 10 after; 4 of them moved.
    assert 'data-figure="share-before">42.9\xa0%<' in page and 'data-figure="share-after">71.4\xa0%<' in page
    assert 'data-figure="persons-moved">4<' in page
    # The moves listed: 4 of KZ-75 out of P-KAR to make room, 4 of KZ-35 into it.
    assert 'data-figure="persons-in-moves">8<' in page and "persons in the moves that concern your regions" in page
    assert "P-ABA" not in page and 'data-origin="KZ-10"' not in page  # the move KZ-10 -> KZ-11 is not theirs
    moves = csv_rows(client.get("/placement/", {"table": "moves", "export": "csv"}))
    assert [row[0] for row in moves[1:]] == ["P-KAR", "P-ALM"]


def test_no_counts_and_plan_errors_are_messages(browser, standards, regions, monkeypatch):
    facility("P-X", "KZ-35", 10, 5, {})
    page = browser.get("/placement/").content.decode()
    assert 'data-figure="no-counts"' in page and "No count of persons by home region is recorded" in page

    def fail(*args, **kwargs):
        raise placement.PlanError("Time limit reached")

    monkeypatch.setattr(placement, "compute", fail)
    response = browser.get("/placement/")
    assert response.status_code == 200
    assert 'data-figure="plan-error"' in response.content.decode() and "Time limit reached" in response.content.decode()


def test_anonymous_is_sent_to_login(client, estate):
    response = client.get("/placement/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/placement/"


def test_page_in_russian(browser, estate):
    browser.cookies["django_language"] = "ru"
    page = browser.get("/placement/").content.decode()
    assert 'lang="ru"' in page
    assert "Регион проживания" in page and "Итого" in page and "Карагандинская область" in page
    with translation.override("ru"):
        label = placement.class_label("colony/medium/men")
        assert label != "correctional colony, medium security, adult men" and label in page
        assert translation.gettext("Placement planner") in page
    assert 'data-figure="share-after">82,6\xa0%<' in page  # the decimal comma of ru
    rows = csv_rows(browser.get("/placement/", {"table": "shortfall", "export": "csv"}), sep=";")
    assert rows[0][0] == "Код региона проживания" and rows[1][:3] == [
        "KZ-35",
        "Карагандинская область",
        "colony/medium/men",
    ]
