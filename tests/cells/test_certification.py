"""Certification requests and cell certificates (cells.certification), on a hand-built facility with exact
figures: the three capacity sums, approval in one transaction issuing version N+1, rejection changing
nothing, separation of duties, one pending request per cell."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cells import certification
from cells.models import Cell, CellCertificate, CertificationRequest, Movement
from core.exceptions import AlreadyDone, ConflictError
from tests.factories import CellFactory

pytestmark = pytest.mark.django_db


def _drafts(block, count, prefix="N"):
    return [
        CellFactory(block=block, number=f"{prefix}{i}", status=Cell.Status.DRAFT, occupancy=0, certified_capacity=None)
        for i in range(1, count + 1)
    ]


def test_capacity_totals_leave_out_drafts_and_decommissioned(world):
    facility = world.a.facility
    totals = certification.capacity_totals(Cell.objects.filter(block__facility=facility))
    # D1 under reconstruction (40 design, 40 certified, not operational), E1 in use (40), C-A in use (1).
    assert totals == {"cells": 3, "places_design": 81, "places_certified": 81, "places_operational": 41}
    _drafts(world.a.cell_block, 2)
    CellFactory(block=world.a.cell_block, number="X", status=Cell.Status.DECOMMISSIONED, occupancy=0)
    assert certification.capacity_totals(Cell.objects.filter(block__facility=facility)) == totals


def test_approval_brings_drafts_into_use_moves_persons_and_issues_next_version(world):
    editor, reviewer = world.users["editor_a"], world.users["reviewer_a"]
    facility, crowded = world.a.facility, world.a.crowded
    new = _drafts(world.a.cell_block, 2)
    request = certification.open_request(
        user=editor,
        facility=facility,
        reason="two new single cells",
        lines=[{"cell": c, "action": "bring_into_use", "certified_capacity": 1} for c in new],
        movement_plan=[{"from_cell": crowded.pk, "to_cell": c.pk, "persons": 1} for c in new],
    )
    assert request.kind == CertificationRequest.Kind.NEW_CELLS
    with pytest.raises(PermissionDenied):
        certification.approve(user=editor, request=request)
    persons_before = sum(Cell.objects.in_use().filter(block__facility=facility).values_list("occupancy", flat=True))
    certificate = certification.approve(user=reviewer, request=request)
    assert (certificate.number, certificate.places_certified, certificate.places_operational) == (2, 83, 43)
    baseline = CellCertificate.objects.get(facility=facility, number=1)
    assert (baseline.is_baseline, baseline.places_certified, baseline.lines.count()) == (True, 81, 3)
    assert certificate.lines.count() == 5
    crowded.refresh_from_db()
    assert crowded.occupancy == 48
    assert set(Cell.objects.filter(pk__in=[c.pk for c in new]).values_list("status", "occupancy")) == {("in_use", 1)}
    assert (
        sum(Cell.objects.in_use().filter(block__facility=facility).values_list("occupancy", flat=True))
        == persons_before
    )
    assert Movement.objects.filter(request=request).count() == 2
    with pytest.raises(AlreadyDone):
        certification.approve(user=reviewer, request=request)


def test_rejection_changes_nothing_and_frees_the_cells(world):
    editor, reviewer = world.users["editor_a"], world.users["reviewer_a"]
    crowded = world.a.crowded
    request = certification.open_request(
        user=editor,
        facility=world.a.facility,
        reason="fewer places",
        lines=[{"cell": crowded, "action": "change", "certified_capacity": 30}],
    )
    with pytest.raises(ConflictError):
        certification.open_request(
            user=editor,
            facility=world.a.facility,
            reason="again",
            lines=[{"cell": crowded, "action": "change", "certified_capacity": 20}],
        )
    with pytest.raises(ValidationError):
        certification.reject(user=reviewer, request=request, note="")
    certification.reject(user=reviewer, request=request, note="measure again")
    crowded.refresh_from_db()
    assert crowded.certified_capacity == 40
    assert not CellCertificate.objects.filter(facility=world.a.facility).exists()
    again = certification.open_request(
        user=editor,
        facility=world.a.facility,
        reason="again",
        lines=[{"cell": crowded, "action": "change", "certified_capacity": 30}],
    )
    assert again.status == "pending"


def test_decommissioning_needs_an_empty_room(world):
    with pytest.raises(ValidationError) as error:
        certification.open_request(
            user=world.users["editor_a"],
            facility=world.a.facility,
            reason="close it",
            lines=[{"cell": world.a.crowded, "action": "decommission"}],
        )
    assert "holds 50 persons" in str(error.value)


def test_a_rejected_request_is_submitted_again_with_its_lines_and_plan(world):
    editor, reviewer = world.users["editor_a"], world.users["reviewer_a"]
    crowded = world.a.crowded
    new = _drafts(world.a.cell_block, 2)
    first = certification.open_request(
        user=editor,
        facility=world.a.facility,
        reason="two new single cells",
        lines=[{"cell": c, "action": "bring_into_use", "certified_capacity": 1} for c in new],
        movement_plan=[{"from_cell": crowded.pk, "to_cell": c.pk, "persons": 1} for c in new],
    )
    with pytest.raises(ValidationError):
        certification.resubmit(user=editor, request=first)  # still pending
    certification.reject(user=reviewer, request=first, note="measure the cells again")
    with pytest.raises(PermissionDenied):
        certification.resubmit(user=reviewer, request=first)
    second = certification.resubmit(user=editor, request=first)
    assert second.pk != first.pk and second.status == "pending"
    assert second.reason == f"Submitted again (request #{first.pk}): two new single cells"
    assert sorted(second.lines.values_list("cell_id", "action", "certified_capacity")) == sorted(
        (c.pk, "bring_into_use", 1) for c in new
    )
    assert second.movement_plan == first.movement_plan
    response = world.clients["editor_a"].get(f"/api/v1/certification-requests/{second.pk}/")
    assert response.json()["plan"] == [
        {
            "cell": crowded.pk,
            "number": "E1",
            "block": "Dormitory 2",
            "persons_now": 50,
            "leaving": 2,
            "after": 48,
            "to_cells": ["N1", "N2"],
        }
    ]
    certification.withdraw(user=editor, request=second)
    response = world.clients["editor_a"].post(
        f"/api/v1/certification-requests/{second.pk}/resubmit/", {"reason": "counted again"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["reason"] == "counted again"
    assert CertificationRequest.objects.filter(status="pending").count() == 1
    assert world.clients["reviewer_a"].post(f"/api/v1/certification-requests/{second.pk}/resubmit/").status_code == 403


def test_a_decided_request_shows_the_figures_it_was_decided_on(world):
    editor, reviewer = world.users["editor_a"], world.users["reviewer_a"]
    crowded = world.a.crowded
    (new,) = _drafts(world.a.cell_block, 1)
    request = certification.open_request(
        user=editor,
        facility=world.a.facility,
        reason="one new single cell",
        lines=[{"cell": new, "action": "bring_into_use", "certified_capacity": 1}],
        movement_plan=[{"from_cell": crowded.pk, "to_cell": new.pk, "persons": 1}],
    )
    before = world.clients["reviewer_a"].get(f"/api/v1/certification-requests/{request.pk}/").json()
    certification.approve(user=reviewer, request=request)
    after = world.clients["reviewer_a"].get(f"/api/v1/certification-requests/{request.pk}/").json()
    # Today E1 holds 49 and the new cell 1: re-applying the plan would read 49 -> 48 and 2 persons in a single
    # cell (non-compliant); the decided request keeps 50 -> 49 and the results the reviewer saw.
    assert (
        after["plan"]
        == before["plan"]
        == [
            {
                "cell": crowded.pk,
                "number": "E1",
                "block": "Dormitory 2",
                "persons_now": 50,
                "leaving": 1,
                "after": 49,
                "to_cells": ["N1"],
            }
        ]
    )
    assert [line["compliance"] for line in after["lines"]] == [line["compliance"] for line in before["lines"]]
    assert {p["status"] for p in after["lines"][0]["compliance"]} == {"compliant"}
    decommissioned = certification.open_request(
        user=editor,
        facility=world.a.facility,
        reason="close it",
        lines=[{"cell": world.a.room, "action": "decommission"}],
    )
    certification.approve(user=reviewer, request=decommissioned)
    world.a.room.refresh_from_db()
    assert (world.a.room.status, world.a.room.certified_capacity) == ("decommissioned", None)
