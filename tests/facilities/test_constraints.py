"""Database constraints refuse what must never be stored."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cells.models import Cell
from facilities.models import ConversionProject
from tests.factories import BlockFactory, CellFactory


@pytest.mark.parametrize(
    "changes",
    [
        {"living_space_m2": Decimal("-1.00")},
        {"living_space_m2": Decimal("0")},
        {"accommodation_type": "dormitory", "design_capacity": 0},
        {"min_wall_distance_m": Decimal("-2")},
        {"ceiling_height_m": Decimal("0")},
        {"design_capacity": 2},  # single-occupancy cell with capacity 2
        {"design_capacity": None},  # single-occupancy cell must state capacity 1
    ],
)
def test_cell_constraints(db, changes):
    block = BlockFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CellFactory(block=block, **changes)
    assert not Cell.objects.exists()


def test_negative_occupancy_is_refused(db):
    cell = CellFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cell.objects.filter(pk=cell.pk).update(occupancy=-1)


def test_overcrowding_is_recorded_not_refused(db):
    cell = CellFactory(accommodation_type="dormitory", design_capacity=40, occupancy=55)
    assert cell.is_overcrowded


@pytest.mark.parametrize(
    "changes",
    [
        {"percent_complete": Decimal("100.01")},
        {"percent_complete": Decimal("-0.01")},
        {"budget_spent_kzt": Decimal("-1")},
        {"planned_start": datetime.date(2025, 1, 2), "planned_end": datetime.date(2025, 1, 1)},
        {"actual_start": datetime.date(2025, 1, 2), "actual_end": datetime.date(2025, 1, 1)},
    ],
)
def test_conversion_project_constraints(db, changes):
    block = BlockFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversionProject.objects.create(block=block, **changes)
    assert not ConversionProject.objects.exists()
