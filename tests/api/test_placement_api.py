"""POST /api/v1/placement/plan/ (issue 19, item 2): the near-home placement plan on a hand-built estate.

The estate (facilities located at their regions' centres, data/regions.csv):

- A (KZ-35, colony/medium/men): one dormitory of 40 places (compliant under MANDELA-2015), 30 persons held,
  20 of them from KZ-35 and 10 from KZ-10;
- B (KZ-10, colony/medium/men): B1, 30 places compliant under MANDELA-2015, 25 persons (all from KZ-10),
  and B2, 15 empty places without a sanitary annex (not compliant under MANDELA-2015);
- C (KZ-23, colony/medium/women): 10 places, 10 persons, 7 from KZ-23 and 3 from KZ-15;
- D (KZ-15, colony/medium/women): 10 places, 4 persons from KZ-15.

Karaganda to Semey is 512.8 km, Atyrau to Aktobe 522.0 km (great circle): the 13 persons away from home are
all more than 500 km from it. The optimal plan brings them all home: 10 from A to B, 3 from C to D (never
women to B or men to D). Persons of known home: 69; at home before 56 (81.2 %), after 69 (100.0 %).
"""

import datetime
import json

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from cells.models import Cell, StandardProfile
from cells.services import recalculate_compliance
from core.schema import RESOURCES
from facilities.models import Region
from reporting import placement
from reporting.distance import FAR_KM_SOURCE
from tests.conftest import make_user, token_client
from tests.factories import (
    BlockFactory,
    CellFactory,
    ConversionProjectFactory,
    FacilityFactory,
    ResidencePopulationFactory,
)

URL = "/api/v1/placement/plan/"
MEN, WOMEN = "colony/medium/men", "colony/medium/women"
COUNTED = timezone.localdate() - datetime.timedelta(days=30)


def _room(facility, name, places, persons, annex=True):
    block = BlockFactory(facility=facility, name=name)
    return CellFactory(
        block=block,
        number=name,
        accommodation_type="dormitory",
        design_capacity=places,
        occupancy=persons,
        living_space_m2=places * 4,
        has_sanitary_annex=annex,
        sanitary_annex_partitioned=annex,
    )


@pytest.fixture
def estate(standards, regions):
    """The estate of the module docstring, with its compliance computed; the facilities by letter."""
    a = FacilityFactory(code="PL-A", region__code="KZ-35")
    b = FacilityFactory(code="PL-B", region__code="KZ-10")
    c = FacilityFactory(code="PL-C", region__code="KZ-23", category="women")
    d = FacilityFactory(code="PL-D", region__code="KZ-15", category="women")
    _room(a, "A1", 40, 30)
    _room(b, "B1", 30, 25)
    _room(b, "B2", 15, 0, annex=False)
    _room(c, "C1", 10, 10)
    _room(d, "D1", 10, 4)
    for facility, home, persons in [
        (a, "KZ-35", 20),
        (a, "KZ-10", 10),
        (b, "KZ-10", 25),
        (c, "KZ-23", 7),
        (c, "KZ-15", 3),
        (d, "KZ-15", 4),
    ]:
        ResidencePopulationFactory(
            facility=facility, home_region=Region.objects.get(code=home), date=COUNTED, persons=persons
        )
    recalculate_compliance()
    return {"A": a.pk, "B": b.pk, "C": c.pk, "D": d.pk}


def plan(client, body=None, **headers):
    return client.post(URL, body if body is not None else {}, format="json", **headers)


def test_the_plan_brings_everyone_home_with_exact_figures(api, estate):
    a, b, c, d = (estate[k] for k in "ABCD")
    response = plan(api)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["date"] == timezone.localdate().isoformat()
    assert (body["scope"], body["is_demo"], body["curve"]) == (None, False, None)
    assert body["inputs"]["counts_from"] == body["inputs"]["counts_to"] == COUNTED.isoformat()
    assert body["inputs"]["groups"] == [
        {"facility": a, "home_region": "KZ-10", "persons": 10},
        {"facility": a, "home_region": "KZ-35", "persons": 20},
        {"facility": b, "home_region": "KZ-10", "persons": 25},
        {"facility": c, "home_region": "KZ-15", "persons": 3},
        {"facility": c, "home_region": "KZ-23", "persons": 7},
        {"facility": d, "home_region": "KZ-15", "persons": 4},
    ]
    assert body["inputs"]["capacity"] == [
        {"facility": b, "code": "PL-B", "region": "KZ-10", "class": MEN, "capacity": 45, "population": 25,
         "population_after": 35},
        {"facility": d, "code": "PL-D", "region": "KZ-15", "class": WOMEN, "capacity": 10, "population": 4,
         "population_after": 7},
        {"facility": c, "code": "PL-C", "region": "KZ-23", "class": WOMEN, "capacity": 10, "population": 10,
         "population_after": 7},
        {"facility": a, "code": "PL-A", "region": "KZ-35", "class": MEN, "capacity": 40, "population": 30,
         "population_after": 20},
    ]  # fmt: skip
    assert body["inputs"]["projects"] == []
    assert body["before"] == {
        "persons_known_home": 69,
        "persons_in_home_region": 56,
        "share_in_home_region": 81.2,
        "persons_over_500_km": 13,
        "mean_km_from_home": 97.0,  # (10 × 512.8 + 3 × 522.0) / 69
    }
    assert body["after"] == {
        "persons_known_home": 69,
        "persons_in_home_region": 69,
        "share_in_home_region": 100.0,
        "persons_over_500_km": 0,
        "mean_km_from_home": 0.0,
        "persons_moved": 13,
    }
    assert body["moves"] == [
        {"from_facility": a, "to_facility": b, "home_region": "KZ-10", "persons": 10},
        {"from_facility": c, "to_facility": d, "home_region": "KZ-15", "persons": 3},
    ]
    assert body["shortfall"] == []
    kz10 = next(row for row in body["regions"] if row["home_region"] == "KZ-10")
    assert kz10["before"]["share_in_home_region"] == 71.4  # 25 of 35
    assert (kz10["after"]["share_in_home_region"], kz10["persons_moved"]) == (100.0, 10)
    assert body["solver"]["variables"] > 0 and body["solver"]["method"] == "network LP"


def test_the_definitions_name_each_figure_and_its_dates(api, estate):
    body = plan(api).json()
    definitions = body["definitions"]
    assert set(definitions) == {
        "persons_known_home",
        "persons_in_home_region",
        "share_in_home_region",
        "persons_over_500_km",
        "mean_km_from_home",
        "persons_moved",
        "capacity",
        "population",
        "shortfall",
    }
    counted, today = COUNTED.isoformat(), timezone.localdate().isoformat()
    assert (definitions["persons_known_home"]["date_from"], definitions["persons_known_home"]["date_to"]) == (
        counted,
        counted,
    )
    assert definitions["persons_known_home"]["definition"].startswith("Persons counted by home region")
    assert definitions["share_in_home_region"]["definition"] == (
        "Persons in their home region divided by persons of known home, in per cent to 1 decimal place."
    )
    far = definitions["persons_over_500_km"]
    assert (far["threshold_km"], far["source"]) == (500, str(FAR_KM_SOURCE))
    assert "more than 500 km" in far["definition"]
    assert definitions["capacity"]["definition"].startswith("Operational places: the certified capacity of the cells")
    assert (definitions["capacity"]["date_from"], definitions["capacity"]["date_to"]) == (today, today)


def test_the_answer_equals_compute_and_adds_only_the_definitions(api, estate):
    """The API is reporting.placement.compute's answer as it is (dates ISO), plus ``definitions``."""
    body = plan(api, {"max_moves": 7, "curve": True}).json()
    expected = placement.compute(placement.Options(date=timezone.localdate(), max_moves=7), curve=True)
    expected = json.loads(json.dumps(expected, default=str))
    del body["definitions"]
    for answer in (body, expected):
        answer["solver"].pop("seconds")
    assert body == expected


def test_nothing_is_written(api, estate):
    models = apps.get_models()
    before = {model._meta.label: model._default_manager.count() for model in models}
    with CaptureQueriesContext(connection) as queries:
        for body in ({}, {"curve": True, "max_moves": 4, "compliant_only": "MANDELA-2015"}):
            assert plan(api, body).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert {model._meta.label: model._default_manager.count() for model in models} == before
    assert before["facilities.ResidencePopulation"] == 6 and before["facilities.HistoricalResidencePopulation"] == 6


def test_max_moves_is_respected_and_the_farthest_come_home_first(api, estate):
    a, b, c, d = (estate[k] for k in "ABCD")
    body = plan(api, {"max_moves": 5}).json()
    # 5 persons home either way; the 3 from KZ-15 save 522.0 km each, those from KZ-10 512.8 km: all 3 of C's
    # and 2 of A's come home.
    assert body["moves"] == [
        {"from_facility": a, "to_facility": b, "home_region": "KZ-10", "persons": 2},
        {"from_facility": c, "to_facility": d, "home_region": "KZ-15", "persons": 3},
    ]
    assert body["after"]["persons_moved"] == 5
    assert (body["after"]["persons_in_home_region"], body["after"]["share_in_home_region"]) == (61, 88.4)
    assert (body["after"]["persons_over_500_km"], body["after"]["mean_km_from_home"]) == (8, 59.5)  # 8 × 512.8 / 69
    assert body["solver"]["method"] == "integer programs"
    none = plan(api, {"max_moves": 0}).json()
    assert none["moves"] == [] and none["after"]["share_in_home_region"] == 81.2


def test_compliant_only_counts_only_compliant_places(api, estate):
    a, b = estate["A"], estate["B"]
    body = plan(api, {"compliant_only": "MANDELA-2015"}).json()
    capacity = {row["code"]: row["capacity"] for row in body["inputs"]["capacity"]}
    assert capacity == {"PL-A": 40, "PL-B": 30, "PL-C": 10, "PL-D": 10}  # B2 (15, no annex) no longer counts
    assert body["moves"][0] == {"from_facility": a, "to_facility": b, "home_region": "KZ-10", "persons": 5}
    assert body["after"]["persons_moved"] == 8
    assert body["after"]["share_in_home_region"] == 92.8  # 64 of 69
    assert body["shortfall"] == [{"home_region": "KZ-10", "class": MEN, "persons": 5}]


def test_the_curve_is_added_when_asked(api, estate):
    curve = plan(api, {"curve": True}).json()["curve"]
    assert curve[0] == {"max_moves": 0, "persons_in_home_region": 56, "share_in_home_region": 81.2}
    assert curve[-1] == {"max_moves": 13, "persons_in_home_region": 69, "share_in_home_region": 100.0}
    assert [p["max_moves"] for p in curve] == sorted({p["max_moves"] for p in curve})
    assert all(p["persons_in_home_region"] <= 56 + p["max_moves"] for p in curve)  # one person home per move at most


def test_include_projects_until_counts_the_projects_places(api, estate):
    b2 = Cell.objects.get(number="B2").block
    soon, later = (
        timezone.localdate() + datetime.timedelta(days=90),
        timezone.localdate() + datetime.timedelta(days=400),
    )
    project = ConversionProjectFactory(block=b2, status="design", planned_end=soon, target_places=20)
    ConversionProjectFactory(block=Cell.objects.get(number="D1").block, planned_end=later, target_places=50)
    body = plan(api, {"include_projects_until": soon.isoformat()}).json()
    capacity = {row["code"]: row["capacity"] for row in body["inputs"]["capacity"]}
    assert capacity == {"PL-A": 40, "PL-B": 50, "PL-C": 10, "PL-D": 10}  # B: 45 - B2's 15 + the project's 20
    [row] = body["inputs"]["projects"]
    assert {k: row[k] for k in ("project", "facility", "block", "planned_end", "places_added", "places_replaced")} == {
        "project": project.pk,
        "facility": estate["B"],
        "block": b2.pk,
        "planned_end": soon.isoformat(),
        "places_added": 20,
        "places_replaced": 15,
    }
    assert plan(api).json()["inputs"]["projects"] == []


def test_an_older_date_reads_the_counts_of_then(api, estate):
    assert plan(api, {"date": (COUNTED - datetime.timedelta(days=1)).isoformat()}).json()["inputs"]["groups"] == []


def test_a_scoped_editor_gets_their_regions_part(estate):
    a, b = estate["A"], estate["B"]
    client = token_client(make_user("editor_kz10", "Ministry editors", regions=["KZ-10"]))
    body = plan(client).json()
    assert body["scope"] == ["KZ-10"]
    assert body["moves"] == [{"from_facility": a, "to_facility": b, "home_region": "KZ-10", "persons": 10}]
    assert {row["code"] for row in body["inputs"]["capacity"]} == {"PL-A", "PL-B"}
    assert body["inputs"]["groups"] == [
        {"facility": a, "home_region": "KZ-10", "persons": 10},
        {"facility": b, "home_region": "KZ-10", "persons": 25},
    ]
    assert [row["home_region"] for row in body["regions"]] == ["KZ-10"]
    assert body["before"] == {
        "persons_known_home": 35,
        "persons_in_home_region": 25,
        "share_in_home_region": 71.4,
        "persons_over_500_km": 10,
        "mean_km_from_home": 146.5,  # 10 × 512.8 / 35
    }
    assert body["after"]["persons_moved"] == 10 and body["after"]["share_in_home_region"] == 100.0


def test_every_portal_role_may_ask_and_anonymous_may_not(world, estate):
    for role in ("admin", "prosecutor", "prosecutor_a", "editor_a", "reviewer_a", "api_client"):
        assert plan(world.clients[role]).status_code == 200, role
    anonymous = plan(APIClient())
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"detail"}
    nobody = plan(world.clients["nobody"])
    assert nobody.status_code == 403


def assert_refused(response, field, reason):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert list(body) == [field], body
    assert any(reason in message for message in body[field]), body


def test_each_bad_option_is_refused_naming_the_field(api, estate):
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    StandardProfile.objects.filter(code="ICRC-2012").update(is_active=False)
    cases = [
        ({"date": tomorrow}, "date", f"The date cannot be in the future (today is {today:%Y-%m-%d})."),
        ({"date": "1899-12-31"}, "date", "The date must be between 1900-01-01 and 2100-12-31."),
        ({"date": "31.02.2024"}, "date", "Date has wrong format."),
        ({"include_projects_until": "2101-01-01"}, "include_projects_until", "The date must be between"),
        ({"compliant_only": "NOPE"}, "compliant_only", "Unknown standard profile 'NOPE'"),
        ({"compliant_only": "ICRC-2012"}, "compliant_only", "The standard profile 'ICRC-2012' is inactive"),
        ({"max_moves": -1}, "max_moves", "Ensure this value is greater than or equal to 0."),
        ({"max_moves": "3"}, "max_moves", "A valid integer is required: a JSON number, not a text."),
        ({"max_moves": 2.5}, "max_moves", "A valid integer is required: a whole number"),
        ({"max_moves": 5.0}, "max_moves", "A valid integer is required: a whole number"),
        ({"max_moves": True}, "max_moves", "A valid integer is required."),
        ({"max_moves": 10**7}, "max_moves", "Ensure this value is less than or equal to 1000000."),
        ({"curve": "yes"}, "curve", "Must be true, false or null."),
        ({"curve": 1}, "curve", "Must be true, false or null."),
        ({"moves": 3}, "moves", "Unknown field."),
        (["date"], "non_field_errors", "Expected a JSON object."),
        ("2026-01-01", "non_field_errors", "Expected a JSON object."),
    ]
    for body, field, reason in cases:
        assert_refused(plan(api, body), field, reason)
    for raw in (b"null", b"3", b'"x"', b"[]"):
        refused = api.post(URL, data=raw, content_type="application/json")
        assert refused.status_code == 400 and list(refused.json()) == ["non_field_errors"], (raw, refused.content)
    two = plan(api, {"max_moves": -1, "maximum": 1}).json()
    assert two == {"maximum": ["Unknown field."]}  # unknown keys first, as every strict endpoint


def test_nulls_are_the_defaults(api, estate):
    body = {"date": None, "compliant_only": None, "include_projects_until": None, "max_moves": None, "curve": None}
    response = plan(api, body)
    assert response.status_code == 200
    assert response.json()["after"]["persons_moved"] == 13 and response.json()["curve"] is None


def test_errors_are_in_the_request_language(api, estate):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    ru = plan(api, {"date": tomorrow}, HTTP_ACCEPT_LANGUAGE="ru")
    assert ru.json() == {"date": [f"Дата не может быть позднее текущей (сегодня {timezone.localdate():%Y-%m-%d})."]}
    kk = plan(api, {"foo": 1}, HTTP_ACCEPT_LANGUAGE="kk")
    assert kk.json() == {"foo": ["Белгісіз өріс."]}
    ru = plan(api, {"max_moves": 2.5}, HTTP_ACCEPT_LANGUAGE="ru")
    assert ru.json() == {"max_moves": ["Требуется целое число: без десятичной точки и без экспоненты."]}


def test_a_plan_the_solver_cannot_find_answers_503_and_is_logged(api, estate, monkeypatch, caplog):
    def fail(options, curve=False, regions=None):
        raise placement.PlanError("Time limit reached")

    monkeypatch.setattr(placement, "compute", fail)
    with caplog.at_level("ERROR", logger="reporting.api.placement"):
        response = plan(api)
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The placement plan could not be computed: the solver found no optimal plan (Time limit reached). "
        "Nothing was written; try again later or report it to the administrators."
    }
    assert "Time limit reached" in caplog.text


def test_other_content_types_are_refused(api, estate):
    response = api.post(URL, {"max_moves": "3"})  # multipart
    assert response.status_code == 415


def test_the_schema_documents_the_operation(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"][URL]["post"]
    assert operation["tags"] == [RESOURCES["placement"][0]] == ["Placement planner"]
    assert operation["summary"] == "Compute the near-home placement plan, writing nothing"
    assert set(operation["responses"]) >= {"200", "400", "401", "403", "503"}
    components = schema["components"]["schemas"]
    options = components["PlacementOptionsRequest"]["properties"]
    assert set(options) == {"date", "compliant_only", "include_projects_until", "max_moves", "curve"}
    assert (options["max_moves"]["type"], options["max_moves"]["minimum"]) == ("integer", 0)
    plan_schema = components["PlacementPlan"]["properties"]
    assert {"inputs", "before", "after", "moves", "shortfall", "regions", "solver", "scope", "definitions"} <= set(
        plan_schema
    )
    assert set(components["PlacementCapacity"]["properties"]) == {
        "facility",
        "code",
        "region",
        "class",
        "capacity",
        "population",
        "population_after",
    }
    assert "persons_moved" in components["PlacementFiguresAfter"]["properties"]
