"""How a cell write works (issue 24): only the fields sent are written, versions are visible (ETag,
If-Match, 412), stale pages write nothing and show both values, a second completion is a 409, and the
history names each write's fields, user and reason. The races are in test_concurrent_writes.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cells import certification, services
from cells.models import Cell
from cells.movements import propose_plan
from core.exceptions import AlreadyDone
from core.history import history_entries
from core.versioning import StaleVersion
from facilities.models import ConversionProject, ProgressUpdate
from facilities.services import record_progress

TODAY = timezone.localdate()


def cell_url(cell):
    return f"/api/v1/cells/{cell.pk}/"


def headcount(world, cell, occupancy, user="editor_a"):
    return services.update_headcount(user=world.users[user], cell=cell, occupancy=occupancy, occupancy_date=TODAY)


def commissioning(world, user="editor_a", budget="900000"):
    """Move world A's project to commissioning (version 2), the step before completion."""
    project = world.a.project
    project.refresh_from_db()
    record_progress(
        project=project,
        user=world.users[user],
        version=project.version,
        date=TODAY,
        status="commissioning",
        percent_complete=Decimal("95"),
        budget_spent_kzt=Decimal(budget),
    )


def completion_body(**changes):
    body = {
        "date": TODAY.isoformat(),
        "actual_end": TODAY.isoformat(),
        "budget_spent_kzt": "950000",
        "cells": [{"number": "S1", "living_space_m2": "6.6"}],
    }
    body.update(changes)
    return body


# --- changed fields only -------------------------------------------------------------------------------------


def test_patch_writes_only_the_fields_sent(world):
    cell = world.a.cell
    stale_copy = Cell.objects.get(pk=cell.pk)  # read before the headcount, as a view would have
    headcount(world, cell, 0)
    saved = services.save_cell(user=world.users["editor_a"], data={"living_space_m2": Decimal("7.25")}, cell=stale_copy)
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.occupancy, stored.living_space_m2, stored.version) == (0, Decimal("7.25"), 3)
    assert saved.version == 3
    entry = history_entries(stored)[0]
    assert entry["user"] == "editor_a"
    assert entry["changes"] == [
        {"field": "living_space_m2", "label": "living space (m²)", "old": "6.60", "new": "7.25"}
    ]


def test_a_write_that_changes_nothing_saves_nothing(world):
    cell = world.a.cell
    services.save_cell(user=world.users["editor_a"], data={"living_space_m2": Decimal("6.6")}, cell=cell)
    assert Cell.objects.get(pk=cell.pk).version == 1 and cell.history.count() == 1


def test_save_cell_refuses_a_stale_version_and_writes_nothing(world):
    cell = world.a.cell
    headcount(world, cell, 0)
    with pytest.raises(StaleVersion) as stale:
        services.save_cell(
            user=world.users["editor_a"], data={"living_space_m2": Decimal("9")}, cell=cell, expected_version=1
        )
    assert stale.value.current_version == 2
    assert [c.field for c in stale.value.changes] == ["occupancy", "occupancy_date"]
    assert Cell.objects.get(pk=cell.pk).living_space_m2 == Decimal("6.60")


# --- ETag and If-Match ---------------------------------------------------------------------------------------


def test_get_answers_the_etag_and_each_write_the_new_one(world):
    client, cell = world.clients["editor_a"], world.a.cell
    assert client.get(cell_url(cell))["ETag"] == '"1"'
    patched = client.patch(cell_url(cell), {"ceiling_height_m": "2.80"}, format="json", HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200 and patched["ETag"] == '"2"' and patched.json()["version"] == 2
    counted = client.patch(
        cell_url(cell) + "headcount/",
        {"occupancy": 0, "occupancy_date": TODAY.isoformat()},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert counted.status_code == 200 and counted["ETag"] == '"3"'
    put = client.put(
        cell_url(cell),
        {"block": world.a.cell_block.pk, "number": "C-A", "accommodation_type": "single_occupancy_cell"},
        format="json",
        HTTP_IF_MATCH='"3"',
    )
    assert put.status_code == 200 and put["ETag"] == '"3"'  # nothing differed: nothing written
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.ceiling_height_m, stored.occupancy, stored.version) == (Decimal("2.80"), 0, 3)


def test_patch_without_if_match_keeps_the_field_level_semantics(world):
    client, cell = world.clients["editor_a"], world.a.cell
    headcount(world, cell, 0)
    response = client.patch(cell_url(cell), {"ceiling_height_m": "2.90"}, format="json")
    assert response.status_code == 200 and response["ETag"] == '"3"'
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.ceiling_height_m, stored.occupancy) == (Decimal("2.90"), 0)


@pytest.mark.parametrize("endpoint", ["patch", "put", "headcount", "complete"])
def test_a_stale_if_match_is_412_with_the_changes_and_writes_nothing(world, endpoint):
    client, cell, project = world.clients["editor_a"], world.a.cell, world.a.project
    if endpoint == "complete":
        target, url = project, f"/api/v1/conversions/{project.pk}/complete/"
        commissioning(world)
        send = lambda: client.post(url, completion_body(), format="json", HTTP_IF_MATCH='"1"')  # noqa: E731
    else:
        target = cell
        headcount(world, cell, 0)
        url = cell_url(cell) + ("headcount/" if endpoint == "headcount" else "")
        body = {
            "patch": {"living_space_m2": "9.00"},
            "put": {"block": world.a.cell_block.pk, "number": "C-X", "accommodation_type": "single_occupancy_cell"},
            "headcount": {"occupancy": 1, "occupancy_date": TODAY.isoformat()},
        }[endpoint]
        method = client.put if endpoint == "put" else client.patch
        send = lambda: method(url, body, format="json", HTTP_IF_MATCH='"1"')  # noqa: E731
    before = type(target).objects.filter(pk=target.pk).values().get()
    cells_before = Cell.objects.count()
    response = send()
    assert response.status_code == 412, response.content
    body = response.json()
    assert body["version"] == 2 and body["your_version"] == 1 and body["changed_by"] == "editor_a"
    assert "Nothing was saved" in body["detail"]
    changed = {c["field"]: c for c in body["changes"]}
    if endpoint == "complete":
        assert changed["status"]["then"] == "construction" and changed["status"]["now"] == "commissioning"
    else:
        assert changed["occupancy"] == {"field": "occupancy", "label": "occupancy (persons)", "then": "1", "now": "0"}
    assert type(target).objects.filter(pk=target.pk).values().get() == before
    assert Cell.objects.count() == cells_before


def test_the_role_is_checked_before_if_match(world):
    for who in ("prosecutor_a", "api_client"):
        response = world.clients[who].patch(
            cell_url(world.a.cell), {"living_space_m2": "9"}, format="json", HTTP_IF_MATCH='"99"'
        )
        assert response.status_code == 403, who
    response = world.clients["prosecutor_a"].patch(
        cell_url(world.a.cell) + "headcount/", {}, format="json", HTTP_IF_MATCH='"99"'
    )
    assert response.status_code == 403
    response = world.clients["prosecutor_a"].post(
        f"/api/v1/conversions/{world.a.project.pk}/complete/", {}, format="json", HTTP_IF_MATCH='"99"'
    )
    assert response.status_code == 403


def test_the_schema_documents_if_match_and_412(world):
    schema = world.clients["prosecutor"].get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, method in (
        ("/api/v1/cells/{id}/", "patch"),
        ("/api/v1/cells/{id}/", "put"),
        ("/api/v1/cells/{id}/headcount/", "patch"),
        ("/api/v1/conversions/{id}/complete/", "post"),
    ):
        operation = schema["paths"][path][method]
        assert "If-Match" in [p["name"] for p in operation.get("parameters", [])], (path, method)
        stale = operation["responses"]["412"]["content"]["application/json"]
        assert stale["examples"]["StaleVersion"]["value"]["changes"][0]["field"] == "occupancy", (path, method)


# --- a second completion -------------------------------------------------------------------------------------


def test_a_second_completion_is_409_naming_when_and_by_whom(world):
    client, project = world.clients["editor_a"], world.a.project
    url = f"/api/v1/conversions/{project.pk}/complete/"
    commissioning(world)
    first = client.post(url, completion_body(version=2), format="json")
    assert first.status_code == 201 and first["ETag"] == f'"{first.json()["version"]}"'
    cells = Cell.objects.count()
    for headers in ({}, {"HTTP_IF_MATCH": first["ETag"]}, {"HTTP_IF_MATCH": '"1"'}):
        again = client.post(url, completion_body(version=first.json()["version"]), format="json", **headers)
        assert again.status_code == 409, headers
        assert again.json()["detail"] == (
            f"This project was completed on {TODAY:%Y-%m-%d} by editor_a; its block's conversion goes through the "
            "certification request the completion opened (see the block's page)."
        )
    assert Cell.objects.count() == cells
    assert ProgressUpdate.objects.filter(project=project, status="completed").count() == 1
    from django.test import Client

    browser = Client()
    browser.force_login(world.users["editor_a"])
    response = browser.get(f"/conversions/{project.pk}/complete/", follow=True)  # no form: the block page says why
    assert response.redirect_chain == [(f"/blocks/{project.block_id}/", 302)]
    assert f"This project was completed on {TODAY:%Y-%m-%d} by editor_a" in response.content.decode()
    project.refresh_from_db()
    with pytest.raises(AlreadyDone):
        services.complete_conversion(
            user=world.users["editor_a"],
            project=project,
            version=project.version,
            date=TODAY,
            actual_end=TODAY,
            budget_spent_kzt=Decimal("950000"),
            cells=[{"number": "S9", "living_space_m2": Decimal("6.6")}],
        )


# --- the completion: persons conserved, history with reasons -------------------------------------------------


def complete(world, cells, version=None, plan=()):
    commissioning(world)
    project = ConversionProject.objects.get(pk=world.a.project.pk)
    return services.complete_conversion(
        user=world.users["editor_a"],
        project=project,
        version=version or project.version,
        date=TODAY,
        actual_end=TODAY,
        budget_spent_kzt=Decimal("950000"),
        cells=cells,
        movement_plan=list(plan),
    )


def in_use_persons(facility):
    return sum(Cell.objects.in_use().filter(block__facility=facility).values_list("occupancy", flat=True))


def test_completion_moves_the_blocks_own_persons_first_on_approval(world):
    room = world.a.room
    Cell.objects.filter(pk=room.pk).update(status="in_use", occupancy=2)
    before = in_use_persons(world.a.facility)
    new = [{"number": f"S{n}", "living_space_m2": Decimal("6.6")} for n in range(3)]
    plan = propose_plan(block=world.a.block, persons=3, new_cells=[c["number"] for c in new])
    assert [(row["number"], row["persons"], row["to_cells"]) for row in plan] == [
        ("D1", 2, ["S0", "S1"]),
        ("E1", 1, ["S2"]),
    ]
    request = complete(world, new, plan=plan)
    assert in_use_persons(world.a.facility) == before == 53  # nothing moved before the approval
    certification.approve(user=world.users["reviewer_a"], request=request)
    assert in_use_persons(world.a.facility) == before == 53  # 50 + 2 + the cell block's 1
    assert Cell.objects.get(pk=world.a.crowded.pk).occupancy == 49  # one person came from the other dormitory
    stored = Cell.objects.get(pk=room.pk)
    assert (stored.status, stored.occupancy, stored.version) == ("decommissioned", 0, 3)  # moved out, then closed


def test_completion_refuses_to_lose_the_blocks_persons(world):
    Cell.objects.filter(pk=world.a.room.pk).update(status="in_use", occupancy=5)
    with pytest.raises(ValidationError, match="Room D1 of the block holds 5 persons and the plan moves 1 of them"):
        complete(
            world,
            [{"number": "S1", "living_space_m2": Decimal("6.6")}],
            plan=[{"from_cell": world.a.room.pk, "persons": 1}],
        )
    assert Cell.objects.get(pk=world.a.room.pk).status == "in_use"
    assert ConversionProject.objects.get(pk=world.a.project.pk).status == "commissioning"


def test_the_completions_writes_have_user_reason_and_version(world):
    request = complete(
        world,
        [{"number": "S1", "living_space_m2": Decimal("6.6")}],
        plan=[{"from_cell": world.a.crowded.pk, "persons": 1}],
    )
    new = Cell.objects.get(block=world.a.block, number="S1").history.get()
    assert (new.history_user, new.history_change_reason) == (world.users["editor_a"], services.REASON_REGISTERED)
    assert Cell.objects.get(pk=world.a.crowded.pk).version == 1  # untouched until the approval
    certification.approve(user=world.users["reviewer_a"], request=request)
    approved = f"certification request #{request.pk} approved"
    room = Cell.objects.get(pk=world.a.room.pk)
    entry = history_entries(room)[0]
    assert entry["user"] == "reviewer_a" and entry["reason"] == approved
    assert {c["field"]: c["new"] for c in entry["changes"]}["status"] == "decommissioned"
    crowded = Cell.objects.get(pk=world.a.crowded.pk)
    moved = history_entries(crowded)[0]
    assert (crowded.occupancy, crowded.version) == (49, 2)
    assert moved["reason"] == f"movement of persons: {approved}" and moved["user"] == "reviewer_a"
    assert [(c["field"], c["old"], c["new"]) for c in moved["changes"] if c["field"] == "occupancy"] == [
        ("occupancy", "50", "49")
    ]
    block = world.a.block
    block.refresh_from_db()
    assert block.version == 2 and block.history.first().history_change_reason == approved


# --- the pages -----------------------------------------------------------------------------------------------


def edit_form(world, cell, **changes):
    data = {
        "block": world.a.cell_block.pk,
        "number": cell.number,
        "accommodation_type": "single_occupancy_cell",
        "living_space_m2": "6.60",
        "design_capacity": 1,
        "status": "in_use",
        "min_wall_distance_m": "2.20",
        "ceiling_height_m": "2.70",
        "has_sanitary_annex": "true",
        "sanitary_annex_partitioned": "true",
        "has_natural_light": "true",
        "version": 1,
    }
    data.update(changes)
    return data


def test_the_edit_page_never_posts_the_headcount(client, world):
    cell = world.a.cell
    client.force_login(world.users["editor_a"])
    page = client.get(f"/cells/{cell.pk}/edit/").content.decode()
    assert 'name="occupancy"' not in page and 'name="version" value="1"' in page
    assert "Occupancy: 1 persons, counted on" in page
    response = client.post(f"/cells/{cell.pk}/edit/", edit_form(world, cell, living_space_m2="7.00", occupancy=9))
    assert response.status_code == 302
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.living_space_m2, stored.occupancy, stored.version) == (Decimal("7.00"), 1, 2)
    assert [c["field"] for c in history_entries(stored)[0]["changes"]] == ["living_space_m2"]


def test_a_stale_edit_page_writes_nothing_and_shows_both_values(client, world):
    cell = world.a.cell
    client.force_login(world.users["editor_a"])
    services.save_cell(user=world.users["admin"], data={"living_space_m2": Decimal("8.10")}, cell=cell)
    headcount(world, cell, 0, user="admin")
    form = edit_form(world, cell, living_space_m2="7.00")
    response = client.post(f"/cells/{cell.pk}/edit/", form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This cell was changed by admin_u at" in page and "Nothing was saved" in page
    assert '<th scope="row">living space (m²)</th><td>8.10</td><td>7.00</td>' in page
    assert '<th scope="row">occupancy (persons)</th><td>0</td><td>—</td>' in page
    assert 'name="version" value="3"' in page and 'value="7.00"' in page
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.living_space_m2, stored.occupancy, stored.version) == (Decimal("8.10"), 0, 3)
    # One more submit keeps the user's value, and the headcount stays.
    assert client.post(f"/cells/{cell.pk}/edit/", {**form, "version": 3}).status_code == 302
    stored = Cell.objects.get(pk=cell.pk)
    assert (stored.living_space_m2, stored.occupancy, stored.version) == (Decimal("7.00"), 0, 4)


def test_a_stale_edit_page_speaks_the_readers_language(client, world):
    cell = world.a.cell
    client.force_login(world.users["editor_a"])
    headcount(world, cell, 0, user="admin")
    page = client.post(
        f"/cells/{cell.pk}/edit/", edit_form(world, cell, living_space_m2="7.00"), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    # The rows name the fields in the reader's language (the message's msgid is translated by locale/).
    assert 'name="version" value="2"' in page and "admin_u" in page
    assert '<th scope="row">наполняемость (чел.)</th><td>0</td><td>—</td>' in page
    assert Cell.objects.get(pk=cell.pk).living_space_m2 == Decimal("6.60")


@pytest.mark.parametrize("value", ["maybe", "4", "yes please"])
def test_the_three_state_selects_refuse_a_value_outside_their_choices(client, world, value):
    cell = world.a.cell
    client.force_login(world.users["editor_a"])
    response = client.post(f"/cells/{cell.pk}/edit/", edit_form(world, cell, has_natural_light=value))
    assert response.status_code == 200 and "Select yes, no or unknown." in response.content.decode()
    assert Cell.objects.get(pk=cell.pk).has_natural_light is True and Cell.objects.get(pk=cell.pk).version == 1


def test_the_three_state_selects_take_unknown(client, world):
    cell = world.a.cell
    client.force_login(world.users["editor_a"])
    response = client.post(f"/cells/{cell.pk}/edit/", edit_form(world, cell, has_natural_light="unknown"))
    assert response.status_code == 302 and Cell.objects.get(pk=cell.pk).has_natural_light is None


def completion_form(version, **changes):
    data = {
        "version": version,
        "date": TODAY.isoformat(),
        "actual_end": TODAY.isoformat(),
        "budget_spent_kzt": "990000",
        "count": 2,
        "prefix": "S",
        "living_space_m2": "6.60",
        "has_sanitary_annex": "true",
        "sanitary_annex_partitioned": "true",
        "has_natural_light": "true",
        "persons_moved_in": 0,
        "plan": "1",  # the plan was shown (nobody moves: world A's block is empty)
        "confirm": "",
    }
    data.update(changes)
    return data


def test_a_stale_completion_page_writes_nothing_and_shows_both_values(client, world):
    project = world.a.project
    client.force_login(world.users["editor_a"])
    url = f"/conversions/{project.pk}/complete/"
    commissioning(world)
    assert 'name="version" value="2"' in client.get(url).content.decode()
    commissioning(world, user="admin", budget="970000")  # another editor records progress meanwhile
    response = client.post(url, completion_form(2))
    page = response.content.decode()
    assert response.status_code == 200 and "This conversion project was changed by admin_u" in page
    assert '<th scope="row">spent to date (KZT)</th><td>970000.00</td><td>990000</td>' in page
    assert 'name="version" value="3"' in page
    assert ConversionProject.objects.get(pk=project.pk).status == "commissioning"
    assert not Cell.objects.filter(block=world.a.block, number__startswith="S").exists()
    assert client.post(url, completion_form(3)).status_code == 302
    assert ConversionProject.objects.get(pk=project.pk).status == "completed"
    again = client.post(url, completion_form(4)).content.decode()
    assert "This project was completed on" in again and "by editor_a" in again
    assert Cell.objects.filter(block=world.a.block, number__startswith="S").count() == 2


def test_the_completion_pages_three_state_selects_refuse_other_values(client, world):
    client.force_login(world.users["editor_a"])
    ConversionProject.objects.filter(pk=world.a.project.pk).update(status="commissioning")
    page = client.post(
        f"/conversions/{world.a.project.pk}/complete/", completion_form(1, has_natural_light="perhaps")
    ).content.decode()
    assert "Select yes, no or unknown." in page
    assert ConversionProject.objects.get(pk=world.a.project.pk).status == "commissioning"


def test_the_completion_page_opens_from_commissioning_and_says_so_before(client, world):
    client.force_login(world.users["editor_a"])
    url = f"/conversions/{world.a.project.pk}/complete/"
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(f"/blocks/{world.a.block.pk}/", 302)]
    page = response.content.decode()
    assert "This project&#x27;s status is construction: it is completed from commissioning." in page
    assert "opens once it is in commissioning: record its progress first." in page
    ConversionProject.objects.filter(pk=world.a.project.pk).update(status="commissioning")
    assert client.get(url).status_code == 200
