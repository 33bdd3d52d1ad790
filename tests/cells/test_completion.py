"""The completion of a conversion through certification (issue 17, items 4 and 5), with exact figures: the
movement plan proposed (the block's own persons first, then the most crowded rooms) and shown without
writing anything, the completion registering drafts counted nowhere and opening a CONVERSION request, its
approval bringing the cells into use with the persons conserved and the rooms decommissioned, its
rejection changing nothing; through the services, the API and the page.

The facility (world A, F-A): block "Dormitory" (the project's) with room D1 in use, 10 persons (design 40);
block "Dormitory 2" with E1 (50 persons, design 40), E2 (30, design 20), E3 (25, design 30); block "Cells"
with C-A (1 person, single). 116 persons in use; 5 certified cells, 131 certified places."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cells import certification, services
from cells.models import Cell, CellCertificate, CertificationRequest, Movement
from cells.movements import propose_plan
from facilities.models import ConversionProject, ResidentialBlock
from facilities.services import record_progress
from tests.factories import CellFactory

pytestmark = pytest.mark.django_db

NUMBERS = [f"S{n:03d}" for n in range(1, 21)]


@pytest.fixture
def facility(world):
    a = world.a
    Cell.objects.filter(pk=a.room.pk).update(status="in_use", occupancy=10, occupancy_date=datetime.date(2026, 1, 5))
    Cell.objects.filter(pk=a.crowded.pk).update(occupancy_date=datetime.date(2026, 1, 5))
    other = a.crowded.block
    e2 = CellFactory(block=other, number="E2", accommodation_type="dormitory", design_capacity=20, occupancy=30)
    e3 = CellFactory(block=other, number="E3", accommodation_type="dormitory", design_capacity=30, occupancy=25)
    project = a.project
    record_progress(
        project=project,
        user=world.users["editor_a"],
        version=project.version,
        date=datetime.date(2026, 1, 5),
        status="commissioning",
        percent_complete=Decimal("95"),
        budget_spent_kzt=Decimal("900000"),
    )
    return {"D1": a.room.pk, "E1": a.crowded.pk, "E2": e2.pk, "E3": e3.pk}


def persons(world):
    return sum(Cell.objects.in_use().filter(block__facility=world.a.facility).values_list("occupancy", flat=True))


def totals(world):
    return certification.capacity_totals(Cell.objects.filter(block__facility=world.a.facility))


def occupancy(ids):
    return {name: Cell.objects.get(pk=pk).occupancy for name, pk in ids.items()}


def snapshot(world):
    """Everything a plan or a dry run must leave as it is."""
    cells = sorted(
        Cell.objects.filter(block__facility=world.a.facility).values_list("pk", "status", "occupancy", "version")
    )
    project = ConversionProject.objects.get(pk=world.a.project.pk)
    return cells, project.version, project.status, CertificationRequest.objects.count(), Movement.objects.count()


def new_cells(count=20):
    return [{"number": number, "living_space_m2": Decimal("6.6")} for number in NUMBERS[:count]]


def complete(world, plan, cells=None):
    project = ConversionProject.objects.get(pk=world.a.project.pk)
    return services.complete_conversion(
        user=world.users["editor_a"],
        project=project,
        version=project.version,
        date=datetime.date(2026, 1, 6),
        actual_end=datetime.date(2026, 1, 6),
        budget_spent_kzt=Decimal("950000"),
        cells=cells or new_cells(),
        movement_plan=plan,
    )


EXPECTED_ROWS = [
    ("D1", "Dormitory", 10, 10, 0, NUMBERS[0:10]),
    ("E1", "Dormitory 2", 50, 5, 45, NUMBERS[10:15]),
    ("E2", "Dormitory 2", 30, 5, 25, NUMBERS[15:20]),
]


def rows_of(plan):
    return [(r["number"], r["block"], r["persons_now"], r["persons"], r["persons_after"], r["to_cells"]) for r in plan]


# --- the plan ------------------------------------------------------------------------------------------------


def test_the_plan_takes_the_blocks_persons_first_then_the_most_crowded_and_writes_nothing(world, facility):
    before = snapshot(world)
    plan = propose_plan(block=world.a.block, persons=20, new_cells=NUMBERS)
    # D1's 10 first; then E1 (10 over design, 50) and E2 (10 over, 30) give one each in turn: 5 and 5; E3
    # (under its design) gives nobody.
    assert rows_of(plan) == EXPECTED_ROWS
    assert snapshot(world) == before


def test_the_plan_refuses_fewer_persons_than_the_block_holds_or_more_than_cells_or_rooms(world, facility):
    with pytest.raises(ValidationError, match="still hold 10 persons"):
        propose_plan(block=world.a.block, persons=9, new_cells=NUMBERS)
    with pytest.raises(ValidationError, match="At most one person per new single cell: 20 cells, 21 persons."):
        propose_plan(block=world.a.block, persons=21, new_cells=NUMBERS)
    many = [f"S{n}" for n in range(200)]
    with pytest.raises(ValidationError, match="hold 115. Update their headcounts"):
        # 10 + 50 + 30 + 25 in shared rooms; C-A is a single cell: not a source.
        propose_plan(block=world.a.block, persons=116, new_cells=many)


def test_the_api_plan_answers_the_proposal_and_writes_nothing(world, facility):
    before = snapshot(world)
    client = world.clients["editor_a"]
    url = f"/api/v1/conversions/{world.a.project.pk}/complete/plan/"
    response = client.post(url, {"cells": new_cells(), "persons_moved_in": 20}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["persons"], body["new_cells"]) == (20, 20)
    assert rows_of(body["movement_plan"]) == EXPECTED_ROWS
    assert body["movement_plan"][0]["from_cell"] == facility["D1"]
    default = client.post(url, {"cells": new_cells()}, format="json").json()  # the block's own 10 by default
    assert rows_of(default["movement_plan"]) == [EXPECTED_ROWS[0]]
    refused = client.post(url, {"cells": new_cells(), "persons_moved_in": 5}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["persons_moved_in"]
    assert world.clients["prosecutor_a"].post(url, {"cells": new_cells()}, format="json").status_code == 403
    assert snapshot(world) == before


# --- the completion and its certification ------------------------------------------------------------------


def test_completion_registers_drafts_counted_nowhere_and_opens_the_request(world, facility):
    before_totals, before_persons = totals(world), persons(world)
    assert (before_totals["cells"], before_totals["places_certified"], before_persons) == (5, 131, 116)
    plan = propose_plan(block=world.a.block, persons=20, new_cells=NUMBERS)
    request = complete(world, plan)
    assert (request.kind, request.status, request.project_id) == ("conversion", "pending", world.a.project.pk)
    drafts = Cell.objects.filter(block=world.a.block, number__startswith="S")
    assert drafts.count() == 20
    assert set(drafts.values_list("status", "occupancy", "design_capacity", "certified_capacity")) == {
        ("draft", 0, 1, None)
    }
    assert totals(world) == before_totals and persons(world) == before_persons == 116
    assert occupancy(facility) == {"D1": 10, "E1": 50, "E2": 30, "E3": 25}
    assert Cell.objects.get(pk=facility["D1"]).status == "in_use"
    assert ResidentialBlock.objects.get(pk=world.a.block.pk).accommodation_type == "dormitory"
    assert ConversionProject.objects.get(pk=world.a.project.pk).status == "completed"
    actions = sorted(request.lines.values_list("action", "certified_capacity"), key=str)
    assert actions == [("bring_into_use", 1)] * 20 + [("decommission", None)]
    assert len(request.movement_plan) == 20 and {m["persons"] for m in request.movement_plan} == {1}
    assert Movement.objects.count() == 0
    assert services.completion_message(request) == (
        f"Certification request #{request.pk} opened: 20 new cells and 1 room to decommission; on approval 20 "
        "persons move: 10 from D1, 5 from E1 (Dormitory 2), 5 from E2 (Dormitory 2)."
    )
    draft = drafts.get(number="S001").history.get()
    assert (draft.history_user, draft.history_change_reason) == (world.users["editor_a"], services.REASON_REGISTERED)


def test_approval_brings_the_cells_into_use_conserves_persons_and_decommissions_the_rooms(world, facility):
    request = complete(world, propose_plan(block=world.a.block, persons=20, new_cells=NUMBERS))
    certificate = certification.approve(user=world.users["reviewer_a"], request=request)
    assert occupancy(facility) == {"D1": 0, "E1": 45, "E2": 25, "E3": 25}
    assert Cell.objects.get(pk=facility["D1"]).status == "decommissioned"
    new = Cell.objects.filter(block=world.a.block, number__startswith="S")
    assert set(new.values_list("status", "occupancy", "certified_capacity")) == {("in_use", 1, 1)}
    assert persons(world) == 116  # 20 + 45 + 25 + 25 + 1
    # E1 40, E2 20, E3 30, C-A 1 and the 20 new cells; D1 (40) left the record.
    assert totals(world) == {"cells": 24, "places_design": 111, "places_certified": 111, "places_operational": 111}
    assert (certificate.number, certificate.places_certified, certificate.lines.count()) == (2, 111, 24)
    assert CellCertificate.objects.get(facility=world.a.facility, number=1).places_certified == 131
    assert ResidentialBlock.objects.get(pk=world.a.block.pk).accommodation_type == "cell"
    moved = Movement.objects.filter(request=request)
    assert moved.count() == 20 and sum(moved.values_list("persons", flat=True)) == 20
    assert sorted(moved.filter(from_cell_id=facility["E1"]).values_list("to_cell__number", flat=True)) == NUMBERS[10:15]
    e1 = Cell.objects.get(pk=facility["E1"]).history.first()
    assert e1.history_change_reason == f"movement of persons: certification request #{request.pk} approved"


def test_rejection_leaves_drafts_drafts_and_the_rooms_unchanged(world, facility):
    request = complete(world, propose_plan(block=world.a.block, persons=20, new_cells=NUMBERS))
    certification.reject(user=world.users["reviewer_a"], request=request, note="plans not signed")
    assert set(Cell.objects.filter(block=world.a.block, number__startswith="S").values_list("status", "occupancy")) == {
        ("draft", 0)
    }
    assert occupancy(facility) == {"D1": 10, "E1": 50, "E2": 30, "E3": 25}
    assert Cell.objects.get(pk=facility["D1"]).status == "in_use"
    assert totals(world)["places_certified"] == 131 and persons(world) == 116
    assert ResidentialBlock.objects.get(pk=world.a.block.pk).accommodation_type == "dormitory"
    assert Movement.objects.count() == 0


def test_a_changed_plan_is_what_moves(world, facility):
    plan = [
        {"from_cell": facility["D1"], "persons": 10},
        {"from_cell": facility["E3"], "persons": 2, "to_cells": ["S020", "S019"]},
    ]
    request = complete(world, plan)
    certification.approve(user=world.users["reviewer_a"], request=request)
    assert occupancy(facility) == {"D1": 0, "E1": 50, "E2": 30, "E3": 23}
    assert Cell.objects.get(block=world.a.block, number="S020").occupancy == 1
    assert Cell.objects.get(block=world.a.block, number="S011").occupancy == 0
    assert persons(world) == 116


def test_completion_refuses_a_plan_that_leaves_persons_in_the_blocks_rooms_and_writes_nothing(world, facility):
    before = snapshot(world)
    with pytest.raises(ValidationError) as error:
        complete(world, [{"from_cell": facility["D1"], "persons": 4}])
    assert error.value.message_dict == {
        "movement_plan": [
            "Room D1 of the block holds 10 persons and the plan moves 4 of them: all of them move into the new "
            "cells before it is decommissioned."
        ]
    }
    with pytest.raises(ValidationError, match="room E1 holds 50 persons; 60 cannot move out of it"):
        complete(
            world,
            [{"from_cell": facility["D1"], "persons": 10}, {"from_cell": facility["E1"], "persons": 60}],
            cells=new_cells(20) + [{"number": f"T{n}", "living_space_m2": Decimal("6.6")} for n in range(60)],
        )
    with pytest.raises(ValidationError) as error:
        complete(world, [{"from_cell": facility["D1"], "persons": 10}], cells=[{**new_cells(1)[0], "occupancy": 1}])
    assert "cells[0].occupancy" in error.value.message_dict
    assert snapshot(world) == before


def test_the_api_completion_takes_the_confirmed_plan_and_names_the_request(world, facility):
    client = world.clients["editor_a"]
    project = ConversionProject.objects.get(pk=world.a.project.pk)
    url = f"/api/v1/conversions/{project.pk}/complete/"
    plan = client.post(url + "plan/", {"cells": new_cells(), "persons_moved_in": 20}, format="json").json()
    body = {
        "version": project.version,
        "date": "2026-01-06",
        "actual_end": "2026-01-06",
        "budget_spent_kzt": "950000",
        "cells": new_cells(),
        "movement_plan": plan["movement_plan"],  # sent back as it came
    }
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.content
    opened = response.json()["certification_request"]
    request = CertificationRequest.objects.get()
    assert (opened["id"], opened["kind"], opened["status"]) == (request.pk, "conversion", "pending")
    assert (opened["new_cells"], opened["rooms_to_decommission"], opened["persons_moving"]) == (20, 1, 20)
    assert opened["message"].startswith(f"Certification request #{request.pk} opened: 20 new cells")
    assert response.json()["status"] == "completed" and response["ETag"] == f'"{response.json()["version"]}"'
    assert occupancy(facility) == {"D1": 10, "E1": 50, "E2": 30, "E3": 25}


def test_the_api_completion_without_a_plan_is_refused_while_the_block_holds_persons(world, facility):
    project = ConversionProject.objects.get(pk=world.a.project.pk)
    body = {"version": project.version, "date": "2026-01-06", "actual_end": "2026-01-06", "budget_spent_kzt": "1"}
    response = world.clients["editor_a"].post(
        f"/api/v1/conversions/{project.pk}/complete/", {**body, "cells": new_cells()}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["movement_plan"]
    assert CertificationRequest.objects.count() == 0


# --- the page ------------------------------------------------------------------------------------------------


def page_data(project, **changes):
    data = {
        "version": project.version,
        "date": "2026-01-06",
        "actual_end": "2026-01-06",
        "budget_spent_kzt": "950000",
        "count": 20,
        "prefix": "S",
        "living_space_m2": "6.60",
        "has_sanitary_annex": "true",
        "sanitary_annex_partitioned": "true",
        "has_natural_light": "true",
        "persons_moved_in": 20,
    }
    data.update(changes)
    return data


def test_the_page_shows_the_plan_then_confirms_it(client, world, facility):
    client.force_login(world.users["editor_a"])
    project = ConversionProject.objects.get(pk=world.a.project.pk)
    url = f"/conversions/{project.pk}/complete/"
    before = snapshot(world)
    page = client.post(url, page_data(project, preview="")).content.decode()
    assert snapshot(world) == before  # step 1 writes nothing
    assert "On approval 20 persons move into the new cells" in page
    assert f'name="move-{facility["D1"]}" value="10"' in page and f'name="move-{facility["E1"]}" value="5"' in page
    assert "<td>S011 – S015</td>" in page and 'name="confirm"' in page
    # The editor changes E1's 5 to 3 and recalculates: E1 after 47, still nothing written.
    edited = {"plan": "1", f"move-{facility['D1']}": "10", f"move-{facility['E1']}": "3", f"move-{facility['E2']}": "5"}
    page = client.post(url, page_data(project, recalculate="", **edited)).content.decode()
    assert '<td class="num">50</td><td class="num"><input' in page and '<td class="num">47</td>' in page
    assert snapshot(world) == before
    response = client.post(url, page_data(project, confirm="", **edited), follow=True)
    request = CertificationRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/blocks/{world.a.block.pk}/"
    assert (
        f"Certification request #{request.pk} opened: 20 new cells and 1 room to decommission; on approval 18 "
        "persons move: 10 from D1, 3 from E1 (Dormitory 2), 5 from E2 (Dormitory 2)." in response.content.decode()
    )
    certification.approve(user=world.users["reviewer_a"], request=request)
    assert occupancy(facility) == {"D1": 0, "E1": 47, "E2": 25, "E3": 25}
    assert persons(world) == 116


def test_the_page_refuses_a_plan_that_leaves_the_blocks_persons_and_keeps_the_numbers(client, world, facility):
    client.force_login(world.users["editor_a"])
    project = ConversionProject.objects.get(pk=world.a.project.pk)
    edited = {"plan": "1", f"move-{facility['D1']}": "7"}
    page = client.post(
        f"/conversions/{project.pk}/complete/", page_data(project, confirm="", **edited)
    ).content.decode()
    assert "Room D1 of the block holds 10 persons and the plan moves 7 of them" in page
    assert f'name="move-{facility["D1"]}" value="7"' in page
    assert CertificationRequest.objects.count() == 0
    assert ConversionProject.objects.get(pk=project.pk).status == "commissioning"
