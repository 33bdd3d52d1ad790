"""Certified facts change only through a certification request (issue 17, item 3): edits (API, page) and the
cell-survey import refuse changes of certified capacity, accommodation type and sanitary annex of a cell on
the record, and the statuses the services own; a new cell is a draft; a draft on a pending request is
frozen."""

import pytest
from django.core.exceptions import ValidationError

from cells import certification, services
from cells.models import Cell
from registers import imports
from tests.factories import CellFactory
from tests.pageforms import form_data

pytestmark = pytest.mark.django_db

BY_REQUEST = (
    "A change of the certified capacity, the accommodation type or the sanitary annex of a cell on the record goes "
    "through a certification request."
)
BY_SERVICE = (
    "Only a certification request brings a draft into use or decommissions a cell, and only taking it out of use "
    "and bringing it back (POST /api/v1/cells/<id>/deactivate/, .../reactivate/) changes that status: an edit "
    "moves a cell between in use and under reconstruction only."
)
DRAFT = (
    "A new cell is registered as a draft (counted nowhere, no certified places); request its certification to "
    "bring it into use."
)


def stored(cell):
    return Cell.objects.get(pk=cell.pk)


def totals(world):
    return certification.capacity_totals(Cell.objects.filter(block__facility=world.a.facility))


# --- the API -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"accommodation_type": "multiple_occupancy_cell"}, "accommodation_type"),
        ({"has_sanitary_annex": False, "sanitary_annex_partitioned": False}, "has_sanitary_annex"),
        ({"certified_capacity": 2}, "certified_capacity"),
    ],
)
def test_an_edit_of_a_certified_fact_is_refused(world, changes, field):
    cell = world.a.crowded  # E1, a dormitory in use, certified for 40
    response = world.clients["editor_a"].patch(f"/api/v1/cells/{cell.pk}/", changes, format="json")
    assert response.status_code == 400 and response.json() == {field: [BY_REQUEST]}
    now = stored(cell)
    assert (now.accommodation_type, now.has_sanitary_annex, now.certified_capacity, now.version) == (
        "dormitory",
        True,
        40,
        1,
    )
    with pytest.raises(ValidationError) as refused:
        services.save_cell(user=world.users["editor_a"], data=changes, cell=cell)
    assert refused.value.message_dict[field] == [BY_REQUEST]


def test_under_reconstruction_and_out_of_use_cells_are_on_the_record_too(world):
    room = world.a.room  # D1, under reconstruction
    response = world.clients["editor_a"].patch(
        f"/api/v1/cells/{room.pk}/", {"accommodation_type": "multiple_occupancy_cell"}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"accommodation_type": [BY_REQUEST]}
    # Other measurements stay editable, and so is a draft's accommodation type.
    assert (
        world.clients["editor_a"]
        .patch(f"/api/v1/cells/{room.pk}/", {"living_space_m2": "121.00"}, format="json")
        .status_code
        == 200
    )
    draft = CellFactory(block=world.a.cell_block, number="N1", status="draft", certified_capacity=None, occupancy=0)
    response = world.clients["editor_a"].patch(
        f"/api/v1/cells/{draft.pk}/",
        {
            "accommodation_type": "multiple_occupancy_cell",
            "design_capacity": 2,
            "has_sanitary_annex": False,
            "sanitary_annex_partitioned": False,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["accommodation_type"], response.json()["has_sanitary_annex"]) == (
        "multiple_occupancy_cell",
        False,
    )


@pytest.mark.parametrize(
    "start,target",
    [
        ("in_use", "deactivated"),
        ("in_use", "draft"),
        ("in_use", "decommissioned"),
        ("draft", "in_use"),
        ("deactivated", "in_use"),
        ("under_reconstruction", "deactivated"),
    ],
)
def test_the_statuses_of_the_services_are_not_set_by_an_edit(world, start, target):
    cell = CellFactory(block=world.a.cell_block, number="Z1", status=start, occupancy=0)
    response = world.clients["editor_a"].patch(f"/api/v1/cells/{cell.pk}/", {"status": target}, format="json")
    assert response.status_code == 400 and response.json() == {"status": [BY_SERVICE]}
    assert (stored(cell).status, stored(cell).version) == (start, 1)


def test_an_edit_moves_a_cell_between_in_use_and_under_reconstruction(world):
    cell = world.a.cell
    client = world.clients["editor_a"]
    response = client.patch(f"/api/v1/cells/{cell.pk}/", {"status": "under_reconstruction"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "under_reconstruction"
    response = client.patch(f"/api/v1/cells/{cell.pk}/", {"status": "in_use"}, format="json")
    assert response.status_code == 200 and (response.json()["status"], response.json()["version"]) == ("in_use", 3)


def test_a_decommissioned_room_keeps_its_message(world):
    room = CellFactory(block=world.a.block, number="D9", status="decommissioned", occupancy=0)
    response = world.clients["editor_a"].patch(f"/api/v1/cells/{room.pk}/", {"status": "in_use"}, format="json")
    assert response.status_code == 400 and response.json() == {"status": [services.decommissioned_message()]}


def test_a_new_cell_is_a_draft_counted_nowhere_until_certified(world):
    before = totals(world)
    client = world.clients["editor_a"]
    body = {"block": world.a.cell_block.pk, "number": "S-7", "accommodation_type": "single_occupancy_cell"}
    refused = client.post("/api/v1/cells/", {**body, "status": "in_use"}, format="json")
    assert refused.status_code == 400 and refused.json() == {"status": [DRAFT]}
    refused = client.post("/api/v1/cells/", {**body, "certified_capacity": 1}, format="json")
    assert refused.status_code == 400 and refused.json() == {"certified_capacity": [BY_REQUEST]}
    assert not Cell.objects.filter(number="S-7").exists()
    created = client.post("/api/v1/cells/", {**body, "living_space_m2": "6.60", "design_capacity": 1}, format="json")
    assert created.status_code == 201
    data = created.json()
    assert (data["status"], data["certified_capacity"], data["deactivation"]) == ("draft", None, None)
    assert (
        client.post(
            "/api/v1/cells/", {**body, "number": "S-8", "status": "draft", "design_capacity": 1}, format="json"
        ).status_code
        == 201
    )
    assert totals(world) == before
    # Its certification request brings it into use, with its certified place.
    cell = Cell.objects.get(pk=data["id"])
    request = certification.open_request(
        user=world.users["editor_a"],
        facility=world.a.facility,
        reason="new single cell",
        lines=[{"cell": cell, "action": "bring_into_use", "certified_capacity": 1}],
    )
    # While the request is pending the draft is frozen, naming the request.
    frozen = client.patch(f"/api/v1/cells/{cell.pk}/", {"living_space_m2": "7.00"}, format="json")
    assert frozen.status_code == 400 and frozen.json() == {
        "non_field_errors": [
            f"Cell S-7 is on pending certification request #{request.pk}: it cannot be changed until the request "
            "is decided or withdrawn."
        ]
    }
    assert stored(cell).living_space_m2 == cell.living_space_m2
    certification.approve(user=world.users["reviewer_a"], request=request)
    assert (stored(cell).status, stored(cell).certified_capacity) == ("in_use", 1)
    after = totals(world)
    assert (after["cells"], after["places_certified"], after["places_operational"]) == (
        before["cells"] + 1,
        before["places_certified"] + 1,
        before["places_operational"] + 1,
    )


def test_a_withdrawn_request_frees_the_draft(world):
    draft = CellFactory(block=world.a.cell_block, number="N2", status="draft", certified_capacity=None, occupancy=0)
    request = certification.open_request(
        user=world.users["editor_a"],
        facility=world.a.facility,
        reason="new",
        lines=[{"cell": draft, "action": "bring_into_use", "certified_capacity": 1}],
    )
    with pytest.raises(ValidationError):
        services.save_cell(user=world.users["editor_a"], data={"number": "N3"}, cell=draft)
    certification.withdraw(user=world.users["editor_a"], request=request)
    assert services.save_cell(user=world.users["editor_a"], data={"number": "N3"}, cell=draft).number == "N3"


# --- the page ------------------------------------------------------------------------------------------------


def test_the_pages_show_certified_facts_disabled_and_register_drafts(client, world):
    client.force_login(world.users["editor_a"])
    new = client.get(f"/blocks/{world.a.cell_block.pk}/cells/new/").content.decode()
    assert 'name="status"' not in new and "A new cell is registered as a draft" in new
    form = form_data(new, "number")
    form.update({"number": "P-1", "accommodation_type": "single_occupancy_cell", "design_capacity": "1"})
    response = client.post(f"/blocks/{world.a.cell_block.pk}/cells/new/", form, follow=True)
    assert (
        "Cell P-1 registered as a draft: it is counted nowhere until its certification is approved; request its "
        "certification." in response.content.decode()
    )
    assert (Cell.objects.get(number="P-1").status, Cell.objects.get(number="P-1").certified_capacity) == (
        "draft",
        None,
    )
    cell = world.a.crowded
    page = client.get(f"/cells/{cell.pk}/edit/").content.decode()
    assert '<select name="accommodation_type" required disabled' in page
    assert '<select name="has_sanitary_annex" disabled' in page
    assert "Certified capacity: 40 persons." in page and BY_REQUEST in page
    assert '<option value="deactivated"' not in page and '<option value="under_reconstruction"' in page
    form = form_data(page, "number")
    form.update(
        {"accommodation_type": "multiple_occupancy_cell", "has_sanitary_annex": "false", "living_space_m2": "151.00"}
    )
    assert client.post(f"/cells/{cell.pk}/edit/", form).status_code == 302
    now = stored(cell)  # the disabled fields are not read from the post; the measurement is written
    assert (now.accommodation_type, now.has_sanitary_annex, str(now.living_space_m2)) == ("dormitory", True, "151.00")
    form = form_data(client.get(f"/cells/{cell.pk}/edit/").content.decode(), "number")
    form["status"] = "deactivated"
    refused = client.post(f"/cells/{cell.pk}/edit/", form)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert stored(cell).status == "in_use"


# --- the cell-survey import ----------------------------------------------------------------------------------

HEADER = (
    "facility_code,block_name,number,accommodation_type,living_space_m2,design_capacity,has_sanitary_annex,status\n"
)


def test_the_import_refuses_certified_facts_per_row_and_registers_drafts(world):
    editor = world.users["editor_a"]
    data = (
        (
            HEADER
            + "F-A,Dormitory 2,E1,multiple_occupancy_cell,150,40,yes,in_use\n"  # row 2: accommodation type of a certified room
            + "F-A,Cells,C-A,single_occupancy_cell,6.6,1,no,in_use\n"  # row 3: its annex
            + "F-A,Cells,C-A2,single_occupancy_cell,6.6,1,yes,in_use\n"  # row 4: new: a draft
            + "F-A,Dormitory 2,E1,dormitory,150,40,yes,deactivated\n"  # row 5: a service's status (and a duplicate)
        ).encode()
    )
    out = imports.check_file("cells", data, user=editor)
    errors = [(e["row"], e["column"], e["reason"]) for e in out.errors]
    assert (2, "accommodation_type", BY_REQUEST) in errors
    assert (3, "has_sanitary_annex", BY_REQUEST) in errors
    assert (out.created, out.rejected) == (1, 3)
    data = (
        HEADER
        + "F-A,Cells,C-A,single_occupancy_cell,6.6,1,yes,deactivated\n"
        + "F-A,Cells,C-A2,single_occupancy_cell,6.6,1,yes,in_use\n"
    ).encode()
    out = imports.check_file("cells", data, user=editor)
    assert [(e["row"], e["column"], e["reason"]) for e in out.errors] == [(2, "status", BY_SERVICE)]
    data = (HEADER + "F-A,Cells,C-A2,single_occupancy_cell,6.6,1,yes,in_use\n").encode()
    out = imports.check_file("cells", data, user=editor)
    assert (out.created, out.rejected) == (1, 0)
    done = imports.write_file("cells", data, user=editor, reason="survey", versions=out.versions)
    assert done.created == 1
    new = Cell.objects.get(number="C-A2")
    assert (new.status, new.certified_capacity) == ("draft", None)
