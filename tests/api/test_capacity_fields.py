"""The capacity fields of GET /api/v1/facilities/ (list and detail) and /api/v1/summary/ (docs/data.md,
§Capacity and certification): exact values on the hand-built estate of tests/reporting/test_capacity_figures,
the reported population beside persons held (the user trial's `population` 627 vs `persons` 632), the
aliases kept, scoping, a fixed number of queries a page, and the OpenAPI schema documenting each field."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import BlockFactory, CellFactory, FacilityFactory
from tests.reporting.test_capacity_figures import FACILITY_A, build_estate

CONTRACT = (
    "persons_held",
    "persons_counted_from",
    "persons_counted_to",
    "reported_population",
    "reported_population_date",
    "places_design",
    "places_certified",
    "places_operational",
    "persons_over_certified",
)


@pytest.fixture
def estate(standards, regions):
    return build_estate()


def _iso(values: dict) -> dict:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


@pytest.mark.django_db
def test_facility_detail_carries_every_figure(api, estate):
    a = estate[0]
    response = api.get(f"/api/v1/facilities/{a.pk}/")
    assert response.status_code == 200
    body = response.json()
    expected = _iso({name: FACILITY_A[name] for name in FACILITY_A if name not in ("cells", "cells_in_use")})
    assert {name: body[name] for name in expected} == expected
    assert (body["reported_population"], body["reported_population_date"]) == (36, "2026-11-01")
    assert body["persons_difference"] == 5
    # the aliases stay: population is the reported headcount, persons the held figure of the latest run
    assert (body["population"], body["population_date"]) == (36, "2026-11-01")
    assert body["persons"] == 41  # no run yet: computed from the cells in use
    assert body["places"] == 45  # design capacity of the cells in use (1 + 4 + 40), not places_design (68)


@pytest.mark.django_db
def test_facility_list_carries_the_contract_fields(api, estate):
    response = api.get("/api/v1/facilities/", {"page_size": 10})
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"CAP-A", "CAP-B", "CAP-C", "CAP-X"}
    assert {name: rows["CAP-B"][name] for name in CONTRACT} == {
        "persons_held": 1,
        "persons_counted_from": "2026-10-20",
        "persons_counted_to": "2026-10-20",
        "reported_population": 1,
        "reported_population_date": "2026-10-31",
        "places_design": 1,
        "places_certified": 1,
        "places_operational": 1,
        "persons_over_certified": 0,
    }
    c = rows["CAP-C"]
    assert (c["persons_held"], c["persons_over_certified"], c["reported_population"], c["persons_difference"]) == (
        3,
        1,
        None,
        None,
    )
    assert (rows["CAP-A"]["places_out_of_use"], rows["CAP-A"]["expected_back_from"]) == (3, "2027-01-10")
    assert rows["CAP-X"]["persons_held"] == 4  # a closed facility still shows its own figures


@pytest.mark.django_db
def test_facility_list_queries_do_not_grow_with_the_page(api, estate):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/facilities/", {"page_size": 100}).status_code == 200
        return len(captured.captured_queries)

    before = count()
    for n in range(6):
        facility = FacilityFactory(code=f"MORE-{n}", region__code="KZ-35", population=n)
        CellFactory.create_batch(3, block=BlockFactory(facility=facility), occupancy=2, occupancy_date="2026-11-01")
    assert count() == before


@pytest.mark.django_db
def test_summary_carries_the_sums(api, estate):
    body = api.get("/api/v1/summary/").json()
    assert {name: body[name] for name in CONTRACT} == {
        "persons_held": 45,
        "persons_counted_from": "2026-10-20",
        "persons_counted_to": "2026-12-03",
        "reported_population": 37,
        "reported_population_date": "2026-11-01",
        "places_design": 71,
        "places_certified": 60,
        "places_operational": 37,
        "persons_over_certified": 8,
    }
    assert (body["reported_population_date_from"], body["reported_facilities"], body["persons_difference"]) == (
        "2026-10-31",
        2,
        8,
    )
    assert (body["cells_over_certified"], body["cells_out_of_use"], body["places_out_of_use"]) == (3, 2, 3)
    assert (body["expected_back_from"], body["expected_back_to"]) == ("2027-01-10", "2027-02-20")
    assert (body["cells_under_reconstruction"], body["places_under_reconstruction"]) == (1, 20)
    assert body["population"] == 45  # the alias: persons held (no run yet: from the cells)
    regional = api.get("/api/v1/summary/", {"region": "KZ-10"}).json()
    assert (regional["persons_held"], regional["places_certified"], regional["reported_population"]) == (3, 2, None)


@pytest.mark.django_db
def test_summary_of_a_scoped_user(world, estate):
    # world adds F-A in KZ-35: rooms of 40 (under reconstruction), 40 holding 50, and one single cell
    body = world.clients["prosecutor_a"].get("/api/v1/summary/").json()
    assert (body["persons_held"], body["places_design"], body["places_certified"], body["places_operational"]) == (
        93,
        150,
        139,
        76,
    )
    assert (body["persons_over_certified"], body["cells_over_certified"], body["persons_difference"]) == (17, 3, 56)
    assert body["places_under_reconstruction"] == 60


@pytest.mark.django_db
def test_schema_documents_the_fields(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    facility = schema["components"]["schemas"]["FacilityFigures"]["properties"]
    for name in (*CONTRACT, "persons_difference", "places_out_of_use", "expected_back_from"):
        assert facility[name].get("description"), name
    assert "alias" in facility["population"]["description"] or "reported" in facility["population"]["description"]
    assert "alias" in facility["persons"]["description"]
    summary = schema["components"]["schemas"]["Summary"]["properties"]
    for name in (*CONTRACT, "places_out_of_use", "capacity_as_of"):
        assert summary[name].get("description"), name
    assert "alias" in summary["population"]["description"]
