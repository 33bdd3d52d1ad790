"""The capacity figures (docs/data.md, §Capacity and certification; cells.selectors.capacity_aggregates) on
a hand-built estate: exact sums at cell, block, facility, region and nation, a deactivated cell (status
deactivated with an open CellDeactivation and a closed one, so that no join multiplies rows), a cell under
reconstruction, a draft and a decommissioned room (counted nowhere); and the figures on the pages."""

import datetime
import re

import pytest
from django.utils.formats import date_format

from cells.models import Cell, CellDeactivation
from cells.selectors import capacity_of, over_certified_expression
from reporting import figures, selectors
from tests.factories import BlockFactory, CellFactory, FacilityFactory, RegionFactory

D = datetime.date


def sd(year, month, day):
    """A date as the page shows it (SHORT_DATE_FORMAT of the active language)."""
    return date_format(D(year, month, day), "SHORT_DATE_FORMAT")


def _cell(block, number, kind, design, certified, occupancy, status="in_use", date=None):
    return CellFactory(
        block=block,
        number=number,
        accommodation_type=kind,
        design_capacity=design,
        certified_capacity=certified,
        occupancy=occupancy,
        occupancy_date=date,
        status=status,
    )


def _deactivate(cell, since, back, closed=False):
    return CellDeactivation.objects.create(
        cell=cell,
        reason="refurbishment",
        deactivated_on=since,
        expected_reactivation=back,
        reactivated_on=back if closed else None,
    )


def build_estate():
    """Facility A (KZ-35, headcount 36 on 01.11.2026) with two blocks; B (KZ-35, headcount 1); C (KZ-10,
    no headcount); a closed facility in KZ-35 (left out of region and nation sums)."""
    single, multi, dorm = "single_occupancy_cell", "multiple_occupancy_cell", "dormitory"
    a = FacilityFactory(code="CAP-A", region__code="KZ-35", population=36, population_date=D(2026, 11, 1))
    cells = BlockFactory(facility=a, name="Cells", accommodation_type="cell")
    _cell(cells, "C1", single, 1, 1, 1, date=D(2026, 11, 1))
    _cell(cells, "C2", multi, 4, 3, 5, date=D(2026, 12, 3))  # 2 above certified capacity
    c3 = _cell(cells, "C3", single, 1, 1, 0, status="deactivated")
    _deactivate(c3, D(2026, 5, 1), D(2026, 6, 1), closed=True)  # an earlier, closed deactivation
    _deactivate(c3, D(2026, 11, 20), D(2027, 1, 10))
    c5 = _cell(cells, "C5", multi, 2, 2, 0, status="deactivated")
    _deactivate(c5, D(2026, 11, 25), D(2027, 2, 20))
    dorms = BlockFactory(facility=a, name="Dorm")
    _cell(dorms, "D1", dorm, 40, 30, 35, date=D(2026, 11, 15))  # 5 above certified capacity
    _cell(dorms, "D2", dorm, 20, 20, 0, status="under_reconstruction")
    _cell(dorms, "D3", dorm, 10, None, 0, status="draft")  # counted nowhere
    _cell(dorms, "D4", dorm, 50, 50, 0, status="decommissioned")  # counted nowhere
    b = FacilityFactory(code="CAP-B", region__code="KZ-35", population=1, population_date=D(2026, 10, 31))
    _cell(BlockFactory(facility=b, name="B"), "B1", single, 1, 1, 1, date=D(2026, 10, 20))
    c = FacilityFactory(code="CAP-C", region=RegionFactory(code="KZ-10"))
    _cell(BlockFactory(facility=c, name="C"), "K1", multi, 2, 2, 3, date=D(2026, 11, 5))  # 1 above
    closed = FacilityFactory(code="CAP-X", region__code="KZ-35", status="closed", population=9)
    _cell(BlockFactory(facility=closed, name="X"), "X1", multi, 5, 5, 4, date=D(2026, 11, 1))
    return a, b, c, closed, cells, dorms


FACILITY_A = {
    "cells": 6,
    "cells_in_use": 3,
    "places_design": 68,
    "places_certified": 57,
    "places_operational": 34,
    "persons_held": 41,
    "persons_counted_from": D(2026, 11, 1),
    "persons_counted_to": D(2026, 12, 3),
    "persons_over_certified": 7,
    "cells_over_certified": 2,
    "cells_out_of_use": 2,
    "places_out_of_use": 3,
    "expected_back_from": D(2027, 1, 10),
    "expected_back_to": D(2027, 2, 20),
    "cells_under_reconstruction": 1,
    "places_under_reconstruction": 20,
}


@pytest.fixture
def estate(standards, regions):
    return build_estate()


@pytest.mark.django_db
def test_cell_level_over_certified(estate):
    values = dict(
        Cell.objects.filter(block__facility__code="CAP-A")
        .annotate(over=over_certified_expression())
        .values_list("number", "over")
    )
    assert values == {"C1": 0, "C2": 2, "C3": 0, "C5": 0, "D1": 5, "D2": 0, "D3": 0, "D4": 0}


@pytest.mark.django_db
def test_block_sums(estate):
    _a, _b, _c, _x, cells, dorms = estate
    assert capacity_of(cells.cells.all()) == {
        "cells": 4,
        "cells_in_use": 2,
        "places_design": 8,
        "places_certified": 7,
        "places_operational": 4,
        "persons_held": 6,
        "persons_counted_from": D(2026, 11, 1),
        "persons_counted_to": D(2026, 12, 3),
        "persons_over_certified": 2,
        "cells_over_certified": 1,
        "cells_out_of_use": 2,
        "places_out_of_use": 3,
        "expected_back_from": D(2027, 1, 10),
        "expected_back_to": D(2027, 2, 20),
        "cells_under_reconstruction": 0,
        "places_under_reconstruction": 0,
    }
    dorm = capacity_of(dorms.cells.all())
    assert (dorm["cells"], dorm["places_design"], dorm["places_certified"], dorm["places_operational"]) == (
        2,
        60,
        50,
        30,
    )
    assert (dorm["persons_held"], dorm["persons_over_certified"], dorm["cells_out_of_use"]) == (35, 5, 0)
    assert (dorm["expected_back_from"], dorm["places_under_reconstruction"]) == (None, 20)


@pytest.mark.django_db
def test_facility_sums_agree_with_the_aggregate_and_capacity_totals(estate):
    from cells.certification import capacity_totals

    a = estate[0]
    annotated = figures.attach_capacity(figures.with_capacity(figures.Facility.objects.filter(pk=a.pk)).get())
    assert {name: getattr(annotated, name) for name in FACILITY_A} == FACILITY_A
    assert capacity_of(Cell.objects.filter(block__facility=a)) == FACILITY_A
    assert capacity_totals(Cell.objects.filter(block__facility=a)) == {
        "cells": 6,
        "places_design": 68,
        "places_certified": 57,
        "places_operational": 34,
    }
    page = figures.for_page(annotated)
    assert (page["reported_population"], page["persons_difference"], page["difference_abs"]) == (36, 5, 5)


@pytest.mark.django_db
def test_region_and_nation_sums(estate):
    region = selectors.summary(region=figures.Facility.objects.get(code="CAP-A").region)
    assert {k: region[k] for k in ("persons_held", "places_design", "places_certified", "places_operational")} == {
        "persons_held": 42,
        "places_design": 69,
        "places_certified": 58,
        "places_operational": 35,
    }
    assert (region["persons_counted_from"], region["persons_counted_to"]) == (D(2026, 10, 20), D(2026, 12, 3))
    assert (region["reported_population"], region["reported_facilities"], region["persons_difference"]) == (37, 2, 5)
    assert (region["reported_population_date_from"], region["reported_population_date"]) == (
        D(2026, 10, 31),
        D(2026, 11, 1),
    )
    assert (region["persons_over_certified"], region["cells_over_certified"], region["places_out_of_use"]) == (7, 2, 3)
    nation = selectors.summary()
    assert (nation["persons_held"], nation["places_design"], nation["places_certified"]) == (45, 71, 60)
    assert (nation["places_operational"], nation["persons_over_certified"], nation["cells_over_certified"]) == (
        37,
        8,
        3,
    )
    assert (nation["reported_population"], nation["persons_difference"]) == (37, 8)
    assert (nation["expected_back_from"], nation["expected_back_to"]) == (D(2027, 1, 10), D(2027, 2, 20))
    assert (nation["cells_under_reconstruction"], nation["places_under_reconstruction"]) == (1, 20)
    by_region = figures.capacity_by_region(figures.Facility.objects.in_operation())
    kz10 = figures.Facility.objects.get(code="CAP-C").region_id
    assert (by_region[kz10]["persons_held"], by_region[kz10]["persons_over_certified"]) == (3, 1)
    # the dashboard sums the regions' rows instead of reading the cells twice: the same figures
    combined = figures.combine_capacity(by_region.values())
    assert combined == {name: nation[name] for name in combined if name in nation} | {
        "cells": 8,
        "cells_in_use": 5,
    }


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.django_db
def test_facility_page_names_and_dates_each_figure(browser, estate):
    a = estate[0]
    response = browser.get(f"/facilities/{a.pk}/")
    assert response.status_code == 200
    text = _text(response)
    assert f"Persons held 41 (counted {sd(2026, 11, 1)} to {sd(2026, 12, 3)})" in text
    assert f"Reported population 36 ({sd(2026, 11, 1)})" in text
    assert f"reported 36 ({sd(2026, 11, 1)}), held 41: differs by 5" in text
    assert "Design places 68" in text
    assert "Certified places 57" in text
    assert "Operational places 34" in text
    assert "Above certified capacity persons: 7, in 2 cells" in text
    assert f"Places out of use now places: 3, in 2 cells, expected back {sd(2027, 1, 10)} to {sd(2027, 2, 20)}" in text
    assert "Places under reconstruction 20 (not operational)" in text
    assert "docs/data.md, §Capacity and certification" in text
    html = response.content.decode()
    assert (
        'title="Sum of the occupancy of the cells in use, dated by the range of their count dates.">Persons held'
        in html
    )
    assert "(+2 above certified)" in text and "(+5 above certified)" in text  # C2 and D1 in the cell table
    assert "count of" not in text  # the old, misleading caption


@pytest.mark.django_db
def test_facility_page_agreeing_headcount(browser, estate):
    b = estate[1]
    text = _text(browser.get(f"/facilities/{b.pk}/"))
    assert f"Persons held 1 (counted {sd(2026, 10, 20)})" in text
    assert f"Reported population 1 ({sd(2026, 10, 31)}) agrees with persons held" in text
    assert "differs by" not in text
    assert "Places out of use now none" in text


@pytest.mark.django_db
def test_block_page(browser, estate):
    cells = estate[4]
    text = _text(browser.get(f"/blocks/{cells.pk}/"))
    assert f"Persons held 6 (counted {sd(2026, 11, 1)} to {sd(2026, 12, 3)})" in text
    assert "Design places 8 Certified places 7 Operational places 4" in text
    assert "Reported population" not in text  # a block has no headcount of its own
    assert "(+2 above certified)" in text  # C2: 5 persons, certified for 3


@pytest.mark.django_db
def test_region_page(browser, estate):
    text = _text(browser.get("/regions/KZ-35/"))
    assert f"Persons held 42 (counted {sd(2026, 10, 20)} to {sd(2026, 12, 3)})" in text
    assert f"Reported population 37 (headcounts of {sd(2026, 10, 31)} to {sd(2026, 11, 1)})" in text
    assert f"reported 37 ({sd(2026, 11, 1)}), held 42: differs by 5" in text
    assert "Certified places 58" in text and "Operational places 35" in text
    assert "The forecast uses persons held" in text
    assert "Places converted: design capacity of the single-occupancy cells in use" in text
    html = browser.get("/regions/KZ-35/").content.decode()
    # the facilities table: CAP-A held 41, reported 36 (highlighted), certified 57, operational 34, 7 above, 3 out
    row = re.search(r"CAP-A.*?</tr>", html, re.S).group(0)
    assert [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<td class="num[^"]*">(.*?)</td>', row)][:6] == [
        "41",
        "36",
        "57",
        "34",
        "7",
        "3",
    ]
    assert f'<span class="warn" title="{sd(2026, 11, 1)}">36</span>' in row


@pytest.mark.django_db
def test_national_page_and_export(browser, estate):
    response = browser.get("/")
    text = _text(response)
    assert f"Persons held 45 (counted {sd(2026, 10, 20)} to {sd(2026, 12, 3)})" in text
    assert f"reported 37 ({sd(2026, 11, 1)}), held 45: differs by 8" in text
    assert f"Places out of use now places: 3, in 2 cells, expected back {sd(2027, 1, 10)} to {sd(2027, 2, 20)}" in text
    assert (
        f"Out of use now: 3 certified places in 2 cells, expected back {sd(2027, 1, 10)} to {sd(2027, 2, 20)}" in text
    )
    assert "Tiles and trends: persons held (occupancy of the cells in use) and places" in text
    exported = browser.get("/?table=capacity&export=csv")
    csv = b"".join(exported.streaming_content).decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Region code,Region,Persons held now (cells in use),Counted from,Counted to,Design places")
    kz35 = next(line for line in csv if line.startswith("KZ-35,"))
    assert kz35.split(",")[2:] == [
        "42",
        "2026-10-20",
        "2026-12-03",
        "69",
        "58",
        "35",
        "7",
        "2",
        "3",
        "2027-01-10",
        "2027-02-20",
        "20",
    ]


@pytest.mark.django_db
def test_capacity_figures_are_live_while_the_aliases_keep_the_run(api, estate):
    """After a compliance run `persons` (API) is the run's figure; an edit not yet recomputed shows at once
    in persons_held, dated by its count."""
    from cells.services import recalculate_compliance

    a = estate[0]
    recalculate_compliance()
    Cell.objects.filter(block__facility=a, number="C1").update(occupancy=3, occupancy_date=D(2026, 12, 4))
    body = api.get(f"/api/v1/facilities/{a.pk}/").json()
    assert (body["persons"], body["persons_held"], body["persons_counted_to"]) == (41, 43, "2026-12-04")
    assert (body["persons_over_certified"], body["cells_over_certified"]) == (9, 3)
    summary = api.get("/api/v1/summary/").json()
    # The run's national snapshot counts the closed CAP-X's 4 persons too (existing behaviour of the
    # snapshots); persons_held counts institutions in operation only: 43 + 1 + 3.
    assert (summary["population"], summary["persons_held"]) == (41 + 1 + 3 + 4, 47)
