"""The permission matrix: every role against every endpoint (API) and page, in its region (A) and outside (B)."""

import pytest
from django.utils import timezone

ROLES = ["admin", "prosecutor", "prosecutor_a", "editor_a", "api_client", "api_headcount_a", "nobody"]


def _expect(table):
    return dict(zip(ROLES, table))


# (name, method, url, body, expected status per role in ROLES order)
API_READS = [
    ("facility list A", "get", "/api/v1/facilities/{a.facility.pk}/", None, [200, 200, 200, 200, 200, 200, 403]),
    ("facility B", "get", "/api/v1/facilities/{b.facility.pk}/", None, [200, 200, 404, 404, 200, 200, 403]),
    ("block B", "get", "/api/v1/blocks/{b.block.pk}/", None, [200, 200, 404, 404, 200, 200, 403]),
    ("cell B", "get", "/api/v1/cells/{b.cell.pk}/", None, [200, 200, 404, 404, 200, 200, 403]),
    ("project B", "get", "/api/v1/conversions/{b.project.pk}/", None, [200, 200, 404, 404, 200, 200, 403]),
    ("inspection B", "get", "/api/v1/inspections/{b.inspection.pk}/", None, [200, 200, 404, 404, 200, 200, 403]),
    ("finding B", "get", "/api/v1/findings/{b.finding.pk}/", None, [200, 200, 404, 404, 200, 200, 403]),
    ("history A cell", "get", "/api/v1/cells/{a.cell.pk}/history/", None, [200, 200, 200, 200, 200, 200, 403]),
    ("summary", "get", "/api/v1/summary/", None, [200, 200, 200, 200, 200, 200, 403]),
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
        [201, 403, 403, 201, 403, 403, 403],
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
        [201, 403, 403, 404, 403, 403, 403],
    ),
    (
        "cell patch A",
        "patch",
        "/api/v1/cells/{a.cell.pk}/",
        {"living_space_m2": "7.10"},
        [200, 403, 403, 200, 403, 403, 403],
    ),
    (
        "cell into B block",
        "patch",
        "/api/v1/cells/{a.cell.pk}/",
        {"block": "{b.cell_block.pk}"},
        [200, 403, 403, 400, 403, 403, 403],
    ),
    (
        "headcount A",
        "patch",
        "/api/v1/cells/{a.cell.pk}/headcount/",
        {"occupancy": 1, "occupancy_date": "{today}"},
        [200, 403, 403, 200, 403, 200, 403],
    ),
    (
        "headcount B",
        "patch",
        "/api/v1/cells/{b.cell.pk}/headcount/",
        {"occupancy": 1, "occupancy_date": "{today}"},
        [200, 403, 403, 404, 403, 403, 403],
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
            "announced": False,
        },
        [201, 201, 201, 403, 403, 403, 403],
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
            "announced": False,
        },
        [201, 201, 400, 403, 403, 403, 403],
    ),
    (
        "finding A",
        "post",
        "/api/v1/findings/",
        {"inspection": "{a.inspection.pk}", "severity": "low", "description": "Poor light"},
        [201, 201, 201, 403, 403, 403, 403],
    ),
    (
        "answer finding A",
        "post",
        "/api/v1/findings/{a.finding.pk}/status/",
        {"status": "in_progress", "response": "Works ordered"},
        [201, 400, 400, 201, 403, 403, 403],
    ),
    ("history is read-only", "post", "/api/v1/cells/{a.cell.pk}/history/", {}, [405, 405, 405, 405, 405, 405, 403]),
]


def _fill(value, world):

    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, str):
        return value.format(a=world.a, b=world.b, today=timezone.localdate().isoformat())
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name,method,url,body,expected", API_READS + API_WRITES, ids=[row[0] for row in API_READS + API_WRITES]
)
def test_api_matrix(world, role, name, method, url, body, expected):
    client = world.clients[role]
    response = getattr(client, method)(_fill(url, world), _fill(body, world), format="json")
    assert response.status_code == _expect(expected)[role], (role, name, response.content[:300])


PAGES = [
    ("dashboard", "/", [200, 200, 200, 200, 200, 200, 403]),
    ("facility A", "/facilities/{a.facility.pk}/", [200, 200, 200, 200, 200, 200, 403]),
    ("facility B", "/facilities/{b.facility.pk}/", [200, 200, 404, 404, 200, 200, 403]),
    ("block B", "/blocks/{b.block.pk}/", [200, 200, 404, 404, 200, 200, 403]),
    ("progress form A", "/conversions/{a.project.pk}/progress/", [200, 403, 403, 200, 403, 403, 403]),
    ("completion form A", "/conversions/{a.project.pk}/complete/", [200, 403, 403, 200, 403, 403, 403]),
    ("progress form B", "/conversions/{b.project.pk}/progress/", [200, 403, 404, 404, 403, 403, 403]),
    ("cell edit A", "/cells/{a.cell.pk}/edit/", [200, 403, 403, 200, 403, 403, 403]),
    ("cell edit B", "/cells/{b.cell.pk}/edit/", [200, 403, 404, 404, 403, 403, 403]),
    ("new cell in A block", "/blocks/{a.cell_block.pk}/cells/new/", [200, 403, 403, 200, 403, 403, 403]),
    ("inspections", "/inspections/", [200, 200, 200, 200, 200, 200, 403]),
    ("new inspection", "/inspections/new/", [200, 200, 200, 403, 403, 403, 403]),
    ("inspection B", "/inspections/{b.inspection.pk}/", [200, 200, 404, 404, 200, 200, 403]),
    ("new finding A", "/inspections/{a.inspection.pk}/findings/new/", [200, 200, 200, 403, 403, 403, 403]),
    ("finding B", "/findings/{b.finding.pk}/", [200, 200, 404, 404, 200, 200, 403]),
    ("findings csv", "/findings/?export=csv", [200, 200, 200, 200, 200, 200, 403]),
    ("findings xlsx", "/findings/?export=xlsx", [200, 200, 200, 200, 200, 200, 403]),
    ("inspections xlsx", "/inspections/?export=xlsx", [200, 200, 200, 200, 200, 200, 403]),
    ("facilities csv", "/facilities/?export=csv", [200, 200, 200, 200, 200, 200, 403]),
    ("cells of facility B csv", "/facilities/{b.facility.pk}/?export=csv", [200, 200, 404, 404, 200, 200, 403]),
    ("cells of block B xlsx", "/blocks/{b.block.pk}/?export=xlsx", [200, 200, 404, 404, 200, 200, 403]),
    ("region A", "/regions/KZ-35/", [200, 200, 200, 200, 200, 200, 403]),
    ("region B", "/regions/KZ-10/", [200, 200, 404, 404, 200, 200, 403]),
    ("region B export", "/regions/KZ-10/?table=facilities&export=csv", [200, 200, 404, 404, 200, 200, 403]),
    ("dashboard export", "/?table=regions&export=csv", [200, 200, 200, 200, 200, 200, 403]),
    ("residence", "/residence/", [200, 200, 200, 200, 200, 200, 403]),
    # An API client with a headcount write scope imports headcounts through the page as through the API.
    ("imports list csv", "/imports/?export=csv", [200, 403, 403, 200, 403, 200, 403]),
    ("history A block", "/history/block/{a.block.pk}/", [200, 200, 200, 200, 200, 200, 403]),
    ("history B finding", "/history/finding/{b.finding.pk}/", [200, 200, 404, 404, 200, 200, 403]),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", PAGES, ids=[row[0] for row in PAGES])
def test_page_matrix(client, world, role, name, url, expected):
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
