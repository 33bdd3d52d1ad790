"""The rules a certification request's lines and plan are held to before anything is written (issue 17,
found by trying bad input): a decommissioning proposes nothing, a room becomes a single cell only if it
was built for 1, no cell is certified above its design capacity, a plan names only cells of the
institution (and says nothing of others), a reason is bounded; and two approvals in one institution at
once both apply (they serialise on the institution, never deadlock)."""

import pytest
from django.core.exceptions import ValidationError

from cells import certification
from cells.models import CellCertificate, CertificationRequest
from tests.races import race


def _open(world, lines, **extra):
    return certification.open_request(
        user=world.users["editor_a"],
        facility=world.a.facility,
        reason=extra.pop("reason", "a test"),
        lines=lines,
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "line,message",
    [
        (
            {"action": "decommission", "certified_capacity": 5},
            "A decommissioning proposes no values: leave certified capacity, type and annex empty.",
        ),
        (
            {"action": "change", "accommodation_type": "single_occupancy_cell", "certified_capacity": 1},
            "Cell E1 was built for 40 persons: a single-occupancy cell has a design capacity of 1 (register the new "
            "single cells instead).",
        ),
        (
            {"action": "change", "certified_capacity": 41},
            "Cell E1 was built for 40 persons: it cannot be certified for 41.",
        ),
    ],
)
def test_a_line_that_could_not_be_applied_is_refused_when_opened(world, line, message):
    with pytest.raises(ValidationError) as error:
        _open(world, [{"cell": world.a.crowded, **line}])
    assert message in error.value.message_dict["lines[0]"]
    assert not CertificationRequest.objects.exists()


@pytest.mark.django_db
def test_a_plan_names_only_cells_of_the_institution_and_a_reason_is_bounded(world):
    with pytest.raises(ValidationError) as error:
        _open(
            world,
            [{"cell": world.a.crowded, "action": "change", "certified_capacity": 30}],
            movement_plan=[{"from_cell": world.b.crowded.pk, "to_cell": world.a.cell.pk, "persons": 1000}],
        )
    assert error.value.message_dict["movement_plan"] == ["Line 1: no such cell in this institution."]
    with pytest.raises(ValidationError) as error:
        _open(world, [{"cell": world.a.crowded, "action": "change", "certified_capacity": 30}], reason="x" * 20_001)
    assert list(error.value.message_dict) == ["reason"]
    assert not CertificationRequest.objects.exists()


@pytest.mark.django_db
def test_a_plan_that_takes_more_than_a_room_holds_names_what_it_holds(world):
    with pytest.raises(ValidationError) as error:
        _open(
            world,
            [{"cell": world.a.crowded, "action": "change", "certified_capacity": 30}],
            movement_plan=[
                {"from_cell": world.a.crowded.pk, "to_cell": world.a.cell.pk, "persons": 40},
                {"from_cell": world.a.crowded.pk, "to_cell": world.a.cell.pk, "persons": 20},
            ],
        )
    assert error.value.message_dict["movement_plan"] == ["Line 2: room E1 holds 50 persons; 60 cannot move out of it."]


@pytest.mark.django_db(transaction=True)
def test_two_approvals_in_one_institution_at_once_both_apply(world):
    first = _open(world, [{"cell": world.a.crowded, "action": "change", "certified_capacity": 30}])
    second = _open(world, [{"cell": world.a.room, "action": "change", "certified_capacity": 20}])
    reviewer = world.users["reviewer_a"]
    results = race(
        lambda: certification.approve(user=reviewer, request=first),
        lambda: certification.approve(user=reviewer, request=second),
    )
    assert all(isinstance(result, CellCertificate) for result in results), results
    numbers = sorted(CellCertificate.objects.filter(facility=world.a.facility).values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    assert CellCertificate.objects.get(facility=world.a.facility, number=3).places_certified == 81 - 10 - 20
