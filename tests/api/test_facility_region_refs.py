"""Issue 18, item 8: ``?facility=`` and ``?region=`` take an id or a code on every list that filters by
them (facilities.filters.FacilityRefFilter, RegionCodeFilter); an unknown one is a 400 naming it; the rows
give facility_id and facility_code (and region_id and region_code where they name a region)."""

import datetime
from decimal import Decimal

import pytest

from cells.models import CertificationRequest, Movement
from facilities.models import Region
from tests.factories import (
    BlockFactory,
    CellFactory,
    ConversionProjectFactory,
    FacilityFactory,
    FindingFactory,
    InspectionFactory,
)

CODE = "ЛА-155/1 корпус А"  # Cyrillic, a slash and a space: as registers write them

# list endpoint -> what one row's facility is read from
FACILITY_LISTS = ["blocks", "cells", "conversions", "inspections", "findings", "movements", "certification-requests"]


@pytest.fixture
def estate(standards, regions):
    """Two facilities: CODE in KZ-35 and ``OTHER-1`` in KZ-75, each with a block, a cell, a project, an
    inspection with a finding, a movement and a certification request."""
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.create_user("mover")
    made = []
    for code, region in ((CODE, "KZ-35"), ("OTHER-1", "KZ-75")):
        facility = FacilityFactory(code=code, region=Region.objects.get(code=region))
        block = BlockFactory(facility=facility, name="Block 1")
        ConversionProjectFactory(block=block, status="construction", percent_complete=Decimal("40"))
        one = CellFactory(block=block, number="1", occupancy=1)
        two = CellFactory(block=block, number="2", occupancy=1)
        inspection = InspectionFactory(facility=facility)
        FindingFactory(inspection=inspection)
        Movement.objects.create(
            date=datetime.date(2026, 1, 5), from_cell=one, to_cell=two, persons=1, reason="test", author=author
        )
        CertificationRequest.objects.create(
            facility=facility, kind="capacity_change", reason="test", requested_by=author
        )
        made.append(facility)
    return made


@pytest.mark.parametrize("name", FACILITY_LISTS)
def test_facility_by_code_and_by_id_give_the_same_rows(api, estate, name):
    facility, other = estate
    by_code = api.get(f"/api/v1/{name}/", {"facility": CODE})
    by_id = api.get(f"/api/v1/{name}/", {"facility": str(facility.pk)})
    assert by_code.status_code == 200 and by_id.status_code == 200
    rows = by_code.json()["results"]
    assert rows == by_id.json()["results"]
    assert len(rows) >= 1
    assert {(r["facility_id"], r["facility_code"]) for r in rows} == {(facility.pk, CODE)}
    # the other facility's rows are there without the filter
    everything = api.get(f"/api/v1/{name}/").json()["results"]
    assert {r["facility_code"] for r in everything} == {CODE, "OTHER-1"}


@pytest.mark.parametrize("name", FACILITY_LISTS)
def test_an_unknown_facility_is_a_400_naming_it(api, estate, name):
    response = api.get(f"/api/v1/{name}/", {"facility": "НЕТ-1/2 x"})
    assert response.status_code == 400
    assert response.json() == {"facility": ["Unknown facility 'НЕТ-1/2 x'. Give the facility's code or its id."]}
    response = api.get(f"/api/v1/{name}/", {"facility": "999999"})
    assert response.status_code == 400
    assert response.json() == {"facility": ["Unknown facility '999999'. Give the facility's code or its id."]}


@pytest.mark.parametrize("name", FACILITY_LISTS)
@pytest.mark.parametrize("text", ["%", "%s", "%(facility)s"])
def test_a_percent_sign_in_a_filter_is_a_400_not_a_500(api, estate, name, text):
    """django-filter formats an error's message with its parameters: a ``%`` the user typed is never read
    as a format (facilities.filters.refusal)."""
    response = api.get(f"/api/v1/{name}/", {"facility": text})
    assert response.status_code == 400
    assert response.json() == {"facility": [f"Unknown facility '{text}'. Give the facility's code or its id."]}
    response = api.get(f"/api/v1/{name}/", {"region": text})
    assert response.status_code == 400
    assert response.json() == {"region": [f"Unknown region code '{text}'. Use an ISO 3166-2 code such as KZ-35."]}


def test_a_code_is_matched_in_its_normal_form(api, estate):
    """Inner spaces collapsed and ends trimmed, as codes are stored (core.validators.normalize_identifier)."""
    facility, _other = estate
    rows = api.get("/api/v1/blocks/", {"facility": "  ЛА-155/1   корпус А "}).json()["results"]
    assert [(r["facility_id"], r["facility_code"], r["facility"]) for r in rows] == [(facility.pk, CODE, CODE)]


@pytest.mark.parametrize("name", ["facilities", *FACILITY_LISTS])
def test_region_by_code_and_by_id(api, estate, name):
    region = Region.objects.get(code="KZ-35")
    by_code = api.get(f"/api/v1/{name}/", {"region": "kz-35"}).json()["results"]
    by_id = api.get(f"/api/v1/{name}/", {"region": str(region.pk)}).json()["results"]
    assert by_code == by_id and len(by_code) >= 1
    if name == "facilities":
        assert [(r["code"], r["region_id"], r["region_code"]) for r in by_code] == [(CODE, region.pk, "KZ-35")]
    else:
        assert {r["facility_code"] for r in by_code} == {CODE}


@pytest.mark.parametrize("name", ["facilities", *FACILITY_LISTS])
def test_an_unknown_region_is_a_400_naming_it(api, estate, name):
    response = api.get(f"/api/v1/{name}/", {"region": "KZ-99"})
    assert response.status_code == 400
    assert response.json() == {"region": ["Unknown region code 'KZ-99'. Use an ISO 3166-2 code such as KZ-35."]}
    response = api.get(f"/api/v1/{name}/", {"region": "999999"})
    assert response.status_code == 400
    assert response.json() == {
        "region": ["Unknown region id 999999. Use a region's id or its ISO 3166-2 code, such as KZ-35."]
    }


def test_rows_name_the_region_by_id_and_code(api, estate):
    region = Region.objects.get(code="KZ-35")
    for name in ("conversions", "inspections"):
        row = api.get(f"/api/v1/{name}/", {"facility": CODE}).json()["results"][0]
        assert (row["region"], row["region_id"], row["region_code"]) == ("KZ-35", region.pk, "KZ-35")


def test_the_html_inspection_list_takes_the_id_too(browser, estate):
    facility, _other = estate
    by_code = browser.get("/inspections/", {"facility": CODE, "export": "csv", "sep": "comma"})
    by_id = browser.get("/inspections/", {"facility": str(facility.pk), "export": "csv", "sep": "comma"})
    assert by_code.status_code == 200 and by_id.status_code == 200
    body = b"".join(by_code.streaming_content).decode("utf-8-sig")
    assert body == b"".join(by_id.streaming_content).decode("utf-8-sig")
    assert CODE in body and "OTHER-1" not in body
    unknown = browser.get("/inspections/", {"facility": "НЕТ-1", "export": "csv"})
    assert unknown.status_code == 400
    assert "facility: Unknown facility 'НЕТ-1'. Give the facility's code or its id." in unknown.content.decode()


def test_the_html_list_shows_the_error_of_an_unknown_facility(browser, estate):
    response = browser.get("/findings/", {"facility": "НЕТ-1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown facility &#x27;НЕТ-1&#x27;. Give the facility&#x27;s code or its id." in page
