"""One test per named permission decision (facilities.decisions, inspections.decisions): the page, the API,
the import and the service refuse the same case with the same message, and allow the same case."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from cells import services as cell_services
from facilities import decisions
from facilities import services as facility_services
from inspections import decisions as finding_decisions
from inspections import services as inspection_services
from registers import imports
from registers import services as import_services
from roadmap_portal.context_processors import roles as nav_context
from tests.conftest import make_user, token_client

IMPORT_REFUSED = (
    "Only ministry editors and administrators import registers; "
    "an API client with a headcount write scope imports headcounts only."
)


def _today():
    return timezone.localdate().isoformat()


def _page_refuses(client, user, url, message, method="get", data=None):
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 403, (url, response.status_code)
    assert message in html.unescape(response.content.decode())


def _api_refuses(response, message):
    assert response.status_code == 403, response.content[:300]
    assert response.json()["detail"] == message


def _service_refuses(call, message):
    with pytest.raises(PermissionDenied) as refused:
        call()
    assert str(refused.value) == message


def _headcounts_csv(world, occupancy=2):
    return (
        "facility_code,block_name,cell_number,occupancy,count_date\n"
        f"{world.a.facility.code},{world.a.cell.block.name},{world.a.cell.number},{occupancy},{_today()}\n"
    ).encode()


def _cells_csv(world):
    return (
        "facility_code,block_name,number,accommodation_type,living_space_m2,design_capacity\n"
        f"{world.a.facility.code},{world.a.cell.block.name},N-1,single_occupancy_cell,7.0,1\n"
    ).encode()


def test_may_import_page_api_import_and_navigation_agree(world, client):
    hc, prosecutor, editor = world.users["api_headcount_a"], world.users["prosecutor"], world.users["editor_a"]
    api = world.clients["api_headcount_a"]
    # The decision: editors every kind, a headcount-scoped API client headcounts only, a prosecutor nothing.
    assert decisions.may_import(editor, "cells") and decisions.may_import(hc, "headcounts")
    assert not decisions.may_import(hc, "cells") and not decisions.may_import(prosecutor, "headcounts")
    # API: a cells file is refused before anything is stored; a headcounts file is checked and written.
    cells = SimpleUploadedFile("cells.csv", _cells_csv(world))
    _api_refuses(api.post("/api/v1/imports/", {"kind": "cells", "file": cells}, format="multipart"), IMPORT_REFUSED)
    counts = SimpleUploadedFile("headcounts.csv", _headcounts_csv(world))
    created = api.post("/api/v1/imports/", {"kind": "headcounts", "file": counts}, format="multipart")
    assert created.status_code == 201 and created.json()["status"] == "checked", created.json()
    assert api.post(f"/api/v1/imports/{created.json()['id']}/confirm/").json()["status"] == "imported"
    prosecutor_upload = SimpleUploadedFile("headcounts.csv", _headcounts_csv(world))
    _api_refuses(
        world.clients["prosecutor"].post(
            "/api/v1/imports/", {"kind": "headcounts", "file": prosecutor_upload}, format="multipart"
        ),
        IMPORT_REFUSED,
    )
    # The page: the form offers only headcounts to the API client, and refuses a prosecutor with the message.
    client.force_login(hc)
    form = client.get("/imports/new/").context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["headcounts"]
    posted = client.post("/imports/new/", {"kind": "cells", "file": SimpleUploadedFile("c.csv", _cells_csv(world))})
    assert posted.status_code == 200 and "kind" in posted.context["form"].errors
    _page_refuses(client, prosecutor, "/imports/new/", IMPORT_REFUSED)
    # The check itself (the command and a record confirmed by someone else go through it).
    _service_refuses(lambda: imports.check_file("cells", _cells_csv(world), user=hc), IMPORT_REFUSED)
    _service_refuses(
        lambda: import_services.upload(user=hc, kind="cells", file_name="c.csv", data=_cells_csv(world)), IMPORT_REFUSED
    )
    # The navigation offers imports to whoever imports some kind.
    request = RequestFactory().get("/")
    for user, offered in ((hc, True), (editor, True), (prosecutor, False), (world.users["api_client"], False)):
        request.user = user
        assert nav_context(request)["can_import"] is offered


def test_may_edit_cells_page_api_and_service_agree(world, client):
    prosecutor_a = world.users["prosecutor_a"]
    message = "Only ministry editors and administrators may edit cells."
    assert not decisions.may_edit_cells(prosecutor_a, world.a.facility.region_id)
    assert decisions.may_edit_cells(world.users["editor_a"], world.a.facility.region_id)
    _page_refuses(client, prosecutor_a, f"/cells/{world.a.cell.pk}/edit/", message)
    _api_refuses(
        world.clients["prosecutor_a"].patch(
            f"/api/v1/cells/{world.a.cell.pk}/", {"living_space_m2": "7.10"}, format="json"
        ),
        message,
    )
    _service_refuses(
        lambda: cell_services.save_cell(user=prosecutor_a, data={"living_space_m2": 7}, cell=world.a.cell), message
    )
    # An editor of another region: the import rejects the row, the service refuses the cell.
    editor_b = make_user("editor_b", "Ministry editors", regions=["KZ-10"])
    _service_refuses(
        lambda: cell_services.save_cell(user=editor_b, data={"living_space_m2": 7}, cell=world.a.cell),
        "This cell is outside your regions.",
    )


def test_may_edit_project_page_api_and_service_agree(world, client):
    prosecutor_a, project = world.users["prosecutor_a"], world.a.project
    message = "Only a ministry editor of this region or an administrator may edit this project."
    assert decisions.may_edit_project(world.users["editor_a"], project)
    assert not decisions.may_edit_project(prosecutor_a, project)
    _page_refuses(client, prosecutor_a, f"/conversions/{project.pk}/progress/", message)
    _page_refuses(client, prosecutor_a, f"/conversions/{project.pk}/complete/", message)
    body = {"version": 1, "date": _today(), "status": "construction", "percent_complete": "70"}
    _api_refuses(
        world.clients["prosecutor_a"].post(
            f"/api/v1/conversions/{project.pk}/progress/", {**body, "budget_spent_kzt": "700000"}, format="json"
        ),
        message,
    )
    _service_refuses(lambda: facility_services.check_can_edit_project(prosecutor_a, project), message)


def test_may_update_headcount_api_import_and_service_agree(world):
    message = "This account may not update headcounts in this region."
    hc_b = make_user("client_hc_b", "API clients", headcount_regions=["KZ-10"])  # reads A, writes B only
    region_a = world.a.facility.region_id
    assert decisions.may_update_headcount(world.users["api_headcount_a"], region_a)
    assert not decisions.may_update_headcount(hc_b, region_a)
    _api_refuses(
        token_client(hc_b).patch(
            f"/api/v1/cells/{world.a.cell.pk}/headcount/",
            {"occupancy": 1, "occupancy_date": _today()},
            format="json",
        ),
        message,
    )
    out = imports.check_file("headcounts", _headcounts_csv(world), user=hc_b)
    assert [e["reason"] for e in out.errors] == [message]
    _service_refuses(
        lambda: cell_services.update_headcount(
            user=hc_b, cell=world.a.cell, occupancy=1, occupancy_date=timezone.localdate()
        ),
        message,
    )


def test_may_record_inspection_page_api_and_service_agree(world, client):
    editor_a = world.users["editor_a"]
    message = "Only prosecutors and administrators record inspections."
    assert decisions.may_record_inspection(world.users["prosecutor_a"], world.a.facility.region_id)
    assert not decisions.may_record_inspection(world.users["prosecutor_a"], world.b.facility.region_id)
    assert not decisions.may_record_inspection(editor_a)
    _page_refuses(client, editor_a, "/inspections/new/", message)
    body = {"facility": world.a.facility.pk, "date_start": _today(), "body": "prosecutor", "type": "unannounced"}
    _api_refuses(world.clients["editor_a"].post("/api/v1/inspections/", body, format="json"), message)
    data = {"facility": world.a.facility, "date_start": timezone.localdate(), "body": "prosecutor"}
    _service_refuses(lambda: inspection_services.save_inspection(user=editor_a, data=data), message)
    in_region = "Only a prosecutor for this region or an administrator records inspections."
    prosecutor_b = make_user("pros_b", "Prosecutors", regions=["KZ-10"])
    _service_refuses(
        lambda: inspection_services.save_finding(user=prosecutor_b, data={}, inspection=world.a.inspection), in_region
    )


def test_may_verify_and_answer_finding_page_api_and_service_agree(world, client):
    finding = world.a.finding
    assert finding_decisions.may_answer_finding(world.users["editor_a"], finding)
    assert not finding_decisions.may_verify_finding(world.users["editor_a"], finding)
    assert finding_decisions.may_verify_finding(world.users["prosecutor_a"], finding)
    assert finding_decisions.allowed_moves(world.users["editor_a"], finding) == ["in_progress", "resolved"]
    assert finding_decisions.allowed_moves(world.users["prosecutor_a"], finding) == ["rejected"]
    message = "You may not change the status of this finding."
    outsider = world.users["api_client"]  # reads every region, answers and verifies nothing
    body = {"status": "in_progress", "response": "Works ordered"}
    _page_refuses(client, outsider, f"/findings/{finding.pk}/", message, method="post", data=body)
    _api_refuses(
        world.clients["api_client"].post(f"/api/v1/findings/{finding.pk}/status/", body, format="json"), message
    )
    _service_refuses(lambda: inspection_services.change_finding_status(user=outsider, finding=finding, **body), message)


def test_may_use_portal_pages_and_api_agree(world, client):
    nobody = world.users["nobody"]
    message = "Your account has no role in the portal; ask an administrator."
    assert not decisions.may_use_portal(nobody) and decisions.may_use_portal(world.users["api_client"])
    _page_refuses(client, nobody, "/", message)
    _api_refuses(world.clients["nobody"].get("/api/v1/facilities/"), message)
