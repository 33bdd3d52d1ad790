"""POST /api/v1/compliance/check/: validation and results."""

import pytest

URL = "/api/v1/compliance/check/"


def post(api, payload):
    return api.post(URL, payload, format="json")


def test_single_cell_of_5_9(api, standards):
    body = post(api, {"accommodation_type": "single_occupancy_cell", "living_space_m2": "5.9"}).json()
    rules = {r["code"]: r for p in body["profiles"] for r in p["rules"]}
    assert rules["CPT-2015-1"] == {
        "code": "CPT-2015-1",
        "status": "fail",
        "measured": 5.9,
        "required": 6.0,
        "operator": ">=",
        "unit": "m2",
        "source": "CPT/Inf (2015) 44, paras 9-10",
        "summary": rules["CPT-2015-1"]["summary"],
    }
    assert rules["ICRC-2012-1"]["status"] == "pass"
    assert [p["code"] for p in body["profiles"]] == ["CPT-2015", "ICRC-2012", "MANDELA-2015", "KZ-ROADMAP"]
    icrc = next(p for p in body["profiles"] if p["code"] == "ICRC-2012")
    assert icrc["verified"] is False


def test_dormitory_and_chosen_profiles(api, standards):
    body = post(
        api,
        {
            "accommodation_type": "dormitory",
            "living_space_m2": 70,
            "design_capacity": 20,
            "profiles": ["CPT-2015", "KZ-ROADMAP", "KZ-PEC-2014"],
        },
    ).json()
    assert [p["code"] for p in body["profiles"]] == ["CPT-2015", "KZ-ROADMAP", "KZ-PEC-2014"]
    rules = {r["code"]: r for p in body["profiles"] for r in p["rules"]}
    assert rules["CPT-2015-2"]["measured"] == 3.5 and rules["CPT-2015-2"]["status"] == "fail"
    assert rules["RM-1"]["status"] == "fail" and rules["PEC-1"]["status"] == "fail"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({}, "accommodation_type"),
        ({"accommodation_type": "cave"}, "accommodation_type"),
        ({"accommodation_type": "dormitory", "living_space_m2": "NaN"}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": "Infinity"}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": "1e400"}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": "12,5"}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": "abc"}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": 0}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": -3}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": 10000.01}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "living_space_m2": "6.123"}, "living_space_m2"),
        ({"accommodation_type": "dormitory", "ceiling_height_m": 100.5}, "ceiling_height_m"),
        ({"accommodation_type": "dormitory", "min_wall_distance_m": 0}, "min_wall_distance_m"),
        ({"accommodation_type": "dormitory", "design_capacity": 0}, "design_capacity"),
        ({"accommodation_type": "dormitory", "design_capacity": 1001}, "design_capacity"),
        ({"accommodation_type": "dormitory", "design_capacity": 2.5}, "design_capacity"),
        ({"accommodation_type": "dormitory", "design_capacity": "ten"}, "design_capacity"),
        ({"accommodation_type": "dormitory", "design_capacity": True}, "design_capacity"),
        ({"accommodation_type": "dormitory", "occupancy": -1}, "occupancy"),
        ({"accommodation_type": "dormitory", "occupancy": 1001}, "occupancy"),
        ({"accommodation_type": "dormitory", "has_natural_light": "maybe"}, "has_natural_light"),
        ({"accommodation_type": "single_occupancy_cell", "design_capacity": 2}, "design_capacity"),
        ({"accommodation_type": "dormitory", "profiles": ["CPT-2015", "NOPE"]}, "profiles"),
        ({"accommodation_type": "dormitory", "profiles": []}, "profiles"),
        ({"accommodation_type": "dormitory", "profiles": "CPT-2015"}, "profiles"),
        ({"accommodation_type": "dormitory", "living_area_m2": 12}, "living_area_m2"),  # a typo is not ignored
    ],
)
def test_bad_input_gives_400_with_the_field(api, standards, payload, field):
    response = post(api, payload)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_not_json_object(api, standards):
    assert api.post(URL, "[1, 2]", content_type="application/json").status_code == 400
    assert api.post(URL, "{not json", content_type="application/json").status_code == 400
    assert (
        api.post(
            URL, '{"accommodation_type": "dormitory", "living_space_m2": NaN}', content_type="application/json"
        ).status_code
        == 400
    )
