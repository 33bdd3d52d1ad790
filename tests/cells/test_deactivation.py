"""Temporary deactivation of a cell and its reactivation (cells.deactivation; issue 17, item 6): the service's
rules on the locked row, the capacity figures, the history, the API actions with If-Match and the cell
page's forms."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cells import certification, deactivation
from cells.models import Cell, CellDeactivation, ComplianceRun
from core.versioning import StaleVersion
from tests.factories import CellFactory
from tests.pageforms import form_data

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def empty_cell(world):
    """Region A's single cell C-A, in use, certified for 1 person, emptied (version 2)."""
    cell = world.a.cell
    Cell.objects.filter(pk=cell.pk).update(occupancy=0, version=2)
    return Cell.objects.get(pk=cell.pk)


def totals(world):
    return certification.capacity_totals(Cell.objects.filter(block__facility=world.a.facility))


def take_out(world, cell, **changes):
    values = {
        "user": world.users["editor_a"],
        "cell": cell,
        "reason": "damp",
        "reason_text": "",
        "deactivated_on": today() - datetime.timedelta(days=3),
        "expected_reactivation": today() + datetime.timedelta(days=30),
        "work_order": "WO-2026-114",
        "expected_version": cell.version,
    }
    values.update(changes)
    return deactivation.deactivate(**values)


# --- the service ---------------------------------------------------------------------------------------------


def test_deactivation_keeps_certified_places_and_takes_operational_ones_until_reactivation(
    world, django_capture_on_commit_callbacks
):
    cell = empty_cell(world)
    before = totals(world)
    assert before == {"cells": 3, "places_design": 81, "places_certified": 81, "places_operational": 41}
    with django_capture_on_commit_callbacks(execute=True):
        record = take_out(world, cell)
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.status, stored.version, stored.certified_capacity) == ("deactivated", 3, 1)
    assert (
        record.reason,
        record.deactivated_on,
        record.expected_reactivation,
        record.work_order,
        record.deactivated_by,
        record.reactivated_on,
    ) == (
        "damp",
        today() - datetime.timedelta(days=3),
        today() + datetime.timedelta(days=30),
        "WO-2026-114",
        world.users["editor_a"],
        None,
    )
    assert totals(world) == {"cells": 3, "places_design": 81, "places_certified": 81, "places_operational": 40}
    entry = stored.history.first()
    assert (entry.status, entry.history_user, entry.history_change_reason) == (
        "deactivated",
        world.users["editor_a"],
        f"taken out of use: deactivation #{record.pk} (damp)",
    )
    assert ComplianceRun.objects.filter(facility=world.a.facility, trigger="edit").count() == 1

    back = deactivation.reactivate(
        user=world.users["admin"], cell=stored, reactivated_on=today(), expected_version=3, note="dried out"
    )
    record.refresh_from_db()
    assert (back.status, back.version) == ("in_use", 4)
    assert (record.reactivated_on, record.reactivated_by) == (today(), world.users["admin"])
    assert totals(world) == before
    assert Cell.objects.get(pk=cell.pk).history.first().history_change_reason == (
        f"back in use: deactivation #{record.pk} closed: dried out"
    )
    assert record.history.first().history_change_reason == f"back in use: deactivation #{record.pk} closed: dried out"
    assert CellDeactivation.objects.filter(cell=cell).count() == 1


def test_an_occupied_cell_is_refused_naming_its_persons_and_the_movement(world):
    cell = world.a.crowded  # E1: 50 persons
    with pytest.raises(ValidationError) as refused:
        take_out(world, cell)
    assert refused.value.message_dict == {
        "occupancy": ["Cell E1 holds 50 persons: move them out first (a movement), then take it out of use."]
    }
    assert (Cell.objects.get(pk=cell.pk).status, CellDeactivation.objects.count()) == ("in_use", 0)


@pytest.mark.parametrize(
    "status,label",
    [
        ("draft", "draft (awaiting certification)"),
        ("under_reconstruction", "under reconstruction"),
        ("decommissioned", "decommissioned"),
        ("deactivated", "temporarily out of use"),
    ],
)
def test_only_a_cell_in_use_is_taken_out_of_use(world, status, label):
    cell = CellFactory(block=world.a.cell_block, number="Z1", occupancy=0, status=status)
    with pytest.raises(ValidationError) as refused:
        take_out(world, cell)
    assert refused.value.message_dict == {
        "status": [f"Only a cell in use can be taken out of use; cell Z1 is {label}."]
    }
    assert not CellDeactivation.objects.exists()


def test_the_dates_reason_and_work_order_rules(world):
    cell = empty_cell(world)
    with pytest.raises(ValidationError) as refused:
        take_out(
            world,
            cell,
            deactivated_on=today() + datetime.timedelta(days=1),
            expected_reactivation=today(),
            reason="other",
            work_order="W" * 101,
        )
    errors = refused.value.message_dict
    assert errors["deactivated_on"] == [f"The date cannot be in the future (today is {today():%Y-%m-%d})."]
    assert errors["expected_reactivation"] == ["The expected reactivation date cannot be before the deactivation."]
    assert errors["reason_text"] == ['Describe the reason when it is "other".']
    assert errors["work_order"] == ["The work order reference has at most 100 characters."]
    with pytest.raises(ValidationError) as refused:
        take_out(world, cell, reason="holiday")
    assert list(refused.value.message_dict) == ["reason"]
    record = take_out(world, cell, reason="other", reason_text="  flooded corridor  ", work_order="")
    assert (record.reason_text, record.work_order) == ("flooded corridor", "")
    stored = Cell.objects.get(pk=cell.pk)
    with pytest.raises(ValidationError) as refused:
        deactivation.reactivate(
            user=world.users["editor_a"], cell=stored, reactivated_on=today() - datetime.timedelta(days=4)
        )
    assert refused.value.message_dict == {
        "reactivated_on": [
            f"The cell is out of use since {today() - datetime.timedelta(days=3):%Y-%m-%d}; it cannot be back "
            "in use before that."
        ]
    }
    with pytest.raises(ValidationError) as refused:
        deactivation.reactivate(
            user=world.users["editor_a"], cell=stored, reactivated_on=today() + datetime.timedelta(days=1)
        )
    assert list(refused.value.message_dict) == ["reactivated_on"]
    assert Cell.objects.get(pk=cell.pk).status == "deactivated"


def test_only_a_deactivated_cell_is_brought_back(world):
    cell = empty_cell(world)
    with pytest.raises(ValidationError) as refused:
        deactivation.reactivate(user=world.users["editor_a"], cell=cell, reactivated_on=today())
    assert refused.value.message_dict == {
        "status": ["Cell C-A is not out of use (in use): only a deactivated cell is brought back."]
    }
    assert Cell.objects.get(pk=cell.pk).version == 2


def test_who_may_deactivate_and_a_stale_version(world):
    cell = empty_cell(world)
    for role in ("prosecutor", "reviewer_a", "api_client"):
        with pytest.raises(PermissionDenied):
            take_out(world, cell, user=world.users[role])
    other = CellFactory(block=world.b.cell_block, number="B9", occupancy=0)
    with pytest.raises(PermissionDenied):
        take_out(world, other)  # editor_a edits region A only
    with pytest.raises(StaleVersion):
        take_out(world, cell, expected_version=1)
    assert (Cell.objects.get(pk=cell.pk).status, CellDeactivation.objects.count()) == ("in_use", 0)
    take_out(world, cell)
    with pytest.raises(StaleVersion):
        deactivation.reactivate(user=world.users["editor_a"], cell=cell, reactivated_on=today(), expected_version=2)
    assert Cell.objects.get(pk=cell.pk).status == "deactivated"


# --- the API -------------------------------------------------------------------------------------------------


def body(**changes):
    data = {
        "reason": "pests",
        "deactivated_on": f"{today():%Y-%m-%d}",
        "expected_reactivation": f"{today() + datetime.timedelta(days=14):%Y-%m-%d}",
        "work_order": "ZN-77",
    }
    data.update(changes)
    return data


def test_api_deactivate_and_reactivate_with_if_match(world):
    cell = empty_cell(world)
    client = world.clients["editor_a"]
    url = f"/api/v1/cells/{cell.pk}/deactivate/"
    stale = client.post(url, body(), format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["version"] == 2
    assert Cell.objects.get(pk=cell.pk).status == "in_use"
    response = client.post(url, body(), format="json", HTTP_IF_MATCH='"2"')
    assert response.status_code == 200 and response["ETag"] == '"3"'
    data = response.json()
    record = CellDeactivation.objects.get(cell=cell)
    assert (data["status"], data["version"], data["certified_capacity"]) == ("deactivated", 3, 1)
    assert data["deactivation"] == {
        "id": record.pk,
        "reason": "pests",
        "reason_text": "",
        "deactivated_on": f"{today():%Y-%m-%d}",
        "expected_reactivation": f"{today() + datetime.timedelta(days=14):%Y-%m-%d}",
        "work_order": "ZN-77",
        "deactivated_by": "editor_a",
    }
    assert client.get(f"/api/v1/cells/{cell.pk}/").json()["deactivation"]["id"] == record.pk
    again = client.post(url, body(), format="json")
    assert again.status_code == 400 and again.json() == {
        "status": ["Only a cell in use can be taken out of use; cell C-A is temporarily out of use."]
    }
    back = client.post(f"/api/v1/cells/{cell.pk}/reactivate/", {"note": "treated"}, format="json", HTTP_IF_MATCH='"3"')
    assert back.status_code == 200 and back["ETag"] == '"4"'
    assert (back.json()["status"], back.json()["deactivation"]) == ("in_use", None)
    record.refresh_from_db()
    assert (record.reactivated_on, record.reactivated_by) == (today(), world.users["editor_a"])


def test_api_refusals_are_field_errors_and_roles_are_checked_first(world):
    crowded = world.a.crowded
    client = world.clients["editor_a"]
    occupied = client.post(f"/api/v1/cells/{crowded.pk}/deactivate/", body(), format="json")
    assert occupied.status_code == 400 and occupied.json() == {
        "occupancy": ["Cell E1 holds 50 persons: move them out first (a movement), then take it out of use."]
    }
    bad = client.post(
        f"/api/v1/cells/{crowded.pk}/deactivate/",
        body(reason="nap", expected_reactivation="soon", extra=1),
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {"extra"}  # unknown fields first (StrictInputMixin)
    bad = client.post(
        f"/api/v1/cells/{crowded.pk}/deactivate/", body(reason="nap", expected_reactivation="soon"), format="json"
    )
    assert bad.status_code == 400 and set(bad.json()) == {"reason", "expected_reactivation"}
    refused = world.clients["prosecutor"].post(
        f"/api/v1/cells/{crowded.pk}/deactivate/", body(), format="json", HTTP_IF_MATCH='"99"'
    )
    assert refused.status_code == 403
    outside = world.clients["editor_a"].post(f"/api/v1/cells/{world.b.cell.pk}/deactivate/", body(), format="json")
    assert outside.status_code in (403, 404)
    assert not CellDeactivation.objects.exists()


# --- the cell page -------------------------------------------------------------------------------------------


def test_the_cell_page_takes_a_cell_out_of_use_lists_it_and_brings_it_back(client, world):
    cell = empty_cell(world)
    client.force_login(world.users["editor_a"])
    page = client.get(f"/cells/{cell.pk}/edit/").content.decode()
    assert "Take out of use" in page and "Bring back into use" not in page
    assert "This cell was never taken out of use." in page
    form = form_data(page, "deactivate-reason")
    assert (
        form["deactivate-version"] == "2" and form["deactivate-deactivated_on"] == f"{today():%d.%m.%Y}"
    )  # day first (issue 18)
    form.update(
        {
            "deactivate-reason": "security",
            "deactivate-expected_reactivation": f"{today() + datetime.timedelta(days=7):%Y-%m-%d}",
            "deactivate-work_order": "SEC-5",
        }
    )
    response = client.post(f"/cells/{cell.pk}/deactivate/", form)
    assert response.status_code == 302 and response["Location"] == f"/cells/{cell.pk}/edit/"
    assert Cell.objects.get(pk=cell.pk).status == "deactivated"
    page = client.get(f"/cells/{cell.pk}/edit/").content.decode()
    assert "Cell C-A is out of use: it keeps its certified places and has no operational ones." in page
    # the list shows dates as every table does, day first (SHORT_DATE_FORMAT, issue 18; was ISO)
    assert (
        f"<td>security</td>\n        <td>{today():%d.%m.%Y}</td>\n"
        f"        <td>{today() + datetime.timedelta(days=7):%d.%m.%Y}</td>\n        <td>still out of use</td>\n"
        "        <td>SEC-5</td>\n        <td>editor_a</td>\n        <td>—</td>"
    ) in page
    assert "Take out of use</button>" not in page and "Bring back into use</button>" in page
    back = form_data(page, "reactivate-reactivated_on")
    assert back["reactivate-version"] == "3"
    assert client.post(f"/cells/{cell.pk}/reactivate/", back).status_code == 302
    page = client.get(f"/cells/{cell.pk}/edit/").content.decode()
    assert "Cell C-A is back in use." in page
    assert (
        f"<td>{today():%d.%m.%Y}</td>\n        <td>SEC-5</td>\n        <td>editor_a</td>\n        <td>editor_a</td>"
        in page
    )
    assert Cell.objects.get(pk=cell.pk).status == "in_use"


def test_a_stale_or_refused_deactivation_page_writes_nothing(client, world):
    cell = empty_cell(world)
    client.force_login(world.users["editor_a"])
    form = form_data(client.get(f"/cells/{cell.pk}/edit/").content.decode(), "deactivate-reason")
    form["deactivate-expected_reactivation"] = f"{today():%Y-%m-%d}"
    Cell.objects.filter(pk=cell.pk).update(version=3)  # changed meanwhile
    stale = client.post(f"/cells/{cell.pk}/deactivate/", form)
    assert stale.status_code == 200 and "Nothing was saved" in stale.content.decode()
    assert (Cell.objects.get(pk=cell.pk).status, CellDeactivation.objects.count()) == ("in_use", 0)
    crowded = world.a.crowded
    page = client.get(f"/cells/{crowded.pk}/edit/").content.decode()
    assert "This cell holds 50 persons: move them out first (a movement), then take it out of use." in page
    form = form_data(page, "deactivate-reason")
    form["deactivate-expected_reactivation"] = f"{today():%Y-%m-%d}"
    refused = client.post(f"/cells/{crowded.pk}/deactivate/", form).content.decode()
    assert "Cell E1 holds 50 persons: move them out first (a movement), then take it out of use." in refused
    assert "occupancy:" not in refused  # the service's message, not its internal key
    assert Cell.objects.get(pk=crowded.pk).status == "in_use"
    client.force_login(world.users["prosecutor"])
    assert client.post(f"/cells/{cell.pk}/deactivate/", form).status_code == 403
