"""A cell's count is written only through the headcount rules (cells.services.check_cell_change): a cell
PATCH/PUT that sends ``occupancy`` or ``occupancy_date`` is refused naming ``headcount/``; a new cell may
come with a first count, under the headcount rules; the cell survey import changes a stored count only as a
headcount; and no edit (API, import) brings a decommissioned room back into use."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from cells import services
from cells.models import Cell
from registers import services as register_services

TODAY = timezone.localdate()
COUNTED = datetime.date(2026, 11, 1)


def _snapshot(pk):
    cell = Cell.objects.get(pk=pk)
    return model_to_dict(cell), cell.version, cell.history.count()


@pytest.fixture
def counted(world):
    """World A's cell with 10 persons counted on 2026-11-01."""
    Cell.objects.filter(pk=world.a.cell.pk).update(occupancy=10, occupancy_date=COUNTED)
    return Cell.objects.get(pk=world.a.cell.pk)


@pytest.mark.parametrize(
    "body",
    [
        {"occupancy": 11, "occupancy_date": "2020-01-01"},
        {"occupancy": 11},
        {"occupancy_date": TODAY.isoformat()},
        {"occupancy": 10, "ceiling_height_m": "3.00"},  # the stored count, sent with an edit: refused as well
    ],
)
def test_a_cell_patch_with_the_count_is_refused_naming_headcount(world, counted, body):
    url = f"/api/v1/cells/{counted.pk}/"
    before = _snapshot(counted.pk)
    response = world.clients["editor_a"].patch(url, body, format="json")
    assert response.status_code == 400, response.content
    answer = response.json()
    for name in ("occupancy", "occupancy_date"):
        if name in body:
            assert "/headcount/" in answer[name][0] and "never by an edit" in answer[name][0]
    assert _snapshot(counted.pk) == before
    fine = world.clients["editor_a"].patch(url, {"ceiling_height_m": "3.00"}, format="json")
    assert fine.status_code == 200
    assert (fine.json()["occupancy"], fine.json()["occupancy_date"]) == (10, COUNTED.isoformat())


def test_a_cell_put_with_the_count_is_refused(world, counted):
    url = f"/api/v1/cells/{counted.pk}/"
    body = {
        "block": world.a.cell_block.pk,
        "number": counted.number,
        "accommodation_type": "single_occupancy_cell",
        "design_capacity": 1,
        "occupancy": 11,
        "occupancy_date": "2020-01-01",
    }
    before = _snapshot(counted.pk)
    response = world.clients["editor_a"].put(url, body, format="json")
    assert response.status_code == 400 and set(response.json()) == {"occupancy", "occupancy_date"}
    assert _snapshot(counted.pk) == before


def test_the_service_refuses_a_count_with_an_edit(world, counted):
    """Whatever the caller (the page, a script): save_cell never changes the count."""
    with pytest.raises(ValidationError) as refused:
        services.save_cell(user=world.users["editor_a"], cell=counted, data={"occupancy": 11})
    assert "/headcount/" in refused.value.message_dict["occupancy"][0]
    assert Cell.objects.get(pk=counted.pk).occupancy == 10


@pytest.mark.parametrize(
    ("count", "field", "words"),
    [
        ({"occupancy": 1}, "occupancy_date", "Give the date of the count"),
        ({"occupancy": 1, "occupancy_date": "2099-01-01"}, "occupancy_date", "cannot be in the future"),
        ({"occupancy_date": TODAY.isoformat()}, "occupancy", "number of persons"),
        (  # a new cell is a draft: never registered decommissioned (issue 17, item 3)
            {"occupancy": 1, "occupancy_date": TODAY.isoformat(), "status": "decommissioned"},
            "status",
            "registered as a draft",
        ),
    ],
)
def test_a_new_cell_with_a_count_follows_the_headcount_rules(world, count, field, words):
    body = {"block": world.a.cell_block.pk, "number": "N-1", "accommodation_type": "single_occupancy_cell"}
    body.update(design_capacity=1, **count)
    response = world.clients["editor_a"].post("/api/v1/cells/", body, format="json")
    assert response.status_code == 400 and words in response.json()[field][0], response.content
    assert not Cell.objects.filter(number="N-1").exists()


def test_a_new_cell_may_come_with_its_first_count(world):
    body = {
        "block": world.a.cell_block.pk,
        "number": "N-1",
        "accommodation_type": "single_occupancy_cell",
        "design_capacity": 1,
        "occupancy": 1,
        "occupancy_date": TODAY.isoformat(),
    }
    response = world.clients["editor_a"].post("/api/v1/cells/", body, format="json")
    assert response.status_code == 201, response.content
    stored = Cell.objects.get(number="N-1")
    assert (stored.occupancy, stored.occupancy_date) == (1, TODAY)


@pytest.mark.parametrize("status", ["in_use", "under_reconstruction"])
def test_a_decommissioned_room_is_not_brought_back_by_an_edit(world, status):
    room = world.a.room
    Cell.objects.filter(pk=room.pk).update(status=Cell.Status.DECOMMISSIONED)
    before = _snapshot(room.pk)
    response = world.clients["editor_a"].patch(f"/api/v1/cells/{room.pk}/", {"status": status}, format="json")
    assert response.status_code == 400
    assert "decommissioned" in response.json()["status"][0] and "cannot put it back" in response.json()["status"][0]
    assert _snapshot(room.pk) == before
    other = world.clients["editor_a"].patch(f"/api/v1/cells/{room.pk}/", {"ceiling_height_m": "3.00"}, format="json")
    assert other.status_code == 200 and other.json()["status"] == "decommissioned"


SURVEY = (
    "facility_code,block_name,number,accommodation_type,occupancy,occupancy_date,status\n"
    "F-A,Cells,C-A,single_occupancy_cell,{occupancy},{date},{status}\n"
)


def _import(world, **row):
    data = SURVEY.format(**{"occupancy": "10", "date": COUNTED.isoformat(), "status": "in_use", **row}).encode()
    record = register_services.upload(user=world.users["editor_a"], kind="cells", file_name="s.csv", data=data)
    return register_services.process(record, confirm=True)


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"occupancy": "12", "date": "2020-01-01"}, "occupancy_date", "newer count"),
        ({"occupancy": "12", "date": ""}, "occupancy_date", "Give the date of the count"),
        ({"status": "in_use", "decommissioned": True}, "status", "cannot put it back"),
    ],
)
def test_the_cell_survey_import_changes_a_stored_count_only_as_a_headcount(world, counted, row, field, words):
    if row.pop("decommissioned", False):
        Cell.objects.filter(pk=counted.pk).update(status=Cell.Status.DECOMMISSIONED)
    before = _snapshot(counted.pk)
    record = _import(world, **row)
    assert (record.rejected, record.updated) == (1, 0)
    errors = str(record.errors)
    assert field in errors and words in errors, errors
    assert _snapshot(counted.pk) == before


def test_the_cell_survey_import_records_a_newer_count(world, counted):
    record = _import(world, occupancy="12", date=TODAY.isoformat())
    assert (record.rejected, record.updated) == (0, 1)
    stored = Cell.objects.get(pk=counted.pk)
    assert (stored.occupancy, stored.occupancy_date) == (12, TODAY)
