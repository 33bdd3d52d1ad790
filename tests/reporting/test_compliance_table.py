"""The compliance table of cells on the facility page and the block page (issue 18, item 3): one status
column per active standard profile, the rules a cell fails named with the measured value and the
requirement in their units (m², m, persons), every rule's outcome on demand, the cell's edit and history
links beside its number; the number of queries does not grow with the cells."""

import html
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cells.models import Cell, ComplianceStatus
from cells.services import recalculate_compliance
from cells.units import plain_number, with_unit
from tests.conftest import make_user
from tests.factories import BlockFactory, CellFactory, FacilityFactory

ACTIVE = ["CPT-2015", "ICRC-2012", "MANDELA-2015", "KZ-ROADMAP"]  # data/standards.json; KZ-PEC-2014 inactive
NB = "\xa0"


class Table(HTMLParser):
    """The compliance table of a page: the profile headers, and per cell number its profile statuses."""

    def __init__(self):
        super().__init__()
        self.headers, self.status, self.number, self._in_no = [], {}, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th" and "profile" in (attrs.get("class") or "").split():
            self.headers.append(attrs["data-profile"])
        if tag == "th" and "cell-no" in (attrs.get("class") or ""):
            self._in_no = True
        if tag == "td" and "data-status" in attrs:
            self.status[(self.number, attrs["data-profile"])] = attrs["data-status"]

    def handle_data(self, data):
        if self._in_no and data.strip():
            self.number, self._in_no = data.strip(), False


def table(page: str) -> Table:
    parser = Table()
    parser.feed(page)
    return parser


@pytest.fixture
def estate(standards, regions):
    facility = FacilityFactory(code="АҚ-9", region__code="KZ-35")
    block = BlockFactory(facility=facility, name="North")
    CellFactory(block=block, number="101", living_space_m2=Decimal("5.90"))  # < 6 m²: CPT-2015-1, RM-3
    CellFactory(block=block, number="102", occupancy=2)  # two persons in a single cell: SMR-12, RM-2
    CellFactory(
        block=block,
        number="D-1",
        accommodation_type="dormitory",
        living_space_m2=Decimal("31.00"),
        design_capacity=10,
        occupancy=10,
        min_wall_distance_m=None,
    )  # 3.1 m² a person: CPT-2015-2 and ICRC-2012-2; a dormitory: RM-1; walls not measured: CPT-2015-5
    CellFactory(block=block, number="103")  # complies with every profile
    recalculate_compliance()
    return facility


@pytest.fixture
def editor(estate):
    return make_user("editor_35", "Ministry editors", regions=["KZ-35"])


def test_facility_table_has_a_status_column_per_active_profile(browser, estate):
    page = browser.get(f"/facilities/{estate.pk}/").content.decode()
    found = table(page)
    assert found.headers == ACTIVE
    assert found.status == {
        ("101", "CPT-2015"): "non_compliant",
        ("101", "ICRC-2012"): "compliant",
        ("101", "MANDELA-2015"): "compliant",
        ("101", "KZ-ROADMAP"): "non_compliant",
        ("102", "CPT-2015"): "compliant",
        ("102", "ICRC-2012"): "compliant",
        ("102", "MANDELA-2015"): "non_compliant",
        ("102", "KZ-ROADMAP"): "non_compliant",
        ("103", "CPT-2015"): "compliant",
        ("103", "ICRC-2012"): "compliant",
        ("103", "MANDELA-2015"): "compliant",
        ("103", "KZ-ROADMAP"): "compliant",
        ("D-1", "CPT-2015"): "non_compliant",
        ("D-1", "ICRC-2012"): "non_compliant",
        ("D-1", "MANDELA-2015"): "compliant",
        ("D-1", "KZ-ROADMAP"): "non_compliant",
    }
    assert page.count('<strong class="status">non-compliant</strong>') == 7
    assert page.count('<strong class="status">compliant</strong>') == 9


def test_failing_rules_are_named_with_value_and_unit(browser, estate):
    text = html.unescape(browser.get(f"/facilities/{estate.pk}/").content.decode())
    assert f"CPT-2015-1</a>: living space 5.9{NB}m² < 6{NB}m²" in text
    assert f"RM-3</a>: living space 5.9{NB}m² < 6{NB}m²" in text
    assert f"CPT-2015-2</a>: 3.1{NB}m² per person < 4{NB}m²" in text
    assert f"ICRC-2012-2</a>: 3.1{NB}m² per person < 3.4{NB}m²" in text
    assert f"SMR-12</a>: 2{NB}persons held > 1{NB}person" in text
    assert f"RM-2</a>: 2{NB}persons held > 1{NB}person" in text
    assert "RM-1</a>: dormitory ≠ single-occupancy cell" in text
    assert "CPT-2015-5</span>: measurement missing" in text  # D-1's walls are not measured
    assert "m2" not in text.split("<main", 1)[1].replace("living_space_m2", "")  # m² everywhere
    assert "1 persons" not in text and f"1{NB}persons" not in text
    # every rule on demand: a single-occupancy cell meets 4 rules of CPT-2015, a dormitory 4 of its 6
    assert text.count("<details><summary>4 rules</summary>") == 3 + 1
    assert '<span class="nowrap">CPT-2015-6</span> <span class="nowrap">ceiling height ≥ 2.5 m</span>' in text
    assert (
        '<span class="nowrap">SMR-12</span> <span class="nowrap">persons accommodated ≤ 1 person</span>: where prisoners'
        in text
    )
    assert "at least 6 m² of living space in a single-occupancy cell" in text  # the rule's summary, in m²


def test_edit_and_history_links_beside_the_number(client, estate, editor, user):
    cell = Cell.objects.get(number="101")
    client.force_login(editor)
    page = client.get(f"/facilities/{estate.pk}/").content.decode()
    assert (
        f'<th scope="row" class="sticky-col cell-no"><span class="nowrap">101</span><span class="cell-actions">'
        f'<a href="/cells/{cell.pk}/edit/" data-action="edit">edit</a> · '
        f'<a href="/history/cell/{cell.pk}/" data-action="history">history</a></span></th>'
    ) in page
    assert page.count('data-action="edit"') == 4
    client.force_login(user)  # a prosecutor edits no cell: the history link only
    page = client.get(f"/facilities/{estate.pk}/").content.decode()
    assert 'data-action="edit"' not in page and page.count('data-action="history"') == 4


def test_block_page_has_the_same_table(client, estate, editor):
    cell = Cell.objects.get(number="D-1")
    client.force_login(editor)
    page = client.get(f"/blocks/{cell.block_id}/").content.decode()
    found = table(page)
    assert found.headers == ACTIVE
    assert found.status[("D-1", "ICRC-2012")] == "non_compliant" and found.status[("103", "KZ-ROADMAP")] == "compliant"
    assert f'<a href="/cells/{cell.pk}/edit/" data-action="edit">edit</a>' in page
    assert f"ICRC-2012-2</a>: 3.1{NB}m² per person &lt; 3.4{NB}m²" in page


def test_a_changed_measurement_shows_awaiting_and_no_stale_failure(browser, estate):
    Cell.objects.filter(number="101").update(living_space_m2=Decimal("5.50"))
    text = html.unescape(browser.get(f"/facilities/{estate.pk}/").content.decode())
    found = table(text)
    assert {found.status[("101", code)] for code in ACTIVE} == {"awaiting"}
    assert found.status[("102", "MANDELA-2015")] == "non_compliant"
    assert "living space 5.5" not in text and "living space 5.9" not in text


def test_a_cell_not_in_use_is_not_scored(browser, estate):
    Cell.objects.filter(number="102").update(status="decommissioned", occupancy=0)
    found = table(browser.get(f"/facilities/{estate.pk}/").content.decode())
    assert {found.status[("102", code)] for code in ACTIVE} == {"not_in_use"}


def test_russian_labels_and_numbers(browser, estate):
    page = html.unescape(browser.get(f"/facilities/{estate.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    with translation.override("ru"):
        non_compliant = str(ComplianceStatus.NON_COMPLIANT.label)
        living = with_unit(Decimal("5.90"), "m2")
    assert non_compliant != "non-compliant"
    assert f'<strong class="status">{non_compliant}</strong>' in page
    assert living.startswith(f"5,9{NB}") and living in page


def test_units_and_numbers():
    assert (
        plain_number(Decimal("5.90")) == "5.9" and plain_number(4.0) == "4" and plain_number(Decimal("3.99")) == "3.99"
    )
    assert with_unit(Decimal("3.10"), "m2") == f"3.1{NB}m²"
    assert with_unit(2.5, "m") == f"2.5{NB}m"
    assert with_unit(1, "persons") == f"1{NB}person" and with_unit(3, "persons") == f"3{NB}persons"
    assert with_unit(None, "m2") == "?"
    assert with_unit(Decimal("1200.50"), "m2") == f"1,200.5{NB}m²"
    with translation.override("ru"):  # a comma for decimals, a non-breaking space between thousands
        assert with_unit(Decimal("1200.50"), "m2").startswith(f"1{NB}200,5{NB}")
        assert with_unit(Decimal("2.50"), "m") == f"2,5{NB}м"


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_cells(client, estate, editor):
    client.force_login(editor)
    block = estate.blocks.get()
    urls = [f"/facilities/{estate.pk}/", f"/blocks/{block.pk}/"]
    for url in urls:
        _count(client, url)  # caches warm (session, content types)
    before = {url: _count(client, url) for url in urls}
    CellFactory.create_batch(20, block=block, living_space_m2=Decimal("5.00"))  # each fails CPT-2015-1
    CellFactory.create_batch(10, block=block, accommodation_type="dormitory", design_capacity=8, occupancy=9)
    recalculate_compliance()
    assert {url: _count(client, url) for url in urls} == before
