"""The public API (issue 20, API contract): a root of absolute URLs, every answer naming its release,
facility rows with persons_held rounded or null with its reason (never a raw count below the threshold),
caching headers, 404 before any release, and the schema documenting it."""

from django.db import connection
from django.utils.encoding import iri_to_uri
from rest_framework.test import APIClient

from public import disclosure
from tests.public.site.conftest import publish_fresh

BASE = "http://testserver/api/public/v1/"


def get(path, **params):
    response = APIClient().get(BASE + path, params)
    assert response.status_code == 200, (path, response.status_code, response.content[:200])
    return response


def test_the_root_lists_the_endpoints_by_absolute_url(public_demo):
    body = get("").json()
    assert {k: body[k] for k in ("nation", "regions", "facilities", "recommendations", "releases")} == {
        "nation": BASE + "nation/",
        "regions": BASE + "regions/",
        "facilities": BASE + "facilities/",
        "recommendations": BASE + "recommendations/",
        "releases": BASE + "releases/",
    }
    assert body["release"]["number"] == 1
    for name in ("nation", "regions", "facilities", "recommendations", "releases"):
        assert APIClient().get(body[name]).status_code == 200


def test_every_answer_names_its_release(public_demo):
    for path in (
        "",
        "nation/",
        "regions/",
        "regions/KZ-10/",
        "facilities/",
        "recommendations/",
        "releases/",
        "releases/1/",
    ):
        release = get(path).json()["release"]
        assert release["number"] == 1 and release["as_of"] == public_demo.as_of.isoformat(), path
        assert release["demo"] is True


def test_the_nation_is_the_release_s_figures(public_demo):
    body = get("nation/").json()
    assert body["nation"] == public_demo.content["nation"]
    assert body["disclosure"] == {"threshold": 10, "rounding_base": 5, "zeros_disclosive": False}
    assert [p["code"] for p in body["profiles"]] == [p["code"] for p in public_demo.content["profiles"]]


def test_facility_rows_carry_persons_held_as_published(public_demo):
    body = get("facilities/").json()
    rows = body["results"]
    assert body["count"] == len(rows) == len(public_demo.content["facilities"])
    withheld = {(w["code"], w["column"]): w["value"] for w in public_demo.withheld if w["table"] == "facility"}
    reasons = set()
    for row in rows:
        for name in ("persons_held", "persons_in_single_cells", "persons_near_home", "persons_counted_by_home"):
            value, reason = row[name], row[f"{name}_suppressed"]
            if value is None:
                assert reason in disclosure.REASONS, (row["code"], name)
                reasons.add(reason)
            else:
                assert reason is None
                assert value % 5 == 0 and not (0 < value < 10), (row["code"], name, value)
                assert (row["code"], name) not in withheld
        assert row["url"] == BASE + iri_to_uri(f"facilities/{row['code']}/")
    assert "threshold" in reasons  # the demo has some
    one = rows[0]
    assert get(f"facilities/{one['code']}/").json()["facility"] == one


def test_facilities_filter_by_region(public_demo):
    rows = get("facilities/", region="KZ-10").json()["results"]
    assert rows and {r["region"] for r in rows} == {"KZ-10"}
    bad = APIClient().get(BASE + "facilities/", {"region": "KZ-99"})
    assert bad.status_code == 400
    assert "region" in bad.json()
    assert APIClient().get(BASE + "facilities/NO-SUCH/").status_code == 404
    assert APIClient().get(BASE + "regions/KZ-99/").status_code == 404


def test_regions_and_their_detail(public_demo):
    body = get("regions/").json()
    assert body["count"] == 20
    region = get("regions/KZ-10/").json()
    assert (
        region["region"]["persons_held"]
        == next(r for r in public_demo.content["regions"] if r["code"] == "KZ-10")["persons_held"]
    )
    assert region["facilities_without_detail"] == 0


def test_releases_and_a_past_release(public_demo):
    fresh = publish_fresh("second")
    body = get("releases/").json()
    assert [r["number"] for r in body["results"]] == [fresh.number, 1]
    assert body["release"]["number"] == fresh.number
    past = get("releases/1/").json()
    assert past["number"] == 1 and past["current"] is False
    assert past["note"]["en"] == public_demo.note
    assert past["nation"] == public_demo.content["nation"]
    assert APIClient().get(BASE + "releases/999/").status_code == 404


def test_answers_are_cacheable_and_set_no_cookie(public_demo):
    for path in ("", "nation/", "regions/", "facilities/", "recommendations/", "releases/", "releases/1/"):
        response = get(path)
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"].startswith(f'"{public_demo.etag}-')
        assert not response.cookies
        assert APIClient().get(BASE + path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_404_with_a_message_before_any_release(public_demo):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE public_release CASCADE")  # rolled back with the test's transaction
    for path in ("nation/", "regions/", "facilities/", "recommendations/", "releases/"):
        response = APIClient().get(BASE + path)
        assert response.status_code == 404
        assert response.json() == {"detail": "No release has been published yet."}
    root = APIClient().get(BASE)
    assert root.status_code == 200 and root.json()["release"] is None


def test_the_schema_documents_the_public_api(public_demo, api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    public = {p: item for p, item in schema["paths"].items() if p.startswith("/api/public/v1/")}
    assert set(public) == {
        "/api/public/v1/",
        "/api/public/v1/nation/",
        "/api/public/v1/regions/",
        "/api/public/v1/regions/{code}/",
        "/api/public/v1/facilities/",
        "/api/public/v1/facilities/{code}/",
        "/api/public/v1/recommendations/",
        "/api/public/v1/releases/",
        "/api/public/v1/releases/{number}/",
    }
    for item in public.values():
        assert item["get"]["tags"] == ["Public site"]
        assert "401" not in item["get"]["responses"]
        assert item["get"].get("security") in (None, [], [{}]) or {} in item["get"]["security"]
    facility = schema["components"]["schemas"]["PublicFacility"]["properties"]
    assert facility["persons_held"]["nullable"] is True
    assert "persons_held_suppressed" in facility


def test_the_public_schema_needs_no_login_and_holds_only_the_public_paths(db):
    response = APIClient().get("/api/public/v1/schema/?format=json")
    assert response.status_code == 200
    assert "Set-Cookie" not in response
    paths = set(response.json()["paths"])
    assert {"/api/public/v1/", "/api/public/v1/nation/", "/api/public/v1/facilities/{code}/"} <= paths
    assert all(path.startswith("/api/public/v1/") for path in paths)
