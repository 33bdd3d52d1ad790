"""The permission matrix extended to exports, history pages and imports, for anonymous, a national prosecutor,
a ministry editor of region A, one of region B, an API client and an administrator; an editor of B never
finds A's names in what B may download or read."""

import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from registers.models import ImportRecord
from tests.conftest import make_user, token_client
from tests.factories import ImportRecordFactory

ROLES = ["anonymous", "prosecutor", "editor_a", "editor_b", "api_client", "admin"]
ALL = [302, 200, 200, 200, 200, 200]  # anonymous pages redirect to the login page
IN_A = [302, 200, 200, 404, 200, 200]  # an object of region A
IN_B = [302, 200, 404, 200, 200, 200]  # an object of region B
IMPORTERS = [302, 403, 200, 200, 403, 200]
OWN_IMPORT_A = [302, 403, 200, 404, 403, 200]  # an import uploaded by the editor of A

A_MARKERS = ["F-A", "Alpha Marker Colony", "Alpha-only finding", "a-register.csv"]


@pytest.fixture
def sec(world):
    """The workflow world plus an editor of B, A-only names, and an import uploaded by the editor of A."""
    a = world.a
    a.facility.name_en = a.facility.name_ru = a.facility.name_kk = "Alpha Marker Colony"
    a.facility.save()
    a.finding.description = "Alpha-only finding"
    a.finding.save()
    world.users["editor_b"] = make_user("editor_b", "Ministry editors", regions=["KZ-10"])
    world.clients["editor_b"] = token_client(world.users["editor_b"])
    world.clients["anonymous"] = APIClient()
    world.import_a = ImportRecordFactory(
        user=world.users["editor_a"],
        kind="cells",
        file_name="a-register.csv",
        status="imported",
        rows=1,
        updated=1,
        errors=[{"row": 2, "column": "facility", "reason": "F-A Alpha Marker Colony"}],
    )
    return world


def _page_client(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _text(response) -> str:
    """The text of a page or a download (CSV, or every cell of every sheet of an XLSX workbook)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return body.decode("utf-8-sig")


NATIONAL_TABLES = ["compliance", "trend", "regions", "projects", "lowest", "forecast", "targets", "residence"]
REGION_TABLES = ["facilities", "projects", "trend"]
KINDS = {
    "facility": "facility",
    "block": "block",
    "project": "project",
    "cell": "cell",
    "inspection": "inspection",
    "finding": "finding",
}

PAGES = (
    [
        (f"{path} {fmt}", f"{path}?export={fmt}", ALL)
        for path in ("/facilities/", "/inspections/", "/findings/")
        for fmt in ("csv", "xlsx")
    ]
    + [(f"facility A cells {fmt}", "/facilities/{a.facility.pk}/?export=" + fmt, IN_A) for fmt in ("csv", "xlsx")]
    + [(f"facility B cells {fmt}", "/facilities/{b.facility.pk}/?export=" + fmt, IN_B) for fmt in ("csv", "xlsx")]
    + [(f"block A cells {fmt}", "/blocks/{a.block.pk}/?export=" + fmt, IN_A) for fmt in ("csv", "xlsx")]
    + [(f"block B cells {fmt}", "/blocks/{b.block.pk}/?export=" + fmt, IN_B) for fmt in ("csv", "xlsx")]
    + [(f"dashboard {t} csv", f"/?table={t}&export=csv", ALL) for t in NATIONAL_TABLES]
    + [("dashboard lowest xlsx", "/?table=lowest&export=xlsx", ALL)]
    + [(f"region A {t}", f"/regions/KZ-35/?table={t}&export=xlsx", IN_A) for t in REGION_TABLES]
    + [(f"region B {t}", f"/regions/KZ-10/?table={t}&export=csv", IN_B) for t in REGION_TABLES]
    + [(f"residence {t}", f"/residence/?table={t}&export=csv", ALL) for t in ("hosts", "senders")]
    + [
        (f"history A {kind}", f"/history/{kind}/{{a.{attr}.pk}}/", IN_A)
        for kind, attr in [
            ("facility", "facility"),
            ("block", "block"),
            ("project", "project"),
            ("cell", "cell"),
            ("inspection", "inspection"),
            ("finding", "finding"),
        ]
    ]
    + [
        (f"history B {kind}", f"/history/{kind}/{{b.{attr}.pk}}/", IN_B)
        for kind, attr in [
            ("facility", "facility"),
            ("block", "block"),
            ("project", "project"),
            ("cell", "cell"),
            ("inspection", "inspection"),
            ("finding", "finding"),
        ]
    ]
    + [
        ("history unknown kind", "/history/user/1/", [302, 404, 404, 404, 404, 404]),
        ("imports", "/imports/", IMPORTERS),
        ("imports csv", "/imports/?export=csv", IMPORTERS),
        ("imports xlsx", "/imports/?export=xlsx", IMPORTERS),
        ("import upload", "/imports/new/", IMPORTERS),
        ("import A", "/imports/{import_a.pk}/", OWN_IMPORT_A),
        ("import A errors", "/imports/{import_a.pk}/errors.csv", OWN_IMPORT_A),
        ("import template", "/imports/template/cells.csv", ALL),
    ]
)


def _fill(url, world):
    return url.format(a=world.a, b=world.b, import_a=world.import_a)


@pytest.mark.parametrize("role", ROLES)
def test_export_history_import_pages(client, sec, role):
    """Every page of PAGES for one role (one world per role keeps the matrix fast); all mismatches reported."""
    _page_client(client, sec, role)
    wrong = []
    for name, url, expected in PAGES:
        response = client.get(_fill(url, sec))
        if response.status_code != dict(zip(ROLES, expected))[role]:
            wrong.append((name, response.status_code))
        elif role == "anonymous" and not response["Location"].startswith("/login/"):
            wrong.append((name, response["Location"]))
        elif role == "editor_b" and response.status_code == 200:
            text = _text(response)
            leaked = [marker for marker in A_MARKERS if marker in text]
            if leaked:
                wrong.append((name, leaked))
    assert wrong == []


def test_editor_b_exports_hold_b_rows(client, sec):
    """Not vacuous: what B downloads does name B's rows (and A's editor sees A's)."""
    _page_client(client, sec, "editor_b")
    assert "F-B" in _text(client.get("/facilities/?export=xlsx"))
    assert "F-B" in _text(client.get("/findings/?export=csv"))
    client.logout()
    _page_client(client, sec, "editor_a")
    assert "Alpha Marker Colony" in _text(client.get("/facilities/?export=csv"))
    assert "Alpha-only finding" in _text(client.get("/findings/?export=xlsx"))
    assert "a-register.csv" in _text(client.get("/imports/?export=csv"))
    assert "F-A Alpha Marker Colony" in _text(client.get(_fill("/imports/{import_a.pk}/errors.csv", sec)))
    assert "Alpha-only finding" in _text(client.get(_fill("/history/finding/{a.finding.pk}/", sec)))


def test_confirming_another_editors_import_by_page_is_404(client, sec):
    _page_client(client, sec, "editor_b")
    assert client.post(_fill("/imports/{import_a.pk}/", sec)).status_code == 404
    assert ImportRecord.objects.get(pk=sec.import_a.pk).confirmed_by is None


API = [
    ("imports list", "get", "/api/v1/imports/", [401, 200, 200, 200, 200, 200]),
    ("import A", "get", "/api/v1/imports/{import_a.pk}/", [401, 404, 200, 404, 404, 200]),
    ("upload without a file", "post", "/api/v1/imports/", [401, 403, 400, 400, 403, 400]),
    ("confirm A", "post", "/api/v1/imports/{import_a.pk}/confirm/", [401, 403, 409, 404, 403, 409]),
    ("history A finding", "get", "/api/v1/findings/{a.finding.pk}/history/", [401, 200, 200, 404, 200, 200]),
    ("history B cell", "get", "/api/v1/cells/{b.cell.pk}/history/", [401, 200, 404, 200, 200, 200]),
    ("history A project", "get", "/api/v1/conversions/{a.project.pk}/history/", [401, 200, 200, 404, 200, 200]),
]


@pytest.mark.parametrize("role", ROLES)
def test_import_and_history_api(sec, role):
    wrong = []
    for name, method, url, expected in API:
        response = getattr(sec.clients[role], method)(_fill(url, sec))
        if response.status_code != dict(zip(ROLES, expected))[role]:
            wrong.append((name, response.status_code, response.content[:200]))
        elif (
            role in ("prosecutor", "editor_b", "api_client")
            and name == "imports list"
            and response.json()["results"] != []
        ):
            wrong.append((name, "sees another user's import"))
        elif role == "editor_b" and [m for m in A_MARKERS if m in response.content.decode()]:
            wrong.append((name, "names of region A"))
    assert wrong == []
    assert ImportRecord.objects.count() == 1 and ImportRecord.objects.get().confirmed_by is None
