"""Every API write operation, as every role, with an empty body (issue 16, item 8): a role that may not write
there is refused before anything is parsed (401 anonymous, 403 with only ``detail``), never 400 with the
field schema or 412 with a version; a role that may write is not refused by the role check.

The operations are read from the OpenAPI schema (/api/schema/), so a new write endpoint is walked as soon
as it exists; it must then be added to WRITERS below (the test says so), and until it is, the read-only
API client and anonymous requests must already be refused there.
"""

import json

import pytest
from django.db import transaction

from cells import certification
from facilities.models import StaffProfile
from inspections.models import Action
from registers.models import ImportRecord
from tests.conftest import make_user, token_client
from tests.factories import ImportRecordFactory

ROLES = [
    "anonymous",
    "api_client",
    "api_headcount_a",
    "prosecutor",
    "editor_b",
    "editor_a",
    "reviewer_a",
    "monitor",
    "admin",
]
EDITORS = {"editor_a", "editor_b", "admin"}
INSPECTORS = {"prosecutor", "admin"}
REVIEWERS = {"reviewer_a", "admin"}
MONITORS = {"monitor"}  # a national monitor of the national preventive mechanism (StaffProfile.mechanism "npm")

# Who may write, by operation (the role, wherever its regions are: editor_b edits region B only, and the
# objects walked are region A's, so it may also meet 403/404 from the object's region, never from the role).
WRITERS = {
    "POST /api/v1/cells/": EDITORS,
    "PUT /api/v1/cells/{id}/": EDITORS,
    "PATCH /api/v1/cells/{id}/": EDITORS,
    "PATCH /api/v1/cells/{id}/headcount/": EDITORS | {"api_headcount_a"},
    "POST /api/v1/cells/{id}/deactivate/": EDITORS,
    "POST /api/v1/cells/{id}/reactivate/": EDITORS,
    "POST /api/v1/compliance/check/": set(ROLES) - {"anonymous"},  # the design check writes nothing
    "POST /api/v1/placement/plan/": set(ROLES) - {"anonymous"},  # the placement plan computes, writes nothing
    "POST /api/v1/conversions/{id}/complete/": EDITORS,
    "POST /api/v1/conversions/{id}/complete/plan/": EDITORS,  # the plan writes nothing, but is the editors'
    "POST /api/v1/movements/": EDITORS,
    "POST /api/v1/conversions/{id}/progress/": EDITORS,
    "PATCH /api/v1/conversions/{id}/": EDITORS,
    "POST /api/v1/inspections/": INSPECTORS,
    "PUT /api/v1/inspections/{id}/": INSPECTORS,
    "PATCH /api/v1/inspections/{id}/": INSPECTORS,
    "POST /api/v1/findings/": INSPECTORS | MONITORS,  # a finding of an inspection, or a mechanism's recommendation
    "PUT /api/v1/findings/{id}/": INSPECTORS,
    "PATCH /api/v1/findings/{id}/": INSPECTORS,
    "POST /api/v1/findings/{id}/status/": INSPECTORS | EDITORS,
    # The walked finding is a prosecutor's (region A): the responsible body keeps its actions, the
    # prosecutor's mechanism judges it (a monitor of the NPM is refused by the finding's mechanism: 403).
    "POST /api/v1/findings/{id}/actions/": EDITORS,
    "POST /api/v1/findings/{id}/judgements/": INSPECTORS,
    "POST /api/v1/source-documents/": INSPECTORS | MONITORS,
    "PUT /api/v1/actions/{id}/": EDITORS,
    "PATCH /api/v1/actions/{id}/": EDITORS,
    "POST /api/v1/certification-requests/": EDITORS,
    "POST /api/v1/certification-requests/{id}/approve/": REVIEWERS,
    "POST /api/v1/certification-requests/{id}/reject/": REVIEWERS,
    "POST /api/v1/certification-requests/{id}/withdraw/": EDITORS,  # the requester (checked on the object)
    "POST /api/v1/certification-requests/{id}/resubmit/": EDITORS,
    "POST /api/v1/imports/": EDITORS | {"api_headcount_a"} | MONITORS,
    "POST /api/v1/imports/{id}/confirm/": EDITORS
    | {"api_headcount_a"},  # the monitor's record here is of a kind it may not import
}
# Operations open to every portal role because they write nothing.
READ_ONLY_POSTS = {"POST /api/v1/compliance/check/", "POST /api/v1/placement/plan/"}


def write_operations(client) -> list[tuple[str, str]]:
    """``(METHOD, path template)`` of every write operation in the served OpenAPI schema."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    operations = [
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method in ("post", "put", "patch", "delete")
    ]
    assert len(operations) >= 16, operations
    return sorted(operations)


@pytest.fixture
def walk(world):
    """The world plus a ministry editor of region B, a client per role, and the region-A object of each
    path; each role gets an import record of its own (imports are listed to their owner)."""
    monitor = make_user("monitor_npm", "Monitors")
    StaffProfile.objects.create(user=monitor, mechanism="npm")
    users = {
        **world.users,
        "editor_b": make_user("editor_b", "Ministry editors", regions=["KZ-10"]),
        "monitor": monitor,
    }
    clients = {role: token_client(users[role]) for role in ROLES if role != "anonymous"}
    from rest_framework.test import APIClient

    clients["anonymous"] = APIClient()
    records = {
        role: ImportRecordFactory(
            kind="headcounts", user=users[role], status=ImportRecord.Status.REJECTED, rows=1, rejected=1
        ).pk
        for role in ROLES
        if role != "anonymous"
    }
    a = world.a
    request = certification.open_request(
        user=users["editor_a"],
        facility=a.facility,
        reason="fewer places in E1",
        lines=[{"cell": a.crowded, "action": "change", "certified_capacity": 30}],
    )
    ids = {
        "certification-requests": request.pk,
        "cells": a.cell.pk,
        "conversions": a.project.pk,
        "inspections": a.inspection.pk,
        "findings": a.finding.pk,
        "actions": Action.objects.create(
            finding=a.finding, description="Reduce the occupancy", owner="Department of KZ-35", due_date="2025-09-01"
        ).pk,
    }
    return users, clients, records, ids


def url_of(path: str, role: str, ids: dict, records: dict) -> str:
    resource = path.split("/")[3]
    object_id = records.get(role, 1) if resource == "imports" else ids.get(resource, 1)
    return path.replace("{id}", str(object_id))


@pytest.mark.parametrize("role", ROLES)
def test_every_write_operation_as_every_role_with_an_empty_body(world, walk, role):
    users, clients, records, ids = walk
    operations = write_operations(clients["admin"])
    missing = [f"{method} {path}" for method, path in operations if f"{method} {path}" not in WRITERS]
    client = clients[role]
    wrong = []
    for method, path in operations:
        label = f"{method} {path}"
        url = url_of(path, role, ids, records)
        with transaction.atomic():
            response = getattr(client, method.lower())(url, data=b"", content_type="application/json")
            transaction.set_rollback(True)
        status = response.status_code
        may = role in WRITERS.get(label, READ_ONLY_POSTS if label in READ_ONLY_POSTS else set())
        if role == "anonymous":
            ok = status == 401
        elif not may:
            ok = status == 403 and set(response.json()) == {"detail"}
        elif role == "editor_b" and "{id}" in path and not path.startswith("/api/v1/imports/"):
            ok = status in (403, 404) or status < 403  # region A's object: refused by its region, not the role
        else:
            ok = status not in (401, 403) and status < 500
        if not ok:
            wrong.append(f"{label} as {role}: {status} {response.content[:200]!r}")
    assert not wrong, "\n".join(wrong)
    assert not missing, f"new write operations: say in WRITERS who may write there: {missing}"


def test_a_refused_write_is_refused_before_if_match_and_the_body_are_read(world):
    """The read-only client sending a stale If-Match and a bad body to a progress update: 403, not 412/400."""
    client = world.clients["api_client"]
    response = client.post(
        f"/api/v1/conversions/{world.a.project.pk}/progress/",
        data=b'{"status": "nonsense", "percent_complete": "x"}',
        content_type="application/json",
        HTTP_IF_MATCH='"9' + "9" * 5000 + '"',
    )
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    response = world.clients["prosecutor"].put(
        f"/api/v1/cells/{world.a.cell.pk}/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only ministry editors and administrators may edit cells."}


def test_a_view_without_a_write_permission_is_read_only(rf, world):
    """The default permission refuses every write to a view that names no write decision."""
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Open(APIView):
        def post(self, request):
            return Response({"written": True})

    request = rf.post("/x/", data=b"{}", content_type="application/json")
    from rest_framework.test import force_authenticate

    force_authenticate(request, user=world.users["admin"])
    response = Open.as_view()(request)
    assert response.status_code == 403
