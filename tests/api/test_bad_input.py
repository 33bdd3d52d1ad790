"""Bad input found by trying to break the API: each answers 4xx with the reason, never a server error."""

import json

import pytest
from rest_framework.test import APIClient

from tests.factories import CellFactory


@pytest.fixture
def cell(standards, regions):
    return CellFactory(block__facility__code="АҚ-1", block__facility__region__code="KZ-35")


@pytest.mark.parametrize("path", ["facilities", "cells", "blocks", "conversions", "standards", "regions"])
def test_double_minus_ordering_is_refused(api, cell, path):
    field = {
        "facilities": "code",
        "cells": "number",
        "blocks": "name",
        "conversions": "status",
        "standards": "code",
        "regions": "code",
    }[path]
    response = api.get(f"/api/v1/{path}/", {"ordering": f"--{field}"})
    assert response.status_code == 400 and "ordering" in response.json()
    assert api.get(f"/api/v1/{path}/", {"ordering": f"-{field}"}).status_code == 200


@pytest.mark.parametrize(
    "params,field",
    [
        ({"regoin": "KZ-35"}, "regoin"),
        ({"block": "12.9"}, "block"),
        ({"block": "1.2e1"}, "block"),
        ({"block": "99999999999999999999"}, "block"),
        ({"block": "٤"}, "block"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1e400"}, "page"),
        ({"region": "KZ-35\x00"}, "region"),
    ],
)
def test_bad_list_parameters(api, cell, params, field):
    response = api.get("/api/v1/cells/", params)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_page_past_the_end_is_404_and_empty_values_are_ignored(api, cell):
    assert api.get("/api/v1/cells/", {"page": "99"}).status_code == 404
    assert api.get("/api/v1/cells/", {"accommodation_type": ""}).json()["count"] == 1
    assert api.get("/api/v1/facilities/", {"kind": "", "region": "kz-35"}).json()["count"] == 1
    message = api.get("/api/v1/facilities/", {"region": "KZ-99"}).json()["region"][0]
    assert "Unknown region code 'KZ-99'" in message
    message = api.get("/api/v1/facilities/", {"profile": "KZ-PEC-2014"}).json()["profile"][0]
    assert "inactive" in message


@pytest.mark.parametrize(
    "params", [{"region": "\x00"}, {"region": "KZ-35\x00"}, {"region": ["KZ-35", "KZ-10"]}, {"region": "x" * 5000}]
)
def test_summary_region_refusals(api, cell, params):
    response = api.get("/api/v1/summary/", params)
    assert response.status_code == 400 and "region" in response.json()


def test_summary_region_is_case_insensitive(api, cell):
    assert api.get("/api/v1/summary/", {"region": "kz-35"}).json()["population"] == 1


def test_malformed_tokens_are_401(cell):
    for key in ["abc\x00", "' OR 1=1 --", "0" * 41, "é"]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/v1/regions/").status_code == 401


def test_schema_requires_authentication(db):
    assert APIClient().get("/api/schema/").status_code == 401


def test_unknown_api_path_is_json_404(api, db):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


URL = "/api/v1/compliance/check/"


def test_design_check_pathological_bodies(api, standards):
    deep = "[" * 100_000 + "]" * 100_000
    assert api.post(URL, deep, content_type="application/json").status_code == 400
    nested = '{"a":' * 5000 + "1" + "}" * 5000
    assert api.post(URL, nested, content_type="application/json").status_code == 400
    big = json.dumps({"accommodation_type": "dormitory", "padding": "x" * 3_000_000})
    response = api.post(URL, big, content_type="application/json")
    assert response.status_code == 413 and response.json() == {"detail": "Request body too large."}
    form = api.post(
        URL, "accommodation_type=dormitory&has_natural_light=true", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 415


@pytest.mark.parametrize(
    "payload,field,reason",
    [
        ({"living_space_m2": ""}, "living_space_m2", "Use null"),
        ({"design_capacity": ""}, "design_capacity", "Use null"),
        ({"min_wall_distance_m": 10000}, "min_wall_distance_m", "less than or equal to 100"),
        ({"living_space_m2": 100000}, "living_space_m2", "less than or equal to 10000"),
        ({"living_space_m2": "٤"}, "living_space_m2", "valid number"),
        ({"design_capacity": "４"}, "design_capacity", "valid integer"),
    ],
)
def test_design_check_field_reasons(api, standards, payload, field, reason):
    response = api.post(URL, {"accommodation_type": "dormitory", **payload}, format="json")
    assert response.status_code == 400
    assert reason in response.json()[field][0]


def test_design_check_accepts_trailing_zeros_and_empty_household(api, standards):
    body = api.post(
        URL,
        {
            "accommodation_type": "multiple_occupancy_cell",
            "living_space_m2": "12.50000",
            "occupancy": 0,
            "profiles": ["CPT-2015"],
        },
        format="json",
    )
    assert body.status_code == 200
    rules = {r["code"]: r for r in body.json()["profiles"][0]["rules"]}
    assert rules["CPT-2015-2"]["status"] == "unknown"  # nobody and no capacity: no space per person
