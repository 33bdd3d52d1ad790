"""Versions of inspections and findings (issue 24, issue 16 items 2, 15, 16): ETag on the details, If-Match
on every write (412 and nothing written when stale), the role checked before the header, only the fields
sent written, unknown and read-only fields refused, a duplicate move answered 409, history with the user,
the reason and the fields; stale pages told, not obeyed."""

import pytest
from django.forms.models import model_to_dict

from inspections import services
from inspections.models import Finding, FindingUpdate, Inspection


def _snapshot(model, pk):
    """Everything stored about one row: its values, version, history and (findings) its log."""
    row = model.objects.get(pk=pk)
    extra = list(FindingUpdate.objects.filter(finding_id=pk).values_list("id", flat=True)) if model is Finding else []
    return model_to_dict(row), row.version, row.history.count(), extra


def _writes(world):
    """Every write endpoint of inspections and findings: (name, user, method, url, body)."""
    a = world.a
    inspection = f"/api/v1/inspections/{a.inspection.pk}/"
    finding = f"/api/v1/findings/{a.finding.pk}/"
    put_inspection = {"facility": a.facility.pk, "date_start": "2025-05-01", "body": "npm", "type": "scheduled"}
    put_finding = {"inspection": a.inspection.pk, "severity": "low", "description": "Rewritten"}
    return [
        ("inspection PATCH", "prosecutor_a", "patch", inspection, {"summary": "Mine"}),
        ("inspection PUT", "prosecutor_a", "put", inspection, put_inspection),
        ("finding PATCH", "prosecutor_a", "patch", finding, {"description": "Mine"}),
        ("finding PUT", "prosecutor_a", "put", finding, put_finding),
        ("finding status", "editor_a", "post", finding + "status/", {"status": "in_progress", "response": "On it"}),
    ]


def _someone_else_writes(world):
    """Another user changes the inspection and the finding (their versions go up by one)."""
    admin = world.users["admin"]
    services.save_inspection(user=admin, inspection=world.a.inspection, data={"lead_inspector": "Someone else"})
    services.save_finding(user=admin, finding=world.a.finding, data={"recommendation": "Theirs"})


def test_details_answer_their_etag(world):
    api = world.clients["prosecutor"]
    for url, obj in (
        (f"/api/v1/inspections/{world.a.inspection.pk}/", world.a.inspection),
        (f"/api/v1/findings/{world.a.finding.pk}/", world.a.finding),
    ):
        response = api.get(url)
        assert response.status_code == 200 and response["ETag"] == f'"{obj.version}"' == '"1"'
        assert response.json()["version"] == 1


WRITES = ["inspection PATCH", "inspection PUT", "finding PATCH", "finding PUT", "finding status"]


@pytest.mark.parametrize("index", range(len(WRITES)), ids=WRITES)
def test_a_stale_if_match_answers_412_and_writes_nothing(world, index):
    name, role, method, url, body = _writes(world)[index]
    assert name == WRITES[index]
    _someone_else_writes(world)  # both records now at version 2; the client read version 1
    model, pk = (Finding, world.a.finding.pk) if "finding" in name else (Inspection, world.a.inspection.pk)
    before = _snapshot(model, pk)
    response = getattr(world.clients[role], method)(url, body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412, (name, response.content)
    answer = response.json()
    assert (answer["version"], answer["your_version"], answer["changed_by"]) == (2, 1, "admin_u")
    changed = {c["field"]: c["now"] for c in answer["changes"]}
    assert changed == ({"recommendation": "Theirs"} if model is Finding else {"lead_inspector": "Someone else"})
    assert _snapshot(model, pk) == before, name
    malformed = getattr(world.clients[role], method)(url, body, format="json", HTTP_IF_MATCH='"v2"')
    assert malformed.status_code == 412 and _snapshot(model, pk) == before
    fresh = getattr(world.clients[role], method)(url, body, format="json", HTTP_IF_MATCH='"2"')
    assert fresh.status_code in (200, 201), (name, fresh.content)
    assert fresh["ETag"] == '"3"' and model.objects.get(pk=pk).version == 3


def test_the_role_is_checked_before_if_match(world):
    """Issue 16 item 2: a role that may not write is refused (403) whatever its If-Match says."""
    finding, inspection = world.a.finding, world.a.inspection
    for role in ("api_client", "editor_a"):
        for url, body in (
            (f"/api/v1/inspections/{inspection.pk}/", {"summary": "x"}),
            (f"/api/v1/findings/{finding.pk}/", {"description": "x"}),
        ):
            response = world.clients[role].patch(url, body, format="json", HTTP_IF_MATCH='"' + "9" * 5000 + '"')
            assert response.status_code == 403, (role, url, response.content)
    response = world.clients["api_client"].post(
        f"/api/v1/findings/{finding.pk}/status/", {"status": "resolved"}, format="json", HTTP_IF_MATCH='"x"'
    )
    assert response.status_code == 403
    assert Finding.objects.get(pk=finding.pk).version == 1 and Inspection.objects.get(pk=inspection.pk).version == 1


def test_a_patch_writes_only_the_fields_sent(world):
    finding = world.a.finding
    Finding.objects.filter(pk=finding.pk).update(status="in_progress", recommendation="stored meanwhile")
    response = world.clients["prosecutor_a"].patch(
        f"/api/v1/findings/{finding.pk}/", {"description": "Only this"}, format="json"
    )
    assert response.status_code == 200 and response["ETag"] == '"2"'
    stored = Finding.objects.get(pk=finding.pk)
    assert (stored.description, stored.status, stored.recommendation) == (
        "Only this",
        "in_progress",
        "stored meanwhile",
    )
    unchanged = world.clients["prosecutor_a"].patch(
        f"/api/v1/findings/{finding.pk}/", {"description": "Only this"}, format="json"
    )
    assert unchanged.status_code == 200 and unchanged["ETag"] == '"2"'  # nothing changed: nothing written


@pytest.mark.parametrize(
    ("kind", "body", "refused"),
    [
        ("inspections", {"summary": "x", "colour": "red"}, {"colour": "Unknown field."}),
        ("inspections", {"summary": "x", "id": 99, "created_by": "someone"}, {"id": None, "created_by": None}),
        ("inspections", {"version": 7}, {"version": "If-Match"}),
        ("findings", {"description": "x", "status": "verified"}, {"status": "/status/"}),
        ("findings", {"overdue_since": "2025-01-01", "is_overdue": True}, {"overdue_since": None, "is_overdue": None}),
        ("findings", {"description": "x", "severety": "low"}, {"severety": "Unknown field."}),
    ],
)
@pytest.mark.parametrize("method", ["patch", "put"])
def test_unknown_and_read_only_fields_are_refused(world, kind, body, refused, method):
    """Issue 16 item 15: 400 naming each field, nothing written (they were silently ignored with 200)."""
    obj = world.a.inspection if kind == "inspections" else world.a.finding
    model = type(obj)
    before = _snapshot(model, obj.pk)
    response = getattr(world.clients["prosecutor_a"], method)(f"/api/v1/{kind}/{obj.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert set(refused) <= set(errors), errors
    for field, words in refused.items():
        if words:
            assert words in errors[field][0], errors
    assert _snapshot(model, obj.pk) == before


def test_a_finding_stays_with_its_inspection(world):
    other = services.save_inspection(
        user=world.users["admin"],
        data={
            "facility": world.a.facility,
            "date_start": world.a.inspection.date_start,
            "body": "npm",
            "type": "scheduled",
        },
    )
    response = world.clients["prosecutor_a"].patch(
        f"/api/v1/findings/{world.a.finding.pk}/", {"inspection": other.pk}, format="json"
    )
    assert response.status_code == 400 and "inspection" in response.json()
    assert Finding.objects.get(pk=world.a.finding.pk).inspection_id == world.a.inspection.pk


def test_a_duplicate_move_answers_409_with_what_happened(world):
    """Issue 16 item 16: the second of two identical moves wrote nothing; it is told so (409), not 400."""
    url = f"/api/v1/findings/{world.a.finding.pk}/status/"
    first = world.clients["editor_a"].post(url, {"status": "in_progress", "response": "Works ordered"}, format="json")
    assert first.status_code == 201 and first["ETag"] == '"2"'
    second = world.clients["admin"].post(url, {"status": "in_progress", "response": "Works ordered"}, format="json")
    assert second.status_code == 409, second.content
    assert "already in progress (moved by editor_a at" in second.json()["detail"]
    assert second.json()["version"] == 2
    assert FindingUpdate.objects.filter(finding=world.a.finding, status="in_progress").count() == 1
    with_header = world.clients["admin"].post(
        url, {"status": "in_progress", "response": "Works ordered"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert with_header.status_code == 409  # the version it names is current: not a failed precondition


def test_history_names_the_user_the_reason_and_the_fields(world, client):
    finding = world.a.finding
    api = world.clients["prosecutor_a"]
    assert (
        api.patch(f"/api/v1/findings/{finding.pk}/", {"description": "Bunks removed"}, format="json").status_code == 200
    )
    moved = world.clients["editor_a"].post(
        f"/api/v1/findings/{finding.pk}/status/", {"status": "resolved", "response": "All bunks removed"}, format="json"
    )
    assert moved.status_code == 201
    entries = api.get(f"/api/v1/findings/{finding.pk}/history/").json()
    move, edit = entries[0], entries[1]
    assert (move["user"], move["reason"]) == ("editor_a", "All bunks removed")
    assert [c["field"] for c in move["changes"]] == ["status"]  # the version is no change anyone made
    assert move["changes"][0]["old"] == "open" and move["changes"][0]["new"] == "resolved"
    assert edit["user"] == "pros_a"
    assert edit["changes"] == [
        {"field": "description", "label": "description", "old": "Overcrowding", "new": "Bunks removed"}
    ]
    client.force_login(world.users["prosecutor_a"])
    page = client.get(f"/history/finding/{finding.pk}/").content.decode()
    assert "All bunks removed" in page and "Overcrowding → Bunks removed" in page
    assert "<strong>version</strong>" not in page


# ---------------------------------------------------------------------------------------------------
# Pages


def _inspection_form(inspection, **changes):
    data = {
        "facility": inspection.facility_id,
        "date_start": inspection.date_start.isoformat(),
        "date_end": "",
        "body": inspection.body,
        "type": inspection.type,
        "lead_inspector": inspection.lead_inspector,
        "summary": inspection.summary,
        "version": inspection.version,
    }
    return {**data, **changes}


def test_a_stale_inspection_page_writes_nothing_and_shows_both_values(world, client):
    inspection = world.a.inspection
    client.force_login(world.users["prosecutor_a"])
    url = f"/inspections/{inspection.pk}/edit/"
    assert 'name="version" value="1"' in client.get(url).content.decode()
    opened = Inspection.objects.get(pk=inspection.pk)
    services.save_inspection(user=world.users["admin"], inspection=inspection, data={"lead_inspector": "A. Admin"})
    before = _snapshot(Inspection, inspection.pk)
    response = client.post(url, _inspection_form(opened, lead_inspector="P. Prosecutor", summary="My summary"))
    page = response.content.decode()
    assert response.status_code == 200 and "was changed by admin_u" in page
    assert '<th scope="row">lead inspector</th><td>A. Admin</td><td>P. Prosecutor</td>' in page
    assert 'name="version" value="2"' in page and "My summary" in page  # the input kept, the new version taken
    assert _snapshot(Inspection, inspection.pk) == before
    again = client.post(url, _inspection_form(opened, lead_inspector="P. Prosecutor", summary="My summary", version=2))
    assert again.status_code == 302
    stored = Inspection.objects.get(pk=inspection.pk)
    assert (stored.lead_inspector, stored.summary, stored.version) == ("P. Prosecutor", "My summary", 3)


def _finding_form(finding, **changes):
    data = {
        "block": finding.block_id or "",
        "cell": finding.cell_id or "",
        "rule": finding.rule_id or "",
        "severity": finding.severity,
        "description": finding.description,
        "recommendation": finding.recommendation,
        "deadline": finding.deadline.isoformat() if finding.deadline else "",
        "version": finding.version,
    }
    return {**data, **changes}


def test_a_stale_finding_page_writes_nothing_and_shows_both_values(world, client):
    finding = world.a.finding
    client.force_login(world.users["prosecutor_a"])
    url = f"/findings/{finding.pk}/edit/"
    assert 'name="version" value="1"' in client.get(url).content.decode()
    opened = Finding.objects.get(pk=finding.pk)
    services.save_finding(user=world.users["admin"], finding=finding, data={"description": "Theirs"})
    before = _snapshot(Finding, finding.pk)
    response = client.post(url, _finding_form(opened, description="Mine"))
    page = response.content.decode()
    assert response.status_code == 200 and "was changed by admin_u" in page
    assert '<th scope="row">description</th><td>Theirs</td><td>Mine</td>' in page
    assert _snapshot(Finding, finding.pk) == before
    assert client.post(url, _finding_form(opened, description="Mine", version=2)).status_code == 302
    assert Finding.objects.get(pk=finding.pk).description == "Mine"


def test_the_finding_page_preselects_no_move(world, client):
    """A careless Save must not move the finding: the status select starts on an empty choice."""
    finding = world.a.finding
    services.change_finding_status(user=world.users["editor_a"], finding=finding, status="resolved", response="Done")
    client.force_login(world.users["prosecutor_a"])  # may verify or reopen: "open" is a choice, not the default
    url = f"/findings/{finding.pk}/"
    page = client.get(url).content.decode()
    assert '<option value="" selected>' in page and '<option value="open">' in page
    version = Finding.objects.get(pk=finding.pk).version
    response = client.post(url, {"version": version, "status": "", "response": "Looks fine"})
    assert response.status_code == 200 and "Choose the new status of the finding." in response.content.decode()
    assert Finding.objects.get(pk=finding.pk).status == "resolved"


def test_a_stale_move_page_writes_nothing_and_shows_both_values(world, client):
    finding = world.a.finding
    client.force_login(world.users["editor_a"])
    url = f"/findings/{finding.pk}/"
    assert 'name="version" value="1"' in client.get(url).content.decode()
    services.change_finding_status(user=world.users["admin"], finding=finding, status="in_progress", response="x")
    before = _snapshot(Finding, finding.pk)
    page = client.post(url, {"version": 1, "status": "resolved", "response": "Beds removed"}).content.decode()
    assert "was changed by admin_u" in page
    assert '<th scope="row">status</th><td>in progress</td><td>resolved</td>' in page
    assert "Beds removed" in page and 'name="version" value="2"' in page
    assert _snapshot(Finding, finding.pk) == before
    assert client.post(url, {"version": 2, "status": "resolved", "response": "Beds removed"}).status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == "resolved"


def test_a_duplicate_move_on_the_page_is_told(world, client):
    finding = world.a.finding
    services.change_finding_status(user=world.users["admin"], finding=finding, status="in_progress", response="x")
    client.force_login(world.users["editor_a"])
    version = Finding.objects.get(pk=finding.pk).version  # a page opened after the move, submitted again
    page = client.post(
        f"/findings/{finding.pk}/", {"version": version, "status": "in_progress", "response": "y"}
    ).content.decode()
    assert "already in progress (moved by admin_u at" in page
    assert FindingUpdate.objects.filter(finding=finding, status="in_progress").count() == 1
