"""The permission matrix: every role against every endpoint (API) and page, in its region (A) and outside (B)."""

import pytest
from django.utils import timezone

from tests.conftest import make_user

ROLES = ["admin", "prosecutor", "prosecutor_a", "editor_a", "api_client", "api_headcount_a", "nobody", "reviewer_a"]


def _expect(table):
    return dict(zip(ROLES, table))


# (name, method, url, body, expected status per role in ROLES order)
API_READS = [
    ("facility list A", "get", "/api/v1/facilities/{a.facility.pk}/", None, [200, 200, 200, 200, 200, 200, 403, 200]),
    ("facility B", "get", "/api/v1/facilities/{b.facility.pk}/", None, [200, 200, 404, 404, 200, 200, 403, 404]),
    ("block B", "get", "/api/v1/blocks/{b.block.pk}/", None, [200, 200, 404, 404, 200, 200, 403, 404]),
    ("cell B", "get", "/api/v1/cells/{b.cell.pk}/", None, [200, 200, 404, 404, 200, 200, 403, 404]),
    ("project B", "get", "/api/v1/conversions/{b.project.pk}/", None, [200, 200, 404, 404, 200, 200, 403, 404]),
    ("inspection B", "get", "/api/v1/inspections/{b.inspection.pk}/", None, [200, 200, 404, 404, 200, 200, 403, 404]),
    ("finding B", "get", "/api/v1/findings/{b.finding.pk}/", None, [200, 200, 404, 404, 200, 200, 403, 404]),
    ("history A cell", "get", "/api/v1/cells/{a.cell.pk}/history/", None, [200, 200, 200, 200, 200, 200, 403, 200]),
    ("summary", "get", "/api/v1/summary/", None, [200, 200, 200, 200, 200, 200, 403, 200]),
    ("movements", "get", "/api/v1/movements/", None, [200, 200, 200, 200, 200, 200, 403, 200]),
]

# A role that may not write anywhere is refused (403) before its object is looked up (issue 16, item 8).
API_WRITES = [
    (
        "progress A",
        "post",
        "/api/v1/conversions/{a.project.pk}/progress/",
        {
            "version": 1,
            "date": "{today}",
            "status": "construction",
            "percent_complete": "70",
            "budget_spent_kzt": "700000",
        },
        [201, 403, 403, 201, 403, 403, 403, 403],
    ),
    (
        "progress B",
        "post",
        "/api/v1/conversions/{b.project.pk}/progress/",
        {
            "version": 1,
            "date": "{today}",
            "status": "construction",
            "percent_complete": "70",
            "budget_spent_kzt": "700000",
        },
        [201, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "cell patch A",
        "patch",
        "/api/v1/cells/{a.cell.pk}/",
        {"living_space_m2": "7.10"},
        [200, 403, 403, 200, 403, 403, 403, 403],
    ),
    (
        "cell into B block",
        "patch",
        "/api/v1/cells/{a.cell.pk}/",
        {"block": "{b.cell_block.pk}"},
        [200, 403, 403, 400, 403, 403, 403, 403],
    ),
    (
        "headcount A",
        "patch",
        "/api/v1/cells/{a.cell.pk}/headcount/",
        {"occupancy": 1, "occupancy_date": "{today}"},
        [200, 403, 403, 200, 403, 200, 403, 403],
    ),
    (
        "headcount B",
        "patch",
        "/api/v1/cells/{b.cell.pk}/headcount/",
        {"occupancy": 1, "occupancy_date": "{today}"},
        [200, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "inspection A",
        "post",
        "/api/v1/inspections/",
        {
            "facility": "{a.facility.pk}",
            "date_start": "{today}",
            "body": "prosecutor",
            "type": "unannounced",
        },
        [201, 201, 201, 403, 403, 403, 403, 403],
    ),
    (
        "inspection B",
        "post",
        "/api/v1/inspections/",
        {
            "facility": "{b.facility.pk}",
            "date_start": "{today}",
            "body": "prosecutor",
            "type": "unannounced",
        },
        [201, 201, 400, 403, 403, 403, 403, 403],
    ),
    (
        "finding A",
        "post",
        "/api/v1/findings/",
        {"inspection": "{a.inspection.pk}", "severity": "low", "description": "Poor light"},
        [201, 201, 201, 403, 403, 403, 403, 403],
    ),
    (
        "answer finding A",
        "post",
        "/api/v1/findings/{a.finding.pk}/status/",
        {"status": "in_progress", "response": "Works ordered"},
        [201, 400, 400, 201, 403, 403, 403, 403],
    ),
    (
        "deactivate A (holds a person)",
        "post",
        "/api/v1/cells/{a.cell.pk}/deactivate/",
        {"reason": "damp", "expected_reactivation": "{today}"},
        [400, 403, 403, 400, 403, 403, 403, 403],
    ),
    (
        "deactivate B",
        "post",
        "/api/v1/cells/{b.cell.pk}/deactivate/",
        {"reason": "damp", "expected_reactivation": "{today}"},
        [400, 403, 403, 404, 403, 403, 403, 403],
    ),
    (
        "reactivate A (in use)",
        "post",
        "/api/v1/cells/{a.cell.pk}/reactivate/",
        {},
        [400, 403, 403, 400, 403, 403, 403, 403],
    ),
    (
        "move persons A",
        "post",
        "/api/v1/movements/",
        {
            "date": "{today}",
            "reason": "a test",
            "moves": [{"from_cell": "{a.crowded.pk}", "to_cell": "{a.cell.pk}", "persons": 1}],
        },
        [201, 403, 403, 201, 403, 403, 403, 403],
    ),
    (
        "move persons B",
        "post",
        "/api/v1/movements/",
        {
            "date": "{today}",
            "reason": "a test",
            "moves": [{"from_cell": "{b.crowded.pk}", "to_cell": "{b.cell.pk}", "persons": 1}],
        },
        [201, 403, 403, 403, 403, 403, 403, 403],
    ),
    (
        "completion plan A",
        "post",
        "/api/v1/conversions/{a.project.pk}/complete/plan/",
        {"cells": [{"number": "N1", "living_space_m2": "7.50"}], "persons_moved_in": 1},
        [200, 403, 403, 200, 403, 403, 403, 403],
    ),
    (
        "history is read-only",
        "post",
        "/api/v1/cells/{a.cell.pk}/history/",
        {},
        [405, 405, 405, 405, 405, 405, 403, 405],
    ),
]


# Certification (issue 17, item 3). The fixture certification_world gives F-A a pending request by editor_a
# on E1 ({a.request}), one by the administrator on D1 ({a.own_request}: the administrator's own), F-B one by
# an editor of KZ-10 ({b.request}), and each facility its baseline certificate (v1). A reviewer decides the
# requests of their regions (one outside them is not found: 404), never their own (403); an editor
# requests and withdraws, never decides (403, before the request is looked up); the others read.
CERT_LINE_A = [{"cell": "{a.cell.pk}", "action": "change", "has_sanitary_annex": False}]
API_CERTIFICATION = [
    ("cert requests", "get", "/api/v1/certification-requests/", None, [200, 200, 200, 200, 200, 200, 403, 200]),
    (
        "cert request A",
        "get",
        "/api/v1/certification-requests/{a.request.pk}/",
        None,
        [200, 200, 200, 200, 200, 200, 403, 200],
    ),
    (
        "cert request B",
        "get",
        "/api/v1/certification-requests/{b.request.pk}/",
        None,
        [200, 200, 404, 404, 200, 200, 403, 404],
    ),
    (
        "certificates A",
        "get",
        "/api/v1/facilities/{a.facility.pk}/certificates/",
        None,
        [200, 200, 200, 200, 200, 200, 403, 200],
    ),
    (
        "certificate B v1",
        "get",
        "/api/v1/facilities/{b.facility.pk}/certificates/1/",
        None,
        [200, 200, 404, 404, 200, 200, 403, 404],
    ),
    (
        "certificate A v1 csv",
        "get",
        "/api/v1/facilities/{a.facility.pk}/certificates/1/download/?export=csv",
        None,
        [200, 200, 200, 200, 200, 200, 403, 200],
    ),
    (
        "open cert request A",
        "post",
        "/api/v1/certification-requests/",
        {"facility": "{a.facility.pk}", "reason": "annex removed", "lines": CERT_LINE_A},
        [201, 403, 403, 201, 403, 403, 403, 403],
    ),
    (
        "open cert request B",
        "post",
        "/api/v1/certification-requests/",
        {
            "facility": "{b.facility.pk}",
            "reason": "annex removed",
            "lines": [{"cell": "{b.cell.pk}", "action": "change", "has_sanitary_annex": False}],
        },
        [201, 403, 403, 400, 403, 403, 403, 403],
    ),
    (
        "cert request on a pending cell",
        "post",
        "/api/v1/certification-requests/",
        {
            "facility": "{a.facility.pk}",
            "reason": "again",
            "lines": [{"cell": "{a.crowded.pk}", "action": "change", "certified_capacity": 20}],
        },
        [409, 403, 403, 409, 403, 403, 403, 403],
    ),
    (
        "approve A",
        "post",
        "/api/v1/certification-requests/{a.request.pk}/approve/",
        {},
        [200, 403, 403, 403, 403, 403, 403, 200],
    ),
    (
        "approve B",
        "post",
        "/api/v1/certification-requests/{b.request.pk}/approve/",
        {},
        [200, 403, 403, 403, 403, 403, 403, 404],
    ),
    (
        "approve own A",
        "post",
        "/api/v1/certification-requests/{a.own_request.pk}/approve/",
        {},
        [403, 403, 403, 403, 403, 403, 403, 200],
    ),
    (
        "reject A",
        "post",
        "/api/v1/certification-requests/{a.request.pk}/reject/",
        {"note": "measure again"},
        [200, 403, 403, 403, 403, 403, 403, 200],
    ),
    (
        "withdraw A",
        "post",
        "/api/v1/certification-requests/{a.request.pk}/withdraw/",
        {},
        [200, 403, 403, 200, 403, 403, 403, 403],
    ),
]


@pytest.fixture
def certification_world(world):
    """The world with pending certification requests and baseline certificates (see API_CERTIFICATION)."""
    from cells import certification

    editor_b = make_user("editor_b", "Ministry editors", regions=["KZ-10"])
    for part, user in ((world.a, world.users["editor_a"]), (world.b, editor_b)):
        certification.ensure_baseline(part.facility)
        part.request = certification.open_request(
            user=user,
            facility=part.facility,
            reason="fewer places",
            lines=[{"cell": part.crowded, "action": "change", "certified_capacity": 30}],
        )
    world.a.own_request = certification.open_request(
        user=world.users["admin"],
        facility=world.a.facility,
        reason="fewer places",
        lines=[{"cell": world.a.room, "action": "change", "certified_capacity": 30}],
    )
    return world


def _fill(value, world):

    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, str):
        return value.format(a=world.a, b=world.b, today=timezone.localdate().isoformat())
    return value


API_ROWS = API_READS + API_WRITES + API_CERTIFICATION


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,url,body,expected", API_ROWS, ids=[row[0] for row in API_ROWS])
def test_api_matrix(certification_world, role, name, method, url, body, expected):
    world = certification_world
    client = world.clients[role]
    response = getattr(client, method)(_fill(url, world), _fill(body, world), format="json")
    assert response.status_code == _expect(expected)[role], (role, name, response.content[:300])


PAGES = [
    ("dashboard", "/", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("facility A", "/facilities/{a.facility.pk}/", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("facility B", "/facilities/{b.facility.pk}/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("block B", "/blocks/{b.block.pk}/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("progress form A", "/conversions/{a.project.pk}/progress/", [200, 403, 403, 200, 403, 403, 403, 403]),
    # In construction: an editor of the region is sent to the block page, which says to record progress first.
    ("completion form A", "/conversions/{a.project.pk}/complete/", [302, 403, 403, 302, 403, 403, 403, 403]),
    ("progress form B", "/conversions/{b.project.pk}/progress/", [200, 403, 404, 404, 403, 403, 403, 404]),
    ("cell edit A", "/cells/{a.cell.pk}/edit/", [200, 403, 403, 200, 403, 403, 403, 403]),
    ("cell edit B", "/cells/{b.cell.pk}/edit/", [200, 403, 404, 404, 403, 403, 403, 404]),
    ("new cell in A block", "/blocks/{a.cell_block.pk}/cells/new/", [200, 403, 403, 200, 403, 403, 403, 403]),
    ("inspections", "/inspections/", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("new inspection", "/inspections/new/", [200, 200, 200, 403, 403, 403, 403, 403]),
    ("inspection B", "/inspections/{b.inspection.pk}/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("new finding A", "/inspections/{a.inspection.pk}/findings/new/", [200, 200, 200, 403, 403, 403, 403, 403]),
    ("finding B", "/findings/{b.finding.pk}/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("findings csv", "/findings/?export=csv", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("findings xlsx", "/findings/?export=xlsx", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("inspections xlsx", "/inspections/?export=xlsx", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("facilities csv", "/facilities/?export=csv", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("cells of facility B csv", "/facilities/{b.facility.pk}/?export=csv", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("cells of block B xlsx", "/blocks/{b.block.pk}/?export=xlsx", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("region A", "/regions/KZ-35/", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("region B", "/regions/KZ-10/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("region B export", "/regions/KZ-10/?table=facilities&export=csv", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("dashboard export", "/?table=regions&export=csv", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("residence", "/residence/", [200, 200, 200, 200, 200, 200, 403, 200]),
    # An API client with a headcount write scope imports headcounts through the page as through the API.
    ("imports list csv", "/imports/?export=csv", [200, 403, 403, 200, 403, 200, 403, 403]),
    ("history A block", "/history/block/{a.block.pk}/", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("history B finding", "/history/finding/{b.finding.pk}/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("movement form A", "/facilities/{a.facility.pk}/movements/new/", [200, 403, 403, 200, 403, 403, 403, 403]),
    ("movement form B", "/facilities/{b.facility.pk}/movements/new/", [200, 403, 404, 404, 403, 403, 403, 404]),
    ("deactivate form A", "/cells/{a.cell.pk}/deactivate/", [200, 403, 403, 200, 403, 403, 403, 403]),
    ("reactivate form B", "/cells/{b.cell.pk}/reactivate/", [200, 403, 404, 404, 403, 403, 403, 404]),
    ("cert requests", "/certification/", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("cert request A", "/certification/{a.request.pk}/", [200, 200, 200, 200, 200, 200, 403, 200]),
    ("cert request B", "/certification/{b.request.pk}/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("new cert request A", "/facilities/{a.facility.pk}/certification/new/", [200, 403, 403, 200, 403, 403, 403, 403]),
    ("new cert request B", "/facilities/{b.facility.pk}/certification/new/", [200, 403, 404, 404, 403, 403, 403, 404]),
    ("certificates B", "/facilities/{b.facility.pk}/certificates/", [200, 200, 404, 404, 200, 200, 403, 404]),
    ("certificate A v1", "/facilities/{a.facility.pk}/certificates/1/", [200, 200, 200, 200, 200, 200, 403, 200]),
    (
        "certificate B v1 xlsx",
        "/facilities/{b.facility.pk}/certificates/1/?export=xlsx",
        [200, 200, 404, 404, 200, 200, 403, 404],
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", PAGES, ids=[row[0] for row in PAGES])
def test_page_matrix(client, certification_world, role, name, url, expected):
    world = certification_world
    client.force_login(world.users[role])
    response = client.get(_fill(url, world))
    assert response.status_code == _expect(expected)[role], (role, name)


@pytest.mark.parametrize(
    "role,codes",
    [("editor_a", {"F-A"}), ("prosecutor_a", {"F-A"}), ("prosecutor", {"F-A", "F-B"}), ("admin", {"F-A", "F-B"})],
)
def test_lists_and_exports_are_scoped(client, world, role, codes):
    api = world.clients[role]
    assert {f["code"] for f in api.get("/api/v1/facilities/").json()["results"]} == codes
    assert {c["facility"] for c in api.get("/api/v1/cells/").json()["results"]} == codes
    assert {f["facility"] for f in api.get("/api/v1/findings/").json()["results"]} == codes
    client.force_login(world.users[role])
    csv_text = b"".join(client.get("/findings/?export=csv").streaming_content).decode("utf-8-sig")
    assert {line.split(",")[1] for line in csv_text.splitlines()[1:]} == codes
    page = client.get("/facilities/").content.decode()
    assert ("F-B" in page) == ("F-B" in codes)
    facilities = b"".join(client.get("/facilities/?export=csv").streaming_content).decode("utf-8-sig")
    assert {line.split(",")[0] for line in facilities.splitlines()[1:]} == codes
    regions = b"".join(client.get("/?table=regions&export=csv").streaming_content).decode("utf-8-sig")
    assert {line.split(",")[0] for line in regions.splitlines()[1:]} == (
        {"KZ-35"} if codes == {"F-A"} else {r.code for r in world.a.facility.region._meta.model.objects.all()}
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/certification-requests/",
        "/api/v1/certification-requests/{a.request.pk}/",
        "/api/v1/facilities/{a.facility.pk}/certificates/",
    ],
)
def test_anonymous_certification_api_is_refused(certification_world, url):
    from rest_framework.test import APIClient

    response = APIClient().get(_fill(url, certification_world))
    assert response.status_code == 401
    approve = APIClient().post(_fill("/api/v1/certification-requests/{a.request.pk}/approve/", certification_world))
    assert approve.status_code == 401


@pytest.mark.parametrize(
    "url", ["/certification/", "/certification/{a.request.pk}/", "/facilities/{a.facility.pk}/certificates/1/"]
)
def test_anonymous_certification_pages_redirect_to_login(client, certification_world, url):
    response = client.get(_fill(url, certification_world))
    assert response.status_code == 302 and response.url.startswith("/login/")
