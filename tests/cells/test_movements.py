"""Movements of persons on their own (issue 17, item 5): the API (POST and GET /api/v1/movements/) and the
page (/facilities/<id>/movements/new/: preview, then confirm), with exact figures: persons conserved, a
refused movement writes nothing, the list scoped to the reader's regions, the history naming the
movement. World A: E1 (Dormitory 2) holds 50 persons, C-A (Cells) 1."""

import datetime

import pytest

from cells.models import Cell, Movement
from core.history import history_entries
from tests.factories import CellFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 1, 10)


@pytest.fixture
def cells(world):
    a = world.a
    Cell.objects.filter(pk__in=[a.crowded.pk, a.cell.pk]).update(occupancy_date=datetime.date(2026, 1, 5))
    empty = CellFactory(block=a.cell_block, number="C-2", occupancy=0, occupancy_date=datetime.date(2026, 1, 5))
    return a.crowded, a.cell, empty


def persons(world):
    return sum(Cell.objects.in_use().filter(block__facility=world.a.facility).values_list("occupancy", flat=True))


def test_the_api_records_a_movement_conserving_persons(world, cells):
    crowded, _cell, empty = cells
    before = persons(world)
    body = {
        "date": "2026-01-10",
        "reason": "cell repairs",
        "moves": [{"from_cell": crowded.pk, "to_cell": empty.pk, "persons": 1}],
    }
    response = world.clients["editor_a"].post("/api/v1/movements/", body, format="json")
    assert response.status_code == 201, response.content
    [row] = response.json()
    assert (row["from_number"], row["to_number"], row["persons"], row["reason"], row["author"]) == (
        "E1",
        "C-2",
        1,
        "cell repairs",
        "editor_a",
    )
    assert (row["date"], row["facility"], row["request"]) == ("2026-01-10", "F-A", None)
    crowded.refresh_from_db()
    empty.refresh_from_db()
    assert (crowded.occupancy, crowded.occupancy_date, empty.occupancy) == (49, DAY, 1)
    assert persons(world) == before == 51
    entry = history_entries(crowded)[0]
    assert entry["reason"] == "movement of persons: cell repairs" and entry["user"] == "editor_a"


def test_a_refused_movement_writes_nothing(world, cells):
    crowded, cell, empty = cells
    client = world.clients["editor_a"]
    too_many = {
        "date": "2026-01-10",
        "reason": "x",
        "moves": [{"from_cell": cell.pk, "to_cell": empty.pk, "persons": 2}],
    }
    response = client.post("/api/v1/movements/", too_many, format="json")
    assert response.status_code == 400
    assert response.json() == {"moves": ["Line 1: room C-A holds 1 person; 2 cannot move out of it."]}
    before_count = {
        "date": "2026-01-04",
        "reason": "x",
        "moves": [{"from_cell": crowded.pk, "to_cell": empty.pk, "persons": 1}],
    }
    response = client.post("/api/v1/movements/", before_count, format="json")
    assert response.status_code == 400 and "was counted on 2026-01-05" in response.json()["moves"][0]
    other = {
        "date": "2026-01-10",
        "reason": "x",
        "moves": [{"from_cell": crowded.pk, "to_cell": world.b.cell.pk, "persons": 1}],
    }
    assert client.post("/api/v1/movements/", other, format="json").status_code in (400, 403)
    assert world.clients["prosecutor_a"].post("/api/v1/movements/", too_many, format="json").status_code == 403
    assert Movement.objects.count() == 0
    assert Cell.objects.get(pk=crowded.pk).occupancy == 50 and Cell.objects.get(pk=empty.pk).occupancy == 0


def test_the_list_is_scoped_filtered_and_paginated(world, cells):
    crowded, _cell, empty = cells
    body = {
        "date": "2026-01-10",
        "reason": "r",
        "moves": [{"from_cell": crowded.pk, "to_cell": empty.pk, "persons": 1}],
    }
    assert world.clients["editor_a"].post("/api/v1/movements/", body, format="json").status_code == 201
    own = world.clients["prosecutor_a"].get("/api/v1/movements/", {"facility": "F-A"}).json()
    assert own["count"] == 1 and own["results"][0]["to_number"] == "C-2"
    assert world.clients["prosecutor_a"].get("/api/v1/movements/", {"facility": "F-B"}).json()["count"] == 0
    editor_b = world.clients["reviewer_b"].get("/api/v1/movements/").json()  # region KZ-10 only
    assert editor_b["count"] == 0
    assert world.clients["prosecutor_a"].get("/api/v1/movements/", {"cell": "abc"}).status_code == 400


def test_the_page_previews_then_confirms_and_names_the_movement(client, world, cells):
    crowded, _cell, empty = cells
    client.force_login(world.users["editor_a"])
    url = f"/facilities/{world.a.facility.pk}/movements/new/"
    assert client.get(url).status_code == 200
    data = {"date": "2026-01-10", "reason": "repairs", "from_0": crowded.pk, "to_0": empty.pk, "persons_0": 1}
    page = client.post(url, {**data, "preview": ""}).content.decode()
    assert (
        '<th scope="row">Dormitory 2 / E1</th><td class="num">50</td><td class="num">49 <span class="badge overdue">'
        'above certified capacity</span></td><td class="num">40</td>' in page
    )
    assert '<th scope="row">Cells / C-2</th><td class="num">0</td><td class="num">1</td><td class="num">1</td>' in page
    assert page.count("above certified capacity") == 1  # E1 holds 49 persons in 40 certified places
    crowding = client.post(url, {**data, "persons_0": 2, "preview": ""}).content.decode()
    assert (
        '<td class="num">2 <span class="badge overdue">above certified capacity</span></td><td class="num">1</td>'
        in crowding
    )
    assert Movement.objects.count() == 0 and Cell.objects.get(pk=crowded.pk).occupancy == 50
    response = client.post(url, {**data, "confirm": ""}, follow=True)
    text = response.content.decode()
    assert "Movement recorded on 2026-01-10: 1 person (1 from E1 to C-2)." in text
    assert "<td>Dormitory 2 / E1</td><td>Cells / C-2</td>" in text  # in the list of last movements
    assert Cell.objects.get(pk=crowded.pk).occupancy == 49 and persons(world) == 51
    assert client.post(url, {**data, "persons_0": "", "confirm": ""}).status_code == 200  # incomplete line
    assert Movement.objects.count() == 1
    client.force_login(world.users["prosecutor_a"])
    assert client.get(url).status_code == 403


def test_the_block_page_links_the_movement_page_for_editors(client, world):
    client.force_login(world.users["editor_a"])
    page = client.get(f"/blocks/{world.a.block.pk}/").content.decode()
    assert f'href="/facilities/{world.a.facility.pk}/movements/new/"' in page
