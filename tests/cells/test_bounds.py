"""Measurement bounds declared once (cells.bounds, facilities.bounds): the model, the API serializers (cell,
headcount, design check), the completion form and the import refuse the same values."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator

from cells import bounds
from cells.forms import CompletionForm
from cells.models import Cell
from facilities.bounds import FACILITY_PERSONS
from facilities.models import Facility
from registers import imports

OUTSIDE = {
    "living_space_m2": (Decimal("0.00"), Decimal("10000.01")),
    "min_wall_distance_m": (Decimal("0.00"), Decimal("100.01")),
    "ceiling_height_m": (Decimal("0.00"), Decimal("100.01")),
    "design_capacity": (0, 1001),
    "occupancy": (-1, 1001),
}


def test_the_declared_bounds():
    assert set(bounds.BOUNDS) == set(OUTSIDE)
    for name, (below, above) in OUTSIDE.items():
        bound = bounds.BOUNDS[name]
        assert bound.contains(bound.minimum) and bound.contains(bound.maximum), name
        assert not bound.contains(below) and not bound.contains(above) and not bound.contains(None), name
        field = Cell._meta.get_field(name)
        assert all(v in field.validators for v in bound.validators()), name
    population = Facility._meta.get_field("population").validators
    assert MaxValueValidator(FACILITY_PERSONS.maximum) in population


@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_model_api_design_check_and_import_refuse_the_same_values(world, name):
    admin, cell = world.clients["admin"], world.a.cell
    for value in OUTSIDE[name]:
        if name == "occupancy" and value < 0:
            continue  # a negative count is the field's own rule (PositiveIntegerField)
        cell.refresh_from_db()
        setattr(cell, name, value)
        with pytest.raises(ValidationError) as refused:
            cell.full_clean(exclude=["block"])
        assert name in refused.value.message_dict, (name, value)
        response = admin.patch(f"/api/v1/cells/{cell.pk}/", {name: str(value)}, format="json")
        assert response.status_code == 400 and name in response.json(), (name, value, response.json())
        check = admin.post(
            "/api/v1/compliance/check/", {"accommodation_type": "dormitory", name: str(value)}, format="json"
        )
        assert check.status_code == 400 and name in check.json(), (name, value, check.json())
        if name in ("living_space_m2", "min_wall_distance_m", "ceiling_height_m"):
            form = CompletionForm({name: str(value)})
            assert not form.is_valid() and name in form.errors, (name, value)
    bound = bounds.BOUNDS[name]
    # A count in the cell survey is a headcount (cells.services.check_cell_change): dated.
    dated = name == "occupancy"
    header = f"facility_code,block_name,number,accommodation_type,{name}{',occupancy_date' if dated else ''}\n"
    row = f"{world.a.facility.code},{cell.block.name},{cell.number},{cell.accommodation_type},{OUTSIDE[name][1]}"
    row += ",2026-01-01\n" if dated else "\n"
    out = imports.check_file("cells", (header + row).encode(), user=world.users["admin"])
    assert [e["column"] for e in out.errors] == [name], out.errors
    assert str(bound.maximum) in out.errors[0]["reason"]


def test_headcounts_name_their_bounds(world):
    cell = world.a.cell
    rows = (
        "facility_code,block_name,cell_number,occupancy,count_date\n"
        f"{world.a.facility.code},{cell.block.name},{cell.number},1001,2026-01-01\n"
        f"{world.a.facility.code},,,100001,2026-01-01\n"
    )
    out = imports.check_file("headcounts", rows.encode(), user=world.users["admin"])
    assert [e["reason"] for e in out.errors] == [
        "Occupancy is a number of persons from 0 to 1000.",
        "The population of a facility is a number of persons from 0 to 100000.",
    ]
    response = world.clients["admin"].patch(
        f"/api/v1/cells/{cell.pk}/headcount/", {"occupancy": 1001, "occupancy_date": "2026-01-01"}, format="json"
    )
    assert response.status_code == 400 and "less than or equal to 1000" in response.json()["occupancy"][0]
